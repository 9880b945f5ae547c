//! Randomized fault schedules: a real hub (in-process, random port, SQLite in a temp dir), four resident
//! devices (linli-core profiles, two households) each behind its own fault-injecting proxy, making reports,
//! comments, votes and vote changes offline and online while staff close a consultation and move reports on.
//! Then the faults stop, everyone syncs, and the invariants are checked (see `check`).
//!
//! `LINLI_FAULT_SCHEDULES=N` runs N schedules (default 50, the CI form: 30–45 s on a 2-core machine);
//! `LINLI_FAULT_SEED=S` replays the schedule with seed S (printed on every failure). `./dev faults` runs 1,000.
//! Run inside a Secret Service session (the profiles keep their tokens in the keychain), as `./dev test` does.
use chrono::{DateTime, Duration, Utc};
use linli_core::{NewReport, Profile};
use linli_faults::FaultProxy;
use linli_hub::admin;
use linli_hub::store::NewConsultation;
use linli_proto::{ProxyScope, ReportStatus, ResultsVisibility, VoteScope};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use support::{assert_reports_match, integrity, seed_community};
use uuid::Uuid;

mod support;

/// Default number of schedules in `cargo test` (CI).
const CI_SCHEDULES: usize = 50;

/// One op a device queued, as the schedule remembers it.
#[derive(Debug, Clone)]
struct Queued {
    device: usize,
    op_id: String,
    kind: String,
    target: String,
    /// The unique text of a report or comment.
    text: Option<String>,
}

struct Device {
    profile: Arc<Profile>,
    proxy: FaultProxy,
    offline: bool,
}

