//! The replica's notices: the hub's last rendering of each, ordered pinned, then urgent, then newest.
//! The "read" overlay of a pending mark-read op is joined in from the outbox here, in the same query.
use crate::store::ts;
use crate::CoreError;
use linli_proto::{Notice, Urgency};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// A replica notice with the local overlay applied.
pub struct NoticeRow {
    pub notice: Notice,
    /// Read on the hub, or a mark-read op is queued.
    pub read: bool,
    /// A mark-read op for it is still waiting to be pushed.
    pub pending: bool,
}

fn rank(n: &Notice) -> i64 {
    let urgency = match n.urgency {
        Urgency::Normal => 0,
        Urgency::Important => 1,
        Urgency::Urgent => 2,
    };
    (if n.pinned { 4 } else { 0 }) + urgency
}

/// Returns the previous rendering, if any.
/// Returns whether the replica had this notice already (a new urgent one rings).
pub fn upsert(conn: &Connection, n: &Notice) -> Result<bool, CoreError> {
    let existed = conn
        .prepare_cached("SELECT 1 FROM notices WHERE id = ?1")?
        .query_row([n.id.to_string()], |_| Ok(()))
        .optional()?
        .is_some();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO notices (id, rank, published_at, read, json) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        n.id.to_string(),
        rank(n),
        ts(n.published_at),
        n.read_at.is_some(),
        serde_json::to_string(n)?
    ])?;
    Ok(existed)
}

pub fn remove(conn: &Connection, id: Uuid) -> Result<(), CoreError> {
    conn.execute("DELETE FROM notices WHERE id = ?1", [id.to_string()])?;
    Ok(())
}

pub fn get_replica(conn: &Connection, id: Uuid) -> Result<Option<Notice>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM notices WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// For the whole list: the read overlay as one join on the (small) set of queued mark-read ops, not a
/// subquery per notice.
const SELECT_ALL: &str = "SELECT n.json, n.read OR o.target IS NOT NULL, COALESCE(o.pending, 0)
    FROM notices n LEFT JOIN (
        SELECT target, MAX(state = 'pending') AS pending FROM outbox
        WHERE kind = 'mark_notice_read' AND principal IS NULL GROUP BY target
    ) o ON o.target = n.id";

/// For one notice: index lookups in the outbox.
const SELECT_ONE: &str = "SELECT n.json,
        n.read OR EXISTS (SELECT 1 FROM outbox o WHERE o.target = n.id AND o.kind = 'mark_notice_read'
            AND o.principal IS NULL),
        EXISTS (SELECT 1 FROM outbox o WHERE o.target = n.id AND o.kind = 'mark_notice_read' AND o.state = 'pending'
            AND o.principal IS NULL)
    FROM notices n WHERE n.id = ?1";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, bool, bool)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn decode((json, read, pending): (String, bool, bool)) -> Result<NoticeRow, CoreError> {
    Ok(NoticeRow {
        notice: serde_json::from_str(&json)?,
        read,
        pending,
    })
}

/// All notices, pinned and urgent first, newest first within.
pub fn list(conn: &Connection) -> Result<Vec<NoticeRow>, CoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ALL} ORDER BY n.rank DESC, n.published_at DESC"
    ))?;
    let rows = stmt.query_map([], row)?;
    rows.map(|r| decode(r?)).collect()
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Option<NoticeRow>, CoreError> {
    let mut stmt = conn.prepare_cached(SELECT_ONE)?;
    let found = stmt.query_row([id.to_string()], row).optional()?;
    found.map(decode).transpose()
}

/// Unread notices (overlay applied) and, among them, the urgent ones still in force at `now`.
pub fn unread_count(conn: &Connection) -> Result<i64, CoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM notices n WHERE n.read = 0 AND NOT EXISTS
            (SELECT 1 FROM outbox o WHERE o.target = n.id AND o.kind = 'mark_notice_read'
                AND o.principal IS NULL)",
        [],
        |r| r.get(0),
    )?)
}

pub fn expired(n: &Notice, now: chrono::DateTime<chrono::Utc>) -> bool {
    n.expires_at.is_some_and(|e| e <= now)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM notices", [])?;
    Ok(())
}

/// Whether a notice the device holds mentions `text` (a witness fingerprint: see
/// `transparency::adopt_announced_witnesses`).
pub fn any_mentions(conn: &Connection, text: &str) -> Result<bool, CoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM notices WHERE instr(json, ?1) > 0 LIMIT 1")?
        .query_row([text], |_| Ok(()))
        .optional()?
        .is_some())
}
