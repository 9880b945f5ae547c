//! Devices that joined, and switching one off (a lost phone).
use linli_proto::ErrorCode;
use uuid::Uuid;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::DeviceInfo;

pub fn list(hub: &Hub) -> Result<Vec<DeviceInfo>, HubError> {
    Ok(hub.store().devices()?)
}

/// The device's token stops working at once.
pub fn revoke(hub: &Hub, id: Uuid) -> Result<(), HubError> {
    if !hub.store().revoke_device(id, hub.now())? {
        return Err(ErrorCode::NotFound.into());
    }
    Ok(())
}
