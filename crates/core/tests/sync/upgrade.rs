//! A profile whose outbox was written by an installed build (`tests/fixtures/device-outbox-v3`, profile
//! schema 3, see its README) still sends every queued op after an upgrade: opened by the core of this
//! build against the hub it had joined (that hub's data directory as it stood, served by this build's
//! hub), each op reaches the hub exactly once and nothing is sent again. Kept as builds move on, so an
//! outbox on a resident's phone is never stranded by a new version.
use std::path::Path;

use linli_core::Profile;
use serde_json::Value;
use uuid::Uuid;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/device-outbox-v3"
);

fn hub_count(hub_dir: &Path, sql: &str, arg: &str) -> i64 {
    rusqlite::Connection::open(hub_dir.join("hub.db"))
        .unwrap()
        .query_row(sql, [arg], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbox_written_by_an_installed_build_sends_every_op_once() {
    let fixture = Path::new(FIXTURE);
    let facts: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("facts.json")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (hub_dir, profile_dir) = (dir.path().join("hub"), dir.path().join("alice"));
    std::fs::create_dir_all(&hub_dir).unwrap();
    std::fs::create_dir_all(&profile_dir).unwrap();
    for f in ["hub.db", "log-signing-key"] {
        std::fs::copy(fixture.join("hub").join(f), hub_dir.join(f)).unwrap();
    }
    std::fs::copy(fixture.join("linli.db"), profile_dir.join("linli.db")).unwrap();
    let hub = linli_hub::spawn_for_tests(&hub_dir).await;

    // The hub now answers on another port; the token lives in this machine's keychain.
    let version: i64 = {
        let conn = rusqlite::Connection::open(profile_dir.join("linli.db")).unwrap();
        conn.execute(
            "UPDATE settings SET value = ?1 WHERE key = 'hub_url'",
            [hub.url()],
        )
        .unwrap();
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version, facts["profile_schema"].as_i64().unwrap());
    linli_core::keychain::store(
        facts["keychain_user"].as_str().unwrap(),
        facts["token"].as_str().unwrap(),
    )
    .unwrap();

    let alice = Profile::open(&profile_dir).unwrap();
    let op_ids: Vec<&str> = facts["op_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(alice.status().unwrap().pending, op_ids.len() as i64);
    for id in &op_ids {
        assert_eq!(
            hub_count(&hub_dir, "SELECT count(*) FROM ops WHERE op_id = ?1", id),
            0
        );
    }

    let outcome = alice.sync().await.unwrap();
    assert_eq!(outcome.applied, op_ids.len());
    assert_eq!(alice.status().unwrap().pending, 0);
    let again = alice.sync().await.unwrap();
    assert_eq!(again.applied, 0, "nothing sent twice");
    for id in &op_ids {
        assert_eq!(
            hub_count(
                &hub_dir,
                "SELECT count(*) FROM ops WHERE op_id = ?1 AND status = 'applied'",
                id
            ),
            1,
            "op {id} on the hub exactly once"
        );
    }
    // What the ops carried is on the hub: both reports once each, the vote in the tally, the read.
    for (id, text) in facts["reports"].as_object().unwrap() {
        assert_eq!(
            hub_count(&hub_dir, "SELECT count(*) FROM reports WHERE id = ?1", id),
            1
        );
        let mine = alice.report(id.parse().unwrap()).unwrap();
        assert_eq!(mine.text, text.as_str().unwrap());
        assert!(!mine.pending && mine.received_at.is_some());
    }
    let community = linli_hub::admin::community::oldest(hub.hub()).unwrap();
    let consultation: Uuid = facts["consultation"].as_str().unwrap().parse().unwrap();
    let option: Uuid = facts["option"].as_str().unwrap().parse().unwrap();
    let results =
        linli_hub::admin::consultations::results(hub.hub(), community, consultation).unwrap();
    let votes: i64 = results
        .options
        .iter()
        .filter(|o| o.id == option)
        .map(|o| o.votes)
        .sum();
    assert_eq!(votes, 1);
    assert_eq!(results.options.iter().map(|o| o.votes).sum::<i64>(), 1);
    assert_eq!(
        hub_count(
            &hub_dir,
            "SELECT count(*) FROM notice_reads WHERE notice_id = ?1",
            facts["notice"].as_str().unwrap()
        ),
        1
    );
    hub.shutdown().await;
}
