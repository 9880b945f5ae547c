//! The witness's one decision: cosign a checkpoint, or refuse it with the reason the spec names.

use std::time::{SystemTime, UNIX_EPOCH};

use linli_tlog::{verify_consistency, Checkpoint, CosignatureSigner, NoteVerifier};
use thiserror::Error;

use crate::request::{AddCheckpoint, RequestError};
use crate::state::{State, StateError};

/// Why a checkpoint was not cosigned; each maps to one HTTP status of C2SP tlog-witness.
#[derive(Debug, Error)]
pub enum Refusal {
    /// 400: the request or its checkpoint cannot be read.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// 404: the witness does not know this log.
    #[error("unknown log origin")]
    UnknownOrigin,
    /// 403: the checkpoint is not signed by the log's known key.
    #[error("checkpoint is not signed by the log's key")]
    BadSignature,
    /// 409: the caller's old size is not the size the witness last cosigned, or the same size
    /// comes with another root. Carries the witness's size so an honest log can retry.
    #[error("old size does not match the witness's size {0}")]
    Conflict(u64),
    /// 422: the consistency proof does not show the new tree extends the cosigned one.
    #[error("consistency proof does not verify")]
    Inconsistent,
    /// 500: the witness's own state could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    #[error("cannot cosign: {0}")]
    Sign(String),
}

impl From<RequestError> for Refusal {
    fn from(e: RequestError) -> Self {
        Refusal::Malformed(e.to_string())
    }
}

pub struct Witness {
    pub signer: CosignatureSigner,
    pub state: State,
}

impl Witness {
    /// Handles one add-checkpoint body; on success returns the cosignature line(s), after the
    /// new tree is durably stored.
    pub fn add_checkpoint(&mut self, body: &[u8]) -> Result<String, Refusal> {
        let req = AddCheckpoint::parse(body)?;
        let (text, _) = req
            .note
            .split_once("\n\n")
            .ok_or_else(|| Refusal::Malformed("checkpoint note has no signatures".into()))?;
        let unverified = Checkpoint::parse(&format!("{text}\n"))
            .map_err(|e| Refusal::Malformed(e.to_string()))?;
        let stored = self
            .state
            .get(&unverified.origin)?
            .ok_or(Refusal::UnknownOrigin)?;
        let verifier = NoteVerifier::from_vkey(&stored.vkey)
            .map_err(|e| Refusal::Malformed(format!("stored log key: {e}")))?;
        let checkpoint =
            Checkpoint::open(&req.note, &verifier).map_err(|_| Refusal::BadSignature)?;
        if checkpoint.size > i64::MAX as u64 || req.old_size > checkpoint.size {
            return Err(Refusal::Malformed(
                "old size is larger than the checkpoint size".into(),
            ));
        }
        if req.old_size != stored.size {
            return Err(Refusal::Conflict(stored.size));
        }
        if checkpoint.size == stored.size {
            // The same tree again is cosigned again; the same size with another root is a fork.
            if checkpoint.root != stored.root {
                return Err(Refusal::Conflict(stored.size));
            }
        } else {
            verify_consistency(
                stored.size,
                &stored.root,
                checkpoint.size,
                &checkpoint.root,
                &req.proof,
            )
            .map_err(|_| Refusal::Inconsistent)?;
            if !self.state.advance(
                &checkpoint.origin,
                stored.size,
                checkpoint.size,
                &checkpoint.root,
            )? {
                let now = self.state.get(&checkpoint.origin)?.map_or(0, |s| s.size);
                return Err(Refusal::Conflict(now));
            }
        }
        self.signer
            .sign(&checkpoint.to_text(), now_seconds())
            .map_err(|e| Refusal::Sign(e.to_string()))
    }
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs().max(1))
}
