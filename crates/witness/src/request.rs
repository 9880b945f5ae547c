//! The body of `POST /add-checkpoint`: `old <size>\n`, up to 63 consistency-proof lines (base64
//! hashes), an empty line, then the signed checkpoint note.

use linli_tlog::{proof_from_base64, Hash};
use thiserror::Error;

/// No consistency proof between trees of at most 2^63 leaves is longer than this (the spec's limit).
pub const MAX_PROOF_LINES: usize = 63;

/// A parsed add-checkpoint request. The note is not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    pub old_size: u64,
    pub proof: Vec<Hash>,
    pub note: String,
}

/// Why a request body is malformed (answered with 400).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RequestError {
    #[error("body is not UTF-8")]
    NotUtf8,
    #[error("first line must be 'old <size>'")]
    OldLine,
    #[error("missing the empty line before the checkpoint")]
    NoSeparator,
    #[error("more than {MAX_PROOF_LINES} consistency proof lines")]
    ProofTooLong,
    #[error("a proof line is not a base64 hash")]
    ProofLine,
}

impl AddCheckpoint {
    pub fn parse(body: &[u8]) -> Result<Self, RequestError> {
        let text = std::str::from_utf8(body).map_err(|_| RequestError::NotUtf8)?;
        let (first, rest) = text.split_once('\n').ok_or(RequestError::OldLine)?;
        let old_size = first
            .strip_prefix("old ")
            .and_then(canonical_decimal)
            .ok_or(RequestError::OldLine)?;
        let (proof_text, note) = if let Some(note) = rest.strip_prefix('\n') {
            ("", note)
        } else {
            rest.split_once("\n\n").ok_or(RequestError::NoSeparator)?
        };
        let lines: Vec<&str> = if proof_text.is_empty() {
            Vec::new()
        } else {
            proof_text.split('\n').collect()
        };
        if lines.len() > MAX_PROOF_LINES {
            return Err(RequestError::ProofTooLong);
        }
        let proof = proof_from_base64(&lines).map_err(|_| RequestError::ProofLine)?;
        Ok(AddCheckpoint {
            old_size,
            proof,
            note: note.to_owned(),
        })
    }
}

/// ASCII decimal, no sign, no leading zeros (except "0"), fits in u64.
fn canonical_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_empty_and_non_empty_proofs() {
        let r = AddCheckpoint::parse(b"old 0\n\nlog\n1\nroot\n\n- sig\n").unwrap();
        assert_eq!(r.old_size, 0);
        assert!(r.proof.is_empty());
        assert_eq!(r.note, "log\n1\nroot\n\n- sig\n");
        let h = linli_tlog::hash_to_base64(&[7u8; 32]);
        let body = format!("old 3\n{h}\n{h}\n\nnote");
        let r = AddCheckpoint::parse(body.as_bytes()).unwrap();
        assert_eq!(r.old_size, 3);
        assert_eq!(r.proof, vec![[7u8; 32]; 2]);
        assert_eq!(r.note, "note");
    }

    #[test]
    fn refuses_malformed_bodies() {
        assert_eq!(
            AddCheckpoint::parse(b"old 01\n\nx"),
            Err(RequestError::OldLine)
        );
        assert_eq!(
            AddCheckpoint::parse(b"new 1\n\nx"),
            Err(RequestError::OldLine)
        );
        assert_eq!(
            AddCheckpoint::parse(b"old 1\nabc"),
            Err(RequestError::NoSeparator)
        );
        assert_eq!(
            AddCheckpoint::parse(b"old 1\nabc\n\nx"),
            Err(RequestError::ProofLine)
        );
        let h = linli_tlog::hash_to_base64(&[1u8; 32]);
        let body = format!("old 1\n{}\nx", format!("{h}\n").repeat(64));
        assert_eq!(
            AddCheckpoint::parse(body.as_bytes()),
            Err(RequestError::ProofTooLong)
        );
    }
}
