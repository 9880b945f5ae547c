//! SQL for the `changes` table: the change log devices pull from, with who may see each entry.
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use uuid::Uuid;

use super::columns::{get_uuid, ts};
use crate::store::{StoreError, StoreResult, Viewer};

/// Which record a log entry is about; `record_id` is its id (a category's key for categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Community,
    Household,
    Category,
    Building,
    Notice,
    Consultation,
    Report,
    /// A proxy grant (亲友代办); logged for the principal and the proxy.
    ProxyGrant,
    /// An act a proxy did; logged for the principal.
    ProxyAct,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Community => "community",
            Kind::Household => "household",
            Kind::Category => "category",
            Kind::Building => "building",
            Kind::Notice => "notice",
            Kind::Consultation => "consultation",
            Kind::Report => "report",
            Kind::ProxyGrant => "proxy_grant",
            Kind::ProxyAct => "proxy_act",
        }
    }
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "community" => Kind::Community,
            "household" => Kind::Household,
            "category" => Kind::Category,
            "building" => Kind::Building,
            "notice" => Kind::Notice,
            "consultation" => Kind::Consultation,
            "report" => Kind::Report,
            "proxy_grant" => Kind::ProxyGrant,
            "proxy_act" => Kind::ProxyAct,
            _ => return None,
        })
    }
}

/// Who a log entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Community(Uuid),
    Building(Uuid),
    Household(Uuid),
    Resident(Uuid),
}

pub fn append(
    conn: &Connection,
    community_id: Uuid,
    kind: Kind,
    record_id: &str,
    audience: Audience,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (aud, aud_id) = match audience {
        Audience::Community(id) => ("community", id),
        Audience::Building(id) => ("building", id),
        Audience::Household(id) => ("household", id),
        Audience::Resident(id) => ("resident", id),
    };
    // The community's counter row, bumped in this write transaction: whoever commits first took the
    // smaller number, so a device never moves its cursor past an entry committed later.
    let cseq: i64 = conn
        .prepare_cached(
            "INSERT INTO feed_heads (community_id, head) VALUES (?1, 1)
             ON CONFLICT (community_id) DO UPDATE SET head = head + 1
             RETURNING head",
        )?
        .query_row([community_id.to_string()], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO changes (community_id, cseq, kind, record_id, audience, audience_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        community_id.to_string(),
        cseq,
        kind.as_str(),
        record_id,
        aud,
        aud_id.to_string(),
        ts(now)
    ])?;
    Ok(cseq)
}

/// One entry for the whole community when `buildings` is empty, else one per listed building.
pub fn append_for_buildings(
    conn: &Connection,
    community_id: Uuid,
    kind: Kind,
    record_id: Uuid,
    buildings: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let id = record_id.to_string();
    if buildings.is_empty() {
        append(
            conn,
            community_id,
            kind,
            &id,
            Audience::Community(community_id),
            now,
        )?;
    } else {
        for b in buildings {
            append(conn, community_id, kind, &id, Audience::Building(*b), now)?;
        }
    }
    Ok(())
}

/// The newest position in one community's feed (0 when empty).
pub fn head(conn: &Connection, community_id: Uuid) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE((SELECT head FROM feed_heads WHERE community_id = ?1), 0)",
        )?
        .query_row([community_id.to_string()], |r| r.get(0))?)
}

/// The newest row of the hub-wide log (`seq`, across communities): what the nudger follows to find
/// what was committed, by this process or another, since it last looked.
pub fn last_seq(conn: &Connection) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM changes")?
        .query_row([], |r| r.get(0))?)
}

/// One committed entry as the nudger sees it: enough to tell whose devices may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub seq: i64,
    pub community_id: Uuid,
    pub cseq: i64,
    pub audience: Audience,
}

/// Entries after hub-wide `seq`, oldest first, at most `limit`.
pub fn committed_after(conn: &Connection, seq: i64, limit: u32) -> StoreResult<Vec<Committed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, community_id, cseq, audience, audience_id FROM changes
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![seq, i64::from(limit)], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            get_uuid(r, 1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            get_uuid(r, 4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, community_id, cseq, aud, id) = row?;
        let audience = match aud.as_str() {
            "community" => Audience::Community(id),
            "building" => Audience::Building(id),
            "household" => Audience::Household(id),
            "resident" => Audience::Resident(id),
            other => return Err(StoreError::Corrupt(format!("change audience {other}"))),
        };
        out.push(Committed {
            seq,
            community_id,
            cseq,
            audience,
        });
    }
    Ok(out)
}

/// One log entry: (the community's seq, kind, record id).
pub type Entry = (i64, Kind, String);

/// Log entries after `cursor` that the viewer may see, oldest first: at most `limit`, plus whether
/// more wait.
pub fn feed(
    conn: &Connection,
    viewer: &Viewer,
    cursor: i64,
    limit: u32,
) -> StoreResult<(Vec<Entry>, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT cseq, kind, record_id FROM changes
         WHERE community_id = ?1 AND cseq > ?2 AND (
             audience = 'community'
             OR (audience = 'building' AND audience_id = ?3)
             OR (audience = 'household' AND audience_id = ?4)
             OR (audience = 'resident' AND audience_id = ?5))
         ORDER BY cseq LIMIT ?6",
    )?;
    let rows = stmt.query_map(
        params![
            viewer.community_id.to_string(),
            cursor,
            viewer.building_id.to_string(),
            viewer.household_id.to_string(),
            viewer.resident_id.to_string(),
            i64::from(limit) + 1
        ],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, kind, id) = row?;
        if let Some(kind) = Kind::parse(&kind) {
            out.push((seq, kind, id));
        }
    }
    let has_more = out.len() > limit as usize;
    out.truncate(limit as usize);
    Ok((out, has_more))
}
