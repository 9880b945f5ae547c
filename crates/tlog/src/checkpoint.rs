//! Checkpoints in the C2SP `tlog-checkpoint` format (<https://c2sp.org/tlog-checkpoint>):
//! the signed statement "the log named <origin> has <size> leaves and this root".
//!
//! Body (the note text that is signed):
//! ```text
//! <origin>\n
//! <tree size, ASCII decimal, no leading zeros>\n
//! <base64 of the 32-byte root hash>\n
//! [<extension line>\n]*
//! ```
//! then the blank line and signature lines of [`crate::note`].

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use thiserror::Error;

use crate::merkle::Hash;
use crate::note::{NoteError, NoteSigner, NoteVerifier};

/// A log's tree head: origin, size and root, plus optional extension lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name, conventionally a schema-less URL such as `hub.example.org/linli`.
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Extra lines after the root; each non-empty.
    pub extensions: Vec<String>,
}

/// Why a checkpoint was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CheckpointError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
}

impl Checkpoint {
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Checkpoint {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text of this checkpoint.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        );
        for line in &self.extensions {
            s.push_str(line);
            s.push('\n');
        }
        s
    }

    /// The checkpoint a signed note claims, signatures not checked: for deciding what to ask or
    /// send next (its size), never for trusting it (that is [`Checkpoint::open`]).
    pub fn from_note_unverified(note: &str) -> Option<Self> {
        let (text, _) = crate::witness_policy::split_note(note)?;
        Self::parse(text).ok()
    }

    /// Parses checkpoint text strictly: decimal size without sign or leading zeros, canonical
    /// padded base64 of exactly 32 bytes, no empty lines, final newline.
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::Malformed("text must end with a newline"))?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Malformed(
                "need origin, size and root lines",
            ));
        };
        if origin.is_empty() {
            return Err(CheckpointError::Malformed("empty origin"));
        }
        if origin.chars().any(char::is_control) {
            return Err(CheckpointError::Malformed("control character in origin"));
        }
        let size = parse_size(size).ok_or(CheckpointError::Malformed(
            "size is not a canonical decimal number",
        ))?;
        let root_bytes = B64
            .decode(root)
            .ok()
            .filter(|b| B64.encode(b) == root)
            .ok_or(CheckpointError::Malformed("root is not canonical base64"))?;
        let root: Hash = root_bytes
            .try_into()
            .map_err(|_| CheckpointError::Malformed("root is not 32 bytes"))?;
        let mut extensions = Vec::new();
        for line in lines {
            if line.is_empty() {
                return Err(CheckpointError::Malformed("empty extension line"));
            }
            if line.chars().any(char::is_control) {
                return Err(CheckpointError::Malformed("control character in extension"));
            }
            extensions.push(line.to_owned());
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint; returns the complete signed note.
    pub fn sign(&self, signer: &NoteSigner) -> Result<String, CheckpointError> {
        // Round-trip through the parser so we never sign something we would refuse.
        let text = self.to_text();
        if Checkpoint::parse(&text)? != *self {
            return Err(CheckpointError::Malformed("checkpoint does not round-trip"));
        }
        Ok(signer.sign(&text)?)
    }

    /// Verifies a signed checkpoint note against `verifier` and parses it.
    pub fn open(note: &str, verifier: &NoteVerifier) -> Result<Self, CheckpointError> {
        let text = verifier.open(note)?;
        Checkpoint::parse(text)
    }
}

/// ASCII decimal, no sign, no leading zeros (except "0" itself), fits in u64.
fn parse_size(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> NoteSigner {
        NoteSigner::from_seed("hub.linli.example/estate-7", [3; 32]).unwrap()
    }

    #[test]
    fn text_form_matches_the_spec_example_shape() {
        let mut c = Checkpoint::new("example.com/log", 2, [0xab; 32]);
        c.extensions.push("ext one".into());
        let t = c.to_text();
        assert_eq!(
            t,
            format!("example.com/log\n2\n{}\next one\n", B64.encode([0xab; 32]))
        );
        assert_eq!(Checkpoint::parse(&t).unwrap(), c);
    }

    #[test]
    fn parses_strictly() {
        let root = B64.encode([1u8; 32]);
        let ok = format!("o\n10\n{root}\n");
        assert!(Checkpoint::parse(&ok).is_ok());
        for bad in [
            format!("o\n010\n{root}\n"),
            format!("o\n+10\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n 10\n{root}\n"),
            format!("o\n1e3\n{root}\n"),
            format!("o\n18446744073709551616\n{root}\n"),
            format!("o\n10\n{}\n", root.trim_end_matches('=')),
            format!("o\n10\n{}\n", B64.encode([1u8; 31])),
            format!("o\n10\n{root}"),
            format!("o\n10\n{root}\n\n"),
            format!("\n10\n{root}\n"),
            "o\n10\n".to_string(),
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "accepted {bad:?}");
        }
        assert_eq!(
            Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n"))
                .unwrap()
                .size,
            u64::MAX
        );
    }

    #[test]
    fn signs_and_opens() {
        let s = signer();
        let c = Checkpoint::new(s.name(), 42, [5; 32]);
        let note = c.sign(&s).unwrap();
        assert_eq!(Checkpoint::open(&note, &s.verifier()).unwrap(), c);
        let other = NoteSigner::from_seed(s.name(), [4; 32]).unwrap();
        assert!(matches!(
            Checkpoint::open(&note, &other.verifier()),
            Err(CheckpointError::Note(NoteError::WrongKeyId { .. }))
        ));
        let tampered = note.replacen("\n42\n", "\n43\n", 1);
        assert!(matches!(
            Checkpoint::open(&tampered, &s.verifier()),
            Err(CheckpointError::Note(NoteError::BadSignature(_)))
        ));
    }

    #[test]
    fn refuses_to_sign_what_it_would_not_parse() {
        let mut c = Checkpoint::new("o", 1, [0; 32]);
        c.extensions.push(String::new());
        assert!(c.sign(&signer()).is_err());
        let c = Checkpoint::new("two\nlines", 1, [0; 32]);
        assert!(c.sign(&signer()).is_err());
    }
}
