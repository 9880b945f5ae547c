//! A data directory made by the hub of one community (schema 7, `tests/fixtures/hub-schema7`) opens
//! with today's hub: migration 8 makes it a community of a street-capable hub and loses nothing.
//! Devices' tokens still work, their cursors and device sequences continue, the relative's grant
//! holds, and the log keeps its origin, so the checkpoint residents kept still verifies and the new
//! one is consistent with it.
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use linli_hub::clock::ManualClock;
use linli_proto::{
    ConsistencyProof, GrantStatus, LogReceipt, OpBody, OpStatus, Record, ReportStatus,
};
use linli_tlog::{proof_from_base64, verify_consistency, Checkpoint, NoteVerifier};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{Device, TestHub};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hub-schema7");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn device(facts: &Value, name: &str) -> Device {
    let d = &facts["devices"][name];
    let id = |k: &str| -> Uuid { d[k].as_str().unwrap().parse().unwrap() };
    Device {
        token: d["token"].as_str().unwrap().to_owned(),
        resident_id: id("resident_id"),
        device_id: id("device_id"),
        household_id: id("household_id"),
        seq: std::cell::Cell::new(d["seq"].as_i64().unwrap()),
    }
}

fn uuid(v: &Value) -> Uuid {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_data_directory_of_one_community_upgrades_in_place() {
    let facts: Value =
        serde_json::from_slice(&std::fs::read(Path::new(FIXTURE).join("facts.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(FIXTURE).join("data"), dir.path());
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let running = linli_hub::spawn_for_tests_with_clock(dir.path(), clock.clone()).await;
    let t = TestHub {
        dir,
        running,
        clock,
        http: reqwest::Client::new(),
    };
    let version: i64 = rusqlite::Connection::open(t.dir.path().join("hub.db"))
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version as usize,
        linli_hub::store::sqlite::migrations::MIGRATIONS.len()
    );

    // One community, as before; commands need not name it.
    let communities = t.hub().store().communities().unwrap();
    assert_eq!(communities.len(), 1);
    assert_eq!(communities[0].name, "幸福里社区");
    assert_eq!(
        linli_hub::admin::community::resolve(t.hub(), None)
            .unwrap()
            .id,
        communities[0].id
    );

    // Every device's token still works.
    let (a, b, relative) = (
        device(&facts, "a"),
        device(&facts, "b"),
        device(&facts, "relative"),
    );
    for d in [&a, &b, &relative] {
        let (status, me) = t.get(d, "/v1/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["community"]["name"], "幸福里社区");
    }
    // A's cursor is still a position in its feed: nothing new after it, and from 0 everything.
    let cursor = facts["devices"]["a"]["cursor"].as_i64().unwrap();
    let page = t.pull_page(&a, cursor, 100).await;
    assert!(page.changes.is_empty() && !page.has_more);
    assert_eq!(page.next_cursor, cursor);
    let replica = t.replica(&a).await;
    let report_id = uuid(&facts["report_id"]);
    let report = replica
        .iter()
        .find_map(|r| match r {
            Record::Report(r) if r.id == report_id => Some(r),
            _ => None,
        })
        .expect("A's report");
    assert_eq!(report.status, ReportStatus::Resolved);
    assert!(replica
        .iter()
        .any(|r| matches!(r, Record::Notice(n) if n.id == uuid(&facts["notice_id"]))));
    // Device sequences continue where they were.
    let read = t
        .push1(
            &a,
            OpBody::MarkNoticeRead {
                notice_id: uuid(&facts["notice_id"]),
            },
        )
        .await;
    assert_eq!(read.status, OpStatus::Applied, "{read:?}");
    let after = t.pull_page(&a, cursor, 100).await;
    assert!(after.next_cursor > cursor);

    // The relative's grant holds: it still reads for A and still votes for A.
    let grant = t
        .hub()
        .store()
        .proxy_grant(uuid(&facts["grant_id"]), t.hub().now())
        .unwrap()
        .unwrap();
    assert_eq!(grant.status, GrantStatus::Active);
    let (status, _) = t
        .get(&relative, &format!("/v1/pull?for={}", a.resident_id))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The log keeps its origin: the checkpoint kept from before verifies, and today's extends it.
    let key = NoteVerifier::from_vkey(facts["log_key"].as_str().unwrap()).unwrap();
    assert_eq!(t.hub().log_key(), facts["log_key"].as_str().unwrap());
    let old = Checkpoint::open(facts["checkpoint"].as_str().unwrap(), &key).unwrap();
    let note = t
        .http
        .get(t.url("/v1/log/checkpoint"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let new = Checkpoint::open(&note, &key).unwrap();
    assert_eq!(new.origin, old.origin);
    assert_eq!(new.size, old.size, "the notice read logs nothing");
    assert_eq!(new.root, old.root);
    // A vote now grows the log, consistently with the kept checkpoint.
    let (cid, option) = (
        uuid(&facts["open_consultation"]),
        uuid(&facts["options"][1]),
    );
    let vote = t
        .push1(
            &a,
            OpBody::CastVote {
                consultation_id: cid,
                option_ids: vec![option],
            },
        )
        .await;
    assert_eq!(vote.status, OpStatus::Applied, "{vote:?}");
    assert!(vote.receipt.is_some());
    let note = t
        .http
        .get(t.url("/v1/log/checkpoint"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let grown = Checkpoint::open(&note, &key).unwrap();
    assert_eq!(grown.size, old.size + 1);
    let p: ConsistencyProof = t
        .http
        .get(t.url(&format!(
            "/v1/log/consistency?old={}&new={}",
            old.size, grown.size
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let proof = proof_from_base64(&p.proof).unwrap();
    verify_consistency(old.size, &old.root, grown.size, &grown.root, &proof).unwrap();
    // The closed consultation's final tally is still served.
    let tallies: Vec<LogReceipt> = t
        .http
        .get(t.url("/v1/log/tallies"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let closed = facts["closed_consultation"].as_str().unwrap();
    assert!(tallies.iter().any(|r| r.record.contains(closed)));

    // The staff member came along, in the community; their views are logged there.
    let staff = linli_hub::admin::staff::resolve(t.hub(), uuid(&facts["staff_id"])).unwrap();
    assert_eq!(staff.community_id, communities[0].id);
    let seen = linli_hub::admin::reports::list(t.hub(), &staff, &Default::default()).unwrap();
    assert_eq!(
        seen.len(),
        2,
        "A's report and the one the relative made for A"
    );
    let logged = linli_hub::admin::staff::access_log(t.hub(), &staff).unwrap();
    assert_eq!(logged.len(), 2);
    // And the hub grows into a street: a second community next to the first.
    linli_hub::admin::street::set(t.hub(), "和平街道", "110105001").unwrap();
    linli_hub::admin::community::create(t.hub(), &linli_hub::admin::demo::second_seed().unwrap())
        .unwrap();
    let (_, me) = t.get(&a, "/v1/me").await;
    assert_eq!(me["community"]["street"], "和平街道");
}

const FIXTURE_10: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hub-schema10");

fn count(dir: &Path, table: &str) -> i64 {
    rusqlite::Connection::open(dir.join("hub.db"))
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// A data directory of the demo street made at schema 10 (`tests/fixtures/hub-schema10`, see its
/// README) opens with today's hub with every row and every value it held: counts of the main tables,
/// tokens, report statuses and staff replies, the tally, the grant, the staff password, both logs.
#[tokio::test]
async fn a_street_data_directory_of_schema_10_opens_with_everything_kept() {
    let fixture = Path::new(FIXTURE_10);
    let facts: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("facts.json")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture.join("data"), dir.path());
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let running = linli_hub::spawn_for_tests_with_clock(dir.path(), clock.clone()).await;
    let t = TestHub {
        dir,
        running,
        clock,
        http: reqwest::Client::new(),
    };
    let version: i64 = rusqlite::Connection::open(t.dir.path().join("hub.db"))
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version as usize,
        linli_hub::store::sqlite::migrations::MIGRATIONS.len()
    );
    // Every counted table holds what it held.
    let counts = facts["counts"].as_object().unwrap();
    assert!(counts.len() >= 9);
    for (table, n) in counts {
        assert_eq!(
            count(t.dir.path(), table),
            n.as_i64().unwrap(),
            "rows of {table}"
        );
    }

    // The street's two communities, and every device's token in its own.
    let communities = t.hub().store().communities().unwrap();
    let names: Vec<&str> = communities.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["幸福里社区", "安康苑社区"]);
    let (a, b, relative, c) = (
        device(&facts, "a"),
        device(&facts, "b"),
        device(&facts, "relative"),
        device(&facts, "c"),
    );
    for (d, community) in [
        (&a, "幸福里社区"),
        (&b, "幸福里社区"),
        (&relative, "幸福里社区"),
        (&c, "安康苑社区"),
    ] {
        let (status, me) = t.get(d, "/v1/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["community"]["name"], community);
        assert_eq!(me["community"]["street"], "和平街道");
    }

    // Reports keep their status and the staff member's replies.
    let replica = t.replica(&a).await;
    let report = replica
        .iter()
        .find_map(|r| match r {
            Record::Report(r) if r.id == uuid(&facts["report_id"]) => Some(r),
            _ => None,
        })
        .expect("A's report");
    assert_eq!(report.status, ReportStatus::Resolved);
    assert_eq!(report.text, "楼道堆放杂物，影响通行");
    let replies: Vec<&str> = report
        .events
        .iter()
        .filter_map(|e| e.text.as_deref())
        .collect();
    assert!(replies.contains(&"已受理，明天清理") && replies.contains(&"已清理完毕"));
    let b_replica = t.replica(&b).await;
    assert!(b_replica.iter().any(|r| matches!(r,
        Record::Report(r) if r.id == uuid(&facts["b_report_id"]) && r.status == ReportStatus::Submitted)));

    // The open consultation's tally: A's own vote replaced the relative's, B's stands.
    let community = uuid(&facts["community"]);
    let results = linli_hub::admin::consultations::results(
        t.hub(),
        community,
        uuid(&facts["open_consultation"]),
    )
    .unwrap();
    let votes: Vec<i64> = results.options.iter().map(|o| o.votes).collect();
    assert_eq!(votes, [1, 1]);
    assert!(results.closed_at.is_none());
    let closed = linli_hub::admin::consultations::results(
        t.hub(),
        community,
        uuid(&facts["closed_consultation"]),
    )
    .unwrap();
    assert!(closed.closed_at.is_some());

    // The relative's grant holds.
    let grant = t
        .hub()
        .store()
        .proxy_grant(uuid(&facts["grant_id"]), t.hub().now())
        .unwrap()
        .unwrap();
    assert_eq!(grant.status, GrantStatus::Active);

    // The staff member signs in with the password set before, and sees the community's reports.
    let resp = t
        .http
        .post(t.url("/v1/staff/session"))
        .json(&serde_json::json!({
            "staff_id": facts["staff_id"],
            "password": facts["staff_password"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let session: Value = resp.json().await.unwrap();
    let inbox = t
        .http
        .get(t.url("/v1/staff/reports"))
        .header("cookie", cookie)
        .header("x-csrf-token", session["csrf_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(inbox.contains("楼道堆放杂物") && inbox.contains("电梯按钮失灵"));

    // Both logs keep their origin and head: the kept checkpoints are today's.
    let key = NoteVerifier::from_vkey(facts["log_key"].as_str().unwrap()).unwrap();
    for (kept, community) in [
        ("checkpoint", "community"),
        ("second_checkpoint", "second_community"),
    ] {
        let old = Checkpoint::open(facts[kept].as_str().unwrap(), &key).unwrap();
        let note = t
            .http
            .get(format!(
                "{}/v1/log/checkpoint?community={}",
                t.running.url(),
                uuid(&facts[community])
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let now = Checkpoint::open(&note, &key).unwrap();
        assert_eq!(
            (now.origin, now.size, now.root),
            (old.origin, old.size, old.root)
        );
    }

    // Device sequences continue: C's next report is applied in its community.
    let next = t
        .push1(&c, crate::helpers::report_body("environment", "路灯不亮"))
        .await;
    assert_eq!(next.status, OpStatus::Applied, "{next:?}");
    assert_eq!(
        count(t.dir.path(), "reports"),
        counts["reports"].as_i64().unwrap() + 1
    );
}
