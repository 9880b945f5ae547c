//! What the shell keeps while it runs: the open profile and where the hub probably is.
use std::path::PathBuf;
use std::sync::Arc;

use linli_core::Profile;
use linli_speech::Speaker;
use tokio::sync::OnceCell;

pub struct AppState {
    pub profile: Arc<Profile>,
    /// Prefilled on the Join screen (`LINLI_HUB_URL`), so a resident rarely types it.
    pub default_hub_url: String,
    /// The platform's speech engine, connected on first use (it may take a moment, and most sessions never
    /// read aloud); `None` when the platform has none.
    speaker: OnceCell<Option<Arc<Speaker>>>,
}

const DEFAULT_HUB_URL: &str = "http://127.0.0.1:8787";
const SPEECH_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

impl AppState {
    pub fn open() -> Result<AppState, Box<dyn std::error::Error>> {
        let dir = profile_dir()?;
        let profile = Profile::open(&dir)?;
        if !profile.is_joined() {
            // A first start may choose the language from the environment (tests, kiosks).
            if let Some(lang) = std::env::var("LINLI_LANG")
                .ok()
                .and_then(|l| linli_i18n::Lang::parse(&l))
            {
                profile.set_language(lang)?;
            }
        }
        let default_hub_url =
            std::env::var("LINLI_HUB_URL").unwrap_or_else(|_| DEFAULT_HUB_URL.to_owned());
        Ok(AppState {
            profile,
            default_hub_url,
            speaker: OnceCell::new(),
        })
    }

    pub async fn speaker(&self) -> Option<Arc<Speaker>> {
        self.speaker
            .get_or_init(|| async {
                // A wedged speech service must not hang the screen that asked: after a while, read-aloud is off.
                match crate::detached::call(SPEECH_CONNECT_TIMEOUT, Speaker::system).await {
                    Some(Ok(s)) => Some(Arc::new(s)),
                    Some(Err(e)) => {
                        tracing::info!("read-aloud is off: {e}");
                        None
                    }
                    None => {
                        tracing::warn!("read-aloud is off: the speech service did not answer");
                        None
                    }
                }
            })
            .await
            .clone()
    }
}

/// The name single-instance claims on the session bus: one running app per profile. The installed app's own
/// profile uses the app's identifier; another profile (`LINLI_PROFILE_DIR`: tests, a second resident on a
/// shared computer) gets a name of its own, so the two don't hand links to each other.
pub fn instance_id() -> String {
    const APP_ID: &str = "org.linli.resident";
    match std::env::var_os("LINLI_PROFILE_DIR") {
        Some(dir) => format!("{APP_ID}.p{:016x}", fnv1a(dir.as_encoded_bytes())),
        None => APP_ID.to_owned(),
    }
}

/// FNV-1a: stable across builds and Rust versions (unlike `DefaultHasher`), which a bus name must be.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `LINLI_PROFILE_DIR`, or the per-user data directory.
fn profile_dir() -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os("LINLI_PROFILE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("org", "linli", "Linli")
        .ok_or("no home directory to keep the profile in")?;
    Ok(dirs.data_dir().join("profile"))
}
