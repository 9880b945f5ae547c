//! Witness cosignatures in the C2SP `tlog-cosignature` format, Ed25519 type
//! (<https://c2sp.org/tlog-cosignature>): a note signature line by a witness stating that, at a
//! given time, the checkpoint is the largest consistent tree head it has seen for that log.
//!
//! Line: `— <witness name> base64(key id (4 bytes) || timestamp (u64, big-endian) || Ed25519
//! signature (64 bytes))`. The key id is `SHA-256(name || "\n" || 0x04 || public key)[:4]`; the
//! signed message is `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint's note text.
//! Witness verifier keys are vkeys with type byte 0x04: `<name>+<hex id>+base64(0x04 || key)`.
//!
//! Signing and checking live here so the witness, the hub and devices share one rule.

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::note::is_valid_key_name;

/// Signature type byte of timestamped Ed25519 cosignatures (signed-note's registry).
const ALG_COSIGNATURE_V1: u8 = 0x04;

/// Largest timestamp the format allows (2^63 - 1).
const MAX_TIMESTAMP: u64 = i64::MAX as u64;

/// Why a witness key or a cosignature was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CosignatureError {
    #[error("invalid witness name (empty, whitespace or '+')")]
    KeyName,
    #[error("malformed witness key: {0}")]
    MalformedKey(&'static str),
    #[error("key id in the witness key text does not match the key")]
    KeyIdMismatch,
    #[error("malformed cosignature: {0}")]
    Malformed(&'static str),
    #[error("cosignature is by another key")]
    OtherKey,
    #[error("cosignature does not verify")]
    BadSignature,
    #[error("checkpoint text is malformed")]
    BadText,
    #[error("no randomness available for key generation")]
    Random,
}

/// Key id of a cosignature/v1 key: `SHA-256(name || "\n" || 0x04 || public key)[:4]`.
pub fn cosigner_key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_COSIGNATURE_V1]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// The message a cosignature signs: header, time line, checkpoint note text.
fn signed_message(timestamp: u64, checkpoint_text: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{checkpoint_text}").into_bytes()
}

/// Checkpoint note text as signed: non-empty, newline-terminated, no blank line.
fn check_text(text: &str) -> Result<(), CosignatureError> {
    if text.is_empty() || !text.ends_with('\n') || text.starts_with('\n') || text.contains("\n\n") {
        return Err(CosignatureError::BadText);
    }
    Ok(())
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let bytes = B64.decode(s).ok()?;
    (B64.encode(&bytes) == s).then_some(bytes)
}

/// A witness's public key: checks its cosignatures. The hub and devices pin these.
#[derive(Clone, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl fmt::Debug for CosignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosignatureVerifier({})", self.to_vkey())
    }
}

/// A cosignature that verified: who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    pub name: String,
    pub timestamp: u64,
}

