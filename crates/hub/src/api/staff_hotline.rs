//! The staff API's 12345 bridge: importing the hotline's case file and exporting the results in its
//! columns, for the community's head. Translation of HTTP to `admin::hotline` and
//! `admin::hotline_export`, which `linli-hub admin hotline import|export` calls too.
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use linli_i18n::{error_message, message, Lang};
use linli_proto::ErrorCode;
use serde::{Deserialize, Serialize};

use super::download::{attachment, SheetFormat};
use super::lang::RequestLang;
use super::staff::{admin_call, StaffCaller};
use super::AppState;
use crate::admin::hotline::{self, ImportOutcome, ImportSummary, RowProblem};
use crate::admin::hotline_export;
use crate::error::ApiError;

/// A refused file: the stable code, a message, and every bad row (nothing was imported).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportRefused {
    pub code: ErrorCode,
    pub message: String,
    pub rows: Vec<RowProblem>,
}

/// Imports the hotline's case file (its XLSX export, or CSV in UTF-8) as the request body, into
/// the head's community: all rows or none. A 工单编号 the community has already creates nothing.
#[utoipa::path(post, path = "/v1/staff/hotline/import", tag = "staff",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file: .xlsx or .csv (UTF-8, with or without a BOM), at most 5 MB"),
    responses((status = 200, body = ImportSummary),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden (not the community's head) or csrf_invalid", body = linli_proto::ErrorBody),
        (status = 413, description = "The file is larger than 5 MB"),
        (status = 422, description = "hotline_import_invalid: every bad row with its number and reason", body = ImportRefused)))]
pub async fn import(
    State(state): State<AppState>,
    caller: StaffCaller,
    RequestLang(lang): RequestLang,
    body: Bytes,
) -> Result<Response, ApiError> {
    let out = admin_call(&state.hub, move |hub| {
        let community = hotline::head_community(&caller.staff)?;
        hotline::import(hub, community, lang, &body)
    })
    .await?;
    Ok(match out {
        ImportOutcome::Imported(summary) => Json(summary).into_response(),
        ImportOutcome::Refused(rows) => refused(lang, rows),
    })
}

fn refused(lang: Lang, rows: Vec<RowProblem>) -> Response {
    let code = ErrorCode::HotlineImportInvalid;
    let body = ImportRefused {
        code,
        message: format!(
            "{} {}",
            error_message(lang, code),
            message(lang, "hotline-import-refused")
        ),
        rows,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportParams {
    /// Cases received from this day on (China Standard Time), e.g. `2026-12-01`.
    pub since: NaiveDate,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The results of the cases city systems sent (工单编号, 办理结果, 办结时间, 承办单位, 回访满意度,
/// 是否超期…) as a spreadsheet or CSV, headers and labels in the request's language.
#[utoipa::path(get, path = "/v1/staff/hotline/export", tag = "staff", params(ExportParams),
    responses((status = 200, description = "The result file",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "bad_request", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden (not the community's head)", body = linli_proto::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    caller: StaffCaller,
    RequestLang(lang): RequestLang,
    query: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let format = SheetFormat::from_query(q.format.as_deref())?;
    let name = format!("12345-{}", q.since.format("%Y-%m-%d"));
    let since = q.since;
    let bytes = admin_call(&state.hub, move |hub| {
        let community = hotline::head_community(&caller.staff)?;
        let rows = hotline_export::rows(
            hub,
            community,
            hotline_export::day_start(since)?,
            Some(&caller.staff),
        )?;
        match format {
            SheetFormat::Csv => Ok(hotline_export::csv(lang, &rows).into_bytes()),
            SheetFormat::Xlsx => hotline_export::xlsx(lang, &rows),
        }
    })
    .await?;
    Ok(attachment(format, &name, bytes))
}
