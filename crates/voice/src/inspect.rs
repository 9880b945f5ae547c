//! Judging a voice file by its content: Ogg pages with valid checksums, one logical stream whose
//! first packet is `OpusHead` and second `OpusTags`, and a duration read from the last page's
//! granule position minus the pre-skip (RFC 7845 §4), without decoding any audio.
use std::io::Cursor;

use linli_proto::limits;

use crate::VoiceError;

/// What the hub learns from a voice file's container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoiceInfo {
    /// Playing time, in milliseconds.
    pub duration_ms: u32,
    pub channels: u8,
    /// The sample rate of the recording before encoding (informational; Opus always decodes at 48 kHz).
    pub input_rate: u32,
}

/// Opus granule positions count 48 kHz samples whatever the input rate.
const GRANULE_RATE: u64 = 48_000;

/// Checks that `bytes` is a voice message the hub keeps: within the size limit, Ogg Opus, and no
/// longer than the limit plus its tolerance.
pub fn inspect(bytes: &[u8]) -> Result<VoiceInfo, VoiceError> {
    if bytes.len() > limits::VOICE_MAX_BYTES {
        return Err(VoiceError::TooBig { bytes: bytes.len() });
    }
    if !bytes.starts_with(b"OggS") {
        return Err(VoiceError::NotOpus("no Ogg page"));
    }
    let mut reader = ogg::PacketReader::new(Cursor::new(bytes));
    let mut serial = None;
    let mut index = 0usize;
    let mut pre_skip = 0u64;
    let mut channels = 0u8;
    let mut input_rate = 0u32;
    let mut last_granule = 0u64;
    loop {
        let packet = match reader.read_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(_) => return Err(VoiceError::NotOpus("broken Ogg page")),
        };
        match serial {
            None => serial = Some(packet.stream_serial()),
            Some(s) if s != packet.stream_serial() => {
                return Err(VoiceError::NotOpus("more than one stream"))
            }
            Some(_) => {}
        }
        let data = &packet.data;
        match index {
            0 => {
                if data.len() < 19 || &data[..8] != b"OpusHead" || data[8] >> 4 != 0 {
                    return Err(VoiceError::NotOpus("no OpusHead"));
                }
                channels = data[9];
                if channels == 0 {
                    return Err(VoiceError::NotOpus("no channels"));
                }
                pre_skip = u64::from(u16::from_le_bytes([data[10], data[11]]));
                input_rate = u32::from_le_bytes([data[12], data[13], data[14], data[15]]);
            }
            1 => {
                if data.len() < 8 || &data[..8] != b"OpusTags" {
                    return Err(VoiceError::NotOpus("no OpusTags"));
                }
            }
            _ => {
                if packet.last_in_page() {
                    last_granule = packet.absgp_page();
                }
            }
        }
        index += 1;
    }
    if index < 3 {
        return Err(VoiceError::NotOpus("no audio"));
    }
    let samples = last_granule.saturating_sub(pre_skip);
    let ms = samples * 1000 / GRANULE_RATE;
    if ms > u64::from(limits::VOICE_MS_MAX + limits::VOICE_MS_TOLERANCE) {
        return Err(VoiceError::TooLong { ms });
    }
    Ok(VoiceInfo {
        duration_ms: ms as u32,
        channels,
        input_rate,
    })
}
