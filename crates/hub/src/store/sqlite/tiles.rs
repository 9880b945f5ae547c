//! Reading tile hashes out of `log_hashes` (stored in Go's layout: every complete subtree's hash).
use linli_proto::ErrorCode;
use linli_tlog::{merkle::stored_hash_index, Hash, HashStore as _};
use uuid::Uuid;

use super::tlog::{size, Hashes};
use super::SqliteStore;
use crate::store::tiles::TileStore;
use crate::store::{StoreError, StoreResult};

impl TileStore for SqliteStore {
    fn log_level_hashes(
        &self,
        log: Uuid,
        level: u8,
        start: u64,
        count: u64,
    ) -> StoreResult<(u64, Vec<Hash>)> {
        self.read(|c| {
            let n = size(c, log)?;
            let complete = if level >= 64 { 0 } else { n >> level };
            if start.checked_add(count).is_none_or(|end| end > complete) {
                return Err(ErrorCode::NotFound.into());
            }
            let indexes: Vec<u64> = (start..start + count)
                .map(|i| stored_hash_index(level, i))
                .collect();
            let hashes = Hashes(c, log)
                .stored_hashes(&indexes)
                .map_err(|e| StoreError::Corrupt(format!("tile hashes: {e}")))?;
            Ok((n, hashes))
        })
    }
}
