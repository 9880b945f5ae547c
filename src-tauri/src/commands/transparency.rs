//! Verifiable records (可验证): what this device has checked of the hub's transparency log.
use linli_core::views::TransparencyView;
use tauri::State;

use super::{shown, CmdResult};
use crate::state::AppState;

/// The last check's state, from the local store (no network).
#[tauri::command]
pub async fn transparency(state: State<'_, AppState>) -> CmdResult<TransparencyView> {
    let p = &state.profile;
    p.transparency().map_err(shown(p))
}
