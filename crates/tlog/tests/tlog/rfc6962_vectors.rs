//! RFC 6962 test vectors: tree heads, inclusion proofs and consistency proofs.
//!
//! The VECTORS below (leaf inputs, roots, proofs) are copied from the RFC 6962 reference tests
//! of github.com/transparency-dev/merkle: `testonly/constants.go` (LeafInputs, RootHashes) and
//! `proof/verify_test.go` (inclusionProofs, consistencyProofs), which descend from the
//! Certificate Transparency reference implementation's tests. The corruption probes follow
//! the list in `corruptInclusionProof` / `corruptConsistencyProof` of that file.

use linli_tlog::{
    leaf_hash, prove_consistency, prove_inclusion, tree_root, verify_consistency, verify_inclusion,
    Hash, MemoryLog, EMPTY_ROOT,
};

const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Root hashes of the trees of sizes 0..=8 built from LEAF_INPUTS.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, audit path). The source numbers leaves from 1; these are 0-based.
const INCLUSION: &[(u64, u64, &[&str])] = &[
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, consistency proof).
const CONSISTENCY: &[(u64, u64, &[&str])] = &[
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// sha256SomeHash of the source: an arbitrary wrong hash.
const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

/// A corrupted input: (index or old size, size or new size, hash, hash, proof, description).
type Probe = (u64, u64, Hash, Hash, Vec<Hash>, &'static str);

fn h(s: &str) -> Hash {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).unwrap();
    out
}

fn hashes(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|s| h(s)).collect()
}

fn log() -> MemoryLog {
    MemoryLog::from_leaves(LEAF_INPUTS.iter().map(|s| hex::decode(s).unwrap())).unwrap()
}

#[test]
fn tree_heads_of_every_size() {
    let log = log();
    assert_eq!(EMPTY_ROOT, h(ROOTS[0]));
    for (size, root) in ROOTS.iter().enumerate() {
        assert_eq!(
            tree_root(&log, size as u64).unwrap(),
            h(root),
            "size {size}"
        );
    }
}

#[test]
fn inclusion_proofs_are_generated_and_verified() {
    let log = log();
    for &(index, size, proof) in INCLUSION {
        let want = hashes(proof);
        assert_eq!(
            prove_inclusion(&log, size, index).unwrap(),
            want,
            "{index}@{size}"
        );
        let leaf = leaf_hash(log.leaf(index).unwrap());
        let root = h(ROOTS[size as usize]);
        verify_inclusion(&leaf, index, size, &want, &root).unwrap();

        // Corruption probes: every one must fail.
        let mut probes: Vec<Probe> = vec![
            (
                index.wrapping_sub(1),
                size,
                root,
                leaf,
                want.clone(),
                "index - 1",
            ),
            (index + 1, size, root, leaf, want.clone(), "index + 1"),
            (index ^ 2, size, root, leaf, want.clone(), "index ^ 2"),
            (index, size * 2, root, leaf, want.clone(), "size * 2"),
            (index, size / 2, root, leaf, want.clone(), "size / 2"),
            (
                index,
                size,
                root,
                leaf_hash(b"WrongLeaf"),
                want.clone(),
                "wrong leaf",
            ),
            (index, size, EMPTY_ROOT, leaf, want.clone(), "empty root"),
            (index, size, h(SOME_HASH), leaf, want.clone(), "random root"),
            (
                index,
                size,
                root,
                leaf,
                [want.clone(), vec![root]].concat(),
                "trailing root",
            ),
            (
                index,
                size,
                root,
                leaf,
                [vec![root], want.clone()].concat(),
                "preceding root",
            ),
        ];
        for i in 0..want.len() {
            let mut p = want.clone();
            p[i][0] ^= 8;
            probes.push((index, size, root, leaf, p, "flipped bit"));
        }
        if !want.is_empty() {
            probes.push((
                index,
                size,
                root,
                leaf,
                want[..want.len() - 1].to_vec(),
                "removed",
            ));
        }
        if want.len() > 1 {
            let p = [vec![want[0], h(SOME_HASH)], want[1..].to_vec()].concat();
            probes.push((index, size, root, leaf, p, "inserted"));
        }
        for (i, s, r, l, p, what) in probes {
            assert!(
                verify_inclusion(&l, i, s, &p, &r).is_err(),
                "{what} accepted for {index}@{size}"
            );
        }
    }
}

