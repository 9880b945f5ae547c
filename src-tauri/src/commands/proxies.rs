//! 亲友代办 (authorized proxies): inviting a relative, accepting a code, the grants both ways, ending one, the
//! "acting for" choices, and the principal's record of every act done for them.
use linli_core::{PrincipalChoice, ProxyActView, ProxyGrantView, ProxyInviteView, ProxyScope};
use tauri::State;

use super::{parse_id, shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn proxy_invite(
    state: State<'_, AppState>,
    scopes: Vec<ProxyScope>,
    days: Option<i64>,
) -> CmdResult<ProxyInviteView> {
    let p = &state.profile;
    p.proxy_invite(scopes, days).await.map_err(shown(p))
}

#[tauri::command]
pub async fn proxy_accept(
    state: State<'_, AppState>,
    code: String,
    name: Option<String>,
) -> CmdResult<ProxyGrantView> {
    let p = &state.profile;
    let name = name.filter(|n| !n.trim().is_empty());
    p.proxy_accept(code.trim(), name).await.map_err(shown(p))
}

#[tauri::command]
pub async fn proxy_revoke(state: State<'_, AppState>, id: String) -> CmdResult<ProxyGrantView> {
    let p = &state.profile;
    p.proxy_revoke(parse_id(p, &id)?).await.map_err(shown(p))
}

/// Grants both ways: fresh from the hub when it answers, else as last synced (offline-first).
#[tauri::command]
pub async fn proxy_grants(state: State<'_, AppState>) -> CmdResult<Vec<ProxyGrantView>> {
    let p = &state.profile;
    match p.refresh_proxy_grants().await {
        Ok(list) => Ok(list),
        Err(_) => p.proxy_grants().map_err(shown(p)),
    }
}

#[tauri::command]
pub async fn acting_for_choices(state: State<'_, AppState>) -> CmdResult<Vec<PrincipalChoice>> {
    let p = &state.profile;
    p.acting_for_choices().map_err(shown(p))
}

#[tauri::command]
pub async fn proxy_activity(state: State<'_, AppState>) -> CmdResult<Vec<ProxyActView>> {
    let p = &state.profile;
    p.proxy_activity().map_err(shown(p))
}
