//! Read-aloud (朗读) for residents who find reading hard: speaks a text in the resident's language through the
//! platform's own offline speech engine (speech-dispatcher with espeak-ng on Linux, the system voices on Windows,
//! macOS, Android and iOS, all through the `tts` crate).
//!
//! The app shows its read-aloud button only where [`Speaker::has_voice`] is true: a button that reads Chinese
//! with an English voice, or does nothing, is worse than no button.
mod voices;
mod wav;

use std::sync::Mutex;

use linli_i18n::Lang;

pub use voices::voice_speaks;
pub use wav::{render_wav, WavInfo};

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The platform has no speech service (e.g. speech-dispatcher is not installed or not running).
    #[error("no speech engine: {0}")]
    NoEngine(String),
    /// The engine runs but has no voice for the language.
    #[error("no voice for {0}")]
    NoVoice(&'static str),
    #[error("speech engine: {0}")]
    Engine(String),
    #[error("writing audio: {0}")]
    Io(#[from] std::io::Error),
}

/// The platform's speech engine, connected once and shared by every read-aloud request.
pub struct Speaker {
    tts: Mutex<tts::Tts>,
    /// Voice language tags the engine reported when it connected (e.g. "cmn", "en-US").
    voice_langs: Vec<String>,
}

impl Speaker {
    /// Connects to the platform's speech engine and lists its voices.
    pub fn system() -> Result<Speaker, SpeechError> {
        let tts = tts::Tts::default().map_err(|e| SpeechError::NoEngine(e.to_string()))?;
        let voice_langs = if tts.supported_features().voice {
            tts.voices()
                .map_err(|e| SpeechError::Engine(e.to_string()))?
                .iter()
                .map(|v| v.language().to_string())
                .collect()
        } else {
            Vec::new()
        };
        Ok(Speaker {
            tts: Mutex::new(tts),
            voice_langs,
        })
    }

    /// Whether a voice for `lang` exists: the read-aloud button is shown only then.
    pub fn has_voice(&self, lang: Lang) -> bool {
        self.voice_langs.iter().any(|v| voice_speaks(v, lang))
    }

    /// Speaks `text` with a voice for `lang`, interrupting whatever is being read.
    pub fn speak(&self, text: &str, lang: Lang) -> Result<(), SpeechError> {
        let mut tts = self
            .tts
            .lock()
            .map_err(|_| SpeechError::Engine("speech engine lock poisoned".into()))?;
        let voice = tts
            .voices()
            .map_err(|e| SpeechError::Engine(e.to_string()))?
            .into_iter()
            .find(|v| voice_speaks(&v.language(), lang))
            .ok_or(SpeechError::NoVoice(lang.tag()))?;
        tts.set_voice(&voice)
            .map_err(|e| SpeechError::Engine(e.to_string()))?;
        // A little slower than the engine's normal pace: the people who use this button asked for it.
        let rate = tts.normal_rate() - (tts.normal_rate() - tts.min_rate()) * 0.2;
        if let Err(e) = tts.set_rate(rate) {
            tracing::debug!("speech rate not set: {e}");
        }
        tts.speak(text, true)
            .map_err(|e| SpeechError::Engine(e.to_string()))?;
        Ok(())
    }

    /// Stops reading.
    pub fn stop(&self) -> Result<(), SpeechError> {
        let mut tts = self
            .tts
            .lock()
            .map_err(|_| SpeechError::Engine("speech engine lock poisoned".into()))?;
        tts.stop().map_err(|e| SpeechError::Engine(e.to_string()))?;
        Ok(())
    }
}
