//! Principals on another community's hub (亲友代办 across communities): `proxy_remotes` holds each visitor
//! credential this resident got there (its token is in the OS keychain) and the visitor's own op numbering;
//! `remote_outbox` holds the ops queued for those principals, pushed to that hub in the visitor's order.
use crate::store::outbox::target;
use crate::CoreError;
use linli_proto::Op;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// A visitor credential on another hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub visitor_id: Uuid,
    pub hub_url: String,
    pub keychain_user: String,
}

pub fn put(conn: &Connection, r: &Remote) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO proxy_remotes (visitor_id, hub_url, keychain_user) VALUES (?1, ?2, ?3)",
        rusqlite::params![r.visitor_id.to_string(), r.hub_url, r.keychain_user],
    )?;
    Ok(())
}

pub fn all(conn: &Connection) -> Result<Vec<Remote>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT visitor_id, hub_url, keychain_user FROM proxy_remotes ORDER BY visitor_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, hub_url, keychain_user) = row?;
        out.push(Remote {
            visitor_id: Uuid::parse_str(&id).map_err(|e| CoreError::Corrupt(e.to_string()))?,
            hub_url,
            keychain_user,
        });
    }
    Ok(out)
}

/// Queues `op` (already carrying `on_behalf_of`) for the visitor, numbering it in the visitor's order.
/// The caller's transaction must be IMMEDIATE.
pub fn queue(conn: &Connection, visitor_id: Uuid, mut op: Op) -> Result<Op, CoreError> {
    let seq: i64 = conn
        .prepare_cached("SELECT next_seq FROM proxy_remotes WHERE visitor_id = ?1")?
        .query_row([visitor_id.to_string()], |r| r.get(0))
        .optional()?
        .ok_or(CoreError::NotFound)?;
    op.device_seq = seq;
    let principal = op
        .on_behalf_of
        .ok_or_else(|| CoreError::Corrupt("a remote op without a principal".into()))?;
    conn.prepare_cached(
        "INSERT INTO remote_outbox (op_id, visitor_id, seq, kind, target, principal, op)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        op.id.to_string(),
        visitor_id.to_string(),
        seq,
        op.body.kind(),
        target(&op.body),
        principal.to_string(),
        serde_json::to_string(&op)?
    ])?;
    conn.prepare_cached("UPDATE proxy_remotes SET next_seq = ?1 WHERE visitor_id = ?2")?
        .execute(rusqlite::params![seq + 1, visitor_id.to_string()])?;
    Ok(op)
}

/// The visitor's pending ops in order.
pub fn pending(conn: &Connection, visitor_id: Uuid, limit: usize) -> Result<Vec<Op>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT op FROM remote_outbox WHERE visitor_id = ?1 AND state = 'pending' ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![visitor_id.to_string(), limit as i64],
        |r| r.get::<_, String>(0),
    )?;
    rows.map(|j| Ok(serde_json::from_str(&j?)?)).collect()
}

pub fn mark_applied(conn: &Connection, op_id: &str, version: Option<i64>) -> Result<(), CoreError> {
    conn.prepare_cached(
        "UPDATE remote_outbox SET state = 'applied', applied_version = ?2 WHERE op_id = ?1",
    )?
    .execute(rusqlite::params![op_id, version])?;
    Ok(())
}

pub fn remove(conn: &Connection, op_id: &str) -> Result<(), CoreError> {
    conn.execute("DELETE FROM remote_outbox WHERE op_id = ?1", [op_id])?;
    Ok(())
}

/// Drops the visitor's applied ops: a pull that caught up after they were applied carries their effect.
pub fn forget_applied(conn: &Connection, visitor_id: Uuid) -> Result<(), CoreError> {
    conn.execute(
        "DELETE FROM remote_outbox WHERE visitor_id = ?1 AND state = 'applied'",
        [visitor_id.to_string()],
    )?;
    Ok(())
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM remote_outbox", [])?;
    conn.execute("DELETE FROM proxy_remotes", [])?;
    Ok(())
}
