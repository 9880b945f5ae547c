//! The PouchDB side: pouchdb-server's core (express-pouchdb on PouchDB 9, leveldb) as one node process, a
//! PouchDB 9 client (leveldb) as another, started from bench/pouchdb after `npm ci` there.
use crate::child::{self, ChildRun};
use crate::proxy::{Bytes, CountingProxy};
use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The directory with package.json and node_modules, when PouchDB is installed.
pub fn installed(dir: &Path) -> bool {
    dir.join("node_modules/pouchdb-node").is_dir()
        && dir.join("node_modules/express-pouchdb").is_dir()
}

pub struct PouchServer {
    child: Child,
    pub addr: SocketAddr,
    _data: tempfile::TempDir,
}

impl PouchServer {
    pub fn start(dir: &Path) -> anyhow::Result<PouchServer> {
        let data = tempfile::tempdir()?;
        let mut child = Command::new("node")
            .arg(dir.join("server.js"))
            .arg(data.path())
            .current_dir(data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting node (is Node.js installed?)")?;
        let mut line = String::new();
        let stdout = child.stdout.take().context("no stdout")?;
        BufReader::new(stdout).read_line(&mut line)?;
        let port = serde_json::from_str::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v["port"].as_u64())
            .and_then(|p| u16::try_from(p).ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("pouchdb server did not start: {line}");
        };
        Ok(PouchServer {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            _data: data,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for PouchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client(dir: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("client.js")).args(args);
    cmd
}

/// Fills database `db` with the benchmark documents (not timed).
pub async fn seed(
    dir: &Path,
    server: &PouchServer,
    db: &str,
    notices: usize,
    consultations: usize,
) -> anyhow::Result<()> {
    let cmd = client(
        dir,
        &[
            "seed".into(),
            server.url(),
            db.into(),
            notices.to_string(),
            consultations.to_string(),
        ],
    );
    let run = tokio::task::spawn_blocking(move || child::run(cmd)).await??;
    let seeded = run.json()?["seeded"].as_u64().unwrap_or(0) as usize;
    if seeded != notices + consultations {
        bail!("pouchdb seeded {seeded} docs");
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct PouchPull {
    pub process: ChildRun,
    pub adapter: String,
    pub docs: usize,
    /// The replication call alone, timed inside node.
    pub secs: f64,
    pub bytes: Bytes,
    pub no_change_secs: f64,
    pub no_change_bytes: Bytes,
}

/// Replicates `db` into a fresh local database through `proxy`, then once more with nothing new.
pub async fn pull(
    dir: &Path,
    proxy: &CountingProxy,
    db: &str,
    batch: usize,
) -> anyhow::Result<PouchPull> {
    let cmd = client(
        dir,
        &["pull".into(), proxy.url(), db.into(), batch.to_string()],
    );
    proxy.take();
    let split: Arc<Mutex<Option<Bytes>>> = Arc::default();
    let (split_w, counters) = (Arc::clone(&split), proxy.counters());
    let process = tokio::task::spawn_blocking(move || {
        child::run_talking(cmd, move |line| {
            // Between the two replications the client waits for us to read the counters.
            line.contains("\"phase\"").then(|| {
                *split_w.lock().unwrap_or_else(|p| p.into_inner()) = Some(counters.take());
                "go".to_owned()
            })
        })
    })
    .await??;
    let v = process.json()?;
    let bytes = split
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .context("the client never reported its first phase")?;
    Ok(PouchPull {
        adapter: v["adapter"].as_str().unwrap_or("?").to_owned(),
        docs: v["docs"].as_u64().unwrap_or(0) as usize,
        secs: v["secs"].as_f64().unwrap_or(f64::NAN),
        no_change_secs: v["no_change_secs"].as_f64().unwrap_or(f64::NAN),
        bytes,
        no_change_bytes: proxy.take(),
        process,
    })
}

#[derive(Debug, Clone)]
pub struct PouchPush {
    pub process: ChildRun,
    pub docs: usize,
    pub secs: f64,
    pub bytes: Bytes,
}

/// `docs` new local documents replicated up into the fresh server database `db`.
pub async fn push(
    dir: &Path,
    proxy: &CountingProxy,
    db: &str,
    docs: usize,
    batch: usize,
) -> anyhow::Result<PouchPush> {
    let cmd = client(
        dir,
        &[
            "push".into(),
            proxy.url(),
            db.into(),
            docs.to_string(),
            batch.to_string(),
        ],
    );
    proxy.take();
    let process = tokio::task::spawn_blocking(move || child::run(cmd)).await??;
    let v = process.json()?;
    Ok(PouchPush {
        docs: v["docs"].as_u64().unwrap_or(0) as usize,
        secs: v["secs"].as_f64().unwrap_or(f64::NAN),
        bytes: proxy.take(),
        process,
    })
}

/// bench/pouchdb in this checkout.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pouchdb")
}
