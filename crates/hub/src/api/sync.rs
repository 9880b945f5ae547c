//! Pull (the change feed from a cursor) and push (a batch of device ops, exactly once, in order).
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::Json;
use linli_proto::{
    limits, ErrorBody, ErrorCode, Op, OpResult, OpStatus, PullPage, PushRequest, PushResponse,
};
use serde::Deserialize;

use super::auth::{self, Caller, TokenHash};
use super::incarnation::SameIncarnation;
use super::lang::RequestLang;
use super::{blocking, json_bytes, AppState};
use crate::error::ApiError;
use crate::store::{OpOutcome, StoreError};

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
            body = ErrorBody),
        (status = 409, description = "`hub_restored`: the `Linli-Incarnation` header names the database before a restore",
            body = ErrorBody)))]
pub async fn pull(
    State(state): State<AppState>,
    _same: SameIncarnation,
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
    let page = blocking(&state.hub, move |s| {
        let page = match q.for_principal {
            None => s.pull(&viewer, cursor, limit, now),
            Some(principal) => s.pull_for(&viewer, principal, cursor, limit, now),
        }?;
        // A cursor beyond the whole change log came from a database this one is older than: a data
        // directory put back without `admin restore` (which would have changed the incarnation).
        if page.changes.is_empty() && cursor > 0 && cursor > s.last_seq()? {
            return Err(ErrorCode::HubRestored.into());
        }
        Ok(page)
    })
    .await?;
    state.hub.metrics().pulled(page.changes.len());
    Ok(Json(PullPage {
        changes: page.changes,
        next_cursor: page.next_cursor,
        has_more: page.has_more,
        server_time: now,
        incarnation: Some(state.hub.incarnation().to_owned()),
    }))
}

/// Apply a batch of ops. Each answers `applied`, `rejected` (code + message) or `deferred`
/// (`sequence_gap`); results come in request order.
#[utoipa::path(post, path = "/v1/push", security(("bearer" = [])), request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody,
            description = "`hub_restored`: the hub was restored since the device last pulled; nothing was applied"),
        (status = 413, body = ErrorBody),
        (status = 507, body = ErrorBody, description = "`storage_full`: nothing was kept; retry later")))]
pub async fn push(
    State(state): State<AppState>,
    _same: SameIncarnation,
    TokenHash(token): TokenHash,
    RequestLang(lang): RequestLang,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let now = state.hub.now();
    let hub = state.hub.clone();
    // The token is looked up in the same blocking call as the push (one thread hop per request, not
    // two), and before the body is judged, so an unknown device learns nothing about its body.
    let outcomes = blocking(&state.hub, move |s| {
        let viewer = auth::viewer(s, &token, now)?;
        let req: PushRequest =
            json_bytes(body).map_err(|ApiError(code)| StoreError::Refused(code))?;
        if req.ops.len() > limits::PUSH_BATCH_MAX {
            return Err(ErrorCode::PayloadTooLarge.into());
        }
        let ids: Vec<_> = req.ops.iter().map(|op| op.id).collect();
        let mut order: Vec<usize> = (0..req.ops.len()).collect();
        order.sort_by_key(|i| req.ops[*i].device_seq);
        let mut slots: Vec<Option<Op>> = req.ops.into_iter().map(Some).collect();
        let in_order: Vec<Op> = order.iter().filter_map(|i| slots[*i].take()).collect();
        let kinds: Vec<&'static str> = in_order.iter().map(|op| op.body.kind()).collect();
        let applied = s.push_ops(&viewer, in_order, now)?;
        for (kind, o) in kinds.iter().zip(&applied) {
            let outcome = match o.status {
                OpStatus::Applied => "applied",
                OpStatus::Rejected => "rejected",
                OpStatus::Deferred => "deferred",
            };
            hub.metrics().op_pushed(kind, outcome);
        }
        if applied.iter().any(|o| o.status == OpStatus::Applied) {
            match s.pushed_head() {
                Some(head) => hub.notify_head(head),
                // Reads the head of the change log: on this blocking thread, not the async one.
                None => hub.notify(),
            }
        }
        // The device keeps a receipt for what the log recorded (its vote, its report's change).
        let logged: Vec<u64> = applied.iter().filter_map(|o| o.log_index).collect();
        let mut receipts = s.log_receipts(viewer.community_id, &logged)?.into_iter();
        let mut outcomes = vec![None; ids.len()];
        for (i, o) in order.into_iter().zip(applied) {
            let receipt = o.log_index.and_then(|_| receipts.next().flatten());
            outcomes[i] = Some((ids[i], o, receipt));
        }
        Ok(outcomes)
    })
    .await?;
    let results = outcomes
        .into_iter()
        .flatten()
        .map(|(op_id, o, receipt)| op_result(op_id, &o, receipt, lang))
        .collect();
    Ok(Json(PushResponse { results }))
}

/// The answer for one pushed op; a refusal carries its message in the caller's language.
pub(super) fn op_result(
    op_id: uuid::Uuid,
    o: &OpOutcome,
    receipt: Option<linli_proto::LogReceipt>,
    lang: linli_i18n::Lang,
) -> OpResult {
    OpResult {
        op_id,
        status: o.status,
        code: o.code,
        message: match (o.status, o.code) {
            (OpStatus::Rejected, Some(code)) => Some(linli_i18n::error_message(lang, code)),
            _ => None,
        },
        version: o.version,
        receipt,
    }
}
