//! Which witnesses a device trusts, and how many of them must have cosigned a checkpoint before the
//! device takes it as its new head: "k of n". A device pins the policy at join (from the hub's join
//! answer, checked against the community's printed slip or notice), so a hub cannot swap in
//! witnesses of its own later.
//!
//! Why k of n and not "any": one honest witness in the policy is enough to stop a split view (it
//! cosigns only one history), but a device must also keep working while a witness is down; the
//! office picks k below n for that.
//!
//! [`ForkEvidence`] is what anyone holding two checkpoints of one log can show: two notes, both
//! signed by the log's key, of the same size with different roots. Nobody can produce it without
//! the log having signed two histories.

use std::fmt;

use sha2::Digest as _;
use thiserror::Error;

use crate::checkpoint::Checkpoint;
use crate::cosignature::{Cosignature, CosignatureError, CosignatureVerifier};
use crate::note::NoteVerifier;

/// Why a policy could not be read, or a checkpoint does not meet it.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("witness key: {0}")]
    Key(#[from] CosignatureError),
    #[error("the quorum {quorum} is not between 1 and the {witnesses} witnesses")]
    Quorum { quorum: usize, witnesses: usize },
    #[error("the same witness is named twice")]
    Duplicate,
    #[error("the checkpoint is malformed")]
    Malformed,
    /// Not tampering: fewer witnesses than the policy asks have cosigned yet.
    #[error("{have} of the {need} witness cosignatures the policy asks for")]
    TooFew { have: usize, need: usize },
    /// A pinned witness's line is there but does not verify: the hub altered it.
    #[error("the cosignature of witness {0} does not verify")]
    BadCosignature(String),
}

/// The pinned witnesses and how many must cosign.
#[derive(Clone, PartialEq, Eq)]
pub struct WitnessPolicy {
    witnesses: Vec<CosignatureVerifier>,
    quorum: usize,
}

impl fmt::Debug for WitnessPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl WitnessPolicy {
    /// A policy of `quorum` of `vkeys` (witness verifier keys, see [`CosignatureVerifier`]).
    pub fn new<S: AsRef<str>>(vkeys: &[S], quorum: usize) -> Result<Self, PolicyError> {
        let mut witnesses: Vec<CosignatureVerifier> = Vec::with_capacity(vkeys.len());
        for v in vkeys {
            let w = CosignatureVerifier::from_vkey(v.as_ref())?;
            if witnesses.iter().any(|o| o.name() == w.name()) {
                return Err(PolicyError::Duplicate);
            }
            witnesses.push(w);
        }
        if quorum == 0 || quorum > witnesses.len() {
            return Err(PolicyError::Quorum {
                quorum,
                witnesses: witnesses.len(),
            });
        }
        Ok(WitnessPolicy { witnesses, quorum })
    }

    pub fn witnesses(&self) -> &[CosignatureVerifier] {
        &self.witnesses
    }

    pub fn quorum(&self) -> usize {
        self.quorum
    }

    /// One line per witness key, then `quorum <k>`: what a device stores and a slip prints.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for w in &self.witnesses {
            s.push_str(&w.to_vkey());
            s.push('\n');
        }
        s.push_str(&format!("quorum {}\n", self.quorum));
        s
    }

    /// A short fingerprint of the policy (the first 8 bytes of the SHA-256 of [`WitnessPolicy::to_text`],
    /// hex, in groups of four) for the invitation slip: a resident's device compares it with the
    /// hub's join answer.
    pub fn fingerprint(&self) -> String {
        let d = sha2::Sha256::digest(self.to_text().as_bytes());
        d[..8]
            .chunks(2)
            .map(hex::encode)
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads [`WitnessPolicy::to_text`].
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let mut keys = Vec::new();
        let mut quorum = None;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.strip_prefix("quorum ") {
                Some(k) => quorum = Some(k.parse().map_err(|_| PolicyError::Malformed)?),
                None => keys.push(line.to_owned()),
            }
        }
        Self::new(&keys, quorum.ok_or(PolicyError::Malformed)?)
    }

    /// The valid cosignatures of pinned witnesses on `note` (lines by anyone else are ignored).
    /// A pinned witness's line that does not verify is [`PolicyError::BadCosignature`].
    pub fn cosignatures(&self, note: &str) -> Result<Vec<Cosignature>, PolicyError> {
        let (text, sigs) = split_note(note).ok_or(PolicyError::Malformed)?;
        let mut found = Vec::new();
        for w in &self.witnesses {
            match w.verify_lines(text, sigs) {
                Ok(c) => found.push(c),
                Err(CosignatureError::OtherKey) => {}
                Err(_) => return Err(PolicyError::BadCosignature(w.name().to_owned())),
            }
        }
        Ok(found)
    }

    /// Whether `note` carries the cosignatures of at least `quorum` pinned witnesses.
    pub fn check(&self, note: &str) -> Result<Vec<Cosignature>, PolicyError> {
        let found = self.cosignatures(note)?;
        if found.len() < self.quorum {
            return Err(PolicyError::TooFew {
                have: found.len(),
                need: self.quorum,
            });
        }
        Ok(found)
    }
}

