//! Witnesses end to end: real hubs over real HTTP (in this process, each on a random port with its own
//! SQLite files), real resident devices, and `linli-witness` as separate processes.
//!
//! - The hub collects a witness's cosignature for each new checkpoint; a device that pinned the witness
//!   at join takes a checkpoint only once it is cosigned, keeps the last witnessed one while the witness
//!   is down (and says so plainly, not as tampering), and catches up when it is back.
//! - A split view: a hub shows device A one history and device B another (two hub processes on copies
//!   of one database, one key, one origin). The honest witness cosigns only one of them, so B cannot get
//!   a witnessed checkpoint and reports it; a colluding witness that cosigns both gives anyone holding
//!   both checkpoints the proof of the fork.
mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use linli_core::transparency::LogProblem;
use linli_core::{CoreError, Profile};
use linli_hub::store::{BuildingSeed, CommunitySeed, NewConsultation, UnitSeed};
use linli_hub::{admin, Hub, RunningHub};
use linli_proto::{Category, ResultsVisibility, VoteScope};
use linli_tlog::{fork_evidence, Checkpoint, NoteVerifier, WitnessPolicy};
use support::{run, Server};
use uuid::Uuid;

fn seed() -> CommunitySeed {
    CommunitySeed {
        name: "幸福里社区".into(),
        phone: "010-12345678".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings: vec![BuildingSeed {
            name: "1号楼".into(),
            units: vec![UnitSeed {
                name: "1单元".into(),
                rooms: vec!["101".into(), "102".into()],
            }],
        }],
        categories: vec![Category {
            key: "facilities".into(),
            name_zh: "设施维修".into(),
            name_en: "Facilities".into(),
            icon: "wrench".into(),
            sort: 1,
        }],
    }
}

/// A witness key in `dir` named `name`, watching the community's log; returns its public key.
fn witness_for(dir: &Path, name: &str, hub: &Hub, community: Uuid) -> String {
    let d = dir.to_str().unwrap();
    let vkey = run(&["init", "--dir", d, "--name", name]).trim().to_owned();
    let origin = hub.log_origin(community).unwrap();
    run(&[
        "log",
        "add",
        "--dir",
        d,
        "--origin",
        &origin,
        "--vkey",
        &hub.log_key(),
    ]);
    vkey
}

