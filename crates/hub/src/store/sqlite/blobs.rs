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
        .prepare_cached("SELECT COUNT(*) FROM blob_uploads WHERE sha256 = ?1 AND resident_id = ?2")?
        .query_row(params![sha256, proxy.to_string()], |r| r.get::<_, i64>(0))?
        > 0)
}

pub fn record(
    conn: &Connection,
    sha256: &str,
    mime: &str,
    size: i64,
    duration_ms: Option<u32>,
    uploader: &Viewer,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO blobs (sha256, mime, size, uploaded_by, created_at, duration_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        sha256,
        mime,
        size,
        uploader.resident_id.to_string(),
        ts(now),
        duration_ms.map(i64::from)
    ])?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO blob_uploads (sha256, resident_id, at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![sha256, uploader.resident_id.to_string(), ts(now)])?;
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
                 EXISTS (SELECT 1 FROM blob_uploads u JOIN residents r ON r.id = u.resident_id
                         WHERE u.sha256 = b.sha256 AND r.household_id = ?2)
                 OR EXISTS (SELECT 1 FROM report_photos p JOIN reports rep ON rep.id = p.report_id
                            WHERE p.sha256 = b.sha256 AND rep.household_id = ?2)
                 OR EXISTS (SELECT 1 FROM report_voices v JOIN reports rep ON rep.id = v.report_id
                            WHERE v.sha256 = b.sha256 AND rep.household_id = ?2))",
        )?
        .query_row(params![sha256, viewer.household_id.to_string()], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Blobs the resident uploaded (closing their account).
pub fn uploaded_by(conn: &Connection, resident: Uuid) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT sha256 FROM blob_uploads WHERE resident_id = ?1")?;
    let rows = stmt
        .query_map([resident.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Forgets that the resident uploaded `sha256`. Answers whether anyone else did (or a report shows
/// it), so the blob stays; otherwise the row is gone and the caller deletes the file.
pub fn forget_upload(
    conn: &Connection,
    sha256: &str,
    resident: Uuid,
    closed: Uuid,
) -> StoreResult<bool> {
    let r = resident.to_string();
    conn.execute(
        "DELETE FROM blob_uploads WHERE sha256 = ?1 AND resident_id = ?2",
        params![sha256, r],
    )?;
    let kept: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM report_photos WHERE sha256 = ?1)
             OR EXISTS (SELECT 1 FROM report_voices WHERE sha256 = ?1)
             OR EXISTS (SELECT 1 FROM blob_uploads WHERE sha256 = ?1)
             OR EXISTS (SELECT 1 FROM notice_attachments WHERE sha256 = ?1)",
        [sha256],
        |row| row.get(0),
    )?;
    if kept {
        conn.execute(
            "UPDATE blobs SET uploaded_by = ?1 WHERE sha256 = ?2 AND uploaded_by = ?3",
            params![closed.to_string(), sha256, r],
        )?;
    } else {
        delete(conn, sha256)?;
    }
    Ok(kept)
}

/// Forgets a blob and who uploaded it; the caller deletes the file after commit.
pub fn delete(conn: &Connection, sha256: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM blob_uploads WHERE sha256 = ?1", [sha256])?;
    conn.execute("DELETE FROM blobs WHERE sha256 = ?1", [sha256])?;
    Ok(())
}
