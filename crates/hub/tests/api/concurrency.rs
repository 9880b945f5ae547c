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
    assert_eq!(notices, 105);
    assert_eq!(reports, 200);
}
