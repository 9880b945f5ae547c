//! SQL for the `changes` table: the change log devices pull from, with who may see each entry.
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use uuid::Uuid;

use super::columns::ts;
use crate::store::{StoreResult, Viewer};

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
#[derive(Debug, Clone, Copy)]
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
    conn.prepare_cached(
        "INSERT INTO changes (community_id, kind, record_id, audience, audience_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        community_id.to_string(),
        kind.as_str(),
        record_id,
        aud,
        aud_id.to_string(),
        ts(now)
    ])?;
    Ok(conn.last_insert_rowid())
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

pub fn head(conn: &Connection) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM changes")?
        .query_row([], |r| r.get(0))?)
}

/// One log entry: (seq, kind, record id).
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
        "SELECT seq, kind, record_id FROM changes
         WHERE community_id = ?1 AND seq > ?2 AND (
             audience = 'community'
             OR (audience = 'building' AND audience_id = ?3)
             OR (audience = 'household' AND audience_id = ?4)
             OR (audience = 'resident' AND audience_id = ?5))
         ORDER BY seq LIMIT ?6",
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
