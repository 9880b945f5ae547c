//! Throughput of a real hub over loopback HTTP:
//! push — ops/s for batches of 500 report / vote ops, made by the resident themselves and by a proxy
//! (亲友代办) for them (the grant check and the act record on every op); pull — changes/s reading a
//! community with 10,000 notices from cursor 0. Run: `cargo run --release -p linli-hub --example hub_bench`.
//! `LINLI_BENCH_RUNS=1 LINLI_BENCH_ONLY=push` runs the resident's push once, for profilers
//! (`valgrind --tool=callgrind --toggle-collect='*push_all*'`).
use std::time::Instant;

use chrono::Utc;
use linli_hub::admin;
use linli_hub::store::NewNotice;
use linli_proto::{
    JoinResponse, Op, OpBody, OpStatus, ProxyScope, PullPage, PushResponse, Urgency,
};
use uuid::Uuid;

const BATCH: usize = 500;
const BATCHES: usize = 20;
const NOTICES: usize = 10_000;
const RUNS: usize = 3;

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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn join(http: &reqwest::Client, url: &str, code: &str) -> JoinResponse {
    http.post(format!("{url}/v1/join"))
        .json(&serde_json::json!({ "code": code, "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Pushes the batches; with `proxied`, a second resident pushes them for the first through a grant.
async fn push_run(http: &reqwest::Client, proxied: bool) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(dir.path()).await;
    let codes = admin::demo::seed_demo(hub.hub()).unwrap();
    let consultation = admin::consultations::list(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
    )
    .unwrap()
    .into_iter()
    .find(|c| c.closed_at.is_none())
    .unwrap();
    let principal = join(http, &hub.url(), &codes[0].1.code).await;
    let (dev, on_behalf_of) = if proxied {
        let proxy = join(http, &hub.url(), &codes[1].1.code).await;
        admin::proxy::grant(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            &principal.resident_id.to_string(),
            &proxy.resident_id.to_string(),
            &[ProxyScope::Report, ProxyScope::Vote],
            None,
            None,
        )
        .unwrap();
        (proxy, Some(principal.resident_id))
    } else {
        (principal, None)
    };
    let mut seq = 0i64;
    let mut batches = Vec::new();
    for _ in 0..BATCHES {
        let ops: Vec<Op> = (0..BATCH)
            .map(|i| {
                seq += 1;
                let body = if i % 2 == 0 {
                    OpBody::CreateReport {
                        voice: None,
                        report_id: Uuid::now_v7(),
                        category: "facilities".into(),
                        text: "3单元楼道灯不亮，晚上上下楼很不方便，请尽快维修。".into(),
                        address: Default::default(),
                        location: None,
                        photos: vec![],
                    }
                } else {
                    OpBody::CastVote {
                        consultation_id: consultation.id,
                        option_ids: vec![consultation.options[i % 3].id],
                    }
                };
                Op {
                    id: Uuid::now_v7(),
                    device_seq: seq,
                    created_at: Utc::now(),
                    on_behalf_of,
                    body,
                }
            })
            .collect();
        batches.push(serde_json::json!({ "ops": ops }));
    }
    let started = Instant::now();
    for b in &batches {
        let resp: PushResponse = http
            .post(format!("{}/v1/push", hub.url()))
            .bearer_auth(&dev.token)
            .json(b)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(resp.results.iter().all(|r| r.status == OpStatus::Applied));
    }
    let secs = started.elapsed().as_secs_f64();
    hub.shutdown().await;
    (BATCH * BATCHES) as f64 / secs
}

async fn pull_run(http: &reqwest::Client) -> (f64, usize) {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(dir.path()).await;
    let codes = admin::demo::seed_demo(hub.hub()).unwrap();
    for i in 0..NOTICES {
        admin::notices::publish(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            &NewNotice {
                title: format!("通知 {i}"),
                body: "本周六上午 9:00 在社区广场举办义诊活动，有测血压、测血糖和健康咨询。".into(),
                urgency: Urgency::Normal,
                pinned: false,
                expires_at: None,
                buildings: vec![],
            },
        )
        .unwrap();
    }
    let dev = join(http, &hub.url(), &codes[0].1.code).await;
    let started = Instant::now();
    let mut cursor = 0;
    let mut n = 0;
    loop {
        let page: PullPage = http
            .get(format!("{}/v1/pull?cursor={cursor}&limit=1000", hub.url()))
            .bearer_auth(&dev.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        n += page.changes.len();
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    hub.shutdown().await;
    (n as f64 / secs, n)
}

#[tokio::main]
async fn main() {
    let http = reqwest::Client::new();
    let (cores, model) = machine();
    let mut push = Vec::new();
    let mut proxied = Vec::new();
    let mut pull = Vec::new();
    let mut pulled = 0;
    let runs = std::env::var("LINLI_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RUNS);
    let push_only = std::env::var("LINLI_BENCH_ONLY").as_deref() == Ok("push");
    for _ in 0..runs {
        push.push(push_run(&http, false).await);
        if push_only {
            println!("push: {:.0} ops/s", push[0]);
            return;
        }
        proxied.push(push_run(&http, true).await);
        let (rate, n) = pull_run(&http).await;
        pull.push(rate);
        pulled = n;
    }
    println!("machine: {cores} cores, {model}");
    println!("| measure | median of {RUNS} | runs |");
    println!("|---|---|---|");
    println!(
        "| push, {BATCHES} batches × {BATCH} ops (½ reports, ½ votes) | {:.0} ops/s | {} |",
        median(push.clone()),
        push.iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "| push by a proxy for the resident (on_behalf_of), same batches | {:.0} ops/s | {} |",
        median(proxied.clone()),
        proxied
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "| pull from 0, {NOTICES} notices ({pulled} changes, pages of 1000) | {:.0} changes/s | {} |",
        median(pull.clone()),
        pull.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
    );
}
