//! One proof for many leaves at once: that leaves `indices` (the device's receipts) are in the tree of
//! `size` leaves. Separate inclusion proofs repeat the hashes near the root for every leaf (a push of 500
//! votes asked for 500 proofs of ~10 hashes each, a third of the push's bytes); this proof holds, once,
//! the root of every subtree that contains none of the leaves, so 500 neighbouring receipts need about
//! twice the tree's depth in hashes.
//!
//! Both sides walk the tree of RFC 6962 (`MTH(D[lo:hi])` splits at the largest power of two below
//! `hi - lo`) in the same order, depth first, left to right: a subtree without any of the leaves is one
//! proof hash; a leaf of the set is the verifier's own leaf hash; anything else splits. The verifier
//! recomputes the root and must consume every proof hash.

use crate::merkle::{node_hash, stored_hash_index, Hash, HashStore, ProofError, TreeError};

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// Whether any of the sorted `indices` falls in `lo..hi`.
fn any_in(indices: &[u64], lo: u64, hi: u64) -> bool {
    let first = indices.partition_point(|&i| i < lo);
    indices.get(first).is_some_and(|&i| i < hi)
}

/// Whether `indices` can be proved together in the tree of `size` leaves: some, strictly increasing, all
/// inside the tree.
pub fn provable(indices: &[u64], size: u64) -> bool {
    !indices.is_empty()
        && indices.windows(2).all(|w| w[0] < w[1])
        && indices.last().is_some_and(|&i| i < size)
}

/// `MTH(D[lo:hi])` from the stored hashes: a complete subtree is one stored hash, an incomplete one (the
/// right edge of the tree) is built from the complete subtrees it splits into.
fn subtree_hash<S: HashStore + ?Sized>(store: &S, lo: u64, hi: u64) -> Result<Hash, TreeError> {
    let n = hi - lo;
    if n.is_power_of_two() {
        let level = n.trailing_zeros() as u8;
        let index = stored_hash_index(level, lo >> level);
        let mut got = store.stored_hashes(&[index])?;
        return got.pop().ok_or(TreeError::ShortRead { wanted: 1, got: 0 });
    }
    let k = split(n);
    Ok(node_hash(
        &subtree_hash(store, lo, lo + k)?,
        &subtree_hash(store, lo + k, hi)?,
    ))
}

/// The proof that leaves `indices` (strictly increasing) are in the tree of the first `size` leaves.
pub fn prove_leaves<S: HashStore + ?Sized>(
    store: &S,
    size: u64,
    indices: &[u64],
) -> Result<Vec<Hash>, TreeError> {
    let leaves = store.leaf_count()?;
    if size > leaves {
        return Err(TreeError::SizeBeyondLog { size, leaves });
    }
    if !provable(indices, size) {
        return Err(TreeError::Tlog(format!(
            "leaf indices must be increasing and below {size}"
        )));
    }
    let mut proof = Vec::new();
    prove(store, indices, 0, size, &mut proof)?;
    Ok(proof)
}

fn prove<S: HashStore + ?Sized>(
    store: &S,
    indices: &[u64],
    lo: u64,
    hi: u64,
    proof: &mut Vec<Hash>,
) -> Result<(), TreeError> {
    if !any_in(indices, lo, hi) {
        proof.push(subtree_hash(store, lo, hi)?);
    } else if hi - lo > 1 {
        let k = split(hi - lo);
        prove(store, indices, lo, lo + k, proof)?;
        prove(store, indices, lo + k, hi, proof)?;
    }
    Ok(())
}

/// Checks that `leaves` (index and leaf hash, indices strictly increasing) are in the tree of `size`
/// leaves whose root is `root`.
pub fn verify_leaves(
    leaves: &[(u64, Hash)],
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let indices: Vec<u64> = leaves.iter().map(|(i, _)| *i).collect();
    if !provable(&indices, size) {
        return Err(ProofError::Mismatch);
    }
    let mut walk = Walk {
        indices: &indices,
        leaves,
        proof: proof.iter(),
    };
    let computed = walk.hash(0, size).ok_or(ProofError::Mismatch)?;
    if walk.proof.next().is_some() || computed != *root {
        return Err(ProofError::Mismatch);
    }
    Ok(())
}

struct Walk<'a> {
    indices: &'a [u64],
    leaves: &'a [(u64, Hash)],
    proof: std::slice::Iter<'a, Hash>,
}

