//! Prometheus metrics (`GET /metrics`, text format), served only on `serve --metrics-listen ADDR`, a
//! separate address from the residents' API: what the hub counts is for its operator, never for residents.
//!
//! Requests by route and status with latency histograms, ops pushed by kind and outcome, changes per
//! pull page, open event streams, pushes per group commit and the writer's busy time, database and
//! photo-store errors, transparency-log leaves, and the age of the last backup.
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::api::AppState;
use crate::Hub;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    route: String,
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OpLabels {
    kind: String,
    outcome: String,
}

/// Store errors answered 500, counted where the answer is made (`error.rs`) for the whole process.
static DB_ERRORS: std::sync::LazyLock<Counter> = std::sync::LazyLock::new(Counter::default);
/// Photo files that could not be written or read.
static BLOB_ERRORS: std::sync::LazyLock<Counter> = std::sync::LazyLock::new(Counter::default);

/// A store error the hub answered as `internal`.
pub fn db_error() {
    DB_ERRORS.inc();
}

/// A photo file that could not be written or read.
pub fn blob_error() {
    BLOB_ERRORS.inc();
}

/// The hub's counters, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram>,
    ops: Family<OpLabels, Counter>,
    streams: Gauge,
    pull_changes: Histogram,
    log_leaves: Gauge,
    backup_age: Gauge,
    /// Unix seconds of the last scheduled backup; 0 before the first.
    backup_at: AtomicI64,
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    /// The registry, with the embedded database's own counters (`db`) in it.
    pub fn new(db: &crate::store::sqlite::stats::DbStats) -> Self {
        let mut registry = Registry::with_prefix("linli_hub");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests by route, method and status",
            requests.clone(),
        );
        let latency = Family::<LatencyLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route and method",
            latency.clone(),
        );
        let ops = Family::<OpLabels, Counter>::default();
        registry.register("ops_pushed", "Pushed ops by kind and outcome", ops.clone());
        let streams = Gauge::default();
        registry.register(
            "event_streams_open",
            "Open /v1/events streams",
            streams.clone(),
        );
        let pull_changes = Histogram::new(exponential_buckets(1.0, 2.0, 11));
        registry.register(
            "pull_page_changes",
            "Changes per pull page answered (an empty page counts in the lowest bucket)",
            pull_changes.clone(),
        );
        registry.register(
            "group_commit_pushes",
            "Pushes committed together in one transaction",
            db.group_commit_pushes.clone(),
        );
        registry.register(
            "db_writer_busy_seconds",
            "Time the database's one writer connection was in use",
            db.writer_busy_seconds.clone(),
        );
        registry.register(
            "db_errors",
            "Database errors answered as internal errors",
            DB_ERRORS.clone(),
        );
        registry.register(
            "blob_errors",
            "Photo files that could not be written or read",
            BLOB_ERRORS.clone(),
        );
        let log_leaves = Gauge::default();
        registry.register(
            "log_leaves",
            "Leaves in all communities' transparency logs",
            log_leaves.clone(),
        );
        let backup_age = Gauge::default();
        registry.register(
            "backup_age_seconds",
            "Seconds since the last backup, scheduled or by `admin backup` (-1 before the first)",
            backup_age.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            ops,
            streams,
            pull_changes,
            log_leaves,
            backup_age,
            backup_at: AtomicI64::new(0),
        }
    }
}

impl Metrics {
    /// One pushed op's outcome (`applied`, `rejected`, `deferred`).
    pub fn op_pushed(&self, kind: &str, outcome: &str) {
        self.ops
            .get_or_create(&OpLabels {
                kind: kind.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// A pull page of `changes` changes was answered.
    pub fn pulled(&self, changes: usize) {
        self.pull_changes.observe(changes as f64);
    }

    /// A scheduled backup finished now.
    pub fn backup_taken(&self, at: chrono::DateTime<chrono::Utc>) {
        self.backup_at.store(at.timestamp(), Ordering::Relaxed);
    }

    /// Counts an open event stream until the guard is dropped (the stream ended or the device left).
    pub fn stream_opened(&self) -> StreamGuard {
        self.streams.inc();
        StreamGuard(self.streams.clone())
    }
}

/// See [`Metrics::stream_opened`].
pub struct StreamGuard(Gauge);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware on the API's routes: counts each request under its route pattern (never the path
/// itself, which holds ids) and times it.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let resp = next.run(req).await;
    let m = state.hub.metrics();
    m.latency
        .get_or_create(&LatencyLabels {
            route: route.clone(),
            method: method.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: resp.status().as_u16(),
        })
        .inc();
    resp
}

/// The text the scrape gets; gauges read from the database are refreshed first.
pub fn render(hub: &Hub) -> String {
    let m = hub.metrics();
    match hub.sqlite().log_leaves() {
        Ok(n) => {
            m.log_leaves.set(n);
        }
        Err(e) => tracing::warn!(error = %e, "counting log leaves for metrics"),
    }
    // `admin backup` runs in its own process: it leaves its time in the data directory.
    let by_admin = crate::backup::last_backup_at(hub.data_dir()).map_or(0, |t| t.timestamp());
    let at = m.backup_at.load(Ordering::Relaxed).max(by_admin);
    m.backup_age.set(if at == 0 {
        -1
    } else {
        (hub.now().timestamp() - at).max(0)
    });
    let mut out = String::new();
    if let Err(e) = encode(&mut out, &m.registry) {
        tracing::warn!(error = %e, "encoding metrics");
    }
    out
}

async fn metrics(State(hub): State<Hub>) -> Response {
    let h = hub.clone();
    let text = tokio::task::spawn_blocking(move || render(&h))
        .await
        .unwrap_or_default();
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// The router for the metrics address: `GET /metrics` only.
pub fn router(hub: Hub) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(hub)
}

/// Serves `/metrics` on `listener` until the runtime stops.
pub async fn serve(hub: Hub, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(hub)).await
}
