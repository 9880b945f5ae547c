//! The replica's reports: the hub's last rendering of each report this resident may see.
use crate::store::ts;
use crate::CoreError;
use linli_proto::Report;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// Returns the previous rendering, if any (to tell a status change).
pub fn upsert(conn: &Connection, r: &Report) -> Result<Option<Report>, CoreError> {
    let previous = get(conn, r.id)?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO reports (id, created_at, status, version, json) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        r.id.to_string(),
        ts(r.created_at),
        r.status.as_str(),
        r.version,
        serde_json::to_string(r)?
    ])?;
    Ok(previous)
}

pub fn remove(conn: &Connection, id: Uuid) -> Result<(), CoreError> {
    conn.execute("DELETE FROM reports WHERE id = ?1", [id.to_string()])?;
    Ok(())
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Option<Report>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM reports WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Newest first.
pub fn list(conn: &Connection) -> Result<Vec<Report>, CoreError> {
    let mut stmt = conn.prepare_cached("SELECT json FROM reports ORDER BY created_at DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM reports", [])?;
    Ok(())
}