impl Walk<'_> {
    /// `MTH(D[lo:hi])` from the proof and the known leaves; `None` when the proof runs out.
    fn hash(&mut self, lo: u64, hi: u64) -> Option<Hash> {
        if !any_in(self.indices, lo, hi) {
            return self.proof.next().copied();
        }
        if hi - lo == 1 {
            let at = self.indices.partition_point(|&i| i < lo);
            return self.leaves.get(at).map(|(_, h)| *h);
        }
        let k = split(hi - lo);
        let left = self.hash(lo, lo + k)?;
        let right = self.hash(lo + k, hi)?;
        Some(node_hash(&left, &right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{leaf_hash, prove_inclusion, tree_root};
    use crate::MemoryLog;
    use proptest::prelude::*;

    fn log(n: u64) -> MemoryLog {
        let mut log = MemoryLog::new();
        for i in 0..n {
            log.append(format!("leaf {i}").as_bytes()).unwrap();
        }
        log
    }

    fn known(log: &MemoryLog, indices: &[u64]) -> Vec<(u64, Hash)> {
        indices
            .iter()
            .map(|&i| (i, leaf_hash(log.leaf(i).unwrap())))
            .collect()
    }

    #[test]
    fn neighbouring_leaves_need_few_hashes() {
        let log = log(10_000);
        let root = tree_root(&log, 10_000).unwrap();
        let indices: Vec<u64> = (9_000..9_500).collect();
        let proof = prove_leaves(&log, 10_000, &indices).unwrap();
        assert!(proof.len() <= 2 * 14, "{} hashes", proof.len());
        verify_leaves(&known(&log, &indices), 10_000, &proof, &root).unwrap();
        let separate: usize = indices
            .iter()
            .map(|&i| prove_inclusion(&log, 10_000, i).unwrap().len())
            .sum();
        assert!(separate > 20 * proof.len(), "{separate} vs {}", proof.len());
    }

    #[test]
    fn one_leaf_needs_the_hashes_of_its_inclusion_proof() {
        let log = log(37);
        for i in 0..37 {
            // The same hashes, in the walk's order (left to right) instead of bottom-up.
            let mut multi = prove_leaves(&log, 37, &[i]).unwrap();
            let mut single = prove_inclusion(&log, 37, i).unwrap();
            multi.sort_unstable();
            single.sort_unstable();
            assert_eq!(multi, single, "leaf {i}");
        }
    }

    #[test]
    fn bad_requests_are_refused() {
        let log = log(8);
        assert!(prove_leaves(&log, 9, &[0]).is_err());
        assert!(prove_leaves(&log, 8, &[]).is_err());
        assert!(prove_leaves(&log, 8, &[3, 3]).is_err());
        assert!(prove_leaves(&log, 8, &[5, 2]).is_err());
        assert!(prove_leaves(&log, 8, &[8]).is_err());
        let root = tree_root(&log, 8).unwrap();
        assert!(verify_leaves(&[], 8, &[], &root).is_err());
    }

    proptest! {
        #[test]
        fn proves_any_set_and_catches_any_change(
            size in 1u64..300,
            picks in proptest::collection::vec(0u64..300, 1..40),
            tamper in 0usize..1000,
        ) {
            let log = log(size);
            let root = tree_root(&log, size).unwrap();
            let mut indices: Vec<u64> = picks.into_iter().map(|p| p % size).collect();
            indices.sort_unstable();
            indices.dedup();
            let proof = prove_leaves(&log, size, &indices).unwrap();
            let leaves = known(&log, &indices);
            prop_assert!(verify_leaves(&leaves, size, &proof, &root).is_ok());

            // A changed leaf, a changed proof hash, a hash missing or one too many: refused.
            let mut bad = leaves.clone();
            let at = tamper % bad.len();
            bad[at].1[0] ^= 1;
            prop_assert!(verify_leaves(&bad, size, &proof, &root).is_err());
            if !proof.is_empty() {
                let mut p = proof.clone();
                let at = tamper % p.len();
                p[at][31] ^= 1;
                prop_assert!(verify_leaves(&leaves, size, &p, &root).is_err());
                prop_assert!(verify_leaves(&leaves, size, &proof[1..], &root).is_err());
            }
            let mut longer = proof.clone();
            longer.push([7; 32]);
            prop_assert!(verify_leaves(&leaves, size, &longer, &root).is_err());
            // The same leaves claimed at other positions: refused (unless the set is the whole tree
            // shifted onto itself, which it can't be).
            if indices.last().is_some_and(|&l| l + 1 < size) {
                let shifted: Vec<(u64, Hash)> = leaves.iter().map(|(i, h)| (i + 1, *h)).collect();
                prop_assert!(verify_leaves(&shifted, size, &proof, &root).is_err());
            }
        }
    }
}
