//! A hub holding a street (街道) of communities: each community sees only its own, ids of another
//! community answer as unknown ones, each community has its own log, the street office sends notices
//! to all or some of its communities, and a device is woken only by what concerns it, at most once a
//! second.
use std::time::Duration;

use futures_util::StreamExt;
use linli_hub::admin;
use linli_hub::store::NewNotice;
use linli_hub::HubError;
use linli_proto::{ErrorCode, OpBody, OpStatus, Record, ReportStatus, Urgency};
use linli_tlog::{Checkpoint, NoteVerifier};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{report_body, start, Device, TestHub};

fn is_refused<T>(r: &Result<T, HubError>, code: ErrorCode) -> bool {
    matches!(r, Err(HubError::Refused(c)) if *c == code)
}

fn notice(title: &str) -> NewNotice {
    NewNotice {
        title: title.into(),
        body: "请相互转告".into(),
        urgency: Urgency::Normal,
        pinned: false,
        expires_at: None,
        buildings: Vec::new(),
    }
}

#[tokio::test]
async fn each_community_sees_only_its_own_and_other_ids_answer_as_unknown() {
    let t = start().await;
    let (a_id, b_id) = (t.community(), t.second_community());
    let a = t.join("1号楼", "1单元", "101").await;
    let b = t.join_in(b_id, "A座", "1单元", "101").await;

    // The resident of 安康苑社区 sees its community, its two buildings, the street's notice and
    // nothing of 幸福里社区's notices and consultations.
    let seen = t.replica(&b).await;
    let count = |f: &dyn Fn(&Record) -> bool| seen.iter().filter(|r| f(r)).count();
    assert!(seen
        .iter()
        .any(|r| matches!(r, Record::Community(c) if c.id == b_id && c.name == "安康苑社区")));
    assert_eq!(count(&|r| matches!(r, Record::Community(_))), 1);
    assert_eq!(count(&|r| matches!(r, Record::Building(_))), 2);
    assert_eq!(count(&|r| matches!(r, Record::Category(_))), 4);
    assert_eq!(count(&|r| matches!(r, Record::Consultation(_))), 0);
    assert_eq!(count(&|r| matches!(r, Record::Notice(_))), 1);
    assert_eq!(
        count(&|r| matches!(r, Record::Notice(n) if n.street.as_deref() == Some("和平街道"))),
        1
    );
    let (status, me) = t.get(&b, "/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["community"]["name"], "安康苑社区");

    // A's records, named by id in B's office, answer as unknown.
    let report = report_body("environment", "楼道堆放杂物");
    let OpBody::CreateReport { report_id, .. } = report.clone() else {
        unreachable!()
    };
    assert_eq!(t.push1(&a, report).await.status, OpStatus::Applied);
    let a_notice = admin::notices::list(t.hub(), a_id).unwrap()[0].id;
    let a_consultation = admin::consultations::list(t.hub(), a_id).unwrap()[0].id;
    let hub = t.hub();
    assert!(is_refused(
        &admin::reports::set_status(hub, b_id, report_id, ReportStatus::Accepted, None),
        ErrorCode::ReportNotFound
    ));
    assert!(is_refused(
        &admin::notices::retract(hub, b_id, a_notice),
        ErrorCode::NoticeNotFound
    ));
    assert!(is_refused(
        &admin::consultations::close(hub, b_id, a_consultation),
        ErrorCode::ConsultationNotFound
    ));
    assert!(is_refused(
        &admin::consultations::results(hub, b_id, a_consultation),
        ErrorCode::ConsultationNotFound
    ));
    assert!(is_refused(
        &admin::devices::revoke(hub, b_id, a.device_id),
        ErrorCode::NotFound
    ));
    assert!(is_refused(
        &admin::proxy::resolve_resident(hub, b_id, &a.resident_id.to_string()),
        ErrorCode::NotFound
    ));
    assert!(is_refused(
        &admin::invites::invite(hub, b_id, "1号楼", "1单元", "101", 7),
        ErrorCode::UnknownAddress
    ));
    // Nothing changed in A: the report is still new, the device still works.
    let b_staff = admin::staff::add(hub, b_id, "安康苑值班", true).unwrap();
    assert!(admin::reports::list(hub, &b_staff, &Default::default())
        .unwrap()
        .is_empty());
    assert!(is_refused(
        &admin::reports::show(hub, &b_staff, report_id),
        ErrorCode::ReportNotFound
    ));
    assert_eq!(t.get(&a, "/v1/me").await.0, StatusCode::OK);
    assert!(admin::staff::list(hub, b_id)
        .unwrap()
        .iter()
        .all(|s| s.community_id == b_id));
    assert!(admin::staff::access_log(hub, &b_staff)
        .unwrap()
        .iter()
        .all(|e| e.staff_id == Some(b_staff.id)));

    // Which community an admin command means.
    assert!(is_refused(
        &admin::community::resolve(hub, None),
        ErrorCode::CommunityRequired
    ));
    assert!(is_refused(
        &admin::community::resolve(hub, Some("不存在社区")),
        ErrorCode::CommunityNotFound
    ));
    assert_eq!(
        admin::community::resolve(hub, Some(&b_id.to_string()))
            .unwrap()
            .name,
        "安康苑社区"
    );
    let taken = admin::demo::second_seed().unwrap();
    assert!(is_refused(
        &admin::community::create(hub, &taken),
        ErrorCode::CommunityExists
    ));
}

/// The checkpoint a device (or an auditor naming the community) reads, opened with the hub's key.
async fn checkpoint(t: &TestHub, who: Option<&Device>, query: &str) -> (StatusCode, String) {
    let mut req = t
        .http
        .get(format!("{}/v1/log/checkpoint{query}", t.running.url()));
    if let Some(d) = who {
        req = req.bearer_auth(&d.token);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

#[tokio::test]
async fn each_community_has_its_own_log() {
    let t = start().await;
    let (a_id, b_id) = (t.community(), t.second_community());
    let a = t.join("1号楼", "1单元", "101").await;
    let code = admin::invites::invite(t.hub(), b_id, "B座", "1单元", "201", 7)
        .unwrap()
        .code;
    let (status, joined) = t.join_raw(&code).await;
    assert_eq!(status, StatusCode::OK);
    let b_origin = joined["log_origin"].as_str().unwrap().to_owned();
    let key = NoteVerifier::from_vkey(&t.hub().log_key()).unwrap();
    assert_eq!(b_origin, format!("{}/{}", key.name(), b_id.simple()));
    let b: Device = Device {
        token: joined["token"].as_str().unwrap().into(),
        resident_id: joined["resident_id"].as_str().unwrap().parse().unwrap(),
        device_id: joined["device_id"].as_str().unwrap().parse().unwrap(),
        household_id: joined["household"]["id"].as_str().unwrap().parse().unwrap(),
        seq: std::cell::Cell::new(0),
    };
    // A reply in B's office goes to B's log only.
    let report = report_body("facilities", "A座电梯异响");
    let OpBody::CreateReport { report_id, .. } = report.clone() else {
        unreachable!()
    };
    assert_eq!(t.push1(&b, report).await.status, OpStatus::Applied);
    admin::reports::set_status(
        t.hub(),
        b_id,
        report_id,
        ReportStatus::Accepted,
        Some("物业明天检修"),
    )
    .unwrap();

    let (status, note_b) = checkpoint(&t, Some(&b), "").await;
    assert_eq!(status, StatusCode::OK);
    let cp_b = Checkpoint::open(&note_b, &key).unwrap();
    assert_eq!(cp_b.origin, b_origin);
    let (_, note_a) = checkpoint(&t, Some(&a), "").await;
    let cp_a = Checkpoint::open(&note_a, &key).unwrap();
    assert_eq!(cp_a.origin, format!("{}/{}", key.name(), a_id.simple()));
    assert_ne!(cp_a.root, cp_b.root);
    // Naming the community gives the same checkpoint as the device's token.
    assert_eq!(
        checkpoint(&t, None, &format!("?community={b_id}")).await.1,
        note_b
    );
    // Without a token or a community, the hub does not guess.
    let (status, body) = checkpoint(&t, None, "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("community_required"), "{body}");
    let (status, body) = checkpoint(&t, None, &format!("?community={}", Uuid::now_v7())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("community_not_found"), "{body}");
    // Both logs audit from the outside.
    for (c, kinds) in [(a_id, None), (b_id, Some("report_reply"))] {
        let audit = linli_hub::auditor::audit_community(
            &t.running.url(),
            Some(c),
            &t.hub().log_key(),
            &[],
            &[],
        )
        .await
        .unwrap();
        if let Some(k) = kinds {
            assert_eq!(audit.leaves_by_kind.get(k), Some(&1), "{c}");
        } else {
            assert!(!audit.leaves_by_kind.contains_key("report_reply"));
        }
    }
}

#[tokio::test]
async fn the_street_office_sends_to_some_communities_and_sees_counts() {
    let t = start().await;
    let (a_id, b_id) = (t.community(), t.second_community());
    let a = t.join("1号楼", "1单元", "101").await;
    let b = t.join_in(b_id, "A座", "1单元", "101").await;
    let office = admin::street::add_staff(t.hub(), "街道民政科").unwrap();
    let (_, each) =
        admin::street::publish_notice(t.hub(), &office, &notice("疫苗接种安排"), &[b_id]).unwrap();
    assert_eq!(each.len(), 1);
    let titles = |records: Vec<Record>| -> Vec<String> {
        records
            .into_iter()
            .filter_map(|r| match r {
                Record::Notice(n) => Some(n.title),
                _ => None,
            })
            .collect()
    };
    assert!(titles(t.replica(&b).await).contains(&"疫苗接种安排".to_owned()));
    assert!(!titles(t.replica(&a).await).contains(&"疫苗接种安排".to_owned()));
    // A community not of the street: nothing is published anywhere.
    let before = admin::notices::list(t.hub(), b_id).unwrap().len();
    assert!(is_refused(
        &admin::street::publish_notice(t.hub(), &office, &notice("x"), &[b_id, Uuid::now_v7()]),
        ErrorCode::CommunityNotFound
    ));
    assert_eq!(admin::notices::list(t.hub(), b_id).unwrap().len(), before);
    // The overview counts, per community, without names.
    let overview = admin::street::overview(t.hub(), &office).unwrap();
    let of = |id: Uuid| overview.iter().find(|c| c.id == id).unwrap();
    assert_eq!(of(a_id).households, 24);
    assert_eq!(of(b_id).households, 8);
    assert_eq!(of(b_id).residents, 1);
    assert_eq!(of(a_id).live_consultations, 1);
    // Before a street is named there is none to show.
    let dir = tempfile::tempdir().unwrap();
    let bare = linli_hub::Hub::open(dir.path()).unwrap();
    assert!(is_refused(
        &admin::street::show(&bare),
        ErrorCode::StreetNotSet
    ));
    assert!(is_refused(
        &admin::street::add_staff(&bare, "某人"),
        ErrorCode::StreetNotSet
    ));
}

/// Opens `/v1/events` for the device and reads the nudge sent on connecting.
type Events = std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<Vec<u8>>> + Send>>;

async fn listen(t: &TestHub, dev: &Device) -> Events {
    let resp = t
        .http
        .get(t.url("/v1/events"))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut stream: Events = Box::pin(resp.bytes_stream().map(|r| r.map(|b| b.to_vec())));
    let mut seen = String::new();
    while !seen.contains("event: changed") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .expect("the first nudge at once")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    stream
}

/// How many nudges arrive within `window`.
async fn nudges_within(stream: &mut Events, window: Duration) -> usize {
    let end = tokio::time::Instant::now() + window;
    let mut text = String::new();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(end, stream.next()).await {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    text.matches("event: changed").count()
}

#[tokio::test]
async fn votes_wake_only_their_community_and_a_burst_costs_each_device_a_few_nudges() {
    let t = start().await;
    let (a_id, b_id) = (t.community(), t.second_community());
    let open = admin::consultations::list(t.hub(), a_id)
        .unwrap()
        .into_iter()
        .find(|c| c.closed_at.is_none())
        .unwrap();
    let watcher = t.join("1号楼", "1单元", "101").await;
    let stranger = t.join_in(b_id, "A座", "1单元", "101").await;
    let mut voters = Vec::new();
    for b in ["1号楼", "2号楼", "3号楼"] {
        for u in ["1单元", "2单元"] {
            for r in ["102", "201", "202"] {
                voters.push(t.join(b, u, r).await);
            }
        }
    }
    let mut watching = listen(&t, &watcher).await;
    let mut elsewhere = listen(&t, &stranger).await;
    // Eighteen households vote within a moment.
    let pushes = voters.iter().enumerate().map(|(i, v)| {
        let option = open.options[i % open.options.len()].id;
        let op = v.op(OpBody::CastVote {
            consultation_id: open.id,
            option_ids: vec![option],
        });
        let t = &t;
        async move { t.push(v, &[op]).await }
    });
    for r in futures_util::future::join_all(pushes).await {
        assert_eq!(r[0].status, OpStatus::Applied);
    }
    // The tally moves once per tally interval for everyone else; within two intervals the watcher is
    // woken, a few times at most, and the other community's device not at all.
    let window = linli_hub::TALLY_INTERVAL * 2;
    let (seen, other) = tokio::join!(
        nudges_within(&mut watching, window),
        nudges_within(&mut elsewhere, window)
    );
    assert!((1..=3).contains(&seen), "{seen} nudges for 18 votes");
    assert_eq!(other, 0, "a vote in 幸福里社区 woke a device of 安康苑社区");
    // And the watcher's pull then shows every vote.
    let replica = t.replica(&watcher).await;
    let total = replica
        .iter()
        .find_map(|r| match r {
            Record::Consultation(c) if c.id == open.id => Some(c.total_votes),
            _ => None,
        })
        .unwrap();
    assert_eq!(total, Some(18));
}

#[tokio::test]
async fn a_relative_acts_for_residents_of_both_communities_with_one_device() {
    let t = start().await;
    let b_id = t.second_community();
    let mother = t.join("1号楼", "1单元", "101").await;
    let uncle = t.join_in(b_id, "B座", "1单元", "102").await;
    let relative = t.join_in(b_id, "A座", "1单元", "202").await;
    t.grant(&mother, &relative, &[linli_proto::ProxyScope::Report], 30)
        .await;
    t.grant(&uncle, &relative, &[linli_proto::ProxyScope::Report], 30)
        .await;
    for (principal, community) in [(&mother, t.community()), (&uncle, b_id)] {
        let (status, _) = t
            .get(
                &relative,
                &format!("/v1/pull?for={}", principal.resident_id),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let op = crate::helpers::for_principal(
            &relative,
            principal,
            report_body("facilities", "代办：楼道灯坏了"),
        );
        let OpBody::CreateReport { report_id, .. } = op.body.clone() else {
            unreachable!()
        };
        let r = t.push(&relative, &[op]).await.remove(0);
        assert_eq!(r.status, OpStatus::Applied, "{r:?}");
        // The report lands in the principal's community, where its office sees it.
        let staff = admin::staff::add(t.hub(), community, "值班", false).unwrap();
        assert!(admin::reports::show(t.hub(), &staff, report_id).is_ok());
    }
}

#[tokio::test]
async fn a_grant_given_while_connected_wakes_the_relative_for_the_principal() {
    let t = start().await;
    let mother = t.join("1号楼", "1单元", "101").await;
    let relative = t.join_in(t.second_community(), "A座", "1单元", "202").await;
    let report = report_body("facilities", "楼道灯坏了");
    let OpBody::CreateReport { report_id, .. } = report.clone() else {
        unreachable!()
    };
    assert_eq!(t.push1(&mother, report).await.status, OpStatus::Applied);
    let mut events = listen(&t, &relative).await;
    // The grant is logged for both residents: the relative's stream learns it acts for her now.
    t.grant(&mother, &relative, &[linli_proto::ProxyScope::Report], 30)
        .await;
    assert!(nudges_within(&mut events, Duration::from_millis(1500)).await >= 1);
    admin::reports::set_status(
        t.hub(),
        t.community(),
        report_id,
        ReportStatus::Accepted,
        Some("已受理"),
    )
    .unwrap();
    assert!(
        nudges_within(&mut events, Duration::from_millis(2500)).await >= 1,
        "her report's change woke the relative who acts for her"
    );
}
