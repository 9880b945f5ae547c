//! The background sync loop: a local change is pushed without being asked, the hub's SSE nudge brings new
//! notices and status changes at once (with events for notifications), and an unreachable hub is retried.
use crate::world::*;
use linli_core::{CoreEvent, NewReport, SyncState};
use linli_proto::{ReportStatus, Urgency};
use std::time::Duration;
use tokio::sync::broadcast::Receiver;

/// Waits (up to 15 s) for an event matching `want`.
async fn until(events: &mut Receiver<CoreEvent>, want: impl Fn(&CoreEvent) -> bool) -> CoreEvent {
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match events.recv().await {
                Ok(e) if want(&e) => return e,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("event stream ended: {e}"),
            }
        }
    })
    .await
    .expect("event in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_pushes_local_changes_follows_nudges_and_retries() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    let mut events = alice.subscribe();
    let _loop = alice.spawn_sync_loop();
    // The loop syncs once at start.
    until(
        &mut events,
        |e| matches!(e, CoreEvent::Status(s) if s.state == SyncState::Idle),
    )
    .await;

    // A local change is pushed by the loop.
    let id = alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "路灯不亮".into(),
            ..Default::default()
        })
        .unwrap();
    // A sync already running when the report was queued may end first: wait for the one that pushes it.
    while alice.report(id).unwrap().pending {
        until(&mut events, |e| matches!(e, CoreEvent::Status(_))).await;
    }
    assert_eq!(w.hub_reports().len(), 1);

    // Staff publish an urgent notice: the nudge brings it, with an event for a desktop notification.
    let notice = w.publish_notice("燃气检修，今晚停气", Urgency::Urgent);
    let e = until(&mut events, |e| matches!(e, CoreEvent::UrgentNotice { .. })).await;
    assert_eq!(
        e,
        CoreEvent::UrgentNotice {
            id: notice,
            title: "燃气检修，今晚停气".into()
        }
    );
    assert!(!alice.notice(notice).unwrap().read);

    // Staff accept the report: the status change arrives the same way.
    linli_hub::admin::reports::set_status(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        id,
        ReportStatus::Accepted,
        None,
    )
    .unwrap();
    let e = until(&mut events, |e| {
        matches!(e, CoreEvent::ReportStatusChanged { .. })
    })
    .await;
    assert_eq!(
        e,
        CoreEvent::ReportStatusChanged {
            id,
            status: ReportStatus::Accepted
        }
    );

    // Offline: the change waits, the status says so, and the loop retries until the hub is back.
    w.proxy.set_offline(true);
    alice.mark_notice_read(notice).unwrap();
    until(
        &mut events,
        |e| matches!(e, CoreEvent::Status(s) if s.state == SyncState::Offline && s.pending == 1),
    )
    .await;
    w.proxy.set_offline(false);
    until(
        &mut events,
        |e| matches!(e, CoreEvent::Status(s) if s.state == SyncState::Idle && s.pending == 0),
    )
    .await;
    assert!(alice.notice(notice).unwrap().read);
    assert!(alice.status().unwrap().last_synced_at.is_some());
}
