//! The office's side of reports: the list, and accepting / progressing / resolving / rejecting.
use linli_proto::{limits, ErrorCode, Report, ReportStatus};
use uuid::Uuid;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{ReportFilter, StaffReport};

pub fn list(hub: &Hub, filter: &ReportFilter) -> Result<Vec<StaffReport>, HubError> {
    Ok(hub.store().reports(filter)?)
}

pub fn show(hub: &Hub, id: Uuid) -> Result<StaffReport, HubError> {
    hub.store()
        .staff_report(id)?
        .ok_or(HubError::Refused(ErrorCode::ReportNotFound))
}

/// Moves a report on with an optional reply; rejecting needs a reason. Invalid moves answer
/// `invalid_transition` and change nothing.
pub fn set_status(
    hub: &Hub,
    id: Uuid,
    status: ReportStatus,
    reply: Option<&str>,
) -> Result<Report, HubError> {
    if reply.is_some_and(|r| r.chars().count() > limits::TEXT_MAX) {
        return Err(ErrorCode::FieldTooLong.into());
    }
    let report = hub
        .store()
        .set_report_status(id, status, reply, hub.now())?;
    hub.notify();
    Ok(report)
}
