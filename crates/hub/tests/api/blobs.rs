//! Blob upload: content type by magic bytes, hash, size, idempotency.
use crate::helpers::{png, png_sized, sha256_hex, start};

#[tokio::test]
async fn uploads_are_checked_and_idempotent() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let put = |sha: String, body: Vec<u8>| {
        t.http
            .put(t.url(&format!("/v1/blobs/{sha}")))
            .bearer_auth(&dev.token)
            .body(body)
            .send()
    };
    let photo = png(b"pixels");
    let sha = sha256_hex(&photo);
    assert_eq!(put(sha.clone(), photo.clone()).await.unwrap().status(), 204);
    assert_eq!(put(sha.clone(), photo.clone()).await.unwrap().status(), 204);

    // SOF0 of a 480×640 JPEG right after the start marker.
    let jpeg = [
        &[0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 3][..],
        b"jfif",
    ]
    .concat();
    assert_eq!(put(sha256_hex(&jpeg), jpeg).await.unwrap().status(), 204);
    let webp = [
        &b"RIFF"[..],
        &[0, 0, 0, 0],
        b"WEBPVP8X",
        &[0; 8],
        &[0x7F, 0x02, 0, 0xDF, 0x01, 0],
    ]
    .concat();
    assert_eq!(put(sha256_hex(&webp), webp).await.unwrap().status(), 204);

    let resp = put("0".repeat(64), photo.clone()).await.unwrap();
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "blob_hash_mismatch");

    let text = b"GIF89a not allowed".to_vec();
    let resp = put(sha256_hex(&text), text).await.unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "blob_type_unsupported");

    let big = png(&vec![7u8; linli_proto::limits::BLOB_MAX_BYTES]);
    let resp = put(sha256_hex(&big), big).await.unwrap();
    assert_eq!(resp.status(), 413);

    let resp = t
        .http
        .put(t.url(&format!("/v1/blobs/{sha}")))
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "uploads need a token");
}

/// A few hundred bytes that claim 100,000 × 100,000 pixels (a decompression bomb) answer `image_too_large`,
/// a header with no size `blob_type_unsupported`, and the hub goes on serving.
#[tokio::test]
async fn photos_with_too_many_pixels_are_refused() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let put = |body: Vec<u8>| {
        t.http
            .put(t.url(&format!("/v1/blobs/{}", sha256_hex(&body))))
            .bearer_auth(&dev.token)
            .body(body)
            .send()
    };
    let bomb = png_sized(100_000, 100_000, &[0; 300]);
    let resp = put(bomb).await.unwrap();
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "image_too_large");

    let just_over = png_sized(5001, 5000, b"x");
    let body: serde_json::Value = put(just_over).await.unwrap().json().await.unwrap();
    assert_eq!(body["code"], "image_too_large");
    assert_eq!(
        put(png_sized(5000, 5000, b"x")).await.unwrap().status(),
        204
    );

    let headless = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3].to_vec();
    let body: serde_json::Value = put(headless).await.unwrap().json().await.unwrap();
    assert_eq!(body["code"], "blob_type_unsupported");

    assert_eq!(put(png(b"fine")).await.unwrap().status(), 204);
}
