//! Signed notes in the C2SP `signed-note` format (<https://c2sp.org/signed-note>), Ed25519 only.
//!
//! A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
//! `— <key name> <base64(key id (4 bytes, big-endian) || Ed25519 signature (64 bytes))>`.
//! The key id is the first 4 bytes of `SHA-256(key name || 0x0A || 0x01 || public key)`.
//! Keys travel as text: the verifier key `<name>+<hex key id>+<base64(0x01 || public key)>`
//! and the signer key `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>` (the forms of
//! Go's `golang.org/x/mod/sumdb/note`, so `note`-aware tools read them).
//!
//! Parsing is strict: a note must be exactly text, blank line, signature lines, each ending
//! in a newline, with canonical base64; a signature under our key name with another key id,
//! an invalid signature, or two signatures by the same key are refused. Signatures under other
//! key names (for example witness cosignatures added later) are ignored but must be well formed.

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Algorithm byte of Ed25519 keys in signed-note key encodings.
const ALG_ED25519: u8 = 0x01;

/// The separator between a signature line's dash and the key name.
const SIG_PREFIX: &str = "— ";

/// Most signature lines a note may carry (the limit Go's implementation uses).
const MAX_SIGNATURES: usize = 100;

/// Why a key or a note was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum NoteError {
    #[error("invalid key name (empty, whitespace or '+')")]
    KeyName,
    #[error("malformed key: {0}")]
    MalformedKey(&'static str),
    #[error("key id in the key text does not match the key")]
    KeyIdMismatch,
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    #[error("signature by {name} has key id {found:08x}, the pinned key has {expected:08x}")]
    WrongKeyId {
        name: String,
        expected: u32,
        found: u32,
    },
    #[error("signature by {0} does not verify")]
    BadSignature(String),
    #[error("two signatures by {0}")]
    DuplicateSignature(String),
    #[error("no signature by {0}")]
    NotSignedByKey(String),
    #[error("no randomness available for key generation")]
    Random,
}

/// Key id of an Ed25519 key under `name`: the first 4 bytes of
/// `SHA-256(name || "\n" || 0x01 || public key)`, big-endian.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A key name is non-empty and has no whitespace and no '+'.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// Note text: non-empty, ends with a newline, no blank line, no control character but newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(NoteError::Malformed("text must end with a newline"));
    }
    if text.starts_with('\n') || text.contains("\n\n") {
        return Err(NoteError::Malformed("blank line in text"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("control character in text"));
    }
    Ok(())
}

/// Decodes standard, padded, canonical base64 (re-encoding must give the same text).
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let bytes = B64.decode(s).ok()?;
    (B64.encode(&bytes) == s).then_some(bytes)
}

/// Parses 8 lowercase hex digits.
fn parse_key_id(s: &str) -> Option<u32> {
    if s.len() != 8
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Parses `<name>+<hex id>+<base64(0x01 || 32 bytes)>`; returns name, id and the 32 bytes.
fn parse_key_text(s: &str) -> Result<(String, u32, [u8; 32]), NoteError> {
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::MalformedKey("expected name+id+key"));
    };
    if !is_valid_key_name(name) {
        return Err(NoteError::KeyName);
    }
    let id = parse_key_id(id).ok_or(NoteError::MalformedKey(
        "key id is not 8 lowercase hex digits",
    ))?;
    let raw = decode_b64(b64).ok_or(NoteError::MalformedKey("key is not canonical base64"))?;
    if raw.len() != 33 {
        return Err(NoteError::MalformedKey("key is not 33 bytes"));
    }
    if raw[0] != ALG_ED25519 {
        return Err(NoteError::MalformedKey("not an Ed25519 key"));
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&raw[1..]);
    Ok((name.to_owned(), id, key))
}

fn encode_key_text(name: &str, id: u32, key: &[u8; 32]) -> String {
    let mut raw = Vec::with_capacity(33);
    raw.push(ALG_ED25519);
    raw.extend_from_slice(key);
    format!("{name}+{id:08x}+{}", B64.encode(raw))
}

/// The public half: checks notes signed by one named key. Devices pin one of these.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl fmt::Debug for NoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteVerifier({})", self.to_vkey())
    }
}

impl NoteVerifier {
    /// Parses a verifier key `<name>+<hex key id>+<base64(0x01 || public key)>`.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        let (name, id, bytes) = parse_key_text(vkey)?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| NoteError::MalformedKey("not a valid Ed25519 point"))?;
        if key.is_weak() {
            return Err(NoteError::MalformedKey("weak Ed25519 key"));
        }
        if key_id(&name, &bytes) != id {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(NoteVerifier { name, id, key })
    }

