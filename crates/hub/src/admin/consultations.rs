//! Opening and closing consultations, and their results.
use linli_proto::{limits, ErrorCode};
use uuid::Uuid;

use crate::domain::validate;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{ConsultationResults, NewConsultation};

pub fn create(hub: &Hub, community: Uuid, c: &NewConsultation) -> Result<Uuid, HubError> {
    validate::title(&c.title)?;
    if c.description.chars().count() > limits::TEXT_MAX {
        return Err(ErrorCode::FieldTooLong.into());
    }
    if c.options.len() < 2 || c.options.iter().any(|o| validate::title(o).is_err()) {
        return Err(ErrorCode::InvalidChoice.into());
    }
    if c.max_choices < 1 || c.max_choices as usize > c.options.len() || c.closes_at <= c.opens_at {
        return Err(ErrorCode::BadRequest.into());
    }
    let id = hub.store().create_consultation(community, c, hub.now())?;
    hub.notify();
    Ok(id)
}

/// Closes now; votes arriving later are refused with `consultation_closed`.
pub fn close(hub: &Hub, community: Uuid, id: Uuid) -> Result<(), HubError> {
    hub.store().close_consultation(community, id, hub.now())?;
    hub.notify();
    Ok(())
}

pub fn results(hub: &Hub, community: Uuid, id: Uuid) -> Result<ConsultationResults, HubError> {
    hub.store()
        .consultation_results(community, id)?
        .ok_or(HubError::Refused(ErrorCode::ConsultationNotFound))
}

pub fn list(hub: &Hub, community: Uuid) -> Result<Vec<ConsultationResults>, HubError> {
    Ok(hub.store().consultations(community)?)
}
