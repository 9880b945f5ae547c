//! A resident's rights over their own data, for the device's token: the copy of their data
//! (`GET /v1/account/export`, a zip) and closing their account (`POST /v1/account/close`).
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use linli_proto::{AccountClosed, ErrorBody, ErrorCode};

use super::auth::Caller;
use super::{blocking, AppState};
use crate::error::ApiError;
use crate::privacy;

/// Everything the hub holds about the caller (个人信息副本) as a zip of JSON files and photos. Each
/// export is written to the access log.
#[utoipa::path(get, path = "/v1/account/export", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", description = "zip of JSON and photos"),
        (status = 401, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Caller(viewer): Caller,
) -> Result<Response, ApiError> {
    let now = state.hub.now();
    let data = blocking(&state.hub, move |s| s.export_for(&viewer, now)).await?;
    let hub = state.hub.clone();
    let bytes =
        crate::api::request_id::spawn_blocking_in_span(move || privacy::export_zip(&hub, &data))
            .await
            .map_err(|_| ApiError(ErrorCode::Internal))?
            .map_err(|e| {
                tracing::error!(error = %e, "building an export failed");
                ApiError(ErrorCode::Internal)
            })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"linli-export.zip\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Closes the caller's account now: personal data deleted or anonymised, every device of theirs
/// switched off (this token included).
#[utoipa::path(post, path = "/v1/account/close", security(("bearer" = [])),
    responses((status = 200, body = AccountClosed), (status = 401, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    Caller(viewer): Caller,
) -> Result<Json<AccountClosed>, ApiError> {
    let hub = state.hub.clone();
    let done = crate::api::request_id::spawn_blocking_in_span(move || {
        privacy::close_account(&hub, &viewer)
    })
    .await
    .map_err(|_| ApiError(ErrorCode::Internal))?
    .map_err(|e| match e {
        crate::HubError::Refused(code) => ApiError(code),
        other => {
            tracing::error!(error = %other, "closing an account failed");
            ApiError(ErrorCode::Internal)
        }
    })?;
    Ok(Json(done))
}
