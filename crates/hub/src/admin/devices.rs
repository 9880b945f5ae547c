//! Devices that joined, and switching one off (a lost phone).
use linli_proto::ErrorCode;
use uuid::Uuid;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{DeviceInfo, Staff};

/// Devices of `staff`'s community with their household (logged, like every view of personal details).
pub fn list(hub: &Hub, staff: &Staff) -> Result<Vec<DeviceInfo>, HubError> {
    Ok(hub.store().devices_seen_by(staff, hub.now())?)
}

/// The device's token stops working at once; `not_found` for a device of another community.
pub fn revoke(hub: &Hub, community: Uuid, id: Uuid) -> Result<(), HubError> {
    if !hub.store().revoke_device(community, id, hub.now())? {
        return Err(ErrorCode::NotFound.into());
    }
    Ok(())
}
