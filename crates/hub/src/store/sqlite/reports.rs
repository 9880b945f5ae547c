//! SQL for `reports`, `report_photos` and `report_events`: reports (随手拍) and their timelines.
use chrono::{DateTime, Utc};
use linli_proto::{
    ActorRole, Address, ErrorCode, LatLon, Report, ReportEvent, ReportEventKind, ReportStatus,
    Satisfaction,
};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::columns::{get_enum, get_opt_enum, get_opt_ts, get_ts, get_uuid, ts};
use super::tlog;
use crate::store::{ReportFilter, StoreResult};
use linli_tlog::records::RECORD_VERSION;
use linli_tlog::{LeafKind, Record};

/// What the rules need to know about a stored report.
#[derive(Debug, Clone)]
pub struct ReportState {
    pub community_id: Uuid,
    pub household_id: Uuid,
    pub status: ReportStatus,
    pub resolved_at: Option<DateTime<Utc>>,
    pub rating: Option<Satisfaction>,
    pub version: i64,
}

pub struct NewReport<'a> {
    pub id: Uuid,
    pub community_id: Uuid,
    pub household_id: Uuid,
    pub resident_id: Uuid,
    pub category: &'a str,
    pub text: &'a str,
    pub address: &'a Address,
    pub location: Option<LatLon>,
    pub photos: &'a [String],
    pub created_at: DateTime<Utc>,
    /// Set when a proxy made it for the resident.
    pub proxy: Option<ProxyStamp<'a>>,
}

/// Both identities of an act a proxy did for a resident, for the timeline.
#[derive(Debug, Clone, Copy)]
pub struct ProxyStamp<'a> {
    pub proxy_id: Uuid,
    pub principal_id: Uuid,
    /// What the proxy is called, shown as the actor's name.
    pub name: Option<&'a str>,
}

/// Inserts a new report with its photos, first timeline event and change-log entry. An id that is
/// taken answers `report_exists` (the primary key says so; no lookup first).
pub fn insert(conn: &Connection, r: &NewReport<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let inserted = conn.prepare_cached(
        "INSERT INTO reports (id, community_id, household_id, resident_id, category, text,
             addr_building, addr_unit, addr_room, addr_text, lat, lon, status, created_at, received_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'submitted', ?13, ?14, 1)",
    )?
    .execute(params![
        r.id.to_string(),
        r.community_id.to_string(),
        r.household_id.to_string(),
        r.resident_id.to_string(),
        r.category,
        r.text,
        r.address.building,
        r.address.unit,
        r.address.room,
        r.address.text,
        r.location.map(|l| l.lat),
        r.location.map(|l| l.lon),
        ts(r.created_at),
        ts(now),
    ]);
    match inserted {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            return Err(ErrorCode::ReportExists.into());
        }
        other => other?,
    };
    let mut stmt = conn
        .prepare_cached("INSERT INTO report_photos (report_id, idx, sha256) VALUES (?1, ?2, ?3)")?;
    for (i, sha) in r.photos.iter().enumerate() {
        stmt.execute(params![r.id.to_string(), i as i64, sha])?;
    }
    let mut submitted =
        Event::new(ReportEventKind::Submitted, ActorRole::Resident, now).by(r.proxy);
    submitted.author = Some(r.resident_id);
    add_event(conn, r.id, &submitted)?;
    changes::append(
        conn,
        r.community_id,
        Kind::Report,
        &r.id.to_string(),
        Audience::Household(r.household_id),
        now,
    )?;
    Ok(1)
}

pub fn state(conn: &Connection, id: Uuid) -> StoreResult<Option<ReportState>> {
    Ok(conn
        .prepare_cached(
            "SELECT community_id, household_id, status, resolved_at, rating, version FROM reports WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok(ReportState {
                community_id: get_uuid(r, 0)?,
                household_id: get_uuid(r, 1)?,
                status: get_enum(r, 2, ReportStatus::parse)?,
                resolved_at: get_opt_ts(r, 3)?,
                rating: get_opt_enum(r, 4, Satisfaction::parse)?,
                version: r.get(5)?,
            })
        })
        .optional()?)
}

/// A timeline entry to append.
pub struct Event<'a> {
    pub kind: ReportEventKind,
    pub actor: ActorRole,
    pub status: Option<ReportStatus>,
    pub text: Option<&'a str>,
    pub satisfaction: Option<Satisfaction>,
    pub at: DateTime<Utc>,
    pub actor_name: Option<&'a str>,
    pub actor_id: Option<Uuid>,
    pub on_behalf_of: Option<Uuid>,
    /// The resident who wrote it (none for staff): their copy of their data and closing their account
    /// find it by this.
    pub author: Option<Uuid>,
}

impl<'a> Event<'a> {
    pub fn new(kind: ReportEventKind, actor: ActorRole, at: DateTime<Utc>) -> Self {
        Event {
            kind,
            actor,
            status: None,
            text: None,
            satisfaction: None,
            at,
            actor_name: None,
            actor_id: None,
            on_behalf_of: None,
            author: None,
        }
    }

