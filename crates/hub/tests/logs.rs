//! Nothing secret or personal reaches the hub's logs or sits in its files in the clear: a hub run with
//! every log line captured (trace level, every crate: axum, hyper, the store) through a join, a report
//! with a photo, a pull and a bad request, then the captured text and the database files searched for the
//! device token, the invitation code and the resident's words.
use std::io::Write;
use std::sync::{Arc, Mutex};

use linli_hub::admin;
use linli_proto::{JoinResponse, Op, OpBody};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_codes_and_resident_text_stay_out_of_logs_and_files() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .init();

    let dir = tempfile::tempdir().unwrap();
    let running = linli_hub::spawn_for_tests(dir.path()).await;
    admin::demo::seed_demo(running.hub()).unwrap();
    let code = admin::invites::invite(
        running.hub(),
        linli_hub::admin::community::oldest(running.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )
    .unwrap()
    .code;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", running.url());

    let device_name = "王秀英的手机";
    let joined: JoinResponse = http
        .post(url("/v1/join"))
        .json(&serde_json::json!({
            "code": code,
            "device_name": device_name,
            "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = joined.token.clone();

    let photo = [
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13][..],
        b"IHDR",
        &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
    ]
    .concat();
    let sha = linli_hub::domain::blob_kind::sha256_hex(&photo);
    let put = http
        .put(url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(&token)
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);

    let secret_text = "三楼李阿姨家门口的水管漏水，电话13800138000";
    let op = Op {
        id: uuid::Uuid::now_v7(),
        device_seq: 1,
        created_at: chrono::Utc::now(),
        on_behalf_of: None,
        body: OpBody::CreateReport {
            report_id: uuid::Uuid::now_v7(),
            category: "facilities".into(),
            text: secret_text.into(),
            address: Default::default(),
            location: None,
            photos: vec![sha],
        },
    };
    let pushed = http
        .post(url("/v1/push"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "ops": [op] }))
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), 200);
    let pulled = http
        .get(url("/v1/pull?cursor=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pulled.contains(secret_text), "the report was stored");
    // A refused request, a wrong token and a reused code: errors are logged too.
    let _ = http
        .post(url("/v1/push"))
        .bearer_auth(&token)
        .body(format!("{{\"ops\": [\"{secret_text}\""))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    let _ = http
        .get(url("/v1/me"))
        .bearer_auth(format!("{token}x"))
        .send()
        .await
        .unwrap();
    let _ = http
        .post(url("/v1/join"))
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await
        .unwrap();
    running.shutdown().await;

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(!logs.is_empty(), "the capture works");
    for (what, needle) in [
        ("device token", token.as_str()),
        ("invitation code", code.as_str()),
        ("report text", "水管漏水"),
        ("phone number", "13800138000"),
        ("device name", device_name),
    ] {
        assert!(!logs.contains(needle), "the {what} is in the logs:\n{logs}");
    }

    // At rest the hub keeps only the token's hash.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(token.as_str()),
                "the token is in {}",
                path.display()
            );
        }
    }
    let hash = linli_hub::domain::token::hash(&token);
    assert_ne!(hash, token);
}
