//! The replica's consultations: the hub's last rendering of each, for this resident.
use crate::store::ts;
use crate::CoreError;
use linli_proto::Consultation;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

pub fn upsert(conn: &Connection, c: &Consultation) -> Result<(), CoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO consultations (id, opens_at, json) VALUES (?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![
        c.id.to_string(),
        ts(c.opens_at),
        serde_json::to_string(c)?
    ])?;
    Ok(())
}

pub fn remove(conn: &Connection, id: Uuid) -> Result<(), CoreError> {
    conn.execute("DELETE FROM consultations WHERE id = ?1", [id.to_string()])?;
    Ok(())
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Option<Consultation>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM consultations WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Newest first.
pub fn list(conn: &Connection) -> Result<Vec<Consultation>, CoreError> {
    let mut stmt = conn.prepare_cached("SELECT json FROM consultations ORDER BY opens_at DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM consultations", [])?;
    Ok(())
}
