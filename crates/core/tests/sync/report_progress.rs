//! What a resident's device shows of a report's progress: once the office dispatches it (派单), who is
//! handling it and the date they promised arrive with the next pull and stay in the report's view, and
//! signing for it (签收) follows; a text over its limit is refused on the device with the limit and its
//! length now, in both languages.
use crate::world::*;
use chrono::{DateTime, Utc};
use linli_core::{CoreError, Lang, NewReport};
use linli_hub::admin;
use linli_hub::domain::staff_scope::StaffRole;
use linli_proto::{limits, ReportStatus};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatched_report_shows_who_handles_it_and_the_promised_date() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    let id = alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "楼道灯不亮".into(),
            ..Default::default()
        })
        .unwrap();
    alice.sync().await.unwrap();
    assert!(alice.report(id).unwrap().handling.is_none());

    let community = admin::community::oldest(w.hub()).expect("community");
    let head =
        admin::staff::add_with_role(w.hub(), community, "王主任", StaffRole::Head, &[]).unwrap();
    let unit =
        admin::staff::add_with_role(w.hub(), community, "物业公司", StaffRole::Unit, &[]).unwrap();
    admin::reports::set_status(w.hub(), community, id, ReportStatus::Accepted, None).unwrap();
    let promised: DateTime<Utc> = "2030-03-08T15:59:59Z".parse().unwrap();
    admin::dispatch::dispatch(w.hub(), &head, id, unit.id, Some(promised)).unwrap();
    alice.sync().await.unwrap();

    let view = alice.report(id).unwrap();
    assert_eq!(view.status, ReportStatus::Accepted);
    let handling = view.handling.expect("who handles it, on the device");
    assert_eq!(handling.unit, "物业公司");
    assert_eq!(handling.deadline, promised);
    assert!(!handling.signed);

    admin::dispatch::sign(w.hub(), &unit, id).unwrap();
    alice.sync().await.unwrap();
    let handling = alice.report(id).unwrap().handling.expect("still handled");
    assert!(handling.signed, "signing for it reaches the device");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_over_its_limit_is_refused_with_the_limit_and_its_length() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    let text = "灯".repeat(limits::TEXT_MAX + 34);
    let err = alice
        .new_report(NewReport {
            category: "facilities".into(),
            text,
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::TextTooLong {
                max: 2000,
                len: 2034
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.code(),
        "field_too_long",
        "the same stable code the hub uses"
    );
    let zh = err.user_message(Lang::ZhCn);
    assert!(
        zh.contains("最多 2000 个字") && zh.contains("现在是 2034 个字"),
        "{zh}"
    );
    let en = err.user_message(Lang::EnUs);
    assert!(
        en.contains("at most 2000 characters") && en.contains("2034"),
        "{en}"
    );
    assert_eq!(alice.reports().unwrap().len(), 0, "nothing was queued");
}
