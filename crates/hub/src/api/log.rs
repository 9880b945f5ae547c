//! The transparency log under `/v1/log/…`: the public key, the latest signed checkpoint, inclusion and
//! consistency proofs, the leaves (for auditors who recompute the tree) and the opened final tallies.
//! Each community has its own log (see [`LogCommunity`] for which one a request means). No token needed: leaves hold only salted commitments, so the log reveals no personal data, and an
//! auditor needs nothing but the URL and the public key.
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use linli_proto::{
    limits, ConsistencyProof, ErrorBody, ErrorCode, InclusionProof, InclusionProofs,
    InclusionsRequest, LeavesProof, LeavesProofRequest, LogLeaf, LogLeaves, LogReceipt,
    LOG_LEAVES_PAGE_MAX,
};
use linli_tlog::{proof_to_base64, Leaf};
use serde::Deserialize;

use super::log_scope::LogCommunity;
use super::{blocking, json_body, AppState};
use crate::error::ApiError;

const TEXT: [(header::HeaderName, &str); 1] = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];

/// The hub's log key: C2SP signed-note verifier key text (`<name>+<key id>+<base64 key>`).
#[utoipa::path(get, path = "/v1/log/key",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn key(State(state): State<AppState>) -> impl IntoResponse {
    (TEXT, state.hub.log_key() + "\n")
}

/// Every rotation of the log key, oldest first: each a signed note by the key before it naming the
/// next (`linli-log-key-rotation/v1`, `new <key>`, `at <time>`). A device that pinned an older key
/// follows these, and only these, to the key that signs checkpoints now.
#[utoipa::path(get, path = "/v1/log/key-rotations",
    responses((status = 200, body = Vec<String>)))]
pub async fn key_rotations(State(state): State<AppState>) -> Json<Vec<String>> {
    Json(state.hub.log_key_rotations().to_vec())
}

/// Every restore of the community's log from a backup, oldest first: each a signed note by the log key
/// (`linli-log-restore/v1`, `incarnation <id>`, `at <time>`, then the checkpoint restored to). A device
/// that pinned a later checkpoint accepts the shorter log only through the statement of the hub's
/// current incarnation, and tells its resident what is gone.
#[utoipa::path(get, path = "/v1/log/restores",
    responses((status = 200, body = Vec<String>)))]
pub async fn restores(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(
        blocking(&state.hub, move |s| s.log_restores(log)).await?,
    ))
}

/// The witnesses of the community's log and the quorum, as devices pin them (one C2SP cosignature/v1
/// key per line, then `quorum <k>`); 404 while it has none. A device that pinned other witnesses
/// adopts these only when a notice it holds names their fingerprint.
#[utoipa::path(get, path = "/v1/log/witnesses",
    responses((status = 200, content_type = "text/plain", body = String),
        (status = 404, description = "the community has no witness", body = ErrorBody)))]
pub async fn witnesses(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
) -> Result<impl IntoResponse, ApiError> {
    let hub = state.hub.clone();
    let policy =
        match tokio::task::spawn_blocking(move || crate::admin::witnesses::policy(&hub, log)).await
        {
            Ok(r) => r?,
            Err(_) => return Err(ApiError(ErrorCode::Internal)),
        };
    Ok((TEXT, policy.ok_or(ApiError(ErrorCode::NotFound))?.to_text()))
}

/// The latest checkpoint of the community's log: a C2SP `tlog-checkpoint` signed note (origin, size,
/// base64 root, blank line, the hub's signature and the cosignatures of the witnesses collected so
/// far for this size).
#[utoipa::path(get, path = "/v1/log/checkpoint",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn checkpoint(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
) -> Result<impl IntoResponse, ApiError> {
    let hub = state.hub.clone();
    let note =
        match crate::api::request_id::spawn_blocking_in_span(move || hub.witnessed_checkpoint(log))
            .await
        {
            Ok(r) => r?,
            Err(_) => return Err(ApiError(ErrorCode::Internal)),
        };
    Ok((TEXT, note))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InclusionQuery {
    /// The leaf's index.
    pub index: u64,
    /// Tree size of the checkpoint to prove against.
    pub size: u64,
}

/// Inclusion proof of one leaf in the tree of `size` leaves.
#[utoipa::path(get, path = "/v1/log/inclusion", params(InclusionQuery),
    responses((status = 200, body = InclusionProof), (status = 400, body = ErrorBody),
        (status = 404, description = "size beyond the log", body = ErrorBody)))]
pub async fn inclusion(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
    query: Result<Query<InclusionQuery>, QueryRejection>,
) -> Result<Json<InclusionProof>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let (index, size) = (q.index, q.size);
    let proof = blocking(&state.hub, move |s| s.log_inclusion(log, size, index)).await?;
    Ok(Json(InclusionProof {
        index,
        size,
        proof: proof_to_base64(&proof),
    }))
}

/// Inclusion proofs of several leaves in the tree of `size` leaves, in the order asked: a device checks
/// every receipt of a sync in one round trip.
#[utoipa::path(post, path = "/v1/log/inclusions", request_body = InclusionsRequest,
    responses((status = 200, body = InclusionProofs), (status = 400, body = ErrorBody),
        (status = 404, description = "size beyond the log", body = ErrorBody),
        (status = 413, description = "more indices than allowed", body = ErrorBody)))]
