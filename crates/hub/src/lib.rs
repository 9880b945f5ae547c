//! The Linli community hub: storage, sync API and staff administration, as a library so tests and
//! other crates can run a real hub in-process. `src/main.rs` is only the command line.
//!
//! ```no_run
//! # async fn demo() {
//! let dir = std::path::Path::new("/tmp/linli-hub-test");
//! let running = linli_hub::spawn_for_tests(dir).await;
//! let codes = linli_hub::admin::demo::seed_demo(running.hub()).unwrap();
//! let (community, invite) = &codes[0];
//! println!("{} {} {}", running.url(), community.name, invite.code);
//! running.shutdown().await;
//! # }
//! ```
#![forbid(unsafe_code)]

pub mod admin;
pub mod api;
pub mod auditor;
pub mod backup;
pub mod clock;
pub mod domain;
pub mod error;
mod hub;
pub mod log_key;
pub mod metrics;
pub mod nudge;
pub mod privacy;
mod server;
pub mod store;
pub mod tls;
pub mod witnessing;

pub use error::{ApiError, HubError};
pub use hub::{Hub, DB_FILE};
pub use server::{
    spawn_for_tests, spawn_for_tests_with_clock, spawn_on, spawn_tls_for_tests, try_spawn_on,
    RunningHub, POLL_INTERVAL, TALLY_INTERVAL,
};
