//! The staff API's notices, door-knock list and consultations over real HTTP: what residents' devices
//! receive, read counts as residents and their relatives read, the door-knock list's contents and
//! order within each role's reach, the outcome of calls recorded, consultations' turnout and the
//! relatives' share, and every role on every one of these routes.
use chrono::Duration;
use linli_hub::domain::staff_scope::StaffRole;
use linli_proto::{OpBody, OpStatus, ProxyScope, Record};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{for_principal, start, Device, TestHub};
use crate::staff::{call, member, sign_in, Session};

async fn publish(t: &TestHub, s: &Session, body: Value) -> (StatusCode, Value) {
    call(t, Some(s), Method::POST, "/v1/staff/notices", Some(body)).await
}

fn notice_id(v: &Value) -> Uuid {
    v["ids"][0].as_str().unwrap().parse().unwrap()
}

/// Whether the device's replica holds the notice (not its tombstone).
async fn sees(t: &TestHub, dev: &Device, id: Uuid) -> bool {
    t.replica(dev)
        .await
        .iter()
        .any(|r| matches!(r, Record::Notice(n) if n.id == id))
}

fn household(t: &TestHub, b: &str, u: &str, r: &str) -> Uuid {
    t.hub()
        .store()
        .find_household(t.community(), b, u, r)
        .unwrap()
        .unwrap()
        .id
}

