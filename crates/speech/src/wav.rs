//! Read-aloud into a WAV file with espeak-ng, the same engine and Mandarin voice speech-dispatcher uses on Linux.
//! It lets a resident keep a notice as audio, and lets the tests hear (well, measure) what the button would say
//! on a machine without a sound card.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use linli_i18n::Lang;

use crate::SpeechError;

/// What was written: enough to tell real speech from an empty or silent file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WavInfo {
    pub sample_rate: u32,
    pub seconds: f64,
    /// Root mean square of the samples, 0 (silence) to 1.
    pub loudness: f64,
}

fn espeak_voice(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "cmn",
        Lang::EnUs => "en-us",
    }
}

/// Speaks `text` in `lang` into a 16-bit mono WAV file at `path`.
pub fn render_wav(text: &str, lang: Lang, path: &Path) -> Result<WavInfo, SpeechError> {
    let mut child = Command::new("espeak-ng")
        .args(["-v", espeak_voice(lang), "-w"])
        .arg(path)
        .arg("--stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SpeechError::NoEngine(format!("espeak-ng: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(SpeechError::Engine(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    inspect(&std::fs::read(path)?)
}

/// Reads a PCM WAV's format and measures its samples.
fn inspect(bytes: &[u8]) -> Result<WavInfo, SpeechError> {
    let bad = |why: &str| SpeechError::Engine(format!("not a PCM WAV file: {why}"));
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(bad("no RIFF/WAVE header"));
    }
    let (mut pos, mut sample_rate, mut bits, mut channels) = (12, 0u32, 0u16, 0u16);
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let len = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]);
        let body = pos + 8;
        // espeak-ng streams to files and may leave the data length at its maximum: clamp to what is there.
        let end = body.saturating_add(len as usize).min(bytes.len());
        if id == b"fmt " && end >= body + 16 {
            channels = u16::from_le_bytes([bytes[body + 2], bytes[body + 3]]);
            sample_rate = u32::from_le_bytes([
                bytes[body + 4],
                bytes[body + 5],
                bytes[body + 6],
                bytes[body + 7],
            ]);
            bits = u16::from_le_bytes([bytes[body + 14], bytes[body + 15]]);
        } else if id == b"data" {
            if bits != 16 || channels == 0 || sample_rate == 0 {
                return Err(bad("expected 16-bit PCM"));
            }
            let samples: Vec<i16> = bytes[body..end]
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
            let frames = samples.len() / channels as usize;
            let sum_sq: f64 = samples.iter().map(|&s| (s as f64 / 32768.0).powi(2)).sum();
            let loudness = if samples.is_empty() {
                0.0
            } else {
                (sum_sq / samples.len() as f64).sqrt()
            };
            return Ok(WavInfo {
                sample_rate,
                seconds: frames as f64 / sample_rate as f64,
                loudness,
            });
        }
        pos = body + len as usize + (len as usize & 1);
    }
    Err(bad("no data chunk"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(samples: &[i16]) -> Vec<u8> {
        let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut out = Vec::new();
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes()); // PCM
        out.extend_from_slice(&1u16.to_le_bytes()); // mono
        out.extend_from_slice(&8000u32.to_le_bytes());
        out.extend_from_slice(&16000u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(b"data");
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    #[test]
    fn measures_length_and_loudness() {
        let silent = inspect(&wav(&[0; 8000])).unwrap();
        assert_eq!(silent.seconds, 1.0);
        assert_eq!(silent.loudness, 0.0);
        let loud = inspect(&wav(&[16384; 4000])).unwrap();
        assert_eq!(loud.seconds, 0.5);
        assert!((loud.loudness - 0.5).abs() < 1e-9);
    }

    #[test]
    fn refuses_what_is_not_a_wav() {
        assert!(inspect(b"ID3 not a wav").is_err());
        assert!(inspect(&wav(&[1, 2, 3])[..40]).is_err());
    }
}
