//! SQL for `notices`, `notice_buildings` and `notice_reads`: notices (通知公告) and read receipts.
use chrono::{DateTime, Utc};
use linli_proto::{Attachment, Notice, Urgency};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::columns::{get_enum, get_opt_ts, get_ts, get_uuid, ts};
use super::community;
use crate::store::{NewNotice, NoticeSummary, StoreResult, Viewer};

/// Who sent a notice: the community's office, or the street (街道) in a street-wide notice, which is
/// one notice row per community it reaches, sharing `street_notice_id`.
#[derive(Debug, Clone, Copy)]
pub struct FromStreet {
    pub street_id: Uuid,
    pub street_notice_id: Uuid,
}

pub fn insert(
    conn: &Connection,
    cid: Uuid,
    n: &NewNotice,
    attachments: &[Attachment],
    from_street: Option<FromStreet>,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let buildings = community::building_ids(conn, cid, &n.buildings)?;
    let id = Uuid::now_v7();
    conn.prepare_cached(
        "INSERT INTO notices (id, community_id, title, body, urgency, pinned, published_at, expires_at,
             street_id, street_notice_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id.to_string(),
        cid.to_string(),
        n.title,
        n.body,
        n.urgency.as_str(),
        n.pinned,
        ts(now),
        n.expires_at.map(ts),
        from_street.map(|f| f.street_id.to_string()),
        from_street.map(|f| f.street_notice_id.to_string())
    ])?;
    for b in &buildings {
        conn.prepare_cached(
            "INSERT INTO notice_buildings (notice_id, building_id) VALUES (?1, ?2)",
        )?
        .execute(params![id.to_string(), b.to_string()])?;
    }
    for (i, a) in attachments.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO notice_attachments (notice_id, idx, name, sha256, mime, size)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            id.to_string(),
            i as i64,
            a.name,
            a.sha256,
            a.mime,
            a.size
        ])?;
    }
    changes::append_for_buildings(conn, cid, Kind::Notice, id, &buildings, now)?;
    Ok(id)
}

pub fn buildings(conn: &Connection, id: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut stmt =
        conn.prepare_cached("SELECT building_id FROM notice_buildings WHERE notice_id = ?1")?;
    let ids = stmt
        .query_map([id.to_string()], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Retracts and logs a tombstone for the same audience. `false` when unknown or already retracted.
/// Another community's notice answers like an unknown one.
pub fn retract(conn: &Connection, cid: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = conn.execute(
        "UPDATE notices SET retracted_at = ?1
         WHERE id = ?2 AND community_id = ?3 AND retracted_at IS NULL",
        params![ts(now), id.to_string(), cid.to_string()],
    )?;
    if n == 0 {
        return Ok(false);
    }
    let b = buildings(conn, id)?;
    changes::append_for_buildings(conn, cid, Kind::Notice, id, &b, now)?;
    Ok(true)
}

/// The notice as the viewer sees it; `None` when retracted, unknown or not addressed to them.
pub fn render_for(conn: &Connection, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Notice>> {
    let row = conn
        .prepare_cached(
            "SELECT n.title, n.body, n.urgency, n.pinned, n.published_at, n.expires_at, n.community_id,
                    s.name
             FROM notices n LEFT JOIN streets s ON s.id = n.street_id
             WHERE n.id = ?1 AND n.retracted_at IS NULL",
        )?
        .query_row([id.to_string()], |r| {
            Ok((
                Notice {
                    id,
                    title: r.get(0)?,
                    body: r.get(1)?,
                    urgency: get_enum(r, 2, Urgency::parse)?,
                    pinned: r.get(3)?,
                    published_at: get_ts(r, 4)?,
                    expires_at: get_opt_ts(r, 5)?,
                    attachments: Vec::new(),
                    read_at: None,
                    street: r.get(7)?,
                },
                get_uuid(r, 6)?,
            ))
        })
        .optional()?;
    let Some((mut notice, cid)) = row else {
        return Ok(None);
    };
    if cid != viewer.community_id {
        return Ok(None);
    }
    let b = buildings(conn, id)?;
    if !b.is_empty() && !b.contains(&viewer.building_id) {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT name, sha256, mime, size FROM notice_attachments WHERE notice_id = ?1 ORDER BY idx",
    )?;
    notice.attachments = stmt
        .query_map([id.to_string()], |r| {
            Ok(Attachment {
                name: r.get(0)?,
                sha256: r.get(1)?,
                mime: r.get(2)?,
                size: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    notice.read_at = conn
        .prepare_cached(
            "SELECT read_at FROM notice_reads WHERE notice_id = ?1 AND resident_id = ?2",
        )?
        .query_row(
            params![id.to_string(), viewer.resident_id.to_string()],
            |r| get_ts(r, 0),
        )
        .optional()?;
    Ok(Some(notice))
}

/// Records the first read; later reads change nothing. Logs the change for the reader's devices.
pub fn mark_read(
    conn: &Connection,
    viewer: &Viewer,
    id: Uuid,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO notice_reads (notice_id, resident_id, read_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id.to_string(), viewer.resident_id.to_string(), ts(at)])?;
    if n > 0 {
        changes::append(
            conn,
            viewer.community_id,
            Kind::Notice,
            &id.to_string(),
            Audience::Resident(viewer.resident_id),
            now,
        )?;
    }
    Ok(())
}

pub fn summaries(conn: &Connection, cid: Uuid) -> StoreResult<Vec<NoticeSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, body, urgency, pinned, published_at, expires_at, retracted_at,
                (SELECT COUNT(*) FROM notice_reads r WHERE r.notice_id = n.id)
         FROM notices n WHERE community_id = ?1 ORDER BY published_at DESC, id DESC",
    )?;
    let rows = stmt
        .query_map([cid.to_string()], |r| {
            Ok(NoticeSummary {
                id: get_uuid(r, 0)?,
                title: r.get(1)?,
                body: r.get(2)?,
                urgency: get_enum(r, 3, Urgency::parse)?,
                pinned: r.get(4)?,
                published_at: get_ts(r, 5)?,
                expires_at: get_opt_ts(r, 6)?,
                retracted_at: get_opt_ts(r, 7)?,
                buildings: Vec::new(),
                read_count: r.get(8)?,
                audience_count: 0,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for mut s in rows {
        let b = buildings(conn, s.id)?;
        s.buildings = community::building_names(conn, &b)?;
        s.audience_count = residents_in(conn, cid, &b)?;
        out.push(s);
    }
    Ok(out)
}

/// Residents living in the listed buildings (all the community's residents when none are listed).
pub fn residents_in(conn: &Connection, cid: Uuid, buildings: &[Uuid]) -> StoreResult<i64> {
    if buildings.is_empty() {
        // Not the placeholder that records of closed accounts point to.
        return Ok(conn.query_row(
            "SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id
             JOIN buildings b ON b.id = h.building_id WHERE b.community_id = ?1 AND r.id != ?2",
            params![cid.to_string(), super::closure::CLOSED.to_string()],
            |r| r.get(0),
        )?);
    }
    let mut total = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id WHERE h.building_id = ?1",
    )?;
    for b in buildings {
        total += stmt.query_row([b.to_string()], |r| r.get::<_, i64>(0))?;
    }
    Ok(total)
}
