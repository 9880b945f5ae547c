//! The raw case list (办件清单) as a spreadsheet — XLSX (`rust_xlsxwriter`) or CSV — with Chinese
//! column headers (in the caller's language), times as real spreadsheet dates in China Standard
//! Time, and overdue as a real boolean. The rows are the staff member's inbox, so every report in
//! the file is in the access log like any list (`admin::reports::list`).
use linli_i18n::{message, Lang};

use crate::admin;
use crate::admin::sheet::{self, Cell};
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{ReportFilter, Staff, StaffReport};

/// The columns, by the Fluent id of their header.
pub const COLUMNS: [&str; 11] = [
    "export-col-id",
    "export-col-category",
    "export-col-status",
    "export-col-building",
    "export-col-created",
    "export-col-assignee",
    "export-col-deadline",
    "export-col-signed",
    "export-col-overdue",
    "export-col-source",
    "export-col-external-id",
];

/// The cases `staff` sees, newest first, each one logged.
pub fn cases(hub: &Hub, staff: &Staff) -> Result<Vec<StaffReport>, HubError> {
    admin::reports::list(hub, staff, &ReportFilter::default())
}

fn row(lang: Lang, r: &StaffReport) -> Vec<Cell> {
    let building = if r.external.is_some() {
        r.report.address.building.clone().unwrap_or_default()
    } else {
        r.household.building.clone()
    };
    vec![
        Cell::Text(r.report.id.to_string()),
        Cell::Text(r.report.category.clone()),
        Cell::Text(message(
            lang,
            &format!("cli-status-{}", r.report.status.as_str()),
        )),
        Cell::Text(building),
        Cell::Time(Some(r.report.created_at)),
        Cell::Text(
            r.dispatch
                .assignee
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        ),
        Cell::Time(r.dispatch.deadline),
        Cell::Time(r.dispatch.signed_at),
        Cell::Bool(r.dispatch.overdue),
        Cell::Text(
            r.external
                .as_ref()
                .map(|e| e.source.clone())
                .unwrap_or_default(),
        ),
        Cell::Text(
            r.external
                .as_ref()
                .and_then(|e| e.external_id.clone())
                .unwrap_or_default(),
        ),
    ]
}

fn headers(lang: Lang) -> Vec<String> {
    COLUMNS.iter().map(|c| message(lang, c)).collect()
}

/// CSV (RFC 4180, UTF-8 with a BOM so spreadsheets read the Chinese right), times as
/// `YYYY-MM-DD HH:MM:SS` in China Standard Time.
pub fn csv(lang: Lang, cases: &[StaffReport]) -> String {
    sheet::csv(headers(lang), cases.iter().map(|r| row(lang, r)))
}

/// XLSX: one sheet, bold headers, times as dates (`yyyy-mm-dd hh:mm`), overdue as a boolean.
pub fn xlsx(lang: Lang, cases: &[StaffReport]) -> Result<Vec<u8>, HubError> {
    let widths = [(0, 38.0), (4, 18.0), (6, 18.0), (7, 18.0)];
    sheet::xlsx(headers(lang), cases.iter().map(|r| row(lang, r)), &widths)
}
