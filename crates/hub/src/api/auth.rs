//! Who is calling: the device token in `Authorization: Bearer …`, looked up by its hash.
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use linli_proto::ErrorCode;

use super::{blocking, AppState};
use crate::domain::token;
use crate::error::ApiError;
use crate::store::Viewer;

/// An authenticated resident device. Missing, unknown or revoked tokens answer 401.
pub struct Caller(pub Viewer);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(ErrorCode::Unauthorized))?;
        let hash = token::hash(token);
        let now = state.hub.now();
        let viewer = blocking(&state.hub, move |s| s.authenticate(&hash, now)).await?;
        viewer.map(Caller).ok_or(ApiError(ErrorCode::Unauthorized))
    }
}
