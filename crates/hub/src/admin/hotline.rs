//! The 12345 bridge, inbound: importing the hotline's own case file (its CSV or XLSX export) into a
//! community's inbox, for `linli-hub admin hotline import` and `POST /v1/staff/hotline/import`.
//! Each row becomes a case by the same rules as an Open311 `POST requests`
//! ([`open311::check_case`], [`open311::create_cases`]): one place writes them.
//!
//! The columns, found by their Chinese header in the first row (in any order; others are ignored,
//! so the caller's name and phone never enter the hub):
//! `工单编号` (required, the idempotency key), `诉求类别` (required, the hotline's category),
//! `诉求内容` (required), `地址/楼栋` (or `地址`, `楼栋`, `诉求地址`; required), `办结时限`
//! (optional, the hotline's deadline), `来电时间` (optional, checked but not kept: the case's time is
//! when it entered the inbox), `社区分类` (optional: the community's category by key or name; else
//! the category named like `诉求类别`, else `other`).
//!
//! Times are spreadsheet dates, or text `YYYY-MM-DD HH:MM[:SS]` (also with `/`) in China Standard
//! Time, or ISO 8601 with a zone; a deadline given as a day alone means the end of that day.
//!
//! The policy for bad rows: the whole file is refused, each bad row listed with its row number (as
//! the spreadsheet shows it, the header being row 1) and the reason in the caller's language, and
//! nothing is imported. A good file goes in in one transaction; a 工单编号 the community already has
//! (from an earlier import or an Open311 POST of the 12345 key) creates nothing and is counted as
//! existing.
use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataType, Reader};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use linli_i18n::{error_message, message_args, Arg, Lang};
use linli_proto::ErrorCode;
use serde::Serialize;
use uuid::Uuid;

use super::open311::{self, CaseContext, NewRequest};
use crate::domain::staff_scope::StaffRole;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::Staff;

pub const COL_ID: &str = "工单编号";
pub const COL_CALLED: &str = "来电时间";
pub const COL_CATEGORY: &str = "诉求类别";
pub const COL_TEXT: &str = "诉求内容";
pub const COL_ADDRESS: &str = "地址/楼栋";
pub const COL_DEADLINE: &str = "办结时限";
pub const COL_SERVICE: &str = "社区分类";
/// Other headers the hotline's exports use for the place.
const ADDRESS_ALIASES: [&str; 3] = ["地址", "楼栋", "诉求地址"];

/// The most rows one file may hold (a month of a busy community is a few hundred).
pub const MAX_ROWS: usize = 5000;
/// The largest file the staff route takes.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// One refused row: its number as the spreadsheet shows it, and why, in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub row: usize,
    /// The column's header, when the problem is in one cell.
    pub column: Option<String>,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Case rows in the file.
    pub rows: usize,
    /// New cases in the inbox.
    pub created: usize,
    /// Rows whose 工单编号 the community had already: nothing created for them.
    pub existing: usize,
    /// The ids of the cases, in the file's order.
    pub ids: Vec<Uuid>,
    /// The summary for a person, in the caller's language.
    pub message: String,
}

/// The import's answer: done, or the file refused with every bad row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(ImportSummary),
    Refused(Vec<RowProblem>),
}

/// A cell as read from either format.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    /// A spreadsheet date, in the office's clock.
    Time(NaiveDateTime),
}

impl Cell {
    fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Cell::Time(t) => Some(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        }
    }
}

/// Rows with their spreadsheet row numbers (1-based).
type Table = Vec<(usize, Vec<Cell>)>;

/// The office's clock: China Standard Time.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap())
}

/// XLSX files are zip archives; anything else is read as CSV.
fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn read_xlsx(bytes: &[u8]) -> Option<Table> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).ok()?;
    let range = book.worksheet_range_at(0)?.ok()?;
    let first = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    Some(
        range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut row = vec![Cell::Empty; first_col];
                row.extend(cells.iter().map(|d| match d {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::DateTime(_) | Data::DateTimeIso(_) => {
                        d.as_datetime().map_or(Cell::Empty, Cell::Time)
                    }
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Int(n) => Cell::Text(n.to_string()),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        Cell::Text(format!("{}", *f as i64))
                    }
                    other => other.as_string().map_or(Cell::Empty, Cell::Text),
                }));
                (first + i + 1, row)
            })
            .collect(),
    )
}

/// RFC 4180 CSV in UTF-8 (a BOM is skipped): quoted fields may hold commas, quotes and line breaks.
fn read_csv(bytes: &[u8]) -> Option<Table> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut row_line) = (false, 1usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(Cell::Text(std::mem::take(&mut field))),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                row.push(Cell::Text(std::mem::take(&mut field)));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(Cell::Text(field));
        rows.push((row_line, row));
    }
    Some(rows)
}

