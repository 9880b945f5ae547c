//! Backups taken by `linli-hub admin backup` (a separate process) while a hub serves and devices push,
//! restored by `linli-hub admin restore` into a new directory and served again; damaged backups refused.
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use linli_hub::backup::Manifest;
use linli_proto::{OpBody, OpStatus, PushResponse};

use crate::helpers::{png, report_body, sha256_hex, start, TestHub};

fn hub_bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .args(args)
        .env("LC_ALL", "en-US")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// Uploads a photo and pushes a report with it; returns the photo's sha256 and the report id.
async fn report_with_photo(t: &TestHub, dev: &crate::helpers::Device) -> (String, uuid::Uuid) {
    let photo = png(b"backup me");
    let sha = sha256_hex(&photo);
    let resp = t
        .http
        .put(t.url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(&dev.token)
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let mut body = report_body("facilities", "带照片的报修");
    let OpBody::CreateReport {
        photos, report_id, ..
    } = &mut body
    else {
        unreachable!()
    };
    photos.push(sha.clone());
    let id = *report_id;
    assert_eq!(t.push1(dev, body).await.status, OpStatus::Applied);
    // A signed checkpoint for the restore to recompute against.
    let (status, _) = t.get(dev, "/v1/log/checkpoint").await;
    assert_eq!(status, 200);
    (sha, id)
}

#[tokio::test]
async fn a_backup_taken_while_devices_push_restores_and_serves_everything() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let (sha, photo_report) = report_with_photo(&t, &dev).await;

    // A second device keeps pushing while the backup runs.
    let other = t.join("1号楼", "1单元", "102").await;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let pusher = {
        let (http, url, token) = (t.http.clone(), t.url("/v1/push"), other.token.clone());
        let (stop, acked) = (stop.clone(), acked.clone());
        let ops: Vec<_> = (0..400)
            .map(|i| other.op(report_body("facilities", &format!("备份期间 {i}"))))
            .collect();
        tokio::spawn(async move {
            for op in ops {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let id = match &op.body {
                    OpBody::CreateReport { report_id, .. } => *report_id,
                    _ => unreachable!(),
                };
                let r: PushResponse = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "ops": [op] }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert_eq!(r.results[0].status, OpStatus::Applied);
                acked.lock().unwrap().push(id);
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let acked_before: Vec<uuid::Uuid> = acked.lock().unwrap().clone();
    assert!(!acked_before.is_empty(), "pushes were running");

    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("b1");
    let data = t.dir.path().to_str().unwrap().to_owned();
    let out_s = out.to_str().unwrap().to_owned();
    let o = tokio::task::spawn_blocking(move || {
        hub_bin(&["admin", "--data-dir", &data, "backup", "--out", &out_s])
    })
    .await
    .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Backup written"),
        "{}",
        text(&o.stdout)
    );
    let during = acked.lock().unwrap().len();
    // Never over an earlier backup.
    let again = hub_bin(&[
        "admin",
        "--data-dir",
        t.dir.path().to_str().unwrap(),
        "backup",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("is not empty"),
        "{}",
        text(&again.stderr)
    );
    stop.store(true, Ordering::SeqCst);
    pusher.await.unwrap();
    assert!(
        during > acked_before.len(),
        "devices pushed during the backup"
    );

    let m = Manifest::read(&out).unwrap();
    let names: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
    assert!(names.contains(&"hub.db") && names.contains(&"log-signing-key"));
    assert!(
        names.contains(&format!("blobs/{sha}").as_str()),
        "{names:?}"
    );
    assert_eq!(m.hub_version, env!("CARGO_PKG_VERSION"));
    assert!(m.schema_version > 0);
    for f in &m.files {
        assert_eq!(
            f.sha256,
            sha256_hex(&std::fs::read(out.join(&f.path)).unwrap())
        );
    }

    let restored = tempfile::tempdir().unwrap();
    let target = restored.path().join("hub");
    let o = hub_bin(&[
        "admin",
        "--data-dir",
        target.to_str().unwrap(),
        "restore",
        "--from",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("verified"), "{}", text(&o.stdout));
    // `admin backup` signed both communities' logs first: each is recomputed.
    assert!(
        text(&o.stdout).contains("2 transparency logs recomputed"),
        "{}",
        text(&o.stdout)
    );
    // Never over a hub that is there.
    let o = hub_bin(&[
        "admin",
        "--data-dir",
        target.to_str().unwrap(),
        "restore",
        "--from",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("is not empty"),
        "{}",
        text(&o.stderr)
    );

    let key = t.hub().log_key();
    // The original hub goes away with its data; the restored one takes over.
    let TestHub { dir, running, .. } = t;
    running.shutdown().await;
    drop(dir);
    let back = linli_hub::spawn_for_tests(&target).await;
    assert_eq!(back.hub().log_key(), key, "the log key came along");
    let http = reqwest::Client::new();
    // The device's token still works: the restored hub is the same hub, as of the backup.
    let pulled: linli_proto::PullPage = http
        .get(format!("{}/v1/pull?cursor=0&limit=1000", back.url()))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seen = serde_json::to_string(&pulled).unwrap();
    for id in &acked_before {
        assert!(
            seen.contains(&id.to_string()),
            "report {id} acknowledged before the backup"
        );
    }
    let photo = http
        .get(format!("{}/v1/blobs/{sha}", back.url()))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), 200);
    assert_eq!(sha256_hex(&photo.bytes().await.unwrap()), sha);
    let report = http
        .get(format!("{}/v1/reports/{photo_report}", back.url()))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    back.shutdown().await;
}

#[tokio::test]
async fn restore_refuses_a_damaged_photo_or_a_tampered_leaf_and_leaves_nothing() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let (sha, _) = report_with_photo(&t, &dev).await;
    let backups = tempfile::tempdir().unwrap();
    let good = backups.path().join("good");
    linli_hub::backup::backup(t.hub().data_dir(), &good).unwrap();

    let restore = |from: &Path| {
        let target = tempfile::tempdir().unwrap();
        let o = hub_bin(&[
            "admin",
            "--data-dir",
            target.path().to_str().unwrap(),
            "restore",
            "--from",
            from.to_str().unwrap(),
        ]);
        let left = std::fs::read_dir(target.path()).unwrap().count();
        (o, left)
    };

    // Unchanged, it restores.
    let (o, _) = restore(&good);
    assert!(o.status.success(), "{}", text(&o.stderr));

    // A photo damaged on the backup disk.
    let damaged = backups.path().join("damaged");
    copy_dir(&good, &damaged);
    std::fs::write(damaged.join("blobs").join(&sha), png(b"not the same")).unwrap();
    let (o, left) = restore(&damaged);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("nothing was restored"), "{err}");
    assert!(err.contains(&format!("photo {sha} is damaged")), "{err}");
    assert_eq!(left, 0, "a refused restore leaves the data directory empty");

    // A leaf changed in the database, the manifest rewritten to match: only the log check can tell.
    let tampered = backups.path().join("tampered");
    copy_dir(&good, &tampered);
    {
        let conn = rusqlite::Connection::open(tampered.join("hub.db")).unwrap();
        let leaf: Vec<u8> = conn
            .query_row(
                "SELECT leaf FROM log_leaves WHERE idx = 0 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let mut changed = leaf.clone();
        let last = changed.len() - 1;
        changed[last] ^= 0x01;
        conn.execute(
            "UPDATE log_leaves SET leaf = ?1 WHERE idx = 0 AND leaf = ?2",
            rusqlite::params![changed, leaf],
        )
        .unwrap();
    }
    let mut m = Manifest::read(&tampered).unwrap();
    for f in &mut m.files {
        if f.path == "hub.db" {
            let bytes = std::fs::read(tampered.join("hub.db")).unwrap();
            f.sha256 = sha256_hex(&bytes);
            f.size = bytes.len() as u64;
        }
    }
    m.write(&tampered).unwrap();
    let (o, left) = restore(&tampered);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("does not match its signed checkpoint"),
        "{err}"
    );
    assert!(!err.contains("differs from the manifest"), "{err}");
    assert_eq!(left, 0);

    // A backup cut short (no manifest) is not a backup.
    let partial = backups.path().join("partial");
    copy_dir(&good, &partial);
    std::fs::remove_file(partial.join("manifest.json")).unwrap();
    let (o, _) = restore(&partial);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("not a finished backup"),
        "{}",
        text(&o.stderr)
    );
}

