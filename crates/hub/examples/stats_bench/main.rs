//! How fast the statistics screen answers for a large community: a real hub over loopback HTTP, a
//! community with 100,000 reports over a year (see `seed.rs`) in 100 buildings, four grid workers, and
//! the head's `GET /v1/staff/statistics` for the last 30 days and the whole year, by category, grid
//! and building, timed over N requests each (median and 95th percentile). The goal is under 300 ms.
//! Run: `./dev bench-stats` (or `cargo run --release -p linli-hub --example stats_bench -- [REPORTS]
//! [REQUESTS]`).
use std::time::Instant;

use chrono::{Duration, Utc};
use linli_hub::admin;
use linli_hub::domain::staff_scope::StaffRole;

mod seed;

const PASSWORD: &str = "correct horse battery staple";

fn machine() -> (usize, String) {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    (cores, model)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let reports: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let running = linli_hub::spawn_for_tests(dir.path()).await;
    let hub = running.hub();
    admin::demo::seed_demo(hub).expect("the demo community");
    let community = admin::community::oldest(hub).expect("a community");
    let now = Utc::now();
    let started = Instant::now();
    let buildings = seed::seed(
        &dir.path().join(linli_hub::DB_FILE),
        community,
        100,
        reports,
        now,
    )
    .expect("seeding the reports");
    eprintln!(
        "seeded {reports} reports in {} buildings in {:.1} s",
        buildings.len(),
        started.elapsed().as_secs_f64()
    );
    for (i, grid) in buildings.chunks(25).enumerate() {
        admin::staff::add_with_role(
            hub,
            community,
            &format!("网格员{}", i + 1),
            StaffRole::Grid,
            grid,
        )
        .expect("a grid worker");
    }
    let head = admin::staff::add_with_role(hub, community, "主任", StaffRole::Head, &[])
        .expect("the head");
    let link = admin::staff_auth::issue_link(hub, head.id).expect("a set-up link");
    let http = reqwest::Client::new();
    let url = running.url();
    let ok = http
        .post(format!("{url}/v1/staff/password"))
        .json(&serde_json::json!({"link": link, "password": PASSWORD}))
        .send()
        .await
        .expect("setting the password");
    assert!(
        ok.status().is_success(),
        "setting the password: {}",
        ok.status()
    );
    let resp = http
        .post(format!("{url}/v1/staff/session"))
        .json(&serde_json::json!({"staff_id": head.id, "password": PASSWORD}))
        .send()
        .await
        .expect("signing in");
    let cookie = resp
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let (cores, model) = machine();
    println!("{reports} reports, {requests} requests each; {cores} cores, {model}");
    let fmt = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for (name, days) in [("30 days", 30), ("365 days", 365)] {
        for by in ["category", "grid", "building"] {
            let q = format!(
                "{url}/v1/staff/statistics?from={}&to={}&by={by}",
                fmt(now - Duration::days(days)),
                fmt(now + Duration::minutes(1))
            );
            let mut ms = Vec::with_capacity(requests);
            let mut total = 0;
            for _ in 0..requests {
                let t = Instant::now();
                let resp = http
                    .get(&q)
                    .header(reqwest::header::COOKIE, &cookie)
                    .send()
                    .await
                    .expect("the statistics");
                assert!(resp.status().is_success(), "{}", resp.status());
                let v: serde_json::Value = resp.json().await.expect("JSON");
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                total = v["total"]["total"].as_i64().unwrap_or(0);
            }
            ms.sort_by(f64::total_cmp);
            let p95 = ms[((ms.len() * 95).div_ceil(100)).saturating_sub(1)];
            println!(
                "{name:>8} by {by:<8}: {total:>6} reports, median {:>6.1} ms, p95 {:>6.1} ms",
                ms[ms.len() / 2],
                p95
            );
        }
    }
}
