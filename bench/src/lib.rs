//! Linli's sync benchmarked side by side with PouchDB 9 ↔ pouchdb-server (express-pouchdb) and with the
//! machine's own limits (a bare axum endpoint, one rusqlite insert per request). `linli-bench` runs the
//! scenarios of issue 7 several times and prints medians, spreads and ratios; `tests/smoke.rs` runs them
//! tiny so the harness can't rot. Absolute times drift on shared machines: ratios from one run count.
pub mod child;
pub mod community;
pub mod ingest;
pub mod linli_client;
pub mod pouch;
pub mod proxy;
pub mod report;
pub mod stats;
pub mod street;

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;

pub use report::{Figure, Ratio, Report};

/// Sizes and repetitions of one benchmark run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    pub runs: usize,
    /// Notices of scenarios 1–3 and 5.
    pub notices: usize,
    pub consultations: usize,
    /// Queued ops pushed in scenario 2.
    pub push_ops: usize,
    /// Notice counts of the scale curve (scenario 6); consultations are notices ÷ 20 there.
    pub scale: Vec<usize>,
    /// Concurrent devices of scenario 4.
    pub clients: usize,
    /// Single-op pushes per device.
    pub single_per_client: usize,
    /// Batches per device, of `batch` ops each.
    pub batches_per_client: usize,
    pub batch: usize,
    /// PouchDB batch sizes to try (0 = PouchDB's default, 100).
    pub pouch_batches: Vec<usize>,
    /// The `linli` binary.
    pub linli_bin: PathBuf,
    /// bench/pouchdb (PouchDB scenarios are skipped, and said so, when its node_modules is missing).
    pub pouch_dir: PathBuf,
    /// Which stacks to run: `linli`, `pouchdb`, `ingest` (all by default; fewer while profiling).
    pub parts: Vec<String>,
}

impl Config {
    fn wants(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }
}

impl Config {
    /// The sizes.
    pub fn full(linli_bin: PathBuf) -> Config {
        Config {
            runs: 3,
            notices: 10_000,
            consultations: 500,
            push_ops: 1_000,
            scale: vec![1_000, 10_000, 100_000],
            clients: 64,
            single_per_client: 50,
            batches_per_client: 1,
            batch: 500,
            pouch_batches: vec![0, 500],
            linli_bin,
            pouch_dir: pouch::default_dir(),
            parts: vec!["linli".into(), "pouchdb".into(), "ingest".into()],
        }
    }

    /// Seconds, not minutes: the smoke test's sizes.
    pub fn tiny(linli_bin: PathBuf) -> Config {
        Config {
            runs: 1,
            notices: 50,
            consultations: 5,
            push_ops: 10,
            scale: vec![50, 100],
            clients: 4,
            single_per_client: 5,
            batches_per_client: 1,
            batch: 20,
            pouch_batches: vec![0, 500],
            ..Config::full(linli_bin)
        }
    }
}

fn addr_of(url: &str) -> anyhow::Result<SocketAddr> {
    url.trim_start_matches("http://")
        .parse()
        .with_context(|| format!("address of {url}"))
}

fn log(msg: impl AsRef<str>) {
    eprintln!("[bench] {}", msg.as_ref());
}

