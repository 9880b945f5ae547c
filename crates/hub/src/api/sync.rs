//! Pull (the change feed from a cursor) and push (a batch of device ops, exactly once, in order).
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::Json;
use linli_proto::{
    limits, ErrorBody, ErrorCode, OpResult, OpStatus, PullPage, PushRequest, PushResponse,
};
use serde::Deserialize;

use super::auth::Caller;
use super::lang::RequestLang;
use super::{blocking, json_body, AppState};
use crate::error::ApiError;

/// Page size when the device doesn't ask for one.
pub const PULL_PAGE_DEFAULT: u32 = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PullQuery {
    /// `next_cursor` of the previous page; 0 (default) for everything.
    pub cursor: Option<i64>,
    /// Changes per page, at most 1000.
    pub limit: Option<u32>,
    /// A proxy reads the feed of the resident it acts for (亲友代办): that resident's id. The grant must
    /// be active; only what its scopes cover is returned. Keep a separate cursor per principal.
    #[serde(rename = "for")]
    #[param(rename = "for")]
    pub for_principal: Option<uuid::Uuid>,
}

/// Every change visible to the caller after `cursor`, oldest first, each the record's current state.
#[utoipa::path(get, path = "/v1/pull", security(("bearer" = [])), params(PullQuery),
    responses((status = 200, body = PullPage), (status = 401, body = ErrorBody),
        (status = 403, description = "proxy_not_granted / proxy_grant_revoked / proxy_grant_given_up / proxy_grant_expired",
            body = ErrorBody)))]
pub async fn pull(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let cursor = q.cursor.unwrap_or(0).max(0);
    let limit = q
        .limit
        .unwrap_or(PULL_PAGE_DEFAULT)
        .clamp(1, limits::PULL_PAGE_MAX);
    let now = state.hub.now();
    let page = blocking(&state.hub, move |s| match q.for_principal {
        None => s.pull(&viewer, cursor, limit, now),
        Some(principal) => s.pull_for(&viewer, principal, cursor, limit, now),
    })
    .await?;
    Ok(Json(PullPage {
        changes: page.changes,
        next_cursor: page.next_cursor,
        has_more: page.has_more,
        server_time: now,
    }))
}

/// Apply a batch of ops. Each answers `applied`, `rejected` (code + message) or `deferred`
/// (`sequence_gap`); results come in request order.
#[utoipa::path(post, path = "/v1/push", security(("bearer" = [])), request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub async fn push(
    State(state): State<AppState>,
    Caller(viewer): Caller,
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
            outcomes[i] = Some((req.ops[i].id, s.push_op(&viewer, &req.ops[i], now)?));
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
            OpResult {
                op_id,
                status: o.status,
                code: o.code,
                message: match (o.status, o.code) {
                    (OpStatus::Rejected, Some(code)) => Some(linli_i18n::error_message(lang, code)),
                    _ => None,
                },
                version: o.version,
            }
        })
        .collect();
    if any_applied {
        state.hub.notify();
    }
    Ok(Json(PushResponse { results }))
}
