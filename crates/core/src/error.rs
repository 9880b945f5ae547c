//! The one error type of the core. Each variant has a stable machine code (for the UI and scripts) and a
//! message for the resident in their language.
use linli_i18n::Lang;
use linli_proto::ErrorCode;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("local database: {0}")]
    Db(rusqlite::Error),
    /// The device's storage is full (SQLite could not grow its file, or a photo could not be
    /// written): the change was not queued, and nothing queued before was touched.
    #[error("this device's storage is full: {0}")]
    StorageFull(String),
    #[error("the profile database has schema version {found}, newer than this build ({known})")]
    NewerDatabase { found: i64, known: i64 },
    #[error("file: {0}")]
    Io(std::io::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("this profile has not joined a community yet")]
    NotJoined,
    #[error("this profile has already joined a community")]
    AlreadyJoined,
    #[error("the hub cannot be reached: {0}")]
    Offline(String),
    /// The hub answered with an error body.
    #[error("the hub refused ({status}): {code}: {message}")]
    Hub {
        status: u16,
        code: ErrorCode,
        message: String,
    },
    /// The hub answered something this build does not understand.
    #[error("unexpected answer from the hub: {0}")]
    Protocol(String),
    #[error("the OS keychain cannot be used: {0}")]
    Keychain(String),
    /// Checked on the device before anything is queued, with the same codes the hub would use.
    #[error("refused: {0}")]
    Refused(ErrorCode),
    #[error("not found")]
    NotFound,
    #[error("{path} is not a photo (JPEG, PNG or WebP)")]
    PhotoNotImage { path: PathBuf },
    /// More than the app can hand from its web view to the core in one message (`max_bytes`); far above
    /// what a camera writes. The core itself has no limit on a file's size, only on its pixels.
    #[error("{path} is too large to hand over ({bytes} bytes, at most {max_bytes})")]
    PhotoTooLarge {
        path: PathBuf,
        bytes: u64,
        max_bytes: u64,
    },
    /// HEIC/HEIF, which this build cannot decode: the message says how to send it as JPEG.
    #[error("{path} is a HEIC/HEIF photo")]
    PhotoHeif { path: PathBuf },
    /// A text over its limit, with the limit and its length now (in characters), so the message can say both.
    #[error("text too long ({len} characters, at most {max})")]
    TextTooLong { max: usize, len: usize },
    #[error("{path} has too many pixels ({megapixels} megapixels)")]
    PhotoTooManyPixels { path: PathBuf, megapixels: u64 },
    #[error("invalid hub address: {0}")]
    BadHubUrl(String),
    /// A plain `http://` hub address that is not this machine (see `http::ALLOW_INSECURE_ENV`).
    #[error("refusing unencrypted http to {0}")]
    InsecureHubUrl(String),
    /// The hub's transparency log failed a check: its records may have been changed behind
    /// residents' backs. Never silent: a message is kept and the CLI exits non-zero.
    #[error("transparency log check failed: {}", .0.code())]
    Log(crate::transparency::LogProblem),
}

impl CoreError {
    /// Stable machine code, e.g. `offline` or `consultation_closed`.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Db(_) => "database",
            CoreError::StorageFull(_) => "storage_full",
            CoreError::NewerDatabase { .. } => "newer_database",
            CoreError::Io(_) => "io",
            CoreError::Corrupt(_) => "corrupt",
            CoreError::NotJoined => "not_joined",
            CoreError::AlreadyJoined => "already_joined",
            CoreError::Offline(_) => "offline",
            CoreError::Hub { code, .. } => code.as_str(),
            CoreError::Protocol(_) => "protocol",
            CoreError::Keychain(_) => "keychain",
            CoreError::Refused(code) => code.as_str(),
            CoreError::NotFound => "not_found",
            CoreError::PhotoNotImage { .. } => "photo_not_image",
            CoreError::PhotoTooLarge { .. } => "photo_too_large",
            CoreError::PhotoHeif { .. } => "photo_heif",
            CoreError::TextTooLong { .. } => ErrorCode::FieldTooLong.as_str(),
            CoreError::PhotoTooManyPixels { .. } => "photo_too_many_pixels",
            CoreError::BadHubUrl(_) => "bad_hub_url",
            CoreError::InsecureHubUrl(_) => "insecure_hub_url",
            CoreError::Log(p) => p.code(),
        }
    }

    /// What to tell the resident, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        use linli_i18n::{message, message_args};
        match self {
            CoreError::Hub { code, .. } | CoreError::Refused(code) => {
                linli_i18n::error_message(lang, *code)
            }
            CoreError::NotFound => linli_i18n::error_message(lang, ErrorCode::NotFound),
            CoreError::PhotoNotImage { path } => message_args(
                lang,
                "core-error-photo-not-image",
                &[("file", file_name(path).into())],
            ),
            CoreError::PhotoTooLarge {
                path,
                bytes,
                max_bytes,
            } => message_args(
                lang,
                "core-error-photo-too-large",
                &[
                    ("file", file_name(path).into()),
                    ("mb", mebibytes(*bytes).into()),
                    ("max", mebibytes(*max_bytes).into()),
                ],
            ),
            CoreError::PhotoHeif { path } => message_args(
                lang,
                "core-error-photo-heif",
                &[("file", file_name(path).into())],
            ),
            CoreError::TextTooLong { max, len } => message_args(
                lang,
                "core-error-text-too-long",
                &[("max", (*max as i64).into()), ("len", (*len as i64).into())],
            ),
            CoreError::PhotoTooManyPixels { path, megapixels } => message_args(
                lang,
                "core-error-photo-too-many-pixels",
                &[
                    ("file", file_name(path).into()),
                    ("mp", (*megapixels as i64).into()),
                ],
            ),
            CoreError::Log(p) => p.message(lang),
            CoreError::Keychain(detail) => message_args(
                lang,
                "core-error-keychain",
                &[("detail", detail.clone().into())],
            ),
            other => message(
                lang,
                &format!("core-error-{}", other.code().replace('_', "-")),
            ),
        }
    }

    /// For the UI: code and message in `lang`.
    pub fn view(&self, lang: Lang) -> crate::views::ErrorView {
        crate::views::ErrorView {
            code: self.code().to_owned(),
            message: self.user_message(lang),
        }
    }

    /// True when the hub could not be reached (the change stays queued and is retried).
    pub fn is_offline(&self) -> bool {
        matches!(self, CoreError::Offline(_))
    }
}

fn mebibytes(bytes: u64) -> i64 {
    i64::try_from(bytes.div_ceil(1 << 20)).unwrap_or(i64::MAX)
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// SQLite's "database or disk is full" (a full disk, or a file at its `max_page_count`) is told apart
/// from other database errors: the resident can do something about it.
impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => CoreError::StorageFull(e.to_string()),
            _ => CoreError::Db(e),
        }
    }
}

/// ENOSPC (and a full quota) from writing a file, a photo say, is a full disk too.
impl From<std::io::Error> for CoreError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                CoreError::StorageFull(e.to_string())
            }
            _ => CoreError::Io(e),
        }
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        CoreError::Corrupt(e.to_string())
    }
}
