//! SQL for roles and grids (`staff.role`, `staff_buildings`), dispatch (`reports.assignee_id`,
//! `deadline`, `signed_at`, and the `dispatched` / `signed` / `returned` steps in `report_events`),
//! time limits and internal notes (`report_notes`), all from migration 11. Dispatch steps are kept
//! out of the resident's timeline (see `reports::render`); the resident sees the unit and the
//! promised date in `Report::handling`.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, Handling, Report, ReportStatus};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::columns::{get_enum, get_opt_ts, get_ts, get_uuid, ts};
use super::{community, reports, staff, SqliteStore};
use crate::domain::staff_scope::{ReportFacts, Scope, StaffRole};
use crate::domain::working_days;
use crate::store::dispatch::{
    DispatchInfo, DispatchStep, DispatchStore, NewDispatch, ReportNote, StaffName,
};
use crate::store::{Staff, StoreError, StoreResult};

/// The timeline kinds of dispatch steps; `reports::render` leaves them out of the resident's copy.
/// `escalated` (超期督办, see `cases.rs`) is the hub's own step, by no staff member.
pub const STEP_KINDS: &str = "('dispatched', 'signed', 'returned', 'escalated')";

/// The staff member's reach.
pub fn scope(c: &Connection, who: &Staff) -> StoreResult<Scope> {
    let street_id: Option<Uuid> = c
        .prepare_cached("SELECT street_id FROM communities WHERE id = ?1")?
        .query_row([who.community_id.to_string()], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten()
        .map(|s| Uuid::parse_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()?;
    let mut stmt =
        c.prepare_cached("SELECT building_id FROM staff_buildings WHERE staff_id = ?1")?;
    let buildings = stmt
        .query_map([who.id.to_string()], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    Ok(Scope {
        staff_id: who.id,
        role: who.role,
        community_id: who.community_id,
        street_id,
        buildings,
        data_officer: who.data_officer,
    })
}

/// What the scope rules need to know about a report; `None` for an unknown one.
pub fn facts(c: &Connection, report: Uuid) -> StoreResult<Option<ReportFacts>> {
    let row = c
        .prepare_cached(
            "SELECT r.community_id, c.street_id, h.building_id, r.assignee_id FROM reports r
             JOIN households h ON h.id = r.household_id
             JOIN communities c ON c.id = r.community_id
             WHERE r.id = ?1",
        )?
        .query_row([report.to_string()], |r| {
            Ok((
                get_uuid(r, 0)?,
                r.get::<_, Option<String>>(1)?,
                get_uuid(r, 2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })
        .optional()?;
    let Some((community_id, street, building_id, assignee)) = row else {
        return Ok(None);
    };
    let parse = |s: Option<String>| -> StoreResult<Option<Uuid>> {
        s.map(|s| Uuid::parse_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    };
    Ok(Some(ReportFacts {
        community_id,
        street_id: parse(street)?,
        building_id,
        assignee: parse(assignee)?,
    }))
}

fn staff_name(c: &Connection, id: Uuid) -> StoreResult<Option<StaffName>> {
    Ok(
        c.prepare_cached("SELECT name, role FROM staff WHERE id = ?1")?
            .query_row([id.to_string()], |r| {
                Ok(StaffName {
                    id,
                    name: r.get(0)?,
                    role: get_enum(r, 1, StaffRole::parse)?,
                })
            })
            .optional()?,
    )
}

pub(super) fn finished(s: ReportStatus) -> bool {
    matches!(
        s,
        ReportStatus::Resolved | ReportStatus::Rejected | ReportStatus::Withdrawn
    )
}

/// The report row's dispatch columns: assignee, deadline, signed_at, and the status.
type DispatchRow = (
    Option<Uuid>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    ReportStatus,
);

/// A dispatch step as stored: kind, staff id, text, time.
type StepRow = (String, Option<String>, Option<String>, DateTime<Utc>);

fn row(c: &Connection, report: Uuid) -> StoreResult<Option<DispatchRow>> {
    let found = c
        .prepare_cached(
            "SELECT assignee_id, deadline, signed_at, status FROM reports WHERE id = ?1",
        )?
        .query_row([report.to_string()], |r| {
            let assignee: Option<String> = r.get(0)?;
            let assignee = match assignee {
                Some(_) => Some(get_uuid(r, 0)?),
                None => None,
            };
            Ok((
                assignee,
                get_opt_ts(r, 1)?,
                get_opt_ts(r, 2)?,
                get_enum(r, 3, ReportStatus::parse)?,
            ))
        })
        .optional()?;
    Ok(found)
}

/// What the resident's device shows: the unit and the promised date.
pub fn handling(c: &Connection, report: Uuid) -> StoreResult<Option<Handling>> {
    let Some((Some(assignee), Some(deadline), signed_at, _)) = row(c, report)? else {
        return Ok(None);
    };
    Ok(staff_name(c, assignee)?.map(|s| Handling {
        unit: s.name,
        deadline,
        signed: signed_at.is_some(),
    }))
}

/// Whether the report is past its promised date and not finished.
pub fn overdue(c: &Connection, report: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(matches!(row(c, report)?, Some((_, Some(d), _, s)) if d < now && !finished(s)))
}

/// The staff side of a report's dispatch: assignee, deadline, steps and notes.
pub fn info(c: &Connection, report: Uuid, now: DateTime<Utc>) -> StoreResult<DispatchInfo> {
    let Some((assignee, deadline, signed_at, status)) = row(c, report)? else {
        return Ok(DispatchInfo::default());
    };
    let assignee = match assignee {
        Some(a) => staff_name(c, a)?,
        None => None,
    };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT kind, staff_id, text, at FROM report_events
         WHERE report_id = ?1 AND kind IN {STEP_KINDS} ORDER BY ord"
    ))?;
    let raw: Vec<StepRow> = stmt
        .query_map([report.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, get_ts(r, 3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut steps = Vec::new();
    for (kind, by, text, at) in raw {
        let by = match by.map(|s| Uuid::parse_str(&s)) {
            Some(Ok(id)) => staff_name(c, id)?,
            Some(Err(e)) => return Err(StoreError::Corrupt(e.to_string())),
            None => None,
        };
        steps.push(DispatchStep { kind, by, text, at });
    }
    let mut stmt = c.prepare_cached(
        "SELECT id, staff_id, text, at FROM report_notes WHERE report_id = ?1 ORDER BY at, id",
    )?;
    let raw: Vec<(Uuid, Uuid, String, DateTime<Utc>)> = stmt
        .query_map([report.to_string()], |r| {
            Ok((get_uuid(r, 0)?, get_uuid(r, 1)?, r.get(2)?, get_ts(r, 3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut notes = Vec::new();
    for (id, by, text, at) in raw {
        let by = staff_name(c, by)?.ok_or_else(|| StoreError::Corrupt("note author".into()))?;
        notes.push(ReportNote { id, by, text, at });
    }
    let escalated_at = c
        .prepare_cached("SELECT escalated_at FROM reports WHERE id = ?1")?
        .query_row([report.to_string()], |r| get_opt_ts(r, 0))?;
    Ok(DispatchInfo {
        assignee,
        deadline,
        signed_at,
        escalated_at,
        overdue: matches!(deadline, Some(d) if d < now && !finished(status)),
        steps,
        notes,
    })
}

/// Appends a dispatch step to the timeline, attributed to `by` (`None`: the hub itself), never
/// before the event it follows.
pub(super) fn add_step(
    c: &Connection,
    report: Uuid,
    kind: &str,
    by: Option<Uuid>,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO report_events (id, report_id, ord, kind, actor, text, at, staff_id)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(ord), 0) + 1 FROM report_events WHERE report_id = ?2),
                 ?3, 'staff', ?4,
                 MAX(?5, COALESCE((SELECT MAX(at) FROM report_events WHERE report_id = ?2), ?5)), ?6)",
    )?
    .execute(params![
        Uuid::now_v7().to_string(),
        report.to_string(),
        kind,
        text,
        ts(now),
        by.map(|b| b.to_string())
    ])?;
    Ok(())
}

/// Bumps the version and tells the household's devices (their copy's `handling` changed).
fn touched(c: &Connection, report: Uuid, now: DateTime<Utc>) -> StoreResult<Report> {
    let st = reports::state(c, report)?.ok_or(StoreError::Refused(ErrorCode::ReportNotFound))?;
    c.prepare_cached("UPDATE reports SET version = version + 1 WHERE id = ?1")?
        .execute([report.to_string()])?;
    changes::append(
        c,
        st.community_id,
        Kind::Report,
        &report.to_string(),
        Audience::Household(st.household_id),
        now,
    )?;
    reports::render(c, report)?
        .map(|(r, _)| r)
        .ok_or(StoreError::Refused(ErrorCode::ReportNotFound))
}

/// The time limit of the report's category in working days, or its community's default.
fn time_limit(c: &Connection, report: Uuid) -> StoreResult<u32> {
    let days: Option<i64> = c
        .prepare_cached(
            "SELECT COALESCE(k.time_limit_days, c.time_limit_days) FROM reports r
             JOIN communities c ON c.id = r.community_id
             LEFT JOIN categories k ON k.community_id = r.community_id AND k.key = r.category
             WHERE r.id = ?1",
        )?
        .query_row([report.to_string()], |r| r.get(0))
        .optional()?
        .flatten();
    let days = days.ok_or(StoreError::Refused(ErrorCode::ReportNotFound))?;
    Ok(u32::try_from(days).unwrap_or(0))
}

impl DispatchStore for SqliteStore {
    fn add_staff_with_role(
        &self,
        community_id: Uuid,
        name: &str,
        role: StaffRole,
        buildings: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Staff> {
        self.write(|c| {
            let data_officer = role == StaffRole::Data;
            let mut s = staff::insert(c, community_id, name, data_officer, now)?;
            c.execute(
                "UPDATE staff SET role = ?1 WHERE id = ?2",
                [role.as_str(), &s.id.to_string()],
            )?;
            s.role = role;
            for b in community::building_ids(c, community_id, buildings)? {
                c.execute(
                    "INSERT INTO staff_buildings (staff_id, building_id) VALUES (?1, ?2)",
                    [s.id.to_string(), b.to_string()],
                )?;
            }
            Ok(s)
        })
    }

    fn report_scope(&self, who: &Staff, report: Uuid) -> StoreResult<(Scope, Option<ReportFacts>)> {
        self.read(|c| Ok((scope(c, who)?, facts(c, report)?)))
    }

    fn dispatch_report(&self, d: &NewDispatch<'_>, now: DateTime<Utc>) -> StoreResult<Report> {
        self.write(|c| {
            let (_, _, _, status) =
                row(c, d.report)?.ok_or(StoreError::Refused(ErrorCode::ReportNotFound))?;
            if finished(status) {
                return Err(ErrorCode::InvalidTransition.into());
            }
            let assignee = staff::get(c, d.assignee)?
                .filter(|a| a.community_id == d.by.community_id && a.role.takes_dispatch())
                .ok_or(StoreError::Refused(ErrorCode::AssigneeInvalid))?;
            // Without a date given: the hotline's deadline for a case it sent, else the category's
            // time limit in working days.
            let deadline = match (d.deadline, super::open311::hotline_deadline(c, d.report)?) {
                (Some(t), _) | (None, Some(t)) => t,
                (None, None) => working_days::deadline_after(now, time_limit(c, d.report)?),
            };
            c.prepare_cached(
                "UPDATE reports SET assignee_id = ?1, deadline = ?2, signed_at = NULL, escalated_at = NULL
                 WHERE id = ?3",
            )?
            .execute(params![
                assignee.id.to_string(),
                ts(deadline),
                d.report.to_string()
            ])?;
            add_step(c, d.report, "dispatched", Some(d.by.id), Some(&assignee.name), now)?;
            touched(c, d.report, now)
        })
    }

    fn sign_report(&self, report: Uuid, by: &Staff, now: DateTime<Utc>) -> StoreResult<Report> {
        self.write(|c| {
            let (assignee, _, signed_at, status) =
                row(c, report)?.ok_or(StoreError::Refused(ErrorCode::ReportNotFound))?;
            if assignee != Some(by.id) {
                return Err(ErrorCode::Forbidden.into());
            }
            if signed_at.is_some() || finished(status) {
                return Err(ErrorCode::InvalidTransition.into());
            }
            c.prepare_cached("UPDATE reports SET signed_at = ?1 WHERE id = ?2")?
                .execute([ts(now), report.to_string()])?;
            add_step(c, report, "signed", Some(by.id), None, now)?;
            touched(c, report, now)
        })
    }

    fn return_report(
        &self,
        report: Uuid,
        by: &Staff,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        self.write(|c| {
            let (assignee, _, _, status) =
                row(c, report)?.ok_or(StoreError::Refused(ErrorCode::ReportNotFound))?;
            if assignee != Some(by.id) {
                return Err(ErrorCode::Forbidden.into());
            }
            if finished(status) {
                return Err(ErrorCode::InvalidTransition.into());
            }
            c.prepare_cached(
                "UPDATE reports SET assignee_id = NULL, deadline = NULL, signed_at = NULL, escalated_at = NULL
                 WHERE id = ?1",
            )?
            .execute([report.to_string()])?;
            add_step(c, report, "returned", Some(by.id), Some(reason), now)?;
            touched(c, report, now)
        })
    }

    fn add_report_note(
        &self,
        report: Uuid,
        by: &Staff,
        text: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ReportNote> {
        self.write(|c| {
            let id = Uuid::now_v7();
            c.prepare_cached(
                "INSERT INTO report_notes (id, report_id, staff_id, text, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id.to_string(),
                report.to_string(),
                by.id.to_string(),
                text,
                ts(now)
            ])?;
            let name = staff_name(c, by.id)?.ok_or(StoreError::Refused(ErrorCode::Forbidden))?;
            Ok(ReportNote {
                id,
                by: name,
                text: text.to_owned(),
                at: now,
            })
        })
    }

    fn set_time_limit(
        &self,
        community_id: Uuid,
        category: Option<&str>,
        days: u32,
    ) -> StoreResult<()> {
        self.write(|c| {
            let n = match category {
                Some(k) => c.execute(
                    "UPDATE categories SET time_limit_days = ?1 WHERE community_id = ?2 AND key = ?3",
                    params![days, community_id.to_string(), k],
                )?,
                None => c.execute(
                    "UPDATE communities SET time_limit_days = ?1 WHERE id = ?2",
                    params![days, community_id.to_string()],
                )?,
            };
            if n == 0 {
                return Err(if category.is_some() {
                    ErrorCode::UnknownCategory.into()
                } else {
                    ErrorCode::CommunityNotFound.into()
                });
            }
            Ok(())
        })
    }
}
