//! The `linli` binary as outside scripts use it: real processes (CARGO_BIN_EXE_linli) against a real hub on
//! a random port, each command a fresh process (so every step is also a client restart). Run inside a
//! Secret Service session (see crates/core/README.md): the token goes to the OS keychain.
use chrono::{Duration, Utc};
use linli_hub::admin;
use linli_hub::store::{BuildingSeed, CommunitySeed, NewConsultation, NewNotice, UnitSeed};
use linli_proto::{Category, ReportStatus, ResultsVisibility, Urgency, VoteScope};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn seed() -> CommunitySeed {
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

fn linli(profile: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .env_remove("LINLI_PROFILE")
        .output()
        .expect("run linli")
}

/// Runs and expects success; returns stdout.
fn ok(profile: &Path, args: &[&str]) -> String {
    let out = linli(profile, args);
    assert!(
        out.status.success(),
        "linli {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(profile: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(profile, args)).unwrap()
}

fn photo(dir: &Path) -> std::path::PathBuf {
    let img = image::RgbImage::from_fn(2400, 1800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let path = dir.join("lamp.jpg");
    img.save(&path).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_report_from_the_command_line_reaches_the_hub_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    let hub = linli_hub::spawn_for_tests(&hub_dir).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let code = admin::invites::invite(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )
    .unwrap()
    .code;
    let p = dir.path().join("alice");

    // A script that did not agree to the privacy notice is refused, and the code is not spent.
    let refused = Command::new(env!("CARGO_BIN_EXE_linli"))
        .arg("--profile")
        .arg(&p)
        .args(["join", "--hub", &hub.url(), "--code", &code])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--accept-privacy"));
    let joined = ok(
        &p,
        &[
            "join",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--accept-privacy",
        ],
    );
    assert!(joined.contains("幸福里社区"), "{joined}");
    let privacy = json(&p, &["privacy", "--json"]);
    assert_eq!(
        privacy["agreed_version"],
        linli_proto::PRIVACY_NOTICE_VERSION
    );
    assert_eq!(privacy["must_ask"], false);
    ok(&p, &["sync"]);
    let categories = json(&p, &["categories", "--json"]);
    assert_eq!(categories[0]["key"], "facilities");
    assert_eq!(categories[0]["name"], "设施维修");
    let en = json(&p, &["--lang", "en-US", "categories", "--json"]);
    assert_eq!(en[0]["name"], "Facilities");
    ok(&p, &["--lang", "zh-CN", "status"]);

    // The hub goes away; the resident reports anyway.
    let addr = hub.addr;
    hub.shutdown().await;
    let photo = photo(dir.path());
    let id = ok(
        &p,
        &[
            "report",
            "new",
            "--category",
            "facilities",
            "--text",
            "楼道灯坏了",
            "--photo",
            photo.to_str().unwrap(),
            "--building",
            "1号楼",
            "--unit",
            "1单元",
            "--room",
            "101",
        ],
    );
    let id = id.trim().to_owned();
    assert_eq!(id.len(), 36, "prints the new id: {id}");
    let status = json(&p, &["status", "--json"]);
    assert_eq!(status["pending"], 1);
    let reports = json(&p, &["reports", "--json"]);
    assert_eq!(reports[0]["id"], id.as_str());
    assert_eq!(reports[0]["pending"], true);
    assert_eq!(reports[0]["status"], "submitted");

    let failed = linli(&p, &["sync"]);
    assert!(
        !failed.status.success(),
        "sync must fail while the hub is down"
    );
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("同步失败") && stderr.contains("1"),
        "{stderr}"
    );
    assert_eq!(
        json(&p, &["status", "--json"])["pending"],
        1,
        "nothing lost"
    );
    let status = json(&p, &["status", "--json"]);
    assert_eq!(
        status["state"], "offline",
        "a later process still shows how the last sync ended"
    );
    assert!(status["last_error"].is_string());

    // The hub is back on the same address.
    let hub = linli_hub::spawn_on(&hub_dir, addr).await;
    let synced = json(&p, &["sync", "--json"]);
    assert_eq!(synced["applied"], 1, "{synced}");
    // How long it took, and its parts (the benchmarks read them).
    let secs = |v: &serde_json::Value| v.as_f64().unwrap_or(-1.0);
    let phases = &synced["phases"];
    let parts = [
        &phases["push_secs"],
        &phases["pull_secs"],
        &phases["log_secs"],
    ]
    .map(secs);
    assert!(parts.iter().all(|s| *s >= 0.0), "{synced}");
    assert!(
        parts.iter().sum::<f64>() <= secs(&synced["elapsed_secs"]),
        "{synced}"
    );
    ok(&p, &["sync"]);
    let status = json(&p, &["status", "--json"]);
    assert_eq!(status["pending"], 0);
    assert_eq!(status["state"], "idle");
    assert!(status["last_synced_at"].is_string());
    let reports = json(&p, &["reports", "--json"]);
    assert_eq!(reports.as_array().unwrap().len(), 1);
    assert_eq!(reports[0]["pending"], false);
    assert_eq!(reports[0]["events"][0]["kind"], "submitted");
    let on_hub = admin::reports::list(
        hub.hub(),
        &admin::staff::add(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            "测试工作人员",
            false,
        )
        .unwrap(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(on_hub.len(), 1, "exactly one copy");
    assert_eq!(on_hub[0].report.id.to_string(), id);
    assert_eq!(on_hub[0].report.photos.len(), 1);
    assert_eq!(on_hub[0].report.address.building.as_deref(), Some("1号楼"));

    // Comment, then staff resolve it; rate and reopen.
    ok(&p, &["report", "comment", &id, "晚上特别黑"]);
    ok(&p, &["sync"]);
    let uuid = on_hub[0].report.id;
    admin::reports::set_status(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        uuid,
        ReportStatus::Accepted,
        None,
    )
    .unwrap();
    admin::reports::set_status(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        uuid,
        ReportStatus::Resolved,
        Some("已更换灯泡"),
    )
    .unwrap();
    ok(&p, &["sync"]);
    assert_eq!(json(&p, &["reports", "--json"])[0]["status"], "resolved");
    ok(
        &p,
        &[
            "report",
            "rate",
            &id,
            "--satisfaction",
            "unsatisfied",
            "--comment",
            "还是不亮",
        ],
    );
    ok(&p, &["report", "reopen", &id]);
    ok(&p, &["sync"]);
    let r = &json(&p, &["reports", "--json"])[0];
    assert_eq!(r["status"], "in_progress");
    let kinds: Vec<&str> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.ends_with(&["rated", "reopened"]), "{kinds:?}");

    // A fresh report can be withdrawn.
    let second = ok(
        &p,
        &[
            "report",
            "new",
            "--category",
            "facilities",
            "--text",
            "误报",
            "--address",
            "东门",
        ],
    );
    ok(&p, &["report", "withdraw", second.trim()]);
    ok(&p, &["sync"]);
    let reports = json(&p, &["reports", "--json"]);
    let withdrawn = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == second.trim())
        .unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_consultations_votes_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let notice = admin::notices::publish(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        &NewNotice {
            title: "停水通知".into(),
            body: "明天 9:00–12:00 停水".into(),
            urgency: Urgency::Urgent,
            pinned: false,
            expires_at: None,
            buildings: vec![],
        },
    )
    .unwrap();
    let cid = admin::consultations::create(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        &NewConsultation {
            title: "是否加装电梯".into(),
            description: "请投票".into(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: Utc::now() - Duration::hours(1),
            closes_at: Utc::now() + Duration::days(2),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let code = admin::invites::invite(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "1号楼",
        "1单元",
        "102",
        7,
    )
    .unwrap()
    .code;
    let p = dir.path().join("bob");
    ok(
        &p,
        &[
            "join",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--accept-privacy",
        ],
    );
    ok(&p, &["sync"]);

    let notices = json(&p, &["notices", "--json"]);
    assert_eq!(notices[0]["id"], notice.to_string());
    assert_eq!(notices[0]["title"], "停水通知");
    assert_eq!(notices[0]["urgency"], "urgent");
    assert_eq!(notices[0]["read"], false);
    ok(&p, &["notice", "read", &notice.to_string()]);
    assert_eq!(json(&p, &["notices", "--json"])[0]["read"], true);

    let cs = json(&p, &["consultations", "--json"]);
    assert_eq!(cs[0]["id"], cid.to_string());
    assert_eq!(cs[0]["status"], "open");
    assert_eq!(cs[0]["my_vote"], Value::Null);
    let option = cs[0]["options"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(cs[0]["options"][0]["label"], "同意");

    // Vote (works offline: nothing is sent yet), then the office closes the consultation first.
    ok(&p, &["vote", &cid.to_string(), &option]);
    assert_eq!(
        json(&p, &["consultations", "--json"])[0]["my_vote"][0],
        option.as_str()
    );
    admin::consultations::close(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        cid,
    )
    .unwrap();
    ok(&p, &["sync"]);
    let cs = json(&p, &["consultations", "--json"]);
    assert_eq!(cs[0]["status"], "closed");
    assert_eq!(cs[0]["my_vote"], Value::Null);
    assert!(cs[0]["options"][0]["votes"].is_number(), "results visible");
    let messages = json(&p, &["messages", "--json"]);
    assert_eq!(messages[0]["text"], "投票已截止，未计入");
    let messages = json(&p, &["--lang", "en-US", "messages", "--json"]);
    assert_eq!(
        messages[0]["text"],
        "Voting had closed; your vote was not counted"
    );
    let human = ok(&p, &["messages"]);
    assert!(human.contains("Your vote was not counted"), "{human}");

    let bad = linli(&p, &["vote", "not-an-id", &option]);
    assert!(!bad.status.success());
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_join_fails_clearly_and_keeps_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let code = admin::invites::invite(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )
    .unwrap()
    .code;
    let p = dir.path().join("carol");

    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .arg("--profile")
        .arg(&p)
        .args([
            "join",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--accept-privacy",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/linli-test-bus",
        )
        .output()
        .unwrap();
    assert!(!out.status.success(), "no keychain, no join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("钥匙串"),
        "a clear keychain error: {stderr}"
    );
    assert_eq!(json(&p, &["status", "--json"])["joined"], false);
    assert!(
        std::fs::read_dir(&p).unwrap().all(|e| {
            let bytes = std::fs::read(e.unwrap().path()).unwrap_or_default();
            !bytes.windows(code.len()).any(|w| w == code.as_bytes())
        }),
        "nothing about the code written"
    );

    // The one-time code was not spent: with the keychain back, it works.
    ok(
        &p,
        &[
            "join",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--accept-privacy",
        ],
    );
    assert_eq!(json(&p, &["status", "--json"])["joined"], true);
    ok(&p, &["sign-out"]);
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_shows_the_pinned_key_and_exits_non_zero_when_the_hub_changes_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    let hub = linli_hub::spawn_for_tests(&hub_dir).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let code = admin::invites::invite(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )
    .unwrap()
    .code;
    let p = dir.path().join("alice");
    let key = hub.hub().log_key();
    let joined = ok(
        &p,
        &[
            "--lang",
            "en-US",
            "join",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--accept-privacy",
        ],
    );
    assert!(joined.contains(&key), "the key is shown at join: {joined}");
    let saved = dir.path().join("seen.checkpoint");
    let out = ok(
        &p,
        &["verify", "--save-checkpoint", saved.to_str().unwrap()],
    );
    assert!(out.contains(&key), "{out}");
    let view = json(&p, &["verify", "--json"]);
    assert_eq!(view["log_key"], key.as_str());
    assert!(view["failure"].is_null());
    assert!(std::fs::read_to_string(&saved)
        .unwrap()
        .starts_with(key.split('+').next().unwrap()));

    // The hub comes back with another key: loud, and a failing exit status.
    let addr = hub.addr;
    hub.shutdown().await;
    std::fs::remove_file(hub_dir.join("log-signing-key")).unwrap();
    let _hub = linli_hub::spawn_on(&hub_dir, addr).await;
    let failed = linli(&p, &["verify"]);
    assert!(!failed.status.success());
    let stdout = String::from_utf8_lossy(&failed.stdout);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stdout.contains("different key"), "{stdout}");
    assert!(stderr.contains("Verification failed"), "{stderr}");
    // A sync says so too, and the warning is kept in the messages.
    assert!(!linli(&p, &["sync"]).status.success());
    let messages = json(&p, &["messages", "--json"]);
    assert!(
        messages
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["code"] == "log_key_changed"),
        "{messages}"
    );
}

/// The proxy (亲友代办) commands as outside checks call them: `proxy invite` (code on the last line),
/// `proxy accept`, `proxy list --json`, `--as` on report, reports, consultations, vote and notices,
/// `proxy activity`, `proxy revoke`; each a fresh process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_commands_let_a_relative_act_for_a_resident_until_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let now = Utc::now();
    let cid = admin::consultations::create(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        &NewConsultation {
            title: "加装电梯".into(),
            description: String::new(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::days(7),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let option = admin::consultations::results(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        cid,
    )
    .unwrap()
    .options[0]
        .id;
    let father = dir.path().join("father");
    let daughter = dir.path().join("daughter");
    for (p, room) in [(&father, "101"), (&daughter, "102")] {
        let code = admin::invites::invite(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            "1号楼",
            "1单元",
            room,
            7,
        )
        .unwrap()
        .code;
        ok(
            p,
            &[
                "join",
                "--hub",
                &hub.url(),
                "--code",
                &code,
                "--accept-privacy",
            ],
        );
    }

    let out = ok(
        &father,
        &["proxy", "invite", "--scopes", "report,vote", "--days", "30"],
    );
    let code = out.lines().last().unwrap().trim().to_owned();
    assert_eq!(code.len(), 11, "the code is the last line: {out}");
    let wrong = linli(&daughter, &["proxy", "accept", "AAAAA-BBBBB"]);
    assert!(!wrong.status.success());
    ok(
        &daughter,
        &["proxy", "accept", &code, "--name", "王芳（女儿）"],
    );
    let list = json(&daughter, &["proxy", "list", "--json"]);
    let g = &list[0];
    for key in ["id", "principal", "proxy", "scopes", "expires_at", "status"] {
        assert!(!g[key].is_null(), "{key} in {g}");
    }
    assert_eq!(g["status"], "active");
    assert_eq!(g["scopes"], serde_json::json!(["report", "vote"]));
    assert_eq!(g["role"], "proxy");
    let principal = g["principal"].as_str().unwrap().to_owned();
    let grant = g["id"].as_str().unwrap().to_owned();
    assert_eq!(
        json(&father, &["proxy", "list", "--json"])[0]["role"],
        "principal"
    );
    ok(&daughter, &["sync"]);

    let rid = ok(
        &daughter,
        &[
            "--as",
            &principal,
            "report",
            "new",
            "--category",
            "facilities",
            "--text",
            "楼梯灯坏了",
        ],
    );
    let rid = rid.trim().to_owned();
    // `--as` takes the first characters of the id too, and goes anywhere on the line.
    let short = &principal[..8];
    let theirs = json(&daughter, &["reports", "--json", "--as", short]);
    assert_eq!(theirs[0]["id"], rid.as_str());
    assert_eq!(
        json(&daughter, &["reports", "--json"]),
        serde_json::json!([])
    );
    let cs = json(&daughter, &["consultations", "--as", &principal, "--json"]);
    assert_eq!(cs[0]["id"], cid.to_string());
    ok(
        &daughter,
        &[
            "vote",
            "--as",
            &principal,
            &cid.to_string(),
            &option.to_string(),
        ],
    );
    let refused = linli(&daughter, &["notices", "--as", &principal]);
    assert!(!refused.status.success(), "read_notices was not granted");
    ok(&daughter, &["sync"]);

    ok(&father, &["sync"]);
    let acts = json(&father, &["proxy", "activity", "--json"]);
    let kinds: Vec<&str> = acts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["cast_vote", "create_report"]);
    assert_eq!(acts[0]["principal"], principal.as_str());
    assert_eq!(acts[0]["proxy_name"], "王芳（女儿）");
    let mine = json(&father, &["reports", "--json"]);
    assert_eq!(mine[0]["events"][0]["actor"], "proxy");

    ok(&father, &["proxy", "revoke", &grant]);
    ok(&daughter, &["sync"]);
    assert_eq!(
        json(&daughter, &["proxy", "list", "--json"])[0]["status"],
        "revoked"
    );
    assert!(!linli(&daughter, &["reports", "--as", &principal])
        .status
        .success());
    hub.shutdown().await;
}

/// `proxy accept --hub`: a relative whose own profile belongs to another community's hub.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_accept_with_hub_acts_for_a_resident_of_another_community() {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let other = linli_hub::spawn_for_tests(&dir.path().join("other")).await;
    admin::community::create(other.hub(), &seed()).unwrap();
    let now = Utc::now();
    let cid = admin::consultations::create(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        &NewConsultation {
            title: "加装电梯".into(),
            description: String::new(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::days(7),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let option = admin::consultations::results(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        cid,
    )
    .unwrap()
    .options[0]
        .id;
    let father = dir.path().join("father");
    let daughter = dir.path().join("daughter");
    for (p, h) in [(&father, &hub), (&daughter, &other)] {
        let code = admin::invites::invite(
            h.hub(),
            linli_hub::admin::community::oldest(h.hub()).expect("community"),
            "1号楼",
            "1单元",
            "101",
            7,
        )
        .unwrap()
        .code;
        ok(
            p,
            &[
                "join",
                "--hub",
                &h.url(),
                "--code",
                &code,
                "--accept-privacy",
            ],
        );
    }
    let out = ok(&father, &["proxy", "invite", "--scopes", "vote"]);
    let code = out.lines().last().unwrap().trim().to_owned();
    ok(
        &daughter,
        &[
            "proxy",
            "accept",
            &code,
            "--hub",
            &hub.url(),
            "--name",
            "王芳（女儿）",
        ],
    );
    let list = json(&daughter, &["proxy", "list", "--json"]);
    assert_eq!(list[0]["role"], "proxy");
    let principal = list[0]["principal"].as_str().unwrap().to_owned();
    ok(&daughter, &["sync"]);
    let cs = json(&daughter, &["consultations", "--as", &principal, "--json"]);
    assert_eq!(cs[0]["id"], cid.to_string());
    ok(
        &daughter,
        &[
            "vote",
            "--as",
            &principal,
            &cid.to_string(),
            &option.to_string(),
        ],
    );
    ok(&daughter, &["sync"]);
    let tally = admin::consultations::results(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        cid,
    )
    .unwrap();
    assert_eq!(tally.options[0].votes, 1);
    ok(&father, &["sync"]);
    let acts = json(&father, &["proxy", "activity", "--json"]);
    assert_eq!(acts[0]["kind"], "cast_vote");
    assert_eq!(acts[0]["proxy_name"], "王芳（女儿）");
    hub.shutdown().await;
    other.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_and_close_account_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let hub = linli_hub::spawn_for_tests(&dir.path().join("hub")).await;
    admin::community::create(hub.hub(), &seed()).unwrap();
    let code = admin::invites::invite(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "1号楼",
        "1单元",
        "101",
        7,
    )
    .unwrap()
    .code;
    let p = dir.path().join("dora");
    ok(
        &p,
        &[
            "join",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--accept-privacy",
        ],
    );
    ok(&p, &["sync"]);
    ok(
        &p,
        &[
            "report",
            "new",
            "--category",
            "facilities",
            "--text",
            "丁：电梯异响",
        ],
    );
    ok(&p, &["sync"]);

    let zip = dir.path().join("out").join("dora.zip");
    let saved = ok(&p, &["export", "--out", zip.to_str().unwrap()]);
    assert!(saved.contains("dora.zip"), "{saved}");
    let bytes = std::fs::read(&zip).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("丁：电梯异响"));

    // Without --yes nothing happens.
    let unconfirmed = linli(&p, &["close-account"]);
    assert!(!unconfirmed.status.success());
    assert_eq!(json(&p, &["status", "--json"])["joined"], true);
    let closed = ok(&p, &["close-account", "--yes"]);
    assert!(!closed.trim().is_empty());
    assert_eq!(json(&p, &["status", "--json"])["joined"], false);
    assert!(json(&p, &["reports", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    // The hub kept the report without its text.
    let staff = admin::staff::add(
        hub.hub(),
        linli_hub::admin::community::oldest(hub.hub()).expect("community"),
        "测试工作人员",
        false,
    )
    .unwrap();
    let kept = admin::reports::list(hub.hub(), &staff, &Default::default()).unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].report.text.is_empty());
    hub.shutdown().await;
}
