//! SQL for `communities`, `buildings`, `households` and `categories`: the community and its address book.
use chrono::{DateTime, Utc};
use linli_proto::{Address, Building, Category, Community, Household, Unit};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::columns::{get_uuid, ts};
use crate::store::{CommunitySeed, StoreError, StoreResult};

/// Adds a community with its address book and categories. `log_origin` names its transparency log
/// (see `tlog::origin`): the part after the key's name.
pub fn insert(
    conn: &Connection,
    seed: &CommunitySeed,
    street_id: Option<Uuid>,
    log_origin: impl FnOnce(Uuid) -> String,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let taken: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM communities WHERE name = ?1)")?
        .query_row([&seed.name], |r| r.get(0))?;
    if taken {
        return Err(StoreError::Refused(linli_proto::ErrorCode::CommunityExists));
    }
    let cid = Uuid::now_v7();
    conn.execute(
        "INSERT INTO communities (id, name, phone, hours, created_at, street_id, log_origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            cid.to_string(),
            seed.name,
            seed.phone,
            seed.hours,
            ts(now),
            street_id.map(|s| s.to_string()),
            log_origin(cid)
        ],
    )?;
    changes::append(
        conn,
        cid,
        Kind::Community,
        &cid.to_string(),
        Audience::Community(cid),
        now,
    )?;
    for (i, c) in seed.categories.iter().enumerate() {
        conn.execute(
            "INSERT INTO categories (community_id, key, name_zh, name_en, icon, sort)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                cid.to_string(),
                c.key,
                c.name_zh,
                c.name_en,
                c.icon,
                if c.sort == 0 { i as i32 } else { c.sort }
            ],
        )?;
        changes::append(
            conn,
            cid,
            Kind::Category,
            &c.key,
            Audience::Community(cid),
            now,
        )?;
    }
    for (bi, b) in seed.buildings.iter().enumerate() {
        let bid = Uuid::now_v7();
        conn.execute(
            "INSERT INTO buildings (id, community_id, name, sort) VALUES (?1, ?2, ?3, ?4)",
            params![bid.to_string(), cid.to_string(), b.name, bi as i64],
        )?;
        let mut sort = 0i64;
        for u in &b.units {
            for r in &u.rooms {
                conn.execute(
                    "INSERT INTO households (id, building_id, unit, room, sort) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![Uuid::now_v7().to_string(), bid.to_string(), u.name, r, sort],
                )?;
                sort += 1;
            }
        }
        changes::append(
            conn,
            cid,
            Kind::Building,
            &bid.to_string(),
            Audience::Community(cid),
            now,
        )?;
    }
    Ok(cid)
}

const COMMUNITY_SELECT: &str = "SELECT c.id, c.name, c.phone, c.hours, s.name
     FROM communities c LEFT JOIN streets s ON s.id = c.street_id";

