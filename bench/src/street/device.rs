//! One simulated device as the real client behaves: it holds `/v1/events` open and, when a nudge names a
//! head beyond its cursor, waits the client's jitter (`linli_core::sync::nudge::NUDGE_JITTER_MAX`) and pulls
//! from its cursor until caught up. It notes when it first saw the record a phase changes.
use linli_core::sync::nudge::NUDGE_JITTER_MAX;
use rand::Rng;
use serde::Deserialize;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// A device's counters, read and reset by the worker between phases.
#[derive(Debug, Default)]
pub struct Counters {
    pub nudges: AtomicU64,
    pub pulls: AtomicU64,
    pub pull_errors: AtomicU64,
    /// Milliseconds since the epoch when a notice / a closed consultation first arrived after the last
    /// reset (0 = not yet): each phase changes only the one record it measures.
    pub saw_notice_at: AtomicI64,
    pub saw_closed_at: AtomicI64,
    /// Head of the newest nudge and the device's cursor.
    head: AtomicI64,
    cursor: AtomicI64,
}

impl Counters {
    pub fn reset(&self) {
        self.nudges.store(0, Ordering::Relaxed);
        self.pulls.store(0, Ordering::Relaxed);
        self.pull_errors.store(0, Ordering::Relaxed);
        self.saw_notice_at.store(0, Ordering::Relaxed);
        self.saw_closed_at.store(0, Ordering::Relaxed);
    }

    pub fn caught_up(&self) -> bool {
        self.cursor.load(Ordering::Relaxed) >= self.head.load(Ordering::Relaxed)
    }
}

/// Shared by all devices of a worker: the HTTP client, the hub and every pull's latency.
pub struct Shared {
    pub http: reqwest::Client,
    pub url: String,
    pub pull_ms: Mutex<Vec<f32>>,
}

#[derive(Deserialize)]
struct Page {
    changes: Vec<Change>,
    next_cursor: i64,
    has_more: bool,
}

#[derive(Deserialize)]
struct Change {
    record: Record,
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "type")]
    kind: String,
    data: Option<RecordData>,
}

#[derive(Deserialize)]
struct RecordData {
    closed_at: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Nudge {
    head: i64,
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Runs one device until the process ends: an events reader (reconnecting after a pause when the stream
/// drops) and a puller.
pub fn spawn(shared: Arc<Shared>, token: String, counters: Arc<Counters>) {
    let wake = Arc::new(Notify::new());
    {
        let (shared, token, counters, wake) = (
            shared.clone(),
            token.clone(),
            counters.clone(),
            wake.clone(),
        );
        tokio::spawn(async move {
            loop {
                let _ = listen(&shared, &token, &counters, &wake).await;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
    tokio::spawn(async move {
        loop {
            wake.notified().await;
            let jitter = rand::rng().random_range(0..=NUDGE_JITTER_MAX.as_millis() as u64);
            tokio::time::sleep(Duration::from_millis(jitter)).await;
            while !counters.caught_up() {
                if pull(&shared, &token, &counters).await.is_err() {
                    counters.pull_errors.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    });
}

async fn listen(
    shared: &Shared,
    token: &str,
    counters: &Counters,
    wake: &Notify,
) -> anyhow::Result<()> {
    let mut resp = shared
        .http
        .get(format!("{}/v1/events", shared.url))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?;
    let mut buf = String::new();
    while let Some(chunk) = resp.chunk().await? {
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let event: String = buf.drain(..end + 2).collect();
            if !event.lines().any(|l| l == "event: changed") {
                continue;
            }
            let data = event.lines().find_map(|l| l.strip_prefix("data: "));
            if let Some(n) = data.and_then(|d| serde_json::from_str::<Nudge>(d).ok()) {
                counters.nudges.fetch_add(1, Ordering::Relaxed);
                counters.head.fetch_max(n.head, Ordering::Relaxed);
                if !counters.caught_up() {
                    wake.notify_one();
                }
            }
        }
    }
    Ok(())
}

async fn pull(shared: &Shared, token: &str, counters: &Counters) -> anyhow::Result<()> {
    let cursor = counters.cursor.load(Ordering::Relaxed);
    let head_before = counters.head.load(Ordering::Relaxed);
    let started = Instant::now();
    let page: Page = shared
        .http
        .get(format!("{}/v1/pull?cursor={cursor}", shared.url))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let ms = started.elapsed().as_secs_f32() * 1000.0;
    counters.pulls.fetch_add(1, Ordering::Relaxed);
    shared
        .pull_ms
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(ms);
    for c in &page.changes {
        let Some(data) = &c.record.data else { continue };
        if c.record.kind == "notice" {
            let _ = counters.saw_notice_at.compare_exchange(
                0,
                now_ms(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
        if c.record.kind == "consultation" && data.closed_at.as_ref().is_some_and(|v| !v.is_null())
        {
            let _ = counters.saw_closed_at.compare_exchange(
                0,
                now_ms(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }
    counters
        .cursor
        .store(page.next_cursor.max(cursor), Ordering::Relaxed);
    if !page.has_more && page.next_cursor < head_before {
        // The nudged head is beyond what this device may see: settle there, unless a newer nudge came.
        let _ = counters.head.compare_exchange(
            head_before,
            page.next_cursor.max(cursor),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
    if page.has_more {
        counters
            .head
            .fetch_max(page.next_cursor + 1, Ordering::Relaxed);
    }
    Ok(())
}