    /// Marks the event as done by a proxy for the resident (both identities on the timeline).
    pub fn by(mut self, proxy: Option<ProxyStamp<'a>>) -> Self {
        if let Some(p) = proxy {
            self.actor = ActorRole::Proxy;
            self.actor_name = p.name;
            self.actor_id = Some(p.proxy_id);
            self.on_behalf_of = Some(p.principal_id);
        }
        self
    }
}

fn kind_str(k: ReportEventKind) -> &'static str {
    match k {
        ReportEventKind::Submitted => "submitted",
        ReportEventKind::Status => "status",
        ReportEventKind::Comment => "comment",
        ReportEventKind::Withdrawn => "withdrawn",
        ReportEventKind::Rated => "rated",
        ReportEventKind::Reopened => "reopened",
    }
}

fn kind_parse(s: &str) -> Option<ReportEventKind> {
    Some(match s {
        "submitted" => ReportEventKind::Submitted,
        "status" => ReportEventKind::Status,
        "comment" => ReportEventKind::Comment,
        "withdrawn" => ReportEventKind::Withdrawn,
        "rated" => ReportEventKind::Rated,
        "reopened" => ReportEventKind::Reopened,
        _ => return None,
    })
}

fn actor_str(a: ActorRole) -> &'static str {
    match a {
        ActorRole::Resident => "resident",
        ActorRole::Staff => "staff",
        ActorRole::Proxy => "proxy",
    }
}

fn actor_parse(s: &str) -> Option<ActorRole> {
    Some(match s {
        "resident" => ActorRole::Resident,
        "staff" => ActorRole::Staff,
        "proxy" => ActorRole::Proxy,
        _ => return None,
    })
}

/// Appends a timeline event; returns its id.
/// Appends an event to a report's timeline. Its time is never before the event it follows: requests
/// read the hub's clock before they queue for the writer, so two concurrent ones (a staff reply, a
/// resident's comment) can commit in the other order than their clock readings. Timestamps are
/// fixed-width RFC 3339 in UTC, so SQLite's text `MAX` compares them as times.
pub fn add_event(conn: &Connection, report_id: Uuid, e: &Event<'_>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    conn.prepare_cached(
        "INSERT INTO report_events (id, report_id, ord, kind, actor, status, text, satisfaction, at,
             actor_name, actor_id, on_behalf_of, author_id)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(ord), 0) + 1 FROM report_events WHERE report_id = ?2),
                 ?3, ?4, ?5, ?6, ?7,
                 MAX(?8, COALESCE((SELECT MAX(at) FROM report_events WHERE report_id = ?2), ?8)),
                 ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id.to_string(),
        report_id.to_string(),
        kind_str(e.kind),
        actor_str(e.actor),
        e.status.map(|s| s.as_str()),
        e.text,
        e.satisfaction.map(|s| s.as_str()),
        ts(e.at),
        e.actor_name,
        e.actor_id.map(|i| i.to_string()),
        e.on_behalf_of.map(|i| i.to_string()),
        e.author.map(|a| a.to_string()),
    ])?;
    Ok(id)
}

/// Appends the transparency-log leaves of a timeline event: one `report_status` leaf when it
/// changed the status, one `report_reply` leaf when staff wrote a reply.
pub fn log_event(
    conn: &Connection,
    community_id: Uuid,
    report_id: Uuid,
    event_id: Uuid,
    e: &Event<'_>,
    op_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if let Some(status) = e.status {
        let record = Record::ReportStatus {
            v: RECORD_VERSION,
            report: report_id.to_string(),
            event: event_id.to_string(),
            status: status.as_str().to_owned(),
            actor: actor_str(e.actor).to_owned(),
        };
        tlog::append(
            conn,
            community_id,
            &tlog::Entry {
                kind: LeafKind::ReportStatus,
                record: &record,
                record_id: event_id.to_string(),
                op_id,
            },
            now,
        )?;
    }
    if let (ActorRole::Staff, Some(text)) = (e.actor, e.text) {
        let record = Record::ReportReply {
            v: RECORD_VERSION,
            report: report_id.to_string(),
            event: event_id.to_string(),
            text: text.to_owned(),
        };
        tlog::append(
            conn,
            community_id,
            &tlog::Entry {
                kind: LeafKind::ReportReply,
                record: &record,
                record_id: event_id.to_string(),
                op_id,
            },
            now,
        )?;
    }
    Ok(())
}

/// What changes on the report row itself along with a timeline event.
pub struct RowUpdate {
    pub status: ReportStatus,
    pub resolved_at: Option<DateTime<Utc>>,
    pub rating: Option<Satisfaction>,
}

