//! Pictures in and out of the web view: photos the resident picked (staged as files for the core, which
//! checks, downscales and strips them), and report photos and notice attachments shown as data URLs.
use std::path::PathBuf;

use base64::Engine;
use linli_core::{CoreError, Profile};
use tauri::State;

use super::{shown, CmdResult};
use crate::state::AppState;

const STAGING_DIR: &str = "staging";
/// The web view hands a photo over in one message; this bounds that message, not the photo: a 108-megapixel
/// phone's JPEG is 30–40 MB, a motion photo with its video well under this. The core shrinks any size and
/// bounds its work by pixels.
const STAGE_MAX_BYTES: usize = 200 * 1024 * 1024;

/// Writes a picked photo into the profile's staging folder and returns its staged name.
#[tauri::command]
pub async fn stage_photo(
    state: State<'_, AppState>,
    name: String,
    data_base64: String,
) -> CmdResult<String> {
    let p = &state.profile;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.as_bytes())
        .map_err(|_| shown(p)(CoreError::Refused(linli_proto::ErrorCode::BadRequest)))?;
    if bytes.len() > STAGE_MAX_BYTES {
        return Err(shown(p)(CoreError::PhotoTooLarge {
            path: PathBuf::from(&name),
            bytes: bytes.len() as u64,
            max_bytes: STAGE_MAX_BYTES as u64,
        }));
    }
    let dir = p.dir().join(STAGING_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| shown(p)(e.into()))?;
    // Keep only a safe extension from the resident's file name; the content decides what it really is.
    let ext = std::path::Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()) && e.len() <= 5)
        .unwrap_or("bin")
        .to_ascii_lowercase();
    let staged = format!("{}.{ext}", uuid::Uuid::now_v7());
    std::fs::write(dir.join(&staged), &bytes).map_err(|e| shown(p)(e.into()))?;
    Ok(staged)
}

/// The path of a staged photo; names that try to leave the staging folder are refused.
pub fn staged_path(p: &Profile, name: &str) -> CmdResult<PathBuf> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !name.starts_with('.');
    if !ok {
        return Err(shown(p)(CoreError::NotFound));
    }
    Ok(p.dir().join(STAGING_DIR).join(name))
}

#[tauri::command]
pub async fn photo_data_url(
    state: State<'_, AppState>,
    sha256: String,
    thumbnail: bool,
) -> CmdResult<String> {
    let p = &state.profile;
    let bytes = match p.photo_bytes(&sha256, thumbnail) {
        Ok(b) => b,
        // Not on this device yet (a household member's photo): fetch it once, then show it.
        Err(CoreError::NotFound) => {
            p.fetch_photo(&sha256).await.map_err(shown(p))?;
            p.photo_bytes(&sha256, thumbnail).map_err(shown(p))?
        }
        Err(e) => return Err(shown(p)(e)),
    };
    Ok(data_url("image/jpeg", &bytes))
}

#[tauri::command]
pub async fn attachment_data_url(
    state: State<'_, AppState>,
    sha256: String,
    mime: String,
) -> CmdResult<String> {
    let p = &state.profile;
    let bytes = p.attachment_bytes(&sha256).await.map_err(shown(p))?;
    Ok(data_url(&mime, &bytes))
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
