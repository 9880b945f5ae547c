//! The staff API's routes for 超期督办 (the heads' list of escalated reports, each member's reminders)
//! and reply templates: translation of HTTP to `admin::escalation` and `admin::templates`, which
//! `linli-hub admin template …` calls too.
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use linli_proto::ReportStatus;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::staff::{admin_call, StaffCaller};
use super::{json_body, AppState};
use crate::admin;
use crate::error::ApiError;
use crate::store::cases::{Reminder, ReplyTemplate};
use crate::store::StaffReport;

/// 超期督办: the community's overdue reports escalated to its heads, the longest overdue first; each
/// listing goes to the access log.
#[utoipa::path(get, path = "/v1/staff/escalations", tag = "staff",
    responses((status = 200, description = "The escalated reports"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden (the community's heads only)", body = linli_proto::ErrorBody)))]
pub async fn escalations(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<StaffReport>>, ApiError> {
    let mut list = admin_call(&state.hub, move |hub| {
        admin::escalation::escalations(hub, &caller.staff)
    })
    .await?;
    list.sort_by_key(|r| r.dispatch.deadline);
    Ok(Json(list))
}

/// The signed-in member's reminders (an assignee's, for each report of theirs escalated), newest first.
#[utoipa::path(get, path = "/v1/staff/reminders", tag = "staff",
    responses((status = 200, description = "The reminders", body = [Reminder]),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody)))]
pub async fn reminders(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<Reminder>>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::escalation::reminders(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}

/// Marks one of the member's own reminders read.
#[utoipa::path(post, path = "/v1/staff/reminders/{id}/read", tag = "staff",
    params(("id" = Uuid, Path, description = "Reminder id")),
    responses((status = 200, description = "The reminder, read", body = Reminder),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "not_found (no reminder of theirs)", body = linli_proto::ErrorBody)))]
pub async fn read_reminder(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<Reminder>, ApiError> {
    let r = admin_call(&state.hub, move |hub| {
        admin::escalation::read_reminder(hub, &caller.staff, id)
    })
    .await?;
    Ok(Json(r))
}

/// The community's reply templates, for the members who move reports on.
#[utoipa::path(get, path = "/v1/staff/templates", tag = "staff",
    responses((status = 200, description = "The templates, by status and title", body = [ReplyTemplate]),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn templates(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<Vec<ReplyTemplate>>, ApiError> {
    let list = admin_call(&state.hub, move |hub| {
        admin::templates::list(hub, &caller.staff)
    })
    .await?;
    Ok(Json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TemplateRequest {
    /// The status the template replies to: accepted, in_progress, resolved or rejected.
    pub status: ReportStatus,
    pub title: String,
    pub body: String,
}

/// Adds a reply template to the community (its heads only).
#[utoipa::path(post, path = "/v1/staff/templates", tag = "staff", request_body = TemplateRequest,
    responses((status = 200, description = "The template", body = ReplyTemplate),
        (status = 400, description = "field_required / field_too_long", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 409, description = "template_exists / invalid_transition (a status staff never set)",
            body = linli_proto::ErrorBody)))]
pub async fn add_template(
    State(state): State<AppState>,
    caller: StaffCaller,
    body: Result<Json<TemplateRequest>, JsonRejection>,
) -> Result<Json<ReplyTemplate>, ApiError> {
    let req = json_body(body)?;
    let t = admin_call(&state.hub, move |hub| {
        admin::templates::save_by(hub, &caller.staff, None, req.status, &req.title, &req.body)
    })
    .await?;
    Ok(Json(t))
}

/// Changes one of the community's reply templates (its heads only).
#[utoipa::path(put, path = "/v1/staff/templates/{id}", tag = "staff",
    params(("id" = Uuid, Path, description = "Template id")), request_body = TemplateRequest,
    responses((status = 200, description = "The template", body = ReplyTemplate),
        (status = 400, description = "field_required / field_too_long", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "not_found", body = linli_proto::ErrorBody),
        (status = 409, description = "template_exists / invalid_transition", body = linli_proto::ErrorBody)))]
pub async fn edit_template(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<TemplateRequest>, JsonRejection>,
) -> Result<Json<ReplyTemplate>, ApiError> {
    let req = json_body(body)?;
    let t = admin_call(&state.hub, move |hub| {
        admin::templates::save_by(
            hub,
            &caller.staff,
            Some(id),
            req.status,
            &req.title,
            &req.body,
        )
    })
    .await?;
    Ok(Json(t))
}

/// Removes one of the community's reply templates (its heads only).
#[utoipa::path(delete, path = "/v1/staff/templates/{id}", tag = "staff",
    params(("id" = Uuid, Path, description = "Template id")),
    responses((status = 204, description = "Removed"),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 404, description = "not_found", body = linli_proto::ErrorBody)))]
pub async fn delete_template(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    admin_call(&state.hub, move |hub| {
        admin::templates::delete_by(hub, &caller.staff, id)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
