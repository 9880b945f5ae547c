//! Consultations: the list, one consultation, and voting.
use linli_core::ConsultationView;
use tauri::State;

use super::{acting, parse_id, shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn consultations(
    state: State<'_, AppState>,
    acting_for: Option<String>,
) -> CmdResult<Vec<ConsultationView>> {
    let p = &state.profile;
    p.consultations_as(acting(p, &acting_for)?)
        .map_err(shown(p))
}

#[tauri::command]
pub async fn consultation(
    state: State<'_, AppState>,
    id: String,
    acting_for: Option<String>,
) -> CmdResult<ConsultationView> {
    let p = &state.profile;
    p.consultation_as(parse_id(p, &id)?, acting(p, &acting_for)?)
        .map_err(shown(p))
}

#[tauri::command]
pub async fn vote(
    state: State<'_, AppState>,
    id: String,
    option_ids: Vec<String>,
    acting_for: Option<String>,
) -> CmdResult<()> {
    let p = &state.profile;
    let options = option_ids
        .iter()
        .map(|o| parse_id(p, o))
        .collect::<Result<Vec<_>, _>>()?;
    p.vote_as(parse_id(p, &id)?, options, acting(p, &acting_for)?)
        .map_err(shown(p))
}
