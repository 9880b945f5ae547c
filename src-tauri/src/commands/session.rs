//! Joining, language and settings, sync status, signing out.
use linli_core::{JoinInfo, SyncOutcome, SyncStatus};
use linli_i18n::Lang;
use serde::Serialize;
use tauri::State;

use super::{shown, CmdResult};
use crate::state::AppState;

/// What the UI needs before it draws anything.
#[derive(Serialize)]
pub struct AppInfo {
    joined: bool,
    language: Lang,
    default_hub_url: String,
    version: &'static str,
    profile_dir: String,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    let p = &state.profile;
    Ok(AppInfo {
        joined: p.is_joined(),
        language: p.language(),
        default_hub_url: state.default_hub_url.clone(),
        version: env!("CARGO_PKG_VERSION"),
        profile_dir: p.dir().display().to_string(),
    })
}

#[tauri::command]
pub async fn join(
    state: State<'_, AppState>,
    hub_url: String,
    code: String,
) -> CmdResult<JoinInfo> {
    let p = &state.profile;
    let device_name = format!("Linli on {}", std::env::consts::OS);
    p.join(hub_url.trim(), code.trim(), Some(device_name))
        .await
        .map_err(shown(p))
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CmdResult<SyncOutcome> {
    let p = &state.profile;
    p.sync().await.map_err(shown(p))
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncStatus> {
    let p = &state.profile;
    p.status().map_err(shown(p))
}

#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, language: Lang) -> CmdResult<()> {
    let p = &state.profile;
    p.set_language(language).map_err(shown(p))
}

#[tauri::command]
pub async fn get_setting(state: State<'_, AppState>, key: String) -> CmdResult<Option<String>> {
    let p = &state.profile;
    p.setting(&ui_key(&key)).map_err(shown(p))
}

#[tauri::command]
pub async fn set_setting(state: State<'_, AppState>, key: String, value: String) -> CmdResult<()> {
    let p = &state.profile;
    p.set_setting(&ui_key(&key), &value).map_err(shown(p))
}

/// UI settings live in their own namespace so the web view can never overwrite the core's own keys
/// (hub address, device id, cursor).
fn ui_key(key: &str) -> String {
    format!("ui.{key}")
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> CmdResult<()> {
    let p = &state.profile;
    p.sign_out().map_err(shown(p))
}
