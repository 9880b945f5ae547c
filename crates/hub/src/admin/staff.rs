//! Staff identities (admin commands act as one with `--staff`) and the access log the data officer reads.
use linli_proto::ErrorCode;
use uuid::Uuid;

use crate::domain::staff_scope::StaffRole;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{AccessEntry, Staff};

/// Registers a staff member of `community`; the data officer may also read its access log.
pub fn add(hub: &Hub, community: Uuid, name: &str, data_officer: bool) -> Result<Staff, HubError> {
    crate::domain::validate::title(name)?;
    Ok(hub
        .store()
        .add_staff(community, name.trim(), data_officer, hub.now())?)
}

/// Registers a staff member with a role; a grid worker's `buildings` (names in the address book)
/// are their grid.
pub fn add_with_role(
    hub: &Hub,
    community: Uuid,
    name: &str,
    role: StaffRole,
    buildings: &[String],
) -> Result<Staff, HubError> {
    crate::domain::validate::title(name)?;
    // Only a grid worker has a grid; buildings given for another role would silently mean nothing.
    if !buildings.is_empty() && role != StaffRole::Grid {
        return Err(ErrorCode::BadRequest.into());
    }
    Ok(hub
        .store()
        .add_staff_with_role(community, name.trim(), role, buildings, hub.now())?)
}

pub fn list(hub: &Hub, community: Uuid) -> Result<Vec<Staff>, HubError> {
    Ok(hub.store().staff_list(community)?)
}

/// The staff member behind `--staff`; `forbidden` for an unknown id, so nobody looks anonymously.
pub fn resolve(hub: &Hub, id: Uuid) -> Result<Staff, HubError> {
    hub.store()
        .staff(id)?
        .ok_or(HubError::Refused(ErrorCode::Forbidden))
}

/// Every staff view of personal details and every export, oldest first: for the data officer only.
pub fn access_log(hub: &Hub, staff: &Staff) -> Result<Vec<AccessEntry>, HubError> {
    Ok(hub.store().access_log(staff)?)
}
