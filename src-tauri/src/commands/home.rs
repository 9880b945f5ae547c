//! The home screen, the community's reference data, and messages kept for the resident.
use linli_core::{Building, CategoryView, HomeSummary, ResidentMessage};
use tauri::State;

use super::{acting, shown, CmdResult};
use crate::state::AppState;

#[tauri::command]
pub async fn home(state: State<'_, AppState>) -> CmdResult<HomeSummary> {
    let p = &state.profile;
    p.home().map_err(shown(p))
}

#[tauri::command]
pub async fn categories(
    state: State<'_, AppState>,
    acting_for: Option<String>,
) -> CmdResult<Vec<CategoryView>> {
    let p = &state.profile;
    p.categories_as(acting(p, &acting_for)?).map_err(shown(p))
}

#[tauri::command]
pub async fn address_book(state: State<'_, AppState>) -> CmdResult<Vec<Building>> {
    let p = &state.profile;
    p.address_book().map_err(shown(p))
}

#[tauri::command]
pub async fn messages(state: State<'_, AppState>) -> CmdResult<Vec<ResidentMessage>> {
    let p = &state.profile;
    p.messages().map_err(shown(p))
}

#[tauri::command]
pub async fn dismiss_message(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let p = &state.profile;
    p.dismiss_message(id).map_err(shown(p))
}
