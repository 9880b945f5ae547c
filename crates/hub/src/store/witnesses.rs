//! What the store keeps about each community's witnesses: who they are, how many must cosign (the
//! quorum devices pin at join), and the cosignatures collected for each checkpoint size.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;

/// One witness of a community's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessRow {
    /// Its key name (the name in its cosignature lines).
    pub name: String,
    /// Its C2SP cosignature/v1 verifier key.
    pub vkey: String,
    /// The base URL of its tlog-witness endpoints (`{url}/add-checkpoint`).
    pub url: String,
    pub added_at: DateTime<Utc>,
}

/// A community's witnesses and the quorum a device must see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WitnessSet {
    pub witnesses: Vec<WitnessRow>,
    /// `None` until the office sets it; then it is between 1 and the number of witnesses.
    pub quorum: Option<usize>,
}

pub trait WitnessStore {
    /// The community's witnesses, by name.
    fn witnesses(&self, community: Uuid) -> StoreResult<WitnessSet>;
    /// Adds a witness or replaces the key and address of the one of that name.
    fn put_witness(&self, community: Uuid, row: &WitnessRow) -> StoreResult<()>;
    /// Forgets a witness; false when there was none of that name. The quorum is lowered to the
    /// witnesses left (or cleared with the last one).
    fn remove_witness(&self, community: Uuid, name: &str) -> StoreResult<bool>;
    fn set_witness_quorum(&self, community: Uuid, quorum: usize) -> StoreResult<()>;
    /// The communities with at least one witness.
    fn witnessed_communities(&self) -> StoreResult<Vec<Uuid>>;
    /// The cosignature lines collected for the community's checkpoint of `size` leaves.
    fn cosignatures(&self, community: Uuid, size: u64) -> StoreResult<Vec<String>>;
    /// The largest size the witness of `vkey` cosigned for the community (0 for none).
    fn witness_size(&self, community: Uuid, vkey: &str) -> StoreResult<u64>;
    fn put_cosignature(
        &self,
        community: Uuid,
        size: u64,
        vkey: &str,
        line: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