fn outbox_ids(dir: &Path) -> BTreeMap<String, (String, String)> {
    let db = rusqlite::Connection::open(dir.join("linli.db")).expect("device db");
    let mut st = db
        .prepare("SELECT op_id, kind, target FROM outbox")
        .expect("outbox");
    st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .expect("outbox rows")
        .collect::<Result<_, _>>()
        .expect("outbox rows")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn randomized_fault_schedules_lose_nothing_and_count_nothing_twice() {
    let seeds: Vec<u64> = match linli_faults::seed_from_env() {
        Some(s) => vec![s],
        None => {
            let base: u64 = rand::random();
            let n = linli_faults::schedules_from_env(CI_SCHEDULES);
            (0..n as u64).map(|i| base.wrapping_add(i)).collect()
        }
    };
    let started = std::time::Instant::now();
    let mut totals = Totals::default();
    for (i, &seed) in seeds.iter().enumerate() {
        let result = tokio::spawn(run_schedule(seed)).await;
        match result {
            Ok(t) => {
                totals.add(&t);
                if (i + 1) % 100 == 0 {
                    eprintln!(
                        "{} schedules passed ({:.0} s)",
                        i + 1,
                        started.elapsed().as_secs_f64()
                    );
                }
            }
            Err(e) => {
                eprintln!(
                    "fault schedule {i} failed; replay with LINLI_FAULT_SEED={seed} LINLI_FAULT_SCHEDULES=1"
                );
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
    if seeds.len() >= 5 {
        assert!(
            totals.faults > 0,
            "the proxies injected no fault: the suite tested nothing"
        );
        assert!(
            totals.rejected > 0,
            "no op was rejected: the resident-visible reason path went untested"
        );
        assert!(
            totals.for_principal > 0,
            "no op reached the hub for a principal: the relative's path went untested"
        );
    }
    eprintln!(
        "{} fault schedules in {:.1} s: {totals:?}",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}

#[derive(Debug, Default)]
struct Totals {
    ops: usize,
    applied: usize,
    rejected: usize,
    superseded: usize,
    connections: u64,
    faults: u64,
    /// Ops the relative's device made for device 0's resident that reached the hub.
    for_principal: usize,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.ops += o.ops;
        self.applied += o.applied;
        self.rejected += o.rejected;
        self.superseded += o.superseded;
        self.connections += o.connections;
        self.faults += o.faults;
        self.for_principal += o.for_principal;
    }
}

async fn run_schedule(seed: u64) -> Totals {
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let hub_dir = dir.path().join("hub");
    let hub = linli_hub::spawn_for_tests(&hub_dir).await;
    admin::community::create(hub.hub(), &seed_community()).expect("community");
    let mut consultations = Vec::new();
    for scope in [VoteScope::PerResident, VoteScope::PerHousehold] {
        let id = admin::consultations::create(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            &NewConsultation {
                title: format!("{scope:?}"),
                description: "请大家投票".into(),
                options: vec!["同意".into(), "不同意".into(), "弃权".into()],
                max_choices: 1,
                opens_at: Utc::now() - Duration::hours(1),
                closes_at: Utc::now() + Duration::days(3),
                vote_scope: scope,
                results_visibility: ResultsVisibility::Live,
                buildings: vec![],
            },
        )
        .expect("consultation");
        consultations.push(id);
    }

    // Two households, two devices each; joined over a perfect network.
    let mut devices = Vec::new();
    for (i, room) in ["101", "101", "102", "102"].iter().enumerate() {
        let proxy = FaultProxy::start(hub.addr, seed.wrapping_mul(31).wrapping_add(i as u64))
            .await
            .expect("proxy");
        let code = admin::invites::invite(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            "1号楼",
            "1单元",
            room,
            7,
        )
        .expect("invite")
        .code;
        let profile = Profile::open(&dir.path().join(format!("d{i}"))).expect("profile");
        profile
            .accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
            .expect("consent");
        profile
            .join(&proxy.url(), &code, Some(format!("居民{i}")))
            .await
            .expect("join");
        profile.sync().await.expect("first sync");
        proxy.set_fault_permille(rng.random_range(100..700));
        devices.push(Device {
            profile,
            proxy,
            offline: false,
        });
    }

    // A relative (device 2, the other household) acts for device 0's resident (亲友代办), granted at the office;
    // device 2 learns the grant over a good network, then its faults come back.
    let principal = {
        let db = rusqlite::Connection::open(hub_dir.join("hub.db")).expect("hub db");
        let (principal, relative) = (
            device_id(&db, &devices[0].profile, 0),
            device_id(&db, &devices[2].profile, 2),
        );
        admin::proxy::grant(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            &principal,
            &relative,
            &[ProxyScope::Report, ProxyScope::Vote],
            Some(30),
            Some("亲戚".into()),
        )
        .expect("grant")
        .principal
    };
    let faults = rng.random_range(100..700);
    devices[2].proxy.set_fault_permille(0);
    devices[2]
        .profile
        .sync()
        .await
        .expect("the relative learns the grant");
    devices[2].proxy.set_fault_permille(faults);

    let mut queued: Vec<Queued> = Vec::new();
    let mut superseded: BTreeSet<String> = BTreeSet::new();
    let steps = rng.random_range(25..50);
    let close_at = rng.random_range(0..steps * 2); // about half the schedules close a vote mid-way
    for step in 0..steps {
        if step == close_at {
            admin::consultations::close(
                hub.hub(),
                linli_hub::admin::community::oldest(hub.hub()).expect("community"),
                consultations[rng.random_range(0..2)],
            )
            .expect("close");
        }
        let d = rng.random_range(0..devices.len());
        let action = rng.random_range(0..100);
        let dev = &mut devices[d];
        let p = dev.profile.clone();
        let before = outbox_ids(p.dir());
        let mut text = None;
        match action {
            0..=14 => {
                let t = format!("报修{seed}-{step}");
                // A third of the reports carry a small photo (distinct bytes each time).
                let photos = if rng.random_range(0..3) == 0 {
                    vec![small_photo(p.dir(), step, rng.random())]
                } else {
                    vec![]
                };
                // The relative reports for device 0's resident half the time.
                let acting_for = (d == 2 && rng.random_range(0..2) == 0).then_some(principal);
                let _ = p.new_report_as(
                    NewReport {
                        category: "facilities".into(),
                        text: t.clone(),
                        photos,
                        ..Default::default()
                    },
                    acting_for,
                );
                text = Some(t);
            }
            15..=32 => {
                let reports = p.reports().expect("reports");
                if !reports.is_empty() {
                    let r = &reports[rng.random_range(0..reports.len())];
                    let t = format!("补充{seed}-{step}");
                    let _ = p.comment_report(r.id, &t);
                    text = Some(t);
                }
            }
            33..=52 => {
                let c = consultations[rng.random_range(0..2)];
                // The relative votes for device 0's resident half the time (their own vote always wins).
                let acting_for = (d == 2 && rng.random_range(0..2) == 0).then_some(principal);
                if let Ok(view) = p.consultation(c) {
                    let o = view.options[rng.random_range(0..view.options.len())].id;
                    let _ = p.vote_as(c, vec![o], acting_for);
                }
            }
            53..=55 => {
                let reports = p.reports().expect("reports");
                if !reports.is_empty() {
                    let _ = p.withdraw_report(reports[rng.random_range(0..reports.len())].id);
                }
            }
            56..=59 => {
                // Staff move a report on (a change the devices must pull).
                let all = support::staff_reports(hub.hub());
                if !all.is_empty() {
                    let r = &all[rng.random_range(0..all.len())];
                    let _ = admin::reports::set_status(
                        hub.hub(),
                        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
                        r.report.id,
                        ReportStatus::Accepted,
                        Some("已受理"),
                    );
                }
            }
            60..=67 => {
                dev.offline = !dev.offline;
                dev.proxy.set_offline(dev.offline);
            }
            68..=91 => {
                let _ = p.sync().await;
            }
            _ => {
                // Everyone at once.
                let handles: Vec<_> = devices
                    .iter()
                    .map(|d| {
                        let p = d.profile.clone();
                        tokio::spawn(async move { p.sync().await })
                    })
                    .collect();
                for h in handles {
                    let _ = h.await;
                }
                continue;
            }
        }
        let after = outbox_ids(p.dir());
        if action < 60 {
            // Ops that vanished during a local action were replaced by a newer one (a changed vote).
            for gone in before.keys().filter(|k| !after.contains_key(*k)) {
                superseded.insert(gone.clone());
            }
            for (op_id, (kind, target)) in after.iter().filter(|(k, _)| !before.contains_key(*k)) {
                queued.push(Queued {
                    device: d,
                    op_id: op_id.clone(),
                    kind: kind.clone(),
                    target: target.clone(),
                    text: text.clone(),
                });
            }
        }
    }

    // Traffic stops, faults stop, everyone syncs until nothing is pending (twice round, so each device also
    // pulls what the others pushed last).
    let mut stats = Vec::new();
    for d in &devices {
        d.proxy.set_offline(false);
        d.proxy.set_fault_permille(0);
        stats.push(d.proxy.stats());
    }
    for round in 0..2 {
        if round == 1 {
            // Live tallies reach other voters from one change per consultation per tally interval
            // (`linli_hub::TALLY_INTERVAL`); the hub's poller would flush it within that time.
            hub.hub()
                .store()
                .flush_tallies(chrono::Utc::now())
                .expect("flush tallies");
        }
        for (i, d) in devices.iter().enumerate() {
            let mut tries = 0;
            loop {
                match d.profile.sync().await {
                    Ok(_) if d.profile.status().expect("status").pending == 0 => break,
                    other => {
                        tries += 1;
                        assert!(
                            tries < 5,
                            "seed {seed}: device {i} cannot settle on a good network: {other:?}"
                        );
                    }
                }
            }
        }
    }

    let mut t = Totals {
        ops: queued.len(),
        superseded: superseded.len(),
        connections: stats.iter().map(|s| s.connections).sum(),
        faults: stats
            .iter()
            .map(|s| {
                s.dropped_before + s.dropped_after + s.delayed + s.cut + s.duplicated + s.statuses
            })
            .sum(),
        ..Default::default()
    };
    check(seed, &hub, &hub_dir, &devices, &queued, &superseded, &mut t);
    hub.shutdown().await;
    for d in &devices {
        // Keeps the session keyring small over a long run (one token per device otherwise stays behind).
        let _ = d.profile.sign_out();
    }
    assert_eq!(
        integrity(&hub_dir.join("hub.db")),
        "ok",
        "seed {seed}: hub.db"
    );
    for (i, d) in devices.iter().enumerate() {
        assert_eq!(
            integrity(&d.profile.dir().join("linli.db")),
            "ok",
            "seed {seed}: device {i}"
        );
    }
    t
}

/// The invariants after a schedule settled:
/// - every queued op (not replaced by a newer vote on the device) is applied exactly once on the hub, or
///   rejected with a message the resident sees;
/// - a report's or comment's text is on the hub once if applied, never if rejected;
/// - each tally equals the ballots, no ballot was cast after its consultation closed, and each device's own
///   vote equals its ballot on the hub;
/// - each device's reports (ids, status, timeline) equal the hub's for its household, timelines in order.
fn check(
    seed: u64,
    hub: &linli_hub::RunningHub,
    hub_dir: &Path,
    devices: &[Device],
    queued: &[Queued],
    superseded: &BTreeSet<String>,
    t: &mut Totals,
) {
    let db = rusqlite::Connection::open(hub_dir.join("hub.db")).expect("hub db");
    let hub_ops: HashMap<String, (String, Option<String>)> = {
        let mut st = db
            .prepare("SELECT op_id, status, code FROM ops")
            .expect("ops");
        st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .expect("ops")
            .collect::<Result<_, _>>()
            .expect("ops")
    };
    let count = |sql: &str, arg: &str| -> i64 {
        db.query_row(sql, [arg], |r| r.get(0)).expect("count query")
    };
    t.for_principal = db
        .query_row(
            "SELECT COUNT(*) FROM ops WHERE on_behalf_of IS NOT NULL",
            [],
            |r| r.get::<_, i64>(0),
        )
        .expect("ops for a principal") as usize;
    for q in queued {
        if superseded.contains(&q.op_id) {
            assert!(
                !hub_ops.contains_key(&q.op_id),
                "seed {seed}: an op the device replaced reached the hub: {q:?}"
            );
            continue;
        }
        let Some((status, code)) = hub_ops.get(&q.op_id) else {
            panic!("seed {seed}: op lost, never applied nor rejected: {q:?}");
        };
        let applied = status == "applied";
        if applied {
            t.applied += 1;
        } else {
            t.rejected += 1;
            let msgs = devices[q.device].profile.messages().expect("messages");
            assert!(
                msgs.iter().any(|m| m.op_kind == q.kind
                    && m.target.as_deref() == Some(q.target.as_str())
                    && Some(&m.code) == code.as_ref()),
                "seed {seed}: op rejected ({code:?}) without a message to the resident: {q:?}; messages {msgs:?}"
            );
        }
        let want = i64::from(applied);
        match (q.kind.as_str(), &q.text) {
            ("create_report", Some(text)) => assert_eq!(
                count("SELECT COUNT(*) FROM reports WHERE text = ?1", text),
                want,
                "seed {seed}: report {q:?}"
            ),
            ("comment_report", Some(text)) => assert_eq!(
                count(
                    "SELECT COUNT(*) FROM report_events WHERE kind = 'comment' AND text = ?1",
                    text
                ),
                want,
                "seed {seed}: comment {q:?}"
            ),
            _ => {}
        }
    }

    // Tallies against ballots; nothing after close.
    for c in admin::consultations::list(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
    )
    .expect("consultations")
    {
        let mut st = db
            .prepare("SELECT option_ids, cast_at FROM ballots WHERE consultation_id = ?1")
            .expect("ballots");
        let ballots: Vec<(String, String)> = st
            .query_map([c.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("ballots")
            .collect::<Result<_, _>>()
            .expect("ballots");
        assert_eq!(
            c.total_votes,
            ballots.len() as i64,
            "seed {seed}: total votes"
        );
        for o in &c.options {
            let n = ballots
                .iter()
                .filter(|(ids, _)| ids.contains(&o.id.to_string()))
                .count() as i64;
            assert_eq!(o.votes, n, "seed {seed}: tally of option {}", o.label);
        }
        if let Some(closed) = c.closed_at {
            for (_, at) in &ballots {
                let at: DateTime<Utc> = at.parse().expect("cast_at");
                assert!(
                    at <= closed,
                    "seed {seed}: a ballot cast at {at} after close {closed}"
                );
            }
        }
        for (i, d) in devices.iter().enumerate() {
            let view = d.profile.consultation(c.id).expect("device consultation");
            assert_eq!(
                view.total_votes,
                Some(c.total_votes),
                "seed {seed}: device {i} total votes of {}",
                c.title
            );
            assert!(!view.pending, "seed {seed}: device {i} vote still pending");
            let resident: Option<String> = d
                .profile
                .household()
                .ok()
                .flatten()
                .map(|h| h.id.to_string());
            let household = resident.expect("household");
            let mine: Vec<String> = {
                let sql = match c.vote_scope {
                    VoteScope::PerHousehold => {
                        "SELECT b.option_ids FROM ballots b WHERE b.consultation_id = ?1 AND b.household_id = ?2"
                    }
                    VoteScope::PerResident => {
                        "SELECT b.option_ids FROM ballots b JOIN devices v ON v.resident_id = b.resident_id \
                         WHERE b.consultation_id = ?1 AND v.id = ?2"
                    }
                };
                let key = match c.vote_scope {
                    VoteScope::PerHousehold => household,
                    VoteScope::PerResident => device_id(&db, &d.profile, i),
                };
                let mut st = db.prepare(sql).expect("my ballot");
                st.query_map([c.id.to_string(), key], |r| r.get(0))
                    .expect("my ballot")
                    .collect::<Result<_, _>>()
                    .expect("my ballot")
            };
            assert!(mine.len() <= 1, "seed {seed}: two ballots for one voter");
            let hub_choice: Option<Vec<Uuid>> = mine
                .first()
                .map(|s| serde_json::from_str(s).expect("option ids"));
            assert_eq!(
                view.my_vote, hub_choice,
                "seed {seed}: device {i}'s vote on {} differs from its ballot",
                c.title
            );
        }
    }

    // Replicas equal the hub's view (ids, status, photos, timelines), timelines in order; every photo a
    // report names is stored on the hub.
    for (i, d) in devices.iter().enumerate() {
        assert_reports_match(&format!("seed {seed}: device {i}"), hub.hub(), &d.profile);
    }
    for r in support::staff_reports(hub.hub()) {
        for sha in &r.report.photos {
            assert_eq!(
                count("SELECT COUNT(*) FROM blobs WHERE sha256 = ?1", sha),
                1,
                "seed {seed}: photo {sha} of {} missing on the hub",
                r.report.id
            );
        }
    }
}

/// A small JPEG with distinct pixels, written into `dir`.
fn small_photo(dir: &Path, step: usize, salt: u8) -> std::path::PathBuf {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([
            (x as u8).wrapping_add(salt),
            (y as u8).wrapping_mul(3),
            step as u8,
        ])
    });
    let path = dir.join(format!("photo-{step}.jpg"));
    img.save(&path).expect("write photo");
    path
}

/// The hub's device id of a profile: the device row whose resident lives in the profile's household and
/// whose name the schedule gave it.
fn device_id(db: &rusqlite::Connection, p: &Profile, i: usize) -> String {
    let _ = p;
    db.query_row(
        "SELECT id FROM devices WHERE name = ?1",
        [format!("居民{i}")],
        |r| r.get(0),
    )
    .expect("device by name")
}
