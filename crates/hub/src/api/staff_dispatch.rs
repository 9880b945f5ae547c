//! The staff API's dispatch (派单) routes and internal notes: translation of HTTP to the functions in
//! `admin::dispatch`, which `linli-hub admin report dispatch|sign|return|note` call too.
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use linli_proto::Report;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::staff::{admin_call, StaffCaller};
use super::{json_body, AppState};
use crate::admin;
use crate::error::ApiError;
use crate::store::dispatch::{ReportNote, StaffName};
use crate::store::AccessEntry;

#[derive(Debug, Deserialize, ToSchema)]
pub struct DispatchRequest {
    /// A grid worker or handling unit of the report's community.
    pub assignee: Uuid,
    /// The promised date; by default the category's time limit in working days from now.
    pub deadline: Option<DateTime<Utc>>,
}

/// Dispatches (or reassigns) a report to a grid worker or a handling unit.
#[utoipa::path(post, path = "/v1/staff/reports/{id}/dispatch", tag = "staff",
    params(("id" = Uuid, Path, description = "Report id")), request_body = DispatchRequest,
    responses((status = 200, description = "The report as its resident now sees it", body = Report),
        (status = 400, description = "assignee_invalid", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "report_not_found", body = linli_proto::ErrorBody),
        (status = 409, description = "invalid_transition", body = linli_proto::ErrorBody)))]
pub async fn dispatch(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<DispatchRequest>, JsonRejection>,
) -> Result<Json<Report>, ApiError> {
    let req = json_body(body)?;
    let r = admin_call(&state.hub, move |hub| {
        admin::dispatch::dispatch(hub, &caller.staff, id, req.assignee, req.deadline)
    })
    .await?;
    Ok(Json(r))
}

/// 签收: the assignee signs for the report.
#[utoipa::path(post, path = "/v1/staff/reports/{id}/sign", tag = "staff",
    params(("id" = Uuid, Path, description = "Report id")),
    responses((status = 200, description = "Signed for", body = Report),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden (not the assignee) or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "report_not_found", body = linli_proto::ErrorBody),
        (status = 409, description = "invalid_transition", body = linli_proto::ErrorBody)))]
pub async fn sign(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<Report>, ApiError> {
    let r = admin_call(&state.hub, move |hub| {
        admin::dispatch::sign(hub, &caller.staff, id)
    })
    .await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnRequest {
    pub reason: String,
}

/// 退回: the assignee sends the report back with a reason.
#[utoipa::path(post, path = "/v1/staff/reports/{id}/return", tag = "staff",
    params(("id" = Uuid, Path, description = "Report id")), request_body = ReturnRequest,
    responses((status = 200, description = "Sent back", body = Report),
        (status = 400, description = "reason_required", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden (not the assignee) or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "report_not_found", body = linli_proto::ErrorBody)))]
pub async fn send_back(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<ReturnRequest>, JsonRejection>,
) -> Result<Json<Report>, ApiError> {
    let req = json_body(body)?;
    let r = admin_call(&state.hub, move |hub| {
        admin::dispatch::send_back(hub, &caller.staff, id, &req.reason)
    })
    .await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteRequest {
    pub text: String,
}

/// An internal note: staff only, never sent to a resident's device.
#[utoipa::path(post, path = "/v1/staff/reports/{id}/notes", tag = "staff",
    params(("id" = Uuid, Path, description = "Report id")), request_body = NoteRequest,
    responses((status = 200, description = "The note"),
        (status = 400, description = "field_required", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "report_not_found", body = linli_proto::ErrorBody)))]
pub async fn note(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<NoteRequest>, JsonRejection>,
) -> Result<Json<ReportNote>, ApiError> {
    let req = json_body(body)?;
    let n = admin_call(&state.hub, move |hub| {
        admin::dispatch::note(hub, &caller.staff, id, &req.text)
    })
    .await?;
    Ok(Json(n))
}

/// The community's access log, for its data officer only.
#[utoipa::path(get, path = "/v1/staff/access-log", tag = "staff",
    responses((status = 200, description = "The access log, oldest first"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn access_log(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<AccessEntry>>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::staff::access_log(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}

/// The grid workers and handling units of the staff member's community: who a report may be
/// dispatched to.
#[utoipa::path(get, path = "/v1/staff/assignees", tag = "staff",
    responses((status = 200, description = "Who may take a dispatch"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody)))]
pub async fn assignees(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<StaffName>>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::dispatch::assignees(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}
