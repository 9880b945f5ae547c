//! `Profile::sync` (push, then pull until caught up) and the background loop around it; the sync status the
//! status bar shows, broadcast as `CoreEvent::Status` on every change.
use super::backoff::Backoff;
use super::{nudge, pull, push};
use crate::store::{self, settings};
use crate::views::{SyncOutcome, SyncState};
use crate::{CoreError, Profile};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// With nothing happening, sync anyway this often (a missed nudge is caught up here).
const IDLE_RESYNC: Duration = Duration::from_secs(300);
/// Photos downloaded per sync at most, so a sync stays short on a slow line.
const PHOTOS_PER_SYNC: usize = 20;

/// How long each part of the last successful sync took: for `linli sync --json` and the benchmarks (the
/// push alone is what other stacks call uploading).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct SyncPhases {
    /// The outbox to the hub, answers and receipts kept.
    pub push_secs: f64,
    /// The change feed until caught up (the pushed records' new state among it), relatives' feeds too.
    pub pull_secs: f64,
    /// Checkpoint, consistency and receipts' inclusion in the transparency log.
    pub log_secs: f64,
}

struct AbortOnDrop(JoinHandle<()>);
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Profile {
    fn set_state(&self, state: SyncState, last_error: Option<String>) {
        if state != SyncState::Syncing {
            let db = self.db();
            let saved =
                settings::set(&db, settings::LAST_SYNC_STATE, state.as_str()).and_then(|()| {
                    match &last_error {
                        Some(e) => settings::set(&db, settings::LAST_SYNC_ERROR, e),
                        None => settings::remove(&db, settings::LAST_SYNC_ERROR),
                    }
                });
            if let Err(e) = saved {
                tracing::warn!(code = e.code(), "could not save the sync state");
            }
        }
        {
            let mut engine = self.engine.lock().unwrap_or_else(|p| p.into_inner());
            engine.state = state;
            engine.last_error = last_error;
        }
        self.emit_status();
    }

    /// Pushes the outbox in order, then pulls until caught up. Offline is an error here (the CLI exits
    /// non-zero), but nothing queued is ever lost: it stays in the outbox for the next try.
    pub async fn sync(&self) -> Result<SyncOutcome, CoreError> {
        let _one_at_a_time = self.sync_lock.lock().await;
        let client = self.client()?;
        self.set_state(SyncState::Syncing, None);
        let mut outcome = SyncOutcome::default();
        let mut problems = Vec::new();
        let mut phases = SyncPhases::default();
        let result = async {
            let mut met_restore = false;
            loop {
                // Names the hub database last pulled from: a restored hub refuses before doing anything.
                let known = settings::get(&self.db(), settings::HUB_INCARNATION)?;
                let client = client.clone().expecting(known);
                match self
                    .sync_once(&client, &mut outcome, &mut problems, &mut phases)
                    .await
                {
                    Err(CoreError::Hub {
                        code: linli_proto::ErrorCode::HubRestored,
                        ..
                    }) if !met_restore => {
                        met_restore = true;
                        self.meet_restored_hub(&client).await?;
                    }
                    other => return other,
                }
            }
        }
        .await;
        let lang = self.language();
        match &result {
            Ok(()) => {
                self.engine
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .last_phases = Some(phases);
                self.set_state(SyncState::Idle, None)
            }
            Err(e) if e.is_offline() => {
                self.set_state(SyncState::Offline, Some(e.user_message(lang)))
            }
            Err(e) => self.set_state(SyncState::Error, Some(e.user_message(lang))),
        }
        result.map(|()| outcome)
    }

    /// One push, then pulls until caught up, then the log check: the body of [`Profile::sync`].
    async fn sync_once(
        &self,
        client: &crate::http::HubClient,
        outcome: &mut SyncOutcome,
        problems: &mut Vec<crate::transparency::LogProblem>,
        phases: &mut SyncPhases,
    ) -> Result<(), CoreError> {
        let started = Instant::now();
        let first_page = push::push(self, client, outcome, problems).await?;
        phases.push_secs = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let applied_before_pull = store::outbox::max_applied_seq(&self.db())?;
        pull::pull(self, client, first_page, outcome, problems).await?;
        for principal in self.active_principals()? {
            pull::pull_for(self, client, principal, false, outcome).await?;
        }
        super::remote::sync_remotes(self, outcome).await?;
        self.forget_ended_principals()?;
        self.caught_up(applied_before_pull)?;
        phases.pull_secs = started.elapsed().as_secs_f64();
        // A receipt that did not open is reported before the log is checked; the data synced
        // stays (it is what the hub says), the warning is what matters.
        if let Some(p) = problems.first() {
            return Err(self.log_problem(*p, None));
        }
        let started = Instant::now();
        if self.log_check_due()? {
            self.check_log(client).await?;
        }
        phases.log_secs = started.elapsed().as_secs_f64();
        self.fetch_missing_photos(client).await;
        Ok(())
    }

    /// How long the parts of the last successful sync took (none before one).
    pub fn last_sync_phases(&self) -> Option<SyncPhases> {
        self.engine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_phases
    }

    /// After a pull that caught up: forget ops applied before it (the replica now carries their effect)
    /// and note the time.
    fn caught_up(&self, applied_before_pull: Option<i64>) -> Result<(), CoreError> {
        let db = self.db();
        if let Some(seq) = applied_before_pull {
            store::outbox::settle_applied_up_to(&db, seq, chrono::Utc::now())?;
        }
        settings::set(
            &db,
            settings::LAST_SYNCED_AT,
            &store::ts(chrono::Utc::now()),
        )
    }

    /// Downloads photos of reports made on other devices, a few per sync; best effort (a photo that can't
    /// be fetched now is tried on the next sync).
    async fn fetch_missing_photos(&self, client: &crate::http::HubClient) {
        let missing = match self.missing_photos() {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(code = e.code(), "listing missing photos");
                return;
            }
        };
        let mut fetched = 0;
        for sha in missing.iter().take(PHOTOS_PER_SYNC) {
            match self.fetch_photo_with(client, sha).await {
                Ok(()) => fetched += 1,
                Err(e) if e.is_offline() => break,
                Err(e) => tracing::warn!(code = e.code(), "fetching a report photo"),
            }
        }
        if fetched > 0 {
            self.emit(crate::views::CoreEvent::DataChanged);
        }
    }

    /// Background loop: syncs on start, on local changes, on the hub's SSE nudge, and retries with
    /// exponential backoff and jitter while the hub can't be reached.
    pub fn spawn_sync_loop(self: &Arc<Self>) -> JoinHandle<()> {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let _nudges = AbortOnDrop(tokio::spawn(nudge::listen(Arc::clone(&me))));
            let mut backoff = Backoff::default();
            loop {
                if !me.is_joined() {
                    me.wake.notified().await;
                    continue;
                }
                let wait = match me.sync().await {
                    Ok(_) => {
                        backoff.reset();
                        IDLE_RESYNC
                    }
                    Err(e) => {
                        tracing::debug!(code = e.code(), "sync failed; retrying later");
                        backoff.next_delay()
                    }
                };
                tokio::select! {
                    _ = me.wake.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        })
    }
}
