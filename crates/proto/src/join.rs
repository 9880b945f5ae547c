//! Joining a community: a resident redeems a one-time invitation code from the office and the device
//! gets its token. The token is shown once and kept only in the OS keychain.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Community, Household};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct JoinRequest {
    pub code: String,
    /// e.g. "Linli on Linux"; shown to staff in the device list.
    #[serde(default)]
    pub device_name: Option<String>,
    /// The privacy notice version the resident agreed to on this device before joining
    /// ([`crate::PRIVACY_NOTICE_VERSION`]); the hub refuses a join without the current one.
    #[serde(default)]
    pub privacy_version: Option<u32>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JoinResponse {
    pub resident_id: Uuid,
    pub device_id: Uuid,
    /// Bearer token for every later request. Never logged, never written to a file.
    pub token: String,
    pub community: Community,
    pub household: Household,
    /// The hub's transparency-log key (C2SP signed-note verifier key), shown at join and pinned by the
    /// device: every later checkpoint must be signed by it. Absent from hubs without a log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_key: Option<String>,
    /// The origin line of the community's log (each community of a street hub has its own log), pinned
    /// with the key. Absent from hubs of one community without streets, whose origin is the key's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_origin: Option<String>,
    /// The witnesses of the community's log and how many of them must have cosigned a checkpoint
    /// before a device takes it: one C2SP cosignature/v1 key per line, then `quorum <k>`. Pinned at
    /// join like the log key; its fingerprint is printed on the invitation slip, so a device can tell
    /// the hub's answer from what the office handed out. Absent while the community has no witness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness_policy: Option<String>,
}

impl std::fmt::Debug for JoinResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinResponse")
            .field("resident_id", &self.resident_id)
            .field("device_id", &self.device_id)
            .field("token", &"<redacted>")
            .field("community", &self.community)
            .field("household", &self.household)
            .field("log_key", &self.log_key)
            .field("log_origin", &self.log_origin)
            .field("witness_policy", &self.witness_policy)
            .finish()
    }
}

/// `GET /v1/me`: who the token belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Me {
    pub resident_id: Uuid,
    pub device_id: Uuid,
    pub community: Community,
    pub household: Household,
}

/// `GET /v1/events` sends `event: changed` with this as data whenever something changed for the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Nudge {
    /// The hub's newest log position; a device whose cursor is below it pulls.
    pub head: i64,
}
