//! The office's tables written out: one sheet of typed cells as CSV (RFC 4180, UTF-8 with a BOM so
//! spreadsheets read the Chinese right) or XLSX (bold headers, times as real dates, booleans and numbers
//! as such). The raw case list and the hotline's result file are both made of these cells.
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use rust_xlsxwriter::{Format, Workbook};

use crate::error::HubError;

/// One cell of a row, typed so each format writes it as what it is.
pub enum Cell {
    Text(String),
    Time(Option<DateTime<Utc>>),
    Bool(bool),
    /// A length of time in days (written with one decimal in XLSX).
    Days(Option<f64>),
}

/// The office's clock: China Standard Time.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap())
}

pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&cst()).naive_local()
}

/// CSV with times as `YYYY-MM-DD HH:MM:SS` in China Standard Time.
pub fn csv(headers: Vec<String>, rows: impl IntoIterator<Item = Vec<Cell>>) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    }
    let line = |cells: Vec<String>| cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    let mut out = String::from("\u{FEFF}");
    out.push_str(&line(headers));
    out.push_str("\r\n");
    for row in rows {
        let cells = row
            .into_iter()
            .map(|c| match c {
                Cell::Text(s) => s,
                Cell::Time(t) => t
                    .map(|t| local(t).format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
                Cell::Bool(b) => (if b { "TRUE" } else { "FALSE" }).to_owned(),
                Cell::Days(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect();
        out.push_str(&line(cells));
        out.push_str("\r\n");
    }
    out
}

/// XLSX: one sheet, bold headers, times as dates (`yyyy-mm-dd hh:mm`), the given column widths.
pub fn xlsx(
    headers: Vec<String>,
    rows: impl IntoIterator<Item = Vec<Cell>>,
    widths: &[(u16, f64)],
) -> Result<Vec<u8>, HubError> {
    let fail = |e: rust_xlsxwriter::XlsxError| HubError::Io(std::io::Error::other(e.to_string()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let days = Format::new().set_num_format("0.0");
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(fail)?;
    }
    for (i, row) in rows.into_iter().enumerate() {
        let at = i as u32 + 1;
        for (c, cell) in row.into_iter().enumerate() {
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
                Cell::Time(None) | Cell::Days(None) => {}
                Cell::Bool(b) => {
                    sheet.write_boolean(at, c, b).map_err(fail)?;
                }
                Cell::Days(Some(d)) => {
                    sheet
                        .write_number_with_format(at, c, d, &days)
                        .map_err(fail)?;
                }
            }
        }
    }
    for &(c, w) in widths {
        sheet.set_column_width(c, w).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}