impl CosignatureVerifier {
    /// Parses `<name>+<hex id>+base64(0x04 || 32-byte Ed25519 key)`.
    pub fn from_vkey(vkey: &str) -> Result<Self, CosignatureError> {
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CosignatureError::MalformedKey("expected name+id+key"));
        };
        if !is_valid_key_name(name) {
            return Err(CosignatureError::KeyName);
        }
        if id.len() != 8 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(CosignatureError::MalformedKey(
                "key id is not 8 lowercase hex digits",
            ));
        }
        let id = u32::from_str_radix(id, 16)
            .map_err(|_| CosignatureError::MalformedKey("key id is not hex"))?;
        let raw = decode_b64(b64).ok_or(CosignatureError::MalformedKey(
            "key is not canonical base64",
        ))?;
        if raw.len() != 33 || raw[0] != ALG_COSIGNATURE_V1 {
            return Err(CosignatureError::MalformedKey(
                "not a cosignature/v1 (0x04) Ed25519 key",
            ));
        }
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&raw[1..]);
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| CosignatureError::MalformedKey("not a valid Ed25519 point"))?;
        if key.is_weak() {
            return Err(CosignatureError::MalformedKey("weak Ed25519 key"));
        }
        if cosigner_key_id(name, &bytes) != id {
            return Err(CosignatureError::KeyIdMismatch);
        }
        Ok(CosignatureVerifier {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// The vkey text the witness gives the office and residents.
    pub fn to_vkey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_COSIGNATURE_V1);
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, B64.encode(raw))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// Checks one signature line (with or without its final newline) over `checkpoint_text`
    /// (the checkpoint's note text, without signatures). [`CosignatureError::OtherKey`] means
    /// the line is by someone else and is to be ignored, not a failure of this witness.
    pub fn verify_line(
        &self,
        checkpoint_text: &str,
        line: &str,
    ) -> Result<Cosignature, CosignatureError> {
        check_text(checkpoint_text)?;
        let line = line.strip_suffix('\n').unwrap_or(line);
        let rest = line.strip_prefix("— ").ok_or(CosignatureError::Malformed(
            "signature line must start with '— '",
        ))?;
        let (name, b64) = rest.split_once(' ').ok_or(CosignatureError::Malformed(
            "signature line must be '— name base64'",
        ))?;
        let raw = decode_b64(b64).ok_or(CosignatureError::Malformed(
            "signature is not canonical base64",
        ))?;
        if raw.len() < 4 {
            return Err(CosignatureError::Malformed("signature too short"));
        }
        let id = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
        if name != self.name || id != self.id {
            return Err(CosignatureError::OtherKey);
        }
        if raw.len() != 4 + 8 + 64 {
            return Err(CosignatureError::Malformed(
                "cosignature is not 76 bytes (id, time, signature)",
            ));
        }
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&raw[4..12]);
        let timestamp = u64::from_be_bytes(ts);
        if timestamp == 0 || timestamp > MAX_TIMESTAMP {
            return Err(CosignatureError::Malformed("timestamp out of range"));
        }
        let sig = Signature::from_slice(&raw[12..]).map_err(|_| CosignatureError::BadSignature)?;
        self.key
            .verify_strict(&signed_message(timestamp, checkpoint_text), &sig)
            .map_err(|_| CosignatureError::BadSignature)?;
        Ok(Cosignature {
            name: self.name.clone(),
            timestamp,
        })
    }

    /// Finds and checks this witness's cosignature among a note's signature lines (a witness's
    /// `add-checkpoint` answer, or a cosigned checkpoint's signature block). Lines by other keys
    /// are skipped; a line by this key that fails is an error.
    pub fn verify_lines(
        &self,
        checkpoint_text: &str,
        lines: &str,
    ) -> Result<Cosignature, CosignatureError> {
        let mut found = None;
        for line in lines.lines() {
            match self.verify_line(checkpoint_text, line) {
                Ok(c) => found = Some(c),
                Err(CosignatureError::OtherKey) | Err(CosignatureError::Malformed(_))
                    if !line.starts_with(&format!("— {} ", self.name)) => {}
                Err(e) => return Err(e),
            }
        }
        found.ok_or(CosignatureError::OtherKey)
    }
}

/// A witness's private key. `Debug` never prints the key.
pub struct CosignatureSigner {
    name: String,
    id: u32,
    key: SigningKey,
}

impl fmt::Debug for CosignatureSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CosignatureSigner({}+{:08x}, key hidden)",
            self.name, self.id
        )
    }
}

