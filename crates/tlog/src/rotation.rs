//! Rotating the log's signing key. The old key signs a statement naming the new one (a signed note:
//! `linli-log-key-rotation/v1`, `new <verifier key>`, `at <time>`); a device or an auditor that pinned
//! the old key follows a rotation only through such statements, each signed by the key before it.
//! The new key keeps the old key's name, so the log's origin line does not change.
//!
//! A hub that loses its key (or whose key is stolen and then "rotated" by the thief) cannot hide it:
//! the statement must be signed by the key devices pinned, and every later checkpoint still has to
//! extend the last one they verified.
use thiserror::Error;

use crate::note::{NoteError, NoteSigner, NoteVerifier};

const HEADER: &str = "linli-log-key-rotation/v1";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RotationError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("the new key must keep the old key's name {0:?}")]
    Renamed(String),
    #[error("the statement is malformed")]
    Malformed,
}

/// The statement, signed by `old`, that `new` replaces it from `at` (RFC 3339) on.
pub fn rotation_statement(
    old: &NoteSigner,
    new: &NoteVerifier,
    at: &str,
) -> Result<String, RotationError> {
    if new.name() != old.name() {
        return Err(RotationError::Renamed(old.name().to_owned()));
    }
    if at.contains('\n') {
        return Err(RotationError::Malformed);
    }
    Ok(old.sign(&format!("{HEADER}\nnew {}\nat {at}\n", new.to_vkey()))?)
}

/// The key a statement signed by `key` names, if it is one.
fn next_key(key: &NoteVerifier, statement: &str) -> Option<NoteVerifier> {
    let text = key.open(statement).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let new = NoteVerifier::from_vkey(lines.next()?.strip_prefix("new ")?).ok()?;
    (new.name() == key.name() && new.key_id() != key.key_id()).then_some(new)
}

/// Follows the statements from the `pinned` key to the newest key they lead to; `None` when no
/// statement is signed by the pinned key. Statements by other keys are ignored.
pub fn follow_rotations(pinned: &NoteVerifier, statements: &[String]) -> Option<NoteVerifier> {
    let mut chain = rotation_chain(pinned, statements);
    (chain.len() > 1).then(|| chain.pop()).flatten()
}

/// Every key from the `pinned` one through the statements, oldest first (just the pinned key when
/// no statement is signed by it): an auditor checks each checkpoint against the key of its time.
pub fn rotation_chain(pinned: &NoteVerifier, statements: &[String]) -> Vec<NoteVerifier> {
    let mut chain = vec![pinned.clone()];
    // Each step uses a statement signed by the key before it; no chain is longer than the list.
    for _ in 0..statements.len() {
        let Some(last) = chain.last() else { break };
        match statements.iter().find_map(|s| next_key(last, s)) {
            Some(next) if !chain.iter().any(|k| k.to_vkey() == next.to_vkey()) => chain.push(next),
            _ => break,
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_follows_a_chain_of_statements_and_nothing_else() {
        let k1 = NoteSigner::generate("linli-hub/abc").unwrap();
        let k2 = NoteSigner::generate("linli-hub/abc").unwrap();
        let k3 = NoteSigner::generate("linli-hub/abc").unwrap();
        let s12 = rotation_statement(&k1, &k2.verifier(), "2026-12-07T10:00:00Z").unwrap();
        let s23 = rotation_statement(&k2, &k3.verifier(), "2026-12-08T10:00:00Z").unwrap();
        let pinned = k1.verifier();
        assert_eq!(follow_rotations(&pinned, &[]), None);
        let chain = rotation_chain(&pinned, &[s23.clone(), s12.clone()]);
        assert_eq!(chain.len(), 3);
        assert_eq!(chain[1].to_vkey(), k2.verifier().to_vkey());
        assert_eq!(
            follow_rotations(&pinned, &[s23.clone(), s12.clone()]).map(|k| k.to_vkey()),
            Some(k3.verifier().to_vkey())
        );
        // Someone without the pinned key cannot start a chain.
        let thief = NoteSigner::generate("linli-hub/abc").unwrap();
        let forged = rotation_statement(&thief, &k3.verifier(), "2026-12-09T10:00:00Z").unwrap();
        assert_eq!(follow_rotations(&pinned, &[forged]), None);
        // A renamed key would change the log's origin.
        let other = NoteSigner::generate("linli-hub/xyz").unwrap();
        assert_eq!(
            rotation_statement(&k1, &other.verifier(), "t"),
            Err(RotationError::Renamed("linli-hub/abc".into()))
        );
        // A plain checkpoint signed by the key is not a statement.
        let checkpoint = crate::Checkpoint::new("linli-hub/abc", 1, [0; 32])
            .sign(&k1)
            .unwrap();
        assert_eq!(follow_rotations(&pinned, &[checkpoint]), None);
    }
}
