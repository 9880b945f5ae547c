//! The sync engine: push the outbox in order, then pull from the cursor until caught up; a background loop
//! that runs it on start, on local changes, on the hub's nudge, and retries with backoff when offline.
pub mod backoff;
mod engine;
pub mod nudge;
mod pull;
pub use engine::SyncPhases;
pub use pull::apply_page_bytes;
mod push;
mod remote;
mod restored;
pub(crate) use restored::floor as restore_floor;
pub use restored::{message_text as restore_message_text, MESSAGE_KIND as RESTORE_MESSAGE_KIND};

/// A client for another community's hub through one of this resident's visitor credentials.
pub(crate) fn remote_client(
    profile: &crate::Profile,
    r: &crate::store::remote::Remote,
) -> Result<crate::http::HubClient, crate::CoreError> {
    remote::client_for(profile, r)
}
