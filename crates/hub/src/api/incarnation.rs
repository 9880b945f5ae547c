//! The `Linli-Incarnation` check on push and pull. A device sends the incarnation id of the hub database
//! it last synced with (from its last pull page); when the hub was restored from a backup since, the
//! request is refused with 409 `hub_restored` before anything is done, so the device re-sends what it
//! kept and pulls anew instead of building on records the restored hub lacks (a comment on a report
//! the backup never had would be refused and lost otherwise).
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use linli_proto::{ErrorCode, INCARNATION_HEADER};

use super::AppState;
use crate::error::ApiError;

/// The request names this hub's incarnation, or none (a device that never pulled from it).
pub struct SameIncarnation;

impl FromRequestParts<AppState> for SameIncarnation {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.headers.get(INCARNATION_HEADER) {
            Some(v) if v.as_bytes() != state.hub.incarnation().as_bytes() => {
                Err(ApiError(ErrorCode::HubRestored))
            }
            _ => Ok(SameIncarnation),
        }
    }
}
