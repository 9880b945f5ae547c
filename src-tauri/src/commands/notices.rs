//! Notices: the list, one notice, and marking it read.
use linli_core::NoticeView;
use tauri::State;

use super::{parse_id, shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn notices(state: State<'_, AppState>) -> CmdResult<Vec<NoticeView>> {
    let p = &state.profile;
    p.notices().map_err(shown(p))
}

#[tauri::command]
pub async fn notice(state: State<'_, AppState>, id: String) -> CmdResult<NoticeView> {
    let p = &state.profile;
    p.notice(parse_id(p, &id)?).map_err(shown(p))
}

#[tauri::command]
pub async fn mark_notice_read(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let p = &state.profile;
    p.mark_notice_read(parse_id(p, &id)?).map_err(shown(p))
}
