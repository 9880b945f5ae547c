//! Linli's client side of scenarios 1, 2, 3 and 5: the real `linli` binary as a child process with its own
//! profile (SQLite + keychain), talking to the hub through the counting proxy.
use crate::child::{self, ChildRun};
use crate::community;
use crate::proxy::{Bytes, CountingProxy};
use anyhow::{ensure, Context};
use linli_core::{NewReport, Profile};
use linli_proto::Address;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One fresh device: initial sync, a sync with nothing new, then (optionally) pushing queued ops.
#[derive(Debug, Clone)]
pub struct LinliRun {
    pub initial: ChildRun,
    pub changes: usize,
    pub initial_bytes: Bytes,
    pub no_change: ChildRun,
    pub no_change_bytes: Bytes,
    pub push: Option<PushRun>,
}

#[derive(Debug, Clone)]
pub struct PushRun {
    pub sync: ChildRun,
    /// The sync call alone, timed inside the `linli` process (`elapsed_secs` of `sync --json`).
    pub call_secs: f64,
    /// Its push phase: the outbox to the hub, answers and receipts kept (`phases.push_secs`), what
    /// PouchDB's `replicate.to` does; the rest of the call pulls the pushed records back and checks the log.
    pub push_secs: f64,
    pub applied: usize,
    pub bytes: Bytes,
}

fn linli(bin: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--profile").arg(profile).args(["--lang", "en-US"]);
    cmd.env_remove("LINLI_PROFILE");
    cmd
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f).await?
}

async fn sync(bin: &Path, profile: &Path) -> anyhow::Result<(ChildRun, serde_json::Value)> {
    let mut cmd = linli(bin, profile);
    cmd.args(["sync", "--json"]);
    let run = blocking(move || child::run(cmd)).await?;
    let outcome = run.json()?;
    Ok((run, outcome))
}

fn count(v: &serde_json::Value, key: &str) -> usize {
    v[key].as_u64().unwrap_or(0) as usize
}

/// Queues `ops` ops offline (half new reports, half votes, one per open consultation) in the profile.
fn queue_ops(profile_dir: &Path, household: usize, ops: usize) -> anyhow::Result<()> {
    let profile = Profile::open(profile_dir)?;
    let consultations = profile.consultations()?;
    let votes = (ops / 2).min(consultations.len());
    for c in consultations.iter().take(votes) {
        let option = c.options.first().context("consultation without options")?;
        profile.vote(c.id, vec![option.id])?;
    }
    for _ in 0..ops - votes {
        profile.new_report(NewReport {
            category: community::CATEGORY.into(),
            text: community::REPORT_TEXT.into(),
            address: Address {
                building: Some(community::BUILDING.into()),
                unit: Some(community::UNIT.into()),
                room: Some(community::room(household)),
                text: None,
            },
            location: None,
            photos: vec![],
        })?;
    }
    ensure!(
        profile.status()?.pending == ops as i64,
        "not every op was queued"
    );
    Ok(())
}

/// Joins household `household` as a fresh device in `work`, then runs the phases. `push_ops` 0 skips the
/// push phase.
pub async fn run_once(
    bin: &Path,
    hub: &linli_hub::RunningHub,
    proxy: &CountingProxy,
    household: usize,
    push_ops: usize,
    work: &Path,
) -> anyhow::Result<LinliRun> {
    let profile: PathBuf = work.join(format!("resident-{household}"));
    let code = community::invite(hub.hub(), household)?;
    let mut join = linli(bin, &profile);
    join.args([
        "join",
        "--hub",
        &proxy.url(),
        "--code",
        &code,
        "--accept-privacy",
    ]);
    blocking(move || child::run(join))
        .await
        .context("linli join (the token goes to the OS keychain: run inside a keyring session)")?;

    proxy.take();
    let (initial, outcome) = sync(bin, &profile).await?;
    let initial_bytes = proxy.take();
    let changes = count(&outcome, "changes_pulled");

    let (no_change, outcome) = sync(bin, &profile).await?;
    let no_change_bytes = proxy.take();
    ensure!(
        count(&outcome, "changes_pulled") == 0,
        "the no-change sync pulled {outcome}"
    );

    let push = if push_ops > 0 {
        let dir = profile.clone();
        blocking(move || queue_ops(&dir, household, push_ops)).await?;
        proxy.take();
        let (sync, outcome) = sync(bin, &profile).await?;
        let applied = count(&outcome, "applied");
        ensure!(
            applied == push_ops,
            "pushed {applied} of {push_ops}: {outcome}"
        );
        let call_secs = outcome["elapsed_secs"]
            .as_f64()
            .ok_or_else(|| anyhow::anyhow!("sync --json without elapsed_secs: {outcome}"))?;
        let push_secs = outcome["phases"]["push_secs"]
            .as_f64()
            .ok_or_else(|| anyhow::anyhow!("sync --json without phases: {outcome}"))?;
        Some(PushRun {
            sync,
            call_secs,
            push_secs,
            applied,
            bytes: proxy.take(),
        })
    } else {
        None
    };

    // Leave nothing in the keychain.
    let dir = profile.clone();
    blocking(move || Ok(Profile::open(&dir)?.sign_out()?)).await?;
    Ok(LinliRun {
        initial,
        changes,
        initial_bytes,
        no_change,
        no_change_bytes,
        push,
    })
}
