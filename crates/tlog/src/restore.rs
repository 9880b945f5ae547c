//! Announcing a restore from a backup. A restored hub's log is shorter than the one it served before the
//! backup was taken (and whatever is re-sent afterwards gets fresh leaves), which to a device that pinned a
//! later checkpoint looks exactly like a rollback. The hub therefore signs, with its log key, a statement
//! naming the new incarnation of its database and the checkpoint it was restored to:
//!
//! ```text
//! linli-log-restore/v1
//! incarnation <id>
//! at <RFC 3339 time>
//! <origin>
//! <size>
//! <base64 root>
//! ```
//!
//! A device (or an auditor) that meets a shorter or diverging log accepts it only through such a
//! statement signed by the key it pinned (or one it followed by rotation statements), resumes from the
//! checkpoint the statement names, and tells its resident which part of what it had seen is gone (the
//! gap from the statement's size to the size it had pinned). A hub cannot use a statement to hide a
//! rewrite silently: it must sign it, it is kept and served for everyone, and every device shows it.
use thiserror::Error;

use crate::checkpoint::Checkpoint;
use crate::note::{NoteError, NoteSigner, NoteVerifier};

const HEADER: &str = "linli-log-restore/v1";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RestoreError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("the restore statement is malformed")]
    Malformed,
}

/// What a verified restore statement says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreStatement {
    /// The restored database's incarnation id (a new one at every restore).
    pub incarnation: String,
    /// When the restore was made (RFC 3339, as the hub wrote it).
    pub at: String,
    /// The log as restored: its origin, size and root.
    pub checkpoint: Checkpoint,
}

/// The statement, signed by `signer`, that the log was restored to `checkpoint` at `at` (RFC 3339) in the
/// database incarnation `incarnation`.
pub fn restore_statement(
    signer: &NoteSigner,
    incarnation: &str,
    at: &str,
    checkpoint: &Checkpoint,
) -> Result<String, RestoreError> {
    let plain = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    if !plain(incarnation) || !plain(at) {
        return Err(RestoreError::Malformed);
    }
    let text = format!(
        "{HEADER}\nincarnation {incarnation}\nat {at}\n{}",
        checkpoint.to_text()
    );
    Ok(signer.sign(&text)?)
}

/// Opens a statement signed by `key`; `None` for anything else (another key, another kind of note,
/// a malformed body).
pub fn open_restore(key: &NoteVerifier, statement: &str) -> Option<RestoreStatement> {
    let text = key.open(statement).ok()?;
    let rest = text.strip_prefix(HEADER)?.strip_prefix('\n')?;
    let (incarnation, rest) = rest.strip_prefix("incarnation ")?.split_once('\n')?;
    let (at, rest) = rest.strip_prefix("at ")?.split_once('\n')?;
    let checkpoint = Checkpoint::parse(rest).ok()?;
    Some(RestoreStatement {
        incarnation: incarnation.to_owned(),
        at: at.to_owned(),
        checkpoint,
    })
}

/// The statement about `incarnation` among `statements` signed by one of `keys` (a device's pinned key
/// and the keys it followed from it).
pub fn find_restore(
    keys: &[NoteVerifier],
    statements: &[String],
    incarnation: &str,
) -> Option<RestoreStatement> {
    statements
        .iter()
        .flat_map(|s| keys.iter().filter_map(move |k| open_restore(k, s)))
        .find(|r| r.incarnation == incarnation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint(size: u64) -> Checkpoint {
        Checkpoint::new("linli-hub/abc", size, [7u8; 32])
    }

    #[test]
    fn a_statement_opens_with_its_key_only_and_says_what_was_signed() {
        let key = NoteSigner::generate("linli-hub/abc").unwrap();
        let other = NoteSigner::generate("linli-hub/abc").unwrap();
        let s =
            restore_statement(&key, "a1b2", "2026-12-07T10:00:00+00:00", &checkpoint(42)).unwrap();
        let opened = open_restore(&key.verifier(), &s).expect("opens");
        assert_eq!(opened.incarnation, "a1b2");
        assert_eq!(opened.at, "2026-12-07T10:00:00+00:00");
        assert_eq!(opened.checkpoint, checkpoint(42));
        assert_eq!(open_restore(&other.verifier(), &s), None);
        let keys = [other.verifier(), key.verifier()];
        assert_eq!(
            find_restore(&keys, std::slice::from_ref(&s), "a1b2"),
            Some(opened)
        );
        assert_eq!(find_restore(&keys, &[s], "ffff"), None);
    }

    #[test]
    fn other_notes_and_bad_fields_are_not_statements() {
        let key = NoteSigner::generate("linli-hub/abc").unwrap();
        // A checkpoint is signed by the same key but is no restore statement.
        let note = checkpoint(3).sign(&key).unwrap();
        assert_eq!(open_restore(&key.verifier(), &note), None);
        assert_eq!(
            restore_statement(&key, "a b", "now", &checkpoint(1)),
            Err(RestoreError::Malformed)
        );
        assert_eq!(
            restore_statement(&key, "ab", "", &checkpoint(1)),
            Err(RestoreError::Malformed)
        );
    }
}
