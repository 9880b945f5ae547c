//! SQL for 超期督办 (`reports.escalated_at`, the `escalated` step in `report_events`, and
//! `staff_reminders`) and reply templates (`reply_templates`), from migration 19.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, ReportStatus};
use rusqlite::{params, Connection, OptionalExtension, Row};
use uuid::Uuid;

use super::columns::{get_enum, get_opt_ts, get_ts, get_uuid, ts};
use super::{dispatch, SqliteStore};
use crate::store::cases::{CaseStore, Reminder, ReplyTemplate};
use crate::store::{Staff, StoreError, StoreResult};

/// Whether the report was escalated for its current promised date and is not finished.
pub fn escalated(c: &Connection, report: Uuid) -> StoreResult<bool> {
    let row: Option<(Option<String>, ReportStatus)> = c
        .prepare_cached("SELECT escalated_at, status FROM reports WHERE id = ?1")?
        .query_row([report.to_string()], |r| {
            Ok((r.get(0)?, get_enum(r, 1, ReportStatus::parse)?))
        })
        .optional()?;
    Ok(matches!(row, Some((Some(_), s)) if !dispatch::finished(s)))
}

fn reminder(r: &Row<'_>) -> rusqlite::Result<Reminder> {
    Ok(Reminder {
        id: get_uuid(r, 0)?,
        report_id: get_uuid(r, 1)?,
        kind: r.get(2)?,
        deadline: get_opt_ts(r, 3)?,
        at: get_ts(r, 4)?,
        read_at: get_opt_ts(r, 5)?,
    })
}

const REMINDER_COLUMNS: &str = "id, report_id, kind, deadline, at, read_at";

fn template(r: &Row<'_>) -> rusqlite::Result<ReplyTemplate> {
    Ok(ReplyTemplate {
        id: get_uuid(r, 0)?,
        status: get_enum(r, 1, ReportStatus::parse)?,
        title: r.get(2)?,
        body: r.get(3)?,
        updated_at: get_ts(r, 4)?,
    })
}

fn template_by_id(c: &Connection, community: Uuid, id: Uuid) -> StoreResult<ReplyTemplate> {
    c.prepare_cached(
        "SELECT id, status, title, body, updated_at FROM reply_templates
         WHERE id = ?1 AND community_id = ?2",
    )?
    .query_row([id.to_string(), community.to_string()], template)
    .optional()?
    .ok_or(StoreError::Refused(ErrorCode::NotFound))
}

impl CaseStore for SqliteStore {
    fn escalate_overdue(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        self.write(|c| {
            let due: Vec<(Uuid, Uuid, String, String)> = c
                .prepare_cached(
                    "SELECT r.id, r.assignee_id, r.deadline, s.name FROM reports r
                     JOIN staff s ON s.id = r.assignee_id
                     WHERE r.escalated_at IS NULL AND r.deadline IS NOT NULL AND r.deadline < ?1
                       AND r.status NOT IN ('resolved', 'rejected', 'withdrawn')
                     ORDER BY r.deadline",
                )?
                .query_map([ts(now)], |r| {
                    Ok((get_uuid(r, 0)?, get_uuid(r, 1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            for (report, assignee, deadline, name) in &due {
                c.prepare_cached("UPDATE reports SET escalated_at = ?1 WHERE id = ?2")?
                    .execute([ts(now), report.to_string()])?;
                dispatch::add_step(c, *report, "escalated", None, Some(name), now)?;
                c.prepare_cached(
                    "INSERT INTO staff_reminders (id, staff_id, report_id, kind, deadline, at)
                     VALUES (?1, ?2, ?3, 'overdue', ?4, ?5)",
                )?
                .execute(params![
                    Uuid::now_v7().to_string(),
                    assignee.to_string(),
                    report.to_string(),
                    deadline,
                    ts(now)
                ])?;
            }
            Ok(due.len())
        })
    }

    fn reminders(&self, staff: &Staff) -> StoreResult<Vec<Reminder>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {REMINDER_COLUMNS} FROM staff_reminders WHERE staff_id = ?1
                 ORDER BY at DESC, id DESC"
            ))?;
            let list = stmt
                .query_map([staff.id.to_string()], reminder)?
                .collect::<Result<_, _>>()?;
            Ok(list)
        })
    }

    fn read_reminder(&self, staff: &Staff, id: Uuid, now: DateTime<Utc>) -> StoreResult<Reminder> {
        self.write(|c| {
            c.prepare_cached(
                "UPDATE staff_reminders SET read_at = COALESCE(read_at, ?1)
                 WHERE id = ?2 AND staff_id = ?3",
            )?
            .execute([ts(now), id.to_string(), staff.id.to_string()])?;
            c.prepare_cached(&format!(
                "SELECT {REMINDER_COLUMNS} FROM staff_reminders WHERE id = ?1 AND staff_id = ?2"
            ))?
            .query_row([id.to_string(), staff.id.to_string()], reminder)
            .optional()?
            .ok_or(StoreError::Refused(ErrorCode::NotFound))
        })
    }

    fn templates(&self, community: Uuid) -> StoreResult<Vec<ReplyTemplate>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, status, title, body, updated_at FROM reply_templates
                 WHERE community_id = ?1 ORDER BY status, title, id",
            )?;
            let list = stmt
                .query_map([community.to_string()], template)?
                .collect::<Result<_, _>>()?;
            Ok(list)
        })
    }

    fn save_template(
        &self,
        community: Uuid,
        id: Option<Uuid>,
        status: ReportStatus,
        title: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ReplyTemplate> {
        self.write(|c| {
            let taken: Option<String> = c
                .prepare_cached(
                    "SELECT id FROM reply_templates
                     WHERE community_id = ?1 AND status = ?2 AND title = ?3",
                )?
                .query_row(
                    [community.to_string(), status.as_str().to_owned(), title.to_owned()],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some_and(|t| Some(t) != id.map(|i| i.to_string())) {
                return Err(ErrorCode::TemplateExists.into());
            }
            let id = match id {
                Some(id) => {
                    template_by_id(c, community, id)?;
                    c.prepare_cached(
                        "UPDATE reply_templates SET status = ?1, title = ?2, body = ?3, updated_at = ?4
                         WHERE id = ?5",
                    )?
                    .execute(params![status.as_str(), title, body, ts(now), id.to_string()])?;
                    id
                }
                None => {
                    let id = Uuid::now_v7();
                    c.prepare_cached(
                        "INSERT INTO reply_templates (id, community_id, status, title, body, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        id.to_string(),
                        community.to_string(),
                        status.as_str(),
                        title,
                        body,
                        ts(now)
                    ])?;
                    id
                }
            };
            template_by_id(c, community, id)
        })
    }

    fn delete_template(&self, community: Uuid, id: Uuid) -> StoreResult<()> {
        self.write(|c| {
            let n = c
                .prepare_cached("DELETE FROM reply_templates WHERE id = ?1 AND community_id = ?2")?
                .execute([id.to_string(), community.to_string()])?;
            if n == 0 {
                return Err(ErrorCode::NotFound.into());
            }
            Ok(())
        })
    }
}
