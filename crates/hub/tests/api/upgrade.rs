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
