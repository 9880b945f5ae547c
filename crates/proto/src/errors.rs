//! Stable machine codes for everything the hub refuses. Devices map each code to a message in the
//! resident's language (`locales/*/errors.ftl`, message id `error-<code>`), so the codes never change.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    // -- request level
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Internal,
    // -- joining
    InviteInvalid,
    InviteUsed,
    InviteExpired,
    /// Joining needs the resident's agreement to the current privacy notice.
    PrivacyConsentRequired,
    // -- field validation
    FieldTooLong,
    FieldRequired,
    UnknownCategory,
    UnknownAddress,
    TooManyPhotos,
    BlobMissing,
    BlobHashMismatch,
    BlobTypeUnsupported,
    /// A photo whose width × height is over [`crate::limits::PHOTO_PIXELS_MAX`] (a decompression bomb, or not
    /// a photo a device made).
    ImageTooLarge,
    // -- voice messages (语音留言), judged from the file's content
    /// Audio that isn't Ogg Opus, or an Ogg file broken or without the Opus headers.
    VoiceNotOpus,
    /// Longer than [`crate::limits::VOICE_MS_MAX`] (with a small tolerance).
    VoiceTooLong,
    /// Larger than [`crate::limits::VOICE_MAX_BYTES`].
    VoiceTooBig,
    /// A report or comment names a blob that is not a voice message as its voice.
    VoiceMissing,
    // -- reports
    ReportNotFound,
    ReportExists,
    ReportNotWithdrawable,
    ReportNotRatable,
    ReportNotReopenable,
    InvalidTransition,
    ReasonRequired,
    // -- notices
    NoticeNotFound,
    // -- consultations
    ConsultationNotFound,
    ConsultationNotOpen,
    ConsultationClosed,
    NotEligible,
    InvalidChoice,
    // -- sync
    SequenceGap,
    OpConflict,
    // -- authorized proxies (亲友代办)
    ProxyNotGranted,
    ProxyScopeMissing,
    ProxyGrantRevoked,
    ProxyGrantGivenUp,
    ProxyGrantExpired,
    ProxyOwnVoteStands,
    ProxyTooManyProxies,
    ProxyTooManyPrincipals,
    ProxyCodeInvalid,
    ProxyCodeUsed,
    ProxyCodeExpired,
    ProxySelf,
    ProxyAlreadyGranted,
    ProxyDaysOutOfRange,
    // -- a street of communities (街道)
    /// The hub holds several communities and the request did not say which.
    CommunityRequired,
    /// No community of that name or id on this hub.
    CommunityNotFound,
    /// A community of that name already exists on this hub.
    CommunityExists,
    /// The street-level command needs the street to be named first (`admin street set`).
    StreetNotSet,
    // -- staff sign-in (the console)
    /// Wrong staff id or password (one answer for both, so ids can't be probed).
    StaffSignInFailed,
    /// Too many wrong passwords: sign-in is refused for a while, longer after each further one.
    StaffLocked,
    /// A state-changing staff request without the session's `X-CSRF-Token`.
    CsrfInvalid,
    /// The one-time link that sets a first password is unknown, used or expired.
    StaffLinkInvalid,
    /// A staff password shorter than [`crate::limits::STAFF_PASSWORD_MIN`] characters.
    PasswordTooShort,
    /// The password was right and the account has a second factor: send the authenticator app's code.
    StaffTotpRequired,
    /// The authenticator code is wrong, too old, or was already used.
    StaffTotpInvalid,
    /// The second factor is already on: switch it off first to enrol another authenticator.
    StaffTotpEnabled,
    /// An admin has switched this staff account off.
    StaffDisabled,
    // -- operating the hub
    /// The route exists but not for this HTTP method (the `allow` header names those it takes).
    MethodNotAllowed,
    /// The hub is starting, shutting down or can't reach its database: try again shortly.
    ServiceUnavailable,
    /// The hub's disk is full: nothing of the request was kept; try again later.
    StorageFull,
    /// A report can be dispatched only to a grid worker or handling unit of its community.
    AssigneeInvalid,
    /// The hub was restored from a backup since the device last synced (its `Linli-Incarnation` header
    /// names the database before): nothing was done; the device re-sends what it kept, then pulls anew.
    HubRestored,
    // -- city systems (Open311 GeoReport v2)
    /// No `api_key`, or one the hub never issued or that staff revoked.
    ApiKeyInvalid,
    /// The key may read only; creating a request needs a key with the write scope.
    ApiKeyReadOnly,
    /// A live key of that name exists already.
    ApiKeyNameTaken,
    /// No service (report category) with that `service_code` in the jurisdiction.
    ServiceNotFound,
    /// `start_date` to `end_date` spans more than 90 days, or ends before it starts.
    DateRangeInvalid,
    // -- the 12345 bridge (hotline case files)
    /// The hotline's case file was refused: unreadable, a column missing, or bad rows (each listed
    /// with its row number and reason); nothing of it was imported.
    HotlineImportInvalid,
    // -- case handling
    /// The community has a reply template of that status and title already.
    TemplateExists,
}

impl ErrorCode {
    /// The code as it appears on the wire, e.g. `consultation_closed`.
    pub fn as_str(self) -> &'static str {
        ALL_CODES
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, s)| *s)
            .unwrap_or("internal")
    }
}

