//! The records Linli commits to in its leaves, version 1: what the hub serialises, salts and hashes
//! (see [`crate::commit`]), and what a resident's device or an auditor reads back after opening a
//! commitment. One JSON object per record, `"type"` first, fields in the order declared here
//! (serde_json keeps declaration order), ids as hyphenated lowercase UUIDs: one record, one byte string.
//!
//! Do not change: committed to in the log.
//!
//! New record kinds are added as new variants, never by reusing one: older readers refuse unknown
//! variants.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::leaf::LeafKind;

/// The committed record of one leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// A ballot as it stands after this vote (leaf kind `vote_cast`, or `vote_replaced` when it
    /// replaced an earlier ballot of the same voter or household, whose leaf is `replaces`).
    Vote {
        v: u8,
        consultation: String,
        /// [`ballot_tag`] of the voter (or household): the same for every vote of one ballot, and
        /// names nobody.
        ballot: String,
        options: Vec<String>,
        #[serde(default)]
        replaces: Option<u64>,
    },
    /// The final tally at close (leaf kind `tally_final`): votes per option, the number of ballots,
    /// and the leaf of each ballot counted (its latest vote), so an auditor can check the ballots
    /// counted are vote leaves in the log before the close, each counted once.
    Tally {
        v: u8,
        consultation: String,
        closed_at_ms: i64,
        options: Vec<OptionCount>,
        ballots: u64,
        ballot_leaves: Vec<u64>,
    },
    /// A report's status changed (leaf kind `report_status`), by staff or by its resident.
    ReportStatus {
        v: u8,
        report: String,
        event: String,
        status: String,
        actor: String,
    },
    /// A staff reply on a report (leaf kind `report_reply`).
    ReportReply {
        v: u8,
        report: String,
        event: String,
        text: String,
    },
    /// A proxy grant (亲友代办) was created or ended (leaf kind `proxy_grant`): who may act for whom is
    /// part of the record, so a grant can't be made or taken back unseen. Residents are named by
    /// [`party_tag`], never by id.
    ProxyGrant {
        v: u8,
        grant: String,
        principal: String,
        proxy: String,
        scopes: Vec<String>,
        status: String,
        expires_at_ms: i64,
    },
}

/// Votes for one option in a [`Record::Tally`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionCount {
    pub option: String,
    pub votes: u64,
}

/// Version of the record formats above.
pub const RECORD_VERSION: u8 = 1;

impl Record {
    /// The canonical bytes committed to.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising these plain structs cannot fail (string keys, no maps, no floats).
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses committed bytes; refuses other versions and unknown fields.
    pub fn parse(bytes: &[u8]) -> Option<Record> {
        let r: Record = serde_json::from_slice(bytes).ok()?;
        (r.version() == RECORD_VERSION && r.to_bytes() == bytes).then_some(r)
    }

    fn version(&self) -> u8 {
        match self {
            Record::Vote { v, .. }
            | Record::Tally { v, .. }
            | Record::ReportStatus { v, .. }
            | Record::ReportReply { v, .. }
            | Record::ProxyGrant { v, .. } => *v,
        }
    }

    /// Whether a leaf of `kind` may commit to this record.
    pub fn fits(&self, kind: LeafKind) -> bool {
        match self {
            Record::Vote { replaces, .. } => {
                kind == if replaces.is_some() {
                    LeafKind::VoteReplaced
                } else {
                    LeafKind::VoteCast
                }
            }
            Record::Tally { .. } => kind == LeafKind::TallyFinal,
            Record::ReportStatus { .. } => kind == LeafKind::ReportStatus,
            Record::ReportReply { .. } => kind == LeafKind::ReportReply,
            Record::ProxyGrant { .. } => kind == LeafKind::ProxyGrant,
        }
    }
}

/// The ballot tag of a voter or household in a consultation: hex SHA-256 of
/// `"linli-ballot\n" || consultation || "\n" || ballot key`. Equal tags mean the same ballot.
pub fn ballot_tag(consultation: &str, ballot_key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"linli-ballot\n");
    h.update(consultation.as_bytes());
    h.update(b"\n");
    h.update(ballot_key.as_bytes());
    hex::encode(h.finalize())
}

/// The tag of a party to a grant: hex SHA-256 of `"linli-party\n" || grant || "\n" || resident id`, so the
/// same resident looks different in every grant and an opened record names nobody to outsiders.
pub fn party_tag(grant: &str, resident: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"linli-party\n");
    h.update(grant.as_bytes());
    h.update(b"\n");
    h.update(resident.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_fixed_and_strict() {
        let r = Record::Vote {
            v: 1,
            consultation: "c".into(),
            ballot: "b".into(),
            options: vec!["o1".into()],
            replaces: None,
        };
        let bytes = r.to_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"type":"vote","v":1,"consultation":"c","ballot":"b","options":["o1"],"replaces":null}"#
        );
        assert_eq!(Record::parse(&bytes), Some(r.clone()));
        assert!(r.fits(LeafKind::VoteCast) && !r.fits(LeafKind::VoteReplaced));
        // Another spelling of the same record, another version, or an extra field is refused.
        assert!(Record::parse(b"{\"v\":1,\"type\":\"vote\",\"consultation\":\"c\",\"ballot\":\"b\",\"options\":[\"o1\"],\"replaces\":null}").is_none());
        let v2 = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("\"v\":1", "\"v\":2");
        assert!(Record::parse(v2.as_bytes()).is_none());
        let extra = String::from_utf8(bytes)
            .unwrap()
            .replace("\"v\":1", "\"v\":1,\"who\":\"3-402\"");
        assert!(Record::parse(extra.as_bytes()).is_none());
    }

    #[test]
    fn ballot_tags_separate_consultations_and_voters() {
        let a = ballot_tag("c1", "resident:r1");
        assert_eq!(a.len(), 64);
        assert_eq!(a, ballot_tag("c1", "resident:r1"));
        assert_ne!(a, ballot_tag("c2", "resident:r1"));
        assert_ne!(a, ballot_tag("c1", "resident:r2"));
    }
}
