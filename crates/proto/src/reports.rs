//! Reports (随手拍) and their timelines.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Address, LatLon};
use chrono::{DateTime, Utc};

/// Where a report stands. submitted → accepted (受理) → in_progress (处理中) → resolved (已办结),
/// or rejected (不予受理) / withdrawn by the resident. A reopened report goes back to in_progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportStatus {
    Submitted,
    Accepted,
    InProgress,
    Resolved,
    Rejected,
    Withdrawn,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "submitted",
            ReportStatus::Accepted => "accepted",
            ReportStatus::InProgress => "in_progress",
            ReportStatus::Resolved => "resolved",
            ReportStatus::Rejected => "rejected",
            ReportStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "submitted" => ReportStatus::Submitted,
            "accepted" => ReportStatus::Accepted,
            "in_progress" => ReportStatus::InProgress,
            "resolved" => ReportStatus::Resolved,
            "rejected" => ReportStatus::Rejected,
            "withdrawn" => ReportStatus::Withdrawn,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Satisfaction {
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Unsatisfied,
}

impl Satisfaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "satisfied" => Satisfaction::Satisfied,
            "basic" => Satisfaction::Basic,
            "unsatisfied" => Satisfaction::Unsatisfied,
            _ => return None,
        })
    }
}

/// Who did something on a report's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActorRole {
    Resident,
    Staff,
    /// A relative acting for the resident (亲友代办).
    Proxy,
}

/// What happened on a report's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportEventKind {
    Submitted,
    /// A status change by staff; `status` holds the new status and `text` the reply.
    Status,
    Comment,
    Withdrawn,
    Rated,
    Reopened,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ReportEvent {
    pub id: Uuid,
    pub kind: ReportEventKind,
    pub actor: ActorRole,
    /// Display name of the actor, e.g. "社区工作人员" or the proxy's name.
    #[serde(default)]
    pub actor_name: Option<String>,
    #[serde(default)]
    pub status: Option<ReportStatus>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    pub at: DateTime<Utc>,
    /// Transparency-log leaves of this event (a status change, a staff reply), opened for the report's
    /// owner so their device can check the log holds them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<crate::LogReceipt>,
    /// For an act by a proxy: the proxy's resident id (`actor` is `proxy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<Uuid>,
    /// For an act by a proxy: the resident it was done for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Uuid>,
    /// A comment or staff reply spoken rather than (or beside) written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceRef>,
}

/// A voice message (语音留言): Ogg Opus uploaded to `/v1/blobs` under its sha256. The hub keeps the
/// length it read from the file itself, not the one a device claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct VoiceRef {
    pub sha256: String,
    pub duration_ms: u32,
}

/// A report rendered for its owner (the resident who made it, their household, or a proxy with `report`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Report {
    /// Chosen by the device (UUIDv7) so a report made offline keeps its id.
    pub id: Uuid,
    pub category: String,
    pub text: String,
    pub address: Address,
    #[serde(default)]
    pub location: Option<LatLon>,
    /// sha256 of each photo, in the order the resident chose them.
    pub photos: Vec<String>,
    /// The voice message told with the report, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceRef>,
    pub status: ReportStatus,
    /// When the resident made it on their device.
    pub created_at: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
    /// Oldest first.
    pub events: Vec<ReportEvent>,
    /// Bumped on every change; lets a device tell stale from fresh.
    pub version: i64,
    /// Who is handling it and by when (派单), once the office dispatched it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling: Option<Handling>,
}

/// The unit a report was dispatched to and the date it promised, as the resident sees them
/// ("已派单给物业, 承诺 12月10日").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Handling {
    /// The handling unit's or grid worker's name.
    pub unit: String,
    /// The end of the last working day of the time limit.
    pub deadline: DateTime<Utc>,
    /// Whether the unit has signed for it (签收).
    pub signed: bool,
}
