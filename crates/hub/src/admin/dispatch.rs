//! Dispatch (派单) and internal notes, for the console and `linli-hub admin report dispatch|sign|
//! return|note`: every rule here, checked against the staff member's [`Scope`] first. A report
//! outside the scope answers `report_not_found`, as an unknown one does; one in scope that the role
//! may not act on answers `forbidden`.
use chrono::{DateTime, Utc};
use linli_proto::{limits, ErrorCode, Report};
use uuid::Uuid;

use crate::domain::staff_scope::{Action, Scope};
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::dispatch::{NewDispatch, ReportNote, StaffName};
use crate::store::Staff;

/// The staff member's scope if they may take `action` on the report (`None`: only see it).
pub fn authorize(
    hub: &Hub,
    staff: &Staff,
    report: Uuid,
    action: Option<Action>,
) -> Result<Scope, HubError> {
    let (scope, facts) = hub.store().report_scope(staff, report)?;
    let facts = facts
        .filter(|f| scope.sees(f))
        .ok_or(HubError::Refused(ErrorCode::ReportNotFound))?;
    match action {
        Some(a) if !scope.may(a, &facts) => Err(ErrorCode::Forbidden.into()),
        _ => Ok(scope),
    }
}

/// A reason or note: required, and no longer than any other text a person writes.
fn text(t: &str, missing: ErrorCode) -> Result<&str, HubError> {
    let t = t.trim();
    if t.is_empty() {
        return Err(missing.into());
    }
    if t.chars().count() > limits::TEXT_MAX {
        return Err(ErrorCode::FieldTooLong.into());
    }
    Ok(t)
}

/// Dispatches (or reassigns) the report to a grid worker or unit; the deadline defaults to the
/// category's time limit in working days.
pub fn dispatch(
    hub: &Hub,
    staff: &Staff,
    report: Uuid,
    assignee: Uuid,
    deadline: Option<DateTime<Utc>>,
) -> Result<Report, HubError> {
    authorize(hub, staff, report, Some(Action::Dispatch))?;
    let r = hub.store().dispatch_report(
        &NewDispatch {
            report,
            by: staff,
            assignee,
            deadline,
        },
        hub.now(),
    )?;
    hub.notify();
    Ok(r)
}

/// 签收: the assignee takes the report on.
pub fn sign(hub: &Hub, staff: &Staff, report: Uuid) -> Result<Report, HubError> {
    authorize(hub, staff, report, Some(Action::Sign))?;
    let r = hub.store().sign_report(report, staff, hub.now())?;
    hub.notify();
    Ok(r)
}

/// 退回: the assignee sends it back with a reason.
pub fn send_back(hub: &Hub, staff: &Staff, report: Uuid, reason: &str) -> Result<Report, HubError> {
    let reason = text(reason, ErrorCode::ReasonRequired)?;
    authorize(hub, staff, report, Some(Action::Sign))?;
    let r = hub
        .store()
        .return_report(report, staff, reason, hub.now())?;
    hub.notify();
    Ok(r)
}

/// An internal note on the report, for staff only.
pub fn note(hub: &Hub, staff: &Staff, report: Uuid, body: &str) -> Result<ReportNote, HubError> {
    let body = text(body, ErrorCode::FieldRequired)?;
    authorize(hub, staff, report, Some(Action::Note))?;
    Ok(hub
        .store()
        .add_report_note(report, staff, body, hub.now())?)
}

/// [`set_time_limit`] in `staff`'s community, for its heads only.
pub fn set_time_limit_by(
    hub: &Hub,
    staff: &Staff,
    category: Option<&str>,
    days: u32,
) -> Result<(), HubError> {
    if !staff.role.sets_time_limits() {
        return Err(ErrorCode::Forbidden.into());
    }
    set_time_limit(hub, staff.community_id, category, days)
}

/// Sets a category's time limit in working days, or the community's default (`category: None`).
pub fn set_time_limit(
    hub: &Hub,
    community: Uuid,
    category: Option<&str>,
    days: u32,
) -> Result<(), HubError> {
    if days == 0 || days > 365 {
        return Err(ErrorCode::BadRequest.into());
    }
    Ok(hub.store().set_time_limit(community, category, days)?)
}

/// Who in `staff`'s community takes a dispatch: its grid workers and handling units.
pub fn assignees(hub: &Hub, staff: &Staff) -> Result<Vec<StaffName>, HubError> {
    Ok(hub
        .store()
        .staff_list(staff.community_id)?
        .into_iter()
        .filter(|s| s.role.takes_dispatch())
        .map(|s| StaffName {
            id: s.id,
            name: s.name,
            role: s.role,
        })
        .collect())
}
