//! SQL for `staff` and `access_log`: who in the office is looking, and the record of each look at a
//! resident's personal details (and of each export) that the data officer reads.
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::{get_enum, get_ts, get_uuid, ts};
use crate::domain::staff_scope::StaffRole;
use crate::store::{AccessEntry, Staff, StoreError, StoreResult};

pub fn insert(
    conn: &Connection,
    community_id: Uuid,
    name: &str,
    data_officer: bool,
    now: DateTime<Utc>,
) -> StoreResult<Staff> {
    let id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO staff (id, community_id, name, data_officer, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.to_string(), community_id.to_string(), name, data_officer, ts(now)],
    )?;
    Ok(Staff {
        id,
        community_id,
        name: name.to_owned(),
        data_officer,
        role: StaffRole::Head,
        created_at: now,
    })
}

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Staff> {
    Ok(Staff {
        id: get_uuid(r, 0)?,
        community_id: get_uuid(r, 1)?,
        name: r.get(2)?,
        data_officer: r.get(3)?,
        created_at: get_ts(r, 4)?,
        role: get_enum(r, 5, StaffRole::parse)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> StoreResult<Option<Staff>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, community_id, name, data_officer, created_at, role FROM staff WHERE id = ?1",
        )?
        .query_row([id.to_string()], staff_row)
        .optional()?)
}

pub fn list(conn: &Connection, community_id: Uuid) -> StoreResult<Vec<Staff>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, community_id, name, data_officer, created_at, role FROM staff
         WHERE community_id = ?1 ORDER BY created_at",
    )?;
    let rows = stmt.query_map([community_id.to_string()], staff_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Who did something to whose data; written in the transaction of the view or export it records.
pub struct Access<'a> {
    /// Whose access log the line goes to: the community of the staff member or resident.
    pub community_id: Uuid,
    pub staff: Option<&'a Staff>,
    pub action: &'a str,
    pub record_kind: Option<&'a str>,
    pub record_id: Option<String>,
    pub resident_id: Option<Uuid>,
}

pub fn log(conn: &Connection, a: &Access<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO access_log (at, actor, staff_id, action, record_kind, record_id, resident_id,
             community_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        ts(now),
        if a.staff.is_some() {
            "staff"
        } else {
            "resident"
        },
        a.staff.map(|s| s.id.to_string()),
        a.action,
        a.record_kind,
        a.record_id,
        a.resident_id.map(|r| r.to_string()),
        a.community_id.to_string(),
    ])?;
    Ok(())
}

/// One read by an Open311 key (actor `open311`), written in the transaction of the read.
pub fn log_key(
    conn: &Connection,
    community_id: Uuid,
    key_id: Uuid,
    action: &str,
    report: Option<(Uuid, Uuid)>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO access_log (at, actor, action, record_kind, record_id, resident_id, community_id,
             open311_key_id)
         VALUES (?1, 'open311', ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        ts(now),
        action,
        report.map(|_| "report"),
        report.map(|(id, _)| id.to_string()),
        report.map(|(_, resident)| resident.to_string()),
        community_id.to_string(),
        key_id.to_string(),
    ])?;
    Ok(())
}

/// The community's access log, oldest first.
pub fn entries(conn: &Connection, community_id: Uuid) -> StoreResult<Vec<AccessEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.at, l.actor, l.staff_id, s.name, l.action, l.record_kind, l.record_id, l.resident_id,
                k.name
         FROM access_log l LEFT JOIN staff s ON s.id = l.staff_id
         LEFT JOIN open311_keys k ON k.id = l.open311_key_id
         WHERE l.community_id = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([community_id.to_string()], |r| {
        let staff_id: Option<String> = r.get(3)?;
        let resident_id: Option<String> = r.get(8)?;
        Ok((
            r.get::<_, i64>(0)?,
            get_ts(r, 1)?,
            r.get::<_, String>(2)?,
            staff_id,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            resident_id,
            r.get::<_, Option<String>>(9)?,
        ))
    })?;
    let parse = |s: Option<String>| -> StoreResult<Option<Uuid>> {
        s.map(|s| Uuid::parse_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    };
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            at,
            actor,
            staff_id,
            staff_name,
            action,
            record_kind,
            record_id,
            resident_id,
            api_key,
        ) = row?;
        out.push(AccessEntry {
            id,
            at,
            actor,
            staff_id: parse(staff_id)?,
            staff_name,
            action,
            record_kind,
            record_id,
            resident_id: parse(resident_id)?,
            api_key,
        });
    }
    Ok(out)
}

/// Records which staff member made a report event (a status change from the console).
pub fn attribute_event(conn: &Connection, event_id: Uuid, staff: Option<Uuid>) -> StoreResult<()> {
    if let Some(staff) = staff {
        conn.prepare_cached("UPDATE report_events SET staff_id = ?1 WHERE id = ?2")?
            .execute([staff.to_string(), event_id.to_string()])?;
    }
    Ok(())
}

/// The community and resident a report belongs to (for scope checks and the log).
pub fn report_owner(conn: &Connection, report_id: Uuid) -> StoreResult<Option<(Uuid, Uuid)>> {
    Ok(conn
        .prepare_cached("SELECT community_id, resident_id FROM reports WHERE id = ?1")?
        .query_row([report_id.to_string()], |r| {
            Ok((get_uuid(r, 0)?, get_uuid(r, 1)?))
        })
        .optional()?)
}

/// The community a proxy grant was made in.
pub fn grant_community(conn: &Connection, grant_id: Uuid) -> StoreResult<Option<Uuid>> {
    Ok(conn
        .prepare_cached("SELECT community_id FROM proxy_grants WHERE id = ?1")?
        .query_row([grant_id.to_string()], |r| get_uuid(r, 0))
        .optional()?)
}

/// The community a resident lives in (`None` for an unknown id).
pub fn resident_community(conn: &Connection, resident_id: Uuid) -> StoreResult<Option<Uuid>> {
    Ok(conn
        .prepare_cached(
            "SELECT b.community_id FROM residents r
             JOIN households h ON h.id = r.household_id
             JOIN buildings b ON b.id = h.building_id
             WHERE r.id = ?1",
        )?
        .query_row([resident_id.to_string()], |r| get_uuid(r, 0))
        .optional()?)
}

/// Community of each device's resident, by device id.
pub fn device_communities(conn: &Connection) -> StoreResult<Vec<(Uuid, Uuid, Uuid)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.resident_id, b.community_id FROM devices d
         JOIN residents r ON r.id = d.resident_id
         JOIN households h ON h.id = r.household_id
         JOIN buildings b ON b.id = h.building_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((get_uuid(r, 0)?, get_uuid(r, 1)?, get_uuid(r, 2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