/// A note's text (through the newline before the blank line) and its signature block.
pub fn split_note(note: &str) -> Option<(&str, &str)> {
    let split = note.rfind("\n\n")?;
    Some((&note[..split + 1], &note[split + 2..]))
}

/// The note with extra signature lines appended (each one line, newline-terminated or not).
pub fn with_signatures(note: &str, lines: &[String]) -> String {
    let mut s = note.to_owned();
    for l in lines {
        if !note.contains(l.trim_end()) {
            s.push_str(l.trim_end());
            s.push('\n');
        }
    }
    s
}

/// Proof that a log signed two histories: two checkpoints of its origin and size, both signed by
/// its key, with different roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkEvidence {
    pub origin: String,
    pub size: u64,
    pub notes: [String; 2],
}

/// Checks two checkpoint notes of the log of `key`: `Some` when they prove a fork, `None` when they
/// agree or cannot be compared (another log, another size, a note the key did not sign).
pub fn fork_evidence(key: &NoteVerifier, a: &str, b: &str) -> Option<ForkEvidence> {
    let ca = Checkpoint::open(a, key).ok()?;
    let cb = Checkpoint::open(b, key).ok()?;
    (ca.origin == cb.origin && ca.size == cb.size && ca.root != cb.root).then(|| ForkEvidence {
        origin: ca.origin,
        size: ca.size,
        notes: [a.to_owned(), b.to_owned()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::CosignatureSigner;
    use crate::note::NoteSigner;

    fn signed(log: &NoteSigner, size: u64, root: u8) -> String {
        Checkpoint::new(log.name(), size, [root; 32])
            .sign(log)
            .unwrap()
    }

    fn cosign(w: &CosignatureSigner, note: &str) -> String {
        let (text, _) = split_note(note).unwrap();
        w.sign(text, 1_700_000_000).unwrap()
    }

    #[test]
    fn a_checkpoint_needs_k_of_the_pinned_witnesses() {
        let log = NoteSigner::generate("hub.example/linli").unwrap();
        let (w1, w2, w3) = (
            CosignatureSigner::generate("jwh").unwrap(),
            CosignatureSigner::generate("yzh").unwrap(),
            CosignatureSigner::generate("stranger").unwrap(),
        );
        let keys = [w1.verifier().to_vkey(), w2.verifier().to_vkey()];
        let policy = WitnessPolicy::new(&keys, 2).unwrap();
        assert_eq!(WitnessPolicy::parse(&policy.to_text()).unwrap(), policy);

        let note = signed(&log, 5, 1);
        assert_eq!(
            policy.check(&note),
            Err(PolicyError::TooFew { have: 0, need: 2 })
        );
        // A stranger's cosignature does not count.
        let one = with_signatures(&note, &[cosign(&w1, &note), cosign(&w3, &note)]);
        assert_eq!(
            policy.check(&one),
            Err(PolicyError::TooFew { have: 1, need: 2 })
        );
        let fpr = policy.fingerprint();
        assert_eq!(fpr.len(), 19);
        assert_ne!(fpr, WitnessPolicy::new(&keys, 1).unwrap().fingerprint());
        let both = with_signatures(&one, &[cosign(&w2, &note)]);
        let found = policy.check(&both).unwrap();
        assert_eq!(found.len(), 2);
        // The log's own signature still verifies with the cosignatures on it.
        assert!(Checkpoint::open(&both, &log.verifier()).is_ok());
        // A cosignature moved onto another checkpoint is refused as altered, not counted.
        let other = signed(&log, 6, 2);
        let moved = with_signatures(&other, &[cosign(&w1, &note)]);
        assert_eq!(
            policy.check(&moved),
            Err(PolicyError::BadCosignature("jwh".into()))
        );
    }

    #[test]
    fn policies_that_cannot_be_met_are_refused() {
        let w = CosignatureSigner::generate("jwh")
            .unwrap()
            .verifier()
            .to_vkey();
        assert!(matches!(
            WitnessPolicy::new(std::slice::from_ref(&w), 2),
            Err(PolicyError::Quorum { .. })
        ));
        assert!(matches!(
            WitnessPolicy::new(std::slice::from_ref(&w), 0),
            Err(PolicyError::Quorum { .. })
        ));
        assert_eq!(
            WitnessPolicy::new(&[w.clone(), w], 1),
            Err(PolicyError::Duplicate)
        );
        assert!(WitnessPolicy::parse("quorum 1\n").is_err());
    }

    #[test]
    fn two_signed_roots_of_one_size_prove_a_fork() {
        let log = NoteSigner::generate("hub.example/linli").unwrap();
        let key = log.verifier();
        let (a, b) = (signed(&log, 7, 1), signed(&log, 7, 2));
        let e = fork_evidence(&key, &a, &b).unwrap();
        assert_eq!(e.size, 7);
        assert!(fork_evidence(&key, &a, &a).is_none());
        assert!(fork_evidence(&key, &a, &signed(&log, 8, 2)).is_none());
        // A note the log did not sign proves nothing.
        let forger = NoteSigner::generate("hub.example/linli").unwrap();
        assert!(fork_evidence(&key, &a, &signed(&forger, 7, 2)).is_none());
    }
}
