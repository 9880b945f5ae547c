//! Operating a hub: `/readyz`, draining on SIGTERM (the real binary as a child process), and a database
//! that runs out of space mid-push.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use linli_hub::admin;
use linli_hub::store::ReportFilter;
use linli_proto::{ErrorCode, OpStatus, PushResponse};
use serde_json::Value;

use crate::helpers::{report_body, start, Device};

#[tokio::test]
async fn readyz_answers_200_when_ready_and_is_documented() {
    let t = start().await;
    let resp = t.http.get(t.url("/readyz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "ready");
    let doc: Value = t
        .http
        .get(t.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ready = &doc["paths"]["/readyz"]["get"]["responses"];
    assert!(
        ready.get("200").is_some() && ready.get("503").is_some(),
        "{ready}"
    );
    assert!(doc["paths"]["/v1/push"]["post"]["responses"]
        .get("507")
        .is_some());
}

/// A hub binary serving `dir` on a free port; stderr is read until it names its address.
pub struct ServeChild {
    pub child: Child,
    pub url: String,
    /// Every stderr line, as the hub prints them.
    pub stderr: std::sync::mpsc::Receiver<String>,
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve_child(dir: &std::path::Path, extra: &[&str]) -> ServeChild {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .arg("serve")
        .arg("--data-dir")
        .arg(dir)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env("LC_ALL", "en-US")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut before = Vec::new();
    let url = loop {
        let line = lines
            .next()
            .expect("the hub exited before serving")
            .unwrap();
        before.push(line.clone());
        if let Some(at) = line.find("running at http://") {
            let rest = &line[at + "running at ".len()..];
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    let (tx, stderr) = std::sync::mpsc::channel();
    for line in before {
        let _ = tx.send(line);
    }
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    ServeChild { child, url, stderr }
}

/// Seeds the demo community in `dir` and issues an invitation, without serving it.
fn seeded_dir_with_invite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::Hub::open(dir.path()).unwrap();
    admin::demo::seed_demo(&hub).unwrap();
    let community = admin::community::oldest(&hub).unwrap();
    let code = admin::invites::invite(&hub, community, "1号楼", "1单元", "101", 7)
        .unwrap()
        .code;
    (dir, code)
}

async fn join(http: &reqwest::Client, url: &str, code: &str) -> Device {
    let j: linli_proto::JoinResponse = http
        .post(format!("{url}/v1/join"))
        .json(&serde_json::json!({
            "code": code,
            "device_name": "test",
            "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Device {
        token: j.token,
        resident_id: j.resident_id,
        device_id: j.device_id,
        household_id: j.household.id,
        seq: std::cell::Cell::new(0),
    }
}

fn sigterm(child: &Child) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
}

/// SIGTERM: `/readyz` turns 503 at once, live streams end with `event: closing` and a `retry:` hint,
/// the push sent just before is applied, the log gets a checkpoint covering it, and the process
/// exits 0.
#[tokio::test]
async fn sigterm_drains_finishes_the_push_ends_streams_and_exits_zero() {
    let (dir, code) = seeded_dir_with_invite();
    let mut hub = serve_child(dir.path(), &["--drain-grace", "1500ms"]);
    let http = reqwest::Client::new();
    let dev = join(&http, &hub.url, &code).await;
    let events = http
        .get(format!("{}/v1/events", hub.url))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    let mut stream = events.bytes_stream();
    // The first nudge arrives on connecting.
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .unwrap();
    assert!(first.is_some());

    let op = dev.op(report_body("facilities", "关机前最后一条"));
    let report_id = match &op.body {
        linli_proto::OpBody::CreateReport { report_id, .. } => *report_id,
        _ => unreachable!(),
    };
    let push = {
        let http = http.clone();
        let url = format!("{}/v1/push", hub.url);
        let token = dev.token.clone();
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .json(&serde_json::json!({ "ops": [op] }))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(30)).await;
    sigterm(&hub.child);

    // The stream ends with the goodbye event and its retry hint.
    let mut tail = String::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = stream.next().await {
            tail.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream did not end: {tail:?}");
    assert!(tail.contains("event: closing"), "{tail:?}");
    assert!(tail.contains("retry:"), "{tail:?}");

    // Still answering during the grace, but not ready.
    let ready = http
        .get(format!("{}/readyz", hub.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["code"], "service_unavailable");

    let pushed = push.await.unwrap().unwrap();
    assert_eq!(pushed.status(), 200);
    let pushed: PushResponse = pushed.json().await.unwrap();
    assert_eq!(pushed.results[0].status, OpStatus::Applied);

    let started = Instant::now();
    let status = loop {
        if let Some(s) = hub.child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "no exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0));
    // After exit, the port is closed.
    assert!(http
        .get(format!("{}/healthz", hub.url))
        .send()
        .await
        .is_err());

    // The report is on disk, and the log's latest checkpoint covers every leaf (signed at shutdown).
    let conn = rusqlite::Connection::open(dir.path().join(linli_hub::DB_FILE)).unwrap();
    let found: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM reports WHERE id = ?1",
            [report_id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 1);
    let (leaves, signed): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM log_leaves l JOIN communities c ON c.id = l.community_id),
                    (SELECT COALESCE(SUM(s), 0) FROM (SELECT MAX(size) AS s FROM log_checkpoints
                      GROUP BY community_id))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(leaves > 0);
    assert_eq!(leaves, signed, "every leaf is under a signed checkpoint");
    // The WAL was folded into the database file.
    let wal = dir.path().join("hub.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}

/// The database runs out of room mid-push (its page limit lowered to its size): the push answers 507
/// `storage_full` in the caller's language, nothing of it is kept, and once there is room again the same
/// push is applied whole.
#[tokio::test]
async fn a_full_database_answers_storage_full_writes_nothing_and_recovers() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let first = t
        .push1(&dev, report_body("facilities", "空间用完之前"))
        .await;
    assert_eq!(first.status, OpStatus::Applied);
    let staff = t.staff();
    let count = || {
        admin::reports::list(t.hub(), &staff, &ReportFilter::default())
            .unwrap()
            .len()
    };
    let before = count();
    let head_before = t.pull_all(&dev).await.len();

    let pages = t.hub().sqlite().page_count().unwrap();
    t.hub().sqlite().limit_pages(pages).unwrap();
    let ops: Vec<_> = (0..120)
        .map(|i| {
            dev.op(report_body(
                "facilities",
                &format!("{i}{}", "满".repeat(1990)),
            ))
        })
        .collect();
    for (lang, expected) in [
        ("zh-CN", linli_i18n::Lang::ZhCn),
        ("en-US", linli_i18n::Lang::EnUs),
    ] {
        let resp = t
            .http
            .post(t.url("/v1/push"))
            .bearer_auth(&dev.token)
            .header("accept-language", lang)
            .json(&serde_json::json!({ "ops": ops }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 507);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "storage_full");
        assert_eq!(
            body["message"],
            linli_i18n::error_message(expected, ErrorCode::StorageFull).as_str()
        );
    }
    assert_eq!(count(), before, "nothing half-written");
    // Reading still works while full.
    assert_eq!(t.pull_all(&dev).await.len(), head_before);

    t.hub().sqlite().limit_pages(1 << 30).unwrap();
    let results = t.push(&dev, &ops).await;
    assert!(results.iter().all(|r| r.status == OpStatus::Applied));
    assert_eq!(count(), before + ops.len());
}

/// Unmounts the small file system a test mounted, whatever the test's outcome.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The photo store on a real, small file system (a 256 kB tmpfs mounted for the test): an upload that
/// does not fit answers 507 `storage_full`, leaves no partial file, and the same upload succeeds once the
/// file system has room again.
#[tokio::test]
async fn a_full_photo_store_answers_storage_full_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = dir.path().join("blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&blobs)
        .status()
        .unwrap();
    assert!(mounted.success(), "this test mounts a tmpfs (needs root)");
    let _unmount = Mounted(blobs.clone());

    let running = linli_hub::spawn_for_tests(dir.path()).await;
    admin::demo::seed_demo(running.hub()).unwrap();
    let community = admin::community::oldest(running.hub()).unwrap();
    let code = admin::invites::invite(running.hub(), community, "1号楼", "1单元", "101", 7)
        .unwrap()
        .code;
    let http = reqwest::Client::new();
    let dev = join(&http, &running.url(), &code).await;

    let photo = crate::helpers::png(&vec![7u8; 400 * 1024]);
    let sha = crate::helpers::sha256_hex(&photo);
    let put = || {
        http.put(format!("{}/v1/blobs/{sha}", running.url()))
            .bearer_auth(&dev.token)
            .header("accept-language", "en-US")
            .body(photo.clone())
            .send()
    };
    let resp = put().await.unwrap();
    assert_eq!(resp.status(), 507);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "storage_full");
    assert_eq!(
        body["message"],
        linli_i18n::error_message(linli_i18n::Lang::EnUs, ErrorCode::StorageFull).as_str()
    );
    assert_eq!(
        std::fs::read_dir(&blobs).unwrap().count(),
        0,
        "no partial file left"
    );
    let resp = http
        .get(format!("{}/v1/blobs/{sha}", running.url()))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404, "nothing recorded");

    let grown = Command::new("mount")
        .args(["-o", "remount,size=4m"])
        .arg(&blobs)
        .status()
        .unwrap();
    assert!(grown.success());
    assert_eq!(put().await.unwrap().status(), 204);
    assert_eq!(
        crate::helpers::sha256_hex(&std::fs::read(blobs.join(&sha)).unwrap()),
        sha
    );
    running.shutdown().await;
}
