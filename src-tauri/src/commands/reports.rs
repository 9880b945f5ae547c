//! Reports (随手拍): making one, the resident's list and timeline, and what they can do with a report.
use linli_core::{Address, NewReport, ReportView, Satisfaction};
use serde::Deserialize;
use tauri::State;

use super::{acting, parse_id, shown, CmdResult};
use crate::commands::media::staged_path;
use crate::state::AppState;

/// A report as the form sends it: photos are names returned by `stage_photo`.
#[derive(Deserialize)]
pub struct ReportForm {
    category: String,
    text: String,
    #[serde(default)]
    address: Address,
    #[serde(default)]
    photos: Vec<String>,
}

#[tauri::command]
pub async fn new_report(
    state: State<'_, AppState>,
    form: ReportForm,
    acting_for: Option<String>,
) -> CmdResult<String> {
    let p = &state.profile;
    let acting_for = acting(p, &acting_for)?;
    let photos = form
        .photos
        .iter()
        .map(|name| staged_path(p, name))
        .collect::<Result<Vec<_>, _>>()?;
    let report = NewReport {
        category: form.category,
        text: form.text,
        address: form.address,
        location: None,
        photos: photos.clone(),
    };
    let id = p.new_report_as(report, acting_for).map_err(shown(p))?;
    // The core keeps its own processed copy; the staged originals (with their metadata) go now.
    for path in photos {
        let _ = std::fs::remove_file(path);
    }
    Ok(id.to_string())
}

#[tauri::command]
pub async fn reports(
    state: State<'_, AppState>,
    acting_for: Option<String>,
) -> CmdResult<Vec<ReportView>> {
    let p = &state.profile;
    p.reports_as(acting(p, &acting_for)?).map_err(shown(p))
}

#[tauri::command]
pub async fn report(
    state: State<'_, AppState>,
    id: String,
    acting_for: Option<String>,
) -> CmdResult<ReportView> {
    let p = &state.profile;
    p.report_as(parse_id(p, &id)?, acting(p, &acting_for)?)
        .map_err(shown(p))
}

#[tauri::command]
pub async fn comment_report(
    state: State<'_, AppState>,
    id: String,
    text: String,
    acting_for: Option<String>,
) -> CmdResult<()> {
    let p = &state.profile;
    p.comment_report_as(parse_id(p, &id)?, &text, acting(p, &acting_for)?)
        .map_err(shown(p))
}

#[tauri::command]
pub async fn withdraw_report(
    state: State<'_, AppState>,
    id: String,
    acting_for: Option<String>,
) -> CmdResult<()> {
    let p = &state.profile;
    p.withdraw_report_as(parse_id(p, &id)?, acting(p, &acting_for)?)
        .map_err(shown(p))
}

#[tauri::command]
pub async fn rate_report(
    state: State<'_, AppState>,
    id: String,
    satisfaction: Satisfaction,
    comment: Option<String>,
    acting_for: Option<String>,
) -> CmdResult<()> {
    let p = &state.profile;
    let comment = comment.filter(|c| !c.trim().is_empty());
    p.rate_report_as(
        parse_id(p, &id)?,
        satisfaction,
        comment,
        acting(p, &acting_for)?,
    )
    .map_err(shown(p))
}

#[tauri::command]
pub async fn reopen_report(
    state: State<'_, AppState>,
    id: String,
    reason: Option<String>,
    acting_for: Option<String>,
) -> CmdResult<()> {
    let p = &state.profile;
    let reason = reason.filter(|r| !r.trim().is_empty());
    p.reopen_report_as(parse_id(p, &id)?, reason, acting(p, &acting_for)?)
        .map_err(shown(p))
}
