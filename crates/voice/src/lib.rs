//! Voice messages (语音留言) as Opus in Ogg (RFC 7845), 16 kHz mono.
//!
//! Two halves: [`inspect`] reads a file's container only (no codec), which is what the hub needs to
//! judge an upload by its content; [`encode`] (feature `codec`, over the system's libopus) turns a
//! WAV recording into the file a device queues, and [`decode`] turns it back for tests and playback
//! checks.
mod inspect;
pub use inspect::{inspect, VoiceInfo};

#[cfg(feature = "codec")]
mod codec;
#[cfg(feature = "codec")]
pub use codec::{decode, encode_pcm, encode_wav, Encoded, SAMPLE_RATE};

/// Why a file is not a voice message the hub keeps, or a recording could not be encoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VoiceError {
    /// Not Ogg, not Opus in Ogg, or a broken container (bad page checksum, no headers, no audio).
    #[error("not an Ogg Opus file: {0}")]
    NotOpus(&'static str),
    /// Longer than [`linli_proto::limits::VOICE_MS_MAX`] (plus the tolerance, on the hub).
    #[error("voice message of {ms} ms is longer than allowed")]
    TooLong { ms: u64 },
    /// Larger than [`linli_proto::limits::VOICE_MAX_BYTES`].
    #[error("voice message of {bytes} bytes is larger than allowed")]
    TooBig { bytes: usize },
    /// The recording is not a WAV file this crate reads (PCM or float), or has no samples.
    #[error("can't read the recording: {0}")]
    BadRecording(String),
    /// The codec refused (should not happen with the settings used here).
    #[error("opus: {0}")]
    Codec(String),
}
