//! Authorized proxies (亲友代办) end to end through two real profiles and a real hub: a daughter in another
//! building reports and votes for her father; her copy of his data stays apart from her own; he sees every
//! act with both identities and is told of the vote; his own vote replaces hers; an op she made offline
//! across his revocation is refused with a reason she sees, and his data leaves her device.
use crate::world::*;
use linli_core::{CoreEvent, NewReport, ProxyRole};
use linli_proto::{ActorRole, ErrorCode, GrantStatus, ProxyScope, Urgency, VoteScope};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daughter_acts_for_her_father_who_sees_every_act_and_can_take_it_back() {
    let w = World::start().await;
    let (cid, options) = w.open_consultation("加装电梯", VoteScope::PerResident);
    let notice = w.publish_notice("停水通知", Urgency::Urgent);
    let father = w.join("father", HOME_A).await;
    let daughter = w.join("daughter", HOME_B).await;

    let invite = father
        .proxy_invite(vec![ProxyScope::Report, ProxyScope::Vote], Some(90))
        .await
        .unwrap();
    assert_eq!(invite.days, 90);
    let grant = daughter
        .proxy_accept(&invite.code, Some("王芳（女儿）".into()))
        .await
        .unwrap();
    assert_eq!(grant.role, ProxyRole::Proxy);
    let dad = grant.principal;
    daughter.sync().await.unwrap();
    father.sync().await.unwrap();
    let mine = father.proxy_grants().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].role, ProxyRole::Principal);
    assert_eq!(daughter.acting_for_choices().unwrap()[0].principal, dad);

    // Reading for him needs the scope she was given; his consultations are there, apart from hers.
    assert!(matches!(
        daughter.notices_as(Some(dad)),
        Err(linli_core::CoreError::Refused(ErrorCode::ProxyScopeMissing))
    ));
    assert_eq!(daughter.notices().unwrap()[0].id, notice);
    assert_eq!(daughter.consultations_as(Some(dad)).unwrap().len(), 1);

    // She reports and votes for him; her own screens don't change.
    let rid = daughter
        .new_report_as(
            NewReport {
                category: "facilities".into(),
                text: "楼梯灯坏了".into(),
                ..Default::default()
            },
            Some(dad),
        )
        .unwrap();
    daughter.vote_as(cid, vec![options[0]], Some(dad)).unwrap();
    assert!(daughter.reports().unwrap().is_empty());
    assert_eq!(daughter.consultation(cid).unwrap().my_vote, None);
    let pending = daughter.report_as(rid, Some(dad)).unwrap();
    assert!(pending.pending);
    assert_eq!(pending.events[0].actor, ActorRole::Proxy);
    assert_eq!(
        daughter.consultation_as(cid, Some(dad)).unwrap().my_vote,
        Some(vec![options[0]])
    );

    let mut events = father.subscribe();
    daughter.sync().await.unwrap();
    father.sync().await.unwrap();
    assert!(daughter.reports().unwrap().is_empty(), "still apart");
    assert!(!daughter.report_as(rid, Some(dad)).unwrap().pending);

    // The father's device: the report is his, made by her; his 代办记录 lists both acts; he was told.
    let r = father.report(rid).unwrap();
    assert_eq!(r.events[0].actor, ActorRole::Proxy);
    assert_eq!(r.events[0].on_behalf_of, Some(dad));
    assert_eq!(r.events[0].actor_id, Some(grant.proxy));
    assert_eq!(r.events[0].actor_name.as_deref(), Some("王芳（女儿）"));
    let acts = father.proxy_activity().unwrap();
    let kinds: Vec<&str> = acts.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["cast_vote", "create_report"], "newest first");
    assert!(acts
        .iter()
        .all(|a| a.proxy == grant.proxy && a.principal == dad && a.grant_id == grant.id));
    assert_eq!(acts[0].title, "代您投票");
    let mut told = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let CoreEvent::ProxyActed { text, .. } = e {
            told.push(text);
        }
    }
    assert!(
        told.contains(&"王芳（女儿）代您投票".to_string()),
        "{told:?}"
    );
    assert_eq!(
        father.consultation(cid).unwrap().my_vote,
        Some(vec![options[0]])
    );
    // Kept as messages on his device: the grant, and the vote cast for him.
    let texts: Vec<String> = father
        .messages()
        .unwrap()
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(
        texts.contains(&"王芳（女儿）代您投票：加装电梯".to_string()),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("王芳（女儿）现在可以为您代办：报事、投票，至 ")),
        "{texts:?}"
    );

    // His own vote replaces hers; hers can't replace his.
    father.vote(cid, vec![options[1]]).unwrap();
    father.sync().await.unwrap();
    let tally = linli_hub::admin::consultations::results(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        cid,
    )
    .unwrap();
    assert_eq!(tally.total_votes, 1);
    assert_eq!(tally.options[1].votes, 1);
    daughter.sync().await.unwrap();
    daughter.vote_as(cid, vec![options[0]], Some(dad)).unwrap();
    let out = daughter.sync().await.unwrap();
    assert_eq!(out.rejected, 1);
    assert_eq!(
        daughter.messages().unwrap()[0].code,
        "proxy_own_vote_stands"
    );

    // Offline, she adds to his report; meanwhile he takes the authorization back.
    w.proxy.set_offline(true);
    daughter
        .comment_report_as(rid, "在三楼", Some(dad))
        .unwrap();
    assert!(daughter.sync().await.is_err());
    w.proxy.set_offline(false);
    let ended = father.proxy_revoke(grant.id).await.unwrap();
    assert_eq!(ended.status, GrantStatus::Revoked);
    let out = daughter.sync().await.unwrap();
    assert_eq!(out.rejected, 1);
    let messages = daughter.messages().unwrap();
    let m = messages
        .iter()
        .find(|m| m.code == "proxy_grant_revoked")
        .expect("the refused comment is explained");
    assert_eq!(m.op_kind, "comment_report");
    assert!(m.text.contains("收回"), "{}", m.text);
    // She is also told the authorization ended.
    assert!(
        messages.iter().any(|m| m.title == "亲友代办"
            && m.text == "1号楼 1单元 101 的代办授权已被收回，您不能再为其办理"),
        "{messages:?}"
    );
    assert_eq!(daughter.status().unwrap().pending, 0);
    assert!(daughter.acting_for_choices().unwrap().is_empty());
    assert!(matches!(
        daughter.reports_as(Some(dad)),
        Err(linli_core::CoreError::Refused(ErrorCode::ProxyGrantRevoked))
    ));
    // Nothing of his stays on her device.
    let db = rusqlite::Connection::open(w.profile_dir("daughter").join("linli.db")).unwrap();
    let kept: i64 = db
        .query_row("SELECT COUNT(*) FROM proxy_records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 0);
    // His report never got her late comment.
    father.sync().await.unwrap();
    assert_eq!(father.report(rid).unwrap().events.len(), 1);
    assert_eq!(
        father.proxy_grants().unwrap()[0].status,
        GrantStatus::Revoked
    );
}

