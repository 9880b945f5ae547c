//! Photo processing: a large JPEG carrying GPS EXIF comes out at most 1600 px, upright and without EXIF;
//! a text file named .jpg and an oversized file are refused.
use image::{codecs::jpeg::JpegEncoder, GenericImageView, RgbImage};
use linli_core::{photos, CoreError};

/// A little-endian TIFF block with Orientation = 6 (rotate 90° clockwise) and a GPS IFD with a latitude.
fn exif_with_gps() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II");
    t.extend_from_slice(&42u16.to_le_bytes());
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: Orientation, GPSInfo pointer.
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&6u16.to_le_bytes());
    t.extend_from_slice(&0u16.to_le_bytes());
    t.extend_from_slice(&0x8825u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&38u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 38);
    // GPS IFD at 38: GPSLatitudeRef "N", GPSLatitude 39/1 54/1 1234/100.
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0001u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&0x0002u16.to_le_bytes());
    t.extend_from_slice(&5u16.to_le_bytes());
    t.extend_from_slice(&3u32.to_le_bytes());
    t.extend_from_slice(&68u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 68);
    for (num, den) in [(39u32, 1u32), (54, 1), (1234, 100)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + t.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&t);
    app1
}

/// A 4000×3000 camera-like JPEG with the EXIF block spliced in right after SOI.
pub fn big_jpeg_with_gps() -> Vec<u8> {
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&img)
        .unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&exif_with_gps());
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn large_jpeg_with_gps_is_downscaled_upright_and_stripped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("camera.jpg");
    let input = big_jpeg_with_gps();
    assert!(contains(&input, b"Exif\0\0"));
    std::fs::write(&path, &input).unwrap();

    let p = photos::process(&path).unwrap();
    // Orientation 6 turns the 4000×3000 landscape into a portrait, then the long side is capped.
    assert_eq!((p.width, p.height), (1200, 1600));
    let out = image::load_from_memory(&p.jpeg).unwrap();
    assert_eq!(out.dimensions(), (1200, 1600));
    assert!(!contains(&p.jpeg, b"Exif"), "EXIF left in the output");
    assert!(
        !contains(&p.jpeg, &[0xFF, 0xE1]),
        "an APP1 segment left in the output"
    );
    let thumb = image::load_from_memory(&p.thumbnail).unwrap();
    assert!(thumb.width().max(thumb.height()) <= 320);
    assert!(!contains(&p.thumbnail, b"Exif"));
    assert_eq!(p.sha256.len(), 64);
}

#[test]
fn a_text_file_named_jpg_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-a-photo.jpg");
    std::fs::write(&path, "这不是照片，只是文字。").unwrap();
    let err = photos::process(&path).err().expect("refused");
    assert!(matches!(err, CoreError::PhotoNotImage { .. }), "{err:?}");
    assert_eq!(err.code(), "photo_not_image");
    let msg = err.user_message(linli_core::Lang::ZhCn);
    assert!(
        msg.contains("not-a-photo.jpg") && msg.contains("不是照片"),
        "{msg}"
    );
}

#[test]
fn a_file_over_20_mib_is_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jpg");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(photos::INPUT_MAX_BYTES + 1).unwrap();
    let err = photos::process(&path).err().expect("refused");
    assert!(matches!(err, CoreError::PhotoTooLarge { .. }), "{err:?}");
}

/// CRC-32 (ISO-HDLC) for the PNG chunk patched below.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for b in bytes {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A PNG of a few hundred bytes whose header claims 20,000 × 20,000 pixels (1.6 GB once decoded): refused
/// with its own code before a pixel is decoded, and the same bytes from the hub are refused too.
#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    let mut small = Vec::new();
    image::RgbImage::new(1, 1)
        .write_to(
            &mut std::io::Cursor::new(&mut small),
            image::ImageFormat::Png,
        )
        .unwrap();
    assert_eq!(&small[12..16], b"IHDR");
    small[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    small[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&small[12..29]);
    small[29..33].copy_from_slice(&crc.to_be_bytes());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.png");
    std::fs::write(&path, &small).unwrap();
    let started = std::time::Instant::now();
    let err = photos::process(&path).err().expect("refused");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(err.code(), "photo_too_many_pixels");
    let msg = err.user_message(linli_core::Lang::EnUs);
    assert!(msg.contains("bomb.png") && msg.contains("400"), "{msg}");
    assert!(matches!(
        photos::process_bytes(&small, photos::INPUT_PIXELS_MAX),
        Err(photos::Unusable::TooManyPixels(400_000_000))
    ));

    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&small));
    let err = photos::save_downloaded(&dir.path().join("photos"), &sha, &small).unwrap_err();
    assert_eq!(err.code(), "protocol");
}
