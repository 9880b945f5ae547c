//! The running hub's shared state: the store, the clock, the blob directory, the transparency-log
//! signing key, the hub-wide change-log position that live nudges follow, and the devices listening.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use linli_tlog::NoteSigner;
use tokio::sync::watch;

use crate::api::rate_limit::FailedAttempts;
use crate::api::throttle::{Buckets, Rate};
use crate::clock::{Clock, SystemClock};
use crate::error::HubError;
use crate::store::restores::RestoreStore as _;
use crate::store::sqlite::SqliteStore;
use crate::store::Store;

/// The database file inside the data directory.
pub const DB_FILE: &str = "hub.db";

/// A hub on one data directory. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    /// The same store as its SQLite self, for what only the embedded database has (readiness, its page
    /// limit, WAL checkpoints).
    sqlite: Arc<SqliteStore>,
    data_dir: PathBuf,
    /// Set when a shutdown began: `/readyz` answers 503 from then on.
    draining: AtomicBool,
    /// Milliseconds the hub keeps serving (with `/readyz` at 503) after a shutdown began, so a load
    /// balancer stops sending before the port closes.
    drain_grace_ms: AtomicU64,
    metrics: crate::metrics::Metrics,
    clock: Arc<dyn Clock>,
    blob_dir: PathBuf,
    head: watch::Sender<i64>,
    nudges: crate::nudge::Registry,
    join_failures: FailedAttempts,
    /// Requests per device, keyed by the hash of its token.
    device_requests: Buckets<String>,
    /// Requests per Open311 API key (by the key's id).
    open311_requests: Buckets<uuid::Uuid>,
    /// Failed redeems from all addresses together.
    join_failures_hub_wide: Buckets<()>,
    log_signer: NoteSigner,
    log_key_rotations: Vec<String>,
    /// The database's incarnation id (see [`crate::store::restores`]), read once: only a restore, made
    /// while no hub serves the data directory, changes it.
    incarnation: String,
    /// Wrong proxy authorization codes, limited like invitation codes.
    proxy_code_failures: FailedAttempts,
    /// Failed staff sign-ins by client address (see `admin::staff_auth::sign_in`).
    staff_sign_in_failures: Buckets<std::net::IpAddr>,
    /// Days the photos of a resolved report are kept (see `privacy::expire_photos`).
    photo_retention_days: AtomicI64,
    /// When photo retention last ran, by the hub's clock.
    retention_ran_at: Mutex<Option<DateTime<Utc>>>,
}

impl Hub {
    /// Opens (creating and migrating) `data_dir/hub.db` with blobs in `data_dir/blobs/`.
    pub fn open(data_dir: &Path) -> Result<Hub, HubError> {
        Hub::open_with_clock(data_dir, Arc::new(SystemClock))
    }

