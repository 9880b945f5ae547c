//! The outbox table: queued ops in device-sequence order. A row is `pending` until the hub answers
//! `applied`; it then stays (as `applied`, still laid over the replica) until a pull has caught up past it,
//! so the resident never sees their change vanish and come back.
use crate::CoreError;
use linli_proto::{Op, OpBody};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    Pending,
    Applied,
}

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub op: Op,
    pub state: OpState,
    /// The record version the hub reported when it applied the op.
    pub applied_version: Option<i64>,
}

/// The record an op is about: used to join overlays onto replica rows.
pub fn target(body: &OpBody) -> String {
    match body {
        OpBody::CreateReport { report_id, .. }
        | OpBody::CommentReport { report_id, .. }
        | OpBody::WithdrawReport { report_id }
        | OpBody::RateReport { report_id, .. }
        | OpBody::ReopenReport { report_id, .. } => report_id.to_string(),
        OpBody::CastVote {
            consultation_id, ..
        } => consultation_id.to_string(),
        OpBody::MarkNoticeRead { notice_id } => notice_id.to_string(),
    }
}

pub fn insert(conn: &Connection, op: &Op) -> Result<(), CoreError> {
    conn.prepare_cached(
        "INSERT INTO outbox (seq, op_id, kind, target, state, op, principal)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6)",
    )?
    .execute(rusqlite::params![
        op.device_seq,
        op.id.to_string(),
        op.body.kind(),
        target(&op.body),
        serde_json::to_string(op)?,
        op.on_behalf_of.map(|p| p.to_string())
    ])?;
    Ok(())
}

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn to_row(
    (json, state, applied_version): (String, String, Option<i64>),
) -> Result<OutboxRow, CoreError> {
    Ok(OutboxRow {
        op: serde_json::from_str(&json)?,
        state: if state == "applied" {
            OpState::Applied
        } else {
            OpState::Pending
        },
        applied_version,
    })
}

/// Pending ops after device sequence `after`, in sequence order, at most `limit`.
pub fn pending_after(conn: &Connection, after: i64, limit: usize) -> Result<Vec<Op>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT op, state, applied_version FROM outbox WHERE state = 'pending' AND seq > ?1
         ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![after, limit as i64], decode)?;
    rows.map(|r| to_row(r?).map(|o| o.op)).collect()
}

/// Every op (pending or applied-awaiting-pull) of the given kinds, in sequence order: the resident's own
/// (`principal` `None`) or those queued for one principal, never both.
pub fn all_of_kinds(
    conn: &Connection,
    kinds: &[&str],
    principal: Option<Uuid>,
) -> Result<Vec<OutboxRow>, CoreError> {
    // Ops for a principal on another community's hub wait in `remote_outbox`; a principal is on one hub.
    let mut stmt = conn.prepare_cached(
        "SELECT op, state, applied_version, kind, seq FROM outbox WHERE principal IS ?1
         UNION ALL
         SELECT op, state, applied_version, kind, seq FROM remote_outbox WHERE principal = ?1
         ORDER BY 5",
    )?;
    let rows = stmt.query_map([principal.map(|p| p.to_string())], |r| {
        Ok((decode(r)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (row, kind) = row?;
        if kinds.contains(&kind.as_str()) {
            out.push(to_row(row)?);
        }
    }
    Ok(out)
}

/// Ops about one record, in sequence order (own, or queued for `principal`).
pub fn for_target(
    conn: &Connection,
    target: &str,
    principal: Option<Uuid>,
) -> Result<Vec<OutboxRow>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT op, state, applied_version, seq FROM outbox WHERE target = ?1 AND principal IS ?2
         UNION ALL
         SELECT op, state, applied_version, seq FROM remote_outbox WHERE target = ?1 AND principal = ?2
         ORDER BY 4",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![target, principal.map(|p| p.to_string())],
        decode,
    )?;
    rows.map(|r| to_row(r?)).collect()
}

pub fn pending_count(conn: &Connection) -> Result<i64, CoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending')
              + (SELECT COUNT(*) FROM remote_outbox WHERE state = 'pending')",
        [],
        |r| r.get(0),
    )?)
}

pub fn mark_applied(conn: &Connection, op_id: &str, version: Option<i64>) -> Result<(), CoreError> {
    conn.prepare_cached(
        "UPDATE outbox SET state = 'applied', applied_version = ?2 WHERE op_id = ?1",
    )?
    .execute(rusqlite::params![op_id, version])?;
    Ok(())
}

pub fn bump_attempts(conn: &Connection, op_id: &str) -> Result<(), CoreError> {
    conn.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE op_id = ?1")?
        .execute([op_id])?;
    Ok(())
}

/// Removes an op (rejected: its overlay disappears with it, which is the rollback).
pub fn remove(conn: &Connection, op_id: &str) -> Result<Option<Op>, CoreError> {
    let json: Option<String> = conn
        .query_row("SELECT op FROM outbox WHERE op_id = ?1", [op_id], |r| {
            r.get(0)
        })
        .optional()?;
    conn.execute("DELETE FROM outbox WHERE op_id = ?1", [op_id])?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Highest sequence number already answered `applied`.
pub fn max_applied_seq(conn: &Connection) -> Result<Option<i64>, CoreError> {
    Ok(conn.query_row(
        "SELECT MAX(seq) FROM outbox WHERE state = 'applied'",
        [],
        |r| r.get(0),
    )?)
}

/// Drops applied ops up to `seq`: a pull that caught up after they were applied carries their effect.
pub fn forget_applied_up_to(conn: &Connection, seq: i64) -> Result<usize, CoreError> {
    Ok(conn.execute(
        "DELETE FROM outbox WHERE state = 'applied' AND seq <= ?1",
        [seq],
    )?)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM outbox", [])?;
    Ok(())
}
