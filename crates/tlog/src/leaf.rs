//! The leaf format: what one entry of the log says. Version 1.
//!
//! Binary (the bytes that are hashed into the tree, 42 bytes):
//! `version (u8 = 1) || kind (u8) || time (i64 big-endian, Unix milliseconds UTC) || commitment (32)`.
//!
//! JSON (for the hub's API and auditors; do not change: on the wire):
//! `{"version":1,"kind":"vote_cast","time_ms":1764353000000,"commitment":"<64 hex>"}`.
//!
//! Both encodings are parsed strictly: unknown versions, unknown kinds, wrong lengths and
//! unknown JSON fields are refused.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::merkle::{self, Hash};

/// Version byte of the current leaf encoding.
pub const LEAF_VERSION: u8 = 1;

/// Length of a version-1 leaf in bytes.
pub const LEAF_LEN: usize = 1 + 1 + 8 + 32;

/// What kind of record a leaf commits to. The numbers are part of the binary format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeafKind {
    /// A resident's (or proxy's) vote in a consultation.
    VoteCast = 1,
    /// A vote replaced by a later one from the same voter before the close.
    VoteReplaced = 2,
    /// A consultation's final tally at close.
    TallyFinal = 3,
    /// A report's status change (received, in progress, resolved, ...).
    ReportStatus = 4,
    /// A staff reply to a report.
    ReportReply = 5,
    /// A proxy grant given, changed or withdrawn.
    ProxyGrant = 6,
}

impl LeafKind {
    pub const ALL: [LeafKind; 6] = [
        LeafKind::VoteCast,
        LeafKind::VoteReplaced,
        LeafKind::TallyFinal,
        LeafKind::ReportStatus,
        LeafKind::ReportReply,
        LeafKind::ProxyGrant,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LeafJson", into = "LeafJson")]
pub struct Leaf {
    pub kind: LeafKind,
    /// When the hub applied the record, Unix milliseconds UTC.
    pub time_ms: i64,
    /// [`crate::commit`] of the record's canonical bytes.
    pub commitment: Hash,
}

/// Why leaf bytes or JSON were refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LeafError {
    #[error("leaf is {0} bytes, expected {LEAF_LEN}")]
    Length(usize),
    #[error("unknown leaf version {0}")]
    Version(u8),
    #[error("unknown leaf kind {0}")]
    Kind(u8),
    #[error("commitment is not 64 hex digits")]
    Commitment,
}

impl Leaf {
    /// The canonical bytes hashed into the tree.
    pub fn to_bytes(&self) -> [u8; LEAF_LEN] {
        let mut out = [0u8; LEAF_LEN];
        out[0] = LEAF_VERSION;
        out[1] = self.kind.code();
        out[2..10].copy_from_slice(&self.time_ms.to_be_bytes());
        out[10..].copy_from_slice(&self.commitment);
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LeafError> {
        if bytes.len() != LEAF_LEN {
            return Err(LeafError::Length(bytes.len()));
        }
        if bytes[0] != LEAF_VERSION {
            return Err(LeafError::Version(bytes[0]));
        }
        let kind = LeafKind::from_code(bytes[1]).ok_or(LeafError::Kind(bytes[1]))?;
        let mut time = [0u8; 8];
        time.copy_from_slice(&bytes[2..10]);
        let mut commitment = [0u8; 32];
        commitment.copy_from_slice(&bytes[10..]);
        Ok(Leaf {
            kind,
            time_ms: i64::from_be_bytes(time),
            commitment,
        })
    }

    /// RFC 6962 leaf hash of [`Leaf::to_bytes`].
    pub fn hash(&self) -> Hash {
        merkle::leaf_hash(&self.to_bytes())
    }
}

/// JSON shape of a leaf (do not change: on the wire).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeafJson {
    version: u8,
    kind: LeafKind,
    time_ms: i64,
    commitment: String,
}

impl From<Leaf> for LeafJson {
    fn from(l: Leaf) -> Self {
        LeafJson {
            version: LEAF_VERSION,
            kind: l.kind,
            time_ms: l.time_ms,
            commitment: hex::encode(l.commitment),
        }
    }
}

impl TryFrom<LeafJson> for Leaf {
    type Error = LeafError;
    fn try_from(j: LeafJson) -> Result<Self, LeafError> {
        if j.version != LEAF_VERSION {
            return Err(LeafError::Version(j.version));
        }
        // Lowercase only, so one leaf has one JSON form.
        if j.commitment.len() != 64 || j.commitment.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(LeafError::Commitment);
        }
        let mut commitment = [0u8; 32];
        hex::decode_to_slice(&j.commitment, &mut commitment).map_err(|_| LeafError::Commitment)?;
        Ok(Leaf {
            kind: j.kind,
            time_ms: j.time_ms,
            commitment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Leaf {
        Leaf {
            kind: LeafKind::ReportStatus,
            time_ms: 1_764_353_000_123,
            commitment: [7u8; 32],
        }
    }

    #[test]
    fn binary_layout_is_fixed() {
        let b = sample().to_bytes();
        assert_eq!(b.len(), 42);
        assert_eq!(b[0], 1);
        assert_eq!(b[1], 4);
        assert_eq!(&b[2..10], &1_764_353_000_123i64.to_be_bytes());
        assert_eq!(&b[10..], &[7u8; 32]);
        assert_eq!(Leaf::from_bytes(&b).unwrap(), sample());
    }

    #[test]
    fn binary_parsing_is_strict() {
        let b = sample().to_bytes();
        assert_eq!(Leaf::from_bytes(&b[..41]), Err(LeafError::Length(41)));
        let mut long = b.to_vec();
        long.push(0);
        assert_eq!(Leaf::from_bytes(&long), Err(LeafError::Length(43)));
        let mut v = b;
        v[0] = 2;
        assert_eq!(Leaf::from_bytes(&v), Err(LeafError::Version(2)));
        let mut k = b;
        k[1] = 0;
        assert_eq!(Leaf::from_bytes(&k), Err(LeafError::Kind(0)));
        k[1] = 7;
        assert_eq!(Leaf::from_bytes(&k), Err(LeafError::Kind(7)));
    }

    #[test]
    fn every_kind_round_trips() {
        for kind in LeafKind::ALL {
            let l = Leaf { kind, ..sample() };
            assert_eq!(Leaf::from_bytes(&l.to_bytes()).unwrap(), l);
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(serde_json::from_str::<Leaf>(&json).unwrap(), l);
        }
    }

    #[test]
    fn json_form_is_documented_and_strict() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert_eq!(
            json,
            format!(
                "{{\"version\":1,\"kind\":\"report_status\",\"time_ms\":1764353000123,\"commitment\":\"{}\"}}",
                "07".repeat(32)
            )
        );
        let bad_version = json.replace("\"version\":1", "\"version\":2");
        assert!(serde_json::from_str::<Leaf>(&bad_version).is_err());
        let extra = json.replace("{", "{\"who\":\"3-402\",");
        assert!(serde_json::from_str::<Leaf>(&extra).is_err());
        let upper = json.replace(&"07".repeat(32), &"AB".repeat(32));
        assert!(serde_json::from_str::<Leaf>(&upper).is_err());
        let unknown_kind = json.replace("report_status", "vote_deleted");
        assert!(serde_json::from_str::<Leaf>(&unknown_kind).is_err());
    }
}
