//! Salted hash commitments: what a leaf says about a record without revealing it.
//!
//! `commitment = SHA-256(salt || record_bytes)` with a fresh 32-byte random salt per record.
//! The salt is fixed-length, so the split between salt and record is unambiguous. Without
//! the salt nobody can test guesses ("did flat 3-402 vote yes?") against the public log; the
//! hub keeps the salt beside the record and hands it (with the canonical record bytes) to the
//! resident who owns the record and to the auditor role, who can then open the commitment.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::merkle::Hash;

/// A per-record random salt. Serialised as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Salt(pub [u8; 32]);

impl Salt {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Self, hex::FromHexError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out)?;
        Ok(Salt(out))
    }
}

impl fmt::Debug for Salt {
    // A salt opens a commitment: keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Salt(..)")
    }
}

impl From<Salt> for String {
    fn from(s: Salt) -> String {
        s.to_hex()
    }
}

impl TryFrom<String> for Salt {
    type Error = hex::FromHexError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Salt::from_hex(&s)
    }
}

/// A fresh salt from the operating system's random source.
pub fn new_salt() -> Result<Salt, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(Salt(bytes))
}

/// The commitment to `record_bytes` (the record's canonical encoding) under `salt`.
pub fn commit(record_bytes: &[u8], salt: &Salt) -> Hash {
    let mut h = Sha256::new();
    h.update(salt.0);
    h.update(record_bytes);
    h.finalize().into()
}

/// Opens a commitment: true when `record_bytes` and `salt` are what `commitment` was made from.
pub fn verify_opening(commitment: &Hash, record_bytes: &[u8], salt: &Salt) -> bool {
    &commit(record_bytes, salt) == commitment
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_the_same_record_and_salt() {
        let salt = new_salt().unwrap();
        let c = commit(b"{\"choice\":\"yes\"}", &salt);
        assert!(verify_opening(&c, b"{\"choice\":\"yes\"}", &salt));
        assert!(!verify_opening(&c, b"{\"choice\":\"no\"}", &salt));
        let other = new_salt().unwrap();
        assert_ne!(salt, other);
        assert!(!verify_opening(&c, b"{\"choice\":\"yes\"}", &other));
    }

    #[test]
    fn commitment_is_sha256_of_salt_then_record() {
        // Fixed vector so other implementations (the auditor, the app) can check theirs:
        // SHA-256 of 32 zero bytes followed by "abc".
        let c = commit(b"abc", &Salt([0u8; 32]));
        let mut input = vec![0u8; 32];
        input.extend_from_slice(b"abc");
        let want: Hash = Sha256::digest(&input).into();
        assert_eq!(c, want);
    }

    #[test]
    fn salt_hex_round_trips_and_debug_hides_it() {
        let s = Salt([0xab; 32]);
        assert_eq!(Salt::from_hex(&s.to_hex()).unwrap(), s);
        assert!(Salt::from_hex("abcd").is_err());
        assert_eq!(format!("{s:?}"), "Salt(..)");
    }
}
