//! What the store keeps for roles, scopes and dispatch (派单): a staff member's role and grid, who a
//! report is dispatched to and by when, the dispatch steps on its timeline, and internal notes.
use chrono::{DateTime, Utc};
use linli_proto::Report;
use serde::Serialize;
use uuid::Uuid;

use super::{Staff, StoreResult};
use crate::domain::staff_scope::{ReportFacts, Scope, StaffRole};

/// A staff member as the console names them (an assignee, the author of a step or note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffName {
    pub id: Uuid,
    pub name: String,
    pub role: StaffRole,
}

/// One dispatch step on a report's timeline, attributed to the staff member who took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DispatchStep {
    /// `dispatched`, `signed`, `returned` or `escalated` (by the hub: `by` is empty).
    pub kind: String,
    pub by: Option<StaffName>,
    /// For `dispatched`: who it went to; for `returned`: the reason.
    pub text: Option<String>,
    pub at: DateTime<Utc>,
}

/// An internal note: staff only, never in anything a resident's device receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportNote {
    pub id: Uuid,
    pub by: StaffName,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The dispatch state of a report as staff see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DispatchInfo {
    pub assignee: Option<StaffName>,
    pub deadline: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    /// The promised date passed and the report is not finished.
    pub overdue: bool,
    /// When the overdue report was escalated to the community's heads (超期督办).
    pub escalated_at: Option<DateTime<Utc>>,
    pub steps: Vec<DispatchStep>,
    pub notes: Vec<ReportNote>,
}

/// A dispatch to write: the rules (scope, assignee's role) were checked by the admin library.
pub struct NewDispatch<'a> {
    pub report: Uuid,
    pub by: &'a Staff,
    pub assignee: Uuid,
    /// `None`: the category's time limit in working days from now.
    pub deadline: Option<DateTime<Utc>>,
}

pub trait DispatchStore {
    /// A staff member with a role; `buildings` (names from the address book) make a grid worker's grid.
    fn add_staff_with_role(
        &self,
        community: Uuid,
        name: &str,
        role: StaffRole,
        buildings: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Staff>;
    /// The staff member's reach, and what the rules need to know about the report (`None`: unknown).
    fn report_scope(
        &self,
        staff: &Staff,
        report: Uuid,
    ) -> StoreResult<(Scope, Option<ReportFacts>)>;
    /// Sets who has the report and by when; a new dispatch replaces an earlier one (reassigning).
    /// `invalid_transition` for a finished report; `forbidden` for an assignee who is not a grid
    /// worker or unit of the community.
    fn dispatch_report(&self, d: &NewDispatch<'_>, now: DateTime<Utc>) -> StoreResult<Report>;
    /// 签收 by the assignee; `invalid_transition` when already signed for.
    fn sign_report(&self, report: Uuid, by: &Staff, now: DateTime<Utc>) -> StoreResult<Report>;
    /// 退回 by the assignee with a reason: the report is nobody's again.
    fn return_report(
        &self,
        report: Uuid,
        by: &Staff,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Report>;
    fn add_report_note(
        &self,
        report: Uuid,
        by: &Staff,
        text: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ReportNote>;
    /// A category's time limit in working days (`None`: the community's default, which `days` sets).
    fn set_time_limit(&self, community: Uuid, category: Option<&str>, days: u32)
        -> StoreResult<()>;
}
