//! The transparency log end to end: a real hub, real devices, real HTTP. A hub whose SQLite is edited
//! behind its back (a vote changed, a leaf deleted, history rewritten and re-signed with the hub's own,
//! stolen key) is caught by a device that had seen an earlier checkpoint and by the auditor; a device
//! offline for a week catches up; receipts are verified; the key pinned at join is enforced.
use crate::world::{seed, World, HOME_A, HOME_B};
use chrono::{Duration, Utc};
use linli_core::transparency::{LogProblem, MESSAGE_KIND};
use linli_core::{ConsultationStatus, CoreError, Profile, ReportStatus};
use linli_hub::auditor::{audit_hub, AuditorError};
use linli_hub::clock::ManualClock;
use linli_hub::store::NewConsultation;
use linli_hub::{admin, RunningHub};
use linli_proto::{ResultsVisibility, VoteScope};
use linli_tlog::{hashes_to_append, AuditError, Checkpoint, Leaf, LeafKind, MemoryLog, NoteSigner};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn hub_db(dir: &Path) -> PathBuf {
    dir.join("hub.db")
}

/// Rewrites the hub's log tables the way someone with access to its files would: edit the leaves,
/// recompute every stored hash so the hub's own proofs stay self-consistent, and drop the stored
/// checkpoints so the hub signs the forged tree with its own key.
fn rewrite_log(hub_dir: &Path, edit: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let mut conn = rusqlite::Connection::open(hub_db(hub_dir)).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    // Someone editing the file directly is not bound by the hub's constraints.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let mut leaves: Vec<Vec<u8>> = conn
        .prepare("SELECT leaf FROM log_leaves ORDER BY idx")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    edit(&mut leaves);
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
        "DELETE FROM log_leaves; DELETE FROM log_hashes; DELETE FROM log_checkpoints;",
    )
    .unwrap();
    let mut log = MemoryLog::new();
    for (i, leaf) in leaves.iter().enumerate() {
        for (at, hash) in hashes_to_append(&log, i as u64, leaf).unwrap() {
            tx.execute(
                "INSERT INTO log_hashes (community_id, idx, hash)
                 VALUES ((SELECT id FROM communities), ?1, ?2)",
                rusqlite::params![at as i64, hash.as_slice()],
            )
            .unwrap();
        }
        log.append(leaf).unwrap();
        tx.execute(
            "INSERT INTO log_leaves (community_id, idx, leaf)
             VALUES ((SELECT id FROM communities), ?1, ?2)",
            rusqlite::params![i as i64, leaf],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// The device's vote, verified: returns the checkpoint note it holds and its vote's leaf index.
async fn voted_and_verified(world: &World, a: &Profile) -> String {
    let (c, o) = world.open_consultation("加装电梯", VoteScope::PerResident);
    a.sync().await.unwrap();
    a.vote(c, vec![o[0]]).unwrap();
    a.sync().await.unwrap();
    let t = a.transparency().unwrap();
    assert_eq!((t.receipts, t.receipts_verified), (1, 1), "{t:?}");
    assert!(t.failure.is_none());
    t.checkpoint_note.unwrap()
}

fn checkpoint_size(note: &str) -> u64 {
    let text = note.split("\n\n").next().unwrap();
    Checkpoint::parse(&format!("{text}\n")).unwrap().size
}

/// Moves the device's last log check back past `LOG_CHECK_INTERVAL`: with no receipt of its own to
/// verify, a sync checks the log only on that timer.
fn check_interval_passed(world: &World, name: &str) {
    let conn = rusqlite::Connection::open(world.profile_dir(name).join("linli.db")).unwrap();
    let old =
        Utc::now() - linli_core::transparency::LOG_CHECK_INTERVAL - chrono::Duration::minutes(1);
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE key = 'log_checked_at'",
        [old.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)],
    )
    .unwrap();
}

fn assert_warned(a: &Profile, result: Result<linli_core::SyncOutcome, CoreError>, p: LogProblem) {
    match result {
        Err(CoreError::Log(got)) => assert_eq!(got, p),
        other => panic!("expected {p:?}, got {other:?}"),
    }
    let t = a.transparency().unwrap();
    assert_eq!(t.failure_code.as_deref(), Some(p.code()));
    let warnings: Vec<_> = a
        .messages()
        .unwrap()
        .into_iter()
        .filter(|m| m.op_kind == MESSAGE_KIND)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].code, p.code());
    assert!(!warnings[0].text.is_empty() && !warnings[0].title.is_empty());
    assert_eq!(a.status().unwrap().state, linli_core::SyncState::Error);
}

