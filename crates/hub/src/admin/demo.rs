//! `linli-hub demo`: the demo street (和平街道) with two communities — 幸福里社区 with notices, an open and
//! a closed consultation, and 安康苑社区 with its own buildings — a street-wide notice to both, and
//! invitation codes for households of each, so a new user can try everything at once.
//!
//! Running it again on the same data directory keeps the street and only issues fresh codes.
use chrono::Duration;
use linli_proto::{Op, OpBody, ResultsVisibility, Urgency, VoteScope};
use uuid::Uuid;

use super::{community, consultations, invites, notices};
use crate::domain::token;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{CommunitySeed, InviteInfo, NewConsultation, NewNotice};
use linli_proto::Community;

/// The demo community's address book and categories (also the documented seed example).
pub const DEMO_SEED_TOML: &str = include_str!("../../seed.example.toml");

/// The second demo community's address book and categories.
pub const SECOND_SEED_TOML: &str = include_str!("../../seed.second.toml");

/// The demo street's name and code.
pub const STREET: (&str, &str) = ("和平街道", "110105001");

/// Households of the first community that get an invitation code, one per line of the demo's output.
pub const INVITED: [(&str, &str, &str); 4] = [
    ("1号楼", "1单元", "101"),
    ("1号楼", "2单元", "202"),
    ("2号楼", "1单元", "102"),
    ("3号楼", "2单元", "201"),
];

/// Households of the second community that get a code.
pub const INVITED_SECOND: [(&str, &str, &str); 2] =
    [("A座", "1单元", "101"), ("B座", "1单元", "201")];

/// Households whose (demo) residents voted in the closed consultation.
const VOTERS: [(&str, &str, &str, usize); 5] = [
    ("2号楼", "2单元", "101", 0),
    ("2号楼", "2单元", "102", 0),
    ("2号楼", "2单元", "201", 1),
    ("3号楼", "1单元", "101", 0),
    ("3号楼", "1单元", "102", 2),
];

pub fn demo_seed() -> Result<CommunitySeed, HubError> {
    toml::from_str(DEMO_SEED_TOML).map_err(|e| HubError::Seed(e.to_string()))
}

pub fn second_seed() -> Result<CommunitySeed, HubError> {
    toml::from_str(SECOND_SEED_TOML).map_err(|e| HubError::Seed(e.to_string()))
}

fn notice(title: &str, body: &str, urgency: Urgency, pinned: bool) -> NewNotice {
    NewNotice {
        title: title.into(),
        body: body.into(),
        urgency,
        pinned,
        expires_at: None,
        buildings: Vec::new(),
    }
}

