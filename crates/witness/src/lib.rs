//! A witness for Linli's transparency log, per C2SP tlog-witness (<https://c2sp.org/tlog-witness>).
//!
//! A party that does not trust the hub's operator (the residents' supervision committee) runs it
//! on its own machine. It cosigns a community log's checkpoint only if the checkpoint is signed by
//! the log's key and provably extends the last checkpoint it cosigned for that log, so a hub that
//! shows two histories can get at most one of them cosigned.

pub mod key;
pub mod request;
pub mod server;
pub mod state;
pub mod witness;

pub use key::{KeyError, WitnessKey};
pub use request::{AddCheckpoint, RequestError};
pub use state::{State, StateError, Stored};
pub use witness::{Refusal, Witness};
