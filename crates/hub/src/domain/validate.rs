//! Field checks for every op a device can push, before anything is looked up or written.
use linli_proto::{limits, Address, ErrorCode, OpBody, VoiceRef};

use super::blob_kind::is_sha256;

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

fn required(s: &str) -> bool {
    !s.trim().is_empty()
}

fn check_text(s: &str, max: usize) -> Result<(), ErrorCode> {
    if !required(s) {
        Err(ErrorCode::FieldRequired)
    } else if too_long(s, max) {
        Err(ErrorCode::FieldTooLong)
    } else {
        Ok(())
    }
}

/// Text, or a voice message instead of it (语音留言), or both.
fn check_said(text: &str, voice: Option<&VoiceRef>, max: usize) -> Result<(), ErrorCode> {
    match voice {
        None => check_text(text, max),
        Some(v) if !is_sha256(&v.sha256) => Err(ErrorCode::VoiceMissing),
        Some(_) if too_long(text, max) => Err(ErrorCode::FieldTooLong),
        Some(_) => Ok(()),
    }
}

fn check_optional(s: Option<&str>, max: usize) -> Result<(), ErrorCode> {
    match s {
        Some(s) if too_long(s, max) => Err(ErrorCode::FieldTooLong),
        _ => Ok(()),
    }
}

/// Address parts within limits; the address-book check happens against storage.
pub fn address(a: &Address) -> Result<(), ErrorCode> {
    for part in [&a.building, &a.unit, &a.room] {
        check_optional(part.as_deref(), limits::ADDRESS_PART_MAX)?;
    }
    check_optional(a.text.as_deref(), limits::ADDRESS_TEXT_MAX)
}

/// Everything about an op that can be judged without storage.
pub fn op_body(body: &OpBody) -> Result<(), ErrorCode> {
    match body {
        OpBody::CreateReport {
            category,
            text,
            address: addr,
            location,
            photos,
            voice,
            ..
        } => {
            if !required(category) {
                return Err(ErrorCode::FieldRequired);
            }
            check_said(text, voice.as_ref(), limits::TEXT_MAX)?;
            address(addr)?;
            if let Some(l) = location {
                if !(l.lat.is_finite()
                    && l.lon.is_finite()
                    && (-90.0..=90.0).contains(&l.lat)
                    && (-180.0..=180.0).contains(&l.lon))
                {
                    return Err(ErrorCode::BadRequest);
                }
            }
            if photos.len() > limits::PHOTOS_MAX {
                return Err(ErrorCode::TooManyPhotos);
            }
            if photos.iter().any(|p| !is_sha256(p)) {
                return Err(ErrorCode::BlobMissing);
            }
            Ok(())
        }
        OpBody::CommentReport { text, voice, .. } => {
            check_said(text, voice.as_ref(), limits::COMMENT_MAX)
        }
        OpBody::WithdrawReport { .. } => Ok(()),
        OpBody::RateReport { comment, .. } => {
            check_optional(comment.as_deref(), limits::COMMENT_MAX)
        }
        OpBody::ReopenReport { reason, .. } => {
            check_optional(reason.as_deref(), limits::COMMENT_MAX)
        }
        OpBody::CastVote { option_ids, .. } => {
            if option_ids.is_empty() {
                Err(ErrorCode::InvalidChoice)
            } else {
                Ok(())
            }
        }
        OpBody::MarkNoticeRead { .. } => Ok(()),
    }
}

/// Staff texts (notice titles and bodies, consultation texts) follow the same limits.
pub fn title(s: &str) -> Result<(), ErrorCode> {
    check_text(s, limits::TITLE_MAX)
}

pub fn text(s: &str) -> Result<(), ErrorCode> {
    check_text(s, limits::TEXT_MAX)
}
