//! SQL for the office's notice desk (migration 18): `notices.published_by`, `notice_proxy_reads`,
//! `household_care` and `door_knocks`. Every query keeps to the staff member's community and, for a
//! grid worker, to the buildings of their grid (`staff_buildings`), in the SQL itself.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, Urgency};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::{get_enum, get_ts, get_uuid, ts};
use super::{notices, staff, street, SqliteStore};
use crate::domain::staff_scope::StaffRole;
use crate::store::notice_desk::{
    BuildingReads, BuildingTurnout, ConsultationDeskStore, DoorKnock, KnockEntry, KnockOutcome,
    NoticeDesk, NoticeDeskStore, StaffNotice, Turnout,
};
use crate::store::{NewNotice, Staff, StoreResult, StreetStaff, Viewer};

/// The buildings a notice reaches: those it names, or every address of its community.
const AUDIENCE: &str = "b.community_id = ?2 AND b.sort >= 0
    AND (NOT EXISTS (SELECT 1 FROM notice_buildings nb WHERE nb.notice_id = ?1)
         OR b.id IN (SELECT nb.building_id FROM notice_buildings nb WHERE nb.notice_id = ?1))";

/// A grid worker's grid; every building for the others (?3: 1 for a grid worker, ?4: their id).
const GRID: &str =
    "(?3 = 0 OR b.id IN (SELECT sb.building_id FROM staff_buildings sb WHERE sb.staff_id = ?4))";

fn is_grid(who: &Staff) -> i64 {
    i64::from(who.role == StaffRole::Grid)
}

/// A relative's read of the principal's notice: the principal's receipt stays unread.
pub fn proxy_read(
    conn: &Connection,
    principal: &Viewer,
    notice: Uuid,
    proxy: Uuid,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO notice_proxy_reads (notice_id, resident_id, proxy_id, read_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        notice.to_string(),
        principal.resident_id.to_string(),
        proxy.to_string(),
        ts(at)
    ])?;
    Ok(())
}

