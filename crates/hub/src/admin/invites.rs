//! Invitation codes for a household, issued after staff checked the resident in person.
use chrono::Duration;
use linli_proto::ErrorCode;
use uuid::Uuid;

use crate::domain::invite_code;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::InviteInfo;

pub const DEFAULT_EXPIRY_DAYS: i64 = 7;

/// A new single-use code for the household at building / unit / room. `expires_in_days` may be
/// negative (an already expired code, for tests).
pub fn invite(
    hub: &Hub,
    community: Uuid,
    building: &str,
    unit: &str,
    room: &str,
    expires_in_days: i64,
) -> Result<InviteInfo, HubError> {
    let household = hub
        .store()
        .find_household(community, building, unit, room)?
        .ok_or(HubError::Refused(ErrorCode::UnknownAddress))?;
    let now = hub.now();
    let expires_at = now + Duration::days(expires_in_days);
    let mut last_err = None;
    // 31^8 codes: a collision is rare, but a unique constraint refuses it, so draw again.
    for _ in 0..5 {
        let code = invite_code::generate();
        match hub
            .store()
            .create_invite(&code, household.id, now, expires_at)
        {
            Ok(info) => return Ok(info),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err
        .map(HubError::from)
        .unwrap_or(HubError::Refused(ErrorCode::Internal)))
}
