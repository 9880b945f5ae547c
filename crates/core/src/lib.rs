//! The resident side of Linli: local replica, outbox, sync engine, photos, keychain and messages.
//!
//! Everything a resident sees is read from a local SQLite replica of what the hub last showed them, with the
//! effects of their own not-yet-synced changes laid on top. Every change goes through the outbox, which the
//! sync engine pushes to the hub exactly once. The Tauri shell and the `linli` CLI both sit on [`Profile`].
#![forbid(unsafe_code)]

pub mod attachments;
pub mod error;
pub mod http;
pub mod keychain;
pub mod messages;
pub mod outbox;
pub mod overlay;
pub mod photos;
pub mod privacy;
pub mod profile;
pub mod proxy;
pub mod read_aloud;
pub mod storage;
pub mod store;
pub mod sync;
pub mod transparency;
pub mod views;

pub use error::CoreError;
pub use linli_i18n::Lang;
pub use linli_proto::{
    ActorRole, Address, Attachment, Building, Community, ConsultationOption, Household, LatLon,
    ProxyScope, ReportEvent, ReportEventKind, ReportStatus, ResultsVisibility, Satisfaction, Unit,
    Urgency, VoteScope,
};
pub use profile::Profile;
pub use views::*;
