//! The raw case list as XLSX and CSV through the `linli-hub` binary, read back: the XLSX with calamine
//! (Chinese headers, times as real spreadsheet dates in China Standard Time, overdue as a boolean),
//! the CSV as UTF-8 text; every case written to the file is in the access log.
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use linli_hub::admin;
use linli_hub::store::open311::KeyScope;

use crate::cli::{hub_cmd_as, stdout};
use crate::helpers::start;
use crate::staff::new_report;

#[tokio::test]
async fn the_case_list_opens_in_a_spreadsheet_with_chinese_headers_and_real_dates() {
    let t = start().await;
    let at = DateTime::parse_from_rfc3339("2026-12-03T10:15:00+08:00")
        .unwrap()
        .with_timezone(&Utc);
    t.clock.set(at);
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "楼道灯坏了").await;
    // A 12345 case with its ticket.
    let (key, _) = admin::open311::add_key(t.hub(), "12345中心", KeyScope::Write, "12345").unwrap();
    let new = admin::open311::NewRequest {
        service_code: Some("environment".into()),
        address_string: Some("2号楼".into()),
        attributes: [("external_id".to_owned(), "GD-1".to_owned())].into(),
        ..Default::default()
    };
    let (case, _) = admin::open311::create(t.hub(), &key, t.community(), &new).unwrap();
    let officer = t.staff();
    let before = admin::staff::access_log(t.hub(), &officer).unwrap().len();

    let dir = t.dir.path();
    let xlsx = dir.join("cases.xlsx");
    let o = hub_cmd_as(
        dir,
        Some(&officer.id.to_string()),
        &[
            "export",
            "cases",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains('2'));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let headers: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        headers,
        [
            "编号",
            "类别",
            "状态",
            "楼栋",
            "提交时间",
            "承办人",
            "承诺办结时间",
            "签收时间",
            "是否超期",
            "来源",
            "来件编号"
        ]
    );
    assert_eq!(rows.len(), 3);
    let find = |id: &str| {
        rows[1..]
            .iter()
            .find(|r| r[0] == Data::String(id.to_owned()))
            .copied()
            .unwrap()
    };
    let her = find(&report.to_string());
    assert_eq!(her[2], Data::String("已提交".into()));
    assert_eq!(her[3], Data::String("1号楼".into()));
    // A real date, in China Standard Time.
    let Data::DateTime(made) = &her[4] else {
        panic!("not a date: {:?}", her[4]);
    };
    assert_eq!(
        made.as_datetime()
            .unwrap()
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        "2026-12-03 10:15"
    );
    assert_eq!(her[8], Data::Bool(false));
    let theirs = find(&case.to_string());
    assert_eq!(theirs[3], Data::String("2号楼".into()));
    assert_eq!(theirs[9], Data::String("12345".into()));
    assert_eq!(theirs[10], Data::String("GD-1".into()));
    // Each case in the file is in the access log.
    let log = admin::staff::access_log(t.hub(), &officer).unwrap();
    let listed: Vec<_> = log[before..]
        .iter()
        .filter(|e| e.action == "reports_list")
        .filter_map(|e| e.record_id.clone())
        .collect();
    assert!(listed.contains(&report.to_string()) && listed.contains(&case.to_string()));

    let csv = dir.join("cases.csv");
    let o = hub_cmd_as(
        dir,
        Some(&officer.id.to_string()),
        &[
            "export",
            "cases",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{FEFF}编号,类别,状态,楼栋,提交时间,承办人,承诺办结时间,签收时间,是否超期,来源,来件编号"
    );
    assert!(text.contains(&format!(
        "{report},environment,已提交,1号楼,2026-12-03 10:15:00,,,,FALSE,,"
    )));
    // Without --staff: refused, nothing written.
    let o = hub_cmd_as(
        dir,
        None,
        &[
            "export",
            "cases",
            "--out",
            dir.join("x.xlsx").to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(!dir.join("x.xlsx").exists());
}
