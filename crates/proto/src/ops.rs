//! Push: the operations a device queues offline and sends to the hub, and the hub's answer to each.
//!
//! Exactly-once: every op carries a device-chosen UUIDv7 and the device's sequence number (1, 2, 3, …
//! with no gaps, per device). The hub applies a device's ops in sequence order, each in one transaction with
//! its dedup record; an op id it has seen before answers the stored result and changes nothing.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Address, ErrorCode, LatLon, Satisfaction};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Op {
    /// UUIDv7 chosen by the device; the same id on every retry.
    pub id: Uuid,
    /// The device's sequence number: the hub applies seq N only after seq N-1.
    pub device_seq: i64,
    /// When the resident did it, by the device's clock.
    pub created_at: DateTime<Utc>,
    /// Set when a proxy (亲友代办) acts for another resident: that resident's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Uuid>,
    pub body: OpBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum OpBody {
    CreateReport {
        /// UUIDv7 chosen by the device; becomes the report's id on the hub.
        report_id: Uuid,
        category: String,
        text: String,
        #[serde(default)]
        address: Address,
        #[serde(default)]
        location: Option<LatLon>,
        /// sha256 of photos already uploaded to `/v1/blobs`.
        #[serde(default)]
        photos: Vec<String>,
        /// A voice message already uploaded to `/v1/blobs`; with one, `text` may be empty.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voice: Option<crate::VoiceRef>,
    },
    CommentReport {
        report_id: Uuid,
        /// May be empty when `voice` is set.
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voice: Option<crate::VoiceRef>,
    },
    WithdrawReport {
        report_id: Uuid,
    },
    RateReport {
        report_id: Uuid,
        satisfaction: Satisfaction,
        #[serde(default)]
        comment: Option<String>,
    },
    ReopenReport {
        report_id: Uuid,
        #[serde(default)]
        reason: Option<String>,
    },
    CastVote {
        consultation_id: Uuid,
        option_ids: Vec<Uuid>,
    },
    MarkNoticeRead {
        notice_id: Uuid,
    },
}

impl OpBody {
    /// Short name of the op kind, as used in logs and the authorization matrix.
    pub fn kind(&self) -> &'static str {
        match self {
            OpBody::CreateReport { .. } => "create_report",
            OpBody::CommentReport { .. } => "comment_report",
            OpBody::WithdrawReport { .. } => "withdraw_report",
            OpBody::RateReport { .. } => "rate_report",
            OpBody::ReopenReport { .. } => "reopen_report",
            OpBody::CastVote { .. } => "cast_vote",
            OpBody::MarkNoticeRead { .. } => "mark_notice_read",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct PushRequest {
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OpStatus {
    /// Applied now, or earlier (a retry answers the stored result).
    Applied,
    /// Refused for good, with a reason for the resident; the device rolls back its optimistic effect.
    Rejected,
    /// Not applied yet and not refused: an earlier op of this device is missing (`sequence_gap`).
    /// The device sends it again later, after the missing ones.
    Deferred,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct OpResult {
    pub op_id: Uuid,
    pub status: OpStatus,
    /// For `rejected` and `deferred`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    /// Human text in the request's language, for `rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The affected record's version after an `applied` op, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// For an `applied` op the hub wrote to the transparency log (a vote, a withdrawal, a reopening):
    /// the leaf and what opens it, so the device can later check the log still holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<crate::LogReceipt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct PushResponse {
    /// One result per op, in the order of the request.
    pub results: Vec<OpResult>,
}