/// The wire spelling of every code; a unit test keeps it equal to serde's.
const ALL_CODES: &[(ErrorCode, &str)] = &[
    (ErrorCode::BadRequest, "bad_request"),
    (ErrorCode::Unauthorized, "unauthorized"),
    (ErrorCode::Forbidden, "forbidden"),
    (ErrorCode::NotFound, "not_found"),
    (ErrorCode::PayloadTooLarge, "payload_too_large"),
    (ErrorCode::RateLimited, "rate_limited"),
    (ErrorCode::Internal, "internal"),
    (ErrorCode::InviteInvalid, "invite_invalid"),
    (ErrorCode::InviteUsed, "invite_used"),
    (ErrorCode::InviteExpired, "invite_expired"),
    (
        ErrorCode::PrivacyConsentRequired,
        "privacy_consent_required",
    ),
    (ErrorCode::FieldTooLong, "field_too_long"),
    (ErrorCode::FieldRequired, "field_required"),
    (ErrorCode::UnknownCategory, "unknown_category"),
    (ErrorCode::UnknownAddress, "unknown_address"),
    (ErrorCode::TooManyPhotos, "too_many_photos"),
    (ErrorCode::BlobMissing, "blob_missing"),
    (ErrorCode::BlobHashMismatch, "blob_hash_mismatch"),
    (ErrorCode::BlobTypeUnsupported, "blob_type_unsupported"),
    (ErrorCode::ImageTooLarge, "image_too_large"),
    (ErrorCode::VoiceNotOpus, "voice_not_opus"),
    (ErrorCode::VoiceTooLong, "voice_too_long"),
    (ErrorCode::VoiceTooBig, "voice_too_big"),
    (ErrorCode::VoiceMissing, "voice_missing"),
    (ErrorCode::ReportNotFound, "report_not_found"),
    (ErrorCode::ReportExists, "report_exists"),
    (ErrorCode::ReportNotWithdrawable, "report_not_withdrawable"),
    (ErrorCode::ReportNotRatable, "report_not_ratable"),
    (ErrorCode::ReportNotReopenable, "report_not_reopenable"),
    (ErrorCode::InvalidTransition, "invalid_transition"),
    (ErrorCode::ReasonRequired, "reason_required"),
    (ErrorCode::NoticeNotFound, "notice_not_found"),
    (ErrorCode::ConsultationNotFound, "consultation_not_found"),
    (ErrorCode::ConsultationNotOpen, "consultation_not_open"),
    (ErrorCode::ConsultationClosed, "consultation_closed"),
    (ErrorCode::NotEligible, "not_eligible"),
    (ErrorCode::InvalidChoice, "invalid_choice"),
    (ErrorCode::SequenceGap, "sequence_gap"),
    (ErrorCode::OpConflict, "op_conflict"),
    (ErrorCode::ProxyNotGranted, "proxy_not_granted"),
    (ErrorCode::ProxyScopeMissing, "proxy_scope_missing"),
    (ErrorCode::ProxyGrantRevoked, "proxy_grant_revoked"),
    (ErrorCode::ProxyGrantGivenUp, "proxy_grant_given_up"),
    (ErrorCode::ProxyGrantExpired, "proxy_grant_expired"),
    (ErrorCode::ProxyOwnVoteStands, "proxy_own_vote_stands"),
    (ErrorCode::ProxyTooManyProxies, "proxy_too_many_proxies"),
    (
        ErrorCode::ProxyTooManyPrincipals,
        "proxy_too_many_principals",
    ),
    (ErrorCode::ProxyCodeInvalid, "proxy_code_invalid"),
    (ErrorCode::ProxyCodeUsed, "proxy_code_used"),
    (ErrorCode::ProxyCodeExpired, "proxy_code_expired"),
    (ErrorCode::ProxySelf, "proxy_self"),
    (ErrorCode::ProxyAlreadyGranted, "proxy_already_granted"),
    (ErrorCode::ProxyDaysOutOfRange, "proxy_days_out_of_range"),
    (ErrorCode::CommunityRequired, "community_required"),
    (ErrorCode::CommunityNotFound, "community_not_found"),
    (ErrorCode::CommunityExists, "community_exists"),
    (ErrorCode::StreetNotSet, "street_not_set"),
    (ErrorCode::StaffSignInFailed, "staff_sign_in_failed"),
    (ErrorCode::StaffLocked, "staff_locked"),
    (ErrorCode::CsrfInvalid, "csrf_invalid"),
    (ErrorCode::StaffLinkInvalid, "staff_link_invalid"),
    (ErrorCode::PasswordTooShort, "password_too_short"),
    (ErrorCode::StaffTotpRequired, "staff_totp_required"),
    (ErrorCode::StaffTotpInvalid, "staff_totp_invalid"),
    (ErrorCode::StaffTotpEnabled, "staff_totp_enabled"),
    (ErrorCode::StaffDisabled, "staff_disabled"),
    (ErrorCode::MethodNotAllowed, "method_not_allowed"),
    (ErrorCode::ServiceUnavailable, "service_unavailable"),
    (ErrorCode::StorageFull, "storage_full"),
    (ErrorCode::AssigneeInvalid, "assignee_invalid"),
    (ErrorCode::HubRestored, "hub_restored"),
    (ErrorCode::ApiKeyInvalid, "api_key_invalid"),
    (ErrorCode::ApiKeyReadOnly, "api_key_read_only"),
    (ErrorCode::ApiKeyNameTaken, "api_key_name_taken"),
    (ErrorCode::ServiceNotFound, "service_not_found"),
    (ErrorCode::DateRangeInvalid, "date_range_invalid"),
    (ErrorCode::HotlineImportInvalid, "hotline_import_invalid"),
    (ErrorCode::TemplateExists, "template_exists"),
];

impl ErrorCode {
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        ALL_CODES.iter().map(|(c, _)| *c)
    }
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ALL_CODES.iter().find(|(_, n)| *n == s).map(|(c, _)| *c)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response from the hub: a stable `code` and a human `message`
/// (in the language of the request's `Accept-Language`, zh-CN by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_spelling_matches_serde() {
        for code in ErrorCode::all() {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json.as_str(), Some(code.as_str()), "{code:?}");
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
    }
}
