//! The 12345 bridge over real HTTP and the real binary, with real files: the hotline's case file
//! (CSV with and without a BOM, XLSX written by rust_xlsxwriter) imported once whatever the channel,
//! a bad file refused whole with each bad row's number and reason in the caller's language, the
//! results read back from the Open311 answer (status_notes, the satisfaction extension) and from the
//! result file (read back with calamine: dates as dates, numbers as numbers, status labels), and
//! the per-key rate limit of Open311 keys.
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use linli_hub::admin;
use linli_hub::api::throttle::Rate;
use linli_hub::domain::staff_scope::StaffRole;
use linli_hub::store::open311::KeyScope;
use linli_proto::{OpBody, OpStatus, ReportStatus, Satisfaction};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::cli::{hub_cmd_as, stdout};
use crate::helpers::{start, TestHub};
use crate::staff::{member, new_report, Session};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const HEADER: &str = "工单编号,来电时间,诉求类别,诉求内容,地址/楼栋,办结时限,来电人电话";

async fn upload(t: &TestHub, s: &Session, lang: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let resp = t
        .http
        .post(t.url("/v1/staff/hotline/import"))
        .header(COOKIE, &s.cookie)
        .header("X-CSRF-Token", &s.csrf)
        .header(ACCEPT_LANGUAGE, lang)
        .body(bytes)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

async fn download(t: &TestHub, s: &Session, path: &str) -> (StatusCode, Vec<u8>) {
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

fn inbox_size(t: &TestHub) -> usize {
    admin::reports::list(
        t.hub(),
        &t.staff(),
        &linli_hub::store::ReportFilter::default(),
    )
    .unwrap()
    .len()
}

fn xlsx_file(rows: &[[&str; 6]], deadline: chrono::NaiveDateTime) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    // The hotline's columns in another order, and one the hub does not take.
    let header = [
        "诉求内容",
        "工单编号",
        "诉求类别",
        "地址",
        "来电人",
        "办结时限",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let at = i as u32 + 1;
        for (c, v) in r.iter().take(5).enumerate() {
            sheet.write_string(at, c as u16, *v).unwrap();
        }
        sheet
            .write_datetime_with_format(at, 5, deadline, &date)
            .unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_hotline_file_goes_in_once_whatever_its_format_and_a_bad_one_not_at_all() {
    let t = start().await;
    let c = t.community();
    t.clock.set(at("2026-12-01T09:00:00+08:00"));
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (_, grid) = member(&t, c, "赵网格员", StaffRole::Grid, &["1号楼"]).await;
    let before = inbox_size(&t);

    // CSV with a BOM; a quoted field holds a comma and a line break; the caller's phone is dropped.
    let csv = format!(
        "\u{FEFF}{HEADER}\r\n\
         GD20261201001,2026-12-01 08:15,市容环境,\"1号楼门口垃圾堆放,\n三天没清\",幸福里社区1号楼,2026-12-05\r\n\
         GD20261201002,2026/12/01 08:40,设施维修,2号楼电梯异响,幸福里社区2号楼,2026-12-03 17:30\r\n"
    );
    let (status, v) = upload(&t, &head, "zh-CN", csv.clone().into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["rows"].as_u64(), v["created"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(inbox_size(&t), before + 2);
    let first: Uuid = v["ids"][0].as_str().unwrap().parse().unwrap();
    let ext = t.hub().store().external_case(first).unwrap().unwrap();
    assert_eq!(ext.source, "12345");
    assert_eq!(ext.external_id.as_deref(), Some("GD20261201001"));
    assert_eq!(ext.hotline_category.as_deref(), Some("市容环境"));
    // A day alone is the end of that day in China Standard Time.
    assert_eq!(ext.hotline_deadline, Some(at("2026-12-05T23:59:59+08:00")));
    // The hotline's category named like a community's category picks it; else `other`.
    let (_, detail) = crate::staff::get(&t, &head, &format!("/v1/staff/reports/{first}")).await;
    assert_eq!(detail["category"], "other", "{detail}");
    assert!(!detail.to_string().contains("来电人电话"));

    // The same file again (here without the BOM): nothing new, and the answer says so.
    let again = csv.trim_start_matches('\u{FEFF}').to_owned();
    let (status, v) = upload(&t, &head, "zh-CN", again.into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["created"].as_u64(), v["existing"].as_u64()),
        (Some(0), Some(2))
    );
    assert!(v["message"].as_str().unwrap().contains("均已导入过"), "{v}");
    assert_eq!(v["ids"][0], first.to_string());
    assert_eq!(inbox_size(&t), before + 2);

    // XLSX with a real date cell, the columns in another order: one known case, one new.
    let deadline = at("2026-12-06T18:00:00+08:00")
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .naive_local();
    let book = xlsx_file(
        &[
            [
                "2号楼电梯异响",
                "GD20261201002",
                "设施维修",
                "2号楼",
                "李先生",
                "",
            ],
            [
                "3号楼楼道堆物",
                "GD20261201003",
                "安全隐患",
                "幸福里社区3号楼",
                "张女士",
                "",
            ],
        ],
        deadline,
    );
    let (status, v) = upload(&t, &head, "zh-CN", book).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["created"].as_u64(), v["existing"].as_u64()),
        (Some(1), Some(1))
    );
    let third: Uuid = v["ids"][1].as_str().unwrap().parse().unwrap();
    let ext = t.hub().store().external_case(third).unwrap().unwrap();
    assert_eq!(ext.hotline_deadline, Some(at("2026-12-06T18:00:00+08:00")));
    let (_, detail) = crate::staff::get(&t, &head, &format!("/v1/staff/reports/{third}")).await;
    assert_eq!(detail["category"], "safety", "{detail}");
    assert_eq!(inbox_size(&t), before + 3);

    // A bad file: every bad row with its number (the header is row 1) and why; nothing imported,
    // not even its good row.
    let bad = format!(
        "{HEADER}\n\
         GD20261201010,2026-12-01 10:00,环境卫生,好的一行,1号楼,\n\
         GD20261201011,2026-12-01 10:00,环境卫生,,1号楼,\n\
         GD20261201012,2026-12-01 10:00,环境卫生,时限不对,1号楼,下周三\n\
         GD20261201010,2026-12-01 10:00,环境卫生,重复编号,1号楼,\n"
    );
    let (status, v) = upload(&t, &head, "zh-CN", bad.clone().into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "hotline_import_invalid");
    let rows: Vec<(u64, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        [3, 4, 5],
        "{v}"
    );
    assert!(
        rows[0].1.contains("诉求内容") && rows[0].1.contains("为空"),
        "{v}"
    );
    assert!(rows[1].1.contains("下周三"), "{v}");
    assert!(rows[2].1.contains("第 2 行"), "{v}");
    assert_eq!(inbox_size(&t), before + 3);
    let (_, v) = upload(&t, &head, "en-US", bad.into_bytes()).await;
    assert!(
        v["rows"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("is empty"),
        "{v}"
    );
    let (status, v) = upload(&t, &head, "zh-CN", "工单编号,诉求内容\nX,Y\n".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("缺少“诉求类别”列"), "{v}");

    // The hotline POSTing the same case over Open311 (a 12345 key) finds the imported one; the
    // import's own mark is no key anyone can list or call with.
    let (_, write) =
        admin::open311::add_key(t.hub(), "12345中心", KeyScope::Write, "12345").unwrap();
    let posted = t
        .http
        .post(t.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", write.as_str()),
            ("jurisdiction_id", c.to_string().as_str()),
            ("service_code", "other"),
            ("address_string", "幸福里社区1号楼"),
            ("description", "同一件"),
            ("attribute[external_id]", "GD20261201001"),
        ])
        .send()
        .await
        .unwrap();
    let v: Value = posted.json().await.unwrap();
    assert_eq!(v[0]["service_request_id"], first.to_string(), "{v}");
    assert_eq!(inbox_size(&t), before + 3);
    let keys = admin::open311::list_keys(t.hub()).unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(admin::open311::authenticate(t.hub(), Some("file-import:12345")).is_err());

    // Only the community's head imports.
    let (status, v) = upload(&t, &grid, "zh-CN", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");

    // The binary: the same file once more creates nothing; a new one goes in.
    let dir = t.dir.path();
    let file = dir.join("12345.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\nGD20261201001,,市容环境,x,1号楼,\nGD20261201020,,噪音扰民,夜间施工,3号楼,\n"
        ),
    )
    .unwrap();
    let out = hub_cmd_as(dir, None, &["hotline", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("新建 1 件，已有 1 件"),
        "{}",
        stdout(&out)
    );
    assert_eq!(inbox_size(&t), before + 4);
    std::fs::write(
        &file,
        format!("{HEADER}\nGD20261201030,,噪音扰民,,3号楼,\n"),
    )
    .unwrap();
    let out = hub_cmd_as(dir, None, &["hotline", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("第 2 行") && err.contains("诉求内容"), "{err}");
    assert_eq!(inbox_size(&t), before + 4);
}

#[tokio::test]
async fn results_go_back_in_the_open311_answer_and_in_the_hotlines_columns() {
    let t = start().await;
    let c = t.community();
    t.clock.set(at("2026-12-01T09:00:00+08:00"));
    let (head_id, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let csv = format!(
        "{HEADER}\nGD1,,设施维修,路灯不亮,1号楼,2026-12-02\nGD2,,环境卫生,垃圾没清,2号楼,2026-12-10\n"
    );
    let (_, v) = upload(&t, &head, "zh-CN", csv.into_bytes()).await;
    let one: Uuid = v["ids"][0].as_str().unwrap().parse().unwrap();
    // One case resolved late with a reply; the other accepted and still open in time.
    t.clock.set(at("2026-12-03T10:00:00+08:00"));
    admin::reports::set_status(t.hub(), c, one, ReportStatus::Accepted, Some("已派物业")).unwrap();
    admin::reports::set_status(t.hub(), c, one, ReportStatus::Resolved, Some("路灯已更换"))
        .unwrap();
    let two: Uuid = v["ids"][1].as_str().unwrap().parse().unwrap();
    admin::reports::set_status(t.hub(), c, two, ReportStatus::Accepted, Some("已受理")).unwrap();
    // A resident's own report, rated at the follow-up.
    let dev = t.join("1号楼", "1单元", "101").await;
    let hers = new_report(&t, &dev, "楼道灯坏了").await;
    admin::reports::set_status(t.hub(), c, hers, ReportStatus::Accepted, Some("收到")).unwrap();
    admin::reports::set_status(t.hub(), c, hers, ReportStatus::Resolved, Some("修好了")).unwrap();
    let rate = OpBody::RateReport {
        report_id: hers,
        satisfaction: Satisfaction::Basic,
        comment: None,
    };
    assert_eq!(t.push1(&dev, rate).await.status, OpStatus::Applied);

    // Open311: status_notes from the staff reply, satisfaction as the documented extension field.
    let (_, key) = admin::open311::add_key(t.hub(), "12345中心", KeyScope::Read, "12345").unwrap();
    let jurisdiction = c.to_string();
    let get = |id: Uuid| {
        let url = t.url(&format!("/open311/v2/requests/{id}.json"));
        let q = [
            ("api_key", key.clone()),
            ("jurisdiction_id", jurisdiction.clone()),
        ];
        let http = t.http.clone();
        async move {
            let resp = http.get(url).query(&q).send().await.unwrap();
            let v: Value = resp.json().await.unwrap();
            v[0].clone()
        }
    };
    let r = get(one).await;
    assert_eq!(
        (r["status"].as_str(), r["status_notes"].as_str()),
        (Some("closed"), Some("路灯已更换"))
    );
    assert!(r.get("satisfaction").is_some_and(Value::is_null), "{r}");
    let r = get(hers).await;
    assert_eq!(r["satisfaction"], "basic", "{r}");
    let xml = t
        .http
        .get(t.url(&format!("/open311/v2/requests/{hers}.xml")))
        .query(&[("api_key", &key), ("jurisdiction_id", &jurisdiction)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.contains("<media_url/><satisfaction>basic</satisfaction>"),
        "{xml}"
    );

    // The result file over HTTP (signed in again: two days passed), read back: dates as dates, 是否超期 a boolean, days a number.
    let head = crate::staff::sign_in(&t, head_id).await;
    let (status, bytes) = download(&t, &head, "/v1/staff/hotline/export?since=2026-12-01").await;
    assert_eq!(status, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    for col in [
        "工单编号",
        "办理结果",
        "办结时间",
        "承办单位",
        "回访满意度",
        "是否超期",
        "办理状态",
    ] {
        assert!(header.iter().any(|h| h == col), "{header:?}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        rows.len(),
        3,
        "the two cases from the hotline, not her report"
    );
    let gd1 = rows
        .iter()
        .find(|r| r[0] == Data::String("GD1".into()))
        .unwrap();
    assert_eq!(gd1[col("办理结果")], Data::String("路灯已更换".into()));
    assert_eq!(gd1[col("办理状态")], Data::String("已办结".into()));
    assert_eq!(gd1[col("是否超期")], Data::Bool(true));
    let Data::DateTime(done) = &gd1[col("办结时间")] else {
        panic!("{:?}", gd1[col("办结时间")])
    };
    assert_eq!(
        done.as_datetime().unwrap().to_string(),
        "2026-12-03 10:00:00",
        "China Standard Time"
    );
    assert!(matches!(gd1[col("办理用时（天）")], Data::Float(d) if (d - 2.0).abs() < 0.05));
    let gd2 = rows
        .iter()
        .find(|r| r[0] == Data::String("GD2".into()))
        .unwrap();
    assert_eq!(gd2[col("办理状态")], Data::String("已受理".into()));
    assert_eq!(gd2[col("是否超期")], Data::Bool(false));

    // CSV from the binary, and a since after both cases: none.
    let dir = t.dir.path();
    let out_file = dir.join("results.csv");
    let out = hub_cmd_as(
        dir,
        None,
        &[
            "hotline",
            "export",
            "--since",
            "2026-12-01",
            "--format",
            "csv",
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.starts_with("\u{FEFF}工单编号,"), "{text}");
    assert!(
        text.contains("GD1,设施维修,2026-12-01 09:00:00,已办结,路灯已更换,2026-12-03 10:00:00"),
        "{text}"
    );
    let (_, bytes) = download(
        &t,
        &head,
        "/v1/staff/hotline/export?since=2026-12-02&format=csv",
    )
    .await;
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 1);
    let (status, _) = download(&t, &head, "/v1/staff/hotline/export?since=12月").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_open311_key_that_floods_waits_alone() {
    let t = start().await;
    t.hub().set_open311_rate(Rate {
        per_minute: 6,
        burst: 3,
    });
    let (_, noisy) =
        admin::open311::add_key(t.hub(), "城管平台", KeyScope::Read, "open311").unwrap();
    let (_, calm) = admin::open311::add_key(t.hub(), "12345中心", KeyScope::Read, "12345").unwrap();
    let jurisdiction = t.community().to_string();
    let call = |key: String, format: &'static str| {
        let url = t.url(&format!("/open311/v2/services.{format}"));
        let http = t.http.clone();
        let q = [("api_key", key), ("jurisdiction_id", jurisdiction.clone())];
        async move { http.get(url).query(&q).send().await.unwrap() }
    };
    for _ in 0..3 {
        assert_eq!(call(noisy.clone(), "json").await.status(), StatusCode::OK);
    }
    let resp = call(noisy.clone(), "xml").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    let body = resp.text().await.unwrap();
    assert!(body.contains("<errors><error><code>429</code>"), "{body}");
    // Another key is not held up by it; an unknown key is still refused, not counted.
    assert_eq!(call(calm, "json").await.status(), StatusCode::OK);
    assert_eq!(
        call("nope".into(), "json").await.status(),
        StatusCode::FORBIDDEN
    );
}
