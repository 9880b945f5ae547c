//! Encoding a WAV recording as Ogg Opus (16 kHz mono, 12 kbit/s, 20 ms frames: a minute is about
//! 92 kB) and decoding it back. Over the system's libopus via the `opus` crate; the container is
//! written with the `ogg` crate.
use std::io::Cursor;

use linli_proto::limits;
use ogg::writing::PacketWriteEndInfo;
use opus::{Application, Bitrate, Channels};

use crate::VoiceError;

/// The rate voice messages are encoded at: plenty for speech, and a small file.
pub const SAMPLE_RATE: u32 = 16_000;
/// 20 ms at 16 kHz.
const FRAME: usize = 320;
/// 48 kHz granule units per 16 kHz sample.
const GRANULE_PER_SAMPLE: u64 = 3;
const BITRATE: i32 = 12_000;
/// Frames per Ogg page (one second), so a cut-short upload still has most of its pages.
const FRAMES_PER_PAGE: usize = 50;
/// Any stream serial will do for a file of one stream; a fixed one keeps the output reproducible, so
/// the same recording always gives the same sha256 (and uploads once).
const SERIAL: u32 = 0x6c696e6c; // "linl"

/// A voice message ready to queue.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub ogg: Vec<u8>,
    pub duration_ms: u32,
}

fn codec_err(e: opus::Error) -> VoiceError {
    VoiceError::Codec(e.to_string())
}

/// Reads a WAV file (PCM 8–32 bit or float, any rate, any channels), mixes it to mono, resamples
/// to 16 kHz and encodes it. Refuses a recording longer than [`limits::VOICE_MS_MAX`].
pub fn encode_wav(wav: &[u8]) -> Result<Encoded, VoiceError> {
    let (samples, rate) = read_wav_mono(wav)?;
    let pcm = resample(&samples, rate, SAMPLE_RATE);
    if pcm.is_empty() {
        return Err(VoiceError::BadRecording("no samples".into()));
    }
    let duration_ms = (pcm.len() as u64 * 1000 / u64::from(SAMPLE_RATE)) as u32;
    if duration_ms > limits::VOICE_MS_MAX {
        return Err(VoiceError::TooLong {
            ms: u64::from(duration_ms),
        });
    }
    let ogg = encode_pcm(&pcm)?;
    Ok(Encoded { ogg, duration_ms })
}

/// Encodes 16 kHz mono samples (−1.0..1.0) as Ogg Opus, of whatever length: the 60-second limit is
/// [`encode_wav`]'s, and the hub's; tests use this to make a file over it.
pub fn encode_pcm(pcm: &[f32]) -> Result<Vec<u8>, VoiceError> {
    let mut enc =
        opus::Encoder::new(SAMPLE_RATE, Channels::Mono, Application::Voip).map_err(codec_err)?;
    enc.set_bitrate(Bitrate::Bits(BITRATE)).map_err(codec_err)?;
    let lookahead = enc.get_lookahead().map_err(codec_err)?.max(0) as u64;
    let pre_skip = lookahead * GRANULE_PER_SAMPLE;

    let mut out = Vec::with_capacity(pcm.len() / 10);
    {
        let mut w = ogg::PacketWriter::new(Cursor::new(&mut out));
        let write = |w: &mut ogg::PacketWriter<_>, data: Vec<u8>, end, gp| {
            w.write_packet(data, SERIAL, end, gp)
                .map_err(|e| VoiceError::Codec(format!("ogg: {e}")))
        };
        write(
            &mut w,
            opus_head(pre_skip as u16),
            PacketWriteEndInfo::EndPage,
            0,
        )?;
        write(&mut w, opus_tags(), PacketWriteEndInfo::EndPage, 0)?;
        // The encoder's lookahead delays the audio: feed that much silence more at the end, so the
        // last real samples come out, and let the final granule position trim the padding.
        let frames = (pcm.len() + lookahead as usize).div_ceil(FRAME);
        let mut frame = [0f32; FRAME];
        let mut buf = vec![0u8; 4000];
        for i in 0..frames {
            let start = i * FRAME;
            for (k, s) in frame.iter_mut().enumerate() {
                *s = pcm.get(start + k).copied().unwrap_or(0.0);
            }
            let n = enc.encode_float(&frame, &mut buf).map_err(codec_err)?;
            let last = i + 1 == frames;
            let gp = if last {
                pre_skip + pcm.len() as u64 * GRANULE_PER_SAMPLE
            } else {
                pre_skip + ((i + 1) * FRAME) as u64 * GRANULE_PER_SAMPLE
            };
            let end = if last {
                PacketWriteEndInfo::EndStream
            } else if (i + 1) % FRAMES_PER_PAGE == 0 {
                PacketWriteEndInfo::EndPage
            } else {
                PacketWriteEndInfo::NormalPacket
            };
            write(&mut w, buf[..n].to_vec(), end, gp)?;
        }
    }
    Ok(out)
}

