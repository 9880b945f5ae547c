//! A long offline backlog (more than one push body's worth of long reports) reaches the hub in order,
//! each op once.
use crate::world::*;
use linli_core::NewReport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_backlog_of_long_reports_is_pushed_in_several_batches() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    w.proxy.set_offline(true);
    let long = "楼".repeat(linli_proto::limits::TEXT_MAX);
    let mut ids = Vec::new();
    for i in 0..260 {
        ids.push(
            alice
                .new_report(NewReport {
                    category: "facilities".into(),
                    text: format!("{i}{}", &long[..long.len() - 3 * 4]),
                    ..Default::default()
                })
                .unwrap(),
        );
    }
    assert_eq!(alice.status().unwrap().pending, 260);
    w.proxy.set_offline(false);
    let outcome = alice.sync().await.unwrap();
    assert_eq!(outcome.applied, 260);
    assert_eq!(alice.status().unwrap().pending, 0);
    let mut on_hub: Vec<_> = w.hub_reports().into_iter().map(|r| r.report.id).collect();
    on_hub.sort();
    ids.sort();
    assert_eq!(on_hub, ids);
}
