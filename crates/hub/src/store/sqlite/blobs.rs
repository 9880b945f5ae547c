//! SQL for `blobs`: who uploaded which photo, and who may download it.
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::columns::ts;
use uuid::Uuid;

use crate::store::{StoreResult, Viewer};

/// Whether a report of `viewer`'s household may carry this photo: one its household may already see
/// (uploaded by one of its residents, on one of its reports, a notice attachment addressed to it), or
/// one `proxy` (acting for the household) uploaded. Anything else answers as missing: knowing a
/// photo's hash must neither reveal that someone uploaded it nor, by attaching it to one's own
/// report, let one download it.
pub fn attachable(
    conn: &Connection,
    viewer: &Viewer,
    proxy: Option<Uuid>,
    sha256: &str,
) -> StoreResult<bool> {
    if visible_mime(conn, viewer, sha256)?.is_some() {
        return Ok(true);
    }
    let Some(proxy) = proxy else {
        return Ok(false);
    };
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM blobs WHERE sha256 = ?1 AND uploaded_by = ?2")?
        .query_row(params![sha256, proxy.to_string()], |r| r.get::<_, i64>(0))?
        > 0)
}

pub fn record(
    conn: &Connection,
    sha256: &str,
    mime: &str,
    size: i64,
    uploader: &Viewer,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO blobs (sha256, mime, size, uploaded_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![sha256, mime, size, uploader.resident_id.to_string(), ts(now)])?;
    Ok(())
}

/// A household may fetch photos one of its residents uploaded, or that belong to its reports; anyone
/// may fetch the attachments of a notice addressed to them.
pub fn visible_mime(
    conn: &Connection,
    viewer: &Viewer,
    sha256: &str,
) -> StoreResult<Option<String>> {
    let attached: Option<String> = conn
        .prepare_cached(
            "SELECT a.mime FROM notice_attachments a JOIN notices n ON n.id = a.notice_id
             WHERE a.sha256 = ?1 AND n.retracted_at IS NULL AND n.community_id = ?2
               AND (NOT EXISTS (SELECT 1 FROM notice_buildings nb WHERE nb.notice_id = n.id)
                    OR EXISTS (SELECT 1 FROM notice_buildings nb
                               WHERE nb.notice_id = n.id AND nb.building_id = ?3))
             LIMIT 1",
        )?
        .query_row(
            params![
                sha256,
                viewer.community_id.to_string(),
                viewer.building_id.to_string()
            ],
            |r| r.get(0),
        )
        .optional()?;
    if attached.is_some() {
        return Ok(attached);
    }
    Ok(conn
        .prepare_cached(
            "SELECT b.mime FROM blobs b WHERE b.sha256 = ?1 AND (
                 EXISTS (SELECT 1 FROM residents r WHERE r.id = b.uploaded_by AND r.household_id = ?2)
                 OR EXISTS (SELECT 1 FROM report_photos p JOIN reports rep ON rep.id = p.report_id
                            WHERE p.sha256 = b.sha256 AND rep.household_id = ?2))",
        )?
        .query_row(params![sha256, viewer.household_id.to_string()], |r| r.get(0))
        .optional()?)
}
