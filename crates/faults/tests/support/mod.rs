//! Helpers shared by the fault schedules and the crash tests: the test community, SQLite integrity checks,
//! and the comparison of a device's replica with the hub's view.
#![allow(dead_code)] // each test binary uses its own subset

use linli_hub::store::{BuildingSeed, CommunitySeed, UnitSeed};
use linli_proto::Category;
use std::path::Path;

pub fn seed_community() -> CommunitySeed {
    CommunitySeed {
        name: "幸福里社区".into(),
        phone: "010-12345678".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings: vec![BuildingSeed {
            name: "1号楼".into(),
            units: vec![UnitSeed {
                name: "1单元".into(),
                rooms: vec!["101".into(), "102".into()],
            }],
        }],
        categories: vec![Category {
            key: "facilities".into(),
            name_zh: "设施维修".into(),
            name_en: "Facilities".into(),
            icon: "wrench".into(),
            sort: 1,
        }],
    }
}

/// `PRAGMA integrity_check` of one SQLite file ("ok" when sound).
pub fn integrity(path: &Path) -> String {
    let db = rusqlite::Connection::open(path).expect("open for integrity_check");
    db.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

/// Asserts a device's reports (ids, status, timeline) equal the hub's for the device's household, and
/// that every timeline on the hub is in time order.
pub fn assert_reports_match(what: &str, hub: &linli_hub::Hub, device: &linli_core::Profile) {
    use std::collections::BTreeMap;
    let household = device
        .household()
        .ok()
        .flatten()
        .expect("device has a household")
        .id;
    let staff = staff_reports(hub);
    let on_hub: BTreeMap<_, _> = staff
        .iter()
        .filter(|r| r.household.id == household)
        .map(|r| (r.report.id, &r.report))
        .collect();
    let mine: BTreeMap<_, _> = device
        .reports()
        .expect("device reports")
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    assert_eq!(
        mine.keys().collect::<Vec<_>>(),
        on_hub.keys().collect::<Vec<_>>(),
        "{what}: the device's reports differ from the hub's"
    );
    let ids = |e: &[linli_proto::ReportEvent]| e.iter().map(|e| e.id).collect::<Vec<_>>();
    for (id, r) in &mine {
        let h = on_hub[id];
        assert!(!r.pending, "{what}: report {id} still pending");
        assert_eq!(r.status, h.status, "{what}: status of {id}");
        assert_eq!(r.photos, h.photos, "{what}: photos of {id}");
        assert_eq!(ids(&r.events), ids(&h.events), "{what}: timeline of {id}");
        assert!(
            h.events.windows(2).all(|w| w[0].at <= w[1].at),
            "{what}: timeline of {id} out of order"
        );
    }
}

/// A workspace binary (`linli-hub`, `linli`) next to this test's own: `cargo test --workspace` builds them;
/// when only this package is tested, it is built here first.
pub fn binary(name: &str, package: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile dir");
    let path = dir.join(name);
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    if !path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = std::process::Command::new(cargo)
            .args(["build", "-p", package, "--bin", name])
            .status()
            .expect("run cargo build")
            .success();
        assert!(ok, "building {name}");
    }
    path
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// The real `linli-hub serve` process on a data directory and a fixed loopback port.
pub struct HubProcess {
    child: std::process::Child,
    pub port: u16,
    pub data_dir: std::path::PathBuf,
}

impl HubProcess {
    pub fn start(data_dir: &Path, port: u16) -> HubProcess {
        let child = std::process::Command::new(binary("linli-hub", "linli-hub"))
            .arg("serve")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start linli-hub");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "linli-hub did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        HubProcess {
            child,
            port,
            data_dir: data_dir.to_path_buf(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills it and starts it again on the same data directory and port.
    pub fn restart(&mut self) {
        self.kill();
        *self = HubProcess::start(&self.data_dir.clone(), self.port);
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every report on the hub as staff see them, acting as the first staff member (added when there is none).
pub fn staff_reports(hub: &linli_hub::Hub) -> Vec<linli_hub::store::StaffReport> {
    let member = match linli_hub::admin::staff::list(
        hub,
        linli_hub::admin::community::oldest(hub).expect("community"),
    )
    .expect("staff")
    .into_iter()
    .next()
    {
        Some(s) => s,
        None => linli_hub::admin::staff::add(
            hub,
            linli_hub::admin::community::oldest(hub).expect("community"),
            "值班人员",
            false,
        )
        .expect("staff"),
    };
    linli_hub::admin::reports::list(hub, &member, &Default::default()).expect("hub reports")
}