fn listed(v: &Value) -> Vec<String> {
    v["households"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {v}"))
        .iter()
        .map(|h| {
            format!(
                "{}{}",
                h["unit"].as_str().unwrap(),
                h["room"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn a_notice_reaches_its_buildings_read_counts_move_and_the_door_knock_list_follows() {
    let t = start().await;
    let c = t.community();
    let (head_id, mut head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (grid_id, mut grid) = member(&t, c, "赵网格员", StaffRole::Grid, &["1号楼"]).await;
    let (other_id, _) = member(&t, c, "钱网格员", StaffRole::Grid, &["2号楼"]).await;
    let reader = t.join("1号楼", "1单元", "101").await;
    let principal = t.join("1号楼", "2单元", "202").await;
    let silent = t.join("1号楼", "1单元", "102").await;
    let elsewhere = t.join("2号楼", "1单元", "102").await;
    let daughter = t.join("3号楼", "2单元", "201").await;
    t.grant(&principal, &daughter, &[ProxyScope::ReadNotices], 30)
        .await;

    let (status, v) = publish(
        &t,
        &head,
        json!({"title": "明早停水", "body": "<script>alert(1)</script> 8:00–12:00", "urgency": "urgent",
               "pinned": true, "buildings": ["1号楼"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let id = notice_id(&v);
    assert!(sees(&t, &reader, id).await);
    assert!(!sees(&t, &elsewhere, id).await);
    // A grid worker does not publish; street-wide is the street's.
    let (status, v) = publish(
        &t,
        &grid,
        json!({"title": "x", "body": "y", "urgency": "normal"}),
    )
    .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, _) = publish(
        &t,
        &head,
        json!({"title": "x", "body": "y", "urgency": "normal", "street_wide": true}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = publish(
        &t,
        &head,
        json!({"title": " ", "body": "y", "urgency": "normal"}),
    )
    .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("field_required"))
    );

    // The resident reads it; the daughter reads it for her mother.
    let read = OpBody::MarkNoticeRead { notice_id: id };
    assert_eq!(
        t.push1(&reader, read.clone()).await.status,
        OpStatus::Applied
    );
    let op = for_principal(&daughter, &principal, read);
    assert_eq!(t.push(&daughter, &[op]).await[0].status, OpStatus::Applied);

    let (status, list) = call(&t, Some(&head), Method::GET, "/v1/staff/notices", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["buildings"], json!(["1号楼", "2号楼", "3号楼"]));
    let n = list["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id.to_string())
        .unwrap();
    assert_eq!(n["published_by"], "王主任");
    assert_eq!(n["read_count"], 1);
    assert_eq!(
        n["reads"],
        json!([{"building": "1号楼", "residents": 3, "read": 1, "read_by_relative": 1}])
    );

    // Before the hours are up the list is empty; then, 关怀户 first, households without a device next.
    let care = household(&t, "1号楼", "1单元", "201");
    let (status, _) = call(
        &t,
        Some(&grid),
        Method::PUT,
        &format!("/v1/staff/care-households/{care}"),
        Some(json!({"care": true})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let path = format!("/v1/staff/notices/{id}/door-knock?hours=2");
    let (status, early) = call(&t, Some(&head), Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{early}");
    assert_eq!(early["households"], json!([]));
    t.clock.advance(Duration::hours(3));
    // Sessions end after hours idle: sign in again.
    head = sign_in(&t, head_id).await;
    grid = sign_in(&t, grid_id).await;
    let grid_other = sign_in(&t, other_id).await;
    let (_, knock) = call(&t, Some(&grid), Method::GET, &path, None).await;
    assert_eq!(
        listed(&knock),
        [
            "1单元201",
            "1单元202",
            "2单元101",
            "2单元102",
            "2单元201",
            "1单元102"
        ],
        "{knock}"
    );
    assert_eq!(knock["households"][0]["care"], true);
    assert_eq!(knock["households"][5]["active_devices"], 1);
    let (_, all) = call(&t, Some(&head), Method::GET, &path, None).await;
    assert_eq!(all["households"], knock["households"]);
    let (_, none) = call(&t, Some(&grid_other), Method::GET, &path, None).await;
    assert_eq!(none["households"], json!([]));

    // The grid worker calls; the outcome and note are shown (as text), attributed.
    let knock_path = format!("/v1/staff/notices/{id}/door-knock");
    let note = "<b>老人</b>不在家，\u{202e}邻居说明天回";
    let (status, k) = call(
        &t,
        Some(&grid),
        Method::POST,
        &knock_path,
        Some(json!({"household_id": silent.household_id, "outcome": "not_reached", "note": note})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{k}");
    let (_, knock) = call(&t, Some(&grid), Method::GET, &path, None).await;
    let k = &knock["households"][5]["knocks"][0];
    assert_eq!(
        (k["outcome"].as_str(), k["note"].as_str()),
        (Some("not_reached"), Some(note))
    );
    assert_eq!(k["staff_name"], "赵网格员");
    // Outside the grid, the household is no address this worker may record.
    let (status, v) = call(
        &t,
        Some(&grid_other),
        Method::POST,
        &knock_path,
        Some(json!({"household_id": silent.household_id, "outcome": "visited"})),
    )
    .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_address"))
    );
    // Read now: off the list.
    assert_eq!(
        t.push1(&silent, OpBody::MarkNoticeRead { notice_id: id })
            .await
            .status,
        OpStatus::Applied
    );
    let (_, knock) = call(&t, Some(&grid), Method::GET, &path, None).await;
    assert_eq!(listed(&knock).len(), 5);
    // Every listing is in the access log (the one before the hours were up showed nobody).
    let logged = linli_hub::admin::staff::access_log(
        t.hub(),
        &linli_hub::admin::staff::add(t.hub(), c, "数据专员", true).unwrap(),
    )
    .unwrap()
    .iter()
    .filter(|e| e.action == "door_knock_list")
    .count();
    assert_eq!(logged, 5);

    // Only urgent notices have a list; retracting reaches the devices.
    let (_, v) = publish(
        &t,
        &head,
        json!({"title": "周末义诊", "body": "社区卫生站", "urgency": "normal"}),
    )
    .await;
    let normal = notice_id(&v);
    let (status, _) = call(
        &t,
        Some(&head),
        Method::GET,
        &format!("/v1/staff/notices/{normal}/door-knock?hours=2"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let retract = format!("/v1/staff/notices/{id}/retract");
    assert_eq!(
        call(&t, Some(&grid), Method::POST, &retract, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&t, Some(&head), Method::POST, &retract, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&t, Some(&head), Method::POST, &retract, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(!sees(&t, &reader, id).await);
}

#[tokio::test]
async fn street_staff_publish_to_every_community_of_the_street_and_retract_every_copy() {
    let t = start().await;
    let (c, second) = (t.community(), t.second_community());
    let (_, street) = member(&t, c, "街道李科长", StaffRole::Street, &[]).await;
    let here = t.join("1号楼", "1单元", "101").await;
    let there = t.join_in(second, "A座", "1单元", "101").await;
    let (status, v) = publish(
        &t,
        &street,
        json!({"title": "寒潮预警", "body": "请关好门窗", "urgency": "urgent", "street_wide": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let ids: Vec<Uuid> = v["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    // One copy per community: each resident sees their community's.
    assert!(sees(&t, &here, ids[0]).await != sees(&t, &here, ids[1]).await);
    assert!(sees(&t, &there, ids[0]).await != sees(&t, &there, ids[1]).await);
    let (_, list) = call(&t, Some(&street), Method::GET, "/v1/staff/notices", None).await;
    let mine = list["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["street"] == true && n["title"] == "寒潮预警")
        .unwrap();
    let one: Uuid = mine["id"].as_str().unwrap().parse().unwrap();
    // Only for the street's own notice; a community's own notice is not the street's to retract.
    let (_, own) = publish(
        &t,
        &member(&t, c, "王主任", StaffRole::Head, &[]).await.1,
        json!({"title": "社区通知", "body": "x", "urgency": "normal"}),
    )
    .await;
    let own = notice_id(&own);
    let (status, _) = call(
        &t,
        Some(&street),
        Method::POST,
        &format!("/v1/staff/notices/{own}/retract"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &t,
        Some(&street),
        Method::POST,
        &format!("/v1/staff/notices/{one}/retract"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for i in &ids {
        assert!(!sees(&t, &here, *i).await && !sees(&t, &there, *i).await);
    }
}

#[tokio::test]
async fn consultations_show_turnout_per_building_and_the_relatives_share_then_close() {
    let t = start().await;
    let c = t.community();
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (_, grid) = member(&t, c, "赵网格员", StaffRole::Grid, &["1号楼"]).await;
    let now = t.hub().now();
    let draft = json!({"title": "加装电梯", "description": "1号楼", "options": ["同意", "不同意"],
        "max_choices": 1, "opens_at": now - Duration::hours(1), "closes_at": now + Duration::days(7),
        "vote_scope": "per_household", "results_visibility": "live", "buildings": ["1号楼"]});
    let (status, v) = call(
        &t,
        Some(&grid),
        Method::POST,
        "/v1/staff/consultations",
        Some(draft.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    let (status, v) = call(
        &t,
        Some(&head),
        Method::POST,
        "/v1/staff/consultations",
        Some(draft),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let id: Uuid = v["id"].as_str().unwrap().parse().unwrap();
    let options: Vec<Uuid> = v["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let a = t.join("1号楼", "1单元", "101").await;
    let mother = t.join("1号楼", "1单元", "102").await;
    t.join("1号楼", "2单元", "101").await;
    let son = t.join("2号楼", "1单元", "101").await;
    t.grant(&mother, &son, &[ProxyScope::Vote], 30).await;
    let vote = |o: Uuid| OpBody::CastVote {
        consultation_id: id,
        option_ids: vec![o],
    };
    assert_eq!(
        t.push1(&a, vote(options[0])).await.status,
        OpStatus::Applied
    );
    let op = for_principal(&son, &mother, vote(options[1]));
    assert_eq!(t.push(&son, &[op]).await[0].status, OpStatus::Applied);

    let (status, list) = call(
        &t,
        Some(&grid),
        Method::GET,
        "/v1/staff/consultations",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let one = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.to_string())
        .unwrap();
    assert_eq!(
        one["turnout"],
        json!({"buildings": [{"building": "1号楼", "eligible": 3, "voted": 2}], "ballots": 2, "by_relatives": 1})
    );
    let close = format!("/v1/staff/consultations/{id}/close");
    assert_eq!(
        call(&t, Some(&grid), Method::POST, &close, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, closed) = call(&t, Some(&head), Method::POST, &close, None).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert!(!closed["closed_at"].is_null());
    assert_eq!(closed["total_votes"], 2);
    let late = t.join("1号楼", "2单元", "102").await;
    assert_eq!(
        t.push1(&late, vote(options[0])).await.status,
        OpStatus::Rejected
    );
    let (status, openings) = call(
        &t,
        Some(&head),
        Method::GET,
        "/v1/staff/consultations/openings",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(openings.as_array().unwrap().len() >= 2, "{openings}");
    assert_eq!(
        call(
            &t,
            Some(&grid),
            Method::GET,
            "/v1/staff/consultations/openings",
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_role_on_every_notice_and_consultation_route() {
    let t = start().await;
    let c = t.community();
    let (_, head) = member(&t, c, "王主任", StaffRole::Head, &[]).await;
    let (_, grid) = member(&t, c, "赵网格员", StaffRole::Grid, &["1号楼"]).await;
    let (_, unit) = member(&t, c, "物业", StaffRole::Unit, &[]).await;
    let (_, data) = member(&t, c, "数据专员", StaffRole::Data, &[]).await;
    let (_, street) = member(&t, c, "街道", StaffRole::Street, &[]).await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let (consultation, _) = t.consultation(linli_proto::VoteScope::PerResident);
    const H: &str = "head";
    const G: &str = "grid";
    const U: &str = "unit";
    const D: &str = "data";
    const S: &str = "street";
    let roles = [(H, &head), (G, &grid), (U, &unit), (D, &data), (S, &street)];
    // (route, who is allowed, the allowed status)
    let matrix: [(&str, &[&str], u16); 10] = [
        ("GET /v1/staff/notices", &[H, G, S], 200),
        ("POST /v1/staff/notices", &[H, S], 200),
        ("POST /v1/staff/notices/{id}/retract", &[H], 204),
        ("GET /v1/staff/notices/{id}/door-knock", &[H, G], 200),
        ("POST /v1/staff/notices/{id}/door-knock", &[H, G], 200),
        ("PUT /v1/staff/care-households/{id}", &[H, G], 204),
        ("GET /v1/staff/consultations", &[H, G, S], 200),
        ("POST /v1/staff/consultations", &[H], 200),
        ("POST /v1/staff/consultations/{id}/close", &[H], 200),
        ("GET /v1/staff/consultations/openings", &[H], 200),
    ];
    let now = t.hub().now();
    for (route, allowed, ok) in matrix {
        for (role, s) in roles {
            // A fresh urgent notice for each cell (a retracted one answers 404 the second time).
            let notice = linli_hub::admin::notices::publish(
                t.hub(),
                c,
                &linli_hub::store::NewNotice {
                    title: "停电".into(),
                    body: "x".into(),
                    urgency: linli_proto::Urgency::Urgent,
                    pinned: false,
                    expires_at: None,
                    buildings: Vec::new(),
                },
            )
            .unwrap();
            let (method, path) = route.split_once(' ').unwrap();
            let (path, body) = match route {
                "POST /v1/staff/notices" => (
                    path.to_owned(),
                    Some(
                        json!({"title": "t", "body": "b", "urgency": "normal", "street_wide": role == S}),
                    ),
                ),
                "POST /v1/staff/consultations" => (
                    path.to_owned(),
                    Some(
                        json!({"title": "t", "options": ["a", "b"], "max_choices": 1,
                        "opens_at": now, "closes_at": now + Duration::days(1),
                        "vote_scope": "per_resident", "results_visibility": "live"}),
                    ),
                ),
                "POST /v1/staff/notices/{id}/door-knock" => (
                    format!("/v1/staff/notices/{notice}/door-knock"),
                    Some(json!({"household_id": dev.household_id, "outcome": "phoned"})),
                ),
                "PUT /v1/staff/care-households/{id}" => (
                    format!("/v1/staff/care-households/{}", dev.household_id),
                    Some(json!({"care": true})),
                ),
                "GET /v1/staff/notices/{id}/door-knock" => (
                    format!("/v1/staff/notices/{notice}/door-knock?hours=1"),
                    None,
                ),
                _ => (
                    path.replace(
                        "{id}",
                        &if route.contains("consultations") {
                            consultation.to_string()
                        } else {
                            notice.to_string()
                        },
                    ),
                    None,
                ),
            };
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let (status, v) = call(&t, Some(s), method.clone(), &path, body.clone()).await;
            let cell = format!("{route} as {role}: {status} {v}");
            if allowed.contains(&role) {
                assert_eq!(status.as_u16(), ok, "{cell}");
            } else if role == S && route.ends_with("/retract") {
                // Street staff retract street notices only: a community's is unknown to them.
                assert_eq!(status, StatusCode::NOT_FOUND, "{cell}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{cell}");
                assert_eq!(v["code"], "forbidden", "{cell}");
            }
            // Without a session: 401; with one but without the CSRF token: 403 csrf_invalid.
            assert_eq!(
                call(&t, None, method.clone(), &path, body.clone()).await.0,
                StatusCode::UNAUTHORIZED
            );
            if method != Method::GET {
                let no_csrf = Session {
                    cookie: s.cookie.clone(),
                    csrf: "wrong".into(),
                };
                let (status, v) = call(&t, Some(&no_csrf), method, &path, body).await;
                assert_eq!(
                    (status, v["code"].as_str()),
                    (StatusCode::FORBIDDEN, Some("csrf_invalid")),
                    "{cell}"
                );
            }
        }
    }
}
