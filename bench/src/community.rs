//! The benchmark community on a Linli hub: N notices of ~300 bytes, consultations open for voting, and enough
//! households that every client of every run joins as its own household. PouchDB's documents
//! (bench/pouchdb/client.js) carry the same texts.
use chrono::{Duration, Utc};
use linli_hub::admin;
use linli_hub::store::{BuildingSeed, CommunitySeed, NewConsultation, NewNotice, UnitSeed};
use linli_hub::Hub;
use linli_proto::{Category, ResultsVisibility, Urgency, VoteScope};

pub const BUILDING: &str = "1号楼";
pub const UNIT: &str = "1单元";
pub const CATEGORY: &str = "facilities";
/// The text of every pushed report.
pub const REPORT_TEXT: &str = "3单元楼道灯不亮，晚上上下楼很不方便，请尽快维修。";

/// Room name of household `i` (0-based).
pub fn room(i: usize) -> String {
    format!("{}", 1001 + i)
}

fn seed(households: usize) -> CommunitySeed {
    CommunitySeed {
        name: "基准社区".into(),
        phone: "010-00000000".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings: vec![BuildingSeed {
            name: BUILDING.into(),
            units: vec![UnitSeed {
                name: UNIT.into(),
                rooms: (0..households).map(room).collect(),
            }],
        }],
        categories: vec![Category {
            key: CATEGORY.into(),
            name_zh: "设施维修".into(),
            name_en: "Facilities".into(),
            icon: "wrench".into(),
            sort: 1,
        }],
    }
}

/// Creates the community with `notices` notices and `consultations` open consultations.
pub fn create(
    hub: &Hub,
    notices: usize,
    consultations: usize,
    households: usize,
) -> anyhow::Result<()> {
    let c = admin::community::create(hub, &seed(households))?;
    let body = "各位居民：本周将对小区公共设施进行例行维护，请大家提前做好安排。".repeat(3);
    for i in 0..notices {
        admin::notices::publish(
            hub,
            c,
            &NewNotice {
                title: format!("第{i}号通知：小区公共设施维护安排"),
                body: body.clone(),
                urgency: match i % 20 {
                    0 => Urgency::Urgent,
                    1..=3 => Urgency::Important,
                    _ => Urgency::Normal,
                },
                pinned: i % 500 == 0,
                expires_at: None,
                buildings: vec![],
            },
        )?;
    }
    for i in 0..consultations {
        admin::consultations::create(
            hub,
            c,
            &NewConsultation {
                title: format!("第{i}号议题"),
                description: "请各位居民发表意见".into(),
                options: vec!["同意".into(), "不同意".into(), "弃权".into()],
                max_choices: 1,
                opens_at: Utc::now() - Duration::hours(1),
                closes_at: Utc::now() + Duration::days(7),
                vote_scope: VoteScope::PerResident,
                results_visibility: ResultsVisibility::Live,
                buildings: vec![],
            },
        )?;
    }
    Ok(())
}

/// A single-use invitation code for household `i` (of the hub's one community).
pub fn invite(hub: &Hub, i: usize) -> anyhow::Result<String> {
    let c = admin::community::resolve(hub, None)?.id;
    Ok(admin::invites::invite(hub, c, BUILDING, UNIT, &room(i), 7)?.code)
}
