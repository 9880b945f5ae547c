//! Pull: the change feed a device reads from a cursor until caught up.
//!
//! Each change carries the **current** rendering of one record for the caller (upsert) or a tombstone.
//! A device applies changes in order and stores `next_cursor`; reading again from an old cursor is harmless.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    Building, Category, Community, Consultation, Household, Notice, ProxyAct, ProxyGrant, Report,
};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct PullPage {
    pub changes: Vec<Change>,
    /// Give this back as `?cursor=` to read on. Equal to the request's cursor when nothing changed.
    pub next_cursor: i64,
    /// More changes are waiting beyond this page.
    pub has_more: bool,
    /// The hub's clock, so devices can show "time left" without trusting their own.
    pub server_time: DateTime<Utc>,
    /// The hub database's incarnation id. A device keeps it and sends it back as the
    /// `Linli-Incarnation` header; a hub restored from a backup has a new one and answers 409
    /// `hub_restored` (absent from hubs before restores were announced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub incarnation: Option<String>,
}

/// The request header naming the hub incarnation a device last synced with.
pub const INCARNATION_HEADER: &str = "linli-incarnation";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Change {
    /// Position in the hub's log; strictly increasing within a page.
    pub seq: i64,
    pub record: Record,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[ts(export)]
pub enum Record {
    Community(Community),
    /// The caller's own household.
    Household(Household),
    Category(Category),
    Building(Building),
    Notice(Notice),
    /// Tombstone: the notice was retracted or is no longer addressed to the caller.
    NoticeRemoved {
        id: Uuid,
    },
    Consultation(Consultation),
    ConsultationRemoved {
        id: Uuid,
    },
    Report(Report),
    /// Tombstone: the report is no longer visible to the caller.
    ReportRemoved {
        id: Uuid,
    },
    /// A grant where the caller is the principal or the proxy, after each change (亲友代办).
    ProxyGrant(ProxyGrant),
    /// For the principal: something a proxy did for them (their 代办记录).
    ProxyAct(ProxyAct),
}
