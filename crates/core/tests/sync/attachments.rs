//! A notice attachment is fetched from the hub on first open, checked, and opens again offline.
use crate::world::*;
use linli_hub::admin::notices::{publish_with_attachments, AttachmentFile};
use linli_hub::store::NewNotice;
use linli_proto::Urgency;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_attachment_opens_again_offline() {
    let w = World::start().await;
    let mut png = Vec::new();
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 30, 30]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let id = publish_with_attachments(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        &NewNotice {
            title: "消防通道示意图".into(),
            body: "请勿在消防通道停车".into(),
            urgency: Urgency::Important,
            pinned: true,
            expires_at: None,
            buildings: vec![],
        },
        &[AttachmentFile {
            name: "map.png".into(),
            bytes: png.clone(),
        }],
    )
    .unwrap();
    let alice = w.join("alice", HOME_A).await;
    let notice = alice.notice(id).unwrap();
    assert!(notice.pinned);
    let attachment = &notice.attachments[0];
    assert_eq!(attachment.name, "map.png");
    assert_eq!(
        alice.attachment_bytes(&attachment.sha256).await.unwrap(),
        png
    );

    w.proxy.set_offline(true);
    assert_eq!(
        alice.attachment_bytes(&attachment.sha256).await.unwrap(),
        png
    );
    assert!(alice
        .attachment_bytes(&"0".repeat(64))
        .await
        .unwrap_err()
        .is_offline());
}
