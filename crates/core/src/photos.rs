//! Photos for reports: checked, decoded, turned upright, downscaled to at most 1600 px on the long side and
//! re-encoded as JPEG. Re-encoding writes only pixels, so EXIF (GPS, camera, time) never leaves the device;
//! the EXIF orientation is read and applied first, so the picture stays upright without it.
//! A thumbnail of at most 320 px is made for lists. Both are stored under `photos/` by the sha256 of the
//! processed picture, which is also the blob's name on the hub (so uploads are idempotent).
//!
//! There is no limit on the file's size: a 108-megapixel phone's 30 MB JPEG, or a "motion photo" with a video
//! after the picture, is taken. What bounds the work is what gets decoded — the pixel count from the header,
//! checked before any pixel is decoded, and the decoder's allocation limit sized from it. The picture is
//! shrunk before it is turned upright, so only the full decode is ever picture-sized.
use crate::CoreError;
use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

/// Pictures with more pixels than this (width × height) are refused before decoding: a small file can
/// claim a size that would take gigabytes to decode (a decompression bomb). Above the 108-megapixel phone
/// cameras; a 200-megapixel mode's picture would need 600 MB decoded.
pub const INPUT_PIXELS_MAX: u64 = 120_000_000;
pub const LONG_SIDE_MAX: u32 = 1600;
pub const THUMB_SIDE_MAX: u32 = 320;
const JPEG_QUALITY: u8 = 85;
const THUMB_QUALITY: u8 = 75;
pub const MIME: &str = "image/jpeg";

/// A photo ready to be stored and uploaded.
pub struct ProcessedPhoto {
    pub sha256: String,
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Checks and processes one picture file of any size. Refuses non-images, HEIC/HEIF (with a message that
/// says how to send it as JPEG) and pictures over [`INPUT_PIXELS_MAX`].
pub fn process(path: &Path) -> Result<ProcessedPhoto, CoreError> {
    let file = BufReader::new(std::fs::File::open(path)?);
    process_reader(file, INPUT_PIXELS_MAX).map_err(|e| match e {
        Unusable::NotImage => CoreError::PhotoNotImage {
            path: path.to_owned(),
        },
        Unusable::Heif => CoreError::PhotoHeif {
            path: path.to_owned(),
        },
        Unusable::TooManyPixels(pixels) => CoreError::PhotoTooManyPixels {
            path: path.to_owned(),
            megapixels: pixels.div_ceil(1_000_000),
        },
    })
}

/// Why bytes can't be made into a photo.
#[derive(Debug, PartialEq)]
pub enum Unusable {
    NotImage,
    /// An HEIC/HEIF picture (an iPhone's default): Debian 12's libheif (1.15) is older than any maintained
    /// Rust binding accepts (1.17+), so this build can't decode it.
    Heif,
    /// Width × height over the limit, with the pixel count the header claims.
    TooManyPixels(u64),
}

/// Decodes, turns upright, downscales and re-encodes, refusing pictures over `max_pixels` before any
/// pixel is decoded. Public for the fuzz targets; devices go through [`process`] and [`save_downloaded`].
pub fn process_bytes(bytes: &[u8], max_pixels: u64) -> Result<ProcessedPhoto, Unusable> {
    process_reader(Cursor::new(bytes), max_pixels)
}

/// An ISO base media file whose brand is one of HEIF's ("ftyp" box at offset 4: heic, heix, mif1, …).
fn is_heif(head: &[u8]) -> bool {
    const BRANDS: [&[u8; 4]; 8] = [
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
    ];
    head.len() >= 12 && &head[4..8] == b"ftyp" && BRANDS.iter().any(|b| &head[8..12] == *b)
}

fn process_reader<R: BufRead + Seek>(
    mut input: R,
    max_pixels: u64,
) -> Result<ProcessedPhoto, Unusable> {
    let mut head = [0u8; 32];
    let n = read_up_to(&mut input, &mut head).map_err(|_| Unusable::NotImage)?;
    input
        .seek(std::io::SeekFrom::Start(0))
        .map_err(|_| Unusable::NotImage)?;
    let head = &head[..n];
    if is_heif(head) {
        return Err(Unusable::Heif);
    }
    let format = image::guess_format(head).map_err(|_| Unusable::NotImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(Unusable::NotImage);
    }
    let reader = ImageReader::with_format(input, format);
    let mut decoder = reader.into_decoder().map_err(|_| Unusable::NotImage)?;
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max_pixels {
        return Err(Unusable::TooManyPixels(pixels));
    }
    // Bound what the decoder may allocate, whatever the data does: the picture at its own colour type (at
    // most 16-bit RGBA, 8 bytes a pixel) twice over, for a decoder's working buffers (an interlaced PNG's).
    let mut limits = image::Limits::default();
    let bytes_per_pixel = u64::from(decoder.color_type().bytes_per_pixel());
    let picture = pixels.saturating_mul(bytes_per_pixel);
    limits.max_alloc = Some(picture.saturating_mul(2).saturating_add(64 << 20));
    decoder.set_limits(limits).map_err(|_| Unusable::NotImage)?;
    // Read before the decoder is consumed: the orientation lives in the metadata that re-encoding drops.
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| Unusable::NotImage)?;
    if img.width().max(img.height()) > LONG_SIDE_MAX {
        // A big picture is first averaged down to twice the target (integer box filter, no floating-point
        // copy of the full picture), then resampled; the frame is square, so shrinking before turning
        // upright gives the same size and turns only the small picture.
        if img.width().max(img.height()) > 2 * LONG_SIDE_MAX {
            img = img.thumbnail(2 * LONG_SIDE_MAX, 2 * LONG_SIDE_MAX);
        }
        img = img.resize(
            LONG_SIDE_MAX,
            LONG_SIDE_MAX,
            image::imageops::FilterType::Triangle,
        );
    }
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let jpeg = encode(&rgb, JPEG_QUALITY).map_err(|()| Unusable::NotImage)?;
    let thumbnail = encode(
        &rgb.thumbnail(THUMB_SIDE_MAX, THUMB_SIDE_MAX),
        THUMB_QUALITY,
    )
    .map_err(|()| Unusable::NotImage)?;
    Ok(ProcessedPhoto {
        sha256: hex::encode(Sha256::digest(&jpeg)),
        width: rgb.width(),
        height: rgb.height(),
        jpeg,
        thumbnail,
    })
}

/// Fills `buf` as far as the input goes (a file shorter than the buffer is fine).
fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, ()> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|_| ())?;
    Ok(out)
}

