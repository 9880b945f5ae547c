//! The Merkle tree of RFC 6962 / RFC 9162: leaf and node hashing, tree heads, and the
//! generation and verification of inclusion and consistency proofs.
//!
//! The tree arithmetic comes from Cloudflare's `tlog_tiles` crate (a port of Go's
//! `golang.org/x/mod/sumdb/tlog`, which runs the Go checksum database). This module only
//! adapts it to Linli: plain `[u8; 32]` hashes, a storage trait the hub can back with SQLite,
//! and typed errors. Storage keeps every "stored hash" of the tlog layout (the leaf hashes
//! plus the root of every complete subtree, just under two hashes per leaf) so that tree
//! heads and proofs need only `O(log n)` reads, however large the log grows.

use std::cell::RefCell;

use sha2::{Digest, Sha256};
use thiserror::Error;
use tlog_tiles::tlog;

/// A SHA-256 hash: a leaf hash, a node hash or a tree root.
pub type Hash = [u8; 32];

/// Root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1).
pub const EMPTY_ROOT: Hash = tlog::EMPTY_HASH.0;

/// Leaf hash of RFC 6962: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// Interior node hash of RFC 6962: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Where the hashes of a log live. The hub implements it over a SQLite table
/// `(idx INTEGER PRIMARY KEY, hash BLOB)`; [`crate::MemoryLog`] implements it in memory.
///
/// Index `i` is the tlog "stored hash index" (see [`stored_hash_index`]). Rows are only ever
/// appended, in the order [`hashes_to_append`] returns them.
pub trait HashStore {
    /// Number of leaves in the log.
    fn leaf_count(&self) -> Result<u64, StoreError>;

    /// The stored hashes at the given indexes, in the same order. Must return exactly one hash
    /// per index, or an error.
    fn stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError>;
}

/// Failure of a [`HashStore`] backend (I/O, a missing row).
#[derive(Debug, Error)]
#[error("log storage: {0}")]
pub struct StoreError(pub String);

/// Why a tree head or a proof could not be produced from a [`HashStore`].
#[derive(Debug, Error)]
pub enum TreeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store returned {got} hashes for {wanted} indexes")]
    ShortRead { wanted: usize, got: usize },
    #[error("leaf {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("tree size {size} is larger than the log ({leaves} leaves)")]
    SizeBeyondLog { size: u64, leaves: u64 },
    #[error("consistency from size {old} to size {new} is undefined")]
    BadSizes { old: u64, new: u64 },
    #[error("tree arithmetic: {0}")]
    Tlog(String),
}

/// Why a proof did not verify.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("leaf {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old size {old} is larger than new size {new}")]
    SizesReversed { old: u64, new: u64 },
    #[error("the proof does not match the tree")]
    Mismatch,
}

/// Adapter from a [`HashStore`] to `tlog_tiles`' reader trait. It guarantees the length
/// contract that `tlog_tiles` otherwise enforces with a panic, and keeps the store's own error
/// so callers get [`TreeError::Store`] rather than a string.
struct Reader<'a, S: HashStore + ?Sized> {
    store: &'a S,
    failure: RefCell<Option<TreeError>>,
}

impl<'a, S: HashStore + ?Sized> Reader<'a, S> {
    fn new(store: &'a S) -> Self {
        Reader {
            store,
            failure: RefCell::new(None),
        }
    }

    /// The store's error if it caused `e`, else `e` as a tree error.
    fn error(&self, e: tlog::Error) -> TreeError {
        self.failure
            .borrow_mut()
            .take()
            .unwrap_or_else(|| TreeError::Tlog(e.to_string()))
    }
}

impl<S: HashStore + ?Sized> tlog::HashReader for Reader<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>, tlog::Error> {
        let failed = |e: TreeError| {
            *self.failure.borrow_mut() = Some(e);
            tlog::Error::InvalidInput("store read failed".into())
        };
        let hashes = self
            .store
            .stored_hashes(indexes)
            .map_err(|e| failed(e.into()))?;
        if hashes.len() != indexes.len() {
            return Err(failed(TreeError::ShortRead {
                wanted: indexes.len(),
                got: hashes.len(),
            }));
        }
        Ok(hashes.into_iter().map(tlog::Hash).collect())
    }
}

/// Stored hash index of the subtree at `level` (0 = leaves) and position `n` within it.
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    tlog::stored_hash_index(level, n)
}

/// Number of stored hashes a log of `leaves` leaves holds; the index of the next row.
pub fn stored_hash_count(leaves: u64) -> u64 {
    tlog::stored_hash_count(leaves)
}

/// The stored hashes to append when leaf number `index` (= current leaf count) with bytes
/// `data` is added, starting at stored index [`stored_hash_count`]`(index)`. The hub writes them
/// in the same transaction as the leaf and the record it commits to.
pub fn hashes_to_append<S: HashStore + ?Sized>(
    store: &S,
    index: u64,
    data: &[u8],
) -> Result<Vec<(u64, Hash)>, TreeError> {
    let leaves = store.leaf_count()?;
    if index != leaves {
        return Err(TreeError::Tlog(format!(
            "append at {index} to a log of {leaves} leaves"
        )));
    }
    let first = stored_hash_count(index);
    let reader = Reader::new(store);
    let hashes = tlog::stored_hashes_for_record_hash(index, tlog::Hash(leaf_hash(data)), &reader)
        .map_err(|e| reader.error(e))?;
    Ok(hashes
        .into_iter()
        .enumerate()
        .map(|(i, h)| (first + i as u64, h.0))
        .collect())
}

