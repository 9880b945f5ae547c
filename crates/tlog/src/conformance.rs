//! A check any [`HashStore`] backend can run in its own tests: the tree heads and proofs it
//! serves must equal those of [`MemoryLog`] built from the same leaves. The hub's SQLite store
//! calls [`check_store`] after appending leaves through [`crate::hashes_to_append`].

use crate::memory_log::MemoryLog;
use crate::merkle::{prove_consistency, prove_inclusion, tree_root, HashStore};

/// Compares `store` with the reference log of `leaves` (the same leaf bytes, in order):
/// every tree head, every inclusion proof of the whole tree, and consistency proofs from
/// every size to the whole tree. Returns the first difference found.
pub fn check_store<S: HashStore + ?Sized, L: AsRef<[u8]>>(
    store: &S,
    leaves: &[L],
) -> Result<(), String> {
    let reference = MemoryLog::from_leaves(leaves.iter().map(AsRef::as_ref))
        .map_err(|e| format!("reference log: {e}"))?;
    let n = reference.len();
    let count = store.leaf_count().map_err(|e| e.to_string())?;
    if count != n {
        return Err(format!("store has {count} leaves, expected {n}"));
    }
    for size in 0..=n {
        let got = tree_root(store, size).map_err(|e| format!("root of {size}: {e}"))?;
        let want = tree_root(&reference, size).map_err(|e| e.to_string())?;
        if got != want {
            return Err(format!("root of size {size} differs"));
        }
        let got = prove_consistency(store, size, n).map_err(|e| e.to_string())?;
        let want = prove_consistency(&reference, size, n).map_err(|e| e.to_string())?;
        if got != want {
            return Err(format!("consistency proof {size}->{n} differs"));
        }
    }
    for index in 0..n {
        let got = prove_inclusion(store, n, index).map_err(|e| e.to_string())?;
        let want = prove_inclusion(&reference, n, index).map_err(|e| e.to_string())?;
        if got != want {
            return Err(format!("inclusion proof of {index} in {n} differs"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{Hash, StoreError};

    /// A store that serves one wrong stored hash: the check must notice.
    struct Corrupt(MemoryLog, u64);

    impl HashStore for Corrupt {
        fn leaf_count(&self) -> Result<u64, StoreError> {
            self.0.leaf_count()
        }
        fn stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
            let mut out = self.0.stored_hashes(indexes)?;
            for (i, h) in indexes.iter().zip(out.iter_mut()) {
                if *i == self.1 {
                    h[0] ^= 1;
                }
            }
            Ok(out)
        }
    }

    #[test]
    fn accepts_the_reference_and_catches_a_corrupt_store() {
        let leaves: Vec<Vec<u8>> = (0..13u8).map(|i| vec![i]).collect();
        let log = MemoryLog::from_leaves(&leaves).unwrap();
        check_store(&log, &leaves).unwrap();
        for bad in [0, 5, 20] {
            assert!(check_store(&Corrupt(log.clone(), bad), &leaves).is_err());
        }
        assert!(check_store(&log, &leaves[..12]).is_err());
    }
}
