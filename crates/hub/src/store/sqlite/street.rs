//! SQL for `streets` and `street_staff`: the street (街道) a hub serves, its office, and what the street
//! office sees of its communities (counts, never personal details) and sends to them (街道通知).
use chrono::{DateTime, Utc};
use linli_proto::{Attachment, ErrorCode};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::{get_ts, get_uuid, ts};
use super::notices::{self, FromStreet};
use crate::store::{CommunityOverview, NewNotice, StoreError, StoreResult, Street, StreetStaff};

/// The hub's street, if named.
pub fn get(conn: &Connection) -> StoreResult<Option<Street>> {
    Ok(conn
        .prepare_cached("SELECT id, name, code FROM streets ORDER BY created_at LIMIT 1")?
        .query_row([], |r| {
            Ok(Street {
                id: get_uuid(r, 0)?,
                name: r.get(1)?,
                code: r.get(2)?,
            })
        })
        .optional()?)
}

/// Names the street, or renames the one there is; communities not yet in a street join it.
pub fn set(conn: &Connection, name: &str, code: &str, now: DateTime<Utc>) -> StoreResult<Street> {
    let street = match get(conn)? {
        Some(s) => {
            conn.execute(
                "UPDATE streets SET name = ?1, code = ?2 WHERE id = ?3",
                params![name, code, s.id.to_string()],
            )?;
            Street {
                id: s.id,
                name: name.to_owned(),
                code: code.to_owned(),
            }
        }
        None => {
            let id = Uuid::now_v7();
            conn.execute(
                "INSERT INTO streets (id, name, code, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id.to_string(), name, code, ts(now)],
            )?;
            Street {
                id,
                name: name.to_owned(),
                code: code.to_owned(),
            }
        }
    };
    conn.execute(
        "UPDATE communities SET street_id = ?1 WHERE street_id IS NULL",
        [street.id.to_string()],
    )?;
    Ok(street)
}

pub fn add_staff(conn: &Connection, name: &str, now: DateTime<Utc>) -> StoreResult<StreetStaff> {
    let street = get(conn)?.ok_or(StoreError::Refused(ErrorCode::StreetNotSet))?;
    let s = StreetStaff {
        id: Uuid::now_v7(),
        street_id: street.id,
        name: name.to_owned(),
        created_at: now,
    };
    conn.execute(
        "INSERT INTO street_staff (id, street_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![s.id.to_string(), street.id.to_string(), name, ts(now)],
    )?;
    Ok(s)
}

pub fn staff(conn: &Connection, id: Uuid) -> StoreResult<Option<StreetStaff>> {
    Ok(conn
        .prepare_cached("SELECT id, street_id, name, created_at FROM street_staff WHERE id = ?1")?
        .query_row([id.to_string()], |r| {
            Ok(StreetStaff {
                id: get_uuid(r, 0)?,
                street_id: get_uuid(r, 1)?,
                name: r.get(2)?,
                created_at: get_ts(r, 3)?,
            })
        })
        .optional()?)
}

/// The street's communities, oldest first.
pub fn community_ids(conn: &Connection, street_id: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM communities WHERE street_id = ?1 ORDER BY created_at")?;
    let ids = stmt
        .query_map([street_id.to_string()], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Counts per community of the street.
pub fn overview(conn: &Connection, who: &StreetStaff) -> StoreResult<Vec<CommunityOverview>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name,
            (SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id
              WHERE b.community_id = c.id AND h.sort >= 0),
            (SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id
              JOIN buildings b ON b.id = h.building_id WHERE b.community_id = c.id AND h.sort >= 0),
            (SELECT COUNT(*) FROM reports p WHERE p.community_id = c.id
              AND p.status IN ('submitted', 'accepted', 'in_progress')),
            (SELECT COUNT(*) FROM consultations k WHERE k.community_id = c.id AND k.closed_at IS NULL)
         FROM communities c WHERE c.street_id = ?1 ORDER BY c.created_at",
    )?;
    let rows = stmt
        .query_map([who.street_id.to_string()], |r| {
            Ok(CommunityOverview {
                id: get_uuid(r, 0)?,
                name: r.get(1)?,
                households: r.get(2)?,
                residents: r.get(3)?,
                open_reports: r.get(4)?,
                live_consultations: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One notice row per community, all marked with the street and one street notice id. A community not
/// of the street answers `community_not_found` and nothing is published.
pub fn publish(
    conn: &Connection,
    who: &StreetStaff,
    n: &NewNotice,
    communities: &[Uuid],
    attachments: &[Attachment],
    now: DateTime<Utc>,
) -> StoreResult<(Uuid, Vec<(Uuid, Uuid)>)> {
    let of_street = community_ids(conn, who.street_id)?;
    let targets: Vec<Uuid> = if communities.is_empty() {
        of_street.clone()
    } else {
        communities.to_vec()
    };
    if targets.iter().any(|c| !of_street.contains(c)) {
        return Err(ErrorCode::CommunityNotFound.into());
    }
    let from = FromStreet {
        street_id: who.street_id,
        street_notice_id: Uuid::now_v7(),
    };
    // A street notice names no buildings: each community's address book is its own.
    let whole = NewNotice {
        buildings: Vec::new(),
        ..n.clone()
    };
    let mut out = Vec::with_capacity(targets.len());
    for c in targets {
        out.push((
            c,
            notices::insert(conn, c, &whole, attachments, Some(from), now)?,
        ));
    }
    Ok((from.street_notice_id, out))
}