#[tokio::test]
async fn a_vote_changed_behind_the_hubs_back_is_caught_by_the_device_and_the_auditor() {
    let world = World::start().await;
    let a = world.join("a", HOME_A).await;
    let seen = voted_and_verified(&world, &a).await;
    let hub_dir = world.dir.path().join("hub");
    // The vote is the newest leaf the device verified.
    let vote_index = checkpoint_size(&seen) - 1;
    rewrite_log(&hub_dir, |leaves| {
        let mut leaf = Leaf::from_bytes(&leaves[vote_index as usize]).unwrap();
        assert_eq!(leaf.kind, LeafKind::VoteCast);
        leaf.commitment[0] ^= 1;
        leaves[vote_index as usize] = leaf.to_bytes().to_vec();
    });
    // A sync woken by others' changes, with no receipt of its own to verify, does not ask for the
    // log until the check interval passed; `linli verify` and the timer do.
    a.sync().await.unwrap();
    assert!(a.transparency().unwrap().failure.is_none());
    // Same size, another root, validly signed by the hub: the device refuses it.
    check_interval_passed(&world, "a");
    assert_warned(&a, a.sync().await, LogProblem::Rewritten);
    // Repeated checks keep failing, without repeating the message.
    check_interval_passed(&world, "a");
    assert_warned(&a, a.sync().await, LogProblem::Rewritten);

    let key = world.hub().log_key();
    let url = world.proxy.url();
    let err = audit_hub(&url, &key, std::slice::from_ref(&seen), &[])
        .await
        .unwrap_err();
    // The device's checkpoint and the hub's own, of one size and both signed by its key: a fork.
    assert!(matches!(err, AuditorError::Fork { size: 1 }), "{err}");
    // Honest limit: with no earlier checkpoint, a rewritten log is self-consistent to an auditor.
    assert!(audit_hub(&url, &key, &[], &[]).await.is_ok());
}

#[tokio::test]
async fn a_deleted_leaf_is_caught_as_a_rollback() {
    let world = World::start().await;
    let a = world.join("a", HOME_A).await;
    let seen = voted_and_verified(&world, &a).await;
    rewrite_log(&world.dir.path().join("hub"), |leaves| {
        leaves.pop();
    });
    check_interval_passed(&world, "a");
    assert_warned(&a, a.sync().await, LogProblem::Rollback);
    let err = audit_hub(&world.proxy.url(), &world.hub().log_key(), &[seen], &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuditorError::Log(AuditError::MissingLeaves { .. })),
        "{err}"
    );
}

