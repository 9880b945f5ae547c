//! Property test: random sequences of offline ops, syncs, lost push responses, client restarts and hub
//! restarts on two devices of one household. After a final sync every device equals the hub's view and
//! every op was applied exactly once.
//!
//! 200 cases in the normal run; a longer run: `PROPTEST_CASES=2000 cargo test -p linli-core --test sync
//! histories` (inside the keychain session, see crates/core/README.md).
use crate::world::*;
use linli_core::{NewReport, Profile};
use linli_proto::{ReportEventKind, Urgency, VoteScope};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Step {
    Report {
        dev: usize,
    },
    Comment {
        dev: usize,
        pick: usize,
    },
    Vote {
        dev: usize,
        option: usize,
    },
    Read {
        dev: usize,
        notice: usize,
    },
    Sync {
        dev: usize,
    },
    SyncLosingResponse {
        dev: usize,
    },
    Network {
        online: bool,
    },
    RestartClient {
        dev: usize,
    },
    RestartHub,
    Withdraw {
        dev: usize,
        pick: usize,
    },
    /// Staff accept a report (then it can no longer be withdrawn).
    StaffAccept {
        pick: usize,
    },
    /// Staff close the consultation (later votes are refused).
    CloseConsultation,
}

fn step() -> impl Strategy<Value = Step> {
    let dev = 0..2usize;
    prop_oneof![
        3 => dev.clone().prop_map(|dev| Step::Report { dev }),
        2 => (dev.clone(), 0..4usize).prop_map(|(dev, pick)| Step::Comment { dev, pick }),
        2 => (dev.clone(), 0..3usize).prop_map(|(dev, option)| Step::Vote { dev, option }),
        1 => (dev.clone(), 0..2usize).prop_map(|(dev, notice)| Step::Read { dev, notice }),
        3 => dev.clone().prop_map(|dev| Step::Sync { dev }),
        2 => dev.clone().prop_map(|dev| Step::SyncLosingResponse { dev }),
        2 => any::<bool>().prop_map(|online| Step::Network { online }),
        1 => dev.clone().prop_map(|dev| Step::RestartClient { dev }),
        1 => Just(Step::RestartHub),
        1 => (dev.clone(), 0..4usize).prop_map(|(dev, pick)| Step::Withdraw { dev, pick }),
        1 => (0..4usize).prop_map(|pick| Step::StaffAccept { pick }),
        1 => Just(Step::CloseConsultation),
    ]
}

/// What the devices did, to check the hub applied each op exactly once.
#[derive(Default)]
struct Expected {
    reports: Vec<Uuid>,
    comments: HashMap<Uuid, usize>,
    voted: bool,
    closed: bool,
    read_by: HashMap<Uuid, [bool; 2]>,
}

