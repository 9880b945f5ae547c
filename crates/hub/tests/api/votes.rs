//! Votes: change before close, late votes refused and uncounted, per-household ballots, eligibility.
use chrono::Duration;
use linli_hub::admin;
use linli_hub::store::NewConsultation;
use linli_proto::{ErrorCode, OpBody, OpStatus, ResultsVisibility, VoteScope};
use uuid::Uuid;

use crate::helpers::{start, TestHub};

fn consultation(t: &TestHub, scope: VoteScope, buildings: Vec<String>, hours: i64) -> Uuid {
    let now = t.hub().now();
    admin::consultations::create(
        t.hub(),
        t.community(),
        &NewConsultation {
            title: "议题".into(),
            description: "说明".into(),
            options: vec!["甲".into(), "乙".into(), "丙".into()],
            max_choices: 1,
            opens_at: now - Duration::minutes(1),
            closes_at: now + Duration::hours(hours),
            vote_scope: scope,
            results_visibility: ResultsVisibility::Live,
            buildings,
        },
    )
    .unwrap()
}

fn options(t: &TestHub, id: Uuid) -> Vec<Uuid> {
    admin::consultations::results(t.hub(), t.community(), id)
        .unwrap()
        .options
        .iter()
        .map(|o| o.id)
        .collect()
}

fn votes(t: &TestHub, id: Uuid) -> Vec<i64> {
    admin::consultations::results(t.hub(), t.community(), id)
        .unwrap()
        .options
        .iter()
        .map(|o| o.votes)
        .collect()
}

fn vote(id: Uuid, option: Uuid) -> OpBody {
    OpBody::CastVote {
        consultation_id: id,
        option_ids: vec![option],
    }
}

#[tokio::test]
async fn a_vote_can_change_until_close_and_late_votes_never_count() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let c = consultation(&t, VoteScope::PerResident, vec![], 24);
    let o = options(&t, c);
    assert_eq!(t.push1(&a, vote(c, o[0])).await.status, OpStatus::Applied);
    assert_eq!(t.push1(&a, vote(c, o[1])).await.status, OpStatus::Applied);
    assert_eq!(votes(&t, c), vec![0, 1, 0]);
    let (_, rendered) = t.get(&a, &format!("/v1/consultations/{c}")).await;
    assert_eq!(rendered["my_vote"][0], o[1].to_string());
    assert_eq!(rendered["total_votes"], 1);

    admin::consultations::close(t.hub(), t.community(), c).unwrap();
    let late = t.push1(&a, vote(c, o[2])).await;
    assert_eq!(late.status, OpStatus::Rejected);
    assert_eq!(late.code, Some(ErrorCode::ConsultationClosed));
    assert!(late.message.unwrap().contains("投票"));
    assert_eq!(votes(&t, c), vec![0, 1, 0], "late vote not counted");
}

#[tokio::test]
async fn the_hub_clock_decides_when_voting_ends() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let c = consultation(&t, VoteScope::PerResident, vec![], 1);
    let o = options(&t, c);
    t.clock.advance(Duration::hours(2));
    let late = t.push1(&a, vote(c, o[0])).await;
    assert_eq!(late.code, Some(ErrorCode::ConsultationClosed));
    assert_eq!(votes(&t, c), vec![0, 0, 0]);
}

#[tokio::test]
async fn one_ballot_per_household_the_latest_wins() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let a2 = t.join("1号楼", "1单元", "101").await;
    let b = t.join("2号楼", "1单元", "101").await;
    let c = consultation(&t, VoteScope::PerHousehold, vec![], 24);
    let o = options(&t, c);
    t.push1(&a, vote(c, o[0])).await;
    t.push1(&a2, vote(c, o[1])).await;
    t.push1(&b, vote(c, o[1])).await;
    assert_eq!(votes(&t, c), vec![0, 2, 0]);
    let (_, seen_by_a) = t.get(&a, &format!("/v1/consultations/{c}")).await;
    assert_eq!(
        seen_by_a["my_vote"][0],
        o[1].to_string(),
        "household's ballot"
    );
}

#[tokio::test]
async fn eligibility_and_choices_are_checked() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let c = consultation(&t, VoteScope::PerHousehold, vec!["2号楼".into()], 24);
    let o = options(&t, c);
    let r = t.push1(&a, vote(c, o[0])).await;
    assert_eq!(r.code, Some(ErrorCode::NotEligible));

    let open = consultation(&t, VoteScope::PerResident, vec![], 24);
    let o = options(&t, open);
    for bad in [
        vec![],
        vec![o[0], o[1]],
        vec![Uuid::now_v7()],
        vec![o[0], o[0]],
    ] {
        let r = t
            .push1(
                &a,
                OpBody::CastVote {
                    consultation_id: open,
                    option_ids: bad,
                },
            )
            .await;
        assert_eq!(r.code, Some(ErrorCode::InvalidChoice));
    }
    let r = t.push1(&a, vote(Uuid::now_v7(), o[0])).await;
    assert_eq!(r.code, Some(ErrorCode::ConsultationNotFound));

    let now = t.hub().now();
    let later = admin::consultations::create(
        t.hub(),
        t.community(),
        &NewConsultation {
            title: "以后".into(),
            description: String::new(),
            options: vec!["是".into(), "否".into()],
            max_choices: 1,
            opens_at: now + Duration::days(1),
            closes_at: now + Duration::days(2),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::AfterClose,
            buildings: vec![],
        },
    )
    .unwrap();
    let lo = options(&t, later);
    let r = t.push1(&a, vote(later, lo[0])).await;
    assert_eq!(r.code, Some(ErrorCode::ConsultationNotOpen));
    let (_, rendered) = t.get(&a, &format!("/v1/consultations/{later}")).await;
    assert!(
        rendered["total_votes"].is_null(),
        "results hidden until close"
    );
    assert_eq!(votes(&t, c), vec![0, 0, 0]);
}
