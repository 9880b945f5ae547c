//! The street benchmark (`./dev bench-street`): one hub holding a street of many communities, thousands of
//! devices holding `/v1/events` and reacting like the real client, and what a notice and a burst of votes in
//! one community cost — latency for the devices that should see it, nothing for the others.
pub mod device;
pub mod setup;
pub mod worker;

use crate::stats::percentile;
use anyhow::{bail, Context};
use chrono::{Duration as Days, Utc};
use linli_hub::admin;
use linli_hub::store::{NewConsultation, NewNotice};
use linli_proto::{Op, OpBody, ResultsVisibility, Urgency, VoteScope};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use worker::{Worker, WorkerReport, DEVICES_PER_WORKER};

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub communities: usize,
    pub households: usize,
    /// Devices connected in each run, spread evenly over the communities.
    pub device_counts: Vec<usize>,
    pub votes_per_sec: u32,
    pub burst_secs: u64,
    /// `linli-hub` (release build for figures).
    pub hub_bin: PathBuf,
    /// This program, started again as `worker`.
    pub exe: PathBuf,
}

impl Config {
    /// The street: 100 communities × 200 households, 10 votes/s for 60 s.
    pub fn full(hub_bin: PathBuf, exe: PathBuf) -> Config {
        Config {
            communities: 100,
            households: 200,
            device_counts: vec![2_000, 10_000, 18_000],
            votes_per_sec: 10,
            burst_secs: 60,
            hub_bin,
            exe,
        }
    }