async fn run_case(steps: Vec<Step>) {
    let mut w = World::start().await;
    let (cid, options) = w.open_consultation("楼顶绿化方案", VoteScope::PerHousehold);
    let notices = [
        w.publish_notice("停电通知", Urgency::Urgent),
        w.publish_notice("垃圾分类宣传", Urgency::Normal),
    ];
    let mut devs: Vec<Arc<Profile>> = vec![w.join("d0", HOME_A).await, w.join("d1", HOME_A).await];
    let mut expected = Expected::default();

    for (i, step) in steps.into_iter().enumerate() {
        match step {
            Step::Report { dev } => {
                let id = devs[dev]
                    .new_report(NewReport {
                        category: "facilities".into(),
                        text: format!("第{i}条反映"),
                        ..Default::default()
                    })
                    .unwrap();
                expected.reports.push(id);
            }
            Step::Comment { dev, pick } => {
                let visible = devs[dev].reports().unwrap();
                if !visible.is_empty() {
                    let id = visible[pick % visible.len()].id;
                    if devs[dev].comment_report(id, &format!("补充{i}")).is_ok() {
                        *expected.comments.entry(id).or_default() += 1;
                    }
                }
            }
            Step::Vote { dev, option } => {
                // Refused on the device when its replica already shows the consultation closed.
                if devs[dev].vote(cid, vec![options[option]]).is_ok() {
                    expected.voted = true;
                }
            }
            Step::Withdraw { dev, pick } => {
                let visible = devs[dev].reports().unwrap();
                if !visible.is_empty() {
                    let r = &visible[pick % visible.len()];
                    assert_eq!(devs[dev].withdraw_report(r.id).is_ok(), r.can_withdraw);
                }
            }
            Step::StaffAccept { pick } => {
                let on_hub = w.hub_reports();
                if !on_hub.is_empty() {
                    let r = &on_hub[pick % on_hub.len()].report;
                    if r.status == linli_proto::ReportStatus::Submitted {
                        linli_hub::admin::reports::set_status(
                            w.hub(),
                            linli_hub::admin::community::oldest(w.hub()).expect("community"),
                            r.id,
                            linli_proto::ReportStatus::Accepted,
                            None,
                        )
                        .unwrap();
                    }
                }
            }
            Step::CloseConsultation => {
                if !expected.closed {
                    w.close_consultation(cid);
                    expected.closed = true;
                }
            }
            Step::Read { dev, notice } => {
                devs[dev].mark_notice_read(notices[notice]).unwrap();
                expected.read_by.entry(notices[notice]).or_default()[dev] = true;
            }
            Step::Sync { dev } => {
                let _ = devs[dev].sync().await;
            }
            Step::SyncLosingResponse { dev } => {
                w.proxy.lose_next_push_response();
                let _ = devs[dev].sync().await;
                w.proxy.disarm();
            }
            Step::Network { online } => w.proxy.set_offline(!online),
            Step::RestartClient { dev } => {
                let dir = devs[dev].dir().to_owned();
                devs[dev] = Profile::open(&dir).unwrap();
            }
            Step::RestartHub => w.restart_hub().await,
        }
    }

    // Back online: sync each device until both have seen each other's changes.
    w.proxy.set_offline(false);
    w.proxy.disarm();
    for dev in [0, 1, 0, 1] {
        devs[dev].sync().await.unwrap();
    }

    // Refused ops: each left one message on the device that made it.
    for p in &devs {
        for m in p.messages().unwrap() {
            match m.op_kind.as_str() {
                "comment_report" => {
                    let id: Uuid = m.target.as_deref().unwrap().parse().unwrap();
                    *expected.comments.get_mut(&id).unwrap() -= 1;
                }
                "cast_vote" => assert_eq!(m.code, "consultation_closed"),
                "withdraw_report" => assert_eq!(m.code, "report_not_withdrawable"),
                other => panic!("unexpected refusal of {other}: {}", m.code),
            }
        }
    }

    // Exactly once on the hub.
    let hub_reports = w.hub_reports();
    let mut hub_ids: Vec<Uuid> = hub_reports.iter().map(|r| r.report.id).collect();
    let mut made = expected.reports.clone();
    hub_ids.sort();
    made.sort();
    assert_eq!(hub_ids, made, "every report once");
    for r in &hub_reports {
        let comments = r
            .report
            .events
            .iter()
            .filter(|e| e.kind == ReportEventKind::Comment)
            .count();
        assert_eq!(
            comments,
            expected.comments.get(&r.report.id).copied().unwrap_or(0),
            "every comment once"
        );
    }
    let tally = linli_hub::admin::consultations::results(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        cid,
    )
    .unwrap();
    if expected.closed {
        assert!(tally.total_votes <= 1, "at most one household vote");
    } else {
        assert_eq!(
            tally.total_votes,
            i64::from(expected.voted),
            "one household vote"
        );
    }
    let notice_list = linli_hub::admin::notices::list(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
    )
    .unwrap();
    for n in &notice_list {
        let readers = expected
            .read_by
            .get(&n.id)
            .map(|r| r.iter().filter(|x| **x).count())
            .unwrap_or(0);
        assert_eq!(n.read_count as usize, readers, "read receipts once each");
    }

    // Every device equals the hub's view.
    for (dev, p) in devs.iter().enumerate() {
        assert_eq!(p.status().unwrap().pending, 0);
        let mine = p.reports().unwrap();
        assert_eq!(mine.len(), hub_reports.len());
        for view in &mine {
            let hub = hub_reports
                .iter()
                .find(|r| r.report.id == view.id)
                .expect("on the hub");
            assert!(!view.pending);
            assert_eq!(view.status, hub.report.status);
            assert_eq!(view.text, hub.report.text);
            assert_eq!(view.events, hub.report.events);
        }
        let c = p.consultation(cid).unwrap();
        assert!(!c.pending);
        let voted_option = tally.options.iter().find(|o| o.votes == 1).map(|o| o.id);
        assert_eq!(c.my_vote.map(|v| v[0]), voted_option);
        for n in &notices {
            let read = expected.read_by.get(n).is_some_and(|r| r[dev]);
            assert_eq!(p.notice(*n).unwrap().read, read);
            assert!(!p.notice(*n).unwrap().pending);
        }
    }
    assert_eq!(devs[0].reports().unwrap(), devs[1].reports().unwrap());
    // Leave no tokens behind in the keychain.
    for p in &devs {
        p.sign_out().unwrap();
    }
}

#[test]
fn random_offline_histories_converge_with_every_op_applied_once() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(step(), 1..14), |steps| {
        rt.block_on(run_case(steps));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
