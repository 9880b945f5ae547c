//! Publishing and retracting notices, and their read counts.
use linli_proto::ErrorCode;
use uuid::Uuid;

use crate::domain::validate;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{NewNotice, NoticeSummary};

pub fn publish(hub: &Hub, notice: &NewNotice) -> Result<Uuid, HubError> {
    validate::title(&notice.title)?;
    validate::text(&notice.body)?;
    let id = hub.store().publish_notice(notice, hub.now())?;
    hub.notify();
    Ok(id)
}

/// Retracts a notice; devices get a tombstone. `notice_not_found` when unknown or already retracted.
pub fn retract(hub: &Hub, id: Uuid) -> Result<(), HubError> {
    if !hub.store().retract_notice(id, hub.now())? {
        return Err(ErrorCode::NoticeNotFound.into());
    }
    hub.notify();
    Ok(())
}

pub fn list(hub: &Hub) -> Result<Vec<NoticeSummary>, HubError> {
    Ok(hub.store().notices()?)
}
