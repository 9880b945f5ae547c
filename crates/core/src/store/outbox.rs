//! The outbox table: queued ops in device-sequence order. A row is `pending` until the hub answers
//! `applied`; it then stays (as `applied`, still laid over the replica) until a pull has caught up past it,
//! so the resident never sees their change vanish and come back. After that it is `settled`: no longer
//! laid over anything, kept for [`KEEP_SETTLED_DAYS`] (at most [`KEEP_SETTLED_MAX`] ops) so that a hub
//! restored from an older backup gets it again ([`resend_kept`]; the op id makes that safe).
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

/// Days a settled op is kept for a restored hub.
pub const KEEP_SETTLED_DAYS: i64 = 30;
/// Settled ops kept at most (the newest); an op is a few hundred bytes of JSON.
pub const KEEP_SETTLED_MAX: i64 = 5_000;

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
        "SELECT op, state, applied_version, kind, seq FROM outbox
         WHERE principal IS ?1 AND state != 'settled'
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
        "SELECT op, state, applied_version, seq FROM outbox
         WHERE target = ?1 AND principal IS ?2 AND state != 'settled'
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

/// Settles applied ops up to `seq` (a pull that caught up after they were applied carries their
/// effect), then forgets settled ops older than [`KEEP_SETTLED_DAYS`] or beyond [`KEEP_SETTLED_MAX`].
pub fn settle_applied_up_to(
    conn: &Connection,
    seq: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, CoreError> {
    let settled = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'settled', settled_at = ?2 WHERE state = 'applied' AND seq <= ?1",
        )?
        .execute(rusqlite::params![seq, super::ts(now)])?;
    let cutoff = super::ts(now - chrono::Duration::days(KEEP_SETTLED_DAYS));
    conn.prepare_cached(
        "DELETE FROM outbox WHERE state = 'settled' AND (settled_at < ?1 OR seq <= (
             SELECT seq FROM outbox WHERE state = 'settled' ORDER BY seq DESC LIMIT 1 OFFSET ?2))",
    )?
    .execute(rusqlite::params![cutoff, KEEP_SETTLED_MAX])?;
    Ok(settled)
}

/// Makes every op the hub answered (settled or still applied) pending again, for a hub restored from a
/// backup: it answers those it has with their stored result and applies the others. Returns how many.
pub fn resend_kept(conn: &Connection) -> Result<usize, CoreError> {
    Ok(conn.execute(
        "UPDATE outbox SET state = 'pending', applied_version = NULL, settled_at = NULL
         WHERE state IN ('applied', 'settled')",
        [],
    )?)
}

/// Settled ops kept (for tests and the status screen).
pub fn settled_count(conn: &Connection) -> Result<i64, CoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = 'settled'",
        [],
        |r| r.get(0),
    )?)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM outbox", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate(&mut conn).unwrap();
        conn
    }

    fn queue(conn: &Connection, seq: i64) -> Op {
        let op = Op {
            id: Uuid::now_v7(),
            device_seq: seq,
            created_at: Utc::now(),
            on_behalf_of: None,
            body: OpBody::MarkNoticeRead {
                notice_id: Uuid::now_v7(),
            },
        };
        insert(conn, &op).unwrap();
        op
    }

    fn states(conn: &Connection) -> Vec<(i64, String)> {
        let mut stmt = conn
            .prepare("SELECT seq, state FROM outbox ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn settled_ops_are_kept_off_the_overlay_and_sent_again_after_a_restore() {
        let conn = db();
        let ops: Vec<_> = (1..=3).map(|s| queue(&conn, s)).collect();
        for op in &ops[..2] {
            mark_applied(&conn, &op.id.to_string(), Some(1)).unwrap();
        }
        assert_eq!(settle_applied_up_to(&conn, 2, Utc::now()).unwrap(), 2);
        assert_eq!(
            states(&conn),
            vec![
                (1, "settled".into()),
                (2, "settled".into()),
                (3, "pending".into())
            ]
        );
        // Settled ops are what the replica already shows: no overlay, nothing to push.
        let overlaid = all_of_kinds(&conn, &["mark_notice_read"], None).unwrap();
        assert_eq!(overlaid.len(), 1);
        assert!(for_target(&conn, &target(&ops[0].body), None)
            .unwrap()
            .is_empty());
        assert_eq!(pending_after(&conn, i64::MIN, 10).unwrap().len(), 1);

        assert_eq!(resend_kept(&conn).unwrap(), 2);
        let again: Vec<_> = pending_after(&conn, i64::MIN, 10)
            .unwrap()
            .into_iter()
            .map(|op| op.id)
            .collect();
        assert_eq!(
            again,
            ops.iter().map(|op| op.id).collect::<Vec<_>>(),
            "in order"
        );
    }

    #[test]
    fn settled_ops_are_forgotten_after_thirty_days_or_beyond_the_cap() {
        let conn = db();
        let now = Utc::now();
        let old = queue(&conn, 1);
        mark_applied(&conn, &old.id.to_string(), None).unwrap();
        settle_applied_up_to(&conn, 1, now - Duration::days(KEEP_SETTLED_DAYS + 1)).unwrap();
        let recent = queue(&conn, 2);
        mark_applied(&conn, &recent.id.to_string(), None).unwrap();
        settle_applied_up_to(&conn, 2, now).unwrap();
        assert_eq!(
            states(&conn),
            vec![(2, "settled".into())],
            "the old one is gone"
        );

        // Beyond the cap the oldest go first.
        let many = KEEP_SETTLED_MAX + 3;
        for seq in 3..3 + many {
            let op = queue(&conn, seq);
            mark_applied(&conn, &op.id.to_string(), None).unwrap();
        }
        settle_applied_up_to(&conn, 2 + many, now).unwrap();
        assert_eq!(settled_count(&conn).unwrap(), KEEP_SETTLED_MAX);
        let oldest: i64 = conn
            .query_row("SELECT MIN(seq) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(oldest, 3 + many - KEEP_SETTLED_MAX);
    }
}
