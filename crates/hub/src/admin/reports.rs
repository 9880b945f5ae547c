//! The office's side of reports: the list, and accepting / progressing / resolving / rejecting.
use linli_proto::{limits, ErrorCode, Report, ReportStatus};
use uuid::Uuid;

use crate::domain::staff_scope::Action;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{ReportFilter, Staff, StaffReport};

/// Reports in `staff`'s scope (see `domain::staff_scope`) (with households: personal details, so each is logged).
pub fn list(hub: &Hub, staff: &Staff, filter: &ReportFilter) -> Result<Vec<StaffReport>, HubError> {
    super::escalation::sweep(hub)?;
    Ok(hub.store().reports_seen_by(staff, filter, hub.now())?)
}

/// One report, logged; `report_not_found` for one outside the member's scope, as for an unknown one.
pub fn show(hub: &Hub, staff: &Staff, id: Uuid) -> Result<StaffReport, HubError> {
    super::escalation::sweep(hub)?;
    hub.store()
        .report_seen_by(staff, id, hub.now())?
        .ok_or(HubError::Refused(ErrorCode::ReportNotFound))
}

/// Moves a report on with an optional reply; rejecting needs a reason. Invalid moves answer
/// `invalid_transition` and change nothing.
pub fn set_status(
    hub: &Hub,
    community: Uuid,
    id: Uuid,
    status: ReportStatus,
    reply: Option<&str>,
) -> Result<Report, HubError> {
    change(hub, community, id, status, reply, None)
}

/// [`set_status`] by a signed-in staff member, in their community; the change records who made it
/// (the resident still sees only the role).
pub fn set_status_by(
    hub: &Hub,
    staff: &Staff,
    id: Uuid,
    status: ReportStatus,
    reply: Option<&str>,
) -> Result<Report, HubError> {
    super::dispatch::authorize(hub, staff, id, Some(Action::SetStatus))?;
    change(hub, staff.community_id, id, status, reply, Some(staff.id))
}

fn change(
    hub: &Hub,
    community: Uuid,
    id: Uuid,
    status: ReportStatus,
    reply: Option<&str>,
    by: Option<Uuid>,
) -> Result<Report, HubError> {
    if reply.is_some_and(|r| r.chars().count() > limits::TEXT_MAX) {
        return Err(ErrorCode::FieldTooLong.into());
    }
    let report = hub
        .store()
        .set_report_status_by(community, id, status, reply, by, hub.now())?;
    hub.notify();
    Ok(report)
}