impl CosignatureSigner {
    /// A new key from the operating system's random source.
    pub fn generate(name: &str) -> Result<Self, CosignatureError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| CosignatureError::Random)?;
        Self::from_seed(name, seed)
    }

    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, CosignatureError> {
        if !is_valid_key_name(name) {
            return Err(CosignatureError::KeyName);
        }
        let key = SigningKey::from_bytes(&seed);
        let id = cosigner_key_id(name, key.verifying_key().as_bytes());
        Ok(CosignatureSigner {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// The 32-byte seed, for the witness's key file. A secret: never log it.
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// The signature line (ending in a newline) cosigning `checkpoint_text` at `timestamp`
    /// (POSIX seconds, not zero).
    pub fn sign(&self, checkpoint_text: &str, timestamp: u64) -> Result<String, CosignatureError> {
        check_text(checkpoint_text)?;
        if timestamp == 0 || timestamp > MAX_TIMESTAMP {
            return Err(CosignatureError::Malformed("timestamp out of range"));
        }
        let sig = self.key.sign(&signed_message(timestamp, checkpoint_text));
        let mut raw = Vec::with_capacity(76);
        raw.extend_from_slice(&self.id.to_be_bytes());
        raw.extend_from_slice(&timestamp.to_be_bytes());
        raw.extend_from_slice(&sig.to_bytes());
        Ok(format!("— {} {}\n", self.name, B64.encode(raw)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    fn signer() -> CosignatureSigner {
        CosignatureSigner::from_seed("witness.example/w1", [7; 32]).unwrap()
    }

    /// Re-encodes a line's id, time and signature after `f` changed them.
    fn mangle(line: &str, f: impl Fn(&mut Vec<u8>)) -> String {
        let (head, b64) = line.trim_end().rsplit_once(' ').unwrap();
        let mut raw = B64.decode(b64).unwrap();
        f(&mut raw);
        format!("{head} {}\n", B64.encode(raw))
    }

    #[test]
    fn signs_the_spec_message_and_verifies() {
        let s = signer();
        let line = s.sign(TEXT, 1679315147).unwrap();
        let v = CosignatureVerifier::from_vkey(&s.verifier().to_vkey()).unwrap();
        assert_eq!(v, s.verifier());
        assert_eq!(
            v.verify_line(TEXT, &line).unwrap(),
            Cosignature {
                name: "witness.example/w1".into(),
                timestamp: 1679315147
            }
        );
        // The signature is over exactly the message the spec shows.
        let raw = B64
            .decode(line.trim_end().rsplit_once(' ').unwrap().1)
            .unwrap();
        let sig = Signature::from_slice(&raw[12..]).unwrap();
        let msg = format!("cosignature/v1\ntime 1679315147\n{TEXT}");
        assert!(s
            .key
            .verifying_key()
            .verify_strict(msg.as_bytes(), &sig)
            .is_ok());
        assert_eq!(&raw[..4], &s.verifier().key_id().to_be_bytes());
        assert!(s.verifier().to_vkey().starts_with("witness.example/w1+"));
    }

    #[test]
    fn refuses_a_wrong_key() {
        let line = signer().sign(TEXT, 1679315147).unwrap();
        let other = CosignatureSigner::from_seed("witness.example/w1", [8; 32]).unwrap();
        assert_eq!(
            other.verifier().verify_line(TEXT, &line),
            Err(CosignatureError::OtherKey)
        );
        // Same name and key id but another key: a forged id is a bad signature.
        let forged = mangle(&other.sign(TEXT, 5).unwrap(), |r| {
            r[..4].copy_from_slice(&signer().verifier().key_id().to_be_bytes())
        });
        assert_eq!(
            signer().verifier().verify_line(TEXT, &forged),
            Err(CosignatureError::BadSignature)
        );
        // A plain note (0x01) key is not a cosignature key.
        let note_key = crate::NoteSigner::from_seed("witness.example/w1", [7; 32])
            .unwrap()
            .verifier()
            .to_vkey();
        assert!(CosignatureVerifier::from_vkey(&note_key).is_err());
    }

    #[test]
    fn refuses_a_tampered_body_or_time() {
        let s = signer();
        let line = s.sign(TEXT, 1679315147).unwrap();
        let v = s.verifier();
        let tampered = TEXT.replace("20852163", "20852164");
        assert_eq!(
            v.verify_line(&tampered, &line),
            Err(CosignatureError::BadSignature)
        );
        let later = mangle(&line, |r| r[11] ^= 1);
        assert_eq!(
            v.verify_line(TEXT, &later),
            Err(CosignatureError::BadSignature)
        );
        let zero = mangle(&line, |r| r[4..12].fill(0));
        assert!(matches!(
            v.verify_line(TEXT, &zero),
            Err(CosignatureError::Malformed(_))
        ));
        let huge = mangle(&line, |r| r[4] = 0x80);
        assert!(matches!(
            v.verify_line(TEXT, &huge),
            Err(CosignatureError::Malformed(_))
        ));
        let short = mangle(&line, |r| r.truncate(70));
        assert!(matches!(
            v.verify_line(TEXT, &short),
            Err(CosignatureError::Malformed(_))
        ));
        assert!(s.sign(TEXT, 0).is_err());
        assert!(s.sign("no newline", 1).is_err());
    }

    #[test]
    fn finds_its_line_among_others() {
        let w1 = signer();
        let w2 = CosignatureSigner::from_seed("witness.example/w2", [9; 32]).unwrap();
        let lines = format!(
            "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n{}{}",
            w2.sign(TEXT, 10).unwrap(),
            w1.sign(TEXT, 11).unwrap()
        );
        assert_eq!(
            w1.verifier().verify_lines(TEXT, &lines).unwrap().timestamp,
            11
        );
        assert_eq!(
            w2.verifier().verify_lines(TEXT, &lines).unwrap().timestamp,
            10
        );
        let w3 = CosignatureSigner::from_seed("witness.example/w3", [1; 32]).unwrap();
        assert_eq!(
            w3.verifier().verify_lines(TEXT, &lines),
            Err(CosignatureError::OtherKey)
        );
        let bad = mangle(&w1.sign(TEXT, 11).unwrap(), |r| r[20] ^= 1);
        assert_eq!(
            w1.verifier().verify_lines(TEXT, &bad),
            Err(CosignatureError::BadSignature)
        );
    }
}
