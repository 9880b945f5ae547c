//! Admin commands write while the server serves the same data directory: both succeed, nothing is
//! lost, and devices see the admin's writes.
use linli_hub::store::NewNotice;
use linli_hub::{admin, Hub};
use linli_proto::{OpStatus, Record, Urgency};

use crate::helpers::{report_body, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_writes_from_another_handle_interleave_with_pushes() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let dir = t.dir.path().to_path_buf();
    let staff = std::thread::spawn(move || {
        let other = Hub::open(&dir).unwrap();
        for i in 0..100 {
            admin::notices::publish(
                &other,
                linli_hub::admin::community::oldest(&other).expect("community"),
                &NewNotice {
                    title: format!("通知 {i}"),
                    body: "内容".into(),
                    urgency: Urgency::Normal,
                    pinned: false,
                    expires_at: None,
                    buildings: vec![],
                },
            )
            .unwrap();
        }
    });
    for _ in 0..10 {
        let ops: Vec<_> = (0..20)
            .map(|_| dev.op(report_body("other", "并发")))
            .collect();
        let results = t.push(&dev, &ops).await;
        assert!(results.iter().all(|r| r.status == OpStatus::Applied));
    }
    staff.join().unwrap();
    let records = t.replica(&dev).await;
    let notices = records
        .iter()
        .filter(|r| matches!(r, Record::Notice(_)))
        .count();
    let reports = records
        .iter()
        .filter(|r| matches!(r, Record::Report(_)))
        .count();
    // The demo's five notices and the street's one, and the hundred published meanwhile.
    assert_eq!(notices, 106);
    assert_eq!(reports, 200);
}

/// Pushes of many devices at once share commits (group commit): every op is still applied exactly once,
/// a refused op rolls back alone, and sending the same pushes again answers the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_commit_together_exactly_once() {
    let t = start().await;
    let mut devices = Vec::new();
    for _ in 0..8 {
        devices.push(t.join("1号楼", "1单元", "101").await);
    }
    // Per device: 5 pushes of 1 op, then one batch of 20 whose 10th op names an unknown category.
    let plans: Vec<Vec<Vec<_>>> = devices
        .iter()
        .map(|dev| {
            let mut pushes: Vec<Vec<_>> = (0..5)
                .map(|_| vec![dev.op(report_body("other", "并发"))])
                .collect();
            pushes.push(
                (0..20)
                    .map(|i| {
                        let category = if i == 9 { "no-such-category" } else { "other" };
                        dev.op(report_body(category, "批量"))
                    })
                    .collect(),
            );
            pushes
        })
        .collect();
    let t = &t;
    let run = || {
        futures_util::future::join_all(devices.iter().zip(&plans).map(|(dev, pushes)| async move {
            let mut answers = Vec::new();
            for ops in pushes {
                answers.push(t.push(dev, ops).await);
            }
            answers
        }))
    };
    let first = run().await;
    for answers in &first {
        let statuses: Vec<_> = answers.iter().flatten().map(|r| r.status).collect();
        assert_eq!(statuses.len(), 25);
        let refused: Vec<_> = statuses
            .iter()
            .enumerate()
            .filter(|(_, s)| **s != OpStatus::Applied)
            .collect();
        assert_eq!(refused, vec![(14, &OpStatus::Rejected)], "{answers:?}");
    }
    // The same pushes again: the stored answers, nothing applied twice.
    let again = run().await;
    for (a, b) in first.iter().zip(&again) {
        let a: Vec<_> = a
            .iter()
            .flatten()
            .map(|r| (r.op_id, r.status, r.version))
            .collect();
        let b: Vec<_> = b
            .iter()
            .flatten()
            .map(|r| (r.op_id, r.status, r.version))
            .collect();
        assert_eq!(a, b);
    }
    let reports = t
        .replica(&devices[0])
        .await
        .iter()
        .filter(|r| matches!(r, Record::Report(_)))
        .count();
    // One household: every device's 24 applied reports.
    assert_eq!(reports, 8 * 24);
}
