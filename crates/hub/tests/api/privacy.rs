//! Residents' personal-information rights: consent at join, staff scope and the access log, the copy of
//! one's data, closing an account, and photo retention.
use std::io::Read;

use chrono::Duration;
use linli_hub::admin;
use linli_hub::store::ReportFilter;
use linli_proto::{
    Address, ErrorCode, JoinResponse, LatLon, OpBody, OpStatus, ProxyScope, ReportStatus,
    ResultsVisibility, VoteScope,
};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{png, sha256_hex, start, Device, TestHub};

/// What one resident leaves on the hub, each string unique to them so scans can find it.
struct Resident {
    dev: Device,
    name: String,
    report_id: Uuid,
    text: String,
    place: String,
    comment: String,
    photo_sha: String,
}

async fn join_named(t: &TestHub, b: &str, u: &str, r: &str, name: &str) -> Device {
    let code = t.invite_code(b, u, r).await;
    let resp = t
        .http
        .post(t.url("/v1/join"))
        .json(&serde_json::json!({
            "code": code,
            "device_name": name,
            "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let j: JoinResponse = resp.json().await.unwrap();
    Device {
        token: j.token,
        resident_id: j.resident_id,
        device_id: j.device_id,
        household_id: j.household.id,
        seq: std::cell::Cell::new(0),
    }
}

/// Joins, uploads a photo, reports with it, comments, reads a notice and votes in `consultation`.
async fn resident(
    t: &TestHub,
    room: &str,
    tag: &str,
    consultation: Uuid,
    option: Uuid,
) -> Resident {
    let name = format!("{tag}的手机");
    let dev = join_named(t, "2号楼", "1单元", room, &name).await;
    let photo = png(format!("photo of {tag}").as_bytes());
    let photo_sha = sha256_hex(&photo);
    let put = t
        .http
        .put(t.url(&format!("/v1/blobs/{photo_sha}")))
        .bearer_auth(&dev.token)
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    let report_id = Uuid::now_v7();
    let text = format!("{tag}家楼道灯坏了");
    let place = format!("{tag}家门口");
    let comment = format!("{tag}补充：晚上很黑");
    let r = t
        .push1(
            &dev,
            OpBody::CreateReport {
                voice: None,
                report_id,
                category: "facilities".into(),
                text: text.clone(),
                address: Address {
                    building: Some("2号楼".into()),
                    unit: Some("1单元".into()),
                    room: Some(room.into()),
                    text: Some(place.clone()),
                },
                location: Some(LatLon {
                    lat: 39.9,
                    lon: 116.4,
                }),
                photos: vec![photo_sha.clone()],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    let r = t
        .push1(
            &dev,
            OpBody::CommentReport {
                voice: None,
                report_id,
                text: comment.clone(),
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied);
    let notice = admin::notices::list(t.hub(), t.community()).unwrap()[0].id;
    t.push1(&dev, OpBody::MarkNoticeRead { notice_id: notice })
        .await;
    let r = t
        .push1(
            &dev,
            OpBody::CastVote {
                consultation_id: consultation,
                option_ids: vec![option],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    Resident {
        dev,
        name,
        report_id,
        text,
        place,
        comment,
        photo_sha,
    }
}

/// A housemate of `a` (same household) with a report; `a` comments on it and the housemate on `a`'s.
/// Returns the housemate's device, report text, `a`'s comment and the housemate's comment.
async fn housemate(t: &TestHub, a: &Resident) -> (Device, String, String, String) {
    let mate = join_named(t, "2号楼", "1单元", "101", "同住家人的手机").await;
    let report_id = Uuid::now_v7();
    let text = "家人：阳台漏水".to_owned();
    let r = t
        .push1(
            &mate,
            OpBody::CreateReport {
                voice: None,
                report_id,
                category: "facilities".into(),
                text: text.clone(),
                address: Address::default(),
                location: None,
                photos: vec![],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied);
    let mine = "甲对家人报修的留言".to_owned();
    let r = t
        .push1(
            &a.dev,
            OpBody::CommentReport {
                voice: None,
                report_id,
                text: mine.clone(),
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    let theirs = "家人对甲报修的留言".to_owned();
    let r = t
        .push1(
            &mate,
            OpBody::CommentReport {
                voice: None,
                report_id: a.report_id,
                text: theirs.clone(),
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    (mate, text, mine, theirs)
}

fn open_consultation(t: &TestHub) -> (Uuid, Uuid) {
    let now = t.hub().now();
    let id = admin::consultations::create(
        t.hub(),
        t.community(),
        &linli_hub::store::NewConsultation {
            title: "隐私测试议题".into(),
            description: String::new(),
            options: vec!["甲".into(), "乙".into()],
            max_choices: 1,
            opens_at: now - Duration::minutes(1),
            closes_at: now + Duration::days(7),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let option = admin::consultations::results(t.hub(), t.community(), id)
        .unwrap()
        .options[0]
        .id;
    (id, option)
}

/// Every text value in every table of the hub database.
fn all_text(t: &TestHub) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let cols: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for (i, col) in cols.iter().enumerate() {
                let text = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) => String::from_utf8_lossy(b).into_owned(),
                    rusqlite::types::ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                    _ => continue,
                };
                out.push((table.clone(), col.clone(), text));
            }
        }
    }
    out
}

fn found_in_db<'a>(
    all: &'a [(String, String, String)],
    needle: &str,
) -> Vec<&'a (String, String, String)> {
    all.iter().filter(|(_, _, v)| v.contains(needle)).collect()
}

#[tokio::test]
async fn joining_needs_agreement_to_the_current_notice_and_the_code_survives_a_refusal() {
    let t = start().await;
    let code = t.invite_code("1号楼", "1单元", "101").await;
    for body in [
        serde_json::json!({ "code": code }),
        serde_json::json!({ "code": code, "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION - 1 }),
    ] {
        let resp = t
            .http
            .post(t.url("/v1/join"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(b["code"], "privacy_consent_required");
    }
    let (status, body) = t.join_raw(&code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let conn = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let (v, at): (i64, Option<String>) = conn
        .query_row(
            "SELECT privacy_version, privacy_agreed_at FROM devices WHERE id = ?1",
            [body["device_id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(v, linli_proto::PRIVACY_NOTICE_VERSION as i64);
    assert!(at.is_some());
}

#[tokio::test]
async fn staff_see_only_their_community_and_every_view_is_logged() {
    let t = start().await;
    let (c, o) = open_consultation(&t);
    let a = resident(&t, "101", "甲", c, o).await;
    let officer = admin::staff::add(t.hub(), t.community(), "数据负责人", true).unwrap();
    let clerk = admin::staff::add(t.hub(), t.community(), "窗口工作人员", false).unwrap();

    let seen = admin::reports::list(t.hub(), &clerk, &ReportFilter::default()).unwrap();
    assert_eq!(seen.len(), 1);
    admin::reports::show(t.hub(), &clerk, a.report_id).unwrap();
    let devices = admin::devices::list(t.hub(), &clerk).unwrap();
    assert!(devices.iter().any(|d| d.id == a.dev.device_id));
    // A neighbour acts for A: the grant and A's record of acts name both, so they are staff views too.
    let neighbour = t.join("1号楼", "1单元", "102").await;
    let a_id = a.dev.resident_id.to_string();
    admin::proxy::grant(
        t.hub(),
        t.community(),
        &a_id,
        &neighbour.resident_id.to_string(),
        &[ProxyScope::Report],
        None,
        None,
    )
    .unwrap();
    assert_eq!(admin::proxy::list(t.hub(), &clerk).unwrap().len(), 1);
    admin::proxy::activity(t.hub(), &clerk, &a_id).unwrap();

    // A staff member of another community (community Y on the same database) sees nothing of X's.
    let conn = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let other_community = Uuid::now_v7();
    let other_staff = Uuid::now_v7();
    conn.execute(
        "INSERT INTO communities (id, name, phone, hours, created_at) VALUES (?1, 'Y', '1', '9-5', '2099-01-01T00:00:00.000000Z')",
        [other_community.to_string()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO staff (id, community_id, name, data_officer, created_at) VALUES (?1, ?2, 'Y的工作人员', 1, '2026-01-01T00:00:00.000000Z')",
        [other_staff.to_string(), other_community.to_string()],
    )
    .unwrap();
    let stranger = admin::staff::resolve(t.hub(), other_staff).unwrap();
    // Another community's report answers as an unknown one: not even its existence is theirs.
    match admin::reports::show(t.hub(), &stranger, a.report_id) {
        Err(linli_hub::HubError::Refused(ErrorCode::ReportNotFound)) => {}
        other => panic!("expected report_not_found, got {other:?}"),
    }
    assert!(
        admin::reports::list(t.hub(), &stranger, &ReportFilter::default())
            .unwrap()
            .is_empty()
    );
    assert!(admin::devices::list(t.hub(), &stranger).unwrap().is_empty());
    assert!(admin::proxy::list(t.hub(), &stranger).unwrap().is_empty());
    assert!(matches!(
        admin::proxy::activity(t.hub(), &stranger, &a_id),
        Err(linli_hub::HubError::Refused(ErrorCode::NotFound))
    ));
    assert!(admin::staff::resolve(t.hub(), Uuid::now_v7()).is_err());

    // The export is logged too; only the data officer reads the log.
    let resp = t
        .http
        .get(t.url("/v1/account/export"))
        .bearer_auth(&a.dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(matches!(
        admin::staff::access_log(t.hub(), &clerk),
        Err(linli_hub::HubError::Refused(ErrorCode::Forbidden))
    ));
    let log = admin::staff::access_log(t.hub(), &officer).unwrap();
    let by = |action: &str| {
        log.iter()
            .filter(|e| e.action == action)
            .collect::<Vec<_>>()
    };
    assert_eq!(by("reports_list").len(), 1);
    assert_eq!(by("report_view").len(), 1);
    assert_eq!(by("report_view")[0].staff_id, Some(clerk.id));
    assert_eq!(
        by("report_view")[0].record_id.as_deref(),
        Some(a.report_id.to_string().as_str())
    );
    assert_eq!(by("report_view")[0].resident_id, Some(a.dev.resident_id));
    assert!(!by("devices_list").is_empty());
    assert_eq!(by("proxy_grants_list").len(), 1);
    assert_eq!(
        by("proxy_grants_list")[0].resident_id,
        Some(a.dev.resident_id)
    );
    assert_eq!(by("proxy_activity").len(), 1);
    assert_eq!(by("proxy_activity")[0].staff_id, Some(clerk.id));
    assert_eq!(by("export").len(), 1);
    assert_eq!(by("export")[0].resident_id, Some(a.dev.resident_id));
    assert!(
        log.iter().all(|e| e.staff_id != Some(stranger.id)),
        "refused views are not views"
    );
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.push((f.name().unwrap().into_owned(), data));
    }
    out
}

#[tokio::test]
async fn the_export_holds_every_record_of_the_resident_and_nothing_of_another() {
    let t = start().await;
    let (c, o) = open_consultation(&t);
    let a = resident(&t, "101", "甲", c, o).await;
    let b = resident(&t, "102", "乙", c, o).await;
    let (mate, mate_report, mine_on_theirs, theirs_on_mine) = housemate(&t, &a).await;
    // A relative acts for A (亲友代办): the grant is A's record too.
    let helper = join_named(&t, "1号楼", "1单元", "102", "丙的手机").await;
    let grant = admin::proxy::grant(
        t.hub(),
        t.community(),
        &a.dev.resident_id.to_string(),
        &helper.resident_id.to_string(),
        &[ProxyScope::Report],
        Some(30),
        Some("丙（外甥）".into()),
    )
    .unwrap();
    let resp = t
        .http
        .get(t.url("/v1/account/export"))
        .bearer_auth(&a.dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let files = unzip(&resp.bytes().await.unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for section in [
        "profile",
        "devices",
        "reports",
        "votes",
        "notice_reads",
        "consents",
        "proxy_grants",
        "proxy_acts",
    ] {
        assert!(
            names.contains(&format!("linli-export/{section}.json").as_str()),
            "{names:?}"
        );
    }
    let photo = files
        .iter()
        .find(|(n, _)| n == &format!("linli-export/photos/{}.png", a.photo_sha))
        .expect("the photo is in the zip");
    assert_eq!(sha256_hex(&photo.1), a.photo_sha);
    let everything: String = files
        .iter()
        .filter(|(n, _)| n.ends_with(".json"))
        .map(|(_, d)| String::from_utf8(d.clone()).unwrap())
        .collect();
    for mine in [
        a.name.as_str(),
        &a.text,
        &a.place,
        &a.comment,
        &a.report_id.to_string(),
        &a.dev.resident_id.to_string(),
        &a.dev.household_id.to_string(),
        &c.to_string(),
        &o.to_string(),
        "\"privacy_notice_version\": 1",
        &mine_on_theirs,
        &grant.id.to_string(),
        "丙（外甥）",
    ] {
        assert!(everything.contains(mine), "missing {mine}");
    }
    for theirs in [
        mate_report.as_str(),
        &theirs_on_mine,
        &mate.resident_id.to_string(),
    ] {
        assert!(
            !everything.contains(theirs),
            "leaked the housemate's {theirs}"
        );
    }
    for theirs in [
        b.name.as_str(),
        &b.text,
        &b.place,
        &b.comment,
        &b.report_id.to_string(),
        &b.dev.resident_id.to_string(),
        &b.dev.household_id.to_string(),
        &b.dev.device_id.to_string(),
        &b.photo_sha,
    ] {
        assert!(!everything.contains(theirs), "leaked {theirs}");
        assert!(!names.iter().any(|n| n.contains(theirs)));
    }
    // Without a token there is no export.
    let resp = t
        .http
        .get(t.url("/v1/account/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn closing_an_account_leaves_no_personal_field_and_keeps_the_record() {
    let t = start().await;
    let (c, o) = open_consultation(&t);
    let a = resident(&t, "101", "甲", c, o).await;
    let b = resident(&t, "102", "乙", c, o).await;
    let (mate, mate_report, mine_on_theirs, theirs_on_mine) = housemate(&t, &a).await;
    let staff = t.staff();
    // A and B act for each other (亲友代办); A comments on B's report for B.
    let a_for_b = admin::proxy::grant(
        t.hub(),
        t.community(),
        &b.dev.resident_id.to_string(),
        &a.dev.resident_id.to_string(),
        &[ProxyScope::Report],
        Some(30),
        Some("甲（帮手）".into()),
    )
    .unwrap();
    let b_for_a = admin::proxy::grant(
        t.hub(),
        t.community(),
        &a.dev.resident_id.to_string(),
        &b.dev.resident_id.to_string(),
        &[ProxyScope::Vote],
        Some(30),
        Some("乙（邻居）".into()),
    )
    .unwrap();
    let mut op = a.dev.op(OpBody::CommentReport {
        voice: None,
        report_id: b.report_id,
        text: "代乙补充：灯在二楼".into(),
    });
    op.on_behalf_of = Some(b.dev.resident_id);
    assert_eq!(t.push(&a.dev, &[op]).await[0].status, OpStatus::Applied);
    admin::reports::set_status(
        t.hub(),
        t.community(),
        a.report_id,
        ReportStatus::Accepted,
        Some("已派人"),
    )
    .unwrap();
    let events_before = admin::reports::show(t.hub(), &staff, a.report_id)
        .unwrap()
        .report
        .events
        .len();
    let tally_before = admin::consultations::results(t.hub(), t.community(), c).unwrap();
    let before = all_text(&t);
    for needle in [&a.name, &a.text, &a.place, &a.comment] {
        assert!(
            !found_in_db(&before, needle).is_empty(),
            "scan can find {needle}"
        );
    }
    assert!(t.dir.path().join("blobs").join(&a.photo_sha).exists());

    let resp = t
        .http
        .post(t.url("/v1/account/close"))
        .bearer_auth(&a.dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let done: linli_proto::AccountClosed = resp.json().await.unwrap();
    assert_eq!(done.reports_anonymised, 1);
    assert_eq!(done.photos_deleted, 1);
    assert_eq!(done.devices_revoked, 1);

    // No personal field of A anywhere in the hub's database; B's are all still there.
    let after = all_text(&t);
    for needle in [
        a.name.as_str(),
        &a.text,
        &a.place,
        &a.comment,
        &a.photo_sha,
        &a.dev.resident_id.to_string(),
        &mine_on_theirs,
        "甲（帮手）",
    ] {
        let hits: Vec<_> = found_in_db(&after, needle)
            .into_iter()
            .filter(|(table, _, _)| table != "access_log")
            .collect();
        assert!(hits.is_empty(), "{needle} still in {hits:?}");
    }
    // The household stays linked only to the housemate who still lives there, never to A's records.
    let household = a.dev.household_id.to_string();
    let conn = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let a_reports: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM reports WHERE household_id = ?1 AND id = ?2",
            [household.as_str(), &a.report_id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(a_reports, 0);
    let a_ballots: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM ballots WHERE household_id = ?1 AND resident_id != ?2",
            [household.as_str(), &mate.resident_id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(a_ballots, 0);
    for needle in [
        &b.name,
        &b.text,
        &b.place,
        &b.comment,
        &mate_report,
        &theirs_on_mine,
    ] {
        assert!(!found_in_db(&after, needle).is_empty(), "B's {needle} kept");
    }
    assert!(!t.dir.path().join("blobs").join(&a.photo_sha).exists());
    assert!(t.dir.path().join("blobs").join(&b.photo_sha).exists());
    // Every grant A gave or held has ended; B's copy of the acts A did for them names no one.
    let grants = admin::proxy::list(t.hub(), &staff).unwrap();
    for id in [a_for_b.id, b_for_a.id] {
        let g = grants.iter().find(|g| g.id == id).unwrap();
        assert_ne!(g.status, linli_proto::GrantStatus::Active, "{g:?}");
    }
    let acts = admin::proxy::activity(t.hub(), &staff, &b.dev.resident_id.to_string()).unwrap();
    assert_eq!(acts.len(), 1);
    assert_ne!(acts[0].proxy, a.dev.resident_id);

    // The record still adds up: the report and its history exist, the tally is unchanged.
    let kept = admin::reports::show(t.hub(), &staff, a.report_id).unwrap();
    assert_eq!(kept.report.events.len(), events_before);
    assert_eq!(kept.report.status, ReportStatus::Accepted);
    assert!(kept.report.text.is_empty() && kept.report.photos.is_empty());
    assert_eq!(kept.household.room, "");
    let tally_after = admin::consultations::results(t.hub(), t.community(), c).unwrap();
    assert_eq!(tally_after.total_votes, tally_before.total_votes);
    let votes = |r: &linli_hub::store::ConsultationResults| {
        r.options.iter().map(|o| o.votes).collect::<Vec<_>>()
    };
    assert_eq!(votes(&tally_after), votes(&tally_before));
    admin::consultations::close(t.hub(), t.community(), c).unwrap();
    assert_eq!(
        admin::consultations::results(t.hub(), t.community(), c)
            .unwrap()
            .total_votes,
        tally_before.total_votes
    );
    // The address book is whole, and no household placeholder shows in it.
    assert!(admin::devices::list(t.hub(), &staff)
        .unwrap()
        .iter()
        .all(|d| d.id != a.dev.device_id));

    // The old token is refused everywhere.
    let (status, body) = t.get(&a.dev, "/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    let resp = t
        .http
        .post(t.url("/v1/account/close"))
        .bearer_auth(&a.dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // B is untouched.
    let (status, _) = t.get(&b.dev, "/v1/me").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn photos_of_long_resolved_reports_are_deleted_by_the_running_hub() {
    let t = start().await;
    let (c, o) = open_consultation(&t);
    let old = resident(&t, "101", "旧", c, o).await;
    let fresh = resident(&t, "102", "新", c, o).await;
    for r in [old.report_id, fresh.report_id] {
        admin::reports::set_status(t.hub(), t.community(), r, ReportStatus::Accepted, None)
            .unwrap();
    }
    admin::reports::set_status(
        t.hub(),
        t.community(),
        old.report_id,
        ReportStatus::Resolved,
        None,
    )
    .unwrap();
    t.hub().set_photo_retention_days(30);
    t.clock.advance(Duration::days(29));
    admin::reports::set_status(
        t.hub(),
        t.community(),
        fresh.report_id,
        ReportStatus::Resolved,
        None,
    )
    .unwrap();
    let blob = |sha: &str| t.dir.path().join("blobs").join(sha);
    // Within the period: kept (the poller ran at start already, so it runs again a day later).
    assert_eq!(linli_hub::privacy::expire_photos(t.hub()).unwrap(), 0);
    assert!(blob(&old.photo_sha).exists());
    t.clock.advance(Duration::days(2));
    // The server's daily run finds the old report's photo due; the fresh report's stays.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while blob(&old.photo_sha).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "retention did not run"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(blob(&fresh.photo_sha).exists());
    let staff = t.staff();
    assert!(admin::reports::show(t.hub(), &staff, old.report_id)
        .unwrap()
        .report
        .photos
        .is_empty());
    assert_eq!(
        admin::reports::show(t.hub(), &staff, fresh.report_id)
            .unwrap()
            .report
            .photos,
        vec![fresh.photo_sha.clone()]
    );
    // The resident's device is told: the report changed, without its photo.
    let (status, body) = t
        .get(&old.dev, &format!("/v1/reports/{}", old.report_id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["photos"], serde_json::json!([]));
}
