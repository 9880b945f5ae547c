//! `GET /metrics` (Prometheus text) on its own address, scraped from a real hub and parsed.
use std::collections::HashMap;
use std::time::Duration;

use linli_proto::OpStatus;

use crate::helpers::{report_body, start};
use crate::operate::serve_child;

/// Series (name with labels) → value, from the text format.
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

async fn scrape(url: &str) -> HashMap<String, f64> {
    let resp = reqwest::get(format!("{url}/metrics")).await.unwrap();
    assert_eq!(resp.status(), 200);
    parse(&resp.text().await.unwrap())
}

#[tokio::test]
async fn metrics_count_requests_ops_streams_and_the_log_on_their_own_address() {
    let t = start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(linli_hub::metrics::serve(t.hub().clone(), listener));

    let dev = t.join("1号楼", "1单元", "101").await;
    let stream = t
        .http
        .get(t.url("/v1/events"))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // The demo's seeding pushed ops of its own: the pushes below are counted from here.
    let commits_before = scrape(&metrics_url).await["linli_hub_group_commit_pushes_count"];
    assert_eq!(
        t.push1(&dev, report_body("facilities", "计数"))
            .await
            .status,
        OpStatus::Applied
    );
    assert_eq!(
        t.push1(&dev, report_body("weather", "没有这个类别"))
            .await
            .status,
        OpStatus::Rejected
    );
    let id = uuid::Uuid::now_v7();
    let (status, _) = t.get(&dev, &format!("/v1/reports/{id}")).await;
    assert_eq!(status, 404);
    let page = t.pull_page(&dev, 0, 1000).await;

    let m = scrape(&metrics_url).await;
    let get = |k: &str| {
        m.get(k)
            .copied()
            .unwrap_or_else(|| panic!("no {k} in {m:#?}"))
    };
    assert_eq!(
        get(r#"linli_hub_http_requests_total{route="/v1/push",method="POST",status="200"}"#),
        2.0
    );
    // By route pattern, never by the path with its id.
    assert_eq!(
        get(r#"linli_hub_http_requests_total{route="/v1/reports/{id}",method="GET",status="404"}"#),
        1.0
    );
    assert!(!m.keys().any(|k| k.contains(&id.to_string())));
    assert_eq!(
        get(r#"linli_hub_http_request_duration_seconds_count{route="/v1/push",method="POST"}"#),
        2.0
    );
    assert!(
        get(r#"linli_hub_http_request_duration_seconds_sum{route="/v1/push",method="POST"}"#) > 0.0
    );
    assert_eq!(
        get(r#"linli_hub_ops_pushed_total{kind="create_report",outcome="applied"}"#),
        1.0
    );
    assert_eq!(
        get(r#"linli_hub_ops_pushed_total{kind="create_report",outcome="rejected"}"#),
        1.0
    );
    assert_eq!(get("linli_hub_event_streams_open"), 1.0);
    assert!(get("linli_hub_log_leaves") >= 1.0);
    assert_eq!(get("linli_hub_backup_age_seconds"), -1.0);
    // One pull page of that many changes; each push a group commit of its own (none overlapped); the
    // writer was busy for some time; the error counters exist (process-wide, so other tests add to them).
    assert!(get("linli_hub_pull_page_changes_count") >= 1.0);
    assert!(get("linli_hub_pull_page_changes_sum") >= page.changes.len() as f64);
    assert_eq!(
        get("linli_hub_group_commit_pushes_count") - commits_before,
        2.0
    );
    assert!(get("linli_hub_group_commit_pushes_sum") >= get("linli_hub_group_commit_pushes_count"));
    assert!(get("linli_hub_db_writer_busy_seconds_total") > 0.0);
    assert!(get("linli_hub_db_errors_total") >= 0.0);
    assert!(get("linli_hub_blob_errors_total") >= 0.0);

    // A backup taken by another process (`admin backup`) counts too.
    let backups = tempfile::tempdir().unwrap();
    linli_hub::backup::backup(t.dir.path(), &backups.path().join("b")).unwrap();
    let age = scrape(&metrics_url).await["linli_hub_backup_age_seconds"];
    assert!((0.0..5.0).contains(&age), "{age}");

    drop(stream);
    let mut open = 1.0;
    for _ in 0..50 {
        open = scrape(&metrics_url).await["linli_hub_event_streams_open"];
        if open == 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(open, 0.0, "a closed stream is no longer counted");

    // Never on the residents' port.
    let resp = t.http.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
}

/// The binary: `--metrics-listen` serves the scrape, `--backup-dir --backup-every --backup-keep` keeps
/// rotating backups, and the metrics tell the last one's age.
#[tokio::test]
async fn serve_takes_rotating_backups_and_reports_their_age() {
    let dir = tempfile::tempdir().unwrap();
    {
        let hub = linli_hub::Hub::open(dir.path()).unwrap();
        linli_hub::admin::demo::seed_demo(&hub).unwrap();
    }
    let backups = tempfile::tempdir().unwrap();
    let hub = serve_child(
        dir.path(),
        &[
            "--metrics-listen",
            "127.0.0.1:0",
            "--backup-dir",
            backups.path().to_str().unwrap(),
            "--backup-every",
            "700ms",
            "--backup-keep",
            "2",
        ],
    );
    let mut metrics_url = None;
    let mut written = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while written < 4 && std::time::Instant::now() < deadline {
        if let Ok(line) = hub.stderr.recv_timeout(Duration::from_millis(200)) {
            if let Some(at) = line.find("Prometheus at http://") {
                let rest = &line[at + "Prometheus at ".len()..];
                metrics_url = rest
                    .split_whitespace()
                    .next()
                    .map(|u| u.trim_end_matches("/metrics").to_owned());
            }
            if line.contains("Scheduled backup written") {
                written += 1;
            }
        }
    }
    assert_eq!(written, 4, "four scheduled backups");
    let kept: Vec<_> = std::fs::read_dir(backups.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(linli_hub::backup::BACKUP_PREFIX))
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for k in &kept {
        linli_hub::backup::Manifest::read(&backups.path().join(k)).unwrap();
    }
    let m = scrape(&metrics_url.expect("the metrics address was printed")).await;
    let age = m["linli_hub_backup_age_seconds"];
    assert!((0.0..5.0).contains(&age), "{age}");
    assert!(
        reqwest::get(format!("{}/metrics", hub.url))
            .await
            .unwrap()
            .status()
            == 404
    );
}