/// The identification header (RFC 7845 §5.1): version 1, mono, mapping family 0.
fn opus_head(pre_skip: u16) -> Vec<u8> {
    let mut h = Vec::with_capacity(19);
    h.extend_from_slice(b"OpusHead");
    h.push(1);
    h.push(1);
    h.extend_from_slice(&pre_skip.to_le_bytes());
    h.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    h.extend_from_slice(&0i16.to_le_bytes());
    h.push(0);
    h
}

/// The comment header (RFC 7845 §5.2), with no comments: nothing about the device or the person.
fn opus_tags() -> Vec<u8> {
    let vendor = b"linli";
    let mut t = Vec::with_capacity(20);
    t.extend_from_slice(b"OpusTags");
    t.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    t.extend_from_slice(vendor);
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

fn read_wav_mono(wav: &[u8]) -> Result<(Vec<f32>, u32), VoiceError> {
    let bad = |e: hound::Error| VoiceError::BadRecording(e.to_string());
    let mut r = hound::WavReader::new(Cursor::new(wav)).map_err(bad)?;
    let spec = r.spec();
    let channels = usize::from(spec.channels.max(1));
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().collect::<Result<_, _>>().map_err(bad)?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(bad)?
        }
    };
    let mono = interleaved
        .chunks(channels)
        .map(|c| c.iter().sum::<f32>() / c.len() as f32)
        .collect();
    Ok((mono, spec.sample_rate))
}

/// Resamples by linear interpolation, averaging over the step first when going down so higher
/// frequencies than the new rate keeps don't fold back as noise. Enough for speech at 16 kHz.
fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() || from == 0 {
        return input.to_vec();
    }
    let step = f64::from(from) / f64::from(to);
    let smoothed: Vec<f32> = if step > 1.0 {
        let w = step.ceil() as usize;
        let mut acc = 0f32;
        let mut out = Vec::with_capacity(input.len());
        for i in 0..input.len() {
            acc += input[i];
            if i >= w {
                acc -= input[i - w];
            }
            out.push(acc / (i + 1).min(w) as f32);
        }
        out
    } else {
        input.to_vec()
    };
    let n = (input.len() as f64 / step).floor() as usize;
    (0..n)
        .map(|i| {
            let pos = i as f64 * step;
            let k = pos.floor() as usize;
            let frac = (pos - k as f64) as f32;
            let a = smoothed[k.min(smoothed.len() - 1)];
            let b = smoothed[(k + 1).min(smoothed.len() - 1)];
            a + (b - a) * frac
        })
        .collect()
}

/// Decodes an Ogg Opus voice message to 16 kHz mono samples, the pre-skip and end trimming applied.
pub fn decode(ogg_bytes: &[u8]) -> Result<Vec<f32>, VoiceError> {
    let info = crate::inspect(ogg_bytes)?;
    let mut dec = opus::Decoder::new(SAMPLE_RATE, Channels::Mono).map_err(codec_err)?;
    let mut reader = ogg::PacketReader::new(Cursor::new(ogg_bytes));
    let mut pre_skip = 0usize;
    let mut out = Vec::new();
    let mut buf = vec![0f32; 5760];
    let mut index = 0;
    while let Some(p) = reader
        .read_packet()
        .map_err(|_| VoiceError::NotOpus("broken Ogg page"))?
    {
        if index == 0 {
            pre_skip = usize::from(u16::from_le_bytes([p.data[10], p.data[11]]))
                / GRANULE_PER_SAMPLE as usize;
        } else if index > 1 {
            let n = dec
                .decode_float(&p.data, &mut buf, false)
                .map_err(codec_err)?;
            out.extend_from_slice(&buf[..n]);
        }
        index += 1;
    }
    let want = (u64::from(info.duration_ms) * u64::from(SAMPLE_RATE) / 1000) as usize;
    let end = (pre_skip + want).min(out.len());
    Ok(out.get(pre_skip.min(end)..end).unwrap_or(&[]).to_vec())
}
