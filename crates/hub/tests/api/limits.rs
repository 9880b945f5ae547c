//! The hub's limits on hostile or runaway input: each answers a stable code and the hub goes on serving.
//! (Body size and text lengths: `errors.rs`; photo size and pixels: `blobs.rs`.)
use linli_hub::api::throttle::Rate;
use linli_proto::{limits, OpStatus};

use crate::helpers::{png_sized, report_body, start};

#[tokio::test]
async fn a_push_of_too_many_ops_is_refused_whole() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let ops: Vec<_> = (0..=limits::PUSH_BATCH_MAX)
        .map(|i| dev.op(report_body("facilities", &format!("第{i}条"))))
        .collect();
    let resp = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&dev.token)
        .json(&serde_json::json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");

    // The same ops in batches of the largest size go through.
    let results = t.push(&dev, &ops[..limits::PUSH_BATCH_MAX]).await;
    assert!(results.iter().all(|r| r.status == OpStatus::Applied));
}

#[tokio::test]
async fn a_device_over_its_request_rate_waits_and_others_go_on() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let b = t.join("1号楼", "1单元", "102").await;
    t.hub().set_device_rate(Rate {
        per_minute: 60,
        burst: 5,
    });
    for _ in 0..5 {
        assert_eq!(t.get(&a, "/v1/me").await.0, 200);
    }
    let resp = t
        .http
        .get(t.url("/v1/me"))
        .bearer_auth(&a.token)
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "retry after {retry}s");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["message"], "Too many attempts; please try again later");
    // Pushes and photos count too.
    let resp = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&a.token)
        .json(&serde_json::json!({ "ops": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);

    // Another device has its own allowance, and the hub answers everyone else as usual.
    assert_eq!(t.get(&b, "/v1/me").await.0, 200);
    let health = t.http.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    // After a second the bucket has one request again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(t.get(&a, "/v1/me").await.0, 200);
}

/// Staff attachments go through the same pixel check as residents' photos.
#[tokio::test]
async fn a_notice_attachment_with_too_many_pixels_is_refused() {
    let t = start().await;
    let notice = linli_hub::store::NewNotice {
        title: "停水通知".into(),
        body: "见附件".into(),
        urgency: linli_proto::Urgency::Normal,
        pinned: false,
        expires_at: None,
        buildings: vec![],
    };
    let file = |bytes: Vec<u8>| linli_hub::admin::notices::AttachmentFile {
        name: "通知.png".into(),
        bytes,
    };
    let err = linli_hub::admin::notices::publish_with_attachments(
        t.hub(),
        t.community(),
        &notice,
        &[file(png_sized(60_000, 60_000, b"x"))],
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            linli_hub::HubError::Refused(linli_proto::ErrorCode::ImageTooLarge)
        ),
        "{err:?}"
    );
    linli_hub::admin::notices::publish_with_attachments(
        t.hub(),
        t.community(),
        &notice,
        &[file(png_sized(800, 600, b"x"))],
    )
    .unwrap();
}