    /// The verifier key text, shown to residents at join and pinned by devices.
    pub fn to_vkey(&self) -> String {
        encode_key_text(&self.name, self.id, self.key.as_bytes())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// Verifies `note` and returns its text (everything up to and including the newline
    /// before the blank line). Succeeds only if the note carries exactly one valid signature
    /// by this key; see the module comment for what else is refused.
    pub fn open<'a>(&self, note: &'a str) -> Result<&'a str, NoteError> {
        let split = note
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no blank line before signatures"))?;
        let text = &note[..split + 1];
        let sigs = &note[split + 2..];
        check_text(text)?;
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::Malformed(
                "signature block must end with a newline",
            ));
        }
        let lines: Vec<&str> = sigs[..sigs.len() - 1].split('\n').collect();
        if lines.len() > MAX_SIGNATURES {
            return Err(NoteError::Malformed("too many signatures"));
        }
        let mut seen: Vec<(&str, u32)> = Vec::new();
        let mut verified = false;
        for line in lines {
            let rest = line
                .strip_prefix(SIG_PREFIX)
                .ok_or(NoteError::Malformed("signature line must start with '— '"))?;
            let (name, b64) = rest.split_once(' ').ok_or(NoteError::Malformed(
                "signature line must be '— name base64'",
            ))?;
            if !is_valid_key_name(name) {
                return Err(NoteError::Malformed("invalid key name in signature line"));
            }
            let raw =
                decode_b64(b64).ok_or(NoteError::Malformed("signature is not canonical base64"))?;
            if raw.len() < 5 {
                return Err(NoteError::Malformed("signature too short"));
            }
            let id = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
            if seen.contains(&(name, id)) {
                return Err(NoteError::DuplicateSignature(name.to_owned()));
            }
            seen.push((name, id));
            if name != self.name {
                // Another signer (a witness, a second hub key): not ours to judge.
                continue;
            }
            if id != self.id {
                return Err(NoteError::WrongKeyId {
                    name: name.to_owned(),
                    expected: self.id,
                    found: id,
                });
            }
            let sig = Signature::from_slice(&raw[4..])
                .map_err(|_| NoteError::BadSignature(name.to_owned()))?;
            self.key
                .verify_strict(text.as_bytes(), &sig)
                .map_err(|_| NoteError::BadSignature(name.to_owned()))?;
            verified = true;
        }
        if verified {
            Ok(text)
        } else {
            Err(NoteError::NotSignedByKey(self.name.clone()))
        }
    }
}

/// The private half: the hub's checkpoint signing key. `Debug` never prints the key.
pub struct NoteSigner {
    name: String,
    id: u32,
    key: SigningKey,
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteSigner({}+{:08x}, key hidden)", self.name, self.id)
    }
}

