//! The raw case list (办件清单) as a spreadsheet — XLSX (`rust_xlsxwriter`) or CSV — with Chinese
//! column headers (in the caller's language), times as real spreadsheet dates in China Standard
//! Time, and overdue as a real boolean. The rows are the staff member's inbox, so every report in
//! the file is in the access log like any list (`admin::reports::list`).
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use linli_i18n::{message, Lang};
use rust_xlsxwriter::{Format, Workbook};

use crate::admin;
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

/// The office's clock: China Standard Time.
fn local(t: DateTime<Utc>) -> NaiveDateTime {
    let cst = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap());
    t.with_timezone(&cst).naive_local()
}

enum Cell {
    Text(String),
    Time(Option<DateTime<Utc>>),
    Bool(bool),
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
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    }
    let mut out = String::from("\u{FEFF}");
    let line = |cells: Vec<String>| cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    out.push_str(&line(headers(lang)));
    out.push_str("\r\n");
    for r in cases {
        let cells = row(lang, r)
            .into_iter()
            .map(|c| match c {
                Cell::Text(s) => s,
                Cell::Time(t) => t
                    .map(|t| local(t).format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
                Cell::Bool(b) => (if b { "TRUE" } else { "FALSE" }).to_owned(),
            })
            .collect();
        out.push_str(&line(cells));
        out.push_str("\r\n");
    }
    out
}

/// XLSX: one sheet, bold headers, times as dates (`yyyy-mm-dd hh:mm`), overdue as a boolean.
pub fn xlsx(lang: Lang, cases: &[StaffReport]) -> Result<Vec<u8>, HubError> {
    let fail = |e: rust_xlsxwriter::XlsxError| HubError::Io(std::io::Error::other(e.to_string()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, h) in headers(lang).iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(fail)?;
    }
    for (i, r) in cases.iter().enumerate() {
        let at = i as u32 + 1;
        for (c, cell) in row(lang, r).into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(at, c, s).map_err(fail)?;
                }
                Cell::Time(Some(t)) => {
                    sheet
                        .write_datetime_with_format(at, c, local(t), &date)
                        .map_err(fail)?;
                }
                Cell::Time(None) => {}
                Cell::Bool(b) => {
                    sheet.write_boolean(at, c, b).map_err(fail)?;
                }
            }
        }
    }
    sheet.set_column_width(0, 38).map_err(fail)?;
    for c in [4, 6, 7] {
        sheet.set_column_width(c, 18).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}
