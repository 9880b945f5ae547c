//! The restore drill, with real processes: devices act; the operator takes a backup with `linli-hub admin
//! backup` while the hub serves; devices act more (reports, one with a photo, votes, a relative's report
//! for the resident they act for) and one change stays queued offline; the hub is SIGKILLed and its data
//! directory destroyed; `linli-hub admin restore` brings the backup back and the hub starts again on the
//! same port. After the devices sync, every op any device held is on the hub exactly once, the tallies
//! are right, the photo is there, each device shows the restore notice once (also after more syncs), and
//! each device's transparency check passes on the restored log through the signed restore statement.
//!
//! Run inside a Secret Service session, as `./dev test` does.
use chrono::{Duration, Utc};
use linli_core::{NewReport, Profile};
use linli_hub::store::NewConsultation;
use linli_hub::{admin, Hub};
use linli_proto::{ProxyScope, ResultsVisibility, VoteScope};
use std::path::Path;
use std::process::Command;
use support::{assert_reports_match, binary, free_port, integrity, seed_community, HubProcess};
use uuid::Uuid;

mod support;

fn community(staff: &Hub) -> Uuid {
    admin::community::oldest(staff).expect("community")
}

fn consultation(staff: &Hub, title: &str) -> Uuid {
    admin::consultations::create(
        staff,
        community(staff),
        &NewConsultation {
            title: title.into(),
            description: "请大家投票".into(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: Utc::now() - Duration::hours(1),
            closes_at: Utc::now() + Duration::days(3),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .expect("consultation")
}

async fn device(
    dir: &Path,
    name: &str,
    staff: &Hub,
    hub_url: &str,
    room: &str,
) -> std::sync::Arc<Profile> {
    let code = admin::invites::invite(staff, community(staff), "1号楼", "1单元", room, 7)
        .expect("invite")
        .code;
    let p = Profile::open(&dir.join(name)).expect("profile");
    p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .expect("consent");
    p.join(hub_url, &code, Some(name.to_owned()))
        .await
        .expect("join");
    p.sync().await.expect("first sync");
    p
}

fn report(text: &str, photos: Vec<std::path::PathBuf>) -> NewReport {
    NewReport {
        category: "facilities".into(),
        text: text.into(),
        photos,
        ..Default::default()
    }
}

fn photo(dir: &Path) -> std::path::PathBuf {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, (y as u8) * 3, 77]));
    let path = dir.join("leak.jpg");
    img.save(&path).expect("write photo");
    path
}