/// A time cell as UTC: a spreadsheet date or text in China Standard Time, or ISO 8601 with a zone.
/// A day alone is its start, or its end when `end_of_day` (a deadline).
fn time_of(cell: &Cell, end_of_day: bool) -> Result<Option<DateTime<Utc>>, ()> {
    let local = |t: NaiveDateTime| {
        cst()
            .from_local_datetime(&t)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or(())
    };
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Time(t) => return local(*t).map(Some),
        Cell::Text(s) => s.trim(),
    };
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let text = text.replace('/', "-");
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&text, f) {
            return local(t).map(Some);
        }
    }
    let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| ())?;
    let at = if end_of_day {
        NaiveTime::from_hms_opt(23, 59, 59)
    } else {
        NaiveTime::from_hms_opt(0, 0, 0)
    }
    .ok_or(())?;
    local(day.and_time(at)).map(Some)
}

/// Where each known column is.
struct Columns {
    at: HashMap<&'static str, usize>,
}

impl Columns {
    fn find(header: &[Cell]) -> Columns {
        let mut at = HashMap::new();
        for (i, cell) in header.iter().enumerate() {
            let Some(name) = cell.text() else { continue };
            let name = name.trim_start_matches('\u{FEFF}').trim();
            let known = [
                COL_ID,
                COL_CALLED,
                COL_CATEGORY,
                COL_TEXT,
                COL_ADDRESS,
                COL_DEADLINE,
                COL_SERVICE,
            ]
            .into_iter()
            .find(|c| *c == name)
            .or_else(|| ADDRESS_ALIASES.contains(&name).then_some(COL_ADDRESS));
            if let Some(k) = known {
                at.entry(k).or_insert(i);
            }
        }
        Columns { at }
    }

    fn get<'a>(&self, row: &'a [Cell], col: &str) -> &'a Cell {
        self.at
            .get(col)
            .and_then(|i| row.get(*i))
            .unwrap_or(&Cell::Empty)
    }
}

/// The community's category for a row: `社区分类` by key or name, else the one named like the
/// hotline's category, else `other`.
fn service_for(ctx: &CaseContext, given: Option<&str>, hotline: &str) -> Option<String> {
    let named = |n: &str| {
        ctx.categories
            .iter()
            .find(|c| c.key == n || c.name_zh == n || c.name_en == n)
            .map(|c| c.key.clone())
    };
    match given {
        Some(g) => named(g),
        None => named(hotline).or_else(|| named("other")),
    }
}