fn check_size<S: HashStore + ?Sized>(store: &S, size: u64) -> Result<(), TreeError> {
    let leaves = store.leaf_count()?;
    if size > leaves {
        return Err(TreeError::SizeBeyondLog { size, leaves });
    }
    Ok(())
}

/// Root hash of the tree made of the first `size` leaves.
pub fn tree_root<S: HashStore + ?Sized>(store: &S, size: u64) -> Result<Hash, TreeError> {
    check_size(store, size)?;
    let reader = Reader::new(store);
    Ok(tlog::tree_hash(size, &reader)
        .map_err(|e| reader.error(e))?
        .0)
}

/// Inclusion proof (RFC 6962 audit path, bottom-up) of leaf `index` in the tree of `size` leaves.
pub fn prove_inclusion<S: HashStore + ?Sized>(
    store: &S,
    size: u64,
    index: u64,
) -> Result<Vec<Hash>, TreeError> {
    check_size(store, size)?;
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let reader = Reader::new(store);
    let proof = tlog::prove_record(size, index, &reader).map_err(|e| reader.error(e))?;
    Ok(proof.into_iter().map(|h| h.0).collect())
}

/// Consistency proof (RFC 6962 §2.1.2) that the tree of `old` leaves is a prefix of the tree of
/// `new` leaves. Empty when `old` is 0 or equal to `new`.
pub fn prove_consistency<S: HashStore + ?Sized>(
    store: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, TreeError> {
    check_size(store, new)?;
    if old > new {
        return Err(TreeError::BadSizes { old, new });
    }
    if old == 0 || old == new {
        return Ok(Vec::new());
    }
    let reader = Reader::new(store);
    let proof = tlog::prove_tree(new, old, &reader).map_err(|e| reader.error(e))?;
    Ok(proof.into_iter().map(|h| h.0).collect())
}

/// Checks that `leaf` (a leaf hash) is at `index` in the tree of `size` leaves with root `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // A proof never holds more hashes than the tree has levels; refusing longer ones early
    // also bounds the work an adversarial proof can cause.
    if proof.len() > 64 {
        return Err(ProofError::Mismatch);
    }
    let p: Vec<tlog::Hash> = proof.iter().copied().map(tlog::Hash).collect();
    tlog::check_record(&p, size, tlog::Hash(*root), index, tlog::Hash(*leaf))
        .map_err(|_| ProofError::Mismatch)
}

/// Checks that the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`).
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        // The empty tree is a prefix of every tree; RFC 9162 wants an empty proof here.
        return if proof.is_empty() && (new_size > 0 || old_root == new_root) {
            Ok(())
        } else {
            Err(ProofError::Mismatch)
        };
    }
    if old_size == new_size {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::Mismatch)
        };
    }
    if proof.len() > 128 {
        return Err(ProofError::Mismatch);
    }
    let p: Vec<tlog::Hash> = proof.iter().copied().map(tlog::Hash).collect();
    tlog::check_tree(
        &p,
        new_size,
        tlog::Hash(*new_root),
        old_size,
        tlog::Hash(*old_root),
    )
    .map_err(|_| ProofError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryLog;

    #[test]
    fn hashing_matches_rfc6962_domain_separation() {
        // RFC 6962 test vector: leaf hash of the empty input.
        assert_eq!(
            hex::encode(leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        let a = leaf_hash(b"a");
        let b = leaf_hash(b"b");
        assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
    }

    /// A store that loses rows or returns too few hashes: errors, never panics.
    struct Broken {
        short: bool,
    }

    impl HashStore for Broken {
        fn leaf_count(&self) -> Result<u64, StoreError> {
            Ok(10)
        }
        fn stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
            if self.short {
                Ok(vec![[0; 32]; indexes.len().saturating_sub(1)])
            } else {
                Err(StoreError("disk gone".into()))
            }
        }
    }

    #[test]
    fn store_failures_surface_as_typed_errors() {
        let gone = Broken { short: false };
        assert!(matches!(tree_root(&gone, 10), Err(TreeError::Store(_))));
        assert!(matches!(
            prove_inclusion(&gone, 10, 3),
            Err(TreeError::Store(_))
        ));
        assert!(matches!(
            prove_consistency(&gone, 3, 10),
            Err(TreeError::Store(_))
        ));
        assert!(matches!(
            hashes_to_append(&gone, 10, b"x"),
            Err(TreeError::Store(_))
        ));
        let short = Broken { short: true };
        assert!(matches!(
            tree_root(&short, 10),
            Err(TreeError::ShortRead { .. })
        ));
        assert!(matches!(
            prove_inclusion(&short, 10, 3),
            Err(TreeError::ShortRead { .. })
        ));
    }

    #[test]
    fn bad_requests_are_errors_not_panics() {
        let mut log = MemoryLog::new();
        for i in 0..5u8 {
            log.append(&[i]).unwrap();
        }
        assert!(matches!(
            tree_root(&log, 6),
            Err(TreeError::SizeBeyondLog { .. })
        ));
        assert!(matches!(
            prove_inclusion(&log, 5, 5),
            Err(TreeError::IndexOutOfRange { .. })
        ));
        assert!(matches!(
            prove_consistency(&log, 4, 3),
            Err(TreeError::BadSizes { .. })
        ));
        assert_eq!(prove_consistency(&log, 0, 5).unwrap(), Vec::<Hash>::new());
        let root = tree_root(&log, 5).unwrap();
        assert_eq!(
            verify_inclusion(&leaf_hash(&[0]), 7, 5, &[], &root),
            Err(ProofError::IndexOutOfRange { index: 7, size: 5 })
        );
        assert_eq!(
            verify_consistency(5, &root, 4, &root, &[]),
            Err(ProofError::SizesReversed { old: 5, new: 4 })
        );
    }
}
