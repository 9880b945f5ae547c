//! The report lifecycle, driven by the admin functions on the office side and pushes on the
//! resident side.
use chrono::Duration;
use linli_hub::{admin, HubError};
use linli_proto::{ErrorCode, OpBody, OpStatus, ReportEventKind, ReportStatus, Satisfaction};
use uuid::Uuid;

use crate::helpers::{report_body, start, Device, TestHub};

async fn new_report(t: &TestHub, dev: &Device) -> Uuid {
    let body = report_body("environment", "垃圾站满了");
    let OpBody::CreateReport { report_id, .. } = body else {
        unreachable!()
    };
    assert_eq!(t.push1(dev, body).await.status, OpStatus::Applied);
    report_id
}

fn refused(r: Result<linli_proto::Report, HubError>) -> ErrorCode {
    match r {
        Err(HubError::Refused(code)) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn submitted_accepted_in_progress_resolved_rated_reopened() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let id = new_report(&t, &dev).await;
    let r = t
        .push1(
            &dev,
            OpBody::RateReport {
                report_id: id,
                satisfaction: Satisfaction::Satisfied,
                comment: None,
            },
        )
        .await;
    assert_eq!(r.code, Some(ErrorCode::ReportNotRatable));

    admin::reports::set_status(
        t.hub(),
        t.community(),
        id,
        ReportStatus::Accepted,
        Some("已受理"),
    )
    .unwrap();
    let r = t
        .push1(&dev, OpBody::WithdrawReport { report_id: id })
        .await;
    assert_eq!(r.code, Some(ErrorCode::ReportNotWithdrawable));
    admin::reports::set_status(t.hub(), t.community(), id, ReportStatus::InProgress, None).unwrap();
    assert_eq!(
        refused(admin::reports::set_status(
            t.hub(),
            t.community(),
            id,
            ReportStatus::Accepted,
            None
        )),
        ErrorCode::InvalidTransition
    );
    admin::reports::set_status(
        t.hub(),
        t.community(),
        id,
        ReportStatus::Resolved,
        Some("已清运"),
    )
    .unwrap();

    let r = t
        .push1(
            &dev,
            OpBody::ReopenReport {
                report_id: id,
                reason: None,
            },
        )
        .await;
    assert_eq!(
        r.code,
        Some(ErrorCode::ReportNotReopenable),
        "not rated unsatisfied yet"
    );
    let r = t
        .push1(
            &dev,
            OpBody::RateReport {
                report_id: id,
                satisfaction: Satisfaction::Unsatisfied,
                comment: Some("又满了".into()),
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied);
    let r = t
        .push1(
            &dev,
            OpBody::ReopenReport {
                report_id: id,
                reason: Some("还是满的".into()),
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied);

    let (status, body) = t.get(&dev, &format!("/v1/reports/{id}")).await;
    assert_eq!(status, 200);
    let report: linli_proto::Report = serde_json::from_value(body).unwrap();
    assert_eq!(report.status, ReportStatus::InProgress);
    let kinds: Vec<_> = report.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ReportEventKind::Submitted,
            ReportEventKind::Status,
            ReportEventKind::Status,
            ReportEventKind::Status,
            ReportEventKind::Rated,
            ReportEventKind::Reopened
        ]
    );
    assert_eq!(report.events[1].text.as_deref(), Some("已受理"));
    assert_eq!(report.events[1].actor, linli_proto::ActorRole::Staff);
}

#[tokio::test]
async fn reopen_window_is_seven_days_by_the_hub_clock() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let id = new_report(&t, &dev).await;
    admin::reports::set_status(t.hub(), t.community(), id, ReportStatus::Resolved, None).unwrap();
    t.push1(
        &dev,
        OpBody::RateReport {
            report_id: id,
            satisfaction: Satisfaction::Unsatisfied,
            comment: None,
        },
    )
    .await;
    t.clock.advance(Duration::days(8));
    let r = t
        .push1(
            &dev,
            OpBody::ReopenReport {
                report_id: id,
                reason: None,
            },
        )
        .await;
    assert_eq!(r.code, Some(ErrorCode::ReportNotReopenable));
}

#[tokio::test]
async fn withdraw_before_acceptance_and_reject_needs_a_reason() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let id = new_report(&t, &dev).await;
    assert_eq!(
        t.push1(&dev, OpBody::WithdrawReport { report_id: id })
            .await
            .status,
        OpStatus::Applied
    );
    assert_eq!(
        refused(admin::reports::set_status(
            t.hub(),
            t.community(),
            id,
            ReportStatus::Accepted,
            None
        )),
        ErrorCode::InvalidTransition
    );
    let other = new_report(&t, &dev).await;
    assert_eq!(
        refused(admin::reports::set_status(
            t.hub(),
            t.community(),
            other,
            ReportStatus::Rejected,
            None
        )),
        ErrorCode::ReasonRequired
    );
    let r = admin::reports::set_status(
        t.hub(),
        t.community(),
        other,
        ReportStatus::Rejected,
        Some("不属于社区管理范围"),
    )
    .unwrap();
    assert_eq!(r.status, ReportStatus::Rejected);
    // Nothing was written by the refused attempts.
    let shown = admin::reports::show(t.hub(), &t.staff(), other).unwrap();
    assert_eq!(shown.report.events.len(), 2);
}