fn community_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Community> {
    Ok(Community {
        id: get_uuid(r, 0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        hours: r.get(3)?,
        street: r.get(4)?,
    })
}

/// One community of the hub.
pub fn community(conn: &Connection, id: Uuid) -> StoreResult<Option<Community>> {
    Ok(conn
        .prepare_cached(&format!("{COMMUNITY_SELECT} WHERE c.id = ?1"))?
        .query_row([id.to_string()], community_row)
        .optional()?)
}

/// Every community of the hub, oldest first.
pub fn communities(conn: &Connection) -> StoreResult<Vec<Community>> {
    let mut stmt = conn.prepare_cached(&format!("{COMMUNITY_SELECT} ORDER BY c.created_at"))?;
    let rows = stmt.query_map([], community_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The community a household belongs to.
pub fn household_community(conn: &Connection, household_id: Uuid) -> StoreResult<Option<Uuid>> {
    Ok(conn
        .prepare_cached(
            "SELECT b.community_id FROM households h JOIN buildings b ON b.id = h.building_id
             WHERE h.id = ?1",
        )?
        .query_row([household_id.to_string()], |r| get_uuid(r, 0))
        .optional()?)
}

const HOUSEHOLD_SELECT: &str = "SELECT h.id, b.name, h.unit, h.room FROM households h
     JOIN buildings b ON b.id = h.building_id";

fn household_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Household> {
    Ok(Household {
        id: get_uuid(r, 0)?,
        building: r.get(1)?,
        unit: r.get(2)?,
        room: r.get(3)?,
    })
}

pub fn household(conn: &Connection, id: Uuid) -> StoreResult<Option<Household>> {
    Ok(conn
        .prepare_cached(&format!("{HOUSEHOLD_SELECT} WHERE h.id = ?1"))?
        .query_row([id.to_string()], household_row)
        .optional()?)
}

pub fn find_household(
    conn: &Connection,
    community_id: Uuid,
    building: &str,
    unit: &str,
    room: &str,
) -> StoreResult<Option<Household>> {
    Ok(conn
        .prepare_cached(&format!(
            "{HOUSEHOLD_SELECT} WHERE b.community_id = ?1 AND b.name = ?2 AND h.unit = ?3 AND h.room = ?4"
        ))?
        .query_row(
            params![community_id.to_string(), building, unit, room],
            household_row,
        )
        .optional()?)
}

pub fn households(conn: &Connection, community_id: Uuid) -> StoreResult<Vec<Household>> {
    // The placeholder of closed accounts (sort -1) is not an address.
    let mut stmt = conn.prepare_cached(&format!(
        "{HOUSEHOLD_SELECT} WHERE b.community_id = ?1 AND h.sort >= 0 ORDER BY b.sort, h.sort"
    ))?;
    let rows = stmt.query_map([community_id.to_string()], household_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn building(conn: &Connection, id: Uuid) -> StoreResult<Option<Building>> {
    let name: Option<String> = conn
        .prepare_cached("SELECT name FROM buildings WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    let Some(name) = name else { return Ok(None) };
    let mut stmt = conn
        .prepare_cached("SELECT unit, room FROM households WHERE building_id = ?1 ORDER BY sort")?;
    let mut units: Vec<Unit> = Vec::new();
    for row in stmt.query_map([id.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (unit, room) = row?;
        match units.iter_mut().find(|u| u.name == unit) {
            Some(u) => u.rooms.push(room),
            None => units.push(Unit {
                name: unit,
                rooms: vec![room],
            }),
        }
    }
    Ok(Some(Building { id, name, units }))
}

/// Building ids by name, failing with `unknown_address` for a name not in the address book.
pub fn building_ids(
    conn: &Connection,
    community_id: Uuid,
    names: &[String],
) -> StoreResult<Vec<Uuid>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM buildings WHERE community_id = ?1 AND name = ?2")?;
    let mut out = Vec::new();
    for n in names {
        let id = stmt
            .query_row(params![community_id.to_string(), n], |r| get_uuid(r, 0))
            .optional()?
            .ok_or(StoreError::Refused(linli_proto::ErrorCode::UnknownAddress))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

pub fn building_names(conn: &Connection, ids: &[Uuid]) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM buildings WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(n) = stmt.query_row([id.to_string()], |r| r.get(0)).optional()? {
            out.push(n);
        }
    }
    Ok(out)
}

pub fn category(conn: &Connection, community_id: Uuid, key: &str) -> StoreResult<Option<Category>> {
    Ok(conn
        .prepare_cached(
            "SELECT key, name_zh, name_en, icon, sort FROM categories WHERE community_id = ?1 AND key = ?2",
        )?
        .query_row(params![community_id.to_string(), key], |r| {
            Ok(Category {
                key: r.get(0)?,
                name_zh: r.get(1)?,
                name_en: r.get(2)?,
                icon: r.get(3)?,
                sort: r.get(4)?,
            })
        })
        .optional()?)
}

/// Whether the address's building / unit / room (those given) exist in the address book (placeholders —
/// closed accounts, the Open311 intake — are no address).
pub fn address_known(conn: &Connection, community_id: Uuid, a: &Address) -> StoreResult<bool> {
    let (b, u, r) = (a.building.as_deref(), a.unit.as_deref(), a.room.as_deref());
    if b.is_none() {
        return Ok(u.is_none() && r.is_none());
    }
    // A full address (what devices send) looks up the unique (building, unit, room) key; a partial one
    // stops at the first household that matches. Either way no scan of the building's households, which
    // every pushed report used to pay.
    let sql = if u.is_some() && r.is_some() {
        "SELECT EXISTS (SELECT 1 FROM households h JOIN buildings b ON b.id = h.building_id
             WHERE b.community_id = ?1 AND b.name = ?2 AND h.unit = ?3 AND h.room = ?4
               AND h.sort >= 0)"
    } else {
        "SELECT EXISTS (SELECT 1 FROM households h JOIN buildings b ON b.id = h.building_id
             WHERE b.community_id = ?1 AND b.name = ?2
               AND (?3 IS NULL OR h.unit = ?3) AND (?4 IS NULL OR h.room = ?4) AND h.sort >= 0)"
    };
    let found: bool = conn
        .prepare_cached(sql)?
        .query_row(params![community_id.to_string(), b, u, r], |r| r.get(0))?;
    Ok(found)
}
