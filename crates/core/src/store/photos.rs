//! Which processed photos the profile holds (files under `photos/`) and whether each reached the hub.
use crate::store::ts;
use crate::CoreError;
use rusqlite::Connection;

pub fn insert(conn: &Connection, sha256: &str, bytes: usize) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO photos (sha256, bytes, uploaded, created_at) VALUES (?1, ?2, 0, ?3)",
        rusqlite::params![sha256, bytes as i64, ts(chrono::Utc::now())],
    )?;
    Ok(())
}

pub fn is_uploaded(conn: &Connection, sha256: &str) -> Result<bool, CoreError> {
    let uploaded: Option<bool> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT uploaded FROM photos WHERE sha256 = ?1",
        [sha256],
        |r| r.get(0),
    ))?;
    Ok(uploaded.unwrap_or(false))
}

pub fn mark_uploaded(conn: &Connection, sha256: &str) -> Result<(), CoreError> {
    conn.execute("UPDATE photos SET uploaded = 1 WHERE sha256 = ?1", [sha256])?;
    Ok(())
}

/// Every photo to be uploaded again when an op needs it (a restored hub may lack it; uploads are
/// idempotent by sha256).
pub fn mark_all_not_uploaded(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("UPDATE photos SET uploaded = 0 WHERE uploaded = 1", [])?;
    Ok(())
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM photos", [])?;
    Ok(())
}
