//! Forwards the core's events to the window (`core-event`), and turns report status changes and urgent notices
//! into desktop notifications.
use std::sync::Arc;

use linli_core::{CoreEvent, Profile};
use linli_i18n::{message, message_args};
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;

pub fn forward(app: AppHandle, profile: Arc<Profile>) {
    let mut rx = profile.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(event) => {
                    notify(&app, &profile, &event);
                    if let Err(e) = app.emit("core-event", &event) {
                        tracing::warn!("could not forward an event to the window: {e}");
                    }
                }
                // Missed events only mean the UI reloads a little later: tell it to reload now.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let _ = app.emit("core-event", &CoreEvent::DataChanged);
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

fn notify(app: &AppHandle, profile: &Profile, event: &CoreEvent) {
    let lang = profile.language();
    let (title, body) = match event {
        CoreEvent::ReportStatusChanged { status, .. } => (
            message(lang, "shell-notify-report-title"),
            message_args(
                lang,
                "shell-notify-report-body",
                &[(
                    "status",
                    message(lang, &format!("cli-status-{}", status.as_str())).into(),
                )],
            ),
        ),
        CoreEvent::UrgentNotice { title, .. } => {
            (message(lang, "shell-notify-urgent-title"), title.clone())
        }
        _ => return,
    };
    // A desktop without a notification service still has the in-app view; nothing to do on failure.
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("desktop notification not shown: {e}");
    }
}
