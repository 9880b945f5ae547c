//! A test world: a real hub (linli-hub in-process, on a random port, its own temp dir) seeded with a small
//! community, a fault proxy in front of it, and resident profiles in temp dirs that join with real
//! invitation codes. Staff actions go through the hub's admin functions.
use crate::proxy::FaultProxy;
use chrono::{Duration, Utc};
use linli_core::Profile;
use linli_hub::store::{BuildingSeed, CommunitySeed, NewConsultation, NewNotice, UnitSeed};
use linli_hub::{admin, RunningHub};
use linli_proto::{Category, ResultsVisibility, Urgency, VoteScope};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;
use uuid::Uuid;

pub struct World {
    pub dir: TempDir,
    hub: Option<RunningHub>,
    pub proxy: FaultProxy,
}

pub fn seed() -> CommunitySeed {
    let unit = |name: &str, rooms: &[&str]| UnitSeed {
        name: name.into(),
        rooms: rooms.iter().map(|r| r.to_string()).collect(),
    };
    CommunitySeed {
        name: "幸福里社区".into(),
        phone: "010-12345678".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings: vec![
            BuildingSeed {
                name: "1号楼".into(),
                units: vec![unit("1单元", &["101", "102"])],
            },
            BuildingSeed {
                name: "2号楼".into(),
                units: vec![unit("1单元", &["201"])],
            },
        ],
        categories: vec![
            Category {
                key: "facilities".into(),
                name_zh: "设施维修".into(),
                name_en: "Facilities".into(),
                icon: "wrench".into(),
                sort: 1,
            },
            Category {
                key: "sanitation".into(),
                name_zh: "环境卫生".into(),
                name_en: "Sanitation".into(),
                icon: "broom".into(),
                sort: 2,
            },
        ],
    }
}

/// (building, unit, room) of the test households.
pub const HOME_A: (&str, &str, &str) = ("1号楼", "1单元", "101");
pub const HOME_B: (&str, &str, &str) = ("2号楼", "1单元", "201");

impl World {
    pub async fn start() -> World {
        let dir = tempfile::tempdir().unwrap();
        let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
        admin::community::create(hub.hub(), &seed()).unwrap();
        let proxy = FaultProxy::start(hub.addr).await;
        World {
            dir,
            hub: Some(hub),
            proxy,
        }
    }

    pub fn hub(&self) -> &linli_hub::Hub {
        self.hub.as_ref().expect("hub running").hub()
    }

    /// Stops the hub and starts it again on the same data (on a new port, behind the same proxy).
    pub async fn restart_hub(&mut self) {
        if let Some(h) = self.hub.take() {
            h.shutdown().await;
        }
        let hub = linli_hub::spawn_for_tests(&self.dir.path().join("hub")).await;
        self.proxy.set_upstream(hub.addr);
        self.hub = Some(hub);
    }

    pub fn invite(&self, home: (&str, &str, &str)) -> String {
        admin::invites::invite(
            self.hub(),
            linli_hub::admin::community::oldest(self.hub()).expect("community"),
            home.0,
            home.1,
            home.2,
            7,
        )
        .unwrap()
        .code
    }

    pub fn profile_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A new profile in `name` joined to the household `home` through the proxy, then synced once.
    pub async fn join(&self, name: &str, home: (&str, &str, &str)) -> Arc<Profile> {
        let p = Profile::open(&self.profile_dir(name)).unwrap();
        p.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
            .unwrap();
        p.join(&self.proxy.url(), &self.invite(home), Some(name.into()))
            .await
            .unwrap();
        p.sync().await.unwrap();
        p
    }

    pub fn publish_notice(&self, title: &str, urgency: Urgency) -> Uuid {
        admin::notices::publish(
            self.hub(),
            linli_hub::admin::community::oldest(self.hub()).expect("community"),
            &NewNotice {
                title: title.into(),
                body: format!("{title}：详情见社区公告栏。"),
                urgency,
                pinned: false,
                expires_at: None,
                buildings: vec![],
            },
        )
        .unwrap()
    }

    /// An open consultation; returns its id and option ids.
    pub fn open_consultation(&self, title: &str, scope: VoteScope) -> (Uuid, Vec<Uuid>) {
        let id = admin::consultations::create(
            self.hub(),
            linli_hub::admin::community::oldest(self.hub()).expect("community"),
            &NewConsultation {
                title: title.into(),
                description: "请大家投票".into(),
                options: vec!["同意".into(), "不同意".into(), "弃权".into()],
                max_choices: 1,
                opens_at: Utc::now() - Duration::hours(1),
                closes_at: Utc::now() + Duration::days(3),
                vote_scope: scope,
                results_visibility: ResultsVisibility::Live,
                buildings: vec![],
            },
        )
        .unwrap();
        let options = admin::consultations::results(
            self.hub(),
            linli_hub::admin::community::oldest(self.hub()).expect("community"),
            id,
        )
        .unwrap()
        .options
        .iter()
        .map(|o| o.id)
        .collect();
        (id, options)
    }

    pub fn close_consultation(&self, id: Uuid) {
        admin::consultations::close(
            self.hub(),
            linli_hub::admin::community::oldest(self.hub()).expect("community"),
            id,
        )
        .unwrap();
    }

    /// Every report on the hub, as staff see them.
    pub fn hub_reports(&self) -> Vec<linli_hub::store::StaffReport> {
        let staff = admin::staff::add(
            self.hub(),
            linli_hub::admin::community::oldest(self.hub()).expect("community"),
            "测试工作人员",
            false,
        )
        .unwrap();
        admin::reports::list(self.hub(), &staff, &Default::default()).unwrap()
    }
}

pub fn write_text_as_jpg(dir: &Path) -> PathBuf {
    let p = dir.join("note.jpg");
    std::fs::write(&p, "这不是照片").unwrap();
    p
}

pub fn write_big_photo(dir: &Path) -> PathBuf {
    let p = dir.join("camera.jpg");
    std::fs::write(&p, crate::photos::big_jpeg_with_gps()).unwrap();
    p
}
