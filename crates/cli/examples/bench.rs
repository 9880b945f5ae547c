//! Resident-side benchmark against a real hub over loopback HTTP, with a real profile (SQLite + keychain):
//! - initial sync of a community with 10,000 notices and 500 consultations (wall time, changes/s);
//! - the local notices list query at 10,000 notices (p50 / p99);
//! - pushing 1,000 queued ops (queue time, then one sync).
//!
//! Run (needs a Secret Service for the token, as the tests do):
//! `dbus-run-session -- sh -c 'echo linli-dev | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!  cargo run --release -p linli-cli --example bench'`
use chrono::{Duration, Utc};
use linli_core::Profile;
use linli_hub::admin;
use linli_hub::store::{BuildingSeed, CommunitySeed, NewConsultation, NewNotice, UnitSeed};
use linli_proto::{Category, ResultsVisibility, Urgency, VoteScope};
use std::time::Instant;

const NOTICES: usize = 10_000;
const CONSULTATIONS: usize = 500;
const QUERIES: usize = 200;
const OPS: usize = 1_000;

fn seed() -> CommunitySeed {
    CommunitySeed {
        name: "基准社区".into(),
        phone: "010-00000000".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings: vec![BuildingSeed {
            name: "1号楼".into(),
            units: vec![UnitSeed {
                name: "1单元".into(),
                rooms: vec!["101".into()],
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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    admin::community::create(hub.hub(), &seed())?;
    let t = Instant::now();
    for i in 0..NOTICES {
        admin::notices::publish(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            &NewNotice {
                title: format!("第{i}号通知：小区公共设施维护安排"),
                body: "各位居民：本周将对小区公共设施进行例行维护，请大家提前做好安排。".repeat(3),
                urgency: match i % 20 {
                    0 => Urgency::Urgent,
                    1..=3 => Urgency::Important,
                    _ => Urgency::Normal,
                },
                pinned: i % 500 == 0,
                expires_at: None,
                buildings: vec![],
            },
        )?;
    }
    for i in 0..CONSULTATIONS {
        admin::consultations::create(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            &NewConsultation {
                title: format!("第{i}号议题"),
                description: "请各位居民发表意见".into(),
                options: vec!["同意".into(), "不同意".into(), "弃权".into()],
                max_choices: 1,
                opens_at: Utc::now() - Duration::hours(1),
                closes_at: Utc::now() + Duration::days(7),
                vote_scope: VoteScope::PerResident,
                results_visibility: ResultsVisibility::Live,
                buildings: vec![],
            },
        )?;
    }
    println!(
        "seeded {NOTICES} notices and {CONSULTATIONS} consultations in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let code = admin::invites::invite(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )?
    .code;
    let profile = Profile::open(&dir.path().join("resident"))?;
    profile.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)?;
    profile
        .join(&hub.url(), &code, Some("bench".into()))
        .await?;

    // 1. Initial sync.
    let t = Instant::now();
    let outcome = profile.sync().await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "initial sync: {} changes in {:.2} s = {:.0} changes/s",
        outcome.changes_pulled,
        secs,
        outcome.changes_pulled as f64 / secs
    );

    // 2. Local notices list query.
    let mut times = Vec::with_capacity(QUERIES);
    let mut n = 0;
    for _ in 0..QUERIES {
        let t = Instant::now();
        n = profile.notices()?.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "notices list ({n} notices, {QUERIES} runs): p50 {:.1} ms, p99 {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    // 3. Outbox push of 1,000 queued ops (mark-read of 1,000 notices, queued offline-style).
    let ids: Vec<_> = profile
        .notices()?
        .into_iter()
        .filter(|n| !n.read)
        .take(OPS)
        .map(|n| n.id)
        .collect();
    let t = Instant::now();
    for id in &ids {
        profile.mark_notice_read(*id)?;
    }
    let queue_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let outcome = profile.sync().await?;
    let push_secs = t.elapsed().as_secs_f64();
    println!(
        "outbox: queued {} ops in {:.2} s ({:.0} ops/s); sync pushed {} applied in {:.2} s ({:.0} ops/s, incl. pulling {} resulting changes)",
        ids.len(),
        queue_secs,
        ids.len() as f64 / queue_secs,
        outcome.applied,
        push_secs,
        outcome.applied as f64 / push_secs,
        outcome.changes_pulled
    );
    assert_eq!(profile.status()?.pending, 0);
    profile.sign_out()?;
    hub.shutdown().await;
    Ok(())
}
