//! Dispatch (派单) over real HTTP and through the `linli-hub` binary: the deadline from the category's
//! time limit in working days, signing for and sending back, reassigning, the overdue list under a
//! moved clock, what the resident's device sees, and internal notes that never reach a device.
use chrono::{DateTime, Duration, Utc};
use linli_hub::admin;
use linli_hub::domain::staff_scope::StaffRole;
use linli_proto::Record;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::cli::{hub_cmd_as, stdout};
use crate::helpers::{start, Device, TestHub};
use crate::staff::{call, get, member, new_report, sign_in, Session};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn post(t: &TestHub, s: &Session, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    call(t, Some(s), Method::POST, path, body).await
}

/// The resident's copy of the report, from their device's pull.
async fn residents_copy(t: &TestHub, dev: &Device, id: Uuid) -> linli_proto::Report {
    t.replica(dev)
        .await
        .into_iter()
        .find_map(|r| match r {
            Record::Report(r) if r.id == id => Some(r),
            _ => None,
        })
        .expect("the report in the resident's replica")
}

#[tokio::test]
async fn a_dispatch_promises_the_category_time_limit_in_working_days_and_the_unit_resolves_it() {
    let t = start().await;
    // Thursday 3 Dec 2026, 10:00 in Beijing.
    t.clock.set(at("2026-12-03T10:00:00+08:00"));
    let c = t.community();
    admin::dispatch::set_time_limit(t.hub(), c, Some("environment"), 3).unwrap();
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "垃圾站满了").await;
    let (head_id, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (unit_id, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    let r = format!("/v1/staff/reports/{report}");

    // Before the dispatch the unit does not know the report exists.
    assert_eq!(get(&t, &unit, &r).await.0, StatusCode::NOT_FOUND);
    let (status, body) = post(
        &t,
        &head,
        &format!("{r}/dispatch"),
        Some(json!({"assignee": unit_id})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Three working days from Thursday skip the weekend: Tuesday 8 Dec, end of the day.
    let promised = at("2026-12-08T23:59:59+08:00");
    let mine = residents_copy(&t, &dev, report).await;
    let handling = mine.handling.expect("the resident sees who handles it");
    assert_eq!(handling.unit, "物业");
    assert_eq!(handling.deadline, promised);
    assert!(!handling.signed);
    // The steps themselves stay on the staff side.
    assert_eq!(mine.events.len(), 1);

    let (status, body) = post(&t, &unit, &format!("{r}/sign"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["handling"]["signed"], true);
    let (status, body) = post(&t, &unit, &format!("{r}/sign"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "signing twice: {body}");
    let (status, body) = post(
        &t,
        &unit,
        &format!("{r}/status"),
        Some(json!({"status": "resolved", "reply": "已清运"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, detail) = get(&t, &head, &r).await;
    assert_eq!(detail["assignee"]["name"], "物业");
    assert_eq!(detail["deadline"], json!(promised));
    let steps: Vec<(&str, &str)> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap(),
                s["by"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(steps, vec![("dispatched", "王主任"), ("signed", "物业")]);
    assert_eq!(detail["steps"][0]["text"], "物业");

    // The record keeps who took each step.
    let db = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let by: Vec<String> = db
        .prepare("SELECT staff_id FROM report_events WHERE report_id = ?1 AND staff_id IS NOT NULL ORDER BY ord")
        .unwrap()
        .query_map([report.to_string()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        by,
        vec![
            head_id.to_string(),
            unit_id.to_string(),
            unit_id.to_string()
        ]
    );
    // A resolved report is finished: no more dispatching.
    let (status, _) = post(
        &t,
        &head,
        &format!("{r}/dispatch"),
        Some(json!({"assignee": unit_id})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_report_past_its_promised_date_is_flagged_and_listed_until_resolved() {
    let t = start().await;
    t.clock.set(at("2026-12-07T09:00:00+08:00"));
    let c = t.community();
    let dev = t.join("1号楼", "1单元", "101").await;
    let late = new_report(&t, &dev, "路灯不亮").await;
    let on_time = new_report(&t, &dev, "井盖松动").await;
    let (head_id, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (grid_id, _) = member(&t, c, "赵网格员", StaffRole::Grid, &["1号楼"]).await;
    for (id, deadline) in [
        (late, "2026-12-08T18:00:00+08:00"),
        (on_time, "2026-12-20T18:00:00+08:00"),
    ] {
        let (status, body) = post(
            &t,
            &head,
            &format!("/v1/staff/reports/{id}/dispatch"),
            Some(json!({"assignee": grid_id, "deadline": deadline})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let overdue_ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, list) = get(&t, &head, "/v1/staff/reports?overdue=true").await;
    assert!(overdue_ids(&list).is_empty(), "{list}");

    t.clock.advance(Duration::days(2));
    // Two days on, the morning's session has ended: sign in again.
    let head = sign_in(&t, head_id).await;
    let (_, list) = get(&t, &head, "/v1/staff/reports?overdue=true").await;
    assert_eq!(overdue_ids(&list), vec![late.to_string()]);
    let (_, all) = get(&t, &head, "/v1/staff/reports").await;
    let flagged: Vec<(String, bool)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["overdue"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(flagged.contains(&(late.to_string(), true)));
    assert!(flagged.contains(&(on_time.to_string(), false)));

    let (status, _) = post(
        &t,
        &head,
        &format!("/v1/staff/reports/{late}/status"),
        Some(json!({"status": "resolved", "reply": "已修好"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = get(&t, &head, "/v1/staff/reports?overdue=true").await;
    assert!(overdue_ids(&list).is_empty(), "{list}");
}

#[tokio::test]
async fn a_unit_sends_a_report_back_with_a_reason_and_it_is_reassigned() {
    let t = start().await;
    let c = t.community();
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "暖气不热").await;
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (other_head, _) = member(&t, c, "李书记", StaffRole::Head, &[]).await;
    let (unit_id, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    let (heating_id, heating) = member(&t, c, "供暖公司", StaffRole::Unit, &[]).await;
    let (far_unit, _) = member(&t, t.second_community(), "安康苑物业", StaffRole::Unit, &[]).await;
    let r = format!("/v1/staff/reports/{report}");

    // Only grid workers and units of the community take a dispatch.
    for wrong in [other_head, far_unit, Uuid::now_v7()] {
        let (status, body) = post(
            &t,
            &head,
            &format!("{r}/dispatch"),
            Some(json!({"assignee": wrong})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["code"], "assignee_invalid");
    }
    post(
        &t,
        &head,
        &format!("{r}/dispatch"),
        Some(json!({"assignee": unit_id})),
    )
    .await;
    let (status, body) = post(
        &t,
        &unit,
        &format!("{r}/return"),
        Some(json!({"reason": "  "})),
    )
    .await;
    assert_eq!(body["code"], "reason_required", "{status}");
    let (status, body) = post(
        &t,
        &unit,
        &format!("{r}/return"),
        Some(json!({"reason": "暖气归供暖公司"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("handling").is_none(), "{body}");
    assert!(residents_copy(&t, &dev, report).await.handling.is_none());
    // Sent back, the report is out of the unit's sight again.
    assert_eq!(get(&t, &unit, &r).await.0, StatusCode::NOT_FOUND);

    let (status, _) = post(
        &t,
        &head,
        &format!("{r}/dispatch"),
        Some(json!({"assignee": heating_id})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&t, &heating, &r).await.0, StatusCode::OK);
    let (_, detail) = get(&t, &head, &r).await;
    let kinds: Vec<&str> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["dispatched", "returned", "dispatched"]);
    assert_eq!(detail["steps"][1]["text"], "暖气归供暖公司");
    assert_eq!(
        residents_copy(&t, &dev, report)
            .await
            .handling
            .unwrap()
            .unit,
        "供暖公司"
    );
}

#[tokio::test]
async fn internal_notes_never_reach_a_residents_device() {
    let t = start().await;
    let c = t.community();
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "楼上漏水").await;
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let secret = "住户情绪激动，先电话沟通-内部备注7f3a";
    let r = format!("/v1/staff/reports/{report}");
    let (status, body) = post(
        &t,
        &head,
        &format!("{r}/notes"),
        Some(json!({"text": secret})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["by"]["name"], "王主任");
    let (status, body) = post(&t, &head, &format!("{r}/notes"), Some(json!({"text": ""}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A status change after the note sends the report to the device again.
    post(
        &t,
        &head,
        &format!("{r}/status"),
        Some(json!({"status": "accepted"})),
    )
    .await;

    let (_, detail) = get(&t, &head, &r).await;
    assert_eq!(detail["notes"][0]["text"], secret);
    let pulled = serde_json::to_string(&t.pull_all(&dev).await).unwrap();
    assert!(
        pulled.contains(&report.to_string()),
        "the report was pulled"
    );
    assert!(
        !pulled.contains("内部备注7f3a"),
        "a note reached the device"
    );
    let (_, mine) = t.get(&dev, &format!("/v1/reports/{report}")).await;
    assert!(!mine.to_string().contains("内部备注7f3a"));
}

#[tokio::test]
async fn the_binary_dispatches_signs_and_returns_through_the_same_rules() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "电梯异响").await;
    let dir = t.dir.path();
    let added = hub_cmd_as(
        dir,
        None,
        &["staff", "add", "--name", "物业", "--role", "unit"],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let unit = stdout(&added).trim().to_owned();
    let grid = hub_cmd_as(
        dir,
        None,
        &[
            "staff",
            "add",
            "--name",
            "赵网格员",
            "--role",
            "grid",
            "--buildings",
            "1号楼,2号楼",
        ],
    );
    assert!(
        grid.status.success(),
        "{}",
        String::from_utf8_lossy(&grid.stderr)
    );
    let grid = stdout(&grid).trim().to_owned();
    // A grid is a grid worker's only.
    let out = hub_cmd_as(
        dir,
        None,
        &[
            "staff",
            "add",
            "--name",
            "供暖",
            "--role",
            "unit",
            "--buildings",
            "1号楼",
        ],
    );
    assert!(!out.status.success());
    let head = t.staff().id.to_string();
    let id = report.to_string();

    // The unit may not dispatch; the grid worker of 1号楼 may.
    let refused = hub_cmd_as(
        dir,
        Some(&unit),
        &["report", "dispatch", &id, "--to", &unit],
    );
    assert!(!refused.status.success());
    let out = hub_cmd_as(
        dir,
        Some(&grid),
        &["report", "dispatch", &id, "--to", &unit],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("已派单"), "{}", stdout(&out));
    let out = hub_cmd_as(dir, Some(&head), &["report", "sign", &id]);
    assert!(!out.status.success(), "only the assignee signs");
    let out = hub_cmd_as(dir, Some(&unit), &["report", "sign", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = hub_cmd_as(
        dir,
        Some(&unit),
        &["report", "return", &id, "--reason", "不是电梯公司"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = hub_cmd_as(
        dir,
        Some(&head),
        &["report", "note", &id, "--text", "转电梯维保"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Time limits are the heads': a unit may not set them.
    let out = hub_cmd_as(
        dir,
        Some(&unit),
        &[
            "report",
            "time-limit",
            "--days",
            "2",
            "--category",
            "facilities",
        ],
    );
    assert!(!out.status.success());
    let out = hub_cmd_as(
        dir,
        Some(&head),
        &[
            "report",
            "time-limit",
            "--days",
            "2",
            "--category",
            "environment",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = hub_cmd_as(
        dir,
        Some(&head),
        &["reports", "list", "--overdue", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out).trim(), "[]", "nothing is overdue");
    let out = hub_cmd_as(
        dir,
        Some(&grid),
        &["report", "dispatch", &id, "--to", &unit],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.clock.advance(Duration::days(5));
    let staff = t.staff();
    let overdue = admin::reports::list(
        t.hub(),
        &staff,
        &linli_hub::store::ReportFilter {
            overdue: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(overdue.len(), 1, "two working days passed");
    let r = admin::reports::show(t.hub(), &staff, report).unwrap();
    let kinds: Vec<&str> = r.dispatch.steps.iter().map(|s| s.kind.as_str()).collect();
    // Listing the overdue reports escalated this one to the heads (超期督办), once.
    assert_eq!(
        kinds,
        vec![
            "dispatched",
            "signed",
            "returned",
            "dispatched",
            "escalated"
        ]
    );
    assert_eq!(r.dispatch.steps[0].by.as_ref().unwrap().name, "赵网格员");
    assert_eq!(r.dispatch.notes[0].text, "转电梯维保");
    assert_eq!(r.dispatch.assignee.as_ref().unwrap().name, "物业");
    assert!(r.dispatch.overdue);
}