/// Writes the new row state, bumps the version and logs the change for the household. Returns the
/// new version.
pub fn update(
    conn: &Connection,
    id: Uuid,
    st: &ReportState,
    u: &RowUpdate,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    conn.prepare_cached(
        "UPDATE reports SET status = ?1, resolved_at = ?2, rating = ?3, version = version + 1 WHERE id = ?4",
    )?
    .execute(params![
        u.status.as_str(),
        u.resolved_at.map(ts),
        u.rating.map(|s| s.as_str()),
        id.to_string()
    ])?;
    changes::append(
        conn,
        st.community_id,
        Kind::Report,
        &id.to_string(),
        Audience::Household(st.household_id),
        now,
    )?;
    Ok(st.version + 1)
}

/// The report with its photos and timeline, and the household it belongs to.
pub fn render(conn: &Connection, id: Uuid) -> StoreResult<Option<(Report, Uuid)>> {
    let row = conn
        .prepare_cached(
            "SELECT category, text, addr_building, addr_unit, addr_room, addr_text, lat, lon, status,
                    created_at, received_at, version, household_id
             FROM reports WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            let lat: Option<f64> = r.get(6)?;
            let lon: Option<f64> = r.get(7)?;
            Ok((
                Report {
                    id,
                    category: r.get(0)?,
                    text: r.get(1)?,
                    address: Address {
                        building: r.get(2)?,
                        unit: r.get(3)?,
                        room: r.get(4)?,
                        text: r.get(5)?,
                    },
                    location: lat.zip(lon).map(|(lat, lon)| LatLon { lat, lon }),
                    photos: Vec::new(),
                    voice: None,
                    status: get_enum(r, 8, ReportStatus::parse)?,
                    created_at: get_ts(r, 9)?,
                    received_at: get_ts(r, 10)?,
                    events: Vec::new(),
                    version: r.get(11)?,
                    handling: None,
                },
                get_uuid(r, 12)?,
            ))
        })
        .optional()?;
    let Some((mut report, household)) = row else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT sha256 FROM report_photos WHERE report_id = ?1 ORDER BY idx")?;
    report.photos = stmt
        .query_map([id.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, kind, actor, actor_name, status, text, satisfaction, at, actor_id, on_behalf_of
         FROM report_events WHERE report_id = ?1 AND kind NOT IN {}
         ORDER BY ord",
        super::dispatch::STEP_KINDS
    ))?;
    report.events = stmt
        .query_map([id.to_string()], |r| {
            Ok(ReportEvent {
                id: get_uuid(r, 0)?,
                kind: get_enum(r, 1, kind_parse)?,
                actor: get_enum(r, 2, actor_parse)?,
                actor_name: r.get(3)?,
                status: get_opt_enum(r, 4, ReportStatus::parse)?,
                text: r.get(5)?,
                satisfaction: get_opt_enum(r, 6, Satisfaction::parse)?,
                at: get_ts(r, 7)?,
                receipts: Vec::new(),
                actor_id: opt_uuid(r, 8)?,
                on_behalf_of: opt_uuid(r, 9)?,
                voice: None,
            })
        })?
        .collect::<Result<_, _>>()?;
    for e in &mut report.events {
        e.receipts = tlog::receipts_for(conn, &e.id.to_string())?;
    }
    for (event, voice) in super::voices::of_report(conn, id)? {
        match event {
            None => report.voice = Some(voice),
            Some(event) => {
                if let Some(e) = report.events.iter_mut().find(|e| e.id.to_string() == event) {
                    e.voice = Some(voice);
                }
            }
        }
    }
    // Dispatch steps stay on the staff side (see `dispatch::STEP_KINDS`); the resident sees the
    // handling unit and the promised date.
    report.handling = super::dispatch::handling(conn, id)?;
    Ok(Some((report, household)))
}

fn opt_uuid(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    match r.get::<_, Option<String>>(idx)? {
        Some(_) => get_uuid(r, idx).map(Some),
        None => Ok(None),
    }
}

/// Report ids for staff, newest first.
pub fn ids(conn: &Connection, filter: &ReportFilter) -> StoreResult<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM reports WHERE (?1 IS NULL OR status = ?1) ORDER BY received_at DESC, id DESC",
    )?;
    let ids = stmt
        .query_map([filter.status.map(|s| s.as_str())], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_stays_in_time_order_when_events_commit_out_of_clock_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        let report = Uuid::now_v7();
        let later = Utc::now();
        let earlier = later - chrono::Duration::seconds(3);
        add_event(
            &conn,
            report,
            &Event::new(ReportEventKind::Comment, ActorRole::Staff, later),
        )
        .unwrap();
        add_event(
            &conn,
            report,
            &Event::new(ReportEventKind::Comment, ActorRole::Resident, earlier),
        )
        .unwrap();
        let times: Vec<String> = conn
            .prepare("SELECT at FROM report_events WHERE report_id = ?1 ORDER BY ord")
            .unwrap()
            .query_map([report.to_string()], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(times, vec![ts(later), ts(later)]);
    }
}
