//! The transparency log on the wire (`/v1/log/…`): receipts that let a resident open the commitment of
//! their own record, and the answers auditors and devices read. The leaf, checkpoint and proof formats
//! themselves are defined in `linli-tlog` (see its README); these types only carry them.
//!
//! Do not change a field's name or meaning: on the wire.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// What a record's leaf in the log is, with what opens its commitment: `commitment =
/// SHA-256(salt || record)`, the leaf is `(kind, time_ms, commitment)` at `index`. Given to the
/// record's owner (their vote, their report's status changes) and, for final tallies, to everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LogReceipt {
    /// Position of the leaf in the log (0-based).
    pub index: u64,
    /// Leaf kind, e.g. `vote_cast`, `vote_replaced`, `tally_final`, `report_status`, `report_reply`.
    pub kind: String,
    /// Leaf time, Unix milliseconds UTC (the hub's clock).
    pub time_ms: i64,
    /// 64 hex digits.
    pub salt: String,
    /// The record's canonical JSON, exactly the bytes committed to.
    pub record: String,
}

/// An inclusion proof (`GET /v1/log/inclusion`): RFC 6962 audit path, base64 hashes, bottom-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct InclusionProof {
    pub index: u64,
    pub size: u64,
    pub proof: Vec<String>,
}

/// Asks for the inclusion proofs of several leaves in one tree (`POST /v1/log/inclusions`): a device
/// that cast many votes checks all its receipts in one round trip instead of one each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct InclusionsRequest {
    /// Tree size of the checkpoint to prove against.
    pub size: u64,
    /// The leaves' indices, at most [`crate::limits::INCLUSIONS_MAX`].
    pub indices: Vec<u64>,
}

/// The answer to [`InclusionsRequest`]: one proof per index, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct InclusionProofs {
    pub proofs: Vec<InclusionProof>,
}

/// Asks for one proof that several leaves are in one tree (`POST /v1/log/leaves-proof`): what a device
/// checks its receipts with. Far smaller than one inclusion proof per leaf when the leaves are neighbours
/// (the votes of one push).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LeavesProofRequest {
    /// Tree size of the checkpoint to prove against.
    pub size: u64,
    /// The leaves' indices, strictly increasing, at most [`crate::limits::INCLUSIONS_MAX`].
    pub indices: Vec<u64>,
}

/// The answer to [`LeavesProofRequest`]: the root of every subtree holding none of the leaves, in the
/// order of a depth-first, left-to-right walk of the RFC 6962 tree; base64 hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LeavesProof {
    pub size: u64,
    pub proof: Vec<String>,
}

/// A consistency proof (`GET /v1/log/consistency`) that the tree of `old` leaves is a prefix of the
/// tree of `new` leaves; base64 hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ConsistencyProof {
    pub old: u64,
    pub new: u64,
    pub proof: Vec<String>,
}

/// One leaf in its JSON form (`linli-tlog` leaf format version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LogLeaf {
    pub version: u8,
    pub kind: String,
    pub time_ms: i64,
    /// 64 lowercase hex digits.
    pub commitment: String,
}

/// Leaves `start..start + leaves.len()` (`GET /v1/log/leaves`), for auditors who recompute the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LogLeaves {
    pub start: u64,
    /// The log's size when this page was read.
    pub size: u64,
    pub leaves: Vec<LogLeaf>,
}

/// Most leaves one `GET /v1/log/leaves` returns.
pub const LOG_LEAVES_PAGE_MAX: u64 = 1000;