pub async fn inclusions(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
    body: Result<Json<InclusionsRequest>, JsonRejection>,
) -> Result<Json<InclusionProofs>, ApiError> {
    let req = json_body(body)?;
    if req.indices.len() > limits::INCLUSIONS_MAX {
        return Err(ApiError(ErrorCode::PayloadTooLarge));
    }
    let size = req.size;
    let indices = req.indices.clone();
    let proofs = blocking(&state.hub, move |s| s.log_inclusions(log, size, &indices)).await?;
    Ok(Json(InclusionProofs {
        proofs: req
            .indices
            .into_iter()
            .zip(proofs)
            .map(|(index, proof)| InclusionProof {
                index,
                size,
                proof: proof_to_base64(&proof),
            })
            .collect(),
    }))
}

/// One proof that several leaves (strictly increasing indices) are in the tree of `size` leaves: the
/// root of every subtree holding none of them, depth first, left to right. A device checks a sync's
/// receipts with it; the votes of one push are neighbours, so it is a few dozen hashes for hundreds.
#[utoipa::path(post, path = "/v1/log/leaves-proof", request_body = LeavesProofRequest,
    responses((status = 200, body = LeavesProof),
        (status = 400, description = "indices not increasing, empty or beyond the tree", body = ErrorBody),
        (status = 404, description = "size beyond the log", body = ErrorBody),
        (status = 413, description = "more indices than allowed", body = ErrorBody)))]
pub async fn leaves_proof(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
    body: Result<Json<LeavesProofRequest>, JsonRejection>,
) -> Result<Json<LeavesProof>, ApiError> {
    let req = json_body(body)?;
    if req.indices.len() > limits::INCLUSIONS_MAX {
        return Err(ApiError(ErrorCode::PayloadTooLarge));
    }
    let size = req.size;
    let proof = blocking(&state.hub, move |s| {
        s.log_leaves_proof(log, size, &req.indices)
    })
    .await?;
    Ok(Json(LeavesProof {
        size,
        proof: proof_to_base64(&proof),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ConsistencyQuery {
    /// Size of the older tree (the device's last checkpoint).
    pub old: u64,
    /// Size of the newer tree.
    pub new: u64,
}

/// Consistency proof that the tree of `old` leaves is a prefix of the tree of `new` leaves.
#[utoipa::path(get, path = "/v1/log/consistency", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 400, body = ErrorBody),
        (status = 404, description = "size beyond the log", body = ErrorBody)))]
pub async fn consistency(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
    query: Result<Query<ConsistencyQuery>, QueryRejection>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let (old, new) = (q.old, q.new);
    let proof = blocking(&state.hub, move |s| s.log_consistency(log, old, new)).await?;
    Ok(Json(ConsistencyProof {
        old,
        new,
        proof: proof_to_base64(&proof),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LeavesQuery {
    /// First leaf index.
    pub start: u64,
    /// One past the last; at most 1000 leaves per request.
    pub end: u64,
}

/// Leaves `start..end` in their JSON form.
#[utoipa::path(get, path = "/v1/log/leaves", params(LeavesQuery),
    responses((status = 200, body = LogLeaves), (status = 400, body = ErrorBody)))]
pub async fn leaves(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
    query: Result<Query<LeavesQuery>, QueryRejection>,
) -> Result<Json<LogLeaves>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    if q.end < q.start {
        return Err(ApiError(ErrorCode::BadRequest));
    }
    let start = q.start;
    let end = q.end.min(start.saturating_add(LOG_LEAVES_PAGE_MAX));
    let (size, raw) = blocking(&state.hub, move |s| s.log_leaves(log, start, end)).await?;
    let mut leaves = Vec::with_capacity(raw.len());
    for bytes in raw {
        // A stored leaf that does not parse is a broken database: say so rather than hide it.
        let leaf = Leaf::from_bytes(&bytes).map_err(|e| {
            tracing::error!(error = %e, "unreadable log leaf");
            ApiError(ErrorCode::Internal)
        })?;
        let json = serde_json::to_value(leaf).map_err(|_| ApiError(ErrorCode::Internal))?;
        leaves.push(
            serde_json::from_value::<LogLeaf>(json).map_err(|_| ApiError(ErrorCode::Internal))?,
        );
    }
    Ok(Json(LogLeaves {
        start,
        size,
        leaves,
    }))
}

/// Every consultation's final tally, opened (salt and record), oldest first. Tallies are results,
/// not ballots: what each counted is a list of ballot leaf indexes.
#[utoipa::path(get, path = "/v1/log/tallies",
    responses((status = 200, body = Vec<LogReceipt>)))]
pub async fn tallies(
    State(state): State<AppState>,
    LogCommunity(log): LogCommunity,
) -> Result<Json<Vec<LogReceipt>>, ApiError> {
    Ok(Json(
        blocking(&state.hub, move |s| s.log_tallies(log)).await?,
    ))
}
