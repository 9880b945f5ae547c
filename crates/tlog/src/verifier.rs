//! The device side: a pinned hub key plus the last checkpoint seen, so that every new
//! checkpoint must extend the old one and every receipt must be in the log.
//!
//! Trust starts at the first checkpoint accepted (the device pins the key at join and
//! accepts the hub's current checkpoint then). From there on the hub cannot shrink the log
//! ([`VerifyError::Rollback`]), show two different trees of one size ([`VerifyError::Fork`])
//! or rewrite or delete an earlier leaf ([`VerifyError::Inconsistent`]) without the device
//! noticing, even when it re-signs everything with its real key.

use thiserror::Error;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::leaf::Leaf;
use crate::merkle::{self, Hash};
use crate::note::NoteVerifier;

/// Why a checkpoint or a receipt was refused. Every variant but [`VerifyError::NotYetCovered`]
/// and [`VerifyError::NoCheckpoint`] is a warning the resident must see.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("checkpoint not signed by the pinned key, or malformed: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("checkpoint is for log {found:?}, expected {expected:?}")]
    WrongOrigin { expected: String, found: String },
    #[error("log went back from {seen} to {offered} leaves")]
    Rollback { seen: u64, offered: u64 },
    #[error("two different trees of size {size}: the log forked")]
    Fork { size: u64 },
    #[error("the tree of size {new} does not extend the one of size {old}: history was rewritten")]
    Inconsistent { old: u64, new: u64 },
    #[error("no checkpoint accepted yet")]
    NoCheckpoint,
    #[error("that checkpoint is not the latest this device accepted")]
    NotLatest,
    /// Not a warning: the receipt is newer than the latest checkpoint; fetch a newer one.
    #[error("leaf {index} is beyond the latest checkpoint (size {size}); fetch a newer one")]
    NotYetCovered { index: u64, size: u64 },
    #[error("leaf {index} is not in the log of size {size} as claimed")]
    NotIncluded { index: u64, size: u64 },
}

/// Verifier state a device keeps (and persists as the note text of [`Verifier::latest_note`]).
#[derive(Debug, Clone)]
pub struct Verifier {
    key: NoteVerifier,
    origin: String,
    latest: Option<(Checkpoint, String)>,
}

impl Verifier {
    /// A verifier with no checkpoint yet. `origin` is the log name checkpoints must carry.
    pub fn new(key: NoteVerifier, origin: impl Into<String>) -> Self {
        Verifier {
            key,
            origin: origin.into(),
            latest: None,
        }
    }

    /// Restores a verifier from its persisted latest checkpoint note, re-verifying it.
    pub fn resume(
        key: NoteVerifier,
        origin: impl Into<String>,
        latest_note: &str,
    ) -> Result<Self, VerifyError> {
        let mut v = Self::new(key, origin);
        v.accept_checkpoint(latest_note, &[])?;
        Ok(v)
    }

    /// Checks the following checkpoints with `key`, a rotation of the pinned key the caller
    /// verified (see [`crate::rotation`]); the latest checkpoint accepted stays what they must extend.
    pub fn rotate_key(&mut self, key: NoteVerifier) {
        self.key = key;
    }

    pub fn key(&self) -> &NoteVerifier {
        &self.key
    }

    /// The latest accepted checkpoint.
    pub fn latest(&self) -> Option<&Checkpoint> {
        self.latest.as_ref().map(|(c, _)| c)
    }

    /// The signed note of the latest accepted checkpoint, to persist and to show auditors.
    pub fn latest_note(&self) -> Option<&str> {
        self.latest.as_ref().map(|(_, n)| n.as_str())
    }

    /// Checks a signed checkpoint and, if it extends the latest one, makes it the latest.
    ///
    /// `consistency_proof` proves the latest accepted tree is a prefix of the new one (the
    /// hub's consistency proof from the old size to the new size); it is ignored for the
    /// first checkpoint and must be empty when the size is unchanged.
    pub fn accept_checkpoint(
        &mut self,
        note: &str,
        consistency_proof: &[Hash],
    ) -> Result<&Checkpoint, VerifyError> {
        let new = Checkpoint::open(note, &self.key)?;
        if new.origin != self.origin {
            return Err(VerifyError::WrongOrigin {
                expected: self.origin.clone(),
                found: new.origin,
            });
        }
        if let Some((old, _)) = &self.latest {
            if new.size < old.size {
                return Err(VerifyError::Rollback {
                    seen: old.size,
                    offered: new.size,
                });
            }
            if new.size == old.size && new.root != old.root {
                return Err(VerifyError::Fork { size: new.size });
            }
            merkle::verify_consistency(old.size, &old.root, new.size, &new.root, consistency_proof)
                .map_err(|_| VerifyError::Inconsistent {
                    old: old.size,
                    new: new.size,
                })?;
        }
        let (c, _) = self.latest.insert((new, note.to_owned()));
        Ok(c)
    }

    /// The latest checkpoint this verifier accepted, which proofs must be checked against.
    fn latest_is(&self, checkpoint: &Checkpoint) -> Result<&Checkpoint, VerifyError> {
        let latest = self.latest().ok_or(VerifyError::NoCheckpoint)?;
        if latest != checkpoint {
            return Err(VerifyError::NotLatest);
        }
        Ok(latest)
    }

    /// Checks a receipt: `leaf` is at `index` in the log of `checkpoint`, which must be the
    /// latest checkpoint this verifier accepted (fetch the proof for that size).
    pub fn verify_inclusion(
        &self,
        leaf: &Leaf,
        index: u64,
        proof: &[Hash],
        checkpoint: &Checkpoint,
    ) -> Result<(), VerifyError> {
        let latest = self.latest_is(checkpoint)?;
        if index >= latest.size {
            return Err(VerifyError::NotYetCovered {
                index,
                size: latest.size,
            });
        }
        merkle::verify_inclusion(&leaf.hash(), index, latest.size, proof, &latest.root).map_err(
            |_| VerifyError::NotIncluded {
                index,
                size: latest.size,
            },
        )
    }

    /// Checks many receipts with one proof ([`crate::multiproof`]): `leaves` (indices strictly
    /// increasing) are in the log of `checkpoint`, the latest this verifier accepted. A failure names
    /// the first leaf; which one is wrong takes one inclusion proof each to tell.
    pub fn verify_leaves(
        &self,
        leaves: &[(u64, Leaf)],
        proof: &[Hash],
        checkpoint: &Checkpoint,
    ) -> Result<(), VerifyError> {
        let latest = self.latest_is(checkpoint)?;
        let first = leaves.first().map_or(0, |(i, _)| *i);
        if let Some((index, _)) = leaves.iter().find(|(i, _)| *i >= latest.size) {
            return Err(VerifyError::NotYetCovered {
                index: *index,
                size: latest.size,
            });
        }
        let hashes: Vec<(u64, Hash)> = leaves.iter().map(|(i, l)| (*i, l.hash())).collect();
        crate::multiproof::verify_leaves(&hashes, latest.size, proof, &latest.root).map_err(|_| {
            VerifyError::NotIncluded {
                index: first,
                size: latest.size,
            }
        })
    }
}