impl NoteSigner {
    /// A new key from the operating system's random source.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| NoteError::Random)?;
        Self::from_seed(name, seed)
    }

    /// The key with this 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::KeyName);
        }
        let key = SigningKey::from_bytes(&seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(NoteSigner {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`.
    pub fn from_skey(skey: &str) -> Result<Self, NoteError> {
        let rest = skey
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(NoteError::MalformedKey(
                "signer key must start with PRIVATE+KEY+",
            ))?;
        let (name, id, seed) = parse_key_text(rest)?;
        let signer = Self::from_seed(&name, seed)?;
        if signer.id != id {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(signer)
    }

    /// The signer key text. A secret: store it like a password, never log it.
    pub fn to_skey(&self) -> String {
        format!(
            "PRIVATE+KEY+{}",
            encode_key_text(&self.name, self.id, self.key.as_bytes())
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Signs `text` and returns the whole note: text, blank line, one signature line.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let sig = self.key.sign(text.as_bytes());
        let mut raw = Vec::with_capacity(68);
        raw.extend_from_slice(&self.id.to_be_bytes());
        raw.extend_from_slice(&sig.to_bytes());
        Ok(format!(
            "{text}\n{SIG_PREFIX}{} {}\n",
            self.name,
            B64.encode(raw)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // From the documentation and tests of Go's golang.org/x/mod/sumdb/note (the reference
    // implementation of signed-note): key pair, text and the note it signs to.
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                           then you don't know what your problem is.\n";
    const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
                           then you don't know what your problem is.\n\
                           \n\
                           — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn reproduces_the_go_reference_note() {
        let signer = NoteSigner::from_skey(GO_SKEY).unwrap();
        assert_eq!(signer.to_skey(), GO_SKEY);
        assert_eq!(signer.verifier().to_vkey(), GO_VKEY);
        assert_eq!(signer.sign(GO_TEXT).unwrap(), GO_NOTE);
        let v = NoteVerifier::from_vkey(GO_VKEY).unwrap();
        assert_eq!(v.key_id(), 0xc74f20a3);
        assert_eq!(v.open(GO_NOTE).unwrap(), GO_TEXT);
    }

    #[test]
    fn refuses_mangled_keys() {
        assert!(NoteVerifier::from_vkey(GO_VKEY).is_ok());
        // Every proper substring and every single-byte change must fail.
        let b = GO_VKEY.as_bytes();
        for i in 0..b.len() {
            for j in i + 1..=b.len() {
                if i == 0 && j == b.len() {
                    continue;
                }
                let s = &GO_VKEY[i..j];
                assert!(NoteVerifier::from_vkey(s).is_err(), "accepted {s:?}");
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] = m[i].wrapping_add(1);
            if let Ok(s) = std::str::from_utf8(&m) {
                assert!(NoteVerifier::from_vkey(s).is_err(), "accepted {s:?}");
            }
        }
        assert_eq!(
            NoteVerifier::from_vkey(
                "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
            ),
            Err(NoteError::KeyIdMismatch)
        );
        assert!(NoteSigner::from_skey(&GO_SKEY.replace("c74f20a3", "c74f20a4")).is_err());
        assert_eq!(
            NoteSigner::from_seed("bad name", [1; 32]).err(),
            Some(NoteError::KeyName)
        );
    }

    #[test]
    fn refuses_mangled_notes() {
        let v = NoteVerifier::from_vkey(GO_VKEY).unwrap();
        let sig_line = GO_NOTE.rsplit_once("\n\n").unwrap().1;
        let cases: Vec<(String, &str)> = vec![
            (
                GO_NOTE.replace("cryptography", "cryptographY"),
                "changed text",
            ),
            (format!("{GO_NOTE}garbage"), "trailing garbage"),
            (format!("{GO_NOTE}\n"), "trailing newline"),
            (
                GO_NOTE.trim_end_matches('\n').to_owned(),
                "no final newline",
            ),
            (GO_NOTE.replacen("— ", "-- ", 1), "ascii dash"),
            (GO_NOTE.replace("AM=\n", "AM\n"), "unpadded base64"),
            (GO_NOTE.replace("AM=\n", "AN=\n"), "non-canonical base64"),
            (format!("{GO_NOTE}{sig_line}"), "duplicate signature"),
            (GO_TEXT.to_owned(), "no signatures"),
            (
                GO_NOTE.replace("PeterNeumann x08", "PeterNeumann  x08"),
                "double space",
            ),
            (GO_NOTE.replace("x08go", "x08gp"), "wrong key id"),
            (GO_NOTE.replace("AM=", "AA="), "bad signature"),
        ];
        for (note, what) in cases {
            assert!(v.open(&note).is_err(), "accepted note with {what}");
        }
        assert!(matches!(
            v.open(&GO_NOTE.replace("x08go", "x08gp")),
            Err(NoteError::WrongKeyId { .. })
        ));
        assert!(matches!(
            v.open(&GO_NOTE.replace("— PeterNeumann", "— PaulNeumann")),
            Err(NoteError::NotSignedByKey(_))
        ));
    }

    #[test]
    fn ignores_well_formed_signatures_by_other_keys() {
        let hub = NoteSigner::from_skey(GO_SKEY).unwrap();
        let witness = NoteSigner::from_seed("witness.example/w1", [9; 32]).unwrap();
        let note = hub.sign(GO_TEXT).unwrap();
        let cosig = witness.sign(GO_TEXT).unwrap();
        let both = format!("{note}{}", cosig.rsplit_once("\n\n").unwrap().1);
        assert_eq!(hub.verifier().open(&both).unwrap(), GO_TEXT);
        assert_eq!(witness.verifier().open(&both).unwrap(), GO_TEXT);
    }

    #[test]
    fn generated_keys_round_trip_and_sign() {
        let s = NoteSigner::generate("hub.linli.example/estate-7").unwrap();
        let again = NoteSigner::from_skey(&s.to_skey()).unwrap();
        assert_eq!(again.verifier(), s.verifier());
        let v = NoteVerifier::from_vkey(&s.verifier().to_vkey()).unwrap();
        let note = s.sign("hello\n").unwrap();
        assert_eq!(v.open(&note).unwrap(), "hello\n");
        assert!(!format!("{s:?}").contains(&s.to_skey()));
        assert!(s.sign("no newline").is_err());
        assert!(s.sign("blank\n\nline\n").is_err());
        assert!(s.sign("tab\there\n").is_err());
    }
}