fn hub_admin(data: &Path, args: &[&str]) {
    let out = Command::new(binary("linli-hub", "linli-hub"))
        .arg("admin")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("linli-hub admin");
    assert!(
        out.status.success(),
        "linli-hub admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn vote_for(p: &Profile, c: Uuid, option: usize, acting_for: Option<Uuid>) {
    let view = p.consultation(c).expect("consultation on the device");
    p.vote_as(c, vec![view.options[option].id], acting_for)
        .expect("vote");
}

fn restore_notices(p: &Profile) -> Vec<linli_core::views::ResidentMessage> {
    p.messages()
        .expect("messages")
        .into_iter()
        .filter(|m| m.op_kind == linli_core::sync::RESTORE_MESSAGE_KIND)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_from_backup_loses_nothing_a_device_still_holds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("hub");
    std::fs::create_dir_all(&data).expect("hub dir");
    let mut hub = HubProcess::start(&data, free_port());
    let staff = Hub::open(&data).expect("open hub data");
    admin::community::create(&staff, &seed_community()).expect("community");
    let (early, late) = (consultation(&staff, "早"), consultation(&staff, "晚"));
    let alice = device(dir.path(), "alice", &staff, &hub.url(), "101").await;
    let bob = device(dir.path(), "bob", &staff, &hub.url(), "102").await;

    // Bob is Alice's relative (亲友代办), recorded at the office.
    let principal = {
        let db = rusqlite::Connection::open(data.join("hub.db")).expect("hub db");
        let id = |name: &str| -> String {
            db.query_row("SELECT id FROM devices WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .expect("device id")
        };
        admin::proxy::grant(
            &staff,
            community(&staff),
            &id("alice"),
            &id("bob"),
            &[ProxyScope::Report, ProxyScope::Vote],
            Some(30),
            Some("儿子".into()),
        )
        .expect("grant")
        .principal
    };

    // Before the backup.
    alice
        .new_report(report("楼道灯坏了", vec![]))
        .expect("report");
    vote_for(&alice, early, 0, None);
    bob.new_report(report("电梯异响", vec![])).expect("report");
    alice.sync().await.expect("sync");
    bob.sync().await.expect("sync");
    let backup = dir.path().join("backup");
    hub_admin(
        &data,
        &["backup", "--out", backup.to_str().expect("utf-8 path")],
    );

    // After the backup: all of it reaches the hub, and the devices settle it.
    let leak = alice
        .new_report(report("水管漏水", vec![photo(dir.path())]))
        .expect("report with a photo");
    vote_for(&alice, late, 1, None);
    bob.sync().await.expect("bob learns the grant");
    bob.new_report_as(report("替妈妈报：门禁坏了", vec![]), Some(principal))
        .expect("a relative's report");
    vote_for(&bob, late, 0, None);
    alice.sync().await.expect("sync");
    bob.sync().await.expect("sync");
    alice.sync().await.expect("sync");
    let seen = alice
        .verify_log()
        .await
        .expect("the log checks before the loss");
    let seen_note = dir.path().join("seen-checkpoint.txt");
    std::fs::write(&seen_note, seen.checkpoint_note.expect("a checkpoint")).expect("save it");
    let log_key = seen.log_key.expect("pinned key");
    // And one change made offline, on a report the backup never had.
    alice
        .comment_report(leak, "楼下也渗水了")
        .expect("comment queued");

    // The disk dies.
    hub.kill();
    drop(staff);
    std::fs::remove_dir_all(&data).expect("destroy the hub's data");
    hub_admin(
        &data,
        &["restore", "--from", backup.to_str().expect("utf-8 path")],
    );
    let mut hub = HubProcess::start(&data, hub.port);

    for p in [&alice, &bob, &alice, &bob] {
        p.sync().await.expect("sync with the restored hub");
    }
    let staff = Hub::open(&data).expect("open the restored data");
    let reports = support::staff_reports(&staff);
    for text in ["楼道灯坏了", "电梯异响", "水管漏水", "替妈妈报：门禁坏了"] {
        let n = reports.iter().filter(|r| r.report.text == text).count();
        assert_eq!(n, 1, "{text:?} is on the hub exactly once");
    }
    let leak_report = reports
        .iter()
        .find(|r| r.report.id == leak)
        .expect("the report made after the backup");
    assert_eq!(leak_report.report.photos.len(), 1, "its photo");
    assert!(
        data.join("blobs")
            .join(&leak_report.report.photos[0])
            .exists(),
        "the photo was uploaded again"
    );
    let comments = leak_report
        .report
        .events
        .iter()
        .filter(|e| e.text.as_deref() == Some("楼下也渗水了"))
        .count();
    assert_eq!(comments, 1, "the comment queued offline, once");
    let by_relative = reports
        .iter()
        .find(|r| r.report.text == "替妈妈报：门禁坏了")
        .expect("relative's report");
    assert_eq!(
        Some(by_relative.household.id),
        alice.household().expect("household").map(|h| h.id),
        "the relative's report is Alice's"
    );
    let tally = |c| admin::consultations::results(&staff, community(&staff), c).expect("results");
    assert_eq!(tally(early).total_votes, 1, "the early vote, once");
    let late_tally = tally(late);
    assert_eq!(late_tally.total_votes, 2, "both late votes, once each");
    assert_eq!(late_tally.options[0].votes, 1);
    assert_eq!(late_tally.options[1].votes, 1);

    for (name, p) in [("alice", &alice), ("bob", &bob)] {
        assert_eq!(
            p.status().expect("status").pending,
            0,
            "{name}: nothing left queued"
        );
        assert_reports_match(name, &staff, p);
        assert_eq!(
            restore_notices(p).len(),
            1,
            "{name}: the restore is told once"
        );
        let view = p.verify_log().await.expect("the restored log checks");
        assert!(view.failure.is_none(), "{name}: {view:?}");
    }
    // Alice had seen the votes after the backup in the log: her notice names the part that is gone.
    let told = &restore_notices(&alice)[0];
    assert_ne!(
        told.text,
        linli_core::sync::restore_message_text(alice.language(), None),
        "the gap is named"
    );
    // An auditor holding the checkpoint Alice saw before the loss: the restore is announced, the old
    // checkpoint is set aside as superseded rather than called tampering, the rest verifies.
    let audit = Command::new(binary("linli-hub", "linli-hub"))
        .args([
            "verify",
            "--hub",
            &hub.url(),
            "--key",
            &log_key,
            "--json",
            "--checkpoint",
        ])
        .arg(&seen_note)
        .output()
        .expect("linli-hub verify");
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("json report");
    assert_eq!(
        report["restores"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    assert_eq!(
        report["superseded_by_restore"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    // Later syncs tell nothing new.
    hub.restart();
    alice.sync().await.expect("sync");
    assert_eq!(restore_notices(&alice).len(), 1);
    drop(alice);
    drop(bob);
    assert_eq!(integrity(&data.join("hub.db")), "ok");
}