    /// Seconds, not minutes: the smoke test's sizes.
    pub fn tiny(hub_bin: PathBuf, exe: PathBuf) -> Config {
        Config {
            communities: 3,
            households: 8,
            device_counts: vec![24],
            votes_per_sec: 5,
            burst_secs: 3,
            hub_bin,
            exe,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NoticeFigures {
    /// Connected devices of the notice's community, and how many had pulled it.
    pub devices: usize,
    pub reached: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Nudges received by devices of every other community (the goal: 0).
    pub nudges_elsewhere: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BurstFigures {
    pub votes: usize,
    /// Connected devices that can see the consultation (its community's).
    pub devices: usize,
    pub pulls: u64,
    pub pulls_per_vote: f64,
    pub nudges_per_device_mean: f64,
    pub nudges_per_device_max: u64,
    pub nudges_elsewhere: u64,
    pub pull_p50_ms: f64,
    pub pull_p99_ms: f64,
    pub pull_errors: u64,
    pub hub_cpu_secs: f64,
    pub hub_cpu_ms_per_vote: f64,
    /// After close: how many devices had the final result, and when the last one did.
    pub final_reached: usize,
    pub final_max_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub devices: usize,
    pub workers: usize,
    pub notice: NoticeFigures,
    pub burst: BurstFigures,
    pub hub_peak_rss_mib: f64,
    pub generator_peak_rss_mib: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StreetReport {
    pub config: Config,
    /// Open files allowed per process here: what bounds the devices one hub process can hold.
    pub fd_limit: u64,
    pub runs: Vec<Run>,
}

/// A `linli-hub serve` child on a free port; its CPU and memory are read from /proc.
struct HubProcess {
    child: Child,
    url: String,
}

impl HubProcess {
    async fn start(bin: &Path, dir: &Path) -> anyhow::Result<HubProcess> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(bin)
            .args(["serve", "--data-dir"])
            .arg(dir)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if reqwest::get(format!("{url}/healthz"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(HubProcess { child, url });
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("the hub did not answer /healthz within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// User + system CPU seconds so far.
    fn cpu_secs(&self) -> anyhow::Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        let after = stat.rsplit_once(") ").context("/proc stat")?.1;
        let f: Vec<&str> = after.split_whitespace().collect();
        let ticks: f64 = f.get(11).context("utime")?.parse::<f64>()?
            + f.get(12).context("stime")?.parse::<f64>()?;
        // SAFETY: sysconf has no preconditions.
        #[allow(unsafe_code)]
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        Ok(ticks / hz)
    }

    fn peak_rss_mib(&self) -> f64 {
        worker::peak_rss_mib(&self.child.id().to_string())
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fd_limit() -> u64 {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: r is a live local of the right type.
    #[allow(unsafe_code)]
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) } == 0;
    if ok {
        r.rlim_cur
    } else {
        0
    }
}

/// Raises this process's open-file limit to its hard limit; the hub and the workers inherit it.
fn raise_fd_limit() {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: r is a live local of the right type for both calls.
    #[allow(unsafe_code)]
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

pub async fn run(cfg: &Config) -> anyhow::Result<StreetReport> {
    raise_fd_limit();
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("hub");
    std::fs::create_dir_all(&dir)?;
    eprintln!(
        "[street] seeding {} communities × {} households",
        cfg.communities, cfg.households
    );
    let (ids, devices) = setup::create(&dir, cfg.communities, cfg.households)?;
    let admin_hub = linli_hub::Hub::open(&dir)?;
    let voters: Vec<String> = devices
        .iter()
        .filter(|d| d.community == 0)
        .map(|d| d.token.clone())
        .collect();
    let mut voter_seq = vec![0i64; voters.len()];
    let mut runs = Vec::new();
    for &n in &cfg.device_counts {
        let per = (n / cfg.communities).clamp(1, cfg.households);
        let chosen: Vec<setup::Device> = devices
            .chunks(cfg.households)
            .flat_map(|c| c.iter().take(per).cloned())
            .collect();
        let tokens = tmp.path().join(format!("tokens-{n}"));
        setup::write_tokens(&tokens, &chosen)?;
        // A fresh hub process per run: the last run's connections are gone, its CPU counts from zero.
        let hub = HubProcess::start(&cfg.hub_bin, &dir).await?;
        eprintln!("[street] connecting {} devices", chosen.len());
        let mut workers = Vec::new();
        for from in (0..chosen.len()).step_by(DEVICES_PER_WORKER) {
            let to = (from + DEVICES_PER_WORKER).min(chosen.len());
            workers.push(Worker::start(&cfg.exe, &hub.url, &tokens, from, to)?);
        }
        let notice = notice_phase(&admin_hub, ids[0], &mut workers).await?;
        let burst = burst_phase(
            cfg,
            &hub,
            &admin_hub,
            ids[0],
            &voters,
            &mut voter_seq,
            &mut workers,
        )
        .await?;
        let mut generator_peak_rss_mib = 0.0;
        for w in &mut workers {
            generator_peak_rss_mib += w.report()?.peak_rss_mib;
        }
        runs.push(Run {
            devices: chosen.len(),
            workers: workers.len(),
            notice,
            burst,
            hub_peak_rss_mib: hub.peak_rss_mib(),
            generator_peak_rss_mib,
        });
        eprintln!("[street] {:?}", runs.last());
    }
    Ok(StreetReport {
        config: cfg.clone(),
        fd_limit: fd_limit(),
        runs,
    })
}

fn reset(workers: &mut [Worker]) -> anyhow::Result<()> {
    for w in workers {
        let a = w.ask("reset")?;
        if a != "ok" {
            bail!("a worker answered {a:?} to reset");
        }
    }
    Ok(())
}

fn reports(workers: &mut [Worker]) -> anyhow::Result<Vec<WorkerReport>> {
    workers.iter_mut().map(|w| w.report()).collect()
}

/// Polls the workers until `done` holds for every device of community 0, or `limit` passes.
async fn wait_for(
    workers: &mut [Worker],
    limit: Duration,
    done: impl Fn(&worker::DeviceReport) -> bool,
) -> anyhow::Result<Vec<WorkerReport>> {
    let started = Instant::now();
    loop {
        let r = reports(workers)?;
        let all = r
            .iter()
            .flat_map(|w| &w.devices)
            .filter(|d| d.community == 0)
            .all(&done);
        if all || started.elapsed() > limit {
            return Ok(r);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn elsewhere(r: &[WorkerReport]) -> u64 {
    r.iter()
        .flat_map(|w| &w.devices)
        .filter(|d| d.community != 0)
        .map(|d| d.nudges)
        .sum()
}

async fn notice_phase(
    hub: &linli_hub::Hub,
    community: uuid::Uuid,
    workers: &mut [Worker],
) -> anyhow::Result<NoticeFigures> {
    reset(workers)?;
    let t0 = device::now_ms();
    admin::notices::publish(
        hub,
        community,
        &NewNotice {
            title: "停水通知".into(),
            body: "明天上午9点至12点停水，请提前储水。".into(),
            urgency: Urgency::Urgent,
            pinned: false,
            expires_at: None,
            buildings: vec![],
        },
    )?;
    let r = wait_for(workers, Duration::from_secs(30), |d| d.saw_notice_at > 0).await?;
    // Nudges to other communities could still be on their way: give them the coalescing window.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let late = reports(workers)?;
    let mut ms: Vec<f64> = r
        .iter()
        .flat_map(|w| &w.devices)
        .filter(|d| d.community == 0 && d.saw_notice_at > 0)
        .map(|d| (d.saw_notice_at - t0) as f64)
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    Ok(NoticeFigures {
        devices: r
            .iter()
            .flat_map(|w| &w.devices)
            .filter(|d| d.community == 0)
            .count(),
        reached: ms.len(),
        p50_ms: percentile(&ms, 0.5),
        p99_ms: percentile(&ms, 0.99),
        max_ms: ms.last().copied().unwrap_or(f64::NAN),
        nudges_elsewhere: elsewhere(&late),
    })
}

async fn burst_phase(
    cfg: &Config,
    hub: &HubProcess,
    admin_hub: &linli_hub::Hub,
    community: uuid::Uuid,
    voters: &[String],
    voter_seq: &mut [i64],
    workers: &mut [Worker],
) -> anyhow::Result<BurstFigures> {
    let id = admin::consultations::create(
        admin_hub,
        community,
        &NewConsultation {
            title: "是否增设电动自行车充电桩".into(),
            description: "请各位居民表决".into(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: Utc::now() - Days::minutes(1),
            closes_at: Utc::now() + Days::days(1),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )?;
    let options: Vec<uuid::Uuid> = admin::consultations::results(admin_hub, community, id)?
        .options
        .iter()
        .map(|o| o.id)
        .collect();
    // Let every device take the new consultation before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    reset(workers)?;
    let http = reqwest::Client::new();
    let votes = cfg.votes_per_sec as usize * cfg.burst_secs as usize;
    let cpu0 = hub.cpu_secs()?;
    let mut tick =
        tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(cfg.votes_per_sec)));
    let mut sent = Vec::with_capacity(votes);
    for i in 0..votes {
        tick.tick().await;
        let v = i % voters.len();
        voter_seq[v] += 1;
        let op = Op {
            id: uuid::Uuid::now_v7(),
            device_seq: voter_seq[v],
            created_at: Utc::now(),
            on_behalf_of: None,
            body: OpBody::CastVote {
                consultation_id: id,
                option_ids: vec![options[i % options.len()]],
            },
        };
        let req = http
            .post(format!("{}/v1/push", hub.url))
            .bearer_auth(&voters[v])
            .json(&serde_json::json!({ "ops": [op] }));
        sent.push(tokio::spawn(
            async move { req.send().await?.error_for_status() },
        ));
    }
    for s in sent {
        s.await??;
    }
    // Live results enter the feed every few seconds: wait for the last flush to reach the devices.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let cpu1 = hub.cpu_secs()?;
    let r = reports(workers)?;
    let seeing: Vec<&worker::DeviceReport> = r
        .iter()
        .flat_map(|w| &w.devices)
        .filter(|d| d.community == 0)
        .collect();
    let mut pull_ms: Vec<f64> = r
        .iter()
        .flat_map(|w| w.pull_ms.iter().map(|&m| f64::from(m)))
        .collect();
    pull_ms.sort_by(|a, b| a.total_cmp(b));
    let pulls: u64 = r.iter().flat_map(|w| &w.devices).map(|d| d.pulls).sum();
    let nudges: Vec<u64> = seeing.iter().map(|d| d.nudges).collect();
    let nudges_elsewhere = elsewhere(&r);
    let pull_errors = r
        .iter()
        .flat_map(|w| &w.devices)
        .map(|d| d.pull_errors)
        .sum();

    reset(workers)?;
    let t_close = device::now_ms();
    admin::consultations::close(admin_hub, community, id)?;
    let fin = wait_for(workers, Duration::from_secs(30), |d| d.saw_closed_at > 0).await?;
    let mut fin_ms: Vec<f64> = fin
        .iter()
        .flat_map(|w| &w.devices)
        .filter(|d| d.community == 0 && d.saw_closed_at > 0)
        .map(|d| (d.saw_closed_at - t_close) as f64)
        .collect();
    fin_ms.sort_by(|a, b| a.total_cmp(b));
    let hub_cpu_secs = cpu1 - cpu0;
    Ok(BurstFigures {
        votes,
        devices: seeing.len(),
        pulls,
        pulls_per_vote: pulls as f64 / votes as f64,
        nudges_per_device_mean: nudges.iter().sum::<u64>() as f64 / nudges.len().max(1) as f64,
        nudges_per_device_max: nudges.iter().copied().max().unwrap_or(0),
        nudges_elsewhere,
        pull_p50_ms: percentile(&pull_ms, 0.5),
        pull_p99_ms: percentile(&pull_ms, 0.99),
        pull_errors,
        hub_cpu_secs,
        hub_cpu_ms_per_vote: hub_cpu_secs * 1000.0 / votes as f64,
        final_reached: fin_ms.len(),
        final_max_ms: fin_ms.last().copied().unwrap_or(f64::NAN),
    })
}

impl StreetReport {
    /// Markdown, one row per device count.
    pub fn table(&self) -> String {
        let mut s = String::from(
            "| devices | notice p50 / p99 / max (ms) | nudges elsewhere | pulls per vote | nudges per device (mean / max) | pull p50 / p99 (ms) | hub CPU per vote (ms) | final result to all (ms) | hub peak RSS (MiB) |\n|---|---|---|---|---|---|---|---|---|\n",
        );
        for r in &self.runs {
            s.push_str(&format!(
                "| {} | {:.0} / {:.0} / {:.0} ({} of {}) | {} | {:.2} | {:.1} / {} | {:.1} / {:.1} | {:.2} | {:.0} ({} of {}) | {:.0} |\n",
                r.devices,
                r.notice.p50_ms,
                r.notice.p99_ms,
                r.notice.max_ms,
                r.notice.reached,
                r.notice.devices,
                r.notice.nudges_elsewhere + r.burst.nudges_elsewhere,
                r.burst.pulls_per_vote,
                r.burst.nudges_per_device_mean,
                r.burst.nudges_per_device_max,
                r.burst.pull_p50_ms,
                r.burst.pull_p99_ms,
                r.burst.hub_cpu_ms_per_vote,
                r.burst.final_max_ms,
                r.burst.final_reached,
                r.burst.devices,
                r.hub_peak_rss_mib,
            ));
        }
        s
    }
}
