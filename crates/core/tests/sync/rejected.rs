//! A vote made offline reaches the hub after the consultation closed: it is refused, the local vote is
//! rolled back, and a message stays for the resident in their language.
use crate::world::*;
use linli_core::{CoreEvent, Lang};
use linli_proto::VoteScope;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_offline_vote_is_rolled_back_with_a_message() {
    let w = World::start().await;
    let (cid, options) = w.open_consultation("是否加装电梯", VoteScope::PerResident);
    let alice = w.join("alice", HOME_A).await;
    let mut events = alice.subscribe();

    w.proxy.set_offline(true);
    alice.vote(cid, vec![options[0]]).unwrap();
    let c = alice.consultation(cid).unwrap();
    assert_eq!(c.my_vote, Some(vec![options[0]]));
    assert!(c.pending);

    w.close_consultation(cid);
    w.proxy.set_offline(false);
    let outcome = alice.sync().await.unwrap();
    assert_eq!(outcome.rejected, 1);

    let c = alice.consultation(cid).unwrap();
    assert_eq!(c.my_vote, None, "the local vote is rolled back");
    assert!(!c.pending);
    assert_eq!(c.status, linli_core::ConsultationStatus::Closed);
    assert_eq!(alice.status().unwrap().pending, 0);

    let messages = alice.messages().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text, "投票已截止，未计入");
    assert_eq!(messages[0].title, "您的投票没有计入");
    assert_eq!(messages[0].code, "consultation_closed");

    let mut told = None;
    while let Ok(e) = events.try_recv() {
        if let CoreEvent::OpRejected { message } = e {
            told = Some(message);
        }
    }
    assert_eq!(
        told.as_deref(),
        Some("您的投票没有计入：投票已截止，未计入")
    );

    // Kept across a restart, and readable after switching language.
    drop(alice);
    let alice = linli_core::Profile::open(&w.profile_dir("alice")).unwrap();
    alice.set_language(Lang::EnUs).unwrap();
    let messages = alice.messages().unwrap();
    assert_eq!(
        messages[0].text,
        "Voting had closed; your vote was not counted"
    );
    alice.dismiss_message(messages[0].id).unwrap();
    assert!(alice.messages().unwrap().is_empty());
}
