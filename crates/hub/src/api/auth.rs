//! Who is calling: the device token in `Authorization: Bearer …`, looked up by its hash.
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use linli_proto::ErrorCode;

use super::{blocking, AppState};
use crate::domain::token;
use crate::error::ApiError;
use crate::store::{Store, StoreError, Viewer};
use chrono::{DateTime, Utc};

/// An authenticated resident device. Missing, unknown or revoked tokens answer 401.
pub struct Caller(pub Viewer);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let TokenHash(hash) = TokenHash::from_request_parts(parts, state).await?;
        let now = state.hub.now();
        let viewer = blocking(&state.hub, move |s| s.authenticate(&hash, now)).await?;
        viewer.map(Caller).ok_or(ApiError(ErrorCode::Unauthorized))
    }
}

/// The hash of the bearer token, not yet looked up: for handlers that look it up in the same blocking
/// call as their own work (a push saves a thread hop per request). A missing token answers 401.
pub struct TokenHash(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TokenHash {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(ErrorCode::Unauthorized))?;
        Ok(TokenHash(token::hash(token)))
    }
}

/// Looks a [`TokenHash`] up: the device, or 401 for unknown and revoked tokens.
pub fn viewer(s: &dyn Store, hash: &str, now: DateTime<Utc>) -> Result<Viewer, StoreError> {
    s.authenticate(hash, now)?
        .ok_or(StoreError::Refused(ErrorCode::Unauthorized))
}
