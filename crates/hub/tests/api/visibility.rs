//! Visibility: a household sees its own reports and what is addressed to its building, nothing else,
//! by pull or by direct GET.
use linli_hub::admin;
use linli_hub::store::NewNotice;
use linli_proto::{OpBody, OpStatus, Record, Urgency};

use crate::helpers::{png, report_body, sha256_hex, start};

#[tokio::test]
async fn another_household_cannot_see_a_report_or_its_photo() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let a2 = t.join("1号楼", "1单元", "101").await;
    let b = t.join("2号楼", "1单元", "101").await;
    let photo = png(b"a photo of the broken lamp");
    let sha = sha256_hex(&photo);
    let resp = t
        .http
        .put(t.url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(&a.token)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let OpBody::CreateReport {
        report_id,
        category,
        text,
        ..
    } = report_body("facilities", "路灯坏了")
    else {
        unreachable!()
    };
    let r = t
        .push1(
            &a,
            OpBody::CreateReport {
                voice: None,
                report_id,
                category,
                text,
                address: Default::default(),
                location: None,
                photos: vec![sha.clone()],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");

    let has_report = |records: &[Record]| {
        records
            .iter()
            .any(|r| matches!(r, Record::Report(x) if x.id == report_id))
    };
    assert!(has_report(&t.replica(&a).await));
    assert!(has_report(&t.replica(&a2).await), "same household sees it");
    let b_records = t.replica(&b).await;
    assert!(!b_records.iter().any(|r| matches!(r, Record::Report(_))));

    let path = format!("/v1/reports/{report_id}");
    assert_eq!(t.get(&a, &path).await.0, 200);
    let (status, body) = t.get(&b, &path).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "report_not_found");

    let blob = format!("/v1/blobs/{sha}");
    let resp = t
        .http
        .get(t.url(&blob))
        .bearer_auth(&a2.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), photo);
    assert_eq!(t.get(&b, &blob).await.0, 404);

    // B can't act on A's report either: it doesn't exist for B.
    let r = t
        .push1(
            &b,
            OpBody::CommentReport {
                voice: None,
                report_id,
                text: "?".into(),
            },
        )
        .await;
    assert_eq!(r.code, Some(linli_proto::ErrorCode::ReportNotFound));
}

#[tokio::test]
async fn building_notices_reach_only_that_building() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let b = t.join("2号楼", "1单元", "101").await;
    let id = admin::notices::publish(
        t.hub(),
        t.community(),
        &NewNotice {
            title: "1号楼电梯检修".into(),
            body: "周三 9:00–12:00 电梯停用".into(),
            urgency: Urgency::Important,
            pinned: false,
            expires_at: None,
            buildings: vec!["1号楼".into()],
        },
    )
    .unwrap();
    let sees = |records: Vec<Record>| {
        records
            .iter()
            .any(|r| matches!(r, Record::Notice(n) if n.id == id))
    };
    assert!(sees(t.replica(&a).await));
    assert!(!sees(t.replica(&b).await));
    assert_eq!(t.get(&a, &format!("/v1/notices/{id}")).await.0, 200);
    assert_eq!(t.get(&b, &format!("/v1/notices/{id}")).await.0, 404);
    // B can't mark it read either.
    let r = t.push1(&b, OpBody::MarkNoticeRead { notice_id: id }).await;
    assert_eq!(r.code, Some(linli_proto::ErrorCode::NoticeNotFound));
}

#[tokio::test]
async fn read_receipts_are_per_resident_and_counted_for_staff() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let a2 = t.join("1号楼", "1单元", "101").await;
    let notice = admin::notices::list(t.hub(), t.community()).unwrap()[0].id;
    let r = t
        .push1(&a, OpBody::MarkNoticeRead { notice_id: notice })
        .await;
    assert_eq!(r.status, OpStatus::Applied);
    let (_, mine) = t.get(&a, &format!("/v1/notices/{notice}")).await;
    assert!(mine["read_at"].is_string());
    let (_, theirs) = t.get(&a2, &format!("/v1/notices/{notice}")).await;
    assert!(theirs["read_at"].is_null());
    let listed = admin::notices::list(t.hub(), t.community()).unwrap();
    let summary = listed.iter().find(|n| n.id == notice).unwrap();
    assert_eq!(summary.read_count, 1);
}

#[tokio::test]
async fn notice_attachments_follow_the_notice_audience() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let b = t.join("2号楼", "1单元", "101").await;
    let pdf = b"%PDF-1.4 elevator schedule".to_vec();
    let sha = sha256_hex(&pdf);
    let id = admin::notices::publish_with_attachments(
        t.hub(),
        t.community(),
        &NewNotice {
            title: "电梯检修安排".into(),
            body: "见附件".into(),
            urgency: Urgency::Normal,
            pinned: false,
            expires_at: None,
            buildings: vec!["1号楼".into()],
        },
        &[admin::notices::AttachmentFile {
            name: "安排.pdf".into(),
            bytes: pdf.clone(),
        }],
    )
    .unwrap();
    let (_, notice) = t.get(&a, &format!("/v1/notices/{id}")).await;
    assert_eq!(notice["attachments"][0]["sha256"], sha);
    assert_eq!(notice["attachments"][0]["mime"], "application/pdf");
    let blob = format!("/v1/blobs/{sha}");
    let resp = t
        .http
        .get(t.url(&blob))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(t.get(&b, &blob).await.0, 404);
    admin::notices::retract(t.hub(), t.community(), id).unwrap();
    assert_eq!(t.get(&a, &blob).await.0, 404, "gone with the notice");
    let refused = admin::notices::publish_with_attachments(
        t.hub(),
        t.community(),
        &NewNotice {
            title: "x".into(),
            body: "y".into(),
            urgency: Urgency::Normal,
            pinned: false,
            expires_at: None,
            buildings: vec![],
        },
        &[admin::notices::AttachmentFile {
            name: "a.exe".into(),
            bytes: b"MZ...".to_vec(),
        }],
    );
    assert!(matches!(
        refused,
        Err(linli_hub::HubError::Refused(
            linli_proto::ErrorCode::BlobTypeUnsupported
        ))
    ));
}
