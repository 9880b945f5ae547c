//! The hub applies a push but the answer is lost on the way back: the device retries with the same op ids,
//! the hub answers its stored results, and there is still one copy, marked synced. One lost answer is
//! recovered within the same sync (the device resends once, at once); when the resent push loses its
//! answer too, the sync fails as offline and the next one settles it.
use crate::world::*;
use linli_core::NewReport;
use linli_proto::ReportEventKind;

/// Alice, joined, with a report and a comment on it queued (two ops in one push).
async fn report_with_a_comment(w: &World) -> (std::sync::Arc<linli_core::Profile>, uuid::Uuid) {
    let alice = w.join("alice", HOME_A).await;
    let id = alice
        .new_report(NewReport {
            category: "sanitation".into(),
            text: "垃圾站满了".into(),
            ..Default::default()
        })
        .unwrap();
    alice.comment_report(id, "已经两天了").unwrap();
    (alice, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_lost_push_response_is_recovered_in_the_same_sync() {
    let w = World::start().await;
    let (alice, id) = report_with_a_comment(&w).await;

    w.proxy.lose_next_push_response();
    let outcome = alice.sync().await.unwrap();
    assert_eq!(w.proxy.responses_lost(), 1);
    assert_eq!(
        outcome.applied, 2,
        "the resent push answers the stored results"
    );
    assert_eq!(alice.status().unwrap().pending, 0);
    let on_hub = w.hub_reports();
    assert_eq!(on_hub.len(), 1);
    assert_eq!(
        on_hub[0].report.events.len(),
        alice.report(id).unwrap().events.len()
    );
    assert_eq!(on_hub[0].report.events.len(), 2, "created and one comment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_push_response_is_retried_without_duplicates() {
    let w = World::start().await;
    let (alice, id) = report_with_a_comment(&w).await;

    // The answer and the answer to the resend are both lost.
    w.proxy.lose_push_responses(2);
    let err = alice.sync().await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    assert_eq!(w.proxy.responses_lost(), 2);
    // The hub did apply it; the device doesn't know yet.
    assert_eq!(w.hub_reports().len(), 1);
    assert_eq!(alice.status().unwrap().pending, 2);
    assert!(alice.report(id).unwrap().pending);

    let outcome = alice.sync().await.unwrap();
    assert_eq!(outcome.applied, 2, "the hub answers its stored results");
    assert_eq!(alice.status().unwrap().pending, 0);
    let mine = alice.report(id).unwrap();
    assert!(!mine.pending);
    let on_hub = w.hub_reports();
    assert_eq!(on_hub.len(), 1);
    let comments = |events: &[linli_proto::ReportEvent]| {
        events
            .iter()
            .filter(|e| e.kind == ReportEventKind::Comment)
            .count()
    };
    assert_eq!(comments(&on_hub[0].report.events), 1);
    assert_eq!(comments(&mine.events), 1);
    assert_eq!(mine.events.len(), on_hub[0].report.events.len());
}