fn publish(
    c: &Connection,
    who: &Staff,
    street_id: Option<Uuid>,
    n: &NewNotice,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Uuid>> {
    let ids = match street_id {
        None => vec![notices::insert(c, who.community_id, n, &[], None, now)?],
        Some(street_id) => {
            let sender = StreetStaff {
                id: who.id,
                street_id,
                name: who.name.clone(),
                created_at: who.created_at,
            };
            let (_, each) = street::publish(c, &sender, n, &[], &[], now)?;
            each.into_iter().map(|(_, id)| id).collect()
        }
    };
    for id in &ids {
        c.prepare_cached("UPDATE notices SET published_by = ?1 WHERE id = ?2")?
            .execute(params![who.id.to_string(), id.to_string()])?;
    }
    Ok(ids)
}

fn reads(c: &Connection, who: &Staff, notice: Uuid) -> StoreResult<Vec<BuildingReads>> {
    let sql = format!(
        "SELECT b.name, COUNT(r.id), COUNT(nr.resident_id),
                COUNT(CASE WHEN nr.resident_id IS NULL AND pr.resident_id IS NOT NULL THEN 1 END)
         FROM buildings b
         LEFT JOIN households h ON h.building_id = b.id
         LEFT JOIN residents r ON r.household_id = h.id
         LEFT JOIN notice_reads nr ON nr.notice_id = ?1 AND nr.resident_id = r.id
         LEFT JOIN notice_proxy_reads pr ON pr.notice_id = ?1 AND pr.resident_id = r.id
         WHERE {AUDIENCE} AND {GRID}
         GROUP BY b.id ORDER BY b.sort, b.name"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(
            params![
                notice.to_string(),
                who.community_id.to_string(),
                is_grid(who),
                who.id.to_string()
            ],
            |r| {
                Ok(BuildingReads {
                    building: r.get(0)?,
                    residents: r.get(1)?,
                    read: r.get(2)?,
                    read_by_relative: r.get(3)?,
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn list(c: &Connection, who: &Staff) -> StoreResult<NoticeDesk> {
    let mut stmt = c.prepare_cached(
        "SELECT name FROM buildings WHERE community_id = ?1 AND sort >= 0 ORDER BY sort, name",
    )?;
    let buildings = stmt
        .query_map([who.community_id.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for summary in notices::summaries(c, who.community_id)? {
        let (street, published_by): (bool, Option<String>) = c
            .prepare_cached(
                "SELECT n.street_id IS NOT NULL, s.name FROM notices n
                 LEFT JOIN staff s ON s.id = n.published_by WHERE n.id = ?1",
            )?
            .query_row([summary.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        out.push(StaffNotice {
            reads: reads(c, who, summary.id)?,
            summary,
            street,
            published_by,
        });
    }
    Ok(NoticeDesk {
        buildings,
        notices: out,
    })
}

fn retract(
    c: &Connection,
    who: &Staff,
    id: Uuid,
    street_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some(street_id) = street_id else {
        return notices::retract(c, who.community_id, id, now);
    };
    // Every community's copy of the street notice this one is.
    let mut stmt = c.prepare_cached(
        "SELECT n.id, n.community_id FROM notices n
         WHERE n.street_id = ?2 AND n.retracted_at IS NULL AND n.street_notice_id =
             (SELECT street_notice_id FROM notices WHERE id = ?1 AND street_id = ?2)",
    )?;
    let copies: Vec<(Uuid, Uuid)> = stmt
        .query_map(params![id.to_string(), street_id.to_string()], |r| {
            Ok((get_uuid(r, 0)?, get_uuid(r, 1)?))
        })?
        .collect::<Result<_, _>>()?;
    for (copy, community) in &copies {
        notices::retract(c, *community, *copy, now)?;
    }
    Ok(!copies.is_empty())
}

fn facts(c: &Connection, who: &Staff, id: Uuid) -> StoreResult<Option<(Urgency, DateTime<Utc>)>> {
    Ok(c.prepare_cached(
        "SELECT urgency, published_at FROM notices
         WHERE id = ?1 AND community_id = ?2 AND retracted_at IS NULL",
    )?
    .query_row(params![id.to_string(), who.community_id.to_string()], |r| {
        Ok((get_enum(r, 0, Urgency::parse)?, get_ts(r, 1)?))
    })
    .optional()?)
}

fn knocks(c: &Connection, notice: Uuid, household: Uuid) -> StoreResult<Vec<DoorKnock>> {
    let mut stmt = c.prepare_cached(
        "SELECT k.id, k.outcome, k.note, s.name, k.at FROM door_knocks k
         JOIN staff s ON s.id = k.staff_id
         WHERE k.notice_id = ?1 AND k.household_id = ?2 ORDER BY k.at DESC, k.id DESC",
    )?;
    let rows = stmt
        .query_map(params![notice.to_string(), household.to_string()], |r| {
            Ok(DoorKnock {
                id: get_uuid(r, 0)?,
                outcome: get_enum(r, 1, KnockOutcome::parse)?,
                note: r.get(2)?,
                staff_name: r.get(3)?,
                at: get_ts(r, 4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn door_knock_list(
    c: &Connection,
    who: &Staff,
    notice: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<KnockEntry>> {
    let sql = format!(
        "SELECT h.id, b.name, h.unit, h.room,
                EXISTS (SELECT 1 FROM household_care hc WHERE hc.household_id = h.id) AS care,
                (SELECT COUNT(*) FROM devices d JOIN residents r ON r.id = d.resident_id
                  WHERE r.household_id = h.id AND d.revoked_at IS NULL) AS active,
                (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id)
         FROM households h JOIN buildings b ON b.id = h.building_id
         WHERE {AUDIENCE} AND {GRID} AND h.sort >= 0
           AND NOT EXISTS (SELECT 1 FROM residents r JOIN notice_reads nr ON nr.resident_id = r.id
                           WHERE r.household_id = h.id AND nr.notice_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM residents r JOIN notice_proxy_reads pr ON pr.resident_id = r.id
                           WHERE r.household_id = h.id AND pr.notice_id = ?1)
         ORDER BY care DESC, active = 0 DESC, b.sort, b.name, h.sort, h.unit, h.room"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows: Vec<KnockEntry> = stmt
        .query_map(
            params![
                notice.to_string(),
                who.community_id.to_string(),
                is_grid(who),
                who.id.to_string()
            ],
            |r| {
                Ok(KnockEntry {
                    household_id: get_uuid(r, 0)?,
                    building: r.get(1)?,
                    unit: r.get(2)?,
                    room: r.get(3)?,
                    care: r.get(4)?,
                    active_devices: r.get(5)?,
                    residents: r.get(6)?,
                    knocks: Vec::new(),
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for mut e in rows {
        e.knocks = knocks(c, notice, e.household_id)?;
        out.push(e);
    }
    // Addresses of households that did not read: personal details, so the listing is logged.
    staff::log(
        c,
        &staff::Access {
            community_id: who.community_id,
            staff: Some(who),
            action: "door_knock_list",
            record_kind: Some("notice"),
            record_id: Some(notice.to_string()),
            resident_id: None,
        },
        now,
    )?;
    Ok(out)
}

/// Whether the household is in the notice's audience and the staff member's scope.
fn in_reach(c: &Connection, who: &Staff, notice: Uuid, household: Uuid) -> StoreResult<bool> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM households h JOIN buildings b ON b.id = h.building_id
             WHERE h.id = ?5 AND h.sort >= 0 AND {AUDIENCE} AND {GRID})"
    );
    Ok(c.prepare_cached(&sql)?.query_row(
        params![
            notice.to_string(),
            who.community_id.to_string(),
            is_grid(who),
            who.id.to_string(),
            household.to_string()
        ],
        |r| r.get(0),
    )?)
}

fn record_knock(
    c: &Connection,
    who: &Staff,
    notice: Uuid,
    household: Uuid,
    outcome: KnockOutcome,
    note: &str,
    now: DateTime<Utc>,
) -> StoreResult<DoorKnock> {
    if !in_reach(c, who, notice, household)? {
        return Err(ErrorCode::UnknownAddress.into());
    }
    let id = Uuid::now_v7();
    c.prepare_cached(
        "INSERT INTO door_knocks (id, notice_id, household_id, staff_id, outcome, note, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id.to_string(),
        notice.to_string(),
        household.to_string(),
        who.id.to_string(),
        outcome.as_str(),
        note,
        ts(now)
    ])?;
    Ok(DoorKnock {
        id,
        outcome,
        note: note.to_owned(),
        staff_name: who.name.clone(),
        at: now,
    })
}

fn set_care(
    c: &Connection,
    who: &Staff,
    household: Uuid,
    care: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM households h JOIN buildings b ON b.id = h.building_id
             WHERE h.id = ?1 AND b.community_id = ?2 AND b.sort >= 0 AND h.sort >= 0 AND {GRID})"
    );
    let known: bool = c.prepare_cached(&sql)?.query_row(
        params![
            household.to_string(),
            who.community_id.to_string(),
            is_grid(who),
            who.id.to_string()
        ],
        |r| r.get(0),
    )?;
    if !known {
        return Err(ErrorCode::UnknownAddress.into());
    }
    if care {
        c.prepare_cached(
            "INSERT OR IGNORE INTO household_care (household_id, staff_id, since) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![household.to_string(), who.id.to_string(), ts(now)])?;
    } else {
        c.prepare_cached("DELETE FROM household_care WHERE household_id = ?1")?
            .execute([household.to_string()])?;
    }
    Ok(())
}

impl NoticeDeskStore for SqliteStore {
    fn publish_notice_by(
        &self,
        who: &Staff,
        street: Option<Uuid>,
        notice: &NewNotice,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Uuid>> {
        self.write(|c| publish(c, who, street, notice, now))
    }

    fn staff_notices(&self, who: &Staff) -> StoreResult<NoticeDesk> {
        self.read(|c| list(c, who))
    }

    fn retract_notice_by(
        &self,
        who: &Staff,
        id: Uuid,
        street: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|c| retract(c, who, id, street, now))
    }

    fn notice_facts(&self, who: &Staff, id: Uuid) -> StoreResult<Option<(Urgency, DateTime<Utc>)>> {
        self.read(|c| facts(c, who, id))
    }

    fn door_knock_list(
        &self,
        who: &Staff,
        notice: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<KnockEntry>> {
        self.write(|c| door_knock_list(c, who, notice, now))
    }

    fn record_knock(
        &self,
        who: &Staff,
        notice: Uuid,
        household: Uuid,
        outcome: KnockOutcome,
        note: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<DoorKnock> {
        self.write(|c| record_knock(c, who, notice, household, outcome, note, now))
    }

    fn set_household_care(
        &self,
        who: &Staff,
        household: Uuid,
        care: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| set_care(c, who, household, care, now))
    }
}

fn turnout(c: &Connection, community: Uuid, id: Uuid) -> StoreResult<Option<Turnout>> {
    let Some(per_household) = c
        .prepare_cached("SELECT vote_scope FROM consultations WHERE id = ?1 AND community_id = ?2")?
        .query_row(params![id.to_string(), community.to_string()], |r| {
            Ok(r.get::<_, String>(0)? == "per_household")
        })
        .optional()?
    else {
        return Ok(None);
    };
    // Households with someone who joined (one vote each), or the residents themselves.
    let eligible = if per_household {
        "(SELECT COUNT(DISTINCT h.id) FROM households h JOIN residents r ON r.household_id = h.id
          WHERE h.building_id = b.id AND h.sort >= 0)"
    } else {
        "(SELECT COUNT(*) FROM households h JOIN residents r ON r.household_id = h.id
          WHERE h.building_id = b.id AND h.sort >= 0)"
    };
    let sql = format!(
        "SELECT b.name, {eligible},
                (SELECT COUNT(*) FROM ballots v JOIN households h ON h.id = v.household_id
                  WHERE v.consultation_id = ?1 AND h.building_id = b.id)
         FROM buildings b
         WHERE b.community_id = ?2 AND b.sort >= 0
           AND (NOT EXISTS (SELECT 1 FROM consultation_buildings cb WHERE cb.consultation_id = ?1)
                OR b.id IN (SELECT cb.building_id FROM consultation_buildings cb WHERE cb.consultation_id = ?1))
         ORDER BY b.sort, b.name"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let buildings = stmt
        .query_map(params![id.to_string(), community.to_string()], |r| {
            Ok(BuildingTurnout {
                building: r.get(0)?,
                eligible: r.get(1)?,
                voted: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let (ballots, by_relatives) = c
        .prepare_cached("SELECT COUNT(*), COUNT(proxy_id) FROM ballots WHERE consultation_id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Some(Turnout {
        buildings,
        ballots,
        by_relatives,
    }))
}

impl ConsultationDeskStore for SqliteStore {
    fn consultation_turnout(&self, community: Uuid, id: Uuid) -> StoreResult<Option<Turnout>> {
        self.read(|c| turnout(c, community, id))
    }

    fn vote_openings_for(
        &self,
        who: &Staff,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<linli_proto::LogReceipt>> {
        self.write(|c| {
            staff::log(
                c,
                &staff::Access {
                    community_id: who.community_id,
                    staff: Some(who),
                    action: "vote_openings_export",
                    record_kind: None,
                    record_id: None,
                    resident_id: None,
                },
                now,
            )?;
            super::tlog::vote_openings(c, who.community_id)
        })
    }
}
