//! 超期督办: a report past its promised date and not finished is escalated to the community's heads
//! (listed for them, marked on the staff timeline once per promised date) with a reminder to its
//! assignee. The hub's poller sweeps every few hundred milliseconds; every staff read of reports or
//! reminders sweeps first as well, so what a member sees never lags the clock.
use uuid::Uuid;

use linli_proto::ErrorCode;

use crate::domain::staff_scope::StaffRole;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::cases::Reminder;
use crate::store::{ReportFilter, Staff, StaffReport};

/// Escalates what fell due; how many reports were escalated now.
pub fn sweep(hub: &Hub) -> Result<usize, HubError> {
    let n = hub.store().escalate_overdue(hub.now())?;
    if n > 0 {
        tracing::info!(reports = n, "overdue reports escalated");
    }
    Ok(n)
}

/// The escalated reports of the community, for its heads only (logged as any listing is).
pub fn escalations(hub: &Hub, staff: &Staff) -> Result<Vec<StaffReport>, HubError> {
    if staff.role != StaffRole::Head {
        return Err(ErrorCode::Forbidden.into());
    }
    let filter = ReportFilter {
        escalated: true,
        ..ReportFilter::default()
    };
    super::reports::list(hub, staff, &filter)
}

/// The member's own reminders, newest first.
pub fn reminders(hub: &Hub, staff: &Staff) -> Result<Vec<Reminder>, HubError> {
    sweep(hub)?;
    Ok(hub.store().reminders(staff)?)
}

/// Marks one of the member's reminders read; `not_found` for another's.
pub fn read_reminder(hub: &Hub, staff: &Staff, id: Uuid) -> Result<Reminder, HubError> {
    Ok(hub.store().read_reminder(staff, id, hub.now())?)
}
