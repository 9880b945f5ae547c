//! Notices (通知公告) as a resident sees them.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use chrono::{DateTime, Utc};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Urgency {
    Normal,
    Important,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Important => "important",
            Urgency::Urgent => "urgent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Urgency::Normal),
            "important" => Some(Urgency::Important),
            "urgent" => Some(Urgency::Urgent),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Attachment {
    pub name: String,
    /// sha256 of the blob, fetched from `/v1/blobs/{sha256}`.
    pub sha256: String,
    pub mime: String,
    pub size: i64,
}

/// A notice rendered for one resident: `read_at` is that resident's own receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Notice {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub urgency: Urgency,
    pub pinned: bool,
    pub published_at: DateTime<Utc>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When this resident read it; `None` while unread.
    #[serde(default)]
    pub read_at: Option<DateTime<Utc>>,
    /// Set on a street-wide notice (街道通知): the street that sent it, shown instead of the community.
    #[serde(default)]
    pub street: Option<String>,
}