    /// Like [`Hub::open`] with another clock (tests move time with [`crate::clock::ManualClock`]).
    pub fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Hub, HubError> {
        std::fs::create_dir_all(data_dir)?;
        let blob_dir = data_dir.join("blobs");
        std::fs::create_dir_all(&blob_dir)?;
        let store = Arc::new(SqliteStore::open(&data_dir.join(DB_FILE))?);
        let log_signer = crate::log_key::load_or_create(data_dir)?;
        let log_key_rotations = crate::log_key::rotations(data_dir)?;
        let head = store.last_seq()?;
        let incarnation = store.incarnation()?;
        let metrics = crate::metrics::Metrics::new(store.stats());
        Ok(Hub {
            inner: Arc::new(Inner {
                store: store.clone(),
                sqlite: store,
                data_dir: data_dir.to_path_buf(),
                draining: AtomicBool::new(false),
                drain_grace_ms: AtomicU64::new(0),
                metrics,
                clock,
                blob_dir,
                head: watch::Sender::new(head),
                nudges: crate::nudge::Registry::default(),
                join_failures: FailedAttempts::default(),
                device_requests: Buckets::new(Rate::DEVICE_DEFAULT),
                open311_requests: Buckets::new(Rate::OPEN311_KEY_DEFAULT),
                join_failures_hub_wide: Buckets::new(Rate::JOIN_FAILURES_HUB_WIDE),
                log_signer,
                log_key_rotations,
                incarnation,
                proxy_code_failures: FailedAttempts::default(),
                staff_sign_in_failures: Buckets::new(Rate::STAFF_SIGN_IN_FAILURES_PER_ADDRESS),
                photo_retention_days: AtomicI64::new(linli_proto::PHOTO_RETENTION_DAYS_DEFAULT),
                retention_ran_at: Mutex::new(None),
            }),
        })
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The store as a shareable handle, for `spawn_blocking`.
    pub fn store_arc(&self) -> Arc<dyn Store> {
        self.inner.store.clone()
    }

    /// The hub's "now".
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// The embedded database itself (see `store::sqlite::health`).
    pub fn sqlite(&self) -> &SqliteStore {
        &self.inner.sqlite
    }

    /// What `/metrics` reports (see [`crate::metrics`]).
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// True once a shutdown began.
    pub fn draining(&self) -> bool {
        self.inner.draining.load(Ordering::SeqCst)
    }

    pub(crate) fn start_draining(&self) {
        self.inner.draining.store(true, Ordering::SeqCst);
    }

    /// How long the hub keeps serving after a shutdown began (`serve --drain-grace`).
    pub fn drain_grace(&self) -> Duration {
        Duration::from_millis(self.inner.drain_grace_ms.load(Ordering::Relaxed))
    }

    pub fn set_drain_grace(&self, grace: Duration) {
        let ms = u64::try_from(grace.as_millis()).unwrap_or(u64::MAX);
        self.inner.drain_grace_ms.store(ms, Ordering::Relaxed);
    }

    pub fn blob_dir(&self) -> &Path {
        &self.inner.blob_dir
    }

    /// The key that signs the transparency log's checkpoints.
    /// The statements of every rotation of the log key, oldest first (see [`crate::log_key::rotate`]).
    pub fn log_key_rotations(&self) -> &[String] {
        &self.inner.log_key_rotations
    }

    /// The database's incarnation id, which devices compare to tell a restored hub (see
    /// [`crate::store::restores`]).
    pub fn incarnation(&self) -> &str {
        &self.inner.incarnation
    }

    pub fn log_signer(&self) -> &NoteSigner {
        &self.inner.log_signer
    }

    /// The log's public key as C2SP verifier key text (what devices pin at join).
    pub fn log_key(&self) -> String {
        self.inner.log_signer.verifier().to_vkey()
    }

    /// The latest signed checkpoint of the community's log (signed now when it grew since the last).
    pub fn log_checkpoint(&self, community: uuid::Uuid) -> Result<String, HubError> {
        Ok(self
            .inner
            .store
            .log_checkpoint(community, &self.inner.log_signer, self.now())?)
    }

    /// The latest checkpoint with every witness cosignature collected for it (see
    /// [`crate::witnessing`]); the plain signed head when none has been collected yet.
    pub fn witnessed_checkpoint(&self, community: uuid::Uuid) -> Result<String, HubError> {
        let note = self.log_checkpoint(community)?;
        let size = linli_tlog::Checkpoint::from_note_unverified(&note)
            .map(|c| c.size)
            .ok_or_else(|| HubError::LogKey("the stored checkpoint does not parse".into()))?;
        let lines = self.inner.store.cosignatures(community, size)?;
        Ok(linli_tlog::with_signatures(&note, &lines))
    }

    /// Signs a checkpoint of every community's log that grew since its last one: at shutdown, and
    /// before a backup (so a restore can recompute every leaf against a signed head).
    pub fn checkpoint_logs(&self) -> Result<(), HubError> {
        for c in self.store().communities()? {
            self.log_checkpoint(c.id)?;
        }
        Ok(())
    }

    /// The origin line of the community's checkpoints (devices pin it with the key at join).
    pub fn log_origin(&self, community: uuid::Uuid) -> Result<String, HubError> {
        Ok(self
            .inner
            .store
            .log_origin(community, &self.inner.log_signer)?)
    }

    /// The devices listening for nudges (see [`crate::nudge`]).
    pub fn nudges(&self) -> &crate::nudge::Registry {
        &self.inner.nudges
    }

    /// Days the photos of a resolved report are kept (default two years, as the privacy notice says).
    pub fn photo_retention_days(&self) -> i64 {
        self.inner.photo_retention_days.load(Ordering::Relaxed)
    }

    pub fn set_photo_retention_days(&self, days: i64) {
        self.inner
            .photo_retention_days
            .store(days.max(0), Ordering::Relaxed);
    }

    /// True (and noted) when photo retention has not run in the last day.
    pub(crate) fn retention_due(&self, now: DateTime<Utc>) -> bool {
        let mut last = self
            .inner
            .retention_ran_at
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match *last {
            Some(t) if now - t < chrono::Duration::days(1) => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }

    /// The per-device request buckets (see [`crate::api::throttle`]).
    pub fn device_requests(&self) -> &Buckets<String> {
        &self.inner.device_requests
    }

    /// How many requests a device may make (`serve --requests-per-minute`; tests lower it).
    pub fn set_device_rate(&self, rate: Rate) {
        self.inner.device_requests.set_rate(rate);
    }

    /// The per-key buckets of Open311 calls (see [`crate::api::open311`]).
    pub fn open311_requests(&self) -> &Buckets<uuid::Uuid> {
        &self.inner.open311_requests
    }

    /// How many calls one Open311 key may make (`serve --open311-requests-per-minute`; tests
    /// lower it).
    pub fn set_open311_rate(&self, rate: Rate) {
        self.inner.open311_requests.set_rate(rate);
    }

    /// The hub-wide budget of failed redeems; tests lower it with `set_rate`.
    pub fn join_failures_hub_wide(&self) -> &Buckets<()> {
        &self.inner.join_failures_hub_wide
    }

    pub(crate) fn join_failures(&self) -> &FailedAttempts {
        &self.inner.join_failures
    }

    pub(crate) fn proxy_code_failures(&self) -> &FailedAttempts {
        &self.inner.proxy_code_failures
    }

    /// The budget of failed staff sign-ins per client address; tests lower it with `set_rate`.
    pub fn staff_sign_in_failures(&self) -> &Buckets<std::net::IpAddr> {
        &self.inner.staff_sign_in_failures
    }

    /// Re-reads the hub-wide change-log position and wakes the nudge dispatcher when it moved. Called after every
    /// write in this process, and by the server's poller for writes by other processes.
    pub fn notify(&self) {
        match self.inner.store.last_seq() {
            Ok(head) => {
                self.inner.head.send_if_modified(|h| {
                    if *h != head {
                        *h = head;
                        true
                    } else {
                        false
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, "reading the change log head failed"),
        }
    }

    /// Nudges subscribers with a head the caller already knows (a push's commit), without re-reading
    /// the database. Only ever moves the head forward.
    pub fn notify_head(&self, head: i64) {
        self.inner.head.send_if_modified(|h| {
            if head > *h {
                *h = head;
                true
            } else {
                false
            }
        });
    }

    /// Follows the hub-wide change-log position (the nudge dispatcher does; devices subscribe to
    /// [`Hub::nudges`]).
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.inner.head.subscribe()
    }
}
