//! What the store keeps for case handling beyond dispatch: 超期督办 (overdue reports escalated to the
//! community's heads, with a reminder to the assignee) and reply templates tied to a status.
use chrono::{DateTime, Utc};
use linli_proto::ReportStatus;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Staff, StoreResult};

/// A reminder a staff member finds in their console; `overdue`: a report of theirs passed its promised
/// date and was escalated to the community's heads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reminder {
    pub id: Uuid,
    pub report_id: Uuid,
    pub kind: String,
    /// The promised date that passed.
    pub deadline: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A reply template of a community, for the status it replies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReplyTemplate {
    pub id: Uuid,
    pub status: ReportStatus,
    pub title: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

pub trait CaseStore {
    /// Escalates every report past its promised date, not finished and not yet escalated for that
    /// date: marks it (an `escalated` step on the staff timeline) and leaves a reminder for its
    /// assignee, all in one transaction. Returns how many were escalated.
    fn escalate_overdue(&self, now: DateTime<Utc>) -> StoreResult<usize>;
    /// The staff member's reminders, newest first.
    fn reminders(&self, staff: &Staff) -> StoreResult<Vec<Reminder>>;
    /// Marks one of the staff member's reminders read; `not_found` for anyone else's.
    fn read_reminder(&self, staff: &Staff, id: Uuid, now: DateTime<Utc>) -> StoreResult<Reminder>;
    /// The community's reply templates, by status then title.
    fn templates(&self, community: Uuid) -> StoreResult<Vec<ReplyTemplate>>;
    /// Adds a template (`id: None`) or changes one of the community's; `template_exists` when the
    /// community has another of that status and title, `not_found` for an unknown id.
    fn save_template(
        &self,
        community: Uuid,
        id: Option<Uuid>,
        status: ReportStatus,
        title: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ReplyTemplate>;
    /// Removes one of the community's templates; `not_found` for an unknown id.
    fn delete_template(&self, community: Uuid, id: Uuid) -> StoreResult<()>;
}
