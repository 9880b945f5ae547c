//! Wire types shared by the Linli hub and every resident device.
//!
//! Everything in this crate crosses the network: **do not change a field's name or meaning** once it has
//! shipped; add optional fields instead. The hub renders these for a caller; devices store them in their
//! replica. TypeScript types for the app are generated from them (`ts-rs`), and the hub's OpenAPI document
//! from them (`utoipa`).
#![forbid(unsafe_code)]

pub mod community;
pub mod consultations;
pub mod errors;
pub mod join;
pub mod limits;
pub mod log;
pub mod notices;
pub mod ops;
pub mod privacy;
pub mod proxy;
pub mod pull;
pub mod reports;

pub use community::*;
pub use consultations::*;
pub use errors::*;
pub use join::*;
pub use log::*;
pub use notices::*;
pub use ops::*;
pub use privacy::*;
pub use proxy::*;
pub use pull::*;
pub use reports::*;

/// Version of the sync protocol spoken under `/v1`. Bumped only for incompatible changes.
pub const PROTOCOL_VERSION: u32 = 1;

/// Timestamps on the wire: RFC 3339 in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