/// `serve --backup-dir` keeps rotating backups: the newest `--backup-keep`, each complete.
#[test]
fn rotating_backups_keep_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::Hub::open(dir.path()).unwrap();
    linli_hub::admin::demo::seed_demo(&hub).unwrap();
    let backups = tempfile::tempdir().unwrap();
    let mut made = Vec::new();
    for _ in 0..4 {
        made.push(linli_hub::backup::rotating_backup(&hub, backups.path(), 2).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut left: Vec<_> = std::fs::read_dir(backups.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    left.sort();
    assert_eq!(left, made[2..].to_vec());
    for b in &left {
        assert!(Manifest::read(b).is_ok());
    }
}

#[tokio::test]
async fn a_rotated_log_key_and_its_statement_survive_a_restore() {
    let t = start().await;
    let _dev = t.join("1号楼", "1单元", "101").await;
    let old_key = t.hub().log_key();
    let new_key = linli_hub::log_key::rotate(t.dir.path(), chrono::Utc::now()).unwrap();
    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("b");
    linli_hub::backup::backup(t.dir.path(), &out).unwrap();
    let restored = backups.path().join("restored");
    linli_hub::backup::restore(&out, &restored, chrono::Utc::now()).unwrap();
    let hub = linli_hub::Hub::open(&restored).unwrap();
    assert_eq!(hub.log_key(), new_key);
    assert_eq!(hub.log_key_rotations().len(), 1);
    let old = linli_tlog::NoteVerifier::from_vkey(&old_key).unwrap();
    let followed = linli_tlog::follow_rotations(&old, hub.log_key_rotations()).unwrap();
    assert_eq!(followed.to_vkey(), new_key);
}
