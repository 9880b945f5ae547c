//! A hub restored from a backup, over HTTP: its new incarnation refuses pushes and pulls that name the
//! old one (before doing anything), it serves the signed restore statement of each community's log, and
//! it accepts one sequence gap per device, at the device's first new op.
use linli_proto::{OpStatus, PullPage, INCARNATION_HEADER};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

async fn pull_with(t: &TestHub, dev: &Device, incarnation: &str) -> (StatusCode, Value) {
    let resp = t
        .http
        .get(t.url("/v1/pull?cursor=0"))
        .bearer_auth(&dev.token)
        .header(INCARNATION_HEADER, incarnation)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

async fn push_with(
    t: &TestHub,
    dev: &Device,
    incarnation: &str,
    ops: &[linli_proto::Op],
) -> (StatusCode, Value) {
    let resp = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&dev.token)
        .header(INCARNATION_HEADER, incarnation)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_restored_hub_refuses_the_old_incarnation_announces_its_log_and_accepts_one_gap() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let first: PullPage = t.pull_page(&dev, 0, 100).await;
    let old = first
        .incarnation
        .clone()
        .expect("a pull page names the incarnation");
    assert_eq!(old, t.hub().incarnation());
    // Matching (or no) header: served as usual.
    assert_eq!(pull_with(&t, &dev, &old).await.0, StatusCode::OK);
    let (code, _) = pull_with(&t, &dev, "0123456789abcdef").await;
    assert_eq!(code, StatusCode::CONFLICT, "another incarnation is refused");

    // Ops 1–2 before the backup, 3–4 after it (and lost with the disk).
    let ops: Vec<_> = (1..=4)
        .map(|i| dev.op(report_body("facilities", &format!("报修{i}"))))
        .collect();
    for r in t.push(&dev, &ops[..2]).await {
        assert_eq!(r.status, OpStatus::Applied);
    }
    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("b");
    linli_hub::backup::backup_hub(t.hub(), &out).unwrap();
    t.push(&dev, &ops[2..]).await;
    let size_before = t.hub().log_checkpoint(t.community()).unwrap();

    let restored_dir = backups.path().join("restored");
    let restored = linli_hub::backup::restore(&out, &restored_dir, chrono::Utc::now()).unwrap();
    assert_ne!(restored.incarnation, old);
    let r = TestHub {
        running: linli_hub::spawn_for_tests_with_clock(&restored_dir, t.clock.clone()).await,
        dir: tempfile::tempdir().unwrap(),
        clock: t.clock.clone(),
        http: reqwest::Client::new(),
    };
    assert_eq!(r.hub().incarnation(), restored.incarnation);

    // The device names the database before: nothing is applied, the answer says why.
    let new_op = dev.op(report_body("facilities", "报修5"));
    let (code, body) = push_with(&r, &dev, &old, std::slice::from_ref(&new_op)).await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert_eq!(body["code"], "hub_restored");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let (code, body) = pull_with(&r, &dev, &old).await;
    assert_eq!(
        (code, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("hub_restored"))
    );

    // The log's restore is a statement signed by the log key, naming the restored checkpoint.
    let (code, statements) = r.get(&dev, "/v1/log/restores").await;
    assert_eq!(code, StatusCode::OK);
    let statements: Vec<String> = serde_json::from_value(statements).unwrap();
    assert_eq!(statements.len(), 1);
    let key = linli_tlog::NoteVerifier::from_vkey(&r.hub().log_key()).unwrap();
    let said = linli_tlog::open_restore(&key, &statements[0]).expect("signed by the log key");
    assert_eq!(said.incarnation, restored.incarnation);
    let served = linli_tlog::Checkpoint::from_note_unverified(&size_before).unwrap();
    let now = linli_tlog::Checkpoint::from_note_unverified(
        &r.hub().log_checkpoint(r.community()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        said.checkpoint.size, now.size,
        "the statement names the log as restored"
    );
    assert!(said.checkpoint.size <= served.size);

    // The device kept op 4 but no longer op 3: the one gap after a restore is accepted, at its first
    // op the restored hub does not have.
    let answers = r.push(&dev, &[ops[3].clone(), new_op.clone()]).await;
    assert!(
        answers.iter().all(|a| a.status == OpStatus::Applied),
        "{answers:?}"
    );
    // Once: a later gap waits as always.
    let later = dev.op(report_body("facilities", "报修6"));
    let after_a_gap = dev.op(report_body("facilities", "报修7"));
    let answers = r.push(&dev, &[after_a_gap]).await;
    assert_eq!(answers[0].status, OpStatus::Deferred, "{answers:?}");
    let answers = r.push(&dev, &[later]).await;
    assert_eq!(answers[0].status, OpStatus::Applied);
    // Ops the backup had answer their stored result, exactly once.
    let again = r.push(&dev, &ops[..2]).await;
    assert!(again.iter().all(|a| a.status == OpStatus::Applied));
    let texts: Vec<String> = r
        .pull_all(&dev)
        .await
        .into_iter()
        .filter_map(|c| match c.record {
            linli_proto::Record::Report(rep) => Some(rep.text),
            _ => None,
        })
        .collect();
    for t in ["报修1", "报修2", "报修4", "报修5", "报修6"] {
        assert_eq!(
            texts.iter().filter(|x| *x == t).count(),
            1,
            "{t} once in {texts:?}"
        );
    }
    assert!(
        !texts.iter().any(|x| x == "报修3"),
        "op 3 was never re-sent"
    );
}