/// Where a stored photo (or its thumbnail) lives in the profile.
pub fn path_of(photos_dir: &Path, sha256: &str, thumbnail: bool) -> Result<PathBuf, CoreError> {
    // The name comes from the replica or the UI: accept only a sha256, never a path.
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CoreError::NotFound);
    }
    Ok(photos_dir.join(if thumbnail {
        format!("{sha256}.thumb.jpg")
    } else {
        format!("{sha256}.jpg")
    }))
}

/// Writes the photo and its thumbnail (atomically: temp file, then rename).
pub fn save(photos_dir: &Path, photo: &ProcessedPhoto) -> Result<(), CoreError> {
    write_pair(photos_dir, &photo.sha256, &photo.jpeg, &photo.thumbnail)
}

/// Stores a photo downloaded from the hub (e.g. taken on another device of the household) under its name,
/// after checking it is what the name says, with a thumbnail made here.
pub fn save_downloaded(photos_dir: &Path, sha256: &str, bytes: &[u8]) -> Result<(), CoreError> {
    if hex::encode(Sha256::digest(bytes)) != sha256 {
        return Err(CoreError::Protocol(format!(
            "photo {sha256} does not match its hash"
        )));
    }
    // The hub refuses photos over its pixel limit, so anything bigger did not come from a device.
    let processed = process_bytes(bytes, linli_proto::limits::PHOTO_PIXELS_MAX)
        .map_err(|e| CoreError::Protocol(format!("photo {sha256} is not usable: {e:?}")))?;
    write_pair(photos_dir, sha256, bytes, &processed.thumbnail)
}

fn write_pair(photos_dir: &Path, sha256: &str, full: &[u8], thumb: &[u8]) -> Result<(), CoreError> {
    std::fs::create_dir_all(photos_dir)?;
    for (is_thumb, bytes) in [(false, full), (true, thumb)] {
        let path = path_of(photos_dir, sha256, is_thumb)?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(())
}
