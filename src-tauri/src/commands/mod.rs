//! The commands the window may call, grouped by screen. Each one only translates: arguments in, a
//! `linli_core::Profile` call, and the answer or an `ErrorView` (stable code + message in the resident's
//! language) out. All are async so no database or network work runs on the UI thread.
pub mod consultations;
pub mod home;
pub mod media;
pub mod notices;
pub mod privacy;
pub mod proxies;
pub mod read_aloud;
pub mod reports;
pub mod session;
pub mod transparency;

use linli_core::{CoreError, ErrorView, Profile};
use uuid::Uuid;

pub type CmdResult<T> = Result<T, ErrorView>;

/// Turns a core error into what the UI shows, in the profile's language.
pub fn shown(profile: &Profile) -> impl Fn(CoreError) -> ErrorView + '_ {
    move |e| e.view(profile.language())
}

/// Ids arrive from the web view as strings; a malformed one is a request error, not a panic.
pub fn parse_id(profile: &Profile, id: &str) -> CmdResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| shown(profile)(CoreError::NotFound))
}

/// The resident a relative is acting for (亲友代办), as the UI's switcher sends it; `None` is the resident's own.
pub fn acting(profile: &Profile, acting_for: &Option<String>) -> CmdResult<Option<Uuid>> {
    acting_for
        .as_deref()
        .map(|id| parse_id(profile, id))
        .transpose()
}
