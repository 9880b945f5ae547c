//! The street (街道) the hub serves: naming it, its office's staff, the overview of its communities, and
//! street-wide notices (街道通知) sent to all or some of its communities at once.
use linli_proto::ErrorCode;
use uuid::Uuid;

use crate::domain::validate;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{CommunityOverview, NewNotice, Street, StreetStaff};

/// Names the street (or renames it); communities not yet in a street join it.
pub fn set(hub: &Hub, name: &str, code: &str) -> Result<Street, HubError> {
    validate::title(name)?;
    let code = code.trim();
    if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ErrorCode::BadRequest.into());
    }
    let street = hub.store().set_street(name.trim(), code, hub.now())?;
    hub.notify();
    Ok(street)
}

/// The street; `street_not_set` before `admin street set`.
pub fn show(hub: &Hub) -> Result<Street, HubError> {
    hub.store()
        .street()?
        .ok_or(HubError::Refused(ErrorCode::StreetNotSet))
}

/// Registers a member of the street office; prints the id to pass as `--street-staff`.
pub fn add_staff(hub: &Hub, name: &str) -> Result<StreetStaff, HubError> {
    validate::title(name)?;
    show(hub)?;
    Ok(hub.store().add_street_staff(name.trim(), hub.now())?)
}

/// The street staff member behind `--street-staff`; `forbidden` for an unknown id.
pub fn resolve(hub: &Hub, id: Uuid) -> Result<StreetStaff, HubError> {
    hub.store()
        .street_staff(id)?
        .ok_or(HubError::Refused(ErrorCode::Forbidden))
}

/// Counts per community (no personal details, so nothing goes to an access log).
pub fn overview(hub: &Hub, who: &StreetStaff) -> Result<Vec<CommunityOverview>, HubError> {
    Ok(hub.store().street_overview(who)?)
}

/// One notice to each listed community (every community of the street when empty), shown to residents
/// with the street's name. Answers the street notice's id and each community's notice id.
pub fn publish_notice(
    hub: &Hub,
    who: &StreetStaff,
    notice: &NewNotice,
    communities: &[Uuid],
) -> Result<(Uuid, Vec<(Uuid, Uuid)>), HubError> {
    validate::title(&notice.title)?;
    validate::text(&notice.body)?;
    let out = hub
        .store()
        .publish_street_notice(who, notice, communities, hub.now())?;
    hub.notify();
    Ok(out)
}
