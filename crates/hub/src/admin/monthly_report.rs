//! The monthly report (月度通报) as a spreadsheet and as CSV: one sheet per grouping (by category, by
//! building, by grid), Chinese column headers (from the Fluent files, in the staff member's language), the period
//! as real spreadsheet dates, counts as numbers and rates as percentages.
use chrono::{Datelike, NaiveDate};
use linli_i18n::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::statistics::{month_period, statistics, Statistics, StatsRow};
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::statistics::GroupBy;
use crate::store::Staff;

/// A column after the group's name: its header's Fluent id and its value in one row.
type Column = (&'static str, fn(&StatsRow) -> Cell);

/// The columns, in order.
const COLUMNS: [Column; 22] = [
    ("stats-col-total", |r| Cell::Count(r.counts.total)),
    ("stats-col-submitted", |r| Cell::Count(r.counts.submitted)),
    ("stats-col-open", |r| Cell::Count(r.counts.open)),
    ("stats-col-resolved", |r| Cell::Count(r.counts.resolved)),
    ("stats-col-rejected", |r| Cell::Count(r.counts.rejected)),
    ("stats-col-withdrawn", |r| Cell::Count(r.counts.withdrawn)),
    ("stats-col-dispatched", |r| Cell::Count(r.counts.dispatched)),
    ("stats-col-responded", |r| {
        Cell::Count(r.counts.responded_in_time)
    }),
    ("stats-col-overdue", |r| Cell::Count(r.counts.overdue)),
    ("stats-col-rated", |r| Cell::Count(r.counts.rated)),
    ("stats-col-satisfied", |r| Cell::Count(r.counts.satisfied)),
    ("stats-col-basic", |r| Cell::Count(r.counts.basic)),
    ("stats-col-unsatisfied", |r| {
        Cell::Count(r.counts.unsatisfied)
    }),
    ("stats-col-response-rate", |r| Cell::Rate(r.response_rate)),
    ("stats-col-resolution-rate", |r| {
        Cell::Rate(r.resolution_rate)
    }),
    ("stats-col-satisfaction-rate", |r| {
        Cell::Rate(r.satisfaction_rate)
    }),
    ("stats-col-median-hours", |r| {
        Cell::Hours(r.counts.median_hours_to_resolve)
    }),
    // Added with the statistics screen, after the first columns so their places stay.
    ("stats-col-overdue-now", |r| {
        Cell::Count(r.counts.overdue_now)
    }),
    ("stats-col-on-time-rate", |r| Cell::Rate(r.on_time_rate)),
    ("stats-col-p90-hours", |r| {
        Cell::Hours(r.counts.p90_hours_to_resolve)
    }),
    ("stats-col-median-accept-hours", |r| {
        Cell::Hours(r.counts.median_hours_to_accept)
    }),
    ("stats-col-p90-accept-hours", |r| {
        Cell::Hours(r.counts.p90_hours_to_accept)
    }),
];

enum Cell {
    Count(i64),
    Rate(Option<f64>),
    Hours(Option<f64>),
}

/// The two groupings of the report, each with its sheet name's Fluent id and first column's.
const SHEETS: [(GroupBy, &str, &str); 3] = [
    (
        GroupBy::Category,
        "stats-sheet-category",
        "stats-col-category",
    ),
    (
        GroupBy::Building,
        "stats-sheet-building",
        "stats-col-building",
    ),
    (GroupBy::Grid, "stats-sheet-grid", "stats-col-grid"),
];

fn both(hub: &Hub, staff: &Staff, month: NaiveDate) -> Result<Vec<Statistics>, HubError> {
    let (from, to) = month_period(month)?;
    SHEETS
        .iter()
        .map(|(by, _, _)| statistics(hub, staff, from, to, *by, None))
        .collect()
}

/// The month's report as an `.xlsx` file.
pub fn xlsx(hub: &Hub, staff: &Staff, month: NaiveDate, lang: Lang) -> Result<Vec<u8>, HubError> {
    let all = both(hub, staff, month)?;
    build_xlsx(&all, month, lang).map_err(|e| {
        HubError::Refused({
            tracing::error!(error = %e, "writing the monthly report");
            linli_proto::ErrorCode::Internal
        })
    })
}

fn build_xlsx(all: &[Statistics], month: NaiveDate, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let t = |id: &str| linli_i18n::message(lang, id);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let percent = Format::new().set_num_format("0.0%");
    let hours = Format::new().set_num_format("0.0");
    for (stats, (_, sheet_id, first_col)) in all.iter().zip(SHEETS) {
        let sheet = book.add_worksheet();
        sheet.set_name(t(sheet_id))?;
        // Row 0: the period, as dates a spreadsheet sorts and filters.
        sheet.write_string_with_format(0, 0, t("stats-period"), &bold)?;
        let (from, to) = (
            month,
            month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(month),
        );
        let last = to.pred_opt().unwrap_or(to);
        sheet.write_datetime_with_format(0, 1, excel_date(from)?, &date)?;
        sheet.write_datetime_with_format(0, 2, excel_date(last)?, &date)?;
        sheet.write_string_with_format(2, 0, t(first_col), &bold)?;
        for (c, (id, _)) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16 + 1, t(id), &bold)?;
        }
        for (i, row) in stats.rows.iter().enumerate() {
            let r = i as u32 + 3;
            sheet.write_string(r, 0, label(row, lang))?;
            for (c, (_, value)) in COLUMNS.iter().enumerate() {
                let col = c as u16 + 1;
                match value(row) {
                    Cell::Count(n) => {
                        sheet.write_number(r, col, n as f64)?;
                    }
                    Cell::Rate(Some(x)) => {
                        sheet.write_number_with_format(r, col, x, &percent)?;
                    }
                    Cell::Hours(Some(x)) => {
                        sheet.write_number_with_format(r, col, x, &hours)?;
                    }
                    Cell::Rate(None) | Cell::Hours(None) => {}
                }
            }
        }
        sheet.set_column_width(0, 16)?;
    }
    book.save_to_buffer()
}