#[test]
fn consistency_proofs_are_generated_and_verified() {
    let log = log();
    for &(old, new, proof) in CONSISTENCY {
        let want = hashes(proof);
        assert_eq!(
            prove_consistency(&log, old, new).unwrap(),
            want,
            "{old}->{new}"
        );
        let (r1, r2) = (h(ROOTS[old as usize]), h(ROOTS[new as usize]));
        verify_consistency(old, &r1, new, &r2, &want).unwrap();
        if want.is_empty() {
            continue;
        }
        let mut probes: Vec<Probe> = vec![
            (old - 1, new, r1, r2, want.clone(), "old - 1"),
            (old + 1, new, r1, r2, want.clone(), "old + 1"),
            (old ^ 2, new, r1, r2, want.clone(), "old ^ 2"),
            (old, new * 2, r1, r2, want.clone(), "new * 2"),
            (old, new / 2, r1, r2, want.clone(), "new / 2"),
            (old, new, h(SOME_HASH), r2, want.clone(), "wrong root1"),
            (old, new, r1, h(SOME_HASH), want.clone(), "wrong root2"),
            (old, new, r2, r1, want.clone(), "swapped roots"),
            (old, new, r1, r2, vec![], "empty proof"),
            (
                old,
                new,
                r1,
                r2,
                [want.clone(), vec![r1]].concat(),
                "trailing root1",
            ),
            (
                old,
                new,
                r1,
                r2,
                [want.clone(), vec![r2]].concat(),
                "trailing root2",
            ),
            (
                old,
                new,
                r1,
                r2,
                [vec![r1], want.clone()].concat(),
                "preceding root1",
            ),
            (
                old,
                new,
                r1,
                r2,
                [vec![r2], want.clone()].concat(),
                "preceding root2",
            ),
            (
                old,
                new,
                r1,
                r2,
                [vec![want[0]], want.clone()].concat(),
                "preceding proof[0]",
            ),
            (
                old,
                new,
                r1,
                r2,
                want[..want.len() - 1].to_vec(),
                "truncated",
            ),
        ];
        for i in 0..want.len() {
            let mut p = want.clone();
            p[i][0] ^= 16;
            probes.push((old, new, r1, r2, p, "flipped bit"));
        }
        for (o, n, a, b, p, what) in probes {
            assert!(
                verify_consistency(o, &a, n, &b, &p).is_err(),
                "{what} accepted for {old}->{new}"
            );
        }
    }
}

#[test]
fn trivial_consistency_cases() {
    let (a, b) = (h(ROOTS[1]), h(ROOTS[2]));
    // Sizes that are always consistent, with an empty proof.
    verify_consistency(0, &EMPTY_ROOT, 0, &EMPTY_ROOT, &[]).unwrap();
    verify_consistency(0, &EMPTY_ROOT, 1, &a, &[]).unwrap();
    verify_consistency(1, &a, 1, &a, &[]).unwrap();
    // Roots that differ at one size, going back in time, missing or superfluous proofs.
    assert!(verify_consistency(1, &a, 1, &b, &[]).is_err());
    assert!(verify_consistency(2, &b, 1, &a, &[]).is_err());
    assert!(verify_consistency(1, &a, 2, &b, &[]).is_err());
    assert!(verify_consistency(0, &EMPTY_ROOT, 1, &a, &[EMPTY_ROOT]).is_err());
    assert!(verify_consistency(1, &a, 1, &a, &[EMPTY_ROOT]).is_err());
}
