//! The staff API's statistics (统计) and the monthly report (月度通报): translation of HTTP to
//! `admin::statistics` and `admin::monthly_report`, which `linli-hub admin stats` calls too.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use linli_proto::ErrorCode;
use serde::Deserialize;

use super::download::{attachment, SheetFormat};
use super::lang::RequestLang;
use super::staff::{admin_call, StaffCaller};
use super::AppState;
use crate::admin;
use crate::admin::statistics::Statistics;
use crate::error::ApiError;
use crate::store::statistics::{GroupBy, TrendEvery};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StatsParams {
    /// Reports made from this instant (RFC 3339)…
    pub from: DateTime<Utc>,
    /// …until before this one; at most 366 days after `from`.
    pub to: DateTime<Utc>,
    /// `category` (default), `building`, `grid`, `status`, `source` or `community`.
    pub by: Option<GroupBy>,
    /// The trend's step, `week` or `month`; by default weeks for up to 92 days, months beyond.
    pub every: Option<TrendEvery>,
}

/// Reports of the caller's scope over a period, grouped, with the 三率 (response, resolution and
/// satisfaction rates) and the on-time rate, the period's total, its trend per week or month, notice
/// reach per building and consultation turnout. The data officer, who sees no report, is refused.
#[utoipa::path(get, path = "/v1/staff/statistics", tag = "staff", params(StatsParams),
    responses((status = 200, body = Statistics),
        (status = 400, description = "bad_request: a missing, reversed or too long period", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn statistics(
    State(state): State<AppState>,
    caller: StaffCaller,
    query: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Json<Statistics>, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let s = admin_call(&state.hub, move |hub| {
        admin::statistics::statistics(
            hub,
            &caller.staff,
            q.from,
            q.to,
            q.by.unwrap_or(GroupBy::Category),
            q.every,
        )
    })
    .await?;
    Ok(Json(s))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MonthlyParams {
    /// Any day of the month, e.g. `2026-11-01` (months are counted in China Standard Time).
    pub month: NaiveDate,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The monthly report (月度通报) as a spreadsheet (by category and by building) or CSV (by category),
/// headers in the request's language.
#[utoipa::path(get, path = "/v1/staff/statistics/monthly", tag = "staff", params(MonthlyParams),
    responses((status = 200, description = "The report file",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "bad_request", body = linli_proto::ErrorBody),
        (status = 401, description = "unauthorized", body = linli_proto::ErrorBody),
        (status = 403, description = "forbidden", body = linli_proto::ErrorBody)))]
pub async fn monthly(
    State(state): State<AppState>,
    caller: StaffCaller,
    RequestLang(lang): RequestLang,
    query: Result<Query<MonthlyParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|_| ApiError(ErrorCode::BadRequest))?;
    let format = SheetFormat::from_query(q.format.as_deref())?;
    let month = q.month;
    let name = format!("linli-{}", month.format("%Y-%m"));
    let bytes = admin_call(&state.hub, move |hub| match format {
        SheetFormat::Csv => {
            admin::monthly_report::csv(hub, &caller.staff, month, lang).map(String::into_bytes)
        }
        SheetFormat::Xlsx => admin::monthly_report::xlsx(hub, &caller.staff, month, lang),
    })
    .await?;
    Ok(attachment(format, &name, bytes))
}
