//! Messages kept for the resident: ops the hub refused, with the reason code. The text is rendered in the
//! profile's language when read, so a message stays readable after a language switch.
use crate::store::{parse_ts, ts};
use crate::CoreError;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub struct MessageRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub op_kind: String,
    pub target: Option<String>,
    pub code: String,
}

pub fn insert(
    conn: &Connection,
    op_kind: &str,
    target: &str,
    code: &str,
    hub_text: Option<&str>,
) -> Result<i64, CoreError> {
    conn.execute(
        "INSERT INTO messages (at, op_kind, target, code, hub_text) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![ts(Utc::now()), op_kind, target, code, hub_text],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Not dismissed, newest first.
pub fn list(conn: &Connection) -> Result<Vec<MessageRow>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, op_kind, target, code FROM messages WHERE dismissed = 0 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, op_kind, target, code) = row?;
        out.push(MessageRow {
            id,
            at: parse_ts(&at)?,
            op_kind,
            target,
            code,
        });
    }
    Ok(out)
}

/// Whether a message of this kind and code is kept and not dismissed (so a repeated failure is not
/// repeated as a new message each sync).
pub fn has_open(conn: &Connection, op_kind: &str, code: &str) -> Result<bool, CoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE op_kind = ?1 AND code = ?2 AND dismissed = 0",
        [op_kind, code],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

pub fn dismiss(conn: &Connection, id: i64) -> Result<bool, CoreError> {
    Ok(conn.execute("UPDATE messages SET dismissed = 1 WHERE id = ?1", [id])? > 0)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM messages", [])?;
    Ok(())
}
