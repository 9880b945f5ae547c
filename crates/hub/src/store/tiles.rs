//! What the static log tiles (C2SP tlog-tiles, see `api/tiles.rs`) read from the store: the stored
//! hashes of complete subtrees at one level, and the leaves.
use linli_tlog::Hash;
use uuid::Uuid;

use super::StoreResult;

pub trait TileStore {
    /// The log's size and the hashes of the complete subtrees of height `level` numbered
    /// `start..start + count` (all of them must exist in the log as it is).
    fn log_level_hashes(
        &self,
        log: Uuid,
        level: u8,
        start: u64,
        count: u64,
    ) -> StoreResult<(u64, Vec<Hash>)>;
}
