//! Notices: the list, one notice, and marking it read.
use linli_core::NoticeView;
use tauri::State;

use super::{acting, parse_id, shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn notices(
    state: State<'_, AppState>,
    acting_for: Option<String>,
) -> CmdResult<Vec<NoticeView>> {
    let p = &state.profile;
    p.notices_as(acting(p, &acting_for)?).map_err(shown(p))
}

/// One notice; acting for someone, it comes from what their grant lets this device read.
#[tauri::command]
pub async fn notice(
    state: State<'_, AppState>,
    id: String,
    acting_for: Option<String>,
) -> CmdResult<NoticeView> {
    let p = &state.profile;
    let id = parse_id(p, &id)?;
    match acting(p, &acting_for)? {
        None => p.notice(id).map_err(shown(p)),
        Some(principal) => p
            .notices_as(Some(principal))
            .map_err(shown(p))?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| shown(p)(linli_core::CoreError::NotFound)),
    }
}

#[tauri::command]
pub async fn mark_notice_read(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let p = &state.profile;
    p.mark_notice_read(parse_id(p, &id)?).map_err(shown(p))
}
