//! Residents' personal-information rights on the wire: which privacy notice a device agreed to at join, and
//! the copy of a resident's data (个人信息副本) the hub hands out.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Version of the privacy notice (`locales/*/privacy.ftl`). Bump it whenever the notice's meaning changes:
/// devices that agreed to an older version ask the resident again, and the hub refuses a join without
/// agreement to this version (`privacy_consent_required`).
pub const PRIVACY_NOTICE_VERSION: u32 = 1;

/// Default days the hub keeps the photos of a resolved report (two years; the notice says so).
pub const PHOTO_RETENTION_DAYS_DEFAULT: i64 = 730;

/// `POST /v1/account/close` answer: what the hub did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct AccountClosed {
    /// When the personal data was removed (at once: the notice says "immediately").
    pub closed_at: chrono::DateTime<chrono::Utc>,
    /// Reports kept for the community's record, now without anything that identifies the resident.
    pub reports_anonymised: i64,
    /// Photo files deleted from the hub.
    pub photos_deleted: i64,
    /// Devices switched off (this one included).
    pub devices_revoked: i64,
}