/// Checks every row; answers the checked cases or every problem.
fn check_rows(
    ctx: &CaseContext,
    lang: Lang,
    table: Table,
) -> Result<Vec<open311::CaseDraft>, Vec<RowProblem>> {
    let problem = |row: usize, column: Option<&str>, id: &str, args: &[(&str, Arg)]| RowProblem {
        row,
        column: column.map(str::to_owned),
        reason: message_args(lang, id, args),
    };
    let mut rows = table.into_iter();
    let Some((header_row, header)) = rows.next() else {
        return Err(vec![problem(1, None, "hotline-import-empty", &[])]);
    };
    let cols = Columns::find(&header);
    let missing: Vec<RowProblem> = [COL_ID, COL_CATEGORY, COL_TEXT, COL_ADDRESS]
        .into_iter()
        .filter(|c| !cols.at.contains_key(c))
        .map(|c| {
            problem(
                header_row,
                Some(c),
                "hotline-import-column-missing",
                &[("column", c.into())],
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut problems = Vec::new();
    let mut drafts = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let rows: Vec<_> = rows
        .filter(|(_, cells)| cells.iter().any(|c| c.text().is_some()))
        .collect();
    if rows.is_empty() {
        return Err(vec![problem(header_row, None, "hotline-import-empty", &[])]);
    }
    if rows.len() > MAX_ROWS {
        return Err(vec![problem(
            header_row,
            None,
            "hotline-import-too-many",
            &[("max", MAX_ROWS.into())],
        )]);
    }
    for (n, cells) in rows {
        let text = |col: &str| cols.get(&cells, col).text();
        let before = problems.len();
        let mut required = |col: &'static str| {
            let v = text(col);
            if v.is_none() {
                problems.push(problem(
                    n,
                    Some(col),
                    "hotline-row-required",
                    &[("column", col.into())],
                ));
            }
            v
        };
        let id = required(COL_ID);
        let category = required(COL_CATEGORY);
        let content = required(COL_TEXT);
        let address = required(COL_ADDRESS);
        if let Some(id) = &id {
            if let Some(first) = seen.get(id) {
                problems.push(problem(
                    n,
                    Some(COL_ID),
                    "hotline-row-repeated",
                    &[("id", id.as_str().into()), ("first", (*first).into())],
                ));
            } else {
                seen.insert(id.clone(), n);
            }
        }
        let mut time = |col: &'static str, end: bool| match time_of(cols.get(&cells, col), end) {
            Ok(t) => t,
            Err(()) => {
                problems.push(problem(
                    n,
                    Some(col),
                    "hotline-row-bad-time",
                    &[
                        ("column", col.into()),
                        ("value", text(col).unwrap_or_default().into()),
                    ],
                ));
                None
            }
        };
        time(COL_CALLED, false);
        let deadline = time(COL_DEADLINE, true);
        let given = text(COL_SERVICE);
        let service = category
            .as_deref()
            .and_then(|c| service_for(ctx, given.as_deref(), c));
        if category.is_some() && service.is_none() {
            let value = given.clone().or(category.clone()).unwrap_or_default();
            problems.push(problem(
                n,
                Some(if given.is_some() {
                    COL_SERVICE
                } else {
                    COL_CATEGORY
                }),
                "hotline-row-no-service",
                &[("value", value.into())],
            ));
        }
        if problems.len() > before {
            continue;
        }
        let mut attributes = HashMap::new();
        attributes.extend(id.map(|v| (open311::ATTR_EXTERNAL_ID.to_owned(), v)));
        attributes.extend(category.map(|v| (open311::ATTR_HOTLINE_CATEGORY.to_owned(), v)));
        attributes.extend(deadline.map(|d| {
            (
                open311::ATTR_DEADLINE.to_owned(),
                d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )
        }));
        let request = NewRequest {
            service_code: service,
            address_string: address,
            description: content,
            attributes,
            ..Default::default()
        };
        match open311::check_case(ctx, &request) {
            Ok(d) => drafts.push(d),
            Err(HubError::Refused(code)) => problems.push(RowProblem {
                row: n,
                column: None,
                reason: error_message(lang, code),
            }),
            Err(other) => problems.push(RowProblem {
                row: n,
                column: None,
                reason: other.to_string(),
            }),
        }
    }
    if problems.is_empty() {
        Ok(drafts)
    } else {
        Err(problems)
    }
}

/// Who may import the hotline's file or export its results from the console: the community's head
/// (主任/书记), for their own community. The admin CLI acts for the office on `--community`.
pub fn head_community(staff: &Staff) -> Result<Uuid, HubError> {
    if staff.role == StaffRole::Head {
        Ok(staff.community_id)
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

/// Imports the hotline's file into `community`'s inbox: all rows or none (see the module's
/// documentation for the columns and the policy).
pub fn import(
    hub: &Hub,
    community: Uuid,
    lang: Lang,
    bytes: &[u8],
) -> Result<ImportOutcome, HubError> {
    let table = if is_xlsx(bytes) {
        read_xlsx(bytes)
    } else {
        read_csv(bytes)
    };
    let Some(table) = table else {
        return Ok(ImportOutcome::Refused(vec![RowProblem {
            row: 1,
            column: None,
            reason: message_args(lang, "hotline-import-unreadable", &[]),
        }]));
    };
    let ctx = CaseContext::load(hub, community)?;
    let drafts = match check_rows(&ctx, lang, table) {
        Ok(d) => d,
        Err(problems) => return Ok(ImportOutcome::Refused(problems)),
    };
    let key = hub.store().hotline_import_key(hub.now())?;
    let out = open311::create_cases(hub, &key, community, &drafts)?;
    let created = out.iter().filter(|(_, new)| *new).count();
    let existing = out.len() - created;
    let message = message_args(
        lang,
        if created == 0 {
            "hotline-import-nothing-new"
        } else {
            "hotline-import-done"
        },
        &[
            ("rows", out.len().into()),
            ("created", created.into()),
            ("existing", existing.into()),
        ],
    );
    Ok(ImportOutcome::Imported(ImportSummary {
        rows: out.len(),
        created,
        existing,
        ids: out.into_iter().map(|(id, _)| id).collect(),
        message,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_line_breaks_and_a_bom() {
        let t =
            read_csv("\u{FEFF}a,b\r\n\"x,1\",\"say \"\"hi\"\"\nthere\"\r\n3,4".as_bytes()).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].1[0], Cell::Text("a".into()));
        assert_eq!(t[1].1[0], Cell::Text("x,1".into()));
        assert_eq!(t[1].1[1], Cell::Text("say \"hi\"\nthere".into()));
        assert_eq!(t[2].0, 4, "the row after a quoted line break is line 4");
        assert!(read_csv(b"\"open").is_none());
    }

    #[test]
    fn times_in_the_office_clock() {
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let t = |s: &str, end| time_of(&Cell::Text(s.into()), end);
        assert_eq!(
            t("2026/12/01 09:30", false),
            Ok(Some(utc("2026-12-01T01:30:00Z")))
        );
        assert_eq!(t("2026-12-05", true), Ok(Some(utc("2026-12-05T15:59:59Z"))));
        assert_eq!(
            t("2026-12-05T10:00:00+08:00", false),
            Ok(Some(utc("2026-12-05T02:00:00Z")))
        );
        assert_eq!(t("", true), Ok(None));
        assert_eq!(t("下周三", true), Err(()));
    }
}