fn open_consultation(hub: &Hub, community: Uuid) -> (Uuid, Vec<Uuid>) {
    let id = admin::consultations::create(
        hub,
        community,
        &NewConsultation {
            title: "加装电梯".into(),
            description: "请大家投票".into(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: Utc::now() - chrono::Duration::hours(1),
            closes_at: Utc::now() + chrono::Duration::days(3),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let options = admin::consultations::results(hub, community, id)
        .unwrap()
        .options
        .iter()
        .map(|o| o.id)
        .collect();
    (id, options)
}

fn invite(hub: &Hub, community: Uuid, room: &str) -> String {
    admin::invites::invite(hub, community, "1号楼", "1单元", room, 7)
        .unwrap()
        .code
}

/// A device joined with `code` at `hub`, checking the witnesses against the slip's `fingerprint`.
async fn device(
    dir: &Path,
    hub: &RunningHub,
    code: &str,
    fingerprint: Option<&str>,
) -> Arc<Profile> {
    let p = Profile::open(dir).unwrap();
    p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .unwrap();
    p.join_checked(&hub.url(), code, Some("测试手机".into()), fingerprint)
        .await
        .unwrap();
    p.sync().await.unwrap();
    p
}

fn size_of(note: &str) -> u64 {
    let (text, _) = linli_tlog::split_note(note).unwrap();
    Checkpoint::parse(text).unwrap().size
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_take_only_checkpoints_the_witness_cosigned() {
    let tmp = tempfile::tempdir().unwrap();
    let running = linli_hub::spawn_for_tests(&tmp.path().join("hub")).await;
    let hub = running.hub();
    let community = admin::community::create(hub, &seed()).unwrap();
    let wdir = tmp.path().join("witness");
    let vkey = witness_for(&wdir, "jwh-witness", hub, community);
    let mut witness = Server::start(&wdir);
    admin::witnesses::add(hub, community, &vkey, &witness.url).unwrap();
    let policy = admin::witnesses::policy(hub, community).unwrap().unwrap();
    assert_eq!(policy.quorum(), 1);

    // A hub naming other witnesses than the slip is not joined.
    let other = WitnessPolicy::new(
        &[linli_tlog::CosignatureSigner::generate("imposter")
            .unwrap()
            .verifier()
            .to_vkey()],
        1,
    )
    .unwrap();
    let refused = Profile::open(&tmp.path().join("refused")).unwrap();
    refused
        .accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .unwrap();
    match refused
        .join_checked(
            &running.url(),
            &invite(hub, community, "102"),
            None,
            Some(&other.fingerprint()),
        )
        .await
    {
        Err(CoreError::Log(LogProblem::WitnessesDiffer)) => {}
        other => panic!("expected witnesses_differ, got {other:?}"),
    }
    assert!(!refused.is_joined());

    let a = device(
        &tmp.path().join("a"),
        &running,
        &invite(hub, community, "101"),
        Some(&policy.fingerprint()),
    )
    .await;
    let (c, o) = open_consultation(hub, community);
    a.sync().await.unwrap();
    a.vote(c, vec![o[0]]).unwrap();
    a.sync().await.unwrap();
    let t = a.transparency().unwrap();
    assert_eq!((t.witnesses, t.witness_quorum), (1, 1));
    assert_eq!((t.receipts, t.receipts_verified), (1, 1), "{t:?}");
    assert!(t.unwitnessed.is_none() && t.failure.is_none(), "{t:?}");
    let note = t.checkpoint_note.unwrap();
    assert_eq!(policy.check(&note).unwrap()[0].name, "jwh-witness");
    let witnessed_size = size_of(&note);

    // The witness goes down: the vote still reaches the hub, but its receipt waits for a witnessed
    // checkpoint and the device says why, without calling it tampering.
    witness.kill9();
    a.vote(c, vec![o[1]]).unwrap();
    a.sync().await.unwrap();
    let t = a.transparency().unwrap();
    assert_eq!(
        t.checkpoint_size,
        Some(witnessed_size),
        "kept the last witnessed one"
    );
    assert!(t.awaiting_witnesses_size.unwrap() > witnessed_size);
    assert!(t.unwitnessed.as_deref().unwrap().contains("见证"), "{t:?}");
    assert!(t.failure.is_none());
    assert_eq!((t.receipts, t.receipts_verified), (2, 1));

    // Back up (same state on disk): the hub retries, and the next sync takes the witnessed head.
    let _witness = Server::start_on(&wdir, witness.url.trim_start_matches("http://"));
    let shown = run(&["show", "--dir", wdir.to_str().unwrap()]);
    assert!(
        shown.contains(&hub.log_origin(community).unwrap()),
        "{shown}"
    );
    let mut caught_up = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        a.verify_log().await.unwrap();
        let t = a.transparency().unwrap();
        if t.unwitnessed.is_none() && t.receipts_verified == 2 {
            caught_up = true;
            break;
        }
    }
    assert!(caught_up, "{:?}", a.transparency().unwrap());

    // The committee's key is replaced. Changed behind the residents' backs (no notice), the device
    // does not follow: the new witness's cosignatures do not count for it.
    let rdir = tmp.path().join("replacement");
    let replacement = witness_for(&rdir, "jwh-witness", hub, community);
    let new_witness = Server::start(&rdir);
    let row = linli_hub::store::witnesses::WitnessRow {
        name: "jwh-witness".into(),
        vkey: replacement.clone(),
        url: new_witness.url.clone(),
        added_at: Utc::now(),
    };
    hub.store().put_witness(community, &row).unwrap();
    a.vote(c, vec![o[0]]).unwrap();
    a.sync().await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    a.verify_log().await.unwrap();
    let t = a.transparency().unwrap();
    assert!(
        t.unwitnessed.is_some(),
        "unannounced witnesses are not taken: {t:?}"
    );
    // Announced with a notice every resident sees, the device takes the new witness.
    admin::witnesses::add(hub, community, &vkey, &witness.url).unwrap();
    admin::witnesses::add(hub, community, &replacement, &new_witness.url).unwrap();
    let announced = admin::witnesses::policy(hub, community).unwrap().unwrap();
    a.sync().await.unwrap();
    let notices = a.notices().unwrap();
    assert!(
        format!("{notices:?}").contains(&announced.fingerprint()),
        "the notice names the new fingerprint"
    );
    a.verify_log().await.unwrap();
    let t = a.transparency().unwrap();
    assert!(t.unwitnessed.is_none() && t.failure.is_none(), "{t:?}");
    assert_eq!(t.receipts, t.receipts_verified);
    assert_eq!(
        announced.check(&t.checkpoint_note.unwrap()).unwrap()[0].name,
        "jwh-witness"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_view_is_caught_by_the_honest_witness_and_proven_with_a_colluding_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir1, dir2) = (tmp.path().join("hub1"), tmp.path().join("hub2"));
    // The shared past: a community, its witnesses, an open consultation, two invitation codes.
    let (community, c, o, codes, honest_dir, colluding_dir) = {
        let running = linli_hub::spawn_for_tests(&dir1).await;
        let hub = running.hub();
        let community = admin::community::create(hub, &seed()).unwrap();
        let honest_dir = tmp.path().join("honest");
        let colluding_dir = tmp.path().join("colluding");
        let honest = witness_for(&honest_dir, "jwh-witness", hub, community);
        let colluding = witness_for(&colluding_dir, "yzh-witness", hub, community);
        admin::witnesses::add(hub, community, &honest, "http://127.0.0.1:9").unwrap();
        admin::witnesses::add(hub, community, &colluding, "http://127.0.0.1:9").unwrap();
        admin::witnesses::set_quorum(hub, community, 2).unwrap();
        let (c, o) = open_consultation(hub, community);
        let codes = [invite(hub, community, "101"), invite(hub, community, "102")];
        running.shutdown().await;
        (community, c, o, codes, honest_dir, colluding_dir)
    };
    // The fork: a copy of the database, served by a second process with the same key and origin.
    std::fs::create_dir_all(&dir2).unwrap();
    for entry in std::fs::read_dir(&dir1).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir2.join(entry.file_name())).unwrap();
        }
    }
    // The colluding witness keeps one state per history: two processes, one key.
    let colluding_twin = tmp.path().join("colluding-twin");
    std::fs::create_dir_all(&colluding_twin).unwrap();
    for entry in std::fs::read_dir(&colluding_dir).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), colluding_twin.join(entry.file_name())).unwrap();
    }
    let honest = Server::start(&honest_dir);
    let (colluding1, colluding2) = (
        Server::start(&colluding_dir),
        Server::start(&colluding_twin),
    );
    let hub1 = linli_hub::spawn_for_tests(&dir1).await;
    let hub2 = linli_hub::spawn_for_tests(&dir2).await;
    assert_eq!(hub1.hub().log_key(), hub2.hub().log_key());
    for (h, colluding) in [(&hub1, &colluding1), (&hub2, &colluding2)] {
        let set = admin::witnesses::list(h.hub(), community).unwrap();
        for w in set.witnesses {
            let url = if w.name == "jwh-witness" {
                &honest.url
            } else {
                &colluding.url
            };
            admin::witnesses::add(h.hub(), community, &w.vkey, url).unwrap();
        }
    }
    let policy = admin::witnesses::policy(hub1.hub(), community)
        .unwrap()
        .unwrap();
    assert_eq!(policy.quorum(), 2);

    // A votes on its history first; the honest witness cosigns it.
    let a = device(
        &tmp.path().join("a"),
        &hub1,
        &codes[0],
        Some(&policy.fingerprint()),
    )
    .await;
    a.vote(c, vec![o[0]]).unwrap();
    a.sync().await.unwrap();
    let ta = a.transparency().unwrap();
    assert!(ta.unwitnessed.is_none() && ta.failure.is_none(), "{ta:?}");
    let note_a = ta.checkpoint_note.unwrap();
    assert_eq!(policy.check(&note_a).unwrap().len(), 2);

    // B, on the other history of the same length, never gets the honest witness's cosignature.
    let b = device(
        &tmp.path().join("b"),
        &hub2,
        &codes[1],
        Some(&policy.fingerprint()),
    )
    .await;
    b.vote(c, vec![o[1]]).unwrap();
    b.sync().await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    b.verify_log().await.unwrap();
    let tb = b.transparency().unwrap();
    assert!(
        tb.unwitnessed.is_some(),
        "B reports it cannot get a witnessed checkpoint: {tb:?}"
    );
    assert!(tb.failure.is_none());
    assert_eq!(tb.receipts_verified, 0, "{tb:?}");

    // The colluding witness cosigned B's history too: whoever holds both notes proves the fork.
    let note_b = hub2.hub().witnessed_checkpoint(community).unwrap();
    let colluder = &policy.witnesses()[1];
    assert_eq!(colluder.name(), "yzh-witness");
    let (text_b, sigs_b) = linli_tlog::split_note(&note_b).unwrap();
    colluder.verify_lines(text_b, sigs_b).unwrap();
    assert!(matches!(
        policy.check(&note_b),
        Err(linli_tlog::PolicyError::TooFew { have: 1, need: 2 })
    ));
    assert_eq!(size_of(&note_a), size_of(&note_b));
    let key = NoteVerifier::from_vkey(&hub1.hub().log_key()).unwrap();
    let fork = fork_evidence(&key, &note_a, &note_b).expect("two signed roots of one size");
    assert_eq!(fork.size, size_of(&note_a));

    // An auditor with the witnesses' keys: A's hub passes, B's is refused as unwitnessed, and
    // handing either hub the other's checkpoint shows the fork.
    let vkey = hub1.hub().log_key();
    let audit = |url: String, seen: Vec<String>| {
        let (vkey, policy) = (vkey.clone(), policy.clone());
        async move {
            linli_hub::auditor::audit_witnessed(&url, Some(community), &vkey, &seen, &[], &policy)
                .await
        }
    };
    let passed = audit(hub1.url(), vec![]).await.unwrap();
    assert_eq!(passed.cosigned_by, vec!["jwh-witness", "yzh-witness"]);
    match audit(hub2.url(), vec![]).await {
        Err(linli_hub::auditor::AuditorError::Unwitnessed { have: 1, need: 2 }) => {}
        other => panic!("expected unwitnessed, got {other:?}"),
    }
    match audit(hub1.url(), vec![note_b.clone()]).await {
        Err(linli_hub::auditor::AuditorError::Fork { size }) => assert_eq!(size, fork.size),
        other => panic!("expected the fork, got {other:?}"),
    }
}
