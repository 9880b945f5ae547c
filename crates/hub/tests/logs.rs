//! Nothing secret or personal reaches the hub's logs or sits in its files in the clear: a hub run with
//! every log line captured (trace level, every crate: axum, hyper, the store) through a join, a report
//! with a photo, a pull and a bad request, then the captured text and the database files searched for the
//! device token, the invitation code and the resident's words. Then the real binary with
//! `--log-format json`: every stderr line is a JSON object, every line logged for a request names the
//! request's id (which the answer echoes), and a join, a staff sign-in (with a TOTP enrolment and
//! codes) and a report leave no token, code, password, cookie, TOTP secret or resident's words in them.
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
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
            voice: None,
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

/// A `linli-hub serve --log-format json` child on a free port, its stderr lines collected.
struct JsonHub {
    child: std::process::Child,
    url: String,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Drop for JsonHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json_line(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
}

fn serve_json(dir: &std::path::Path) -> JsonHub {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .arg("serve")
        .arg("--data-dir")
        .arg(dir)
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .env("LC_ALL", "en-US")
        // Everything the hub logs, the libraries under it included.
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let url = loop {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the hub exited before serving");
        seen.push(line.clone());
        let v = json_line(&line);
        let message = v["fields"]["message"].as_str().unwrap_or_default();
        if let Some(at) = message.find("running at http://") {
            let rest = &message[at + "running at ".len()..];
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    JsonHub {
        child,
        url,
        lines,
        seen,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_name_each_request_and_keep_secrets_out() {
    let dir = tempfile::tempdir().unwrap();
    let (code, staff, link) = {
        let hub = linli_hub::Hub::open(dir.path()).unwrap();
        admin::demo::seed_demo(&hub).unwrap();
        let community = admin::community::oldest(&hub).expect("community");
        let code = admin::invites::invite(&hub, community, "1号楼", "1单元", "101", 7)
            .unwrap()
            .code;
        let staff = admin::staff::add(&hub, community, "李社工", true).unwrap();
        let link = admin::staff_auth::issue_link(&hub, staff.id).unwrap();
        (code, staff.id, link)
    };
    let mut hub = serve_json(dir.path());
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", hub.url);
    let mut request_ids = Vec::new();
    let mut echoed = |resp: &reqwest::Response| {
        let id = resp
            .headers()
            .get("x-request-id")
            .expect("every answer names its request id")
            .to_str()
            .unwrap()
            .to_owned();
        request_ids.push(id.clone());
        id
    };

    // A join, with the id a proxy in front would have given it: kept and echoed.
    let device_name = "王秀英的手机";
    let resp = http
        .post(url("/v1/join"))
        .header("x-request-id", "edge-0193a0b2.7c1d")
        .json(&serde_json::json!({
            "code": code,
            "device_name": device_name,
            "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(echoed(&resp), "edge-0193a0b2.7c1d");
    let joined: JoinResponse = resp.json().await.unwrap();
    let token = joined.token.clone();

    // A report pushed, with an id that is not well formed: replaced by one of the hub's.
    let secret_text = "三楼李阿姨家门口的水管漏水，电话13800138000";
    let op = Op {
        id: uuid::Uuid::now_v7(),
        device_seq: 1,
        created_at: chrono::Utc::now(),
        on_behalf_of: None,
        body: OpBody::CreateReport {
            voice: None,
            report_id: uuid::Uuid::now_v7(),
            category: "facilities".into(),
            text: secret_text.into(),
            address: Default::default(),
            location: None,
            photos: vec![],
        },
    };
    let resp = http
        .post(url("/v1/push"))
        .bearer_auth(&token)
        .header("x-request-id", "水管 漏水")
        .json(&serde_json::json!({ "ops": [op] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let pushed_id = echoed(&resp);
    assert!(linli_hub::api::request_id::well_formed(&pushed_id));
    assert_ne!(pushed_id, "水管 漏水");

    // Staff: the password set through the one-time link, a sign-in, the inbox with the cookie, and
    // a wrong password.
    let password = "correct horse battery staple";
    let resp = http
        .post(url("/v1/staff/password"))
        .json(&serde_json::json!({"link": link, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    echoed(&resp);
    let resp = http
        .post(url("/v1/staff/session"))
        .json(&serde_json::json!({"staff_id": staff, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    echoed(&resp);
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let session: serde_json::Value = resp.json().await.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let resp = http
        .get(url("/v1/staff/reports"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    echoed(&resp);
    assert!(resp.text().await.unwrap().contains("水管漏水"));
    let resp = http
        .post(url("/v1/staff/session"))
        .json(&serde_json::json!({"staff_id": staff, "password": "wrong horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    echoed(&resp);

    // The second factor: an authenticator enrolled (the secret shown once), confirmed by a code, a
    // sign-in with the next code, a reused code and a wrong one.
    let resp = http
        .post(url("/v1/staff/totp"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    echoed(&resp);
    let enrolment: serde_json::Value = resp.json().await.unwrap();
    let totp_text = enrolment["secret"].as_str().unwrap().to_owned();
    let totp_uri = enrolment["uri"].as_str().unwrap().to_owned();
    let totp_secret = linli_hub::domain::totp::TotpSecret::from_bytes(base32_decode(&totp_text));
    let step = linli_hub::domain::totp::step_at(chrono::Utc::now().timestamp());
    let first_code = linli_hub::domain::totp::code(&totp_secret, step);
    let next_code = linli_hub::domain::totp::code(&totp_secret, step + 1);
    let resp = http
        .post(url("/v1/staff/totp/confirm"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"code": first_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    echoed(&resp);
    for (code, want) in [
        (&next_code, 200),
        (&next_code, 401),
        (&"000000".to_owned(), 401),
    ] {
        let resp = http
            .post(url("/v1/staff/session"))
            .json(&serde_json::json!({"staff_id": staff, "password": password, "code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), want);
        echoed(&resp);
    }
    // A wrong token, a malformed body that carries the resident's words, an unknown route.
    for resp in [
        http.get(url("/v1/me"))
            .bearer_auth(format!("{token}x"))
            .send()
            .await
            .unwrap(),
        http.post(url("/v1/push"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(format!("{{\"ops\": [\"{secret_text}\""))
            .send()
            .await
            .unwrap(),
        http.get(url(&format!("/v1/nowhere?code={code}")))
            .send()
            .await
            .unwrap(),
    ] {
        assert!(resp.status().is_client_error());
        echoed(&resp);
    }

    // Stop it and read everything it wrote.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(hub.child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = hub.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    while let Ok(line) = hub.lines.recv_timeout(std::time::Duration::from_secs(5)) {
        hub.seen.push(line);
    }
    let lines = std::mem::take(&mut hub.seen);
    let all = lines.join("\n");

    let mut ids_logged = std::collections::HashSet::new();
    for line in &lines {
        let v = json_line(line);
        assert!(
            v["timestamp"].is_string() && v["level"].is_string(),
            "{line}"
        );
        if let Some(span) = v.get("span") {
            if span["name"] == "request" {
                let id = span["request_id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("a request's line without its id: {line}"));
                ids_logged.insert(id.to_owned());
            }
        }
    }
    for id in &request_ids {
        assert!(
            ids_logged.contains(id),
            "no line names request {id}:\n{all}"
        );
    }
    assert!(
        lines.len() > request_ids.len(),
        "more than one line per request at trace level"
    );
    for (what, needle) in [
        ("device token", token.as_str()),
        ("invitation code", code.as_str()),
        ("setup link", link.as_str()),
        ("staff password", password),
        ("wrong password", "wrong horse"),
        ("session cookie", cookie.as_str()),
        ("csrf token", csrf.as_str()),
        ("report text", "水管漏水"),
        ("phone number", "13800138000"),
        ("device name", device_name),
        ("TOTP secret (base32)", totp_text.as_str()),
        ("TOTP secret (URI)", totp_uri.as_str()),
        ("TOTP secret (hex)", &hex::encode(totp_secret.as_bytes())),
    ] {
        assert!(!all.contains(needle), "the {what} is in the logs:\n{all}");
    }
    // Six digits may turn up by chance in timestamps and ids; a code never appears as a value.
    for code in [&first_code, &next_code] {
        for form in [
            format!("\"{code}\""),
            format!("={code}"),
            format!(": {code}"),
        ] {
            assert!(
                !all.contains(&form),
                "a TOTP code ({form}) is in the logs:\n{all}"
            );
        }
    }
    let cookie_value = cookie.split_once('=').map(|(_, v)| v).unwrap_or_default();
    assert!(!cookie_value.is_empty() && !all.contains(cookie_value));
}

/// RFC 4648 base32 (no padding) to bytes, as an authenticator app reads the secret typed in.
fn base32_decode(s: &str) -> Vec<u8> {
    let (mut buf, mut bits, mut out) = (0u32, 0u32, vec![]);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {s}"),
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}
