//! The 12345 bridge, outbound: the results of the cases city systems sent, in the hotline's columns
//! (工单编号, 办理结果, 办结时间, 承办单位, 回访满意度, 是否超期…), as XLSX or CSV, for
//! `linli-hub admin hotline export --since DATE` and `GET /v1/staff/hotline/export`. Headers and
//! labels (已受理, 处理中, 已办结…; 满意, 基本满意, 不满意) come from Fluent in the caller's language
//! (zh-CN, the hotline's, by default); times are real spreadsheet dates in China Standard Time,
//! 是否超期 a real boolean and 办理用时 a number of days.
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use linli_i18n::{message, Lang};
use linli_proto::{ErrorCode, ReportStatus};
use uuid::Uuid;

use crate::admin::sheet::{self, cst, Cell};
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::open311::ServiceRequest;
use crate::store::Staff;

/// The columns, by the Fluent id of their header.
pub const COLUMNS: [&str; 11] = [
    "hotline-col-external-id",
    "hotline-col-category",
    "hotline-col-received",
    "hotline-col-status",
    "hotline-col-result",
    "hotline-col-resolved",
    "hotline-col-agency",
    "hotline-col-satisfaction",
    "hotline-col-deadline",
    "hotline-col-overdue",
    "hotline-col-days",
];

/// The start of a day in China Standard Time (`--since 2026-12-01`).
pub fn day_start(day: NaiveDate) -> Result<DateTime<Utc>, HubError> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| cst().from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or(HubError::Refused(ErrorCode::BadRequest))
}

/// A case's result as the hotline reads it.
#[derive(Debug, Clone)]
pub struct HotlineRow {
    pub case: ServiceRequest,
    /// Past its deadline: resolved after it, or still open after it.
    pub overdue: bool,
}

/// Whether a case is past its deadline at `now`.
pub fn overdue(r: &ServiceRequest, now: DateTime<Utc>) -> bool {
    let Some(deadline) = r.expected else {
        return false;
    };
    match (r.resolved, r.status) {
        (Some(done), _) => done > deadline,
        (None, ReportStatus::Submitted | ReportStatus::Accepted | ReportStatus::InProgress) => {
            now > deadline
        }
        (None, _) => false,
    }
}

/// The community's cases from city systems received since `since`, oldest first; the export goes to
/// the access log of `staff` when a member asked for it (the admin CLI acts for the office).
pub fn rows(
    hub: &Hub,
    community: Uuid,
    since: DateTime<Utc>,
    staff: Option<&Staff>,
) -> Result<Vec<HotlineRow>, HubError> {
    let now = hub.now();
    Ok(hub
        .store()
        .hotline_results(community, since, staff, now)?
        .into_iter()
        .map(|case| HotlineRow {
            overdue: overdue(&case, now),
            case,
        })
        .collect())
}

/// The exports' label of a status (已受理, 处理中, 已办结…), never the enum's name.
pub fn status_label(lang: Lang, s: ReportStatus) -> String {
    message(lang, &format!("cli-status-{}", s.as_str()))
}

fn row(lang: Lang, r: &HotlineRow) -> Vec<Cell> {
    let c = &r.case;
    let ext = c.external.as_ref();
    let days = c.resolved.map(|done| {
        let d = (done - c.requested).num_minutes() as f64 / (24.0 * 60.0);
        (d * 10.0).round() / 10.0
    });
    vec![
        Cell::Text(
            ext.and_then(|e| e.external_id.clone())
                .unwrap_or_else(|| c.id.to_string()),
        ),
        Cell::Text(
            ext.and_then(|e| e.hotline_category.clone())
                .unwrap_or_else(|| c.category_name.clone()),
        ),
        Cell::Time(Some(c.requested)),
        Cell::Text(status_label(lang, c.status)),
        Cell::Text(c.status_notes.clone().unwrap_or_default()),
        Cell::Time(c.resolved),
        Cell::Text(c.agency_responsible.clone()),
        Cell::Text(
            c.satisfaction
                .map(|s| message(lang, &format!("cli-satisfaction-{}", s.as_str())))
                .unwrap_or_default(),
        ),
        Cell::Time(c.expected),
        Cell::Bool(r.overdue),
        Cell::Days(days),
    ]
}

fn headers(lang: Lang) -> Vec<String> {
    COLUMNS.iter().map(|c| message(lang, c)).collect()
}

/// CSV (RFC 4180, UTF-8 with a BOM), times as `YYYY-MM-DD HH:MM:SS` in China Standard Time.
pub fn csv(lang: Lang, rows: &[HotlineRow]) -> String {
    sheet::csv(headers(lang), rows.iter().map(|r| row(lang, r)))
}

/// XLSX: one sheet, bold headers, times as dates, 是否超期 a boolean, 办理用时 a number.
pub fn xlsx(lang: Lang, rows: &[HotlineRow]) -> Result<Vec<u8>, HubError> {
    let widths = [(0, 20.0), (2, 18.0), (5, 18.0), (8, 18.0), (4, 40.0)];
    sheet::xlsx(headers(lang), rows.iter().map(|r| row(lang, r)), &widths)
}
