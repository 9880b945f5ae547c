//! Case handling over real HTTP: 超期督办 under a moved clock (the heads' list, the escalated step
//! once, the assignee's reminder) and reply templates per community, with who may reach each route.
use chrono::{DateTime, Duration, Utc};
use linli_hub::domain::staff_scope::StaffRole;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::start;
use crate::staff::{call, get, member, new_report, sign_in};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_overdue_report_is_escalated_to_the_head_once_with_a_reminder_to_the_assignee() {
    let t = start().await;
    t.clock.set(at("2026-12-07T09:00:00+08:00"));
    let c = t.community();
    let dev = t.join("1号楼", "1单元", "101").await;
    let late = new_report(&t, &dev, "路灯不亮").await;
    let on_time = new_report(&t, &dev, "井盖松动").await;
    let (head_id, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (unit_id, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    for (id, deadline) in [
        (late, "2026-12-08T18:00:00+08:00"),
        (on_time, "2026-12-20T18:00:00+08:00"),
    ] {
        let (status, body) = call(
            &t,
            Some(&head),
            Method::POST,
            &format!("/v1/staff/reports/{id}/dispatch"),
            Some(json!({"assignee": unit_id, "deadline": deadline})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, list) = get(&t, &head, "/v1/staff/escalations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&list).is_empty(), "{list}");
    let (_, reminders) = get(&t, &unit, "/v1/staff/reminders").await;
    assert_eq!(reminders, json!([]));

    t.clock.advance(Duration::days(2));
    let head = sign_in(&t, head_id).await;
    let unit = sign_in(&t, unit_id).await;
    let (_, list) = get(&t, &head, "/v1/staff/escalations").await;
    assert_eq!(ids(&list), vec![late.to_string()]);
    assert!(list[0]["escalated_at"].is_string(), "{list}");
    // Only the community's heads get the list.
    let (status, body) = get(&t, &unit, "/v1/staff/escalations").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Reading again escalates nothing twice: one step on the timeline, one reminder.
    get(&t, &head, "/v1/staff/escalations").await;
    let (_, detail) = get(&t, &head, &format!("/v1/staff/reports/{late}")).await;
    let kinds: Vec<&str> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["dispatched", "escalated"]);
    assert!(detail["steps"][1]["by"].is_null());
    let (_, reminders) = get(&t, &unit, "/v1/staff/reminders").await;
    let reminders = reminders.as_array().unwrap().clone();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert_eq!(reminders[0]["report_id"], late.to_string());
    assert_eq!(reminders[0]["kind"], "overdue");
    assert!(reminders[0]["read_at"].is_null());
    // The escalation stays on the staff side: the resident's copy has no such step.
    let (_, mine) = t.get(&dev, &format!("/v1/reports/{late}")).await;
    assert!(!mine.to_string().contains("escalated"), "{mine}");

    // Someone else's reminder is not found; the assignee marks theirs read.
    let rid = reminders[0]["id"].as_str().unwrap().to_owned();
    let read = format!("/v1/staff/reminders/{rid}/read");
    let (status, _) = call(&t, Some(&head), Method::POST, &read, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&t, Some(&unit), Method::POST, &read, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["read_at"].is_string());

    // Resolved, it leaves the heads' list.
    let (status, _) = call(
        &t,
        Some(&unit),
        Method::POST,
        &format!("/v1/staff/reports/{late}/status"),
        Some(json!({"status": "resolved", "reply": "已修好"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = get(&t, &head, "/v1/staff/escalations").await;
    assert!(ids(&list).is_empty(), "{list}");
}

#[tokio::test]
async fn the_head_keeps_reply_templates_per_status_and_others_only_read_them() {
    let t = start().await;
    let c = t.community();
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (_, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    let (_, data) = member(&t, c, "孙专员", StaffRole::Data, &[]).await;
    let (_, far_head) = member(&t, t.second_community(), "安康苑主任", StaffRole::Head, &[]).await;
    let post = |s, body: Value| call(&t, Some(s), Method::POST, "/v1/staff/templates", Some(body));

    let (status, made) = post(
        &head,
        json!({"status": "resolved", "title": "已处理", "body": "您反映的问题已处理完毕，感谢监督。"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let (status, body) = post(
        &head,
        json!({"status": "resolved", "title": "已处理", "body": "again"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "template_exists");
    let (status, body) = post(
        &head,
        json!({"status": "resolved", "title": " ", "body": "x"}),
    )
    .await;
    assert_eq!(body["code"], "field_required", "{status}");
    let (status, body) = post(
        &head,
        json!({"status": "submitted", "title": "x", "body": "x"}),
    )
    .await;
    assert_eq!(body["code"], "invalid_transition", "{status}");
    let (status, body) = post(
        &unit,
        json!({"status": "accepted", "title": "x", "body": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let path = format!("/v1/staff/templates/{id}");
    let (status, edited) = call(
        &t,
        Some(&head),
        Method::PUT,
        &path,
        Some(json!({"status": "resolved", "title": "已处理", "body": "已修复，请查看。"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["body"], "已修复，请查看。");

    // The unit reads them to fill a reply; the data officer and another community's head do not.
    let (status, list) = get(&t, &unit, "/v1/staff/templates").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["body"], "已修复，请查看。");
    assert_eq!(
        get(&t, &data, "/v1/staff/templates").await.0,
        StatusCode::FORBIDDEN
    );
    let (_, theirs) = get(&t, &far_head, "/v1/staff/templates").await;
    assert_eq!(theirs, json!([]));
    let (status, _) = call(&t, Some(&far_head), Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&t, Some(&unit), Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&t, Some(&head), Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = get(&t, &head, "/v1/staff/templates").await;
    assert_eq!(list, json!([]));
}
