//! The staff API's notices (通知公告), door-knock list (敲门名单) and consultations: translation of
//! HTTP to `admin::notice_desk`, where every rule lives.
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, LogReceipt, ResultsVisibility, VoteScope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::staff::{admin_call, StaffCaller};
use super::{json_body, AppState};
use crate::admin;
use crate::admin::notice_desk::{KnockList, NoticeDraft, StaffConsultation};
use crate::error::ApiError;
use crate::store::notice_desk::{DoorKnock, KnockOutcome, NoticeDesk};
use crate::store::NewConsultation;

/// The community's notices with read counts per building (a grid worker: their grid's buildings).
#[utoipa::path(get, path = "/v1/staff/notices", tag = "staff",
    responses((status = 200, description = "The community's buildings and its notices, newest first"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<NoticeDesk>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::notice_desk::list(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    /// One notice per community reached (several for a street-wide notice).
    pub ids: Vec<Uuid>,
}

/// Publishes a notice: the head to the community or some of its buildings, street staff to every
/// community of the street (`street_wide`).
#[utoipa::path(post, path = "/v1/staff/notices", tag = "staff", request_body = NoticeDraft,
    responses((status = 200, description = "Published", body = Published),
        (status = 400, description = "field_required / field_too_long / bad_request (422 unknown_address)",
            body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    caller: StaffCaller,
    body: Result<Json<NoticeDraft>, JsonRejection>,
) -> Result<Json<Published>, ApiError> {
    let d = json_body(body)?;
    let ids = admin_call(&state.hub, move |hub| {
        admin::notice_desk::publish(hub, &caller.staff, &d)
    })
    .await?;
    Ok(Json(Published { ids }))
}

/// Retracts a notice; residents' devices drop it.
#[utoipa::path(post, path = "/v1/staff/notices/{id}/retract", tag = "staff",
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 204, description = "Retracted"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "notice_not_found", body = linli_proto::ErrorBody)))]
pub async fn retract(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<axum::http::StatusCode, ApiError> {
    admin_call(&state.hub, move |hub| {
        admin::notice_desk::retract(hub, &caller.staff, id)
    })
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct KnockParams {
    /// Hours after publication (1–168).
    pub hours: i64,
}

/// The door-knock list: households that have not read the urgent notice `hours` after it was
/// published, 关怀户 and households without an active device first. Logged.
#[utoipa::path(get, path = "/v1/staff/notices/{id}/door-knock", tag = "staff",
    params(("id" = Uuid, Path, description = "Notice id"), KnockParams),
    responses((status = 200, description = "The list", body = KnockList),
        (status = 400, description = "bad_request: not urgent, or hours out of range", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody),
        (status = 404, description = "notice_not_found", body = linli_proto::ErrorBody)))]
pub async fn door_knock(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    query: Result<Query<KnockParams>, QueryRejection>,
) -> Result<Json<KnockList>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let list = admin_call(&state.hub, move |hub| {
        admin::notice_desk::door_knock_list(hub, &caller.staff, id, q.hours)
    })
    .await?;
    Ok(Json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct KnockRequest {
    pub household_id: Uuid,
    pub outcome: KnockOutcome,
    #[serde(default)]
    pub note: String,
}

/// Records what a call or visit came to.
#[utoipa::path(post, path = "/v1/staff/notices/{id}/door-knock", tag = "staff",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = KnockRequest,
    responses((status = 200, description = "Recorded", body = DoorKnock),
        (status = 400, description = "field_too_long / bad_request", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "notice_not_found", body = linli_proto::ErrorBody),
        (status = 422, description = "unknown_address: not a household of the notice's audience in reach", body = linli_proto::ErrorBody)))]
pub async fn record_knock(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<KnockRequest>, JsonRejection>,
) -> Result<Json<DoorKnock>, ApiError> {
    let r = json_body(body)?;
    let k = admin_call(&state.hub, move |hub| {
        admin::notice_desk::record_knock(hub, &caller.staff, id, r.household_id, r.outcome, &r.note)
    })
    .await?;
    Ok(Json(k))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CareRequest {
    pub care: bool,
}

/// Marks a household as one the office looks after (关怀户): first on every door-knock list.
#[utoipa::path(put, path = "/v1/staff/care-households/{id}", tag = "staff",
    params(("id" = Uuid, Path, description = "Household id")), request_body = CareRequest,
    responses((status = 204, description = "Set"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 422, description = "unknown_address", body = linli_proto::ErrorBody)))]
pub async fn set_care(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<CareRequest>, JsonRejection>,
) -> Result<axum::http::StatusCode, ApiError> {
    let r = json_body(body)?;
    admin_call(&state.hub, move |hub| {
        admin::notice_desk::set_care(hub, &caller.staff, id, r.care)
    })
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The community's consultations with tallies, turnout per building and relatives' share.
#[utoipa::path(get, path = "/v1/staff/consultations", tag = "staff",
    responses((status = 200, description = "Consultations, newest first"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn consultations(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<StaffConsultation>>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::notice_desk::consultations(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsultationDraft {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub options: Vec<String>,
    pub max_choices: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub vote_scope: VoteScope,
    pub results_visibility: ResultsVisibility,
    /// Eligible building names; empty: the whole community.
    #[serde(default)]
    pub buildings: Vec<String>,
}

/// Creates and schedules a consultation, by the CLI's rules.
#[utoipa::path(post, path = "/v1/staff/consultations", tag = "staff", request_body = ConsultationDraft,
    responses((status = 200, description = "Created"),
        (status = 400, description = "invalid_choice / field_too_long / bad_request (422 unknown_address)",
            body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody)))]
pub async fn create_consultation(
    State(state): State<AppState>,
    caller: StaffCaller,
    body: Result<Json<ConsultationDraft>, JsonRejection>,
) -> Result<Json<StaffConsultation>, ApiError> {
    let d = json_body(body)?;
    let c = NewConsultation {
        title: d.title.trim().to_owned(),
        description: d.description,
        options: d.options.iter().map(|o| o.trim().to_owned()).collect(),
        max_choices: d.max_choices,
        opens_at: d.opens_at,
        closes_at: d.closes_at,
        vote_scope: d.vote_scope,
        results_visibility: d.results_visibility,
        buildings: d.buildings,
    };
    let r = admin_call(&state.hub, move |hub| {
        admin::notice_desk::create_consultation(hub, &caller.staff, &c)
    })
    .await?;
    Ok(Json(r))
}

/// Closes a consultation now; later ballots are refused.
#[utoipa::path(post, path = "/v1/staff/consultations/{id}/close", tag = "staff",
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses((status = 200, description = "Closed, with the final tally"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "consultation_not_found", body = linli_proto::ErrorBody)))]
pub async fn close_consultation(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<StaffConsultation>, ApiError> {
    let r = admin_call(&state.hub, move |hub| {
        admin::notice_desk::close_consultation(hub, &caller.staff, id)
    })
    .await?;
    Ok(Json(r))
}

/// The openings of every vote leaf for the auditor the office appoints (`linli-hub verify
/// --openings FILE` recounts every tally): they show how each ballot voted; head only, logged.
#[utoipa::path(get, path = "/v1/staff/consultations/openings", tag = "staff",
    responses((status = 200, description = "Openings, oldest first", body = Vec<LogReceipt>),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn openings(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<LogReceipt>>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::notice_desk::vote_openings(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}
