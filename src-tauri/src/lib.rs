//! Linli's Tauri shell: opens the resident's profile, runs the background sync, forwards the core's events to
//! the window, and exposes thin commands over `linli_core::Profile`. No business logic lives here.
#![forbid(unsafe_code)]

mod commands;
mod detached;
mod events;
mod join_link;
mod links;
mod state;

use links::PendingLink;
use state::AppState;

/// Builds and runs the app; shared by the desktop binary and Tauri's mobile entry point.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LINLI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();

    let builder = tauri::Builder::default();
    // First, so a second start on the same profile hands its command line (a join link) to the running app
    // and ends before opening anything.
    #[cfg(desktop)]
    let builder = builder.plugin(
        tauri_plugin_single_instance::Builder::new()
            .dbus_id(state::instance_id())
            .callback(|app, args, _cwd| links::second_start(app, args))
            .build(),
    );
    let result = builder
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_deep_link::init())
        .manage(PendingLink::from_args())
        .setup(|app| {
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                let handle = app.handle().clone();
                // On Linux and Windows links come as arguments (above); this is the way on macOS and mobile.
                app.deep_link()
                    .on_open_url(move |event| links::opened_urls(&handle, &event.urls()));
            }
            let state = AppState::open()?;
            events::forward(app.handle().clone(), state.profile.clone());
            let profile = state.profile.clone();
            tauri::async_runtime::spawn(async move {
                // The loop waits quietly until the profile has joined, then syncs on every change and nudge.
                let _ = profile.spawn_sync_loop().await;
            });
            tauri::Manager::manage(app, state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::app_info,
            commands::session::join,
            commands::session::sync_now,
            commands::session::sync_status,
            commands::session::set_language,
            commands::session::get_setting,
            commands::session::set_setting,
            commands::session::sign_out,
            commands::home::home,
            commands::home::categories,
            commands::home::address_book,
            commands::home::messages,
            commands::home::dismiss_message,
            commands::notices::notices,
            commands::notices::notice,
            commands::notices::mark_notice_read,
            commands::media::attachment_data_url,
            commands::media::photo_data_url,
            commands::media::stage_photo,
            commands::reports::new_report,
            commands::reports::reports,
            commands::reports::report,
            commands::reports::comment_report,
            commands::reports::withdraw_report,
            commands::reports::rate_report,
            commands::reports::reopen_report,
            commands::consultations::consultations,
            commands::consultations::consultation,
            commands::consultations::vote,
            commands::read_aloud::read_aloud_available,
            commands::read_aloud::read_aloud,
            commands::read_aloud::stop_reading,
            commands::transparency::transparency,
            commands::proxies::proxy_invite,
            commands::proxies::proxy_accept,
            commands::proxies::proxy_revoke,
            commands::proxies::proxy_grants,
            commands::proxies::acting_for_choices,
            commands::proxies::proxy_activity,
            commands::privacy::privacy_status,
            commands::privacy::accept_privacy,
            commands::privacy::export_my_data,
            commands::privacy::close_account,
            links::take_join_link,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("linli: the app could not start: {e}");
        std::process::exit(1);
    }
}
