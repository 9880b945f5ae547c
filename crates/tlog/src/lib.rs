//! `linli-tlog`: the tamper-evident transparency log of Linli's votes and report decisions.
//!
//! The hub appends one [`Leaf`] per vote, tally, report status change, staff reply and proxy
//! grant; each leaf holds only a salted hash [`commit`]ment to the record, so the public log
//! reveals no personal data. The hub signs [`Checkpoint`]s (tree size + RFC 6962 root) in the
//! C2SP `tlog-checkpoint` / `signed-note` formats; devices pin the hub's key and use a
//! [`Verifier`] to refuse rollbacks, forks and records missing from the log.
//!
//! See `crates/tlog/README.md` for the formats and how the hub and devices use them.

#![forbid(unsafe_code)]

pub mod audit;
pub mod checkpoint;
pub mod commitment;
pub mod conformance;
pub mod cosignature;
pub mod leaf;
pub mod memory_log;
pub mod merkle;
pub mod multiproof;
pub mod note;
pub mod records;
pub mod restore;
pub mod rotation;
pub mod verifier;
pub mod wire;
pub mod witness_policy;

pub use audit::{audit, audit_with_keys, Audit, AuditError};
pub use checkpoint::{Checkpoint, CheckpointError};
pub use commitment::{commit, new_salt, verify_opening, Salt};
pub use cosignature::{Cosignature, CosignatureError, CosignatureSigner, CosignatureVerifier};
pub use leaf::{Leaf, LeafError, LeafKind};
pub use memory_log::MemoryLog;
pub use merkle::{
    hashes_to_append, leaf_hash, node_hash, prove_consistency, prove_inclusion, tree_root,
    verify_consistency, verify_inclusion, Hash, HashStore, ProofError, StoreError, TreeError,
    EMPTY_ROOT,
};
pub use multiproof::{prove_leaves, verify_leaves};
pub use note::{NoteError, NoteSigner, NoteVerifier};
pub use records::{ballot_tag, OptionCount, Record};
pub use restore::{find_restore, open_restore, restore_statement, RestoreError, RestoreStatement};
pub use rotation::{follow_rotations, rotation_chain, rotation_statement, RotationError};
pub use verifier::{Verifier, VerifyError};
pub use wire::{
    hash_from_base64, hash_to_base64, leaves_proof_from_base64, proof_from_base64, proof_to_base64,
    HashTextError,
};
pub use witness_policy::{
    fork_evidence, split_note, with_signatures, ForkEvidence, PolicyError, WitnessPolicy,
};
