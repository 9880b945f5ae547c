//! The device's receipts from the hub's transparency log: one row per leaf about this resident's own
//! records (their votes, their reports' status changes and staff replies) and per final tally of a
//! consultation they see. Each row holds the leaf as the device recomputed it from the opened
//! commitment, and the checkpoint size at which its inclusion was verified (NULL until then).
use crate::store::{parse_ts, ts};
use crate::CoreError;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

pub struct ReceiptRow {
    pub index: u64,
    pub kind: String,
    pub target: String,
    pub leaf: Vec<u8>,
    pub verified_size: Option<u64>,
}

/// Keeps a receipt; an index already held keeps its first leaf (a hub that later hands a different
/// leaf for the same index is caught when inclusion is checked against the first).
pub fn insert(
    conn: &Connection,
    index: u64,
    kind: &str,
    target: &str,
    leaf: &[u8],
    record: &str,
) -> Result<(), CoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO log_receipts (idx, kind, target, leaf, record) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![index as i64, kind, target, leaf, record])?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceiptRow> {
    Ok(ReceiptRow {
        index: r.get::<_, i64>(0)? as u64,
        kind: r.get(1)?,
        target: r.get(2)?,
        leaf: r.get(3)?,
        verified_size: r.get::<_, Option<i64>>(4)?.map(|s| s as u64),
    })
}

/// Receipts not verified yet, oldest first.
pub fn unverified(conn: &Connection) -> Result<Vec<ReceiptRow>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT idx, kind, target, leaf, verified_size FROM log_receipts
         WHERE verified_size IS NULL ORDER BY idx",
    )?;
    let rows = stmt.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn mark_verified(
    conn: &Connection,
    index: u64,
    size: u64,
    at: DateTime<Utc>,
) -> Result<(), CoreError> {
    conn.prepare_cached(
        "UPDATE log_receipts SET verified_size = ?1, verified_at = ?2 WHERE idx = ?3",
    )?
    .execute(params![size as i64, ts(at), index as i64])?;
    Ok(())
}

/// (all receipts, verified receipts).
pub fn counts(conn: &Connection) -> Result<(i64, i64), CoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*), COUNT(verified_size) FROM log_receipts",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The checkpoint size at which a consultation's final tally was verified in the log.
pub fn tally_verified_at(conn: &Connection, consultation: &str) -> Result<Option<u64>, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT verified_size FROM log_receipts
             WHERE kind = 'tally_final' AND target = ?1 AND verified_size IS NOT NULL",
        )?
        .query_row([consultation], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|s| s as u64))
}

/// When the newest receipt was verified.
pub fn last_verified_at(conn: &Connection) -> Result<Option<DateTime<Utc>>, CoreError> {
    let s: Option<String> =
        conn.query_row("SELECT MAX(verified_at) FROM log_receipts", [], |r| {
            r.get(0)
        })?;
    s.map(|s| parse_ts(&s)).transpose()
}

/// Forgets the receipts of leaves at `size` and beyond: a hub restored to a log of `size` leaves no
/// longer has them (what is re-sent gets fresh receipts).
pub fn forget_from(conn: &Connection, size: u64) -> Result<usize, CoreError> {
    Ok(conn.execute(
        "DELETE FROM log_receipts WHERE idx >= ?1",
        [i64::try_from(size).unwrap_or(i64::MAX)],
    )?)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM log_receipts", [])?;
    Ok(())
}
