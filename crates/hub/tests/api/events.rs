//! Live nudges: a change made by an admin command (another hub handle on the same data directory,
//! as a separate process would be) reaches SSE subscribers within a second.
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use linli_hub::store::NewNotice;
use linli_hub::{admin, Hub};
use linli_proto::Urgency;

use crate::helpers::start;

#[tokio::test]
async fn an_admin_change_nudges_within_a_second() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let resp = t
        .http
        .get(t.url("/v1/events"))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let mut seen = String::new();
    // The current head arrives at once.
    while !seen.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: changed"), "{seen}");
    seen.clear();

    let other = Hub::open(t.dir.path()).unwrap();
    let started = Instant::now();
    admin::notices::publish(
        &other,
        linli_hub::admin::community::oldest(&other).expect("community"),
        &NewNotice {
            title: "停电通知".into(),
            body: "明天 9:00–11:00 停电".into(),
            urgency: Urgency::Urgent,
            pinned: false,
            expires_at: None,
            buildings: vec![],
        },
    )
    .unwrap();
    let head = other
        .store()
        .head(linli_hub::admin::community::oldest(&other).unwrap())
        .unwrap();
    while !seen.contains(&format!("\"head\":{head}")) {
        let chunk = tokio::time::timeout(Duration::from_secs(1), stream.next())
            .await
            .expect("nudge within a second")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(started.elapsed() < Duration::from_secs(1));
}
