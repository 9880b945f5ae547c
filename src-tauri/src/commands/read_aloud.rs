//! Read-aloud (朗读): whether this device can read the resident's language aloud, and reading a notice, a report's
//! timeline or a consultation. The words come from `linli_core::read_aloud`; the voice from the platform.
use linli_core::ErrorView;
use tauri::State;

use super::{parse_id, shown, CmdResult};
use crate::state::AppState;

fn speech_failed(state: &AppState, detail: impl std::fmt::Display) -> ErrorView {
    tracing::warn!("read-aloud failed: {detail}");
    ErrorView {
        code: "speech_failed".into(),
        message: linli_i18n::message(state.profile.language(), "shell-read-aloud-failed"),
    }
}

/// True only when the platform has a voice for the profile's language: the UI hides the button otherwise.
#[tauri::command]
pub async fn read_aloud_available(state: State<'_, AppState>) -> CmdResult<bool> {
    let lang = state.profile.language();
    Ok(state.speaker().await.is_some_and(|s| s.has_voice(lang)))
}

/// Reads one item aloud; `kind` is `notice`, `report` or `consultation`.
#[tauri::command]
pub async fn read_aloud(state: State<'_, AppState>, kind: String, id: String) -> CmdResult<()> {
    let p = &state.profile;
    let lang = p.language();
    let id = parse_id(p, &id)?;
    let text = match kind.as_str() {
        "notice" => linli_core::read_aloud::notice(lang, &p.notice(id).map_err(shown(p))?),
        "report" => linli_core::read_aloud::report(lang, &p.report(id).map_err(shown(p))?),
        "consultation" => {
            linli_core::read_aloud::consultation(lang, &p.consultation(id).map_err(shown(p))?)
        }
        other => return Err(speech_failed(&state, format!("unknown kind {other}"))),
    };
    let speaker = state
        .speaker()
        .await
        .ok_or_else(|| speech_failed(&state, "no speech engine"))?;
    // The engine's client blocks on its socket: keep it off the async runtime, and give up on a wedged service.
    match crate::detached::call(SPEECH_CALL_TIMEOUT, move || speaker.speak(&text, lang)).await {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(speech_failed(&state, e)),
        None => Err(speech_failed(&state, "the speech service did not answer")),
    }
}

const SPEECH_CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

#[tauri::command]
pub async fn stop_reading(state: State<'_, AppState>) -> CmdResult<()> {
    let Some(speaker) = state.speaker().await else {
        return Ok(());
    };
    match crate::detached::call(SPEECH_CALL_TIMEOUT, move || speaker.stop()).await {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(speech_failed(&state, e)),
        None => Err(speech_failed(&state, "the speech service did not answer")),
    }
}