#[tokio::test]
async fn history_rewritten_and_re_signed_with_the_stolen_key_is_caught() {
    let world = World::start().await;
    let a = world.join("a", HOME_A).await;
    let seen = voted_and_verified(&world, &a).await;
    let hub_dir = world.dir.path().join("hub");
    // Whoever holds the files holds the key.
    let stolen = NoteSigner::from_skey(
        std::fs::read_to_string(hub_dir.join("log-signing-key"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let mut forged = Vec::new();
    rewrite_log(&hub_dir, |leaves| {
        // A whole new history, one leaf longer, with no trace of the resident's vote.
        for (i, leaf) in leaves.iter_mut().enumerate() {
            let mut l = Leaf::from_bytes(leaf).unwrap();
            l.commitment = [i as u8; 32];
            *leaf = l.to_bytes().to_vec();
        }
        let mut extra = Leaf::from_bytes(&leaves[0]).unwrap();
        extra.commitment = [0xee; 32];
        leaves.push(extra.to_bytes().to_vec());
        forged = leaves.clone();
    });
    let log = MemoryLog::from_leaves(&forged).unwrap();
    let community = linli_hub::admin::community::oldest(world.hub()).unwrap();
    let origin = world.hub().log_origin(community).unwrap();
    let note = Checkpoint::new(origin, log.len(), log.root().unwrap())
        .sign(&stolen)
        .unwrap();
    let conn = rusqlite::Connection::open(hub_db(&hub_dir)).unwrap();
    conn.execute(
        "INSERT INTO log_checkpoints (community_id, size, note, signed_at)
         VALUES ((SELECT id FROM communities), ?1, ?2, ?3)",
        rusqlite::params![log.len() as i64, note, Utc::now().to_rfc3339()],
    )
    .unwrap();
    check_interval_passed(&world, "a");
    assert_warned(&a, a.sync().await, LogProblem::Rewritten);
    let err = audit_hub(&world.proxy.url(), &world.hub().log_key(), &[seen], &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuditorError::Log(AuditError::RootMismatch { .. })),
        "{err}"
    );
}

#[tokio::test]
async fn the_key_pinned_at_join_is_enforced_and_a_changed_key_is_refused_loudly() {
    let mut world = World::start().await;
    let a = world.join("a", HOME_A).await;
    let pinned = a.transparency().unwrap().log_key.unwrap();
    assert_eq!(pinned, world.hub().log_key());
    assert!(a.transparency().unwrap().checkpoint_size.is_some());
    // The hub's key file replaced (a new key appears on restart).
    std::fs::remove_file(world.dir.path().join("hub/log-signing-key")).unwrap();
    world.restart_hub().await;
    assert_ne!(world.hub().log_key(), pinned);
    check_interval_passed(&world, "a");
    assert_warned(&a, a.sync().await, LogProblem::KeyChanged);
    // The pinned key stays what it was.
    assert_eq!(a.transparency().unwrap().log_key.unwrap(), pinned);
}

#[tokio::test]
async fn a_rotated_key_is_followed_through_the_old_keys_statement() {
    let mut world = World::start().await;
    let a = world.join("a", HOME_A).await;
    let before = voted_and_verified(&world, &a).await;
    let pinned = a.transparency().unwrap().log_key.unwrap();
    let new = linli_hub::log_key::rotate(&world.dir.path().join("hub"), Utc::now()).unwrap();
    world.restart_hub().await;
    assert_eq!(world.hub().log_key(), new);
    assert_ne!(new, pinned);
    // A report changed by the office after the rotation: its receipt is checked under the new key,
    // against a checkpoint that must still extend the one the old key signed.
    let rid = a
        .new_report(linli_core::NewReport {
            category: "facilities".into(),
            text: "楼道灯坏了".into(),
            address: Default::default(),
            location: None,
            photos: vec![],
        })
        .unwrap();
    a.sync().await.unwrap();
    let community = admin::community::oldest(world.hub()).unwrap();
    admin::reports::set_status(
        world.hub(),
        community,
        rid,
        linli_proto::ReportStatus::Accepted,
        Some("已受理"),
    )
    .unwrap();
    a.sync().await.unwrap();
    let t = a.transparency().unwrap();
    assert!(t.failure.is_none(), "{t:?}");
    assert_eq!(
        t.log_key.as_deref(),
        Some(new.as_str()),
        "the device follows the statement"
    );
    assert!(checkpoint_size(&t.checkpoint_note.unwrap()) > checkpoint_size(&before));
    assert_eq!(t.receipts, t.receipts_verified);
    // An auditor given the key residents pinned at join follows the statement too, and checks the
    // checkpoint the old key signed against the same log.
    let audit = audit_hub(
        &world.proxy.url(),
        &pinned,
        std::slice::from_ref(&before),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(audit.checkpoints.len(), 2, "{audit:?}");
}

struct ClockedHub {
    _dir: tempfile::TempDir,
    running: RunningHub,
    clock: Arc<ManualClock>,
}

async fn clocked_hub() -> ClockedHub {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let running =
        linli_hub::spawn_for_tests_with_clock(&dir.path().join("hub"), clock.clone()).await;
    admin::community::create(running.hub(), &seed()).unwrap();
    ClockedHub {
        _dir: dir,
        running,
        clock,
    }
}

async fn join(h: &ClockedHub, dir: &Path, home: (&str, &str, &str)) -> Arc<Profile> {
    let code = admin::invites::invite(
        h.running.hub(),
        linli_hub::admin::community::oldest(h.running.hub()).expect("community"),
        home.0,
        home.1,
        home.2,
        7,
    )
    .unwrap()
    .code;
    let p = Profile::open(dir).unwrap();
    p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .unwrap();
    p.join(&h.running.url(), &code, None).await.unwrap();
    p.sync().await.unwrap();
    p
}

#[tokio::test]
async fn a_device_offline_for_a_week_catches_up_and_verifies_every_receipt() {
    let h = clocked_hub().await;
    let dirs = tempfile::tempdir().unwrap();
    let a = join(&h, &dirs.path().join("a"), HOME_A).await;
    let b = join(&h, &dirs.path().join("b"), HOME_B).await;
    let hub = h.running.hub();
    let now = hub.now();
    let c = admin::consultations::create(
        hub,
        linli_hub::admin::community::oldest(hub).expect("community"),
        &NewConsultation {
            title: "小区停车".into(),
            description: String::new(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::days(3),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let o: Vec<_> = admin::consultations::results(
        hub,
        linli_hub::admin::community::oldest(hub).expect("community"),
        c,
    )
    .unwrap()
    .options
    .iter()
    .map(|o| o.id)
    .collect();
    // A votes, reports, syncs and verifies; then goes offline.
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    a.vote(c, vec![o[0]]).unwrap();
    let report = a
        .new_report(linli_core::NewReport {
            category: "facilities".into(),
            text: "单元门禁坏了".into(),
            ..Default::default()
        })
        .unwrap();
    a.sync().await.unwrap();
    let before = a.transparency().unwrap();
    assert_eq!((before.receipts, before.receipts_verified), (1, 1));
    let old_size = before.checkpoint_size.unwrap();

    // A week passes: B changes their vote many times, staff handle A's report, the vote closes.
    for i in 0..40 {
        h.clock.advance(Duration::minutes(90));
        b.vote(c, vec![o[i % 2]]).unwrap();
        b.sync().await.unwrap();
    }
    admin::reports::set_status(
        hub,
        linli_hub::admin::community::oldest(hub).expect("community"),
        report,
        ReportStatus::Accepted,
        Some("已派维修工"),
    )
    .unwrap();
    admin::reports::set_status(
        hub,
        linli_hub::admin::community::oldest(hub).expect("community"),
        report,
        ReportStatus::Resolved,
        None,
    )
    .unwrap();
    h.clock.advance(Duration::days(7));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while admin::consultations::results(
        hub,
        linli_hub::admin::community::oldest(hub).expect("community"),
        c,
    )
    .unwrap()
    .closed_at
    .is_none()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the hub did not close the vote"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Back online: one consistency proof across the week, then every receipt.
    a.sync().await.unwrap();
    let after = a.transparency().unwrap();
    let new_size = after.checkpoint_size.unwrap();
    // 40 votes by B, the acceptance with its reply and the resolution (3 leaves), the final tally.
    assert_eq!(new_size, old_size + 40 + 3 + 1);
    // Own vote; the report's acceptance, reply and resolution; the final tally.
    assert_eq!(
        (after.receipts, after.receipts_verified),
        (5, 5),
        "{after:?}"
    );
    assert!(after.failure.is_none());
    let view = a.consultation(c).unwrap();
    assert_eq!(view.status, ConsultationStatus::Closed);
    assert_eq!(view.verified_at_checkpoint, Some(new_size));
}

#[tokio::test]
async fn a_device_that_joined_before_the_hub_kept_a_log_pins_its_key_on_the_next_sync() {
    let world = World::start().await;
    let a = world.join("a", HOME_A).await;
    // As a profile from before the log: no key, no checkpoint.
    let conn = rusqlite::Connection::open(world.profile_dir("a").join("linli.db")).unwrap();
    conn.execute(
        "DELETE FROM settings WHERE key IN ('log_key', 'log_checkpoint')",
        [],
    )
    .unwrap();
    assert!(a.transparency().unwrap().log_key.is_none());
    a.sync().await.unwrap();
    let t = a.transparency().unwrap();
    assert_eq!(t.log_key.as_deref(), Some(world.hub().log_key().as_str()));
    assert!(t.checkpoint_size.is_some() && t.failure.is_none());
}

#[tokio::test]
async fn a_sync_proves_all_its_receipts_with_one_proof() {
    let world = World::start().await;
    let a = world.join("a", HOME_A).await;
    let b = world.join("b", HOME_B).await;
    let consultations: Vec<_> = (0..12)
        .map(|i| world.open_consultation(&format!("议题 {i}"), VoteScope::PerResident))
        .collect();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    for (c, o) in &consultations {
        a.vote(*c, vec![o[0]]).unwrap();
    }
    // A neighbour's vote is logged before them: its leaf is not A's, the proof covers it with a hash.
    b.vote(consultations[0].0, vec![consultations[0].1[1]])
        .unwrap();
    b.sync().await.unwrap();
    let before = (
        world.proxy.requests("POST /v1/log/leaves-proof"),
        world.proxy.requests("POST /v1/log/inclusions"),
    );
    a.sync().await.unwrap();
    let t = a.transparency().unwrap();
    assert_eq!((t.receipts, t.receipts_verified), (12, 12), "{t:?}");
    assert_eq!(
        world.proxy.requests("POST /v1/log/leaves-proof") - before.0,
        1,
        "one proof for the sync's receipts"
    );
    assert_eq!(
        world.proxy.requests("POST /v1/log/inclusions"),
        before.1,
        "no proof per receipt when the one proof holds"
    );
}
