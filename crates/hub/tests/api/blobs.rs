//! Blob upload: content type by magic bytes, hash, size, idempotency.
use crate::helpers::{png, sha256_hex, start};

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

    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"jfif"].concat();
    assert_eq!(put(sha256_hex(&jpeg), jpeg).await.unwrap().status(), 204);
    let webp = [&b"RIFF"[..], &[0, 0, 0, 0], b"WEBPVP8 "].concat();
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
