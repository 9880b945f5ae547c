//! The core of the auditor command: given only the hub's public key, the leaves its API serves
//! and the signed checkpoints the auditor collected (from the hub, from devices, from earlier
//! audits), recompute the whole tree and check that every checkpoint is a head of it.
//!
//! If every checkpoint matches the recomputed tree, they are all consistent with each other
//! and with the leaves; a leaf changed, removed or inserted anywhere before a checkpoint's size
//! changes that checkpoint's root and is reported. Recounting tallies from opened vote leaves
//! is the hub's domain and builds on the [`Audit::log`] this returns.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::leaf::{Leaf, LeafError, LeafKind};
use crate::memory_log::MemoryLog;
use crate::merkle::{tree_root, TreeError};
use crate::note::NoteVerifier;

/// What an audit established.
#[derive(Debug)]
pub struct Audit {
    /// The recomputed log.
    pub log: MemoryLog,
    /// The decoded leaves, in order.
    pub leaves: Vec<Leaf>,
    /// Leaves per kind.
    pub counts: BTreeMap<LeafKind, u64>,
    /// The checkpoints that matched, sorted by size.
    pub checkpoints: Vec<Checkpoint>,
}

/// Why an audit failed. Each names the first offending leaf or checkpoint.
#[derive(Debug, Error)]
pub enum AuditError {
    #[error("leaf {index} is malformed: {source}")]
    Leaf { index: u64, source: LeafError },
    #[error("checkpoint {index} is not validly signed: {source}")]
    Checkpoint {
        index: usize,
        source: CheckpointError,
    },
    #[error("checkpoint {index} is for log {found:?}, expected {expected:?}")]
    WrongOrigin {
        index: usize,
        expected: String,
        found: String,
    },
    #[error("checkpoint {index} claims {size} leaves, the hub serves only {served}")]
    MissingLeaves {
        index: usize,
        size: u64,
        served: u64,
    },
    #[error(
        "checkpoint {index} (size {size}) does not match the served leaves: the log was changed"
    )]
    RootMismatch { index: usize, size: u64 },
    #[error(transparent)]
    Tree(#[from] TreeError),
}

/// Recomputes the tree from `leaf_bytes` and checks each of `checkpoint_notes` against it.
pub fn audit<I, L>(
    key: &NoteVerifier,
    origin: &str,
    leaf_bytes: I,
    checkpoint_notes: &[&str],
) -> Result<Audit, AuditError>
where
    I: IntoIterator<Item = L>,
    L: AsRef<[u8]>,
{
    audit_with_keys(
        std::slice::from_ref(key),
        origin,
        leaf_bytes,
        checkpoint_notes,
    )
}

/// [`audit`] of a log whose key was rotated: each checkpoint may be signed by any key of `keys`
/// (the chain from [`crate::rotation_chain`], all of one name).
pub fn audit_with_keys<I, L>(
    keys: &[NoteVerifier],
    origin: &str,
    leaf_bytes: I,
    checkpoint_notes: &[&str],
) -> Result<Audit, AuditError>
where
    I: IntoIterator<Item = L>,
    L: AsRef<[u8]>,
{
    let mut log = MemoryLog::new();
    let mut leaves = Vec::new();
    let mut counts = BTreeMap::new();
    for (index, bytes) in leaf_bytes.into_iter().enumerate() {
        let bytes = bytes.as_ref();
        let leaf = Leaf::from_bytes(bytes).map_err(|source| AuditError::Leaf {
            index: index as u64,
            source,
        })?;
        *counts.entry(leaf.kind).or_insert(0) += 1;
        leaves.push(leaf);
        log.append(bytes)?;
    }
    let mut checkpoints = Vec::new();
    for (index, note) in checkpoint_notes.iter().enumerate() {
        let mut opened = Err(CheckpointError::Malformed("no key to check it with"));
        for key in keys {
            opened = Checkpoint::open(note, key);
            if opened.is_ok() {
                break;
            }
        }
        let cp = opened.map_err(|source| AuditError::Checkpoint { index, source })?;
        if cp.origin != origin {
            return Err(AuditError::WrongOrigin {
                index,
                expected: origin.to_owned(),
                found: cp.origin,
            });
        }
        if cp.size > log.len() {
            return Err(AuditError::MissingLeaves {
                index,
                size: cp.size,
                served: log.len(),
            });
        }
        if tree_root(&log, cp.size)? != cp.root {
            return Err(AuditError::RootMismatch {
                index,
                size: cp.size,
            });
        }
        checkpoints.push(cp);
    }
    checkpoints.sort_by_key(|c| c.size);
    Ok(Audit {
        log,
        leaves,
        counts,
        checkpoints,
    })
}
