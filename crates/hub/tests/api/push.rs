//! Push: idempotency, per-device order, sequence gaps and conflicts.
use linli_hub::admin;
use linli_hub::store::ReportFilter;
use linli_proto::{ErrorCode, OpBody, OpStatus};

use crate::helpers::{report_body, start};

#[tokio::test]
async fn the_same_batch_twice_answers_the_same_and_writes_once() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let first = dev.op(report_body("facilities", "楼道灯坏了"));
    let OpBody::CreateReport { report_id, .. } = first.body.clone() else {
        unreachable!()
    };
    let ops = vec![
        first,
        dev.op(OpBody::CommentReport {
            voice: None,
            report_id,
            text: "晚上很黑".into(),
        }),
        dev.op(report_body("nope", "unknown category")),
    ];
    let a = t.push(&dev, &ops).await;
    let b = t.push(&dev, &ops).await;
    assert_eq!(a, b);
    assert_eq!(a[0].status, OpStatus::Applied);
    assert_eq!(a[1].status, OpStatus::Applied);
    assert_eq!(a[2].status, OpStatus::Rejected);
    assert_eq!(a[2].code, Some(ErrorCode::UnknownCategory));
    let reports = admin::reports::list(t.hub(), &t.staff(), &ReportFilter::default()).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].report.events.len(), 2, "submitted + one comment");
}

#[tokio::test]
async fn ops_apply_in_device_order_and_gaps_wait() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let create = dev.op(report_body("noise", "楼上装修太吵"));
    let OpBody::CreateReport { report_id, .. } = create.body.clone() else {
        unreachable!()
    };
    let comment = dev.op(OpBody::CommentReport {
        voice: None,
        report_id,
        text: "周末也在施工".into(),
    });
    // Sent out of order: the comment (seq 2) first, the report (seq 1) second.
    let r = t.push(&dev, &[comment.clone(), create.clone()]).await;
    assert_eq!(r[0].op_id, comment.id);
    assert_eq!(r[0].status, OpStatus::Applied);
    assert_eq!(r[1].status, OpStatus::Applied);

    // seq 4 without seq 3: deferred, not stored.
    let op3 = dev.op(OpBody::CommentReport {
        voice: None,
        report_id,
        text: "三".into(),
    });
    let op4 = dev.op(OpBody::CommentReport {
        voice: None,
        report_id,
        text: "四".into(),
    });
    let r = t.push(&dev, std::slice::from_ref(&op4)).await;
    assert_eq!(r[0].status, OpStatus::Deferred);
    assert_eq!(r[0].code, Some(ErrorCode::SequenceGap));
    let r = t.push(&dev, &[op3, op4]).await;
    assert!(r.iter().all(|x| x.status == OpStatus::Applied), "{r:?}");
    let report = admin::reports::show(t.hub(), &t.staff(), report_id).unwrap();
    let texts: Vec<_> = report
        .report
        .events
        .iter()
        .filter_map(|e| e.text.clone())
        .collect();
    assert_eq!(texts, vec!["周末也在施工", "三", "四"]);

    // An old sequence number with a new id conflicts.
    let mut stale = dev.op(OpBody::CommentReport {
        voice: None,
        report_id,
        text: "旧".into(),
    });
    stale.device_seq = 2;
    let r = t.push(&dev, &[stale]).await;
    assert_eq!(r[0].status, OpStatus::Rejected);
    assert_eq!(r[0].code, Some(ErrorCode::OpConflict));
}

#[tokio::test]
async fn two_devices_have_their_own_sequences() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let b = t.join("1号楼", "1单元", "101").await;
    assert_eq!(
        t.push1(&a, report_body("other", "甲")).await.status,
        OpStatus::Applied
    );
    assert_eq!(
        t.push1(&b, report_body("other", "乙")).await.status,
        OpStatus::Applied
    );
}
