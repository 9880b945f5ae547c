//! Joining with an invitation code, and `GET /v1/me`.
use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::Json;
use linli_proto::{ErrorBody, ErrorCode, JoinRequest, JoinResponse, Me};

use super::auth::Caller;
use super::{blocking, json_body, AppState};
use crate::domain::{invite_code, token};
use crate::error::ApiError;

/// Redeem a one-time invitation code; the answer carries the device token (shown once).
#[utoipa::path(post, path = "/v1/join", request_body = JoinRequest,
    responses((status = 200, body = JoinResponse),
        (status = 404, description = "invite_invalid", body = ErrorBody),
        (status = 409, description = "invite_used / invite_expired", body = ErrorBody),
        (status = 422, description = "privacy_consent_required", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody)))]
pub async fn join(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<Json<JoinResponse>, ApiError> {
    let req = json_body(body)?;
    let ip = peer.ip();
    let failures = state.hub.join_failures();
    let hub_wide = state.hub.join_failures_hub_wide();
    if failures.is_limited(ip) || !hub_wide.has_room(&()) {
        return Err(ApiError(ErrorCode::RateLimited));
    }
    // The resident must have agreed to the current privacy notice on the device; the version is kept.
    let privacy_version = match req.privacy_version {
        Some(v) if v >= linli_proto::PRIVACY_NOTICE_VERSION => v,
        _ => return Err(ApiError(ErrorCode::PrivacyConsentRequired)),
    };
    let failed = || {
        failures.record_failure(ip);
        let _ = hub_wide.take(&());
    };
    let Some(code) = invite_code::normalize(&req.code) else {
        failed();
        return Err(ApiError(ErrorCode::InviteInvalid));
    };
    let device_name = req.device_name.map(|n| {
        n.chars()
            .take(linli_proto::limits::TITLE_MAX)
            .collect::<String>()
    });
    let token = token::generate();
    let hash = token::hash(&token);
    let now = state.hub.now();
    let joined = blocking(&state.hub, move |s| {
        s.redeem_invite(&code, device_name.as_deref(), &hash, privacy_version, now)
    })
    .await;
    match joined {
        Ok(j) => {
            state.hub.notify();
            let hub = state.hub.clone();
            let community = j.community.id;
            let pinned = crate::api::request_id::spawn_blocking_in_span(move || {
                Ok::<_, crate::error::HubError>((
                    hub.log_origin(community)?,
                    crate::admin::witnesses::policy(&hub, community)?,
                ))
            });
            let (log_origin, policy) = match pinned.await {
                Ok(r) => r?,
                Err(_) => return Err(ApiError(ErrorCode::Internal)),
            };
            Ok(Json(JoinResponse {
                resident_id: j.resident_id,
                device_id: j.device_id,
                token,
                community: j.community,
                household: j.household,
                log_key: Some(state.hub.log_key()),
                log_origin: Some(log_origin),
                witness_policy: policy.map(|p| p.to_text()),
            }))
        }
        Err(e) => {
            if matches!(
                e.0,
                ErrorCode::InviteInvalid | ErrorCode::InviteUsed | ErrorCode::InviteExpired
            ) {
                failed();
            }
            Err(e)
        }
    }
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/v1/me", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    Caller(viewer): Caller,
) -> Result<Json<Me>, ApiError> {
    let v = viewer.clone();
    let (community, household) = blocking(&state.hub, move |s| s.me(&v)).await?;
    Ok(Json(Me {
        resident_id: viewer.resident_id,
        device_id: viewer.device_id,
        community,
        household,
    }))
}
