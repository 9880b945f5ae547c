//! The soak run: the real `linli-hub` binary on a loopback port with a fresh data directory, and 64 simulated
//! devices (linli-core profiles in one process, 16 households) that each, every 1–3 s, queue a report, a
//! comment or a vote (or nothing) and sync, for a bounded time. Prints errors (must be 0), sync latency
//! percentiles, and the hub's resident memory at the start, at the end and at its peak; exits non-zero on any
//! error, on ops left pending, or when the hub's RSS grew by more than the bound.
//!
//! `./dev soak` runs it for 10 minutes; `cargo run -p linli-faults --example soak -- --minutes 3` for less.
//! Needs a Secret Service session (`./dev soak` makes one) and the `linli-hub` binary (built if missing).
use chrono::{Duration as Days, Utc};
use linli_core::{NewReport, Profile};
use linli_hub::store::{BuildingSeed, CommunitySeed, NewConsultation, UnitSeed};
use linli_hub::{admin, Hub};
use linli_proto::{Category, ResultsVisibility, VoteScope};
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

/// The most the hub's RSS may grow between the start and the end of the run.
const RSS_GROWTH_BOUND_MIB: f64 = 128.0;

struct Args {
    minutes: f64,
    devices: usize,
}

fn args() -> Args {
    let mut a = Args {
        minutes: 10.0,
        devices: 64,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<f64>().ok());
        match (flag.as_str(), value) {
            ("--minutes", Some(v)) => a.minutes = v,
            ("--devices", Some(v)) => a.devices = v as usize,
            _ => {
                eprintln!("usage: soak [--minutes M] [--devices N]");
                std::process::exit(2);
            }
        }
    }
    a
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn community() -> CommunitySeed {
    CommunitySeed {
        name: "幸福里社区".into(),
        phone: "010-12345678".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings: vec![BuildingSeed {
            name: "1号楼".into(),
            units: vec![UnitSeed {
                name: "1单元".into(),
                rooms: (1..=16).map(|r| format!("{}", 100 + r)).collect(),
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

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("hub");
    std::fs::create_dir_all(&data).expect("hub dir");
    let hub = support::HubProcess::start(&data, support::free_port());
    let pid = hub.pid();
    let staff = Hub::open(&data).expect("hub data");
    admin::community::create(&staff, &community()).expect("community");
    let consultation = admin::consultations::create(
        &staff,
        linli_hub::admin::community::oldest(&staff).expect("community"),
        &NewConsultation {
            title: "加装电梯".into(),
            description: "请大家投票".into(),
            options: vec!["同意".into(), "不同意".into(), "弃权".into()],
            max_choices: 1,
            opens_at: Utc::now() - Days::hours(1),
            closes_at: Utc::now() + Days::days(30),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .expect("consultation");

    eprintln!("joining {} devices…", args.devices);
    let mut devices = Vec::new();
    for i in 0..args.devices {
        let room = format!("{}", 101 + i % 16);
        let code = admin::invites::invite(
            &staff,
            linli_hub::admin::community::oldest(&staff).expect("community"),
            "1号楼",
            "1单元",
            &room,
            7,
        )
        .expect("invite")
        .code;
        let p = Profile::open(&dir.path().join(format!("d{i}"))).expect("profile");
        p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
            .expect("consent");
        p.join(&hub.url(), &code, Some(format!("设备{i}")))
            .await
            .expect("join");
        p.sync().await.expect("first sync");
        devices.push(p);
    }

    let rss_start = rss_mib(pid);
    let rss_peak = Arc::new(Mutex::new(rss_start));
    let errors = Arc::new(AtomicU64::new(0));
    let ops = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.minutes * 60.0);
    eprintln!(
        "soaking for {} min with {} devices; hub RSS {rss_start:.1} MiB",
        args.minutes, args.devices
    );

    let sampler = {
        let peak = rss_peak.clone();
        tokio::spawn(async move {
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_secs(5)).await;
                let now = rss_mib(pid);
                let mut p = peak.lock().unwrap_or_else(|e| e.into_inner());
                *p = p.max(now);
            }
        })
    };

    let mut tasks = Vec::new();
    for (i, p) in devices.iter().enumerate() {
        let (p, errors, ops, latencies) =
            (p.clone(), errors.clone(), ops.clone(), latencies.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
            let mut n = 0u64;
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(rng.random_range(1000..3000))).await;
                n += 1;
                let queued = match rng.random_range(0..10) {
                    0..=3 => p
                        .new_report(NewReport {
                            category: "facilities".into(),
                            text: format!("设备{i}的第{n}条报修"),
                            ..Default::default()
                        })
                        .is_ok(),
                    4..=6 => match p.reports() {
                        Ok(r) if !r.is_empty() => p
                            .comment_report(r[rng.random_range(0..r.len())].id, &format!("补充{n}"))
                            .is_ok(),
                        _ => false,
                    },
                    7 | 8 => match p.consultation(consultation) {
                        Ok(c) => p
                            .vote(
                                consultation,
                                vec![c.options[rng.random_range(0..c.options.len())].id],
                            )
                            .is_ok(),
                        Err(_) => false,
                    },
                    _ => false,
                };
                if queued {
                    ops.fetch_add(1, Ordering::Relaxed);
                }
                let t = Instant::now();
                match p.sync().await {
                    Ok(_) => latencies
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(t.elapsed().as_secs_f64() * 1000.0),
                    Err(e) => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                            eprintln!("device {i}: sync failed: {e:?}");
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let _ = sampler.await;
    let rss_end = rss_mib(pid);
    let rss_peak = *rss_peak.lock().unwrap_or_else(|e| e.into_inner());

    // Everyone settles once more; nothing may stay pending.
    let mut pending = 0;
    for p in &devices {
        let _ = p.sync().await;
        pending += p.status().map(|s| s.pending).unwrap_or(1);
    }

    let mut l = latencies.lock().unwrap_or_else(|e| e.into_inner()).clone();
    l.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        l.get(((l.len() as f64 * q) as usize).min(l.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    let errors = errors.load(Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    println!("soak: {} devices, {:.1} min", args.devices, elapsed / 60.0);
    println!(
        "  syncs {} ({:.1}/s), ops queued {}, errors {errors}, pending after settling {pending}",
        l.len(),
        l.len() as f64 / elapsed,
        ops.load(Ordering::Relaxed)
    );
    println!(
        "  sync latency ms: p50 {:.1}, p95 {:.1}, p99 {:.1}, max {:.1}",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        l.last().copied().unwrap_or(0.0)
    );
    println!(
        "  hub RSS MiB: start {rss_start:.1}, end {rss_end:.1}, peak {rss_peak:.1} (bound: growth ≤ {RSS_GROWTH_BOUND_MIB} MiB)"
    );
    drop(hub);
    if errors > 0 || pending > 0 || rss_end - rss_start > RSS_GROWTH_BOUND_MIB {
        eprintln!("soak FAILED");
        std::process::exit(1);
    }
}