/// The daughter lives in another community (another hub): she redeems her father's code there as a
/// visitor, reads and votes for him from her own profile, and loses it all when he takes it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_in_another_community_acts_through_a_visitor_credential() {
    let w = World::start().await;
    let (cid, options) = w.open_consultation("加装电梯", VoteScope::PerResident);
    let father = w.join("father", HOME_A).await;
    // Her own community, on its own hub.
    let other_dir = tempfile::tempdir().unwrap();
    let other = linli_hub::spawn_for_tests(other_dir.path()).await;
    let mut seed = seed();
    seed.name = "阳光社区".into();
    linli_hub::admin::community::create(other.hub(), &seed).unwrap();
    let code = linli_hub::admin::invites::invite(
        other.hub(),
        linli_hub::admin::community::oldest(other.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )
    .unwrap()
    .code;
    let daughter = linli_core::Profile::open(&w.profile_dir("daughter")).unwrap();
    daughter
        .accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .unwrap();
    daughter.join(&other.url(), &code, None).await.unwrap();
    daughter.sync().await.unwrap();

    let invite = father
        .proxy_invite(vec![ProxyScope::Vote], None)
        .await
        .unwrap();
    let grant = daughter
        .proxy_accept_remote(
            &w.proxy.url(),
            &invite.code,
            Some("王芳（女儿）".into()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(grant.role, ProxyRole::Proxy);
    let dad = grant.principal;
    daughter.sync().await.unwrap();
    assert_eq!(daughter.acting_for_choices().unwrap()[0].principal, dad);
    let theirs = daughter.consultations_as(Some(dad)).unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].id, cid);
    assert!(
        daughter.consultations().unwrap().is_empty(),
        "not her community's"
    );

    daughter.vote_as(cid, vec![options[1]], Some(dad)).unwrap();
    assert_eq!(daughter.status().unwrap().pending, 1);
    assert_eq!(
        daughter.consultation_as(cid, Some(dad)).unwrap().my_vote,
        Some(vec![options[1]])
    );
    let out = daughter.sync().await.unwrap();
    assert_eq!(out.applied, 1);
    assert_eq!(daughter.status().unwrap().pending, 0);
    father.sync().await.unwrap();
    assert_eq!(
        father.consultation(cid).unwrap().my_vote,
        Some(vec![options[1]])
    );
    let acts = father.proxy_activity().unwrap();
    assert_eq!(acts[0].proxy, grant.proxy);
    assert_eq!(acts[0].proxy_name.as_deref(), Some("王芳（女儿）"));

    // He takes it back; her next vote for him is refused with the reason, and his data leaves her device.
    father.proxy_revoke(grant.id).await.unwrap();
    daughter.vote_as(cid, vec![options[0]], Some(dad)).unwrap();
    let out = daughter.sync().await.unwrap();
    assert_eq!(out.rejected, 1);
    assert!(daughter
        .messages()
        .unwrap()
        .iter()
        .any(|m| m.code == "proxy_grant_revoked"));
    assert!(daughter.acting_for_choices().unwrap().is_empty());
    assert!(daughter.consultations_as(Some(dad)).is_err());
    let tally = linli_hub::admin::consultations::results(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        cid,
    )
    .unwrap();
    assert_eq!(
        tally.options[1].votes, 1,
        "the refused vote changed nothing"
    );
    other.shutdown().await;
}
