//! Text forms of hashes and proofs for the hub's JSON API: standard padded base64, the same
//! encoding checkpoints use for the root. Decoding is strict (canonical base64, 32 bytes).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use thiserror::Error;

use crate::merkle::Hash;

/// A hash or proof element that is not canonical base64 of 32 bytes.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("not a base64-encoded 32-byte hash: {0:?}")]
pub struct HashTextError(pub String);

pub fn hash_to_base64(hash: &Hash) -> String {
    B64.encode(hash)
}

pub fn hash_from_base64(s: &str) -> Result<Hash, HashTextError> {
    B64.decode(s)
        .ok()
        .filter(|b| B64.encode(b) == s)
        .and_then(|b| Hash::try_from(b.as_slice()).ok())
        .ok_or_else(|| HashTextError(s.chars().take(64).collect()))
}

pub fn proof_to_base64(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(hash_to_base64).collect()
}

/// Decodes a proof; refuses more than 128 elements (no valid proof of a 2^64-leaf log has more).
pub fn proof_from_base64<S: AsRef<str>>(proof: &[S]) -> Result<Vec<Hash>, HashTextError> {
    hashes_from_base64(proof, 128)
}

/// Decodes a proof for `leaves` leaves at once ([`crate::multiproof`]); refuses more elements than such a
/// proof can have in a log of 2^64 leaves (64 per leaf).
pub fn leaves_proof_from_base64<S: AsRef<str>>(
    proof: &[S],
    leaves: usize,
) -> Result<Vec<Hash>, HashTextError> {
    hashes_from_base64(proof, leaves.saturating_mul(64))
}

/// Decodes at most `max` hashes; more is refused before any is decoded.
fn hashes_from_base64<S: AsRef<str>>(proof: &[S], max: usize) -> Result<Vec<Hash>, HashTextError> {
    if proof.len() > max {
        return Err(HashTextError(format!("{} proof elements", proof.len())));
    }
    proof.iter().map(|s| hash_from_base64(s.as_ref())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_bad_text() {
        let p = vec![[1u8; 32], [2u8; 32]];
        assert_eq!(proof_from_base64(&proof_to_base64(&p)).unwrap(), p);
        let good = hash_to_base64(&[3u8; 32]);
        assert!(hash_from_base64(good.trim_end_matches('=')).is_err());
        assert!(hash_from_base64(&B64.encode([3u8; 31])).is_err());
        assert!(hash_from_base64("not base64!").is_err());
        assert!(proof_from_base64(&vec![good; 129]).is_err());
    }
}
