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
