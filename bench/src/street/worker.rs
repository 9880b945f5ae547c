//! A load worker: a process holding up to a few thousand simulated devices, so the generator as a whole can
//! hold more connections than one process may open (this machine allows 20,000 descriptors per process).
//! The coordinator talks to it in lines on stdin/stdout: `ready` once every device caught up, then
//! `reset` (answered `ok`) and `report` (answered with one JSON line).
use super::device::{self, Counters, Shared};
use super::setup;
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Devices per worker process.
pub const DEVICES_PER_WORKER: usize = 4_000;

#[derive(Debug, Serialize, Deserialize)]
pub struct DeviceReport {
    pub community: usize,
    pub nudges: u64,
    pub pulls: u64,
    pub pull_errors: u64,
    pub saw_notice_at: i64,
    pub saw_closed_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WorkerReport {
    pub devices: Vec<DeviceReport>,
    pub pull_ms: Vec<f32>,
    pub peak_rss_mib: f64,
}

/// The worker's side: runs devices `from..to` of the tokens file against `url`.
pub async fn serve(url: String, tokens: PathBuf, from: usize, to: usize) -> anyhow::Result<()> {
    let all = setup::read_tokens(&tokens)?;
    let mine = all
        .get(from..to.min(all.len()))
        .context("device range outside the tokens file")?;
    let shared = Arc::new(Shared {
        http: reqwest::Client::builder()
            // Few idle connections: every one is a descriptor the hub holds, and the hub's limit bounds the devices.
            .pool_max_idle_per_host(16)
            .timeout(Duration::from_secs(120))
            .build()?,
        url,
        pull_ms: Mutex::new(Vec::new()),
    });
    let mut devices = Vec::with_capacity(mine.len());
    for d in mine {
        let counters = Arc::new(Counters::default());
        device::spawn(shared.clone(), d.token.clone(), counters.clone());
        devices.push((d.community, counters));
        // Connecting thousands at once would overflow the hub's listen backlog; a steady ramp does not.
        if devices.len() % 200 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let started = Instant::now();
    while !devices
        .iter()
        .all(|(_, c)| c.caught_up() && c.pulls.load(Ordering::Relaxed) > 0)
    {
        if started.elapsed() > Duration::from_secs(600) {
            bail!("devices did not catch up within 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("ready");
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));
    while let Some(line) = lines.next_line().await? {
        match line.as_str() {
            "reset" => {
                devices.iter().for_each(|(_, c)| c.reset());
                lock(&shared.pull_ms).clear();
                println!("ok");
            }
            "report" => {
                let report = WorkerReport {
                    devices: devices
                        .iter()
                        .map(|(community, c)| DeviceReport {
                            community: *community,
                            nudges: c.nudges.load(Ordering::Relaxed),
                            pulls: c.pulls.load(Ordering::Relaxed),
                            pull_errors: c.pull_errors.load(Ordering::Relaxed),
                            saw_notice_at: c.saw_notice_at.load(Ordering::Relaxed),
                            saw_closed_at: c.saw_closed_at.load(Ordering::Relaxed),
                        })
                        .collect(),
                    pull_ms: lock(&shared.pull_ms).clone(),
                    peak_rss_mib: peak_rss_mib("self"),
                };
                println!("{}", serde_json::to_string(&report)?);
            }
            other => bail!("unknown worker command {other:?}"),
        }
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Peak resident set (VmHWM) of a process, from `/proc/PID/status` (`self` for this one); 0 when unreadable.
pub fn peak_rss_mib(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}

/// The coordinator's handle on one worker process.
pub struct Worker {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// Starts `exe worker …` and waits for `ready`.
    pub fn start(
        exe: &Path,
        url: &str,
        tokens: &Path,
        from: usize,
        to: usize,
    ) -> anyhow::Result<Worker> {
        let mut child = Command::new(exe)
            .args(["worker", "--url", url, "--tokens"])
            .arg(tokens)
            .args(["--from", &from.to_string(), "--to", &to.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting a load worker")?;
        let stdin = BufWriter::new(child.stdin.take().context("worker stdin")?);
        let stdout = BufReader::new(child.stdout.take().context("worker stdout")?);
        let mut w = Worker {
            child,
            stdin,
            stdout,
        };
        let line = w.read_line()?;
        if line != "ready" {
            bail!("a load worker said {line:?} instead of ready");
        }
        Ok(w)
    }

    fn read_line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("a load worker ended");
        }
        Ok(line.trim_end().to_owned())
    }

    /// Sends a command and returns its one-line answer.
    pub fn ask(&mut self, cmd: &str) -> anyhow::Result<String> {
        writeln!(self.stdin, "{cmd}")?;
        self.stdin.flush()?;
        self.read_line()
    }

    pub fn report(&mut self) -> anyhow::Result<WorkerReport> {
        Ok(serde_json::from_str(&self.ask("report")?)?)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
