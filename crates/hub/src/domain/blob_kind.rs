//! Which photos the hub accepts, judged by their first bytes rather than a name or a header.
use sha2::{Digest, Sha256};

/// The MIME type of a JPEG, PNG or WebP image, or `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether `bytes` look like a sound file (Ogg, WAV, MP3, FLAC, WebM/Matroska, MP4/M4A): such an
/// upload is judged as a voice message, so a recording in the wrong format is told `voice_not_opus`
/// rather than that the hub takes no such file.
pub fn looks_like_audio(bytes: &[u8]) -> bool {
    bytes.starts_with(b"OggS")
        || (bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE")
        || bytes.starts_with(b"ID3")
        || bytes.starts_with(&[0xFF, 0xFB])
        || bytes.starts_with(b"fLaC")
        || bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
        || (bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && &bytes[8..11] == b"M4A")
}

/// Width and height read from a JPEG, PNG or WebP header, without decoding anything, so a file that
/// would decode to gigabytes (a decompression bomb) is refused before anyone opens it. `None` when the
/// header can't be read.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    match sniff(bytes)? {
        "image/png" => png_dimensions(bytes),
        "image/jpeg" => jpeg_dimensions(bytes),
        _ => webp_dimensions(bytes),
    }
}

/// A photo's size within [`linli_proto::limits::PHOTO_PIXELS_MAX`]: `blob_type_unsupported` when the header
/// gives no size, `image_too_large` over the limit. For residents' uploads and staff attachments alike.
pub fn check_pixels(bytes: &[u8]) -> Result<(), linli_proto::ErrorCode> {
    use linli_proto::ErrorCode;
    let (w, h) = dimensions(bytes)
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or(ErrorCode::BlobTypeUnsupported)?;
    if u64::from(w) * u64::from(h) > linli_proto::limits::PHOTO_PIXELS_MAX {
        Err(ErrorCode::ImageTooLarge)
    } else {
        Ok(())
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// The first chunk of a PNG is IHDR: width and height right after its type.
fn png_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    (b.get(12..16)? == b"IHDR").then_some(())?;
    Some((be32(b, 16)?, be32(b, 20)?))
}

/// Walks the JPEG segments up to the first start-of-frame marker, which holds the size.
fn jpeg_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while *b.get(at)? == 0xFF && *b.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        match marker {
            // Standalone markers without a length.
            0x01 | 0xD0..=0xD7 => at += 2,
            0xD9 | 0xDA => return None,
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(b, at + 7)?, be16(b, at + 5)?));
            }
            _ => at = at.checked_add(2 + be16(b, at + 2)? as usize)?,
        }
    }
}

/// WebP: the size sits in the first chunk, coded one of three ways (lossy, lossless, extended).
fn webp_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8 " => Some((le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF)),
        b"VP8L" => {
            let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
        _ => None,
    }
}

/// Types staff may attach to a notice: the photo types plus PDF.
pub fn sniff_attachment(bytes: &[u8]) -> Option<&'static str> {
    sniff(bytes).or_else(|| bytes.starts_with(b"%PDF-").then_some("application/pdf"))
}

/// Lower-case hex sha256 of the content.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether a path segment can be a sha256 at all (64 lower-case hex chars).
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        v.extend_from_slice(b"IHDR");
        v.extend_from_slice(&w.to_be_bytes());
        v.extend_from_slice(&h.to_be_bytes());
        v
    }

    #[test]
    fn reads_png_size() {
        assert_eq!(dimensions(&png_header(640, 480)), Some((640, 480)));
        assert_eq!(dimensions(&png_header(640, 480)[..20]), None);
    }

    #[test]
    fn reads_jpeg_size_after_other_segments() {
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        v.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 3]);
        assert_eq!(dimensions(&v), Some((640, 480)));
        assert_eq!(dimensions(&v[..12]), None);
    }

    #[test]
    fn reads_webp_sizes() {
        let mut x = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        x.extend_from_slice(&[0; 8]);
        x.extend_from_slice(&[0x7F, 0x02, 0, 0xDF, 0x01, 0]);
        assert_eq!(dimensions(&x), Some((640, 480)));
        let mut l = b"RIFF\0\0\0\0WEBPVP8L".to_vec();
        l.extend_from_slice(&[0; 4]);
        l.push(0x2F);
        let bits: u32 = 639 | (479 << 14);
        l.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(dimensions(&l), Some((640, 480)));
    }

    #[test]
    fn garbage_has_no_size() {
        assert_eq!(dimensions(b"not an image"), None);
        assert_eq!(dimensions(&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF]), None);
    }
}
