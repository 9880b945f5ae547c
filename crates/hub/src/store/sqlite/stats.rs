//! What the embedded database counts for the operator's metrics (see `crate::metrics`): how many
//! pushes each group commit carried, and how long the one writer connection was busy. Counted here,
//! where the work happens, and registered by the metrics on start.
use std::time::Instant;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};

#[derive(Clone)]
pub struct DbStats {
    /// Pushes per group commit (1 … 1024).
    pub group_commit_pushes: Histogram,
    /// Seconds the writer connection was held, summed.
    pub writer_busy_seconds: Counter<f64, std::sync::atomic::AtomicU64>,
}

impl Default for DbStats {
    fn default() -> Self {
        DbStats {
            group_commit_pushes: Histogram::new(exponential_buckets(1.0, 2.0, 11)),
            writer_busy_seconds: Counter::default(),
        }
    }
}

impl DbStats {
    /// Counts the time from now until the guard drops as writer time.
    pub fn busy(&self) -> Busy<'_> {
        Busy {
            stats: self,
            since: Instant::now(),
        }
    }
}

pub struct Busy<'a> {
    stats: &'a DbStats,
    since: Instant,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.stats
            .writer_busy_seconds
            .inc_by(self.since.elapsed().as_secs_f64());
    }
}
