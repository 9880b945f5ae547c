//! Relatives from another community (亲友代办 across communities): they have no account on this hub, so
//! they redeem the principal's code for a **visitor** credential that works only on these routes — pull a
//! principal's feed, push ops for a principal, list and give up their grants — each checked against the
//! grant exactly like a resident proxy's. Residents' own routes answer 401 to a visitor token.
use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::Json;
use linli_proto::{
    limits, ErrorBody, ErrorCode, GrantParty, OpStatus, ProxyGrant, ProxyGrantList,
    ProxyVisitorAccepted, ProxyVisitorRequest, PullPage, PushRequest, PushResponse,
};
use serde::Deserialize;
use uuid::Uuid;

use super::lang::RequestLang;
use super::sync::{op_result, PULL_PAGE_DEFAULT};
use super::{blocking, json_body, AppState};
use crate::domain::{proxy_rules, token};
use crate::error::ApiError;
use crate::store::Viewer;

/// A visitor token in `Authorization: Bearer …`; anything else answers 401.
pub struct VisitorCaller(pub Viewer);

impl FromRequestParts<AppState> for VisitorCaller {
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
        let visitor = blocking(&state.hub, move |s| s.authenticate_visitor(&hash)).await?;
        visitor
            .map(VisitorCaller)
            .ok_or(ApiError(ErrorCode::Unauthorized))
    }
}

/// Redeem a principal's code as a relative from another community: answers the grant and a visitor token
/// (shown once). Wrong codes count towards the same per-address brake as invitation codes.
#[utoipa::path(post, path = "/v1/proxy/visitors", request_body = ProxyVisitorRequest,
    responses((status = 200, body = ProxyVisitorAccepted),
        (status = 404, description = "proxy_code_invalid", body = ErrorBody),
        (status = 409, description = "proxy_code_used / proxy_code_expired / proxy_too_many_proxies",
            body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<ProxyVisitorRequest>, JsonRejection>,
) -> Result<Json<ProxyVisitorAccepted>, ApiError> {
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
    let code_hash = proxy_rules::hash_code(&code);
    let token = token::generate();
    let token_hash = token::hash(&token);
    let now = state.hub.now();
    let result = blocking(&state.hub, move |s| {
        s.accept_proxy_code_as_visitor(
            &code_hash,
            &token_hash,
            req.proxy_name.as_deref(),
            req.home.as_deref(),
            now,
        )
    })
    .await;
    match result {
        Ok((grant, visitor_id)) => {
            state.hub.notify();
            Ok(Json(ProxyVisitorAccepted {
                grant,
                visitor_id,
                token,
            }))
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VisitorPullQuery {
    /// The principal whose feed to read.
    #[serde(rename = "for")]
    #[param(rename = "for")]
    pub for_principal: Uuid,
    pub cursor: Option<i64>,
    pub limit: Option<u32>,
}

/// The principal's feed as the grant lets the visitor see it (as `GET /v1/pull?for=` for residents).
#[utoipa::path(get, path = "/v1/proxy/visitor/pull", security(("bearer" = [])),
    params(VisitorPullQuery),
    responses((status = 200, body = PullPage), (status = 401, body = ErrorBody),
        (status = 403, description = "proxy_not_granted / proxy_grant_*", body = ErrorBody)))]
pub async fn pull(
    State(state): State<AppState>,
    VisitorCaller(visitor): VisitorCaller,
    query: Result<Query<VisitorPullQuery>, QueryRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let cursor = q.cursor.unwrap_or(0).max(0);
    let limit = q
        .limit
        .unwrap_or(PULL_PAGE_DEFAULT)
        .clamp(1, limits::PULL_PAGE_MAX);
    let now = state.hub.now();
    let page = blocking(&state.hub, move |s| {
        s.pull_for(&visitor, q.for_principal, cursor, limit, now)
    })
    .await?;
    Ok(Json(PullPage {
        changes: page.changes,
        next_cursor: page.next_cursor,
        has_more: page.has_more,
        server_time: now,
        // A visitor's ops for a principal wait in their own outbox; restores are announced to the
        // principal's own devices.
        incarnation: None,
    }))
}

/// Ops for principals, numbered by the visitor 1, 2, 3, … and applied exactly once in order, as
/// `POST /v1/push`. Every op needs `on_behalf_of` (else `forbidden`) and is checked against the grant.
#[utoipa::path(post, path = "/v1/proxy/visitor/push", security(("bearer" = [])),
    request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub async fn push(
    State(state): State<AppState>,
    VisitorCaller(visitor): VisitorCaller,
    RequestLang(lang): RequestLang,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let req = json_body(body)?;
    if req.ops.len() > limits::PUSH_BATCH_MAX {
        return Err(ApiError(ErrorCode::PayloadTooLarge));
    }
    let now = state.hub.now();
    let outcomes = blocking(&state.hub, move |s| {
        let mut order: Vec<usize> = (0..req.ops.len()).collect();
        order.sort_by_key(|i| req.ops[*i].device_seq);
        let mut outcomes = vec![None; req.ops.len()];
        for i in order {
            outcomes[i] = Some((
                req.ops[i].id,
                s.push_visitor_op(&visitor, &req.ops[i], now)?,
            ));
        }
        Ok(outcomes)
    })
    .await?;
    let mut any_applied = false;
    let results = outcomes
        .into_iter()
        .flatten()
        .map(|(op_id, o)| {
            any_applied |= o.status == OpStatus::Applied;
            // Receipts go to the record's owner's devices; a visitor's device has no log to check.
            op_result(op_id, &o, None, lang)
        })
        .collect();
    if any_applied {
        state.hub.notify();
    }
    Ok(Json(PushResponse { results }))
}

/// The visitor's grants, newest first.
#[utoipa::path(get, path = "/v1/proxy/visitor/grants", security(("bearer" = [])),
    responses((status = 200, body = ProxyGrantList), (status = 401, body = ErrorBody)))]
pub async fn grants(
    State(state): State<AppState>,
    VisitorCaller(visitor): VisitorCaller,
) -> Result<Json<ProxyGrantList>, ApiError> {
    let now = state.hub.now();
    let grants = blocking(&state.hub, move |s| {
        s.proxy_grants_of(visitor.resident_id, now)
    })
    .await?;
    Ok(Json(ProxyGrantList { grants }))
}

/// The visitor gives a grant up.
#[utoipa::path(post, path = "/v1/proxy/visitor/grants/{id}/give-up", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The grant")),
    responses((status = 200, body = ProxyGrant), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn give_up(
    State(state): State<AppState>,
    VisitorCaller(visitor): VisitorCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<ProxyGrant>, ApiError> {
    let Path(id) = id.map_err(|_| ApiError(ErrorCode::NotFound))?;
    let now = state.hub.now();
    let grant = blocking(&state.hub, move |s| {
        match s.proxy_grant(id, now)? {
            Some(g) if g.proxy == visitor.resident_id => {}
            _ => return Err(ErrorCode::NotFound.into()),
        }
        s.end_proxy_grant(id, GrantParty::Proxy, now)
    })
    .await?;
    state.hub.notify();
    Ok(Json(grant))
}
