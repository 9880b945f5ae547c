//! The `linli-hub` binary's contract: demo codes, invite, reports list / set-status, notices,
//! consultation results.
use std::collections::HashSet;
use std::process::{Command, Output};

use linli_proto::OpStatus;

use crate::helpers::{report_body, Device};

fn hub_cmd(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut all = vec!["admin", "--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .args(&all)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn demo_prints_codes_for_distinct_households_and_keeps_one_community() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_linli-hub"))
            .args(["demo", "--data-dir", dir.path().to_str().unwrap()])
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success());
    let out = stdout(&first);
    let lines: Vec<_> = out.lines().collect();
    assert!(lines.len() >= 4);
    let mut addresses = HashSet::new();
    for l in &lines {
        let (code, addr) = l.split_once('\t').expect("CODE<TAB>address");
        assert_eq!(code.len(), 9, "{code}");
        addresses.insert(addr.to_owned());
    }
    assert_eq!(addresses.len(), lines.len());
    let second = run();
    assert!(second.status.success());
    assert_ne!(stdout(&second), out, "fresh codes");
    let list = hub_cmd(dir.path(), &["consultation", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "no duplicate community content"
    );
    let closed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["closed_at"].is_string())
        .unwrap();
    let id = closed["id"].as_str().unwrap();
    let results = hub_cmd(dir.path(), &["consultation", "results", id, "--json"]);
    let results: serde_json::Value = serde_json::from_slice(&results.stdout).unwrap();
    let total: i64 = results["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert!(o["id"].is_string());
            o["votes"].as_i64().unwrap()
        })
        .sum();
    assert!(total > 0);
}

#[tokio::test]
async fn invite_reports_and_set_status_through_the_binary() {
    let t = crate::helpers::start().await;
    let dir = t.dir.path();
    let out = hub_cmd(
        dir,
        &[
            "invite",
            "--building",
            "3号楼",
            "--unit",
            "1单元",
            "--room",
            "202",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = stdout(&out).lines().last().unwrap().to_owned();
    let (status, body) = t.join_raw(&code).await;
    assert_eq!(status, 200, "{body}");
    let j: linli_proto::JoinResponse = serde_json::from_value(body).unwrap();
    let dev = Device {
        token: j.token,
        resident_id: j.resident_id,
        device_id: j.device_id,
        household_id: j.household.id,
        seq: std::cell::Cell::new(0),
    };
    assert_eq!(
        t.push1(&dev, report_body("safety", "消防通道被堵"))
            .await
            .status,
        OpStatus::Applied
    );

    let out = hub_cmd(dir, &["reports", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = &list[0];
    for field in [
        "id",
        "text",
        "status",
        "category",
        "photos",
        "created_at",
        "address",
        "events",
    ] {
        assert!(item.get(field).is_some(), "missing {field}");
    }
    assert_eq!(item["status"], "submitted");
    let id = item["id"].as_str().unwrap().to_owned();

    let ok = hub_cmd(
        dir,
        &[
            "report",
            "set-status",
            &id,
            "accepted",
            "--reply",
            "马上处理",
        ],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let bad = hub_cmd(dir, &["report", "set-status", &id, "rejected"]);
    assert!(!bad.status.success());
    assert!(!String::from_utf8_lossy(&bad.stderr).trim().is_empty());
    let (_, report) = t.get(&dev, &format!("/v1/reports/{id}")).await;
    assert_eq!(report["status"], "accepted");

    let out = hub_cmd(
        dir,
        &[
            "notice",
            "publish",
            "--title",
            "通知",
            "--body",
            "内容",
            "--urgency",
            "urgent",
        ],
    );
    assert!(out.status.success());
    let nid = stdout(&out).trim().to_owned();
    let (status, _) = t.get(&dev, &format!("/v1/notices/{nid}")).await;
    assert_eq!(status, 200);
    let out = hub_cmd(dir, &["devices", "list", "--json"]);
    let devices: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(devices
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == dev.device_id.to_string()));
}

#[test]
fn community_from_a_json_seed_then_refused_twice() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        serde_json::json!({
            "name": "和平里社区",
            "phone": "010-1234-5678",
            "hours": "周一至周五 9:00–17:00",
            "categories": [{"key": "other", "name_zh": "其他", "name_en": "Other", "icon": "dots", "sort": 1}],
            "buildings": [{"name": "A座", "units": [{"name": "1单元", "rooms": ["101"]}]}]
        })
        .to_string(),
    )
    .unwrap();
    let data = dir.path().join("hub");
    let seed = seed.to_str().unwrap();
    let ok = hub_cmd(&data, &["community", "create", "--seed", seed]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = hub_cmd(&data, &["community", "create", "--seed", seed]);
    assert!(!again.status.success());
    let out = hub_cmd(
        &data,
        &[
            "invite",
            "--building",
            "A座",
            "--unit",
            "1单元",
            "--room",
            "101",
        ],
    );
    assert!(out.status.success());
    let unknown = hub_cmd(
        &data,
        &[
            "invite",
            "--building",
            "B座",
            "--unit",
            "1单元",
            "--room",
            "101",
        ],
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("地址"));
}

/// A resident's text with terminal escape sequences, a carriage return, a tab and a bidi override reaches
/// the staff's terminal as visible escapes: it can't clear the screen, forge a column or hide itself.
#[tokio::test]
async fn residents_text_cannot_drive_the_staff_terminal() {
    let t = crate::helpers::start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let hostile = "漏水\x1b[2J\x1b]0;title\x07\r已解决\t伪造\u{202E}gnp.exe";
    assert_eq!(
        t.push1(&dev, report_body("environment", hostile))
            .await
            .status,
        OpStatus::Applied
    );
    let list = hub_cmd(t.dir.path(), &["reports", "list"]);
    assert!(list.status.success());
    let out = stdout(&list);
    let line = out.lines().find(|l| l.contains("漏水")).expect("listed");
    assert_eq!(line.split('\t').count(), 5, "no forged column: {line}");
    for c in ['\x1b', '\r', '\x07', '\u{202E}'] {
        assert!(!out.contains(c), "{c:?} reached the terminal: {out:?}");
    }
    assert!(line.contains("\\u{1b}[2J"), "{line}");
    let id = line.split('\t').next().unwrap();
    let show = stdout(&hub_cmd(t.dir.path(), &["report", "show", id]));
    assert!(
        !show.contains('\x1b') && show.contains("漏水\\u{1b}"),
        "{show:?}"
    );
    // JSON output keeps the text exactly, escaped by JSON itself.
    let json = hub_cmd(t.dir.path(), &["reports", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(list[0]["text"], hostile);
}
