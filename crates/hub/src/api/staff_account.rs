//! A staff member's own account from the console: enrolling an authenticator app for the TOTP second
//! factor (confirmed by a first code), switching it off, and signing out everywhere. The rules are in
//! `admin::staff_auth`; this file only translates HTTP.
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::staff::{admin_call, clear_cookie, StaffCaller};
use super::{json_body, AppState};
use crate::admin;
use crate::error::ApiError;

/// A new authenticator's secret, shown once: to scan (the URI) or type in (base32).
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// RFC 4648 base32 without padding.
    pub secret: String,
    /// `otpauth://totp/…` with the secret, issuer, SHA1, 6 digits and 30 seconds.
    pub uri: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TotpCode {
    /// The 6 digits the authenticator app shows now.
    pub code: String,
}

/// Begins enrolling an authenticator: a new secret, which does nothing until a code confirms it.
#[utoipa::path(post, path = "/v1/staff/totp", tag = "staff",
    responses((status = 200, description = "The secret, shown once", body = TotpEnrolment),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody),
        (status = 409, description = "staff_totp_enabled", body = linli_proto::ErrorBody)))]
pub async fn totp_begin(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<TotpEnrolment>, ApiError> {
    let e = admin_call(&state.hub, move |hub| {
        admin::staff_auth::totp_begin(hub, &caller.staff)
    })
    .await?;
    Ok(Json(TotpEnrolment {
        secret: e.secret,
        uri: e.uri,
    }))
}

/// Confirms the enrolment with a first code: from now on sign-in needs a code.
#[utoipa::path(post, path = "/v1/staff/totp/confirm", tag = "staff", request_body = TotpCode,
    responses((status = 204, description = "The second factor is on"),
        (status = 400, description = "bad_request: nothing to confirm", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized / staff_totp_invalid", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody),
        (status = 409, description = "staff_totp_enabled", body = linli_proto::ErrorBody)))]
pub async fn totp_confirm(
    State(state): State<AppState>,
    caller: StaffCaller,
    body: Result<Json<TotpCode>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = json_body(body)?;
    admin_call(&state.hub, move |hub| {
        admin::staff_auth::totp_confirm(hub, &caller.staff, &req.code)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Switches the second factor off, with a current code.
#[utoipa::path(post, path = "/v1/staff/totp/disable", tag = "staff", request_body = TotpCode,
    responses((status = 204, description = "The second factor is off"),
        (status = 401, description = "unauthorized / staff_totp_invalid", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody),
        (status = 429, description = "staff_locked", body = linli_proto::ErrorBody)))]
pub async fn totp_disable(
    State(state): State<AppState>,
    caller: StaffCaller,
    body: Result<Json<TotpCode>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = json_body(body)?;
    admin_call(&state.hub, move |hub| {
        admin::staff_auth::totp_disable(hub, &caller.staff, &req.code)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out everywhere: every session of the staff member ends, this one too.
#[utoipa::path(delete, path = "/v1/staff/sessions", tag = "staff",
    responses((status = 204, description = "Every session ended"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody)))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Response, ApiError> {
    admin_call(&state.hub, move |hub| {
        admin::staff_auth::sign_out_everywhere(hub, &caller.staff)
    })
    .await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear_cookie())]).into_response())
}
