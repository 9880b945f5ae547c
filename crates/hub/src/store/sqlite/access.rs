//! SQL for `invites`, `residents` and `devices`: who may sync, and how they got in.
use chrono::{DateTime, Utc};
use linli_proto::ErrorCode;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::columns::{get_opt_ts, get_ts, get_uuid, ts};
use super::community;
use crate::store::{DeviceInfo, InviteInfo, Joined, StoreError, StoreResult, Viewer};

pub fn create_invite(
    conn: &Connection,
    code: &str,
    household_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<InviteInfo> {
    let household = community::household(conn, household_id)?
        .ok_or(StoreError::Refused(ErrorCode::UnknownAddress))?;
    conn.execute(
        "INSERT INTO invites (code, household_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![code, household_id.to_string(), ts(now), ts(expires_at)],
    )?;
    Ok(InviteInfo {
        code: code.to_owned(),
        household,
        expires_at,
    })
}

/// Uses the code (single use), creates the resident and the device, logs the household for the
/// new device's first pull.
pub fn redeem(
    conn: &Connection,
    code: &str,
    device_name: Option<&str>,
    token_hash: &str,
    privacy_version: u32,
    now: DateTime<Utc>,
) -> StoreResult<Joined> {
    let invite = conn
        .prepare_cached("SELECT household_id, expires_at, used_at FROM invites WHERE code = ?1")?
        .query_row([code], |r| {
            Ok((get_uuid(r, 0)?, get_ts(r, 1)?, get_opt_ts(r, 2)?))
        })
        .optional()?;
    let Some((household_id, expires_at, used_at)) = invite else {
        return Err(ErrorCode::InviteInvalid.into());
    };
    if used_at.is_some() {
        return Err(ErrorCode::InviteUsed.into());
    }
    if now >= expires_at {
        return Err(ErrorCode::InviteExpired.into());
    }
    // The household's own community (a street hub holds several).
    let community = community::household_community(conn, household_id)?
        .map(|cid| community::community(conn, cid))
        .transpose()?
        .flatten()
        .ok_or(StoreError::NoCommunity)?;
    let household = community::household(conn, household_id)?
        .ok_or_else(|| StoreError::Corrupt("invite for a missing household".into()))?;
    let resident_id = Uuid::now_v7();
    let device_id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO residents (id, household_id, created_at) VALUES (?1, ?2, ?3)",
        params![resident_id.to_string(), household_id.to_string(), ts(now)],
    )?;
    conn.execute(
        "INSERT INTO devices (id, resident_id, name, token_hash, created_at, privacy_version, privacy_agreed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
        params![device_id.to_string(), resident_id.to_string(), device_name, token_hash, ts(now), privacy_version],
    )?;
    conn.execute(
        "UPDATE invites SET used_at = ?1, used_by = ?2 WHERE code = ?3",
        params![ts(now), resident_id.to_string(), code],
    )?;
    changes::append(
        conn,
        community.id,
        Kind::Household,
        &household_id.to_string(),
        Audience::Household(household_id),
        now,
    )?;
    Ok(Joined {
        resident_id,
        device_id,
        community,
        household,
    })
}

pub fn authenticate(conn: &Connection, token_hash: &str) -> StoreResult<Option<Viewer>> {
    Ok(conn
        .prepare_cached(
            "SELECT d.id, r.id, h.id, b.id, b.community_id FROM devices d
             JOIN residents r ON r.id = d.resident_id
             JOIN households h ON h.id = r.household_id
             JOIN buildings b ON b.id = h.building_id
             WHERE d.token_hash = ?1 AND d.revoked_at IS NULL",
        )?
        .query_row([token_hash], |r| {
            Ok(Viewer {
                device_id: get_uuid(r, 0)?,
                resident_id: get_uuid(r, 1)?,
                household_id: get_uuid(r, 2)?,
                building_id: get_uuid(r, 3)?,
                community_id: get_uuid(r, 4)?,
            })
        })
        .optional()?)
}

pub fn devices(conn: &Connection) -> StoreResult<Vec<DeviceInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.name, d.resident_id, r.household_id, d.created_at, d.last_seen_at, d.revoked_at, d.last_seq
         FROM devices d JOIN residents r ON r.id = d.resident_id ORDER BY d.created_at",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            get_uuid(r, 0)?,
            r.get::<_, Option<String>>(1)?,
            get_uuid(r, 2)?,
            get_uuid(r, 3)?,
            get_ts(r, 4)?,
            get_opt_ts(r, 5)?,
            get_opt_ts(r, 6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, resident_id, hh, created_at, last_seen_at, revoked_at, last_seq) = row?;
        let household = community::household(conn, hh)?
            .ok_or_else(|| StoreError::Corrupt("resident without household".into()))?;
        out.push(DeviceInfo {
            id,
            name,
            resident_id,
            household,
            created_at,
            last_seen_at,
            revoked_at,
            last_seq,
        });
    }
    Ok(out)
}

pub fn revoke(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let exists: bool = conn
        .prepare_cached("SELECT COUNT(*) FROM devices WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, i64>(0))?
        > 0;
    conn.execute(
        "UPDATE devices SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        params![ts(now), id.to_string()],
    )?;
    Ok(exists)
}

pub fn last_seq(conn: &Connection, device_id: Uuid) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT last_seq FROM devices WHERE id = ?1")?
        .query_row([device_id.to_string()], |r| r.get(0))?)
}

pub fn advance(
    conn: &Connection,
    device_id: Uuid,
    seq: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached("UPDATE devices SET last_seq = ?1, last_seen_at = ?2 WHERE id = ?3")?
        .execute(params![seq, ts(now), device_id.to_string()])?;
    Ok(())
}

/// A resident as a viewer (what visibility rules need), for acting on their behalf; `device_id` is the
/// device the act comes from.
pub fn viewer_of_resident(
    conn: &Connection,
    resident_id: Uuid,
    device_id: Uuid,
) -> StoreResult<Option<Viewer>> {
    Ok(conn
        .prepare_cached(
            "SELECT r.id, h.id, b.id, b.community_id FROM residents r
             JOIN households h ON h.id = r.household_id
             JOIN buildings b ON b.id = h.building_id
             WHERE r.id = ?1",
        )?
        .query_row([resident_id.to_string()], |r| {
            Ok(Viewer {
                device_id,
                resident_id: get_uuid(r, 0)?,
                household_id: get_uuid(r, 1)?,
                building_id: get_uuid(r, 2)?,
                community_id: get_uuid(r, 3)?,
            })
        })
        .optional()?)
}

/// The resident a staff member means by a resident id or one of the resident's device ids.
pub fn resident_by_id_or_device(conn: &Connection, id: Uuid) -> StoreResult<Option<Uuid>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM residents WHERE id = ?1
             UNION ALL SELECT resident_id FROM devices WHERE id = ?1 LIMIT 1",
        )?
        .query_row([id.to_string()], |r| get_uuid(r, 0))
        .optional()?)
}

/// Residents who joined for a household, oldest first.
pub fn residents_of_household(conn: &Connection, household_id: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM residents WHERE household_id = ?1 ORDER BY created_at, id",
    )?;
    let ids = stmt
        .query_map([household_id.to_string()], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}
