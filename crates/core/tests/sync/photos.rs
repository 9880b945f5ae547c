//! Photo processing: a large JPEG carrying GPS EXIF comes out at most 1600 px, upright and without EXIF;
//! every EXIF orientation is applied; a 30 MB photo is taken (no limit on a file's size); a text file named
//! .jpg, a decompression bomb and a HEIC photo are refused, each with its own message.
use image::{codecs::jpeg::JpegEncoder, GenericImageView, RgbImage};
use linli_core::{photos, CoreError};

/// A little-endian TIFF block with Orientation = 6 (rotate 90° clockwise) and a GPS IFD with a latitude.
fn exif_with_gps() -> Vec<u8> {
    exif_app1(6)
}

/// An APP1 EXIF segment with the given Orientation tag and a GPS IFD with a latitude.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II");
    t.extend_from_slice(&42u16.to_le_bytes());
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: Orientation, GPSInfo pointer.
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&orientation.to_le_bytes());
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
    with_exif(&jpeg_of(&img, 80), &exif_with_gps())
}

fn jpeg_of(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, quality)
        .encode_image(img)
        .unwrap();
    jpeg
}

/// The JPEG with an APP1 segment spliced in right after SOI, where cameras write it.
fn with_exif(jpeg: &[u8], app1: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

const RED: [u8; 3] = [220, 20, 20];
const GREY: [u8; 3] = [128, 128, 128];

/// Which corner of the picture is red: (right?, bottom?), judged on the corner's middle.
fn red_corner(img: &image::RgbImage) -> (bool, bool) {
    let (w, h) = img.dimensions();
    let reddish = |x: u32, y: u32| {
        let p = img.get_pixel(x, y).0;
        p[0] > 180 && p[1] < 80 && p[2] < 80
    };
    let corners = [
        (false, false, w / 8, h / 8),
        (true, false, w - 1 - w / 8, h / 8),
        (false, true, w / 8, h - 1 - h / 8),
        (true, true, w - 1 - w / 8, h - 1 - h / 8),
    ];
    let red: Vec<_> = corners
        .iter()
        .filter(|(_, _, x, y)| reddish(*x, *y))
        .map(|(r, b, _, _)| (*r, *b))
        .collect();
    assert_eq!(red.len(), 1, "exactly one red corner: {red:?}");
    red[0]
}

/// Each EXIF orientation a camera writes, applied: a 400×200 grey picture with its top-left corner red,
/// stored as the sensor saw it, comes out turned the way the tag says (and the tag itself is gone).
#[test]
fn every_exif_orientation_is_applied_before_the_metadata_is_dropped() {
    let stored = RgbImage::from_fn(400, 200, |x, y| {
        image::Rgb(if x < 100 && y < 50 { RED } else { GREY })
    });
    let jpeg = jpeg_of(&stored, 95);
    // (orientation, size after, where the red corner ends up as (right, bottom))
    let cases = [
        (1u16, (400, 200), (false, false)),
        (2, (400, 200), (true, false)),
        (3, (400, 200), (true, true)),
        (4, (400, 200), (false, true)),
        (5, (200, 400), (false, false)),
        (6, (200, 400), (true, false)),
        (7, (200, 400), (true, true)),
        (8, (200, 400), (false, true)),
    ];
    for (orientation, size, corner) in cases {
        let input = with_exif(&jpeg, &exif_app1(orientation));
        let p = photos::process_bytes(&input, photos::INPUT_PIXELS_MAX).unwrap();
        let out = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
        assert_eq!(out.dimensions(), size, "orientation {orientation}");
        assert_eq!(red_corner(&out), corner, "orientation {orientation}");
        assert!(!contains(&p.jpeg, b"Exif"), "orientation {orientation}");
    }
}

/// A 30 MB photo, as a high-resolution phone writes it, is taken: shrunk to 1600 px, upright. Before, any
/// file over 20 MB was refused although the app shrinks photos anyway.
#[test]
fn a_photo_over_30_mb_is_taken_shrunk_and_upright() {
    // Noise compresses badly, as fine detail from a big sensor does: a 24-megapixel JPEG at quality 100.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let img = RgbImage::from_fn(6000, 4000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let b = seed.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let input = with_exif(&jpeg_of(&img, 100), &exif_app1(8));
    drop(img);
    assert!(
        input.len() > 30 * 1024 * 1024,
        "the test photo is {} bytes",
        input.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("IMG_0001.jpg");
    std::fs::write(&path, &input).unwrap();

    let p = photos::process(&path).unwrap();
    // Orientation 8 turns the 6000×4000 landscape into a portrait; the long side is capped at 1600.
    assert_eq!(p.height, 1600);
    assert!((1066..=1067).contains(&p.width), "{}×{}", p.width, p.height);
    assert_eq!(
        image::load_from_memory(&p.jpeg).unwrap().dimensions(),
        (p.width, p.height)
    );
    assert!(p.jpeg.len() < 3 * 1024 * 1024, "{} bytes", p.jpeg.len());
    assert!(!contains(&p.jpeg, b"Exif"));
}

/// An iPhone's HEIC photo (an ISO media file of brand `heic`) is refused with its own code and a message
/// that says how to send it as JPEG, rather than "not a photo".
#[test]
fn a_heic_photo_is_refused_with_how_to_send_it_as_jpeg() {
    let mut heic = Vec::new();
    heic.extend_from_slice(&24u32.to_be_bytes());
    heic.extend_from_slice(b"ftypheic");
    heic.extend_from_slice(&0u32.to_be_bytes());
    heic.extend_from_slice(b"mif1heic");
    heic.extend_from_slice(&[0u8; 64]);
    assert_eq!(
        photos::process_bytes(&heic, photos::INPUT_PIXELS_MAX).err(),
        Some(photos::Unusable::Heif)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("IMG_4031.HEIC");
    std::fs::write(&path, &heic).unwrap();
    let err = photos::process(&path).err().expect("refused");
    assert_eq!(err.code(), "photo_heif");
    let zh = err.user_message(linli_core::Lang::ZhCn);
    assert!(
        zh.contains("IMG_4031.HEIC") && zh.contains("JPEG") && zh.contains("兼容性最佳"),
        "{zh}"
    );
    let en = err.user_message(linli_core::Lang::EnUs);
    assert!(
        en.contains("HEIC") && en.contains("Most Compatible"),
        "{en}"
    );
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
