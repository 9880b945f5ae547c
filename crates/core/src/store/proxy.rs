//! Authorized proxies (亲友代办) on the device, kept apart from the resident's own replica:
//! `proxy_grants` and `proxy_acts` hold the resident's own grants (as principal or proxy) and the acts done
//! for them; `proxy_records` and `proxy_cursors` hold what the resident reads *for* each principal they act
//! for, keyed by that principal, so nothing of it ever mixes into their own screens.
use crate::store::ts;
use crate::CoreError;
use linli_proto::{
    Building, Category, Community, Consultation, Household, Notice, ProxyAct, ProxyGrant, Report,
};
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

pub fn put_grant(conn: &Connection, g: &ProxyGrant) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO proxy_grants (id, created_at, json) VALUES (?1, ?2, ?3)",
        rusqlite::params![
            g.id.to_string(),
            ts(g.created_at),
            serde_json::to_string(g)?
        ],
    )?;
    Ok(())
}

/// Newest first.
pub fn grants(conn: &Connection) -> Result<Vec<ProxyGrant>, CoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT json FROM proxy_grants ORDER BY created_at DESC, id DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|j| Ok(serde_json::from_str(&j?)?)).collect()
}

/// Stores an act; `true` when it is new to this device.
pub fn put_act(conn: &Connection, a: &ProxyAct) -> Result<bool, CoreError> {
    Ok(conn.execute(
        "INSERT OR IGNORE INTO proxy_acts (id, at, json) VALUES (?1, ?2, ?3)",
        rusqlite::params![a.id.to_string(), ts(a.at), serde_json::to_string(a)?],
    )? > 0)
}

pub fn act(conn: &Connection, id: Uuid) -> Result<Option<ProxyAct>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM proxy_acts WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

pub fn grant(conn: &Connection, id: Uuid) -> Result<Option<ProxyGrant>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM proxy_grants WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Newest first.
pub fn acts(conn: &Connection) -> Result<Vec<ProxyAct>, CoreError> {
    let mut stmt = conn.prepare_cached("SELECT json FROM proxy_acts ORDER BY at DESC, id DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|j| Ok(serde_json::from_str(&j?)?)).collect()
}

/// The kinds of principal records a proxy keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Community,
    Household,
    Category,
    Building,
    Notice,
    Consultation,
    Report,
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
        }
    }
}

pub fn put<T: Serialize>(
    conn: &Connection,
    principal: Uuid,
    kind: Kind,
    id: &str,
    value: &T,
) -> Result<(), CoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO proxy_records (principal, kind, id, json) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![
        principal.to_string(),
        kind.as_str(),
        id,
        serde_json::to_string(value)?
    ])?;
    Ok(())
}

pub fn remove(conn: &Connection, principal: Uuid, kind: Kind, id: &str) -> Result<(), CoreError> {
    conn.prepare_cached(
        "DELETE FROM proxy_records WHERE principal = ?1 AND kind = ?2 AND id = ?3",
    )?
    .execute(rusqlite::params![principal.to_string(), kind.as_str(), id])?;
    Ok(())
}

fn all<T: DeserializeOwned>(
    conn: &Connection,
    principal: Uuid,
    kind: Kind,
) -> Result<Vec<T>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT json FROM proxy_records WHERE principal = ?1 AND kind = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![principal.to_string(), kind.as_str()],
        |r| r.get::<_, String>(0),
    )?;
    rows.map(|j| Ok(serde_json::from_str(&j?)?)).collect()
}