fn seed_content(hub: &Hub) -> Result<(), HubError> {
    super::street::set(hub, STREET.0, STREET.1)?;
    let c = community::create(hub, &demo_seed()?)?;
    community::create(hub, &second_seed()?)?;
    let office = super::street::add_staff(hub, "街道办公室")?;
    super::street::publish_notice(
        hub,
        &office,
        &notice(
            "冬季消防安全提示",
            "天气干燥，请勿在楼道堆放杂物，电动车不要进楼充电。街道将于本月下旬开展消防检查。",
            Urgency::Important,
            false,
        ),
        &[],
    )?;
    let now = hub.now();
    for n in [
        notice("关于小区垃圾分类的通知", "自下周一起，请各位居民按照厨余垃圾、可回收物、有害垃圾和其他垃圾四类投放。投放时间为每天 7:00–9:00 和 18:00–20:00。", Urgency::Normal, false),
        notice("社区卫生服务站体检安排", "65 岁以上老人可于本月 15 日至 20 日到社区卫生服务站免费体检，请携带身份证和医保卡。", Urgency::Important, false),
        notice("紧急停水通知", "因主管道抢修，今天 13:00–18:00 全小区停水，请提前储水。给您带来不便，敬请谅解。", Urgency::Urgent, false),
        notice("社区办公时间与联系方式", "社区居委会办公时间为周一至周五 8:30–17:30，电话 010-6512-3456。有事请随时联系我们。", Urgency::Normal, true),
        notice("周末义诊活动", "本周六上午 9:00 在社区广场举办义诊活动，有测血压、测血糖和健康咨询。欢迎大家参加。", Urgency::Normal, false),
    ] {
        notices::publish(hub, c, &n)?;
    }
    consultations::create(
        hub,
        c,
        &NewConsultation {
            title: "小区东侧空地如何使用？".into(),
            description: "东侧空地约 200 平方米，社区想听听大家的意见，每户投一票。".into(),
            options: vec![
                "建儿童游乐区".into(),
                "增加停车位".into(),
                "建休闲花园".into(),
            ],
            max_choices: 1,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::days(14),
            vote_scope: VoteScope::PerHousehold,
            results_visibility: ResultsVisibility::Live,
            buildings: Vec::new(),
        },
    )?;
    let closed = consultations::create(
        hub,
        c,
        &NewConsultation {
            title: "电动车充电桩安装位置".into(),
            description: "为减少楼道充电的安全隐患，社区将安装电动车充电桩，请选择安装位置。"
                .into(),
            options: vec!["北门车棚".into(), "南门车棚".into(), "3号楼西侧".into()],
            max_choices: 1,
            opens_at: now - Duration::days(14),
            closes_at: now + Duration::days(1),
            vote_scope: VoteScope::PerHousehold,
            results_visibility: ResultsVisibility::AfterClose,
            buildings: Vec::new(),
        },
    )?;
    let results = consultations::results(hub, c, closed)?;
    for (b, u, r, pick) in VOTERS {
        vote_as_demo_household(hub, c, (b, u, r), closed, results.options[pick].id)?;
    }
    consultations::close(hub, c, closed)?;
    Ok(())
}

/// A demo resident joins by a code and votes through the same path a device's push takes.
fn vote_as_demo_household(
    hub: &Hub,
    community: Uuid,
    (building, unit, room): (&str, &str, &str),
    consultation_id: Uuid,
    option: Uuid,
) -> Result<(), HubError> {
    let code = invites::invite(hub, community, building, unit, room, 1)?.code;
    let token = token::generate();
    let hash = token::hash(&token);
    let now = hub.now();
    hub.store().redeem_invite(
        &code,
        Some("demo"),
        &hash,
        linli_proto::PRIVACY_NOTICE_VERSION,
        now,
    )?;
    let viewer = hub
        .store()
        .authenticate(&hash, now)?
        .ok_or(HubError::Refused(linli_proto::ErrorCode::Internal))?;
    let op = Op {
        id: Uuid::now_v7(),
        device_seq: 1,
        created_at: now,
        on_behalf_of: None,
        body: OpBody::CastVote {
            consultation_id,
            option_ids: vec![option],
        },
    };
    hub.store().push_op(&viewer, &op, now)?;
    Ok(())
}

/// Seeds the demo street unless the hub holds a community, then issues a fresh code for each of
/// [`INVITED`]'s households of the first community and [`INVITED_SECOND`]'s of the second (when the
/// hub holds the demo's communities), each with its community.
pub fn seed_demo(hub: &Hub) -> Result<Vec<(Community, InviteInfo)>, HubError> {
    if hub.store().communities()?.is_empty() {
        seed_content(hub)?;
    }
    let all = hub.store().communities()?;
    let mut out = Vec::new();
    for (i, households) in [&INVITED[..], &INVITED_SECOND[..]].into_iter().enumerate() {
        let Some(c) = all.get(i) else { break };
        for (b, u, r) in households {
            let code = invites::invite(hub, c.id, b, u, r, invites::DEFAULT_EXPIRY_DAYS)?;
            out.push((c.clone(), code));
        }
    }
    Ok(out)
}
