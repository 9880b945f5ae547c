//! Errors: [`HubError`] for the library and admin functions, [`ApiError`] for HTTP answers.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use linli_i18n::Lang;
use linli_proto::{ErrorBody, ErrorCode};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// A rule refused the request (e.g. `invalid_transition`); the CLI prints the code's message.
    #[error("{0}")]
    Refused(ErrorCode),
    #[error(transparent)]
    Store(StoreError),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("seed file: {0}")]
    Seed(String),
    #[error("transparency-log key: {0}")]
    LogKey(String),
    /// Several residents joined for that household; staff pick one by id.
    #[error("several residents live there: {0:?}")]
    AmbiguousResident(Vec<uuid::Uuid>),
    #[error("TLS: {0}")]
    Tls(String),
    /// A witness the office named cannot be used (its key, its address or the quorum).
    #[error("witness: {0}")]
    Witness(String),
}

impl From<StoreError> for HubError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(code) => HubError::Refused(code),
            other => HubError::Store(other),
        }
    }
}

impl From<ErrorCode> for HubError {
    fn from(code: ErrorCode) -> Self {
        HubError::Refused(code)
    }
}

/// The HTTP status that fits each code.
pub fn status_for(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        BadRequest | FieldTooLong | FieldRequired | TooManyPhotos | InvalidChoice => {
            StatusCode::BAD_REQUEST
        }
        Unauthorized => StatusCode::UNAUTHORIZED,
        Forbidden | NotEligible => StatusCode::FORBIDDEN,
        NotFound | ReportNotFound | NoticeNotFound | ConsultationNotFound | InviteInvalid => {
            StatusCode::NOT_FOUND
        }
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Internal => StatusCode::INTERNAL_SERVER_ERROR,
        InviteUsed
        | InviteExpired
        | ReportExists
        | OpConflict
        | ReportNotWithdrawable
        | ReportNotRatable
        | ReportNotReopenable
        | InvalidTransition
        | ConsultationNotOpen
        | ConsultationClosed
        | SequenceGap => StatusCode::CONFLICT,
        UnknownCategory
        | UnknownAddress
        | BlobMissing
        | BlobHashMismatch
        | BlobTypeUnsupported
        | ReasonRequired
        | ImageTooLarge
        | VoiceNotOpus
        | VoiceTooLong
        | VoiceMissing
        | PrivacyConsentRequired => StatusCode::UNPROCESSABLE_ENTITY,
        VoiceTooBig => StatusCode::PAYLOAD_TOO_LARGE,
        ProxyNotGranted | ProxyScopeMissing | ProxyGrantRevoked | ProxyGrantGivenUp
        | ProxyGrantExpired => StatusCode::FORBIDDEN,
        ProxyCodeInvalid => StatusCode::NOT_FOUND,
        ProxyCodeUsed
        | ProxyCodeExpired
        | ProxyOwnVoteStands
        | ProxyTooManyProxies
        | ProxyTooManyPrincipals
        | ProxyAlreadyGranted => StatusCode::CONFLICT,
        ProxySelf | ProxyDaysOutOfRange | CommunityRequired => StatusCode::BAD_REQUEST,
        CommunityNotFound => StatusCode::NOT_FOUND,
        CommunityExists | StreetNotSet | TemplateExists => StatusCode::CONFLICT,
        StaffSignInFailed => StatusCode::UNAUTHORIZED,
        StaffLocked => StatusCode::TOO_MANY_REQUESTS,
        CsrfInvalid => StatusCode::FORBIDDEN,
        StaffLinkInvalid => StatusCode::NOT_FOUND,
        PasswordTooShort => StatusCode::BAD_REQUEST,
        StaffTotpRequired | StaffTotpInvalid => StatusCode::UNAUTHORIZED,
        StaffTotpEnabled => StatusCode::CONFLICT,
        StaffDisabled => StatusCode::FORBIDDEN,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        StorageFull => StatusCode::INSUFFICIENT_STORAGE,
        HubRestored => StatusCode::CONFLICT,
        AssigneeInvalid | DateRangeInvalid => StatusCode::BAD_REQUEST,
        HotlineImportInvalid => StatusCode::UNPROCESSABLE_ENTITY,
        ApiKeyInvalid | ApiKeyReadOnly => StatusCode::FORBIDDEN,
        ApiKeyNameTaken => StatusCode::CONFLICT,
        ServiceNotFound => StatusCode::NOT_FOUND,
    }
}

/// An HTTP error answer. The body's message is rendered in the request's language by the
/// `localize` middleware (see `api::lang`), which finds the code in the response extensions.
#[derive(Debug)]
pub struct ApiError(pub ErrorCode);

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError(code)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(code) => ApiError(code),
            // Retryable: nothing of the request was kept, and the hub works again once space is freed.
            other if other.is_disk_full() => {
                tracing::error!(error = %other, "the database's disk is full");
                ApiError(ErrorCode::StorageFull)
            }
            other => {
                tracing::error!(error = %other, "store error");
                crate::metrics::db_error();
                ApiError(ErrorCode::Internal)
            }
        }
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Refused(code) => ApiError(code),
            HubError::Store(e) => ApiError::from(e),
            other => {
                tracing::error!(error = %other, "hub error");
                ApiError(ErrorCode::Internal)
            }
        }
    }
}

/// Marks an error response so the language middleware can re-render its message.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMarker(pub ErrorCode);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.0,
            message: linli_i18n::error_message(Lang::default(), self.0),
        };
        let mut resp = (status_for(self.0), Json(body)).into_response();
        resp.extensions_mut().insert(ErrorMarker(self.0));
        resp
    }
}
