//! Statistics (统计) and the monthly report (月度通报) over real HTTP: counts and the 三率 from the
//! database within each role's scope, a bad period refused, and the spreadsheet and CSV read back.
use chrono::{DateTime, Duration, Utc};
use linli_hub::admin;
use linli_hub::domain::staff_scope::StaffRole;
use linli_proto::{OpBody, OpStatus, ReportStatus, Satisfaction};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::start;
use crate::staff::{get, member, new_report, Session};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const NOVEMBER: &str = "from=2026-10-31T16:00:00Z&to=2026-11-30T16:00:00Z";

fn row<'a>(v: &'a Value, label: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == label)
        .unwrap_or_else(|| panic!("no row {label} in {v}"))
}

async fn file(t: &crate::helpers::TestHub, s: &Session, path: &str) -> (StatusCode, Vec<u8>) {
    let resp = t
        .http
        .get(t.url(path))
        .header(COOKIE, &s.cookie)
        .header(ACCEPT_LANGUAGE, "zh-CN")
        .send()
        .await
        .unwrap();
    (resp.status(), resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn statistics_count_the_three_rates_within_each_scope_and_the_monthly_report_reads_back() {
    let t = start().await;
    let c = t.community();
    t.clock.set(at("2026-11-10T10:00:00+08:00"));
    let one = t.join("1号楼", "1单元", "101").await;
    let two = t.join("2号楼", "1单元", "102").await;
    let answered = new_report(&t, &one, "路灯不亮").await;
    let late = new_report(&t, &one, "井盖松动").await;
    new_report(&t, &two, "垃圾没清").await;
    // One answered within the hour, resolved and rated; one answered two days later; one not yet.
    t.clock.advance(Duration::hours(1));
    admin::reports::set_status(t.hub(), c, answered, ReportStatus::Accepted, Some("已受理"))
        .unwrap();
    admin::reports::set_status(t.hub(), c, answered, ReportStatus::Resolved, Some("已修好"))
        .unwrap();
    let rate = OpBody::RateReport {
        report_id: answered,
        satisfaction: Satisfaction::Satisfied,
        comment: None,
    };
    assert_eq!(
        t.push1(&one, rate).await.status,
        linli_proto::OpStatus::Applied
    );
    t.clock.advance(Duration::days(2));
    admin::reports::set_status(t.hub(), c, late, ReportStatus::Accepted, Some("已受理")).unwrap();
    // December's reports are not November's.
    t.clock.set(at("2026-12-02T09:00:00+08:00"));
    new_report(&t, &two, "十二月的事").await;

    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (status, v) = get(
        &t,
        &head,
        &format!("/v1/staff/statistics?{NOVEMBER}&by=building"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let b1 = row(&v, "1号楼");
    assert_eq!(b1["total"], 2);
    assert_eq!(b1["responded_in_time"], 1);
    assert_eq!(b1["resolved"], 1);
    assert_eq!(b1["open"], 1);
    assert_eq!(b1["response_rate"], 0.5);
    assert_eq!(b1["resolution_rate"], 0.5);
    assert_eq!(b1["satisfaction_rate"], 1.0);
    assert!(
        (b1["median_hours_to_resolve"].as_f64().unwrap() - 1.0).abs() < 0.01,
        "{b1}"
    );
    let b2 = row(&v, "2号楼");
    assert_eq!(b2["total"], 1, "December's report is left out");
    assert_eq!(b2["submitted"], 1);
    assert_eq!(b2["response_rate"], 0.0);
    assert!(b2["satisfaction_rate"].is_null(), "nothing rated: no rate");

    let (_, v) = get(
        &t,
        &head,
        &format!("/v1/staff/statistics?{NOVEMBER}&by=status"),
    )
    .await;
    let total: i64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["total"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 3);

    // A grid worker counts only their grid; a unit only what was dispatched to it; the data
    // officer, who sees no report, no counts.
    let (_, grid) = member(&t, c, "网格员", StaffRole::Grid, &["2号楼"]).await;
    let (_, v) = get(
        &t,
        &grid,
        &format!("/v1/staff/statistics?{NOVEMBER}&by=building"),
    )
    .await;
    assert_eq!(v["rows"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(row(&v, "2号楼")["total"], 1);
    let (_, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    let (status, v) = get(&t, &unit, &format!("/v1/staff/statistics?{NOVEMBER}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["rows"], serde_json::json!([]));
    let (_, data) = member(&t, c, "数据专员", StaffRole::Data, &[]).await;
    let (status, _) = get(&t, &data, &format!("/v1/staff/statistics?{NOVEMBER}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A reversed, a too long and a missing period are refused.
    for q in [
        "from=2026-11-30T00:00:00Z&to=2026-11-01T00:00:00Z",
        "from=2025-01-01T00:00:00Z&to=2026-11-01T00:00:00Z",
        "from=2026-11-01T00:00:00Z",
    ] {
        let (status, body) = get(&t, &head, &format!("/v1/staff/statistics?{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert_eq!(body["code"], "bad_request");
    }

    // The monthly report: real numbers, percentages and dates, Chinese headers.
    let (status, bytes) = file(&t, &head, "/v1/staff/statistics/monthly?month=2026-11-01").await;
    assert_eq!(status, StatusCode::OK);
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec![
            "按类别".to_owned(),
            "按楼栋".to_owned(),
            "按网格".to_owned()
        ]
    );
    let sheet = book.worksheet_range("按楼栋").unwrap();
    assert_eq!(sheet.get_value((2, 0)), Some(&Data::String("楼栋".into())));
    assert_eq!(sheet.get_value((2, 1)), Some(&Data::String("总数".into())));
    assert!(
        matches!(sheet.get_value((0, 1)), Some(Data::DateTime(_))),
        "the period is a date"
    );
    let first = sheet.get_value((3, 0)).cloned();
    assert_eq!(first, Some(Data::String("1号楼".into())));
    assert_eq!(
        sheet.get_value((3, 1)),
        Some(&Data::Float(2.0)),
        "counts are numbers"
    );
    let rate_col = 1 + 13; // the response rate, after the group and 13 counts
    assert_eq!(
        sheet.get_value((2, rate_col)),
        Some(&Data::String("响应率".into()))
    );
    assert_eq!(sheet.get_value((3, rate_col)), Some(&Data::Float(0.5)));

    let (status, bytes) = file(
        &t,
        &head,
        "/v1/staff/statistics/monthly?month=2026-11-01&format=csv",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheet programs"
    );
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.starts_with("类别,总数,"), "{header}");
    assert!(header.contains("响应率"));
    let (status, _) = file(
        &t,
        &head,
        "/v1/staff/statistics/monthly?month=2026-11-01&format=pdf",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

fn near(v: &Value, want: f64) {
    assert!(
        (v.as_f64().unwrap_or(f64::NAN) - want).abs() < 0.01,
        "{v} is not {want}"
    );
}

#[tokio::test]
async fn statistics_count_grids_sources_percentiles_the_trend_notice_reach_and_turnout() {
    let t = start().await;
    let c = t.community();
    t.clock.set(at("2026-11-10T10:00:00+08:00"));
    let one = t.join("1号楼", "1单元", "101").await;
    let three = t.join("1号楼", "1单元", "102").await;
    let two = t.join("2号楼", "1单元", "201").await;
    let r1 = new_report(&t, &one, "路灯不亮").await;
    let r2 = new_report(&t, &one, "井盖松动").await;
    new_report(&t, &two, "垃圾没清").await;
    // A notice for everyone: 101 reads it at once, 102 two days later, 201 never.
    let notice = admin::notices::publish(
        t.hub(),
        c,
        &linli_hub::store::NewNotice {
            title: "停水通知".into(),
            body: "周五停水".into(),
            urgency: linli_proto::Urgency::Normal,
            pinned: false,
            expires_at: None,
            buildings: vec![],
        },
    )
    .unwrap();
    let read = OpBody::MarkNoticeRead { notice_id: notice };
    assert_eq!(t.push1(&one, read.clone()).await.status, OpStatus::Applied);
    // A consultation 101 votes in.
    let (consultation, options) = t.consultation(linli_proto::VoteScope::PerHousehold);
    let vote = OpBody::CastVote {
        consultation_id: consultation,
        option_ids: vec![options[0]],
    };
    assert_eq!(t.push1(&one, vote).await.status, OpStatus::Applied);
    // First steps after one hour and after three; r1 resolved after three.
    t.clock.advance(Duration::hours(1));
    admin::reports::set_status(t.hub(), c, r1, ReportStatus::Accepted, None).unwrap();
    t.clock.advance(Duration::hours(2));
    admin::reports::set_status(t.hub(), c, r2, ReportStatus::Accepted, None).unwrap();
    admin::reports::set_status(t.hub(), c, r1, ReportStatus::Resolved, None).unwrap();
    t.clock.advance(Duration::days(2));
    assert_eq!(t.push1(&three, read).await.status, OpStatus::Applied);
    // The next week (from Monday 16 November, China Standard Time): one more report.
    t.clock.set(at("2026-11-17T09:00:00+08:00"));
    new_report(&t, &three, "电梯异响").await;

    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (_, grid) = member(&t, c, "网格员", StaffRole::Grid, &["1号楼"]).await;
    let (status, v) = get(
        &t,
        &head,
        &format!("/v1/staff/statistics?{NOVEMBER}&by=grid"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["every"], "week");
    assert_eq!(row(&v, "网格员")["total"], 3, "the grid holds 1号楼: {v}");
    let none = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "")
        .expect("2号楼 is in no grid");
    assert_eq!(none["total"], 1);
    let total = &v["total"];
    assert_eq!(total["total"], 4);
    assert_eq!(total["resolved"], 1);
    assert_eq!(total["overdue_now"], 0);
    assert!(
        total["on_time_rate"].is_null(),
        "nothing had a promised date"
    );
    near(&total["median_hours_to_accept"], 2.0);
    near(&total["p90_hours_to_accept"], 3.0);
    near(&total["median_hours_to_resolve"], 3.0);
    near(&total["p90_hours_to_resolve"], 3.0);
    let trend: Vec<(String, i64)> = v["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        trend,
        vec![("2026-11-09".to_owned(), 3), ("2026-11-16".to_owned(), 1)]
    );
    let reach: Vec<(String, i64, i64, i64)> = v["notice_reach"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["building"].as_str().unwrap().to_owned(),
                r["notices"].as_i64().unwrap(),
                r["households"].as_i64().unwrap(),
                r["read_within_day"].as_i64().unwrap(),
            )
        })
        .collect();
    // 1号楼 holds 101 and 102 only; the test community's other buildings have joined households too.
    assert_eq!(
        reach[0],
        ("1号楼".to_owned(), 1, 2, 1),
        "102 read it too late to count"
    );
    let b2 = reach.iter().find(|r| r.0 == "2号楼").unwrap();
    assert_eq!((b2.1, b2.3), (1, 0), "no one in 2号楼 read it");
    assert!(b2.2 >= 1);
    let households: i64 = reach.iter().map(|r| r.2).sum();
    assert_eq!(
        v["turnout"][0]["households"], households,
        "the same households may vote"
    );
    assert_eq!(v["turnout"][0]["voted"], 1);

    let (_, v) = get(
        &t,
        &head,
        &format!("/v1/staff/statistics?{NOVEMBER}&by=source&every=month"),
    )
    .await;
    assert_eq!(row(&v, "app")["total"], 4, "{v}");
    assert_eq!(v["trend"][0]["key"], "2026-11-01");

    // The grid worker counts the reading and voting of their grid's households only.
    let (_, v) = get(&t, &grid, &format!("/v1/staff/statistics?{NOVEMBER}")).await;
    assert_eq!(v["total"]["total"], 3, "{v}");
    assert_eq!(v["notice_reach"].as_array().unwrap().len(), 1);
    assert_eq!(v["turnout"][0]["households"], 2);
    assert_eq!(v["turnout"][0]["voted"], 1);
}

/// The benchmark's community (`./dev bench-stats`), small: its seed still fits the schema and the
/// statistics count every report it made, so the command cannot rot unnoticed.
#[path = "../../examples/stats_bench/seed.rs"]
mod seed;

#[tokio::test]
async fn the_benchmark_community_seeds_and_counts() {
    let t = start().await;
    let c = t.community();
    let now = at("2026-12-01T00:00:00Z");
    t.clock.set(now);
    let buildings = seed::seed(&t.dir.path().join(linli_hub::DB_FILE), c, 3, 300, now).unwrap();
    admin::staff::add_with_role(t.hub(), c, "网格员", StaffRole::Grid, &buildings[..2]).unwrap();
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (status, v) = get(
        &t,
        &head,
        "/v1/staff/statistics?from=2025-12-01T00:00:00Z&to=2026-12-01T00:00:01Z&by=grid",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["total"]["total"], 300);
    let by_grid: i64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["total"].as_i64().unwrap())
        .sum();
    assert_eq!(by_grid, 300, "each building in one grid or none");
    assert!(v["total"]["resolved"].as_i64().unwrap() > 100, "{v}");
    assert!(v["total"]["p90_hours_to_resolve"].as_f64().is_some());
}
