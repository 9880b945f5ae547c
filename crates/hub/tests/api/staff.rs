//! The console's staff API over real HTTP: first passwords through one-time links, sign-in with a
//! session cookie, the lockout, CSRF, session timeouts, and the inbox scoped to one community.
use chrono::Duration;
use linli_hub::admin;
use linli_hub::domain::staff_scope::StaffRole;
use linli_proto::{OpBody, OpStatus, Record, ReportStatus};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{report_body, start, Device, TestHub};

pub(crate) const PASSWORD: &str = "correct horse battery";

/// A staff member of `community` who has set [`PASSWORD`] through their one-time link.
pub(crate) async fn staff_with_password(t: &TestHub, community: Uuid) -> Uuid {
    let staff = admin::staff::add(t.hub(), community, "李社工", true).unwrap();
    let link = admin::staff_auth::issue_link(t.hub(), staff.id).unwrap();
    let (status, _) = set_password(t, &link, PASSWORD).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    staff.id
}

pub(crate) async fn set_password(t: &TestHub, link: &str, password: &str) -> (StatusCode, Value) {
    let resp = t
        .http
        .post(t.url("/v1/staff/password"))
        .json(&json!({"link": link, "password": password}))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A signed-in session: the cookie to send back and the CSRF token.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

async fn sign_in_raw(t: &TestHub, staff: Uuid, password: &str) -> reqwest::Response {
    t.http
        .post(t.url("/v1/staff/session"))
        .header(ACCEPT_LANGUAGE, "en-US")
        .json(&json!({"staff_id": staff, "password": password}))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn sign_in(t: &TestHub, staff: Uuid) -> Session {
    let resp = sign_in_raw(t, staff, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let set = resp.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let cookie = set.split(';').next().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

pub(crate) async fn get(t: &TestHub, s: &Session, path: &str) -> (StatusCode, Value) {
    let resp = t
        .http
        .get(t.url(path))
        .header(COOKIE, &s.cookie)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

async fn set_status(
    t: &TestHub,
    s: &Session,
    csrf: Option<&str>,
    report: Uuid,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = t
        .http
        .post(t.url(&format!("/v1/staff/reports/{report}/status")))
        .header(COOKIE, &s.cookie)
        .json(&body);
    if let Some(c) = csrf {
        req = req.header("X-CSRF-Token", c);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn new_report(t: &TestHub, dev: &Device, text: &str) -> Uuid {
    let body = report_body("environment", text);
    let OpBody::CreateReport { report_id, .. } = body else {
        unreachable!()
    };
    assert_eq!(t.push1(dev, body).await.status, OpStatus::Applied);
    report_id
}

#[tokio::test]
async fn a_setup_link_sets_a_long_enough_password_once() {
    let t = start().await;
    let staff = admin::staff::add(t.hub(), t.community(), "王主任", false).unwrap();
    let link = admin::staff_auth::issue_link(t.hub(), staff.id).unwrap();
    let (status, body) = set_password(&t, &link, "short").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "password_too_short");
    assert!(body["message"].as_str().unwrap().contains("12"));
    // A refused password leaves the link usable.
    assert_eq!(
        set_password(&t, &link, PASSWORD).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body) = set_password(&t, &link, "another long password").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "staff_link_invalid");
    // Before the password is set, nobody signs in as them; after, the password works.
    let resp = sign_in_raw(&t, staff.id, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::OK);

    // An expired link does nothing.
    let late = admin::staff::add(t.hub(), t.community(), "赵网格员", false).unwrap();
    let link = admin::staff_auth::issue_link(t.hub(), late.id).unwrap();
    t.clock.advance(Duration::hours(73));
    assert_eq!(
        set_password(&t, &link, PASSWORD).await.0,
        StatusCode::NOT_FOUND
    );
    let resp = sign_in_raw(&t, late.id, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_right_one_gives_a_strict_cookie() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    let resp = sign_in_raw(&t, staff, "not the password").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().get(SET_COOKIE).is_none());
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "staff_sign_in_failed");
    assert_eq!(body["message"], "Wrong staff id or password");
    // An unknown id answers exactly the same.
    let resp = sign_in_raw(&t, Uuid::now_v7(), PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let unknown: Value = resp.json().await.unwrap();
    assert_eq!(unknown, body);

    let resp = sign_in_raw(&t, staff, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.split("; ").any(|a| a == attr), "{attr} in {cookie}");
    }
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["staff_id"], staff.to_string());
    assert_eq!(body["csrf_token"].as_str().unwrap().len(), 64);
    // The hub keeps the session's hash, never the cookie itself.
    let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    for file in ["hub.db", "hub.db-wal"] {
        let path = t.dir.path().join(file);
        if file == "hub.db" || path.exists() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
        }
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_a_while_that_grows() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    for _ in 0..5 {
        assert_eq!(
            sign_in_raw(&t, staff, "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Locked: even the right password is refused, in the request's language.
    let resp = sign_in_raw(&t, staff, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "staff_locked");
    let zh: Value = t
        .http
        .post(t.url("/v1/staff/session"))
        .json(&json!({"staff_id": staff, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(zh["message"], "密码或验证码错误次数太多，请稍后再试");

    t.clock.advance(Duration::seconds(31));
    // A sixth wrong password locks it again, for twice as long.
    assert_eq!(
        sign_in_raw(&t, staff, "guess").await.status(),
        StatusCode::UNAUTHORIZED
    );
    t.clock.advance(Duration::seconds(31));
    assert_eq!(
        sign_in_raw(&t, staff, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    t.clock.advance(Duration::seconds(30));
    assert_eq!(
        sign_in_raw(&t, staff, PASSWORD).await.status(),
        StatusCode::OK
    );
    // The right password clears the count: four wrong ones now lock nothing.
    for _ in 0..4 {
        sign_in_raw(&t, staff, "guess").await;
    }
    assert_eq!(
        sign_in_raw(&t, staff, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_status_change_needs_the_csrf_token_and_reaches_the_resident() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "楼道灯坏了").await;
    let staff = staff_with_password(&t, t.community()).await;
    let s = sign_in(&t, staff).await;

    let accept = json!({"status": "accepted", "reply": "明天上午修"});
    let (status, body) = set_status(&t, &s, None, report, accept.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "csrf_invalid");
    let (status, _) = set_status(
        &t,
        &s,
        Some("0".repeat(64).as_str()),
        report,
        accept.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, mine) = t.get(&dev, &format!("/v1/reports/{report}")).await;
    assert_eq!(mine["status"], "submitted");

    let (status, body) = set_status(&t, &s, Some(&s.csrf), report, accept).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "accepted");
    // The resident's device sees it on its next pull.
    let pulled = t
        .replica(&dev)
        .await
        .into_iter()
        .find_map(|r| match r {
            Record::Report(r) if r.id == report => Some(r),
            _ => None,
        })
        .expect("the report in the resident's replica");
    assert_eq!(pulled.status, ReportStatus::Accepted);
    assert!(pulled
        .events
        .iter()
        .any(|e| e.text.as_deref() == Some("明天上午修")));

    // The record keeps who did it.
    let db = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let by: String = db
        .query_row(
            "SELECT staff_id FROM report_events WHERE report_id = ?1 AND status = 'accepted'",
            [report.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by, staff.to_string());

    // The rules are the admin functions': rejecting needs a reason, in any face.
    let (status, body) =
        set_status(&t, &s, Some(&s.csrf), report, json!({"status": "rejected"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "reason_required");
}

#[tokio::test]
async fn the_inbox_is_newest_first_filters_by_status_and_logs_each_detail_view() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let first = new_report(&t, &dev, "第一件").await;
    let second = new_report(&t, &dev, "第二件").await;
    let staff = staff_with_password(&t, t.community()).await;
    let s = sign_in(&t, staff).await;

    let (status, list) = get(&t, &s, "/v1/staff/reports").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.to_string(), first.to_string()]);
    assert_eq!(list[0]["household"]["building"], "1号楼");

    let (status, _) = set_status(&t, &s, Some(&s.csrf), first, json!({"status": "accepted"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, accepted) = get(&t, &s, "/v1/staff/reports?status=accepted").await;
    assert_eq!(accepted.as_array().unwrap().len(), 1);
    assert_eq!(accepted[0]["id"], first.to_string());
    let (status, _) = get(&t, &s, "/v1/staff/reports?status=nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, detail) = get(&t, &s, &format!("/v1/staff/reports/{first}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["text"], "第一件");
    assert!(detail["events"].as_array().unwrap().len() >= 2);
    let me = admin::staff::resolve(t.hub(), staff).unwrap();
    let log = admin::staff::access_log(t.hub(), &me).unwrap();
    assert!(log
        .iter()
        .any(|e| e.staff_id == Some(staff)
            && e.record_id.as_deref() == Some(first.to_string().as_str())));
}

#[tokio::test]
async fn staff_of_another_community_find_no_report_of_this_one() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "垃圾站满了").await;
    let other = staff_with_password(&t, t.second_community()).await;
    let s = sign_in(&t, other).await;
    let (status, body) = get(&t, &s, &format!("/v1/staff/reports/{report}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "report_not_found");
    let (status, body) =
        set_status(&t, &s, Some(&s.csrf), report, json!({"status": "accepted"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "report_not_found");
    let (_, list) = get(&t, &s, "/v1/staff/reports").await;
    assert_eq!(list, json!([]));
    let (_, mine) = t.get(&dev, &format!("/v1/reports/{report}")).await;
    assert_eq!(mine["status"], "submitted");
}

#[tokio::test]
async fn sessions_end_idle_after_30_minutes_busy_after_12_hours_and_on_sign_out() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;

    let idle = sign_in(&t, staff).await;
    t.clock.advance(Duration::minutes(29));
    assert_eq!(get(&t, &idle, "/v1/staff/reports").await.0, StatusCode::OK);
    t.clock.advance(Duration::minutes(30));
    let (status, body) = get(&t, &idle, "/v1/staff/reports").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");

    let busy = sign_in(&t, staff).await;
    for _ in 0..((12 * 60) / 20 - 1) {
        t.clock.advance(Duration::minutes(20));
        assert_eq!(get(&t, &busy, "/v1/staff/reports").await.0, StatusCode::OK);
    }
    t.clock.advance(Duration::minutes(20));
    assert_eq!(
        get(&t, &busy, "/v1/staff/reports").await.0,
        StatusCode::UNAUTHORIZED
    );

    let s = sign_in(&t, staff).await;
    let out = |csrf: Option<&str>| {
        let mut req = t
            .http
            .delete(t.url("/v1/staff/session"))
            .header(COOKIE, &s.cookie);
        if let Some(c) = csrf {
            req = req.header("X-CSRF-Token", c);
        }
        req.send()
    };
    assert_eq!(out(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    let resp = out(Some(&s.csrf)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        get(&t, &s, "/v1/staff/reports").await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A signed-in staff member with a role (and a grid of buildings).
pub(crate) async fn member(
    t: &TestHub,
    community: Uuid,
    name: &str,
    role: StaffRole,
    buildings: &[&str],
) -> (Uuid, Session) {
    let b: Vec<String> = buildings.iter().map(|s| s.to_string()).collect();
    let staff = admin::staff::add_with_role(t.hub(), community, name, role, &b).unwrap();
    let link = admin::staff_auth::issue_link(t.hub(), staff.id).unwrap();
    assert_eq!(
        set_password(t, &link, PASSWORD).await.0,
        StatusCode::NO_CONTENT
    );
    let s = sign_in(t, staff.id).await;
    (staff.id, s)
}

/// Any staff request, with the session's cookie and CSRF token (none without a session).
pub(crate) async fn call(
    t: &TestHub,
    s: Option<&Session>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = t.http.request(method, t.url(path));
    if let Some(s) = s {
        req = req
            .header(COOKIE, &s.cookie)
            .header("X-CSRF-Token", &s.csrf);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_role_reaches_exactly_its_scope_on_every_staff_route() {
    use reqwest::Method;
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let report = new_report(&t, &dev, "1号楼楼道灯坏了").await;
    let c = t.community();
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (_, grid) = member(&t, c, "赵网格员", StaffRole::Grid, &["1号楼"]).await;
    let (_, grid_other) = member(&t, c, "钱网格员", StaffRole::Grid, &["2号楼"]).await;
    let (unit_id, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    let (_, unit_other) = member(&t, c, "供暖公司", StaffRole::Unit, &[]).await;
    let (_, data) = member(&t, c, "孙专员", StaffRole::Data, &[]).await;
    let other_c = t.second_community();
    let (_, street) = member(&t, other_c, "街道办", StaffRole::Street, &[]).await;
    let (_, stranger) = member(&t, other_c, "安康苑主任", StaffRole::Head, &[]).await;
    let actor = t.staff();
    admin::dispatch::dispatch(t.hub(), &actor, report, unit_id, None).unwrap();

    let roles: [(&str, Option<&Session>); 9] = [
        ("none", None),
        ("head", Some(&head)),
        ("grid", Some(&grid)),
        ("grid_other", Some(&grid_other)),
        ("unit_other", Some(&unit_other)),
        ("data", Some(&data)),
        ("street", Some(&street)),
        ("stranger", Some(&stranger)),
        ("unit", Some(&unit)),
    ];
    let r = format!("/v1/staff/reports/{report}");
    let routes: Vec<(&str, Method, String, Option<Value>)> = vec![
        ("list", Method::GET, "/v1/staff/reports".into(), None),
        ("show", Method::GET, r.clone(), None),
        (
            "note",
            Method::POST,
            format!("{r}/notes"),
            Some(json!({"text": "内部"})),
        ),
        (
            "dispatch",
            Method::POST,
            format!("{r}/dispatch"),
            Some(json!({"assignee": unit_id})),
        ),
        ("sign", Method::POST, format!("{r}/sign"), None),
        (
            "status",
            Method::POST,
            format!("{r}/status"),
            Some(json!({"status": "accepted"})),
        ),
        ("log", Method::GET, "/v1/staff/access-log".into(), None),
        ("assignees", Method::GET, "/v1/staff/assignees".into(), None),
        // Every member enrols their own authenticator, whatever their role.
        ("totp", Method::POST, "/v1/staff/totp".into(), None),
        (
            "return",
            Method::POST,
            format!("{r}/return"),
            Some(json!({"reason": "不归我们管"})),
        ),
    ];
    // What each role gets on each route: 200 allowed, 403 seen but not theirs to do, 404 out of scope,
    // 401 without a session; `list` answers whether the report is in the inbox.
    let expect = |role: &str, route: &str| -> u16 {
        let sees = matches!(role, "head" | "grid" | "unit" | "street");
        match (role, route) {
            ("none", _) => 401,
            (_, "assignees" | "totp") => 200,
            ("data", "log") => 200,
            (_, "log") => 403,
            (_, "list") => u16::from(sees),
            _ if !sees => 404,
            ("street", "show") => 200,
            ("street", _) => 403,
            (_, "show" | "note" | "status") => 200,
            ("unit", "sign" | "return") => 200,
            (_, "sign" | "return") => 403,
            ("unit", "dispatch") => 403,
            (_, "dispatch") => 200,
            _ => unreachable!(),
        }
    };
    for (route, method, path, body) in &routes {
        for (role, s) in &roles {
            let (status, got) = call(&t, *s, method.clone(), path, body.clone()).await;
            let want = expect(role, route);
            if *route == "list" && *role != "none" {
                assert_eq!(status, StatusCode::OK, "{role} {route}");
                let listed = got
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["id"] == report.to_string());
                assert_eq!(u16::from(listed), want, "{role} {route}: {got}");
                continue;
            }
            // A status change allowed by the scope may still be refused by the lifecycle (only the
            // first `accepted` moves the report on): 409 means the scope let it through.
            let ok = status.as_u16() == want
                || (*route == "status" && want == 200 && status == StatusCode::CONFLICT);
            assert!(ok, "{role} {route}: {status} {got}");
            if want == 404 {
                assert_eq!(got["code"], "report_not_found", "{role} {route}");
            }
        }
    }
}
