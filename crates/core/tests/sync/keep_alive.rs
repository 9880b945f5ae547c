//! A device keeps its hub connection from one sync to the next (no new TCP or TLS handshake per sync on a
//! slow line), and a kept connection that died while idle costs no sync: the request is sent again on a new
//! one.
use crate::world::*;
use linli_core::NewReport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_share_one_connection_and_survive_a_hub_restart() {
    let mut w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    alice.sync().await.unwrap();
    let opened = w.proxy.connections();
    for _ in 0..5 {
        alice.sync().await.unwrap();
    }
    // Each sync makes several requests; without a kept connection each would open at least one. (Not
    // exactly zero new ones: a request can start before the previous answer's connection is back in the
    // pool, and then opens a second.)
    let new = w.proxy.connections() - opened;
    assert!(new < 5, "{new} new connections for 5 syncs");

    // The hub restarts: the kept connection is gone, the next sync still goes through.
    w.restart_hub().await;
    alice
        .new_report(NewReport {
            category: "sanitation".into(),
            text: "垃圾站满了".into(),
            ..Default::default()
        })
        .unwrap();
    let outcome = alice.sync().await.unwrap();
    assert_eq!(outcome.applied, 1);
    assert_eq!(w.hub_reports().len(), 1);
    assert!(w.proxy.connections() > opened + new);
}