fn one<T: DeserializeOwned>(
    conn: &Connection,
    principal: Uuid,
    kind: Kind,
    id: &str,
) -> Result<Option<T>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached(
            "SELECT json FROM proxy_records WHERE principal = ?1 AND kind = ?2 AND id = ?3",
        )?
        .query_row(
            rusqlite::params![principal.to_string(), kind.as_str(), id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// The principal's notices: pinned, then urgent, then newest.
pub fn notices(conn: &Connection, principal: Uuid) -> Result<Vec<Notice>, CoreError> {
    let mut list: Vec<Notice> = all(conn, principal, Kind::Notice)?;
    list.sort_by(|a, b| {
        (b.pinned, b.urgency, b.published_at).cmp(&(a.pinned, a.urgency, a.published_at))
    });
    Ok(list)
}

pub fn notice(conn: &Connection, principal: Uuid, id: Uuid) -> Result<Option<Notice>, CoreError> {
    one(conn, principal, Kind::Notice, &id.to_string())
}

pub fn reports(conn: &Connection, principal: Uuid) -> Result<Vec<Report>, CoreError> {
    all(conn, principal, Kind::Report)
}

pub fn report(conn: &Connection, principal: Uuid, id: Uuid) -> Result<Option<Report>, CoreError> {
    one(conn, principal, Kind::Report, &id.to_string())
}

/// Newest first.
pub fn consultations(conn: &Connection, principal: Uuid) -> Result<Vec<Consultation>, CoreError> {
    let mut list: Vec<Consultation> = all(conn, principal, Kind::Consultation)?;
    list.sort_by_key(|c| std::cmp::Reverse(c.opens_at));
    Ok(list)
}

pub fn consultation(
    conn: &Connection,
    principal: Uuid,
    id: Uuid,
) -> Result<Option<Consultation>, CoreError> {
    one(conn, principal, Kind::Consultation, &id.to_string())
}

pub fn categories(conn: &Connection, principal: Uuid) -> Result<Vec<Category>, CoreError> {
    let mut list: Vec<Category> = all(conn, principal, Kind::Category)?;
    list.sort_by_key(|c| c.sort);
    Ok(list)
}

pub fn buildings(conn: &Connection, principal: Uuid) -> Result<Vec<Building>, CoreError> {
    all(conn, principal, Kind::Building)
}

pub fn community(conn: &Connection, principal: Uuid) -> Result<Option<Community>, CoreError> {
    Ok(all(conn, principal, Kind::Community)?.into_iter().next())
}

pub fn household(conn: &Connection, principal: Uuid) -> Result<Option<Household>, CoreError> {
    Ok(all(conn, principal, Kind::Household)?.into_iter().next())
}

pub fn cursor(conn: &Connection, principal: Uuid) -> Result<i64, CoreError> {
    Ok(conn
        .prepare_cached("SELECT cursor FROM proxy_cursors WHERE principal = ?1")?
        .query_row([principal.to_string()], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

pub fn set_cursor(conn: &Connection, principal: Uuid, cursor: i64) -> Result<(), CoreError> {
    conn.prepare_cached(
        "INSERT INTO proxy_cursors (principal, cursor) VALUES (?1, ?2)
         ON CONFLICT (principal) DO UPDATE SET cursor = excluded.cursor",
    )?
    .execute(rusqlite::params![principal.to_string(), cursor])?;
    Ok(())
}

/// Forgets everything read for a principal (the grant ended): their records and the cursor.
pub fn forget_principal(conn: &Connection, principal: Uuid) -> Result<(), CoreError> {
    conn.execute(
        "DELETE FROM proxy_records WHERE principal = ?1",
        [principal.to_string()],
    )?;
    conn.execute(
        "DELETE FROM proxy_cursors WHERE principal = ?1",
        [principal.to_string()],
    )?;
    Ok(())
}

/// Principals something is kept for.
pub fn kept_principals(conn: &Connection) -> Result<Vec<Uuid>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT principal FROM proxy_records UNION SELECT principal FROM proxy_cursors",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(Uuid::parse_str(&r?).map_err(|e| CoreError::Corrupt(e.to_string()))?);
    }
    Ok(out)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    for table in [
        "proxy_grants",
        "proxy_acts",
        "proxy_records",
        "proxy_cursors",
    ] {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}
