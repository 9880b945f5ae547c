//! Crash tests with real processes: the `linli-hub` binary is SIGKILLed while it applies a large push and
//! restarted on the same data directory and port; the `linli` command-line client is SIGKILLed in the middle
//! of a push, of a pull, and of adding a photo, then run again. After each, everything settles on a good
//! network and the invariants hold: every op applied exactly once, the device's replica equals the hub's
//! view, timelines in order, `PRAGMA integrity_check` ok on every SQLite file.
//!
//! Kill moments are drawn from a seeded generator (`LINLI_FAULT_SEED` replays; the seed is printed).
//! Run inside a Secret Service session, as `./dev test` does.
use linli_core::{NewReport, Profile};
use linli_hub::store::{NewNotice, StaffReport};
use linli_hub::{admin, Hub};
use linli_proto::Urgency;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::{assert_reports_match, binary, free_port, integrity, seed_community, HubProcess};

mod support;

/// Reports queued per round of the hub-kill test.
const BACKLOG: usize = 250;

fn seed(test: &str) -> u64 {
    let s = linli_faults::seed_from_env().unwrap_or_else(rand::random);
    eprintln!("{test}: seed {s} (replay with LINLI_FAULT_SEED={s})");
    s
}

/// A hub process with the test community, the staff side opened in-process on the same data directory.
fn hub_with_community(dir: &Path) -> (HubProcess, Hub) {
    let data = dir.join("hub");
    std::fs::create_dir_all(&data).expect("hub dir");
    let process = HubProcess::start(&data, free_port());
    let staff = Hub::open(&data).expect("open hub data");
    admin::community::create(&staff, &seed_community()).expect("community");
    (process, staff)
}

fn invite(staff: &Hub, room: &str) -> String {
    admin::invites::invite(
        staff,
        linli_hub::admin::community::oldest(staff).expect("community"),
        "1号楼",
        "1单元",
        room,
        7,
    )
    .expect("invite")
    .code
}

fn reports_with_text(staff: &Hub, text: &str) -> Vec<StaffReport> {
    support::staff_reports(staff)
        .into_iter()
        .filter(|r| r.report.text == text)
        .collect()
}