/// Runs every scenario; PouchDB's only when it is installed.
pub async fn run(cfg: &Config) -> anyhow::Result<Report> {
    let mut report = Report::new(cfg);
    let mut sizes = cfg.scale.clone();
    if !sizes.contains(&cfg.notices) {
        sizes.push(cfg.notices);
    }
    sizes.sort_unstable();

    // Linli: scenarios 1, 2, 3, 5 at the main size and 6 at every size.
    for &n in sizes.iter().filter(|_| cfg.wants("linli")) {
        let main = n == cfg.notices;
        let consultations = if main { cfg.consultations } else { n / 20 };
        let dir = tempfile::tempdir()?;
        let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
        log(format!(
            "linli: seeding {n} notices + {consultations} consultations"
        ));
        let h = hub.hub().clone();
        tokio::task::spawn_blocking(move || community::create(&h, n, consultations, 64)).await??;
        let proxy = proxy::CountingProxy::start(addr_of(&hub.url())?).await?;
        let mut runs = Vec::new();
        for r in 0..cfg.runs {
            let push = if main { cfg.push_ops } else { 0 };
            runs.push(
                linli_client::run_once(&cfg.linli_bin, &hub, &proxy, r, push, dir.path())
                    .await
                    .with_context(|| format!("linli at {n} notices, run {r}"))?,
            );
            log(format!(
                "linli {n}: run {r}: initial {:.2} s",
                runs[r].initial.wall_secs
            ));
        }
        report.linli(n, consultations, main, &runs);
        hub.shutdown().await;
    }

    // PouchDB: the same documents.
    let pouch_wanted = cfg.wants("pouchdb");
    if pouch_wanted && pouch::installed(&cfg.pouch_dir) {
        let server = pouch::PouchServer::start(&cfg.pouch_dir)?;
        let proxy = proxy::CountingProxy::start(server.addr).await?;
        let mut best_batch = *cfg.pouch_batches.first().unwrap_or(&0);
        // The main size first: it finds the best batch size, which the other sizes then use.
        let mut order = sizes.clone();
        order.sort_by_key(|n| *n != cfg.notices);
        for &n in &order {
            let main = n == cfg.notices;
            let consultations = if main { cfg.consultations } else { n / 20 };
            let db = format!("community-{n}");
            log(format!(
                "pouchdb: seeding {n} notices + {consultations} consultations"
            ));
            pouch::seed(&cfg.pouch_dir, &server, &db, n, consultations).await?;
            let batches = if main {
                cfg.pouch_batches.clone()
            } else {
                vec![best_batch]
            };
            let mut best_rate = 0.0;
            let mut best_runs = Vec::new();
            for &b in &batches {
                let mut runs = Vec::new();
                for r in 0..cfg.runs {
                    let run = pouch::pull(&cfg.pouch_dir, &proxy, &db, b).await?;
                    anyhow::ensure!(
                        run.docs == n + consultations,
                        "pouchdb pulled {} docs",
                        run.docs
                    );
                    log(format!("pouchdb {n} batch {b}: run {r}: {:.2} s", run.secs));
                    runs.push(run);
                }
                let rate = report.pouch_pull(n, main, b, &runs);
                if main && rate > best_rate {
                    best_rate = rate;
                    best_batch = b;
                    best_runs = runs;
                }
            }
            if main {
                report.pouch_best_batch(best_batch);
                report.pouch_scale(n, best_batch, &best_runs);
                for &b in &cfg.pouch_batches {
                    let mut runs = Vec::new();
                    for r in 0..cfg.runs {
                        let db = format!("uploads-{b}-{r}");
                        let run = pouch::push(&cfg.pouch_dir, &proxy, &db, cfg.push_ops, b).await?;
                        anyhow::ensure!(
                            run.docs == cfg.push_ops,
                            "pouchdb pushed {} docs",
                            run.docs
                        );
                        runs.push(run);
                    }
                    report.pouch_push(b, &runs);
                }
            }
        }
    } else if pouch_wanted {
        let msg = format!(
            "PouchDB SKIPPED: {} has no node_modules (run `npm ci` there, or `./dev bench-compare`)",
            cfg.pouch_dir.display()
        );
        log(&msg);
        report.note(msg);
    }

    // Scenario 4: hub ingest and the machine's limits.
    if cfg.wants("ingest") {
        ingest_scenario(cfg, &mut report).await?;
    }
    report.finish();
    Ok(report)
}

async fn ingest_scenario(cfg: &Config, report: &mut Report) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let limits = ingest::spawn_limits(dir.path()).await?;
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    let households = cfg.clients * cfg.runs * 2;
    let h = hub.hub().clone();
    tokio::task::spawn_blocking(move || community::create(&h, 0, 0, households)).await??;
    let mut next_household = 0;
    let mut figures: Vec<(&str, Vec<ingest::Load>)> = Vec::new();
    for r in 0..cfg.runs {
        log(format!("ingest: run {r}"));
        let plain = |per: usize, n: usize| -> anyhow::Result<Vec<ingest::Device>> {
            (0..cfg.clients)
                .map(|i| {
                    Ok(ingest::Device {
                        token: None,
                        bodies: ingest::push_bodies(&community::room(i), n, per)?,
                    })
                })
                .collect()
        };
        let mut loads = Vec::new();
        loads.push((
            "noop",
            ingest::drive(
                &format!("{}/noop", limits.url),
                plain(1, cfg.single_per_client)?,
                1,
            )
            .await?,
        ));
        loads.push((
            "insert",
            ingest::drive(
                &format!("{}/insert", limits.url),
                plain(1, cfg.single_per_client)?,
                1,
            )
            .await?,
        ));
        loads.push((
            "insert_batch",
            ingest::drive(
                &format!("{}/insert-batch", limits.url),
                plain(cfg.batch, cfg.batches_per_client)?,
                cfg.batch,
            )
            .await?,
        ));
        for (name, per, n) in [
            ("hub_single", 1, cfg.single_per_client),
            ("hub_batch", cfg.batch, cfg.batches_per_client),
        ] {
            let mut devices = Vec::new();
            for _ in 0..cfg.clients {
                let i = next_household;
                next_household += 1;
                devices.push(ingest::Device {
                    token: Some(ingest::join(&hub, i).await?),
                    bodies: ingest::push_bodies(&community::room(i), n, per)?,
                });
            }
            loads.push((
                name,
                ingest::drive(&format!("{}/v1/push", hub.url()), devices, per).await?,
            ));
        }
        for (name, load) in loads {
            match figures.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => v.push(load),
                None => figures.push((name, vec![load])),
            }
        }
    }
    report.ingest(cfg, &figures);
    hub.shutdown().await;
    Ok(())
}
