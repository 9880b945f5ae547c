//! Where join links arrive: on the command line at start (the desktop entry's `linli-app %u`), from a second
//! start that single-instance hands over to the running app, or as the deep-link plugin's event on platforms
//! where the system delivers links to the running app (macOS, mobile). Each lands here as one [`LinkOffer`]
//! the window takes with `take_join_link` when it is ready, after being nudged with a `join-link` event.
use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager};

use crate::join_link::{self, LinkOffer};

/// The latest link that arrived and the window has not taken yet (a newer one replaces it).
#[derive(Default)]
pub struct PendingLink(Mutex<Option<LinkOffer>>);

impl PendingLink {
    /// The link on this process's own command line, if any.
    pub fn from_args() -> PendingLink {
        let args: Vec<String> = std::env::args().collect();
        PendingLink(Mutex::new(join_link::in_args(&args).map(LinkOffer::from)))
    }

    fn put(&self, offer: LinkOffer) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(offer);
    }

    fn take(&self) -> Option<LinkOffer> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// A second start's command line (single-instance): its link, if it had one, goes to this window, which
/// comes to the front either way — a resident who starts the app again wants to see it.
pub fn second_start(app: &AppHandle, args: Vec<String>) {
    if let Some(found) = join_link::in_args(&args) {
        offer(app, found.into());
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Links the deep-link plugin reports while the app runs; only the first of a batch is a slip's link.
pub fn opened_urls(app: &AppHandle, urls: &[url::Url]) {
    if let Some(url) = urls.first() {
        offer(app, join_link::parse(url.as_str()).into());
    }
}

fn offer(app: &AppHandle, offer: LinkOffer) {
    if let Some(pending) = app.try_state::<PendingLink>() {
        pending.put(offer);
    }
    if let Err(e) = app.emit("join-link", ()) {
        tracing::warn!("could not tell the window about a join link: {e}");
    }
}

/// The link waiting for the window, taken once: a reload does not fill Join again.
#[tauri::command]
pub fn take_join_link(pending: tauri::State<'_, PendingLink>) -> Option<LinkOffer> {
    pending.take()
}
