//! Consultations: the list, one consultation, and voting.
use linli_core::ConsultationView;
use tauri::State;

use super::{parse_id, shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn consultations(state: State<'_, AppState>) -> CmdResult<Vec<ConsultationView>> {
    let p = &state.profile;
    p.consultations().map_err(shown(p))
}

#[tauri::command]
pub async fn consultation(state: State<'_, AppState>, id: String) -> CmdResult<ConsultationView> {
    let p = &state.profile;
    p.consultation(parse_id(p, &id)?).map_err(shown(p))
}

#[tauri::command]
pub async fn vote(
    state: State<'_, AppState>,
    id: String,
    option_ids: Vec<String>,
) -> CmdResult<()> {
    let p = &state.profile;
    let options = option_ids
        .iter()
        .map(|o| parse_id(p, o))
        .collect::<Result<Vec<_>, _>>()?;
    p.vote(parse_id(p, &id)?, options).map_err(shown(p))
}
