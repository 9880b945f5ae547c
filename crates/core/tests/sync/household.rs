//! Two devices of one household converge on the same reports and household vote; a resident of another
//! household sees none of it.
use crate::world::*;
use linli_core::NewReport;
use linli_proto::{ReportStatus, Urgency, VoteScope};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_of_a_household_converge_and_others_see_nothing() {
    let w = World::start().await;
    let (cid, options) = w.open_consultation("小区停车收费方案", VoteScope::PerHousehold);
    let notice = w.publish_notice("停水通知", Urgency::Urgent);
    let alice = w.join("alice", HOME_A).await;
    let bob = w.join("bob", HOME_A).await;
    let carol = w.join("carol", HOME_B).await;

    w.proxy.set_offline(true);
    let id = alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "电梯异响".into(),
            ..Default::default()
        })
        .unwrap();
    bob.vote(cid, vec![options[1]]).unwrap();
    alice.mark_notice_read(notice).unwrap();
    assert!(alice.notice(notice).unwrap().read);
    assert!(!bob.notice(notice).unwrap().read);
    w.proxy.set_offline(false);

    for p in [&alice, &bob, &carol, &alice] {
        p.sync().await.unwrap();
    }
    // Bob comments on Alice's report; staff accept it.
    bob.comment_report(id, "晚上更响").unwrap();
    bob.sync().await.unwrap();
    linli_hub::admin::reports::set_status(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        id,
        ReportStatus::Accepted,
        Some("已派维修工"),
    )
    .unwrap();
    for p in [&alice, &bob, &carol] {
        p.sync().await.unwrap();
    }

    let a = alice.reports().unwrap();
    let b = bob.reports().unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a, b, "both devices show the same reports");
    assert_eq!(a[0].status, ReportStatus::Accepted);
    assert!(!a[0].pending);
    assert_eq!(
        alice.consultation(cid).unwrap().my_vote,
        Some(vec![options[1]]),
        "the household's vote, cast on Bob's device"
    );
    assert_eq!(
        bob.consultation(cid).unwrap().my_vote,
        Some(vec![options[1]])
    );
    // Read receipts are each resident's own.
    assert!(alice.notice(notice).unwrap().read);
    assert!(!bob.notice(notice).unwrap().read);

    assert!(
        carol.reports().unwrap().is_empty(),
        "another household sees no report"
    );
    assert_eq!(carol.consultation(cid).unwrap().my_vote, None);
    assert!(carol.report(id).is_err());
}
