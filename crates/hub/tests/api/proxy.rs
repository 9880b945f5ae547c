//! Authorized proxies (亲友代办) over real HTTP: the authorization matrix (every scope × every action ×
//! every grant state), votes cast by a proxy and by the principal in both orders, the limits, codes, an
//! op queued offline across a revocation, and the principal's record of every act.
use chrono::Duration;
use linli_hub::admin;
use linli_hub::store::ProxyLimits;
use linli_proto::{
    ActorRole, ErrorCode, GrantParty, GrantStatus, OpBody, OpStatus, ProxyGrant, ProxyInvite,
    ProxyScope, Record, VoteScope,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{for_principal, report_body, start, Device, TestHub};

const PRINCIPAL_HOME: (&str, &str, &str) = ("1号楼", "1单元", "101");
const PROXY_HOME: (&str, &str, &str) = ("3号楼", "2单元", "201");

impl TestHub {
    async fn join_at(&self, (b, u, r): (&str, &str, &str)) -> Device {
        self.join(b, u, r).await
    }

    /// `GET /v1/pull?for=principal`, every page; the status of the first refused page or 200.
    async fn pull_for(&self, proxy: &Device, principal: Uuid) -> (StatusCode, Vec<Record>, Value) {
        let mut cursor = 0;
        let mut out = Vec::new();
        loop {
            let (status, body) = self
                .get(proxy, &format!("/v1/pull?for={principal}&cursor={cursor}"))
                .await;
            if status != StatusCode::OK {
                return (status, out, body);
            }
            let page: linli_proto::PullPage = serde_json::from_value(body).unwrap();
            out.extend(page.changes.into_iter().map(|c| c.record));
            cursor = page.next_cursor;
            if !page.has_more {
                return (status, out, Value::Null);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Active,
    Expired,
    Revoked,
    GivenUp,
    NeverGranted,
}

impl State {
    fn refusal(self) -> Option<ErrorCode> {
        match self {
            State::Active => None,
            State::Expired => Some(ErrorCode::ProxyGrantExpired),
            State::Revoked => Some(ErrorCode::ProxyGrantRevoked),
            State::GivenUp => Some(ErrorCode::ProxyGrantGivenUp),
            State::NeverGranted => Some(ErrorCode::ProxyNotGranted),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Action {
    PullNotices,
    PullReports,
    PullConsultations,
    PushCreateReport,
    PushCommentReport,
    PushCastVote,
    PushMarkNoticeRead,
    PushRateReport,
    PushReopenReport,
    PushWithdrawReport,
}

impl Action {
    const ALL: [Action; 10] = [
        Action::PullNotices,
        Action::PullReports,
        Action::PullConsultations,
        Action::PushCreateReport,
        Action::PushCommentReport,
        Action::PushCastVote,
        Action::PushMarkNoticeRead,
        // In this order: rate then reopen the resolved report; withdraw the submitted one last.
        Action::PushRateReport,
        Action::PushReopenReport,
        Action::PushWithdrawReport,
    ];
    fn needs(self) -> ProxyScope {
        match self {
            Action::PullNotices | Action::PushMarkNoticeRead => ProxyScope::ReadNotices,
            Action::PullReports
            | Action::PushCreateReport
            | Action::PushCommentReport
            | Action::PushRateReport
            | Action::PushReopenReport
            | Action::PushWithdrawReport => ProxyScope::Report,
            Action::PullConsultations | Action::PushCastVote => ProxyScope::Vote,
        }
    }
}

struct Case {
    state: State,
    scope: ProxyScope,
    principal: Device,
    proxy: Device,
    report: Uuid,
    /// Resolved by staff, so it can be rated and reopened.
    resolved: Uuid,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_matrix_over_every_scope_action_and_grant_state() {
    let t = start().await;
    let (consultation, options) = t.consultation(VoteScope::PerResident);
    let notice = admin::notices::list(t.hub(), t.community()).unwrap()[0].id;
    let states = [
        State::Active,
        State::Expired,
        State::Revoked,
        State::GivenUp,
        State::NeverGranted,
    ];
    let mut cases = Vec::new();
    for state in states {
        for scope in ProxyScope::ALL {
            let principal = t.join_at(PRINCIPAL_HOME).await;
            let proxy = t.join_at(PROXY_HOME).await;
            let body = report_body("facilities", "楼道灯坏了");
            let OpBody::CreateReport {
                report_id: report, ..
            } = body.clone()
            else {
                unreachable!()
            };
            let r = t.push1(&principal, body).await;
            assert_eq!(r.status, OpStatus::Applied);
            let body = report_body("facilities", "电梯坏了");
            let OpBody::CreateReport {
                report_id: resolved,
                ..
            } = body.clone()
            else {
                unreachable!()
            };
            assert_eq!(t.push1(&principal, body).await.status, OpStatus::Applied);
            admin::reports::set_status(
                t.hub(),
                t.community(),
                resolved,
                linli_proto::ReportStatus::Resolved,
                Some("已修好"),
            )
            .unwrap();
            let days = if state == State::Expired { 1 } else { 365 };
            if state != State::NeverGranted {
                let g = t.grant(&principal, &proxy, &[scope], days).await;
                match state {
                    State::Revoked => {
                        let (s, b) = t.revoke(&principal, g.id).await;
                        assert_eq!(s, StatusCode::OK, "{b}");
                        assert_eq!(b["status"], "revoked");
                    }
                    State::GivenUp => {
                        let (s, b) = t.revoke(&proxy, g.id).await;
                        assert_eq!(s, StatusCode::OK, "{b}");
                        assert_eq!(b["status"], "given_up");
                    }
                    _ => {}
                }
            }
            cases.push(Case {
                state,
                scope,
                principal,
                proxy,
                report,
                resolved,
            });
        }
    }
    // Expire the one-day grants (the hub's clock, not the device's, decides).
    t.clock.advance(Duration::days(2));
    let mut checked = 0;
    for case in &cases {
        let (status, records, body) = t.pull_for(&case.proxy, case.principal.resident_id).await;
        for action in Action::ALL {
            let allowed = case.state == State::Active && action.needs() == case.scope;
            let what = format!(
                "{:?} with {:?} grant of {:?}",
                action, case.state, case.scope
            );
            let got_allowed = match action {
                Action::PullNotices | Action::PullReports | Action::PullConsultations => {
                    match case.state.refusal() {
                        Some(code) => {
                            assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                            assert_eq!(body["code"], code.as_str(), "{what}");
                            assert!(records.is_empty(), "{what}");
                        }
                        None => assert_eq!(status, StatusCode::OK, "{what}"),
                    }
                    records.iter().any(|r| match (action, r) {
                        (Action::PullNotices, Record::Notice(n)) => n.id == notice,
                        (Action::PullReports, Record::Report(r)) => r.id == case.report,
                        (Action::PullConsultations, Record::Consultation(c)) => {
                            c.id == consultation
                        }
                        _ => false,
                    })
                }
                _ => {
                    let body = match action {
                        Action::PushCreateReport => report_body("facilities", "代报：楼道灯坏了"),
                        Action::PushCommentReport => OpBody::CommentReport {
                            voice: None,
                            report_id: case.report,
                            text: "已经三天了".into(),
                        },
                        Action::PushCastVote => OpBody::CastVote {
                            consultation_id: consultation,
                            option_ids: vec![options[0]],
                        },
                        Action::PushRateReport => OpBody::RateReport {
                            report_id: case.resolved,
                            satisfaction: linli_proto::Satisfaction::Unsatisfied,
                            comment: None,
                        },
                        Action::PushReopenReport => OpBody::ReopenReport {
                            report_id: case.resolved,
                            reason: Some("还是坏的".into()),
                        },
                        Action::PushWithdrawReport => OpBody::WithdrawReport {
                            report_id: case.report,
                        },
                        _ => OpBody::MarkNoticeRead { notice_id: notice },
                    };
                    let op = for_principal(&case.proxy, &case.principal, body);
                    let r = t.push(&case.proxy, &[op]).await.remove(0);
                    if r.status == OpStatus::Rejected {
                        let expected = case.state.refusal().unwrap_or(ErrorCode::ProxyScopeMissing);
                        assert_eq!(r.code, Some(expected), "{what}");
                        assert!(r.message.is_some_and(|m| !m.is_empty()), "{what}");
                    }
                    r.status == OpStatus::Applied
                }
            };
            assert_eq!(got_allowed, allowed, "{what}");
            checked += 1;
        }
        // Whatever happened, the proxy never reads the principal's grant or act records.
        assert!(
            !records
                .iter()
                .any(|r| matches!(r, Record::ProxyGrant(_) | Record::ProxyAct(_))),
            "grant records stay the principal's"
        );
    }
    assert_eq!(checked, 5 * 3 * Action::ALL.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_principals_own_vote_replaces_the_proxys_but_never_the_reverse() {
    let t = start().await;
    let (c, options) = t.consultation(VoteScope::PerResident);
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let proxy = t.join_at(PROXY_HOME).await;
    t.grant(&principal, &proxy, &[ProxyScope::Vote], 365).await;
    let vote = |o: Uuid| OpBody::CastVote {
        consultation_id: c,
        option_ids: vec![o],
    };

    // Proxy first, then the principal: the principal's vote replaces it; one ballot in all.
    let r = t
        .push(
            &proxy,
            &[for_principal(&proxy, &principal, vote(options[0]))],
        )
        .await;
    assert_eq!(r[0].status, OpStatus::Applied);
    let tally = admin::consultations::results(t.hub(), t.community(), c).unwrap();
    assert_eq!(tally.total_votes, 1);
    assert_eq!(tally.options[0].votes, 1);
    let r = t.push1(&principal, vote(options[1])).await;
    assert_eq!(r.status, OpStatus::Applied);
    let tally = admin::consultations::results(t.hub(), t.community(), c).unwrap();
    assert_eq!(tally.total_votes, 1, "still one vote for the principal");
    assert_eq!((tally.options[0].votes, tally.options[1].votes), (0, 1));

    // The principal voted themselves: the proxy can't replace it.
    let r = t
        .push(
            &proxy,
            &[for_principal(&proxy, &principal, vote(options[0]))],
        )
        .await;
    assert_eq!(r[0].status, OpStatus::Rejected);
    assert_eq!(r[0].code, Some(ErrorCode::ProxyOwnVoteStands));
    let tally = admin::consultations::results(t.hub(), t.community(), c).unwrap();
    assert_eq!((tally.options[0].votes, tally.options[1].votes), (0, 1));

    // Principal first on a second consultation, then the proxy's vote arrives late: refused as well.
    let (c2, options2) = t.consultation(VoteScope::PerResident);
    let r = t
        .push1(
            &principal,
            OpBody::CastVote {
                consultation_id: c2,
                option_ids: vec![options2[1]],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied);
    let late = for_principal(
        &proxy,
        &principal,
        OpBody::CastVote {
            consultation_id: c2,
            option_ids: vec![options2[0]],
        },
    );
    let r = t.push(&proxy, &[late]).await;
    assert_eq!(r[0].code, Some(ErrorCode::ProxyOwnVoteStands));
    let tally = admin::consultations::results(t.hub(), t.community(), c2).unwrap();
    assert_eq!(tally.total_votes, 1);
    assert_eq!(tally.options[1].votes, 1);

    // The principal's consultation shows their own vote; the proxy's own consultation view has none.
    let (_, records, _) = t.pull_for(&proxy, principal.resident_id).await;
    let seen = records
        .iter()
        .rev()
        .find_map(|r| match r {
            Record::Consultation(x) if x.id == c2 => Some(x.my_vote.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(seen, Some(vec![options2[1]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_three_proxies_per_principal_five_principals_per_proxy_and_configurable() {
    let t = start().await;
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let mut proxies = Vec::new();
    for _ in 0..4 {
        proxies.push(t.join_at(PROXY_HOME).await);
    }
    for p in &proxies[..3] {
        t.grant(&principal, p, &[ProxyScope::Report], 30).await;
    }
    let code = t.code(&principal, &[ProxyScope::Report], None).await;
    let (s, b) = t
        .post(&proxies[3], "/v1/proxy/accept", json!({ "code": code }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(b["code"], "proxy_too_many_proxies");

    // One proxy acting for five principals; a sixth is refused.
    let busy = t.join_at(PROXY_HOME).await;
    for _ in 0..5 {
        let p = t.join_at(PRINCIPAL_HOME).await;
        t.grant(&p, &busy, &[ProxyScope::Vote], 30).await;
    }
    let sixth = t.join_at(PRINCIPAL_HOME).await;
    let code = t.code(&sixth, &[ProxyScope::Vote], None).await;
    let (s, b) = t
        .post(&busy, "/v1/proxy/accept", json!({ "code": code.clone() }))
        .await;
    assert_eq!(b["code"], "proxy_too_many_principals", "{s}");

    // The community raises the limit: the same (still unused) code now works.
    admin::proxy::set_limits(
        t.hub(),
        t.community(),
        ProxyLimits {
            max_proxies: 3,
            max_principals: 6,
        },
    )
    .unwrap();
    let (s, b) = t
        .post(&busy, "/v1/proxy/accept", json!({ "code": code }))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // A revoked or expired grant frees its place.
    let list: Vec<ProxyGrant> = admin::proxy::list(t.hub(), &t.staff()).unwrap();
    let first = list
        .iter()
        .find(|g| g.principal == principal.resident_id)
        .unwrap();
    let (s, _) = t.revoke(&principal, first.id).await;
    assert_eq!(s, StatusCode::OK);
    t.grant(&principal, &proxies[3], &[ProxyScope::Report], 30)
        .await;
    t.clock.advance(Duration::days(31));
    let fresh = t.join_at(PROXY_HOME).await;
    t.grant(&principal, &fresh, &[ProxyScope::Report], 30).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_single_use_expire_after_a_day_are_hashed_and_rate_limited() {
    let t = start().await;
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let proxy = t.join_at(PROXY_HOME).await;
    let other = t.join_at(PROXY_HOME).await;

    let (s, b) = t
        .post(
            &principal,
            "/v1/proxy/invites",
            json!({"scopes": [], "days": 30}),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("field_required"))
    );
    let (_, b) = t
        .post(
            &principal,
            "/v1/proxy/invites",
            json!({"scopes": ["vote"], "days": 1097}),
        )
        .await;
    assert_eq!(b["code"], "proxy_days_out_of_range");
    let (s, b) = t
        .post(&principal, "/v1/proxy/invites", json!({"scopes": ["vote"]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let invite: ProxyInvite = serde_json::from_value(b).unwrap();
    assert_eq!(invite.days, 365, "12 months by default");
    assert_eq!(invite.code.len(), 11, "ABCDE-FGHJK");

    // Its own code is refused to the principal; the relative redeems it once, in any case or spacing.
    let (_, b) = t
        .post(&principal, "/v1/proxy/accept", json!({"code": invite.code}))
        .await;
    assert_eq!(b["code"], "proxy_self");
    let typed = invite.code.replace('-', " ").to_lowercase();
    let (s, b) = t
        .post(&proxy, "/v1/proxy/accept", json!({"code": typed}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let g: ProxyGrant = serde_json::from_value(b).unwrap();
    assert_eq!(g.status, GrantStatus::Active);
    assert_eq!(g.created_by, GrantParty::Principal);
    assert!(g.expires_at - g.created_at == Duration::days(365));
    let (_, b) = t
        .post(&other, "/v1/proxy/accept", json!({"code": invite.code}))
        .await;
    assert_eq!(b["code"], "proxy_code_used");

    // Only the hash is stored.
    let db = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let stored: Vec<String> = db
        .prepare("SELECT code_hash FROM proxy_codes")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let plain = invite.code.replace('-', "");
    assert!(stored.iter().all(|h| h.len() == 64 && !h.contains(&plain)));

    // A code not redeemed within 24 hours expires.
    let late = t.code(&principal, &[ProxyScope::Report], Some(10)).await;
    t.clock.advance(Duration::hours(25));
    let (_, b) = t
        .post(&other, "/v1/proxy/accept", json!({"code": late}))
        .await;
    assert_eq!(b["code"], "proxy_code_expired");

    // Guessing is braked like invitation codes.
    let mut last = StatusCode::OK;
    for _ in 0..8 {
        let (s, _) = t
            .post(&other, "/v1/proxy/accept", json!({"code": "AAAAA-BBBBB"}))
            .await;
        last = s;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ops_queued_offline_across_a_revocation_or_expiry_are_rejected_with_a_reason() {
    let t = start().await;
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let proxy = t.join_at(PROXY_HOME).await;
    let g = t
        .grant(
            &principal,
            &proxy,
            &[ProxyScope::Report, ProxyScope::Vote],
            365,
        )
        .await;
    // Made while the grant was active (the device was offline)…
    let queued = for_principal(&proxy, &principal, report_body("facilities", "路灯不亮"));
    // …the principal takes it back before the op reaches the hub.
    let (s, _) = t.revoke(&principal, g.id).await;
    assert_eq!(s, StatusCode::OK);
    let resp = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&proxy.token)
        .header("Accept-Language", "en-US")
        .json(&json!({ "ops": [queued] }))
        .send()
        .await
        .unwrap();
    let r: linli_proto::PushResponse = resp.json().await.unwrap();
    assert_eq!(r.results[0].status, OpStatus::Rejected);
    assert_eq!(r.results[0].code, Some(ErrorCode::ProxyGrantRevoked));
    assert!(r.results[0]
        .message
        .as_deref()
        .is_some_and(|m| m.contains("took back")));
    // A retry answers the same; nothing reached the principal.
    let again = t.push(&proxy, std::slice::from_ref(&queued)).await;
    assert_eq!(again[0].code, Some(ErrorCode::ProxyGrantRevoked));
    assert!(
        admin::reports::list(t.hub(), &t.staff(), &Default::default())
            .unwrap()
            .is_empty()
    );

    // Expiry: a new grant of one day, an op made before and pushed after.
    let g2 = t.grant(&principal, &proxy, &[ProxyScope::Report], 1).await;
    let queued = for_principal(&proxy, &principal, report_body("facilities", "电梯异响"));
    t.clock.advance(Duration::hours(25));
    let r = t.push(&proxy, &[queued]).await;
    assert_eq!(r[0].code, Some(ErrorCode::ProxyGrantExpired));
    let list: Vec<ProxyGrant> =
        serde_json::from_value(t.get(&proxy, "/v1/proxy/grants").await.1["grants"].clone())
            .unwrap();
    assert_eq!(
        list.iter().find(|x| x.id == g2.id).unwrap().status,
        GrantStatus::Expired
    );
    assert_eq!(
        list.iter().find(|x| x.id == g.id).unwrap().ended_by,
        Some(GrantParty::Principal)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_principal_sees_every_act_with_both_identities_and_each_grant_change() {
    let t = start().await;
    let (c, options) = t.consultation(VoteScope::PerResident);
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let proxy = t.join_at(PROXY_HOME).await;
    let g = t
        .grant(
            &principal,
            &proxy,
            &[ProxyScope::Report, ProxyScope::Vote],
            90,
        )
        .await;
    let report = report_body("facilities", "楼梯灯坏了");
    let OpBody::CreateReport { report_id, .. } = report.clone() else {
        unreachable!()
    };
    let ops = vec![
        for_principal(&proxy, &principal, report),
        for_principal(
            &proxy,
            &principal,
            OpBody::CommentReport {
                voice: None,
                report_id,
                text: "在三楼".into(),
            },
        ),
        for_principal(
            &proxy,
            &principal,
            OpBody::CastVote {
                consultation_id: c,
                option_ids: vec![options[0]],
            },
        ),
    ];
    let results = t.push(&proxy, &ops).await;
    assert!(
        results.iter().all(|r| r.status == OpStatus::Applied),
        "{results:?}"
    );

    let replica = t.replica(&principal).await;
    let acts: Vec<_> = replica
        .iter()
        .filter_map(|r| match r {
            Record::ProxyAct(a) => Some(a.clone()),
            _ => None,
        })
        .collect();
    let kinds: Vec<&str> = acts.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["create_report", "comment_report", "cast_vote"]);
    for (a, op) in acts.iter().zip(&ops) {
        assert_eq!(a.id, op.id);
        assert_eq!(a.grant_id, g.id);
        assert_eq!(a.proxy, proxy.resident_id);
        assert_eq!(a.principal, principal.resident_id);
        assert_eq!(a.proxy_name.as_deref(), Some("王芳（女儿）"));
    }
    assert_eq!(acts[2].target, Some(c));

    // The report is the principal's, and its timeline names the proxy as the actor, for the principal.
    let rep = replica
        .iter()
        .find_map(|r| match r {
            Record::Report(x) if x.id == report_id => Some(x.clone()),
            _ => None,
        })
        .expect("the principal's household sees the report");
    assert_eq!(rep.events.len(), 2);
    for e in &rep.events {
        assert_eq!(e.actor, ActorRole::Proxy);
        assert_eq!(e.actor_id, Some(proxy.resident_id));
        assert_eq!(e.on_behalf_of, Some(principal.resident_id));
        assert_eq!(e.actor_name.as_deref(), Some("王芳（女儿）"));
    }
    // Staff see the same record, and their look at it is in the access log.
    let clerk = t.staff();
    let seen = admin::proxy::activity(t.hub(), &clerk, &principal.resident_id.to_string()).unwrap();
    assert_eq!(seen, acts);
    let logged = admin::staff::access_log(t.hub(), &clerk).unwrap();
    assert!(
        logged.iter().any(|e| e.action == "proxy_activity"
            && e.resident_id == Some(principal.resident_id)
            && e.staff_id == Some(clerk.id)),
        "{logged:?}"
    );

    // Grant changes reach both sides' feeds.
    let (s, _) = t.revoke(&principal, g.id).await;
    assert_eq!(s, StatusCode::OK);
    for dev in [&principal, &proxy] {
        let grants: Vec<ProxyGrant> = t
            .replica(dev)
            .await
            .into_iter()
            .filter_map(|r| match r {
                Record::ProxyGrant(x) => Some(x),
                _ => None,
            })
            .collect();
        assert_eq!(grants.len(), 1);
        assert_eq!(grants[0].status, GrantStatus::Revoked);
    }
    // Another resident's acts are not in this principal's feed, nor the other way round.
    let stranger = t.join_at(PRINCIPAL_HOME).await;
    assert!(!t
        .replica(&stranger)
        .await
        .iter()
        .any(|r| matches!(r, Record::ProxyAct(_) | Record::ProxyGrant(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_two_parties_can_end_a_grant_and_staff_can_grant_and_revoke() {
    let t = start().await;
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let proxy = t.join_at(PROXY_HOME).await;
    let stranger = t.join_at(PROXY_HOME).await;
    let g = admin::proxy::grant(
        t.hub(),
        t.community(),
        &principal.device_id.to_string(),
        &proxy.resident_id.to_string(),
        &[ProxyScope::ReadNotices],
        Some(60),
        Some("李明（儿子）".into()),
    )
    .unwrap();
    assert_eq!(g.created_by, GrantParty::Staff);
    assert_eq!(g.principal, principal.resident_id);
    let (s, b) = t.revoke(&stranger, g.id).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, records, _) = t.pull_for(&proxy, principal.resident_id).await;
    assert_eq!(status, StatusCode::OK);
    assert!(records.iter().any(|r| matches!(r, Record::Notice(_))));
    assert!(!records
        .iter()
        .any(|r| matches!(r, Record::Report(_) | Record::Consultation(_))));
    let ended = admin::proxy::revoke(t.hub(), t.community(), g.id).unwrap();
    assert_eq!(
        (ended.status, ended.ended_by),
        (GrantStatus::Revoked, Some(GrantParty::Staff))
    );
    let (status, _, body) = t.pull_for(&proxy, principal.resident_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "proxy_grant_revoked");
    // Both changes are in the public log, and the log still audits.
    let audit = linli_hub::auditor::audit_community(
        &t.url(""),
        Some(t.community()),
        &t.hub().log_key(),
        &[],
        &[],
    )
    .await
    .unwrap();
    assert_eq!(audit.leaves_by_kind.get("proxy_grant"), Some(&2));
    // An address with several residents must be named by id.
    let _second = t.join_at(PRINCIPAL_HOME).await;
    assert!(matches!(
        admin::proxy::resolve_resident(t.hub(), t.community(), "1号楼/1单元/101"),
        Err(linli_hub::HubError::AmbiguousResident(ids)) if ids.len() == 2
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiry_reaches_both_residents_feeds_once() {
    let t = start().await;
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let proxy = t.join_at(PROXY_HOME).await;
    let g = t.grant(&principal, &proxy, &[ProxyScope::Vote], 1).await;
    let status_seen = |records: Vec<Record>| {
        records.into_iter().rev().find_map(|r| match r {
            Record::ProxyGrant(x) if x.id == g.id => Some(x.status),
            _ => None,
        })
    };
    assert_eq!(
        status_seen(t.replica(&principal).await),
        Some(GrantStatus::Active)
    );
    let before = t.hub().store().head(t.community()).unwrap();
    t.clock.advance(Duration::days(1) + Duration::minutes(1));
    // The server's poller logs the expiry (one entry per resident) within a poll interval or two.
    let mut head = before;
    for _ in 0..40 {
        head = t.hub().store().head(t.community()).unwrap();
        if head == before + 2 {
            break;
        }
        tokio::time::sleep(linli_hub::POLL_INTERVAL / 2).await;
    }
    assert_eq!(head, before + 2, "the expiry was logged for both");
    let page = t.pull_page(&principal, before, 100).await;
    assert!(matches!(
        &page.changes[..],
        [c] if matches!(&c.record, Record::ProxyGrant(x) if x.status == GrantStatus::Expired)
    ));
    assert_eq!(
        status_seen(t.replica(&proxy).await),
        Some(GrantStatus::Expired)
    );
    let head = t.hub().store().head(t.community()).unwrap();
    assert_eq!(
        t.hub().store().log_expired_grants(t.hub().now()).unwrap(),
        0,
        "logged once"
    );
    assert_eq!(t.hub().store().head(t.community()).unwrap(), head);
}

/// A relative who lives in another community has no account here: the code gets them a visitor
/// credential that can only act through their grants.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_from_another_community_acts_through_a_visitor_credential() {
    let t = start().await;
    let (c, options) = t.consultation(VoteScope::PerResident);
    let principal = t.join_at(PRINCIPAL_HOME).await;
    let code = t
        .code(
            &principal,
            &[ProxyScope::Vote, ProxyScope::Report],
            Some(30),
        )
        .await;
    let resp = t
        .http
        .post(t.url("/v1/proxy/visitors"))
        .json(&json!({"code": code, "proxy_name": "王芳（女儿）", "home": "阳光社区"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let accepted: linli_proto::ProxyVisitorAccepted = resp.json().await.unwrap();
    assert_eq!(accepted.grant.proxy, accepted.visitor_id);
    assert_eq!(accepted.grant.principal, principal.resident_id);
    let visitor = Device {
        token: accepted.token.clone(),
        resident_id: accepted.visitor_id,
        device_id: accepted.visitor_id,
        household_id: Uuid::nil(),
        seq: std::cell::Cell::new(0),
    };

    // Nothing of the community's own: residents' routes refuse the visitor token.
    for path in [
        "/v1/pull",
        "/v1/me",
        &format!("/v1/pull?for={}", principal.resident_id),
    ] {
        assert_eq!(
            t.get(&visitor, path).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let (s, b) = t
        .get(
            &visitor,
            &format!("/v1/proxy/visitor/pull?for={}", principal.resident_id),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let page: linli_proto::PullPage = serde_json::from_value(b).unwrap();
    assert!(page
        .changes
        .iter()
        .any(|ch| matches!(&ch.record, Record::Consultation(x) if x.id == c)));
    assert!(!page
        .changes
        .iter()
        .any(|ch| matches!(&ch.record, Record::Notice(_))));

    let visitor_push = |ops: Vec<linli_proto::Op>| {
        let t = &t;
        let token = accepted.token.clone();
        async move {
            let resp = t
                .http
                .post(t.url("/v1/proxy/visitor/push"))
                .bearer_auth(token)
                .json(&json!({ "ops": ops }))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            resp.json::<linli_proto::PushResponse>()
                .await
                .unwrap()
                .results
        }
    };
    let vote = for_principal(
        &visitor,
        &principal,
        OpBody::CastVote {
            consultation_id: c,
            option_ids: vec![options[0]],
        },
    );
    let own = visitor.op(report_body("facilities", "我自己的"));
    let r = visitor_push(vec![vote.clone(), own]).await;
    assert_eq!(r[0].status, OpStatus::Applied);
    assert_eq!(
        r[1].code,
        Some(ErrorCode::Forbidden),
        "a visitor has nothing of its own"
    );
    assert_eq!(
        visitor_push(vec![vote]).await[0].status,
        OpStatus::Applied,
        "exactly once"
    );
    let tally = admin::consultations::results(t.hub(), t.community(), c).unwrap();
    assert_eq!((tally.total_votes, tally.options[0].votes), (1, 1));
    let acts =
        admin::proxy::activity(t.hub(), &t.staff(), &principal.resident_id.to_string()).unwrap();
    assert_eq!(acts[0].proxy, accepted.visitor_id);
    assert_eq!(acts[0].proxy_name.as_deref(), Some("王芳（女儿）"));

    // The principal takes it back: the visitor's next op and pull are refused with the reason.
    let (s, _) = t.revoke(&principal, accepted.grant.id).await;
    assert_eq!(s, StatusCode::OK);
    let late = for_principal(
        &visitor,
        &principal,
        report_body("facilities", "楼道灯坏了"),
    );
    assert_eq!(
        visitor_push(vec![late]).await[0].code,
        Some(ErrorCode::ProxyGrantRevoked)
    );
    let (s, b) = t
        .get(
            &visitor,
            &format!("/v1/proxy/visitor/pull?for={}", principal.resident_id),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("proxy_grant_revoked"))
    );
    let (_, b) = t.get(&visitor, "/v1/proxy/visitor/grants").await;
    assert_eq!(b["grants"][0]["status"], "revoked");

    // A wrong code creates no visitor; a used one neither.
    let resp = t
        .http
        .post(t.url("/v1/proxy/visitors"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let db = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let visitors: i64 = db
        .query_row("SELECT COUNT(*) FROM proxy_visitors", [], |r| r.get(0))
        .unwrap();
    assert_eq!(visitors, 1);

    // Another visitor gives a grant up; a stranger visitor can't touch it.
    let code = t.code(&principal, &[ProxyScope::Vote], None).await;
    let second: linli_proto::ProxyVisitorAccepted = t
        .http
        .post(t.url("/v1/proxy/visitors"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("/v1/proxy/visitor/grants/{}/give-up", second.grant.id);
    let (s, _) = t.post(&visitor, &path, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let second_dev = Device {
        token: second.token,
        resident_id: second.visitor_id,
        device_id: second.visitor_id,
        household_id: Uuid::nil(),
        seq: std::cell::Cell::new(0),
    };
    let (s, b) = t.post(&second_dev, &path, json!({})).await;
    assert_eq!(
        (s, b["status"].as_str()),
        (StatusCode::OK, Some("given_up"))
    );
}
