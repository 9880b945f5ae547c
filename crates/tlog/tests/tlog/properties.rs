//! Property tests: every proof generated for random tree sizes verifies, and any flipped
//! byte, wrong index, wrong size or truncated proof fails.

use linli_tlog::{
    leaf_hash, prove_consistency, prove_inclusion, tree_root, verify_consistency, verify_inclusion,
    MemoryLog,
};
use proptest::prelude::*;

/// A log of `n` distinct leaves.
fn log_of(n: u64) -> MemoryLog {
    MemoryLog::from_leaves((0..n).map(|i| format!("leaf {i}").into_bytes())).unwrap()
}

/// Root computed straight from the RFC 6962 definition (MTH), independent of the stored-hash
/// layout used by the library: split at the largest power of two below n.
fn reference_root(leaves: &[Vec<u8>]) -> [u8; 32] {
    match leaves.len() {
        0 => linli_tlog::EMPTY_ROOT,
        1 => leaf_hash(&leaves[0]),
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            linli_tlog::node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn roots_match_the_rfc_definition(n in 0u64..200) {
        let log = log_of(n);
        let leaves: Vec<Vec<u8>> = (0..n).map(|i| format!("leaf {i}").into_bytes()).collect();
        for size in [0, n / 3, n / 2, n] {
            prop_assert_eq!(tree_root(&log, size).unwrap(), reference_root(&leaves[..size as usize]));
        }
    }

    #[test]
    fn inclusion_proofs_verify_and_tampering_fails(
        n in 1u64..300,
        seed in any::<u64>(),
        flip in any::<(usize, usize, u8)>(),
    ) {
        let log = log_of(n);
        let index = seed % n;
        let root = tree_root(&log, n).unwrap();
        let leaf = leaf_hash(log.leaf(index).unwrap());
        let proof = prove_inclusion(&log, n, index).unwrap();
        prop_assert!(verify_inclusion(&leaf, index, n, &proof, &root).is_ok());

        // Every other index with the same proof fails (leaves are distinct).
        for other in [index.wrapping_sub(1), index + 1, (index + n / 2 + 1) % n, n] {
            if other != index {
                prop_assert!(verify_inclusion(&leaf, other, n, &proof, &root).is_err());
            }
        }
        // (No check with another tree size here: a path along the right edge can be valid for
        // several sizes with the same root, under RFC 9162's algorithm too. The size a device
        // uses comes from the signed checkpoint together with the root, so this is harmless.)
        // A flipped byte anywhere in the proof, the leaf or the root fails.
        let bit = 1u8 << (flip.2 % 8);
        if !proof.is_empty() {
            let mut p = proof.clone();
            let i = flip.0 % p.len();
            p[i][flip.1 % 32] ^= bit;
            prop_assert!(verify_inclusion(&leaf, index, n, &p, &root).is_err());
            prop_assert!(verify_inclusion(&leaf, index, n, &proof[1..], &root).is_err());
        }
        let mut bad_leaf = leaf;
        bad_leaf[flip.1 % 32] ^= bit;
        prop_assert!(verify_inclusion(&bad_leaf, index, n, &proof, &root).is_err());
        let mut bad_root = root;
        bad_root[flip.1 % 32] ^= bit;
        prop_assert!(verify_inclusion(&leaf, index, n, &proof, &bad_root).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_tampering_fails(
        n in 1u64..300,
        seed in any::<u64>(),
        flip in any::<(usize, usize, u8)>(),
    ) {
        let log = log_of(n);
        let old = 1 + seed % n;
        let (r1, r2) = (tree_root(&log, old).unwrap(), tree_root(&log, n).unwrap());
        let proof = prove_consistency(&log, old, n).unwrap();
        prop_assert!(verify_consistency(old, &r1, n, &r2, &proof).is_ok());
        if old == n {
            prop_assert!(proof.is_empty());
            return Ok(());
        }
        let bit = 1u8 << (flip.2 % 8);
        let mut p = proof.clone();
        let i = flip.0 % p.len();
        p[i][flip.1 % 32] ^= bit;
        prop_assert!(verify_consistency(old, &r1, n, &r2, &p).is_err());
        prop_assert!(verify_consistency(old, &r1, n, &r2, &proof[..proof.len() - 1]).is_err());
        prop_assert!(verify_consistency(old, &r1, n, &r2, &[]).is_err());
        prop_assert!(verify_consistency(old, &r2, n, &r1, &proof).is_err());
        let mut bad_old = r1;
        bad_old[flip.1 % 32] ^= bit;
        prop_assert!(verify_consistency(old, &bad_old, n, &r2, &proof).is_err());
        // The proof is for these sizes only.
        if old > 1 {
            let r0 = tree_root(&log, old - 1).unwrap();
            prop_assert!(verify_consistency(old - 1, &r0, n, &r2, &proof).is_err());
        }
        let r3 = tree_root(&log_of(n + 1), n + 1).unwrap();
        prop_assert!(verify_consistency(old, &r1, n + 1, &r3, &proof).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Proofs and sizes come from the network: any input must give an answer, not a panic.
    #[test]
    fn verification_never_panics_on_arbitrary_input(
        index in any::<u64>(),
        size in any::<u64>(),
        old in any::<u64>(),
        proof in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
        a in any::<[u8; 32]>(),
        b in any::<[u8; 32]>(),
    ) {
        let _ = verify_inclusion(&a, index, size, &proof, &b);
        let _ = verify_inclusion(&a, index % size.max(1), size, &proof, &b);
        let _ = verify_consistency(old, &a, size, &b, &proof);
        let _ = verify_consistency(old % size.max(1), &a, size, &b, &proof);
    }

    /// Any single-byte change to a signed checkpoint is refused (or, if it only touches a
    /// signature line of another key name, leaves the checkpoint unchanged).
    #[test]
    fn mutated_checkpoints_never_verify_as_something_else(
        pos in any::<usize>(),
        byte in any::<u8>(),
    ) {
        let signer = linli_tlog::NoteSigner::from_seed("hub.example/x", [8; 32]).unwrap();
        let cp = linli_tlog::Checkpoint::new("hub.example/x", 1234, [6; 32]);
        let note = cp.sign(&signer).unwrap();
        let mut bytes = note.clone().into_bytes();
        let i = pos % bytes.len();
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        if let Ok(mutated) = String::from_utf8(bytes) {
            if let Ok(opened) = linli_tlog::Checkpoint::open(&mutated, &signer.verifier()) {
                prop_assert_eq!(opened, cp);
            }
        }
    }
}
