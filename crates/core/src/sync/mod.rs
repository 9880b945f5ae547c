//! The sync engine: push the outbox in order, then pull from the cursor until caught up; a background loop
//! that runs it on start, on local changes, on the hub's nudge, and retries with backoff when offline.
pub mod backoff;
mod engine;
pub mod nudge;
mod pull;
pub use pull::apply_page_bytes;
mod push;
