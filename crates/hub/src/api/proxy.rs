//! Authorized proxies (亲友代办) over HTTP: the principal makes a one-time code, the relative redeems it,
//! either of them lists and ends grants. What a proxy may then do is checked on every push and pull.
use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{ConnectInfo, Path, State};
use axum::Json;
use chrono::Duration;
use linli_proto::{
    ErrorBody, ErrorCode, GrantParty, ProxyAcceptRequest, ProxyGrant, ProxyGrantList, ProxyInvite,
    ProxyInviteRequest, CODE_VALID_HOURS,
};
use uuid::Uuid;

use super::auth::Caller;
use super::{blocking, json_body, AppState};
use crate::domain::proxy_rules;
use crate::error::ApiError;

/// Make a one-time authorization code (valid 24 hours) for a relative to redeem; shown once.
#[utoipa::path(post, path = "/v1/proxy/invites", security(("bearer" = [])),
    request_body = ProxyInviteRequest,
    responses((status = 200, body = ProxyInvite),
        (status = 400, description = "field_required / proxy_days_out_of_range", body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn create_invite(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    body: Result<Json<ProxyInviteRequest>, JsonRejection>,
) -> Result<Json<ProxyInvite>, ApiError> {
    let req = json_body(body)?;
    let mut scopes = req.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(ApiError(ErrorCode::FieldRequired));
    }
    let days = proxy_rules::grant_days(req.days)?;
    let now = state.hub.now();
    let expires_at = now + Duration::hours(CODE_VALID_HOURS);
    let code = proxy_rules::generate_code();
    let hash = proxy_rules::hash_code(&code);
    let stored = scopes.clone();
    blocking(&state.hub, move |s| {
        s.create_proxy_code(&viewer, &hash, &stored, days, now, expires_at)
    })
    .await?;
    Ok(Json(ProxyInvite {
        code: proxy_rules::display_code(&code),
        code_expires_at: expires_at,
        scopes,
        days,
    }))
}

/// Redeem a code: the caller becomes the proxy of the resident who made it. Wrong codes count towards
/// the same per-address limit as invitation codes.
#[utoipa::path(post, path = "/v1/proxy/accept", security(("bearer" = [])),
    request_body = ProxyAcceptRequest,
    responses((status = 200, body = ProxyGrant),
        (status = 404, description = "proxy_code_invalid", body = ErrorBody),
        (status = 409, description = "proxy_code_used / proxy_code_expired / proxy_too_many_* / proxy_already_granted",
            body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(viewer): Caller,
    body: Result<Json<ProxyAcceptRequest>, JsonRejection>,
) -> Result<Json<ProxyGrant>, ApiError> {
    let req = json_body(body)?;
    let ip = peer.ip();
    let failures = state.hub.proxy_code_failures();
    if failures.is_limited(ip) {
        return Err(ApiError(ErrorCode::RateLimited));
    }
    let Some(code) = proxy_rules::normalize_code(&req.code) else {
        failures.record_failure(ip);
        return Err(ApiError(ErrorCode::ProxyCodeInvalid));
    };
    let hash = proxy_rules::hash_code(&code);
    let now = state.hub.now();
    let name = req.proxy_name.clone();
    let result = blocking(&state.hub, move |s| {
        s.accept_proxy_code(&viewer, &hash, name.as_deref(), now)
    })
    .await;
    match result {
        Ok(grant) => {
            state.hub.notify();
            Ok(Json(grant))
        }
        Err(e) => {
            if matches!(
                e.0,
                ErrorCode::ProxyCodeInvalid
                    | ErrorCode::ProxyCodeUsed
                    | ErrorCode::ProxyCodeExpired
            ) {
                failures.record_failure(ip);
            }
            Err(e)
        }
    }
}

/// Grants where the caller is the principal or the proxy, newest first, with their current status.
#[utoipa::path(get, path = "/v1/proxy/grants", security(("bearer" = [])),
    responses((status = 200, body = ProxyGrantList), (status = 401, body = ErrorBody)))]
pub async fn grants(
    State(state): State<AppState>,
    Caller(viewer): Caller,
) -> Result<Json<ProxyGrantList>, ApiError> {
    let now = state.hub.now();
    let grants = blocking(&state.hub, move |s| {
        s.proxy_grants_of(viewer.resident_id, now)
    })
    .await?;
    Ok(Json(ProxyGrantList { grants }))
}

/// End a grant at once: the principal revokes it, the proxy gives it up. Ops the proxy queued offline
/// and pushes later are refused (`proxy_grant_revoked` / `proxy_grant_given_up`).
#[utoipa::path(post, path = "/v1/proxy/grants/{id}/revoke", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The grant")),
    responses((status = 200, body = ProxyGrant), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<ProxyGrant>, ApiError> {
    let Path(id) = id.map_err(|_| ApiError(ErrorCode::NotFound))?;
    let now = state.hub.now();
    let grant = blocking(&state.hub, move |s| {
        let g = s
            .proxy_grant(id, now)?
            .ok_or(crate::store::StoreError::Refused(ErrorCode::NotFound))?;
        let by = if g.principal == viewer.resident_id {
            GrantParty::Principal
        } else if g.proxy == viewer.resident_id {
            GrantParty::Proxy
        } else {
            return Err(ErrorCode::NotFound.into());
        };
        s.end_proxy_grant(id, by, now)
    })
    .await?;
    state.hub.notify();
    Ok(Json(grant))
}
