//! The resident's rights: the privacy notice's status and agreeing to it, the copy of their data, and
//! closing the account.
use std::path::PathBuf;

use linli_core::{ClosedView, PrivacyStatus};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use super::{shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn privacy_status(state: State<'_, AppState>) -> CmdResult<PrivacyStatus> {
    let p = &state.profile;
    p.privacy_status().map_err(shown(p))
}

#[tauri::command]
pub async fn accept_privacy(state: State<'_, AppState>, version: u32) -> CmdResult<PrivacyStatus> {
    let p = &state.profile;
    p.accept_privacy(version).map_err(shown(p))
}

/// Where the copy was saved, to show the resident.
#[derive(Serialize)]
pub struct Exported {
    path: String,
    bytes: u64,
}

/// Saves the copy of the resident's data in the downloads folder (`LINLI_EXPORT_DIR` overrides it;
/// the profile folder when the platform has none).
#[tauri::command]
pub async fn export_my_data(app: AppHandle, state: State<'_, AppState>) -> CmdResult<Exported> {
    let p = &state.profile;
    let dir = std::env::var_os("LINLI_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(|| app.path().download_dir().ok())
        .unwrap_or_else(|| p.dir().to_path_buf());
    let path = dir.join(linli_core::privacy::export_file_name(chrono::Local::now()));
    let bytes = p.export_my_data(&path).await.map_err(shown(p))?;
    Ok(Exported {
        path: path.display().to_string(),
        bytes,
    })
}

#[tauri::command]
pub async fn close_account(state: State<'_, AppState>) -> CmdResult<ClosedView> {
    let p = &state.profile;
    p.close_account().await.map_err(shown(p))
}
