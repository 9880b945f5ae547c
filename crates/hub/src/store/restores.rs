//! What a restore from a backup leaves in the database: the incarnation id devices compare, the signed
//! statement of each community's log restored, and the one sequence gap each device may make afterwards
//! (see `backup/restore.rs` and the hub's README, "Restoring a backup").
use chrono::{DateTime, Utc};
use linli_tlog::NoteSigner;
use uuid::Uuid;

use super::StoreResult;

pub trait RestoreStore {
    /// This database's incarnation id: fixed while the hub serves it, replaced by every restore.
    fn incarnation(&self) -> StoreResult<String>;
    /// The restore statements of a community's log, oldest first (none for a hub never restored).
    fn log_restores(&self, log: Uuid) -> StoreResult<Vec<String>>;
    /// Marks the database as restored, in one transaction: a new incarnation id, a checkpoint signed
    /// for each community's log as restored and a statement naming it, and every device allowed one
    /// sequence gap on its next push. Returns the new incarnation id.
    fn mark_restored(&self, signer: &NoteSigner, now: DateTime<Utc>) -> StoreResult<String>;
}