fn linli(profile: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(binary("linli", "linli-cli"));
    c.arg("--profile")
        .arg(profile)
        .args(args)
        .env_remove("LINLI_PROFILE")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Starts `linli ARGS`, SIGKILLs it after `after` (if still running); true when it was killed mid-way.
fn kill_after(profile: &Path, args: &[&str], after: Duration) -> bool {
    let mut child: Child = linli(profile, args).spawn().expect("start linli");
    std::thread::sleep(after);
    let running = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// Runs `linli sync` until it succeeds (a fresh process each time).
fn sync_to_end(profile: &Path) {
    for _ in 0..5 {
        if linli(profile, &["sync"])
            .status()
            .expect("linli sync")
            .success()
        {
            return;
        }
    }
    panic!("linli sync never succeeded on a good network");
}

fn check_device(what: &str, dir: &Path, staff: &Hub, profile_dir: &Path) {
    let p = Profile::open(profile_dir).expect("reopen profile");
    assert_eq!(p.status().expect("status").pending, 0, "{what}: pending");
    assert_reports_match(what, staff, &p);
    drop(p);
    assert_eq!(
        integrity(&profile_dir.join("linli.db")),
        "ok",
        "{what}: device db"
    );
    assert_eq!(
        integrity(&dir.join("hub").join("hub.db")),
        "ok",
        "{what}: hub db"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_killed_while_applying_a_large_push_restarts_without_losing_or_doubling() {
    let seed = seed("hub kill");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut hub, staff) = hub_with_community(dir.path());
    let pdir = dir.path().join("alice");
    let p = Profile::open(&pdir).expect("profile");
    p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .expect("consent");
    p.join(&hub.url(), &invite(&staff, "101"), Some("alice".into()))
        .await
        .expect("join");
    p.sync().await.expect("first sync");

    // Four rounds: a big offline backlog (BACKLOG reports, a comment on every fourth), a sync, and a SIGKILL of
    // the hub 2–60 ms into it (about as long as the hub takes to apply the push); then
    // the hub restarts on the same data and port.
    let mut texts = Vec::new();
    let mut comments_made = 0;
    let mut killed_mid_push = 0;
    for round in 0..4 {
        for i in 0..BACKLOG {
            let text = format!("积压报修{round}-{i}");
            let id = p
                .new_report(NewReport {
                    category: "facilities".into(),
                    text: text.clone(),
                    ..Default::default()
                })
                .expect("report");
            if i % 4 == 0 {
                p.comment_report(id, &format!("补充{round}-{i}"))
                    .expect("comment");
                comments_made += 1;
            }
            texts.push(text);
        }
        let queued = p.status().expect("status").pending;
        let syncing = {
            let p = p.clone();
            tokio::spawn(async move { p.sync().await })
        };
        tokio::time::sleep(Duration::from_millis(rng.random_range(2..60))).await;
        let pending_at_kill = p.status().expect("status").pending;
        hub.kill();
        let result = syncing.await.expect("sync task");
        if result.is_err() && pending_at_kill > 0 {
            killed_mid_push += 1;
        }
        eprintln!("round {round}: {queued} queued, {pending_at_kill} pending at the kill, sync {result:?}");
        hub.restart();
        let landed = (0..BACKLOG)
            .filter(|i| !reports_with_text(&staff, &format!("积压报修{round}-{i}")).is_empty())
            .count();
        eprintln!("round {round}: {landed} of its {BACKLOG} reports on the hub after the restart");
    }
    for _ in 0..5 {
        if p.sync().await.is_ok() && p.status().expect("status").pending == 0 {
            break;
        }
    }
    eprintln!("hub kill: {killed_mid_push} of 4 kills landed mid-push");

    for text in &texts {
        assert_eq!(
            reports_with_text(&staff, text).len(),
            1,
            "seed {seed}: {text} on the hub"
        );
    }
    let comments: usize = support::staff_reports(&staff)
        .iter()
        .map(|r| {
            r.report
                .events
                .iter()
                .filter(|e| e.kind == linli_proto::ReportEventKind::Comment)
                .count()
        })
        .sum();
    assert_eq!(comments, comments_made, "seed {seed}: comments on the hub");
    drop(p);
    check_device(&format!("seed {seed}"), dir.path(), &staff, &pdir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_killed_mid_push_and_mid_pull_settles_on_the_next_run() {
    let seed = seed("client kill push/pull");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let (hub, staff) = hub_with_community(dir.path());

    // Push: four rounds of a backlog queued offline (250 reports) and `linli sync` killed a few
    // milliseconds in (the process start, keychain and first batches take about that long).
    let alice = dir.path().join("alice");
    {
        let p = Profile::open(&alice).expect("profile");
        p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
            .expect("consent");
        p.join(&hub.url(), &invite(&staff, "101"), Some("alice".into()))
            .await
            .expect("join");
        p.sync().await.expect("first sync");
    }
    let mut killed = 0;
    let mut made = 0;
    for round in 0..4 {
        {
            let p = Profile::open(&alice).expect("profile");
            for i in 0..250 {
                p.new_report(NewReport {
                    category: "facilities".into(),
                    text: format!("离线报修{round}-{i}"),
                    ..Default::default()
                })
                .expect("report");
                made += 1;
            }
        }
        let after = Duration::from_millis(rng.random_range(10..150));
        killed += usize::from(kill_after(&alice, &["sync"], after));
    }
    sync_to_end(&alice);
    for round in 0..4 {
        for i in 0..250 {
            let text = format!("离线报修{round}-{i}");
            assert_eq!(
                reports_with_text(&staff, &text).len(),
                1,
                "seed {seed}: {text}"
            );
        }
    }
    assert_eq!(made, 1000);
    check_device(&format!("seed {seed} push"), dir.path(), &staff, &alice);
    eprintln!("push: {killed} of 4 kills landed while linli sync ran");

    // Pull: a device that joined earlier, then 1,000 notices published, its next sync killed a few times.
    let bob = dir.path().join("bob");
    {
        let p = Profile::open(&bob).expect("profile");
        p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
            .expect("consent");
        p.join(&hub.url(), &invite(&staff, "102"), Some("bob".into()))
            .await
            .expect("join");
        p.sync().await.expect("first sync");
    }
    for i in 0..1000 {
        admin::notices::publish(
            &staff,
            linli_hub::admin::community::oldest(&staff).expect("community"),
            &NewNotice {
                title: format!("通知{i}"),
                body: "详情见社区公告栏。".repeat(20),
                urgency: Urgency::Normal,
                pinned: false,
                expires_at: None,
                buildings: vec![],
            },
        )
        .expect("notice");
    }
    let mut killed = 0;
    for _ in 0..4 {
        let after = Duration::from_millis(rng.random_range(10..200));
        killed += usize::from(kill_after(&bob, &["sync"], after));
    }
    sync_to_end(&bob);
    let p = Profile::open(&bob).expect("profile");
    let on_hub = admin::notices::list(
        &staff,
        linli_hub::admin::community::oldest(&staff).expect("community"),
    )
    .expect("notices")
    .len();
    assert_eq!(
        p.notices().expect("notices").len(),
        on_hub,
        "seed {seed}: notices"
    );
    drop(p);
    check_device(&format!("seed {seed} pull"), dir.path(), &staff, &bob);
    eprintln!("pull: {killed} of 4 kills landed while linli sync ran");
}

fn big_photo(dir: &Path) -> PathBuf {
    let img = image::RgbImage::from_fn(3000, 2200, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let path = dir.join("camera.jpg");
    img.save(&path).expect("write photo");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_killed_while_adding_a_photo_leaves_all_or_nothing() {
    let seed = seed("client kill photo");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let (hub, staff) = hub_with_community(dir.path());
    let alice = dir.path().join("alice");
    {
        let p = Profile::open(&alice).expect("profile");
        p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
            .expect("consent");
        p.join(&hub.url(), &invite(&staff, "101"), Some("alice".into()))
            .await
            .expect("join");
        p.sync().await.expect("first sync");
    }
    let photo = big_photo(dir.path());
    let photo = photo.to_str().expect("utf-8 path");
    let mut killed = 0;
    for i in 0..5 {
        let text = format!("路灯坏了{i}");
        let after = Duration::from_millis(rng.random_range(20..800));
        killed += usize::from(kill_after(
            &alice,
            &[
                "report",
                "new",
                "--category",
                "facilities",
                "--text",
                &text,
                "--photo",
                photo,
            ],
            after,
        ));
    }
    sync_to_end(&alice);
    let p = Profile::open(&alice).expect("profile");
    for r in p.reports().expect("reports") {
        assert_eq!(r.photos.len(), 1, "seed {seed}: a report without its photo");
        p.photo_bytes(&r.photos[0], false)
            .expect("the photo of a saved report is there");
        assert_eq!(reports_with_text(&staff, &r.text).len(), 1, "seed {seed}");
    }
    drop(p);
    check_device(&format!("seed {seed} photo"), dir.path(), &staff, &alice);
    eprintln!("photo: {killed} of 5 kills landed while linli report new ran");
}
