//! Direct reads of one record, under the same visibility as pull: what isn't the caller's answers
//! 404, so its existence doesn't leak.
use axum::extract::{Path, State};
use axum::Json;
use linli_proto::{Consultation, ErrorBody, ErrorCode, Notice, Report};
use uuid::Uuid;

use super::auth::Caller;
use super::{blocking, AppState};
use crate::error::ApiError;

fn parse_id(s: &str, missing: ErrorCode) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError(missing))
}

/// One of the caller's household's reports.
#[utoipa::path(get, path = "/v1/reports/{id}", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Report), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(id): Path<String>,
) -> Result<Json<Report>, ApiError> {
    let id = parse_id(&id, ErrorCode::ReportNotFound)?;
    blocking(&state.hub, move |s| s.report_for(&viewer, id))
        .await?
        .map(Json)
        .ok_or(ApiError(ErrorCode::ReportNotFound))
}

/// A notice addressed to the caller.
#[utoipa::path(get, path = "/v1/notices/{id}", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody)))]
pub async fn notice(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(id): Path<String>,
) -> Result<Json<Notice>, ApiError> {
    let id = parse_id(&id, ErrorCode::NoticeNotFound)?;
    blocking(&state.hub, move |s| s.notice_for(&viewer, id))
        .await?
        .map(Json)
        .ok_or(ApiError(ErrorCode::NoticeNotFound))
}

/// A consultation addressed to the caller, with their vote and results when visible.
#[utoipa::path(get, path = "/v1/consultations/{id}", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Consultation), (status = 404, body = ErrorBody)))]
pub async fn consultation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(id): Path<String>,
) -> Result<Json<Consultation>, ApiError> {
    let id = parse_id(&id, ErrorCode::ConsultationNotFound)?;
    let now = state.hub.now();
    blocking(&state.hub, move |s| s.consultation_for(&viewer, id, now))
        .await?
        .map(Json)
        .ok_or(ApiError(ErrorCode::ConsultationNotFound))
}
