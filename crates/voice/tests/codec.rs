//! Encoding a known WAV and decoding it back: the length, the size and the sound survive.
#![cfg(feature = "codec")]
use std::io::Cursor;

use linli_voice::{decode, encode_pcm, encode_wav, inspect, VoiceError, SAMPLE_RATE};

/// A WAV of a `hz` tone, `secs` long, at `rate` with `channels` channels, 16-bit.
fn tone_wav(hz: f32, secs: f32, rate: u32, channels: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(Cursor::new(&mut out), spec).unwrap();
    let n = (secs * rate as f32) as usize;
    for i in 0..n {
        let v = (i as f32 / rate as f32 * hz * std::f32::consts::TAU).sin() * 0.5;
        for _ in 0..channels {
            w.write_sample((v * i16::MAX as f32) as i16).unwrap();
        }
    }
    w.finalize().unwrap();
    out
}

/// The dominant frequency, from zero crossings.
fn frequency(pcm: &[f32]) -> f32 {
    let crossings = pcm
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    crossings as f32 / 2.0 / (pcm.len() as f32 / SAMPLE_RATE as f32)
}

#[test]
fn a_stereo_44k_wav_becomes_16k_mono_opus_of_the_same_length_and_pitch() {
    let wav = tone_wav(440.0, 3.0, 44_100, 2);
    let enc = encode_wav(&wav).unwrap();
    assert_eq!(enc.duration_ms, 3000);
    assert!(enc.ogg.starts_with(b"OggS"));
    let info = inspect(&enc.ogg).unwrap();
    assert!(info.duration_ms.abs_diff(3000) <= 1, "{info:?}");
    assert_eq!(info.channels, 1);
    assert_eq!(info.input_rate, SAMPLE_RATE);
    let pcm = decode(&enc.ogg).unwrap();
    assert!(pcm.len().abs_diff(48_000) <= 16, "{} samples", pcm.len());
    // Skip the first and last 100 ms, where the codec fades in and out.
    let f = frequency(&pcm[1600..pcm.len() - 1600]);
    assert!((f - 440.0).abs() < 15.0, "{f} Hz");
    let rms = (pcm.iter().map(|s| s * s).sum::<f32>() / pcm.len() as f32).sqrt();
    assert!(rms > 0.2, "rms {rms}");
}

#[test]
fn the_same_recording_encodes_to_the_same_bytes() {
    let wav = tone_wav(300.0, 1.0, 16_000, 1);
    assert_eq!(encode_wav(&wav).unwrap().ogg, encode_wav(&wav).unwrap().ogg);
}

#[test]
fn a_minute_of_speech_band_sound_is_under_100_kb() {
    // A mix of tones and noise is harder to code than one tone.
    let mut seed = 1u32;
    let pcm: Vec<f32> = (0..60 * SAMPLE_RATE as usize)
        .map(|i| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let noise = (seed >> 16) as f32 / 65_536.0 - 0.5;
            let t = i as f32 / SAMPLE_RATE as f32;
            0.3 * (t * 220.0 * std::f32::consts::TAU).sin()
                + 0.2 * (t * 1250.0 * std::f32::consts::TAU).sin()
                + 0.2 * noise
        })
        .collect();
    let ogg = encode_pcm(&pcm).unwrap();
    assert!(ogg.len() < 100_000, "{} bytes", ogg.len());
    assert!(inspect(&ogg).unwrap().duration_ms.abs_diff(60_000) <= 1);
}

#[test]
fn a_recording_over_a_minute_is_refused_on_the_device() {
    let wav = tone_wav(440.0, 61.0, 8_000, 1);
    assert!(matches!(encode_wav(&wav), Err(VoiceError::TooLong { .. })));
}

#[test]
fn what_is_not_a_wav_is_a_bad_recording() {
    assert!(matches!(
        encode_wav(b"not a wav at all"),
        Err(VoiceError::BadRecording(_))
    ));
}

#[test]
fn the_hub_side_checks_refuse_what_is_not_voice() {
    // A WAV is audio but not Opus.
    let wav = tone_wav(440.0, 0.5, 16_000, 1);
    assert!(matches!(inspect(&wav), Err(VoiceError::NotOpus(_))));
    // Ogg pages with a broken checksum.
    let mut ogg = encode_wav(&wav).unwrap().ogg;
    let n = ogg.len();
    ogg[n - 3] ^= 0xff;
    assert!(matches!(inspect(&ogg), Err(VoiceError::NotOpus(_))));
    // Over the limit in length (61 s) and in size.
    let long = encode_pcm(&vec![0.1; 61 * SAMPLE_RATE as usize]).unwrap();
    assert!(matches!(inspect(&long), Err(VoiceError::TooLong { .. })));
    let big = vec![b'O'; linli_proto::limits::VOICE_MAX_BYTES + 1];
    assert!(matches!(inspect(&big), Err(VoiceError::TooBig { .. })));
}
