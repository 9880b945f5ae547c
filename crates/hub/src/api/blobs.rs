//! Photos and voice messages (语音留言) by sha256: upload (checked by hash, content type and size, a
//! voice message's container and length; idempotent) and download.
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use linli_proto::{limits, ErrorBody, ErrorCode};

use super::auth::Caller;
use super::{blocking, AppState};
use crate::domain::blob_kind;
use crate::error::ApiError;

/// Upload a JPEG, PNG or WebP photo, or an Ogg Opus voice message of at most a minute, under its sha256.
#[utoipa::path(put, path = "/v1/blobs/{sha256}", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "lower-case hex sha256 of the content")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204, description = "stored (or already stored)"),
        (status = 413, description = "payload_too_large or voice_too_big", body = ErrorBody), (status = 422, description = "blob_type_unsupported, blob_hash_mismatch, image_too_large, voice_not_opus or voice_too_long", body = ErrorBody),
        (status = 507, description = "storage_full: the photo store's disk is full; nothing was kept", body = ErrorBody)))]
pub async fn put_blob(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(sha): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let bytes = match body {
        Ok(b) => b,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(ApiError(ErrorCode::PayloadTooLarge))
        }
        Err(_) => return Err(ApiError(ErrorCode::BadRequest)),
    };
    if !blob_kind::is_sha256(&sha) {
        return Err(ApiError(ErrorCode::BlobHashMismatch));
    }
    if bytes.len() > limits::BLOB_MAX_BYTES {
        return Err(ApiError(ErrorCode::PayloadTooLarge));
    }
    let (mime, duration_ms) = match blob_kind::sniff(&bytes) {
        Some(mime) => {
            blob_kind::check_pixels(&bytes)?;
            (mime, None)
        }
        None if blob_kind::looks_like_audio(&bytes) => {
            let info = linli_voice::inspect(&bytes).map_err(|e| ApiError(voice_code(&e)))?;
            ("audio/ogg", Some(info.duration_ms))
        }
        None => return Err(ApiError(ErrorCode::BlobTypeUnsupported)),
    };
    if blob_kind::sha256_hex(&bytes) != sha {
        return Err(ApiError(ErrorCode::BlobHashMismatch));
    }
    let path = state.hub.blob_dir().join(&sha);
    let size = bytes.len() as i64;
    let now = state.hub.now();
    blocking(&state.hub, move |s| {
        if !path.exists() {
            let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::now_v7()));
            if let Err(e) = std::fs::write(&tmp, &bytes).and_then(|_| std::fs::rename(&tmp, &path))
            {
                // No half-written file stays behind, whatever went wrong.
                let _ = std::fs::remove_file(&tmp);
                crate::metrics::blob_error();
                if e.kind() == std::io::ErrorKind::StorageFull {
                    tracing::error!(error = %e, "the photo store's disk is full");
                    return Err(ErrorCode::StorageFull.into());
                }
                return Err(crate::store::StoreError::Corrupt(format!(
                    "writing blob: {e}"
                )));
            }
        }
        s.record_blob(&sha, mime, size, duration_ms, &viewer, now)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Download a photo or voice message the caller may see (their household's uploads and reports).
#[utoipa::path(get, path = "/v1/blobs/{sha256}", security(("bearer" = [])),
    params(("sha256" = String, Path)),
    responses((status = 200, content_type = "image/* or audio/ogg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn get_blob(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    if !blob_kind::is_sha256(&sha) {
        return Err(ApiError(ErrorCode::NotFound));
    }
    let path = state.hub.blob_dir().join(&sha);
    let found = blocking(&state.hub, move |s| {
        let Some(mime) = s.blob_for(&viewer, &sha)? else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some((mime, bytes))),
            Err(e) => {
                crate::metrics::blob_error();
                Err(crate::store::StoreError::Corrupt(format!(
                    "reading blob: {e}"
                )))
            }
        }
    })
    .await?;
    let (mime, bytes) = found.ok_or(ApiError(ErrorCode::NotFound))?;
    Ok(([(CONTENT_TYPE, mime)], bytes).into_response())
}

/// The stable code for a voice file the hub refuses.
fn voice_code(e: &linli_voice::VoiceError) -> ErrorCode {
    use linli_voice::VoiceError;
    match e {
        VoiceError::TooLong { .. } => ErrorCode::VoiceTooLong,
        VoiceError::TooBig { .. } => ErrorCode::VoiceTooBig,
        _ => ErrorCode::VoiceNotOpus,
    }
}
