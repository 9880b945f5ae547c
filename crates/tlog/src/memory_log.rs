//! An in-memory log: the reference [`HashStore`] used by tests, examples and auditors who
//! download every leaf and recompute the tree themselves.

use crate::merkle::{self, Hash, HashStore, StoreError, TreeError};

/// A whole log held in memory: the leaf bytes and every stored hash.
#[derive(Debug, Clone, Default)]
pub struct MemoryLog {
    leaves: Vec<Vec<u8>>,
    hashes: Vec<Hash>,
}

impl MemoryLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a log from leaf bytes, in order.
    pub fn from_leaves<I, L>(leaves: I) -> Result<Self, TreeError>
    where
        I: IntoIterator<Item = L>,
        L: AsRef<[u8]>,
    {
        let mut log = Self::new();
        for leaf in leaves {
            log.append(leaf.as_ref())?;
        }
        Ok(log)
    }

    /// Appends a leaf and returns its index.
    pub fn append(&mut self, data: &[u8]) -> Result<u64, TreeError> {
        let index = self.leaves.len() as u64;
        let new = merkle::hashes_to_append(self, index, data)?;
        for (at, hash) in new {
            debug_assert_eq!(at, self.hashes.len() as u64);
            self.hashes.push(hash);
        }
        self.leaves.push(data.to_vec());
        Ok(index)
    }

    /// The bytes of leaf `index`.
    pub fn leaf(&self, index: u64) -> Option<&[u8]> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.leaves.get(i))
            .map(Vec::as_slice)
    }

    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// Root of the whole log.
    pub fn root(&self) -> Result<Hash, TreeError> {
        merkle::tree_root(self, self.len())
    }
}

impl HashStore for MemoryLog {
    fn leaf_count(&self) -> Result<u64, StoreError> {
        Ok(self.leaves.len() as u64)
    }

    fn stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.hashes.get(i))
                    .copied()
                    .ok_or_else(|| StoreError(format!("no stored hash {i}")))
            })
            .collect()
    }
}