/// A group's name; the reports of buildings no grid worker holds are "no grid".
pub fn label(row: &StatsRow, lang: Lang) -> String {
    if row.counts.key.is_empty() {
        linli_i18n::message(lang, "stats-no-grid")
    } else {
        row.counts.label.clone()
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// The month's report by category as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
/// the Chinese headers right); rates as fractions, empty where there is no denominator.
pub fn csv(hub: &Hub, staff: &Staff, month: NaiveDate, lang: Lang) -> Result<String, HubError> {
    let (from, to) = month_period(month)?;
    let stats = statistics(hub, staff, from, to, GroupBy::Category, None)?;
    let t = |id: &str| linli_i18n::message(lang, id);
    let mut out = String::from('\u{feff}');
    let mut header = vec![t("stats-col-category")];
    header.extend(COLUMNS.iter().map(|(id, _)| t(id)));
    out.push_str(&line(&header));
    for row in &stats.rows {
        let mut cells = vec![label(row, lang)];
        cells.extend(COLUMNS.iter().map(|(_, value)| match value(row) {
            Cell::Count(n) => n.to_string(),
            Cell::Rate(x) | Cell::Hours(x) => x.map(|x| format!("{x:.4}")).unwrap_or_default(),
        }));
        out.push_str(&line(&cells));
    }
    Ok(out)
}

/// One CSV line (RFC 4180 quoting); a cell a spreadsheet would run as a formula is prefixed with `'`.
fn line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            let c = if c.starts_with(['=', '+', '-', '@']) && c.parse::<f64>().is_err() {
                format!("'{c}")
            } else {
                c.clone()
            };
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c
            }
        })
        .collect();
    quoted.join(",") + "\r\n"
}
