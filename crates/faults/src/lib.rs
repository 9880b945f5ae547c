//! Test support for Linli's reliability suites: a fault-injecting TCP proxy that stands between devices and
//! the hub and misbehaves the way real networks do (see [`proxy`]), driven by a seeded random generator so
//! a failing schedule replays from its seed.
//!
//! The suites that use it live in this crate's `tests/` (randomized fault schedules) and `examples/soak.rs`
//! (load); crash tests sit beside the binaries they kill (crates/hub/tests, crates/cli/tests).
#![forbid(unsafe_code)]

pub mod proxy;

pub use proxy::{Fault, FaultProxy, FaultStats};

/// The seed for a run: `LINLI_FAULT_SEED` when set (to replay one schedule), else one from the clock.
pub fn seed_from_env() -> Option<u64> {
    std::env::var("LINLI_FAULT_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// How many schedules to run: `LINLI_FAULT_SCHEDULES`, else `default`.
pub fn schedules_from_env(default: usize) -> usize {
    std::env::var("LINLI_FAULT_SCHEDULES")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}
