//! The staff API under `/v1/staff/…` that the console speaks: sign-in with a session cookie and a CSRF
//! token, and the report inbox. Every rule lives in `admin::staff_auth` and `admin::reports`, the
//! functions `linli-hub admin` calls too; this file only translates HTTP.
use axum::extract::rejection::JsonRejection;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use linli_proto::{ErrorCode, Report, ReportStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{json_body, AppState};
use crate::admin;
use crate::error::{ApiError, HubError};
use crate::hub::Hub;
use crate::store::{ReportFilter, Staff, StaffReport};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "linli_staff";
/// The header every state-changing staff request echoes the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Runs an admin function off the async threads (argon2 takes tens of milliseconds by design).
pub(super) async fn admin_call<T: Send + 'static>(
    hub: &Hub,
    f: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> Result<T, ApiError> {
    let hub = hub.clone();
    match crate::api::request_id::spawn_blocking_in_span(move || f(&hub)).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "blocking task failed");
            Err(ApiError(ErrorCode::Internal))
        }
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// A signed-in staff member. A missing, unknown or expired session answers 401; a request other than
/// GET without the session's CSRF token answers 403 `csrf_invalid`.
pub struct StaffCaller {
    pub staff: Staff,
    pub session: String,
}

impl FromRequestParts<AppState> for StaffCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = session_cookie(&parts.headers).ok_or(ApiError(ErrorCode::Unauthorized))?;
        let csrf = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let changes_state = !matches!(parts.method, Method::GET | Method::HEAD);
        let s = session.clone();
        let staff = admin_call(&state.hub, move |hub| {
            admin::staff_auth::authenticate(hub, &s, csrf.as_deref(), changes_state)
        })
        .await?;
        Ok(StaffCaller { staff, session })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetPasswordRequest {
    /// The token of the one-time link `linli-hub admin staff add` printed.
    pub link: String,
    pub password: String,
}

/// Sets a staff member's first password through the one-time link.
#[utoipa::path(post, path = "/v1/staff/password", tag = "staff", request_body = SetPasswordRequest,
    responses((status = 204, description = "Password set; the link is used up"),
        (status = 400, description = "password_too_short", body = linli_proto::ErrorBody),
        (status = 404, description = "staff_link_invalid", body = linli_proto::ErrorBody)))]
pub async fn set_password(
    State(state): State<AppState>,
    body: Result<Json<SetPasswordRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = json_body(body)?;
    admin_call(&state.hub, move |hub| {
        admin::staff_auth::set_password(hub, &req.link, &req.password)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInRequest {
    pub staff_id: Uuid,
    pub password: String,
    /// The authenticator app's 6-digit code, for an account with the second factor on.
    pub code: Option<String>,
}

/// Who is signed in, and the token to echo in `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSessionInfo {
    pub staff_id: Uuid,
    pub name: String,
    pub community_id: Uuid,
    /// What the console offers them (see `domain::staff_scope`).
    pub role: crate::domain::staff_scope::StaffRole,
    pub csrf_token: String,
    /// Whether sign-in needs an authenticator code (the second factor is on).
    pub totp: bool,
}

/// Signs a staff member in: the session goes in an `HttpOnly; Secure; SameSite=Strict` cookie. Wrong
/// passwords and codes lock the account and, from one client address, that address, for a while.
#[utoipa::path(post, path = "/v1/staff/session", tag = "staff", request_body = SignInRequest,
    responses((status = 200, description = "Signed in", body = StaffSessionInfo),
        (status = 401, description = "staff_sign_in_failed / staff_totp_required / staff_totp_invalid",
            body = linli_proto::ErrorBody),
        (status = 403, description = "staff_disabled", body = linli_proto::ErrorBody),
        (status = 429, description = "staff_locked", body = linli_proto::ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<SignInRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = json_body(body)?;
    let s = admin_call(&state.hub, move |hub| {
        admin::staff_auth::sign_in(
            hub,
            req.staff_id,
            &req.password,
            req.code.as_deref(),
            peer.ip(),
        )
    })
    .await?;
    let cookie = format!(
        "{COOKIE_NAME}={}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        s.token,
        admin::staff_auth::ABSOLUTE_TIMEOUT.num_seconds()
    );
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| ApiError(ErrorCode::Internal))?;
    let info = StaffSessionInfo {
        staff_id: s.staff.id,
        name: s.staff.name,
        community_id: s.staff.community_id,
        role: s.staff.role,
        csrf_token: s.csrf,
        totp: s.totp,
    };
    Ok(([(SET_COOKIE, cookie)], Json(info)).into_response())
}

/// Signs out: the session ends on the hub and the cookie is cleared.
#[utoipa::path(delete, path = "/v1/staff/session", tag = "staff",
    responses((status = 204, description = "Signed out"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody)))]
pub async fn sign_out(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Response, ApiError> {
    let session = caller.session;
    admin_call(&state.hub, move |hub| {
        admin::staff_auth::sign_out(hub, &session)
    })
    .await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear_cookie())]).into_response())
}

/// The `Set-Cookie` that makes the browser forget the session cookie.
pub(super) fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("linli_staff=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// Only reports in this status.
    pub status: Option<ReportStatus>,
    /// Only reports past their promised date and not resolved.
    pub overdue: Option<bool>,
}

/// The reports in the staff member's scope, newest first; each listing goes to the access log.
#[utoipa::path(get, path = "/v1/staff/reports", tag = "staff", params(InboxQuery),
    responses((status = 200, description = "The inbox"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    caller: StaffCaller,
    Query(q): Query<InboxQuery>,
) -> Result<Json<Vec<StaffReport>>, ApiError> {
    let filter = ReportFilter {
        status: q.status,
        overdue: q.overdue.unwrap_or(false),
        ..ReportFilter::default()
    };
    let mut list = admin_call(&state.hub, move |hub| {
        admin::reports::list(hub, &caller.staff, &filter)
    })
    .await?;
    list.sort_by_key(|r| std::cmp::Reverse(r.report.created_at));
    Ok(Json(list))
}

/// One report with its timeline, logged; one outside the staff member's scope answers 404 as an
/// unknown one does.
#[utoipa::path(get, path = "/v1/staff/reports/{id}", tag = "staff",
    params(("id" = Uuid, Path, description = "Report id")),
    responses((status = 200, description = "The report"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 404, description = "report_not_found", body = linli_proto::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<StaffReport>, ApiError> {
    let r = admin_call(&state.hub, move |hub| {
        admin::reports::show(hub, &caller.staff, id)
    })
    .await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetStatusRequest {
    pub status: ReportStatus,
    pub reply: Option<String>,
}

/// Accepts, progresses, resolves or rejects a report (rejecting needs a reply), as the CLI does.
#[utoipa::path(post, path = "/v1/staff/reports/{id}/status", tag = "staff",
    params(("id" = Uuid, Path, description = "Report id")), request_body = SetStatusRequest,
    responses((status = 200, description = "The report after the change", body = Report),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "report_not_found", body = linli_proto::ErrorBody),
        (status = 409, description = "invalid_transition", body = linli_proto::ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<SetStatusRequest>, JsonRejection>,
) -> Result<Json<Report>, ApiError> {
    let req = json_body(body)?;
    let r = admin_call(&state.hub, move |hub| {
        admin::reports::set_status_by(hub, &caller.staff, id, req.status, req.reply.as_deref())
    })
    .await?;
    Ok(Json(r))
}
