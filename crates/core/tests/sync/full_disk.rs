//! A full disk on the device while queuing reports: the profile's database is made unable to grow
//! (SQLite's `max_page_count`, as a full disk would), reports are queued until one is refused; the
//! refusal has its own code and a message in both languages, nothing queued before is lost or
//! half-written, and once space is back a new report queues and every queued one reaches the hub once.
use std::collections::BTreeSet;

use crate::world::*;
use linli_core::{CoreError, Lang, NewReport};
use uuid::Uuid;

fn report(n: usize) -> NewReport {
    NewReport {
        category: "facilities".into(),
        text: format!("第{n}条：{}", "楼道灯坏了，晚上看不见路。".repeat(12)),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_device_refuses_the_report_keeps_the_queue_and_sends_it_once_space_is_back() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    w.proxy.set_offline(true);

    alice.limit_storage_for_tests(true).unwrap();
    let mut queued: Vec<Uuid> = Vec::new();
    let refused = loop {
        assert!(queued.len() < 1000, "the database never filled");
        match alice.new_report(report(queued.len())) {
            Ok(id) => queued.push(id),
            Err(e) => break e,
        }
    };
    assert!(matches!(refused, CoreError::StorageFull(_)), "{refused:?}");
    assert_eq!(refused.code(), "storage_full");
    assert_eq!(refused.view(Lang::ZhCn).code, "storage_full");
    let zh = refused.user_message(Lang::ZhCn);
    let en = refused.user_message(Lang::EnUs);
    assert!(zh.contains("存储空间已满"), "{zh}");
    assert!(en.contains("storage is full"), "{en}");

    // Still full: refused again, and the queue is exactly what was accepted, each report whole.
    let again = alice.new_report(report(9999)).unwrap_err();
    assert_eq!(again.code(), "storage_full");
    assert_eq!(alice.status().unwrap().pending, queued.len() as i64);
    for (n, id) in queued.iter().enumerate() {
        let shown = alice.report(*id).unwrap();
        assert!(shown.pending);
        assert_eq!(shown.text, report(n).text);
    }

    // Space is back: a new report queues, and everything reaches the hub exactly once.
    alice.limit_storage_for_tests(false).unwrap();
    queued.push(alice.new_report(report(queued.len())).unwrap());
    w.proxy.set_offline(false);
    let outcome = alice.sync().await.unwrap();
    assert_eq!(outcome.applied, queued.len());
    assert_eq!(alice.sync().await.unwrap().applied, 0, "nothing sent twice");
    assert_eq!(alice.status().unwrap().pending, 0);
    let on_hub: Vec<Uuid> = w.hub_reports().iter().map(|r| r.report.id).collect();
    assert_eq!(on_hub.len(), queued.len(), "one copy of each on the hub");
    assert_eq!(
        on_hub.into_iter().collect::<BTreeSet<_>>(),
        queued.iter().copied().collect::<BTreeSet<_>>()
    );
}
