//! Reply templates (回复模板), each tied to the status it replies to and kept per community: its heads
//! write them (`linli-hub admin template …` and the console call these same functions); everyone who
//! moves reports on reads them to fill a reply.
use linli_proto::{limits, ErrorCode, ReportStatus};
use uuid::Uuid;

use crate::domain::staff_scope::StaffRole;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::cases::ReplyTemplate;
use crate::store::Staff;

/// The statuses staff move a report to, the only ones a reply template can be for.
pub const STATUSES: [ReportStatus; 4] = [
    ReportStatus::Accepted,
    ReportStatus::InProgress,
    ReportStatus::Resolved,
    ReportStatus::Rejected,
];

/// The community's templates, for the members who move reports on.
pub fn list(hub: &Hub, staff: &Staff) -> Result<Vec<ReplyTemplate>, HubError> {
    if !matches!(
        staff.role,
        StaffRole::Head | StaffRole::Grid | StaffRole::Unit
    ) {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(hub.store().templates(staff.community_id)?)
}

fn field(t: &str, max: usize) -> Result<&str, HubError> {
    let t = t.trim();
    if t.is_empty() {
        return Err(ErrorCode::FieldRequired.into());
    }
    if t.chars().count() > max {
        return Err(ErrorCode::FieldTooLong.into());
    }
    Ok(t)
}

/// Adds (`id: None`) or changes a template of the head's community.
pub fn save_by(
    hub: &Hub,
    staff: &Staff,
    id: Option<Uuid>,
    status: ReportStatus,
    title: &str,
    body: &str,
) -> Result<ReplyTemplate, HubError> {
    if staff.role != StaffRole::Head {
        return Err(ErrorCode::Forbidden.into());
    }
    if !STATUSES.contains(&status) {
        return Err(ErrorCode::InvalidTransition.into());
    }
    let title = field(title, limits::TITLE_MAX)?;
    let body = field(body, limits::TEXT_MAX)?;
    Ok(hub
        .store()
        .save_template(staff.community_id, id, status, title, body, hub.now())?)
}

/// Removes a template of the head's community.
pub fn delete_by(hub: &Hub, staff: &Staff, id: Uuid) -> Result<(), HubError> {
    if staff.role != StaffRole::Head {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(hub.store().delete_template(staff.community_id, id)?)
}
