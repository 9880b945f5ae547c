//! Retention: photos of reports resolved (已办结) longer ago than the hub's retention period are deleted.
//! The report keeps its text and history; `photos_deleted_at` records when its photos went.
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::changes::{self, Audience, Kind};
use super::columns::{get_uuid, ts};
use crate::store::StoreResult;

/// Drops the photo rows of reports resolved before `resolved_before`, and the blob rows no report uses
/// any more; returns those blobs' sha256 (files for the caller to delete after commit).
pub fn expire_photos(
    conn: &Connection,
    resolved_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<String>> {
    let due: Vec<(String, uuid::Uuid, uuid::Uuid)> = conn
        .prepare(
            "SELECT r.id, r.community_id, r.household_id FROM reports r
             WHERE r.status = 'resolved' AND r.resolved_at IS NOT NULL AND r.resolved_at < ?1
               AND (EXISTS (SELECT 1 FROM report_photos p WHERE p.report_id = r.id)
                    OR EXISTS (SELECT 1 FROM report_voices v WHERE v.report_id = r.id))",
        )?
        .query_map([ts(resolved_before)], |r| {
            Ok((r.get(0)?, get_uuid(r, 1)?, get_uuid(r, 2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut freed = Vec::new();
    for (id, community_id, household_id) in due {
        let shas: Vec<String> = conn
            .prepare(
                "SELECT sha256 FROM report_photos WHERE report_id = ?1
                 UNION SELECT sha256 FROM report_voices WHERE report_id = ?1",
            )?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        conn.execute("DELETE FROM report_photos WHERE report_id = ?1", [&id])?;
        // Voice messages (the report's and its comments') are kept exactly as long as its photos.
        conn.execute("DELETE FROM report_voices WHERE report_id = ?1", [&id])?;
        conn.execute(
            "UPDATE reports SET photos_deleted_at = ?1, version = version + 1 WHERE id = ?2",
            params![ts(now), id],
        )?;
        changes::append(
            conn,
            community_id,
            Kind::Report,
            &id,
            Audience::Household(household_id),
            now,
        )?;
        for sha in shas {
            let used: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM report_photos WHERE sha256 = ?1)
                     OR EXISTS (SELECT 1 FROM report_voices WHERE sha256 = ?1)",
                [&sha],
                |r| r.get(0),
            )?;
            if !used {
                super::blobs::delete(conn, &sha)?;
                freed.push(sha);
            }
        }
    }
    freed.sort();
    freed.dedup();
    Ok(freed)
}
