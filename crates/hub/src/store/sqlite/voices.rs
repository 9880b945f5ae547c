//! SQL for `report_voices`: which voice message (语音留言) a report or one of its comments carries.
//! The length is the one the hub read from the file on upload (`blobs.duration_ms`), never the
//! device's claim.
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use linli_proto::{ErrorCode, VoiceRef};

use crate::store::StoreResult;

/// The playing time of an uploaded voice blob, or `voice_missing` when `sha256` is no voice message.
pub fn duration(conn: &Connection, sha256: &str) -> StoreResult<u32> {
    let ms: Option<Option<i64>> = conn
        .prepare_cached("SELECT duration_ms FROM blobs WHERE sha256 = ?1 AND mime = 'audio/ogg'")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    match ms.flatten() {
        Some(ms) => Ok(ms.clamp(0, i64::from(u32::MAX)) as u32),
        None => Err(ErrorCode::VoiceMissing.into()),
    }
}

/// Records the voice of a report (`event` None) or of one of its timeline events.
pub fn attach(
    conn: &Connection,
    report: Uuid,
    event: Option<Uuid>,
    sha256: &str,
) -> StoreResult<()> {
    let ms = duration(conn, sha256)?;
    conn.prepare_cached(
        "INSERT INTO report_voices (report_id, event_id, sha256, duration_ms) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        report.to_string(),
        event.map(|e| e.to_string()),
        sha256,
        i64::from(ms)
    ])?;
    Ok(())
}

/// Every voice of a report: the report's own (key None) and its events'.
pub fn of_report(conn: &Connection, report: Uuid) -> StoreResult<Vec<(Option<String>, VoiceRef)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, sha256, duration_ms FROM report_voices WHERE report_id = ?1",
    )?;
    let rows = stmt
        .query_map([report.to_string()], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                VoiceRef {
                    sha256: r.get(1)?,
                    duration_ms: r.get::<_, i64>(2)?.clamp(0, i64::from(u32::MAX)) as u32,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
