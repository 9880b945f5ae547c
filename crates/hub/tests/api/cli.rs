//! The `linli-hub` binary's contract: demo codes, invite, reports list / set-status, notices,
//! consultation results.
use std::collections::HashSet;
use std::process::{Command, Output};

use linli_proto::OpStatus;

use crate::helpers::{report_body, Device};

fn hub_cmd(dir: &std::path::Path, args: &[&str]) -> Output {
    hub_cmd_as(dir, None, args)
}

/// Runs an admin command on a hub of one community, naming none.
fn hub_cmd_one(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut all = vec!["admin", "--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .args(&all)
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LINLI_STAFF")
        .env_remove("LINLI_COMMUNITY")
        .output()
        .unwrap()
}

/// Runs an admin command, as the staff member `staff` when given.
pub(crate) fn hub_cmd_as(dir: &std::path::Path, staff: Option<&str>, args: &[&str]) -> Output {
    let mut all = vec!["admin", "--data-dir", dir.to_str().unwrap()];
    if let Some(s) = staff {
        all.extend_from_slice(&["--staff", s]);
    }
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .args(&all)
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LINLI_STAFF")
        // The demo street holds two communities: commands act in the first.
        .env("LINLI_COMMUNITY", "幸福里社区")
        .output()
        .unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
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

    // Personal details need a staff identity.
    let anonymous = hub_cmd(dir, &["reports", "list", "--json"]);
    assert!(!anonymous.status.success());
    assert!(stdout(&anonymous).is_empty());
    let added = hub_cmd(dir, &["staff", "add", "--name", "王主任", "--data-officer"]);
    assert!(added.status.success());
    let staff = stdout(&added).trim().to_owned();
    let out = hub_cmd_as(dir, Some(&staff), &["reports", "list", "--json"]);
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
    let out = hub_cmd_as(dir, Some(&staff), &["devices", "list", "--json"]);
    let devices: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(devices
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == dev.device_id.to_string()));
    // The data officer sees each of those views in the access log.
    let out = hub_cmd_as(dir, Some(&staff), &["access-log", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"reports_list"), "{actions:?}");
    assert!(actions.contains(&"devices_list"), "{actions:?}");
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["staff_name"] == "王主任"));
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
    let ok = hub_cmd_one(&data, &["community", "create", "--seed", seed]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = hub_cmd_one(&data, &["community", "create", "--seed", seed]);
    assert!(!again.status.success());
    // One community: commands need not name it.
    let out = hub_cmd_one(
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
    let unknown = hub_cmd_one(
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

/// `admin proxy grant` (by address and by id), `proxy list --json`, `proxy revoke`, `proxy limits`,
/// `proxy activity`: a grant made at the office works on the API at once and ends at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_proxy_commands_grant_list_and_revoke() {
    let t = crate::helpers::start().await;
    let dir = t.dir.path();
    let father = t.join("1号楼", "1单元", "101").await;
    let daughter = t.join("3号楼", "2单元", "201").await;
    let daughter_id = daughter.resident_id.to_string();

    let bad = hub_cmd(
        dir,
        &[
            "proxy",
            "grant",
            "--principal",
            "1号楼/1单元/101",
            "--proxy",
            &daughter_id,
            "--scopes",
            "report,fly",
        ],
    );
    assert!(!bad.status.success());
    let out = hub_cmd(
        dir,
        &[
            "proxy",
            "grant",
            "--principal",
            "1号楼/1单元/101",
            "--proxy",
            &daughter_id,
            "--scopes",
            "report,vote",
            "--days",
            "30",
            "--proxy-name",
            "王芳（女儿）",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let grant = stdout(&out).lines().last().unwrap().trim().to_owned();
    assert_eq!(grant.len(), 36, "the grant id is the last line");

    // Listing grants names residents: it takes the acting staff member, like every such view.
    let refused = hub_cmd(dir, &["proxy", "list", "--json"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--staff"), "{said}");
    let clerk = t.staff().id.to_string();
    let list: serde_json::Value =
        serde_json::from_slice(&hub_cmd_as(dir, Some(&clerk), &["proxy", "list", "--json"]).stdout)
            .unwrap();
    let g = &list[0];
    assert_eq!(g["id"], grant.as_str());
    assert_eq!(g["principal"], father.resident_id.to_string());
    assert_eq!(g["proxy"], daughter_id.as_str());
    assert_eq!(g["status"], "active");
    assert_eq!(g["created_by"], "staff");
    assert_eq!(g["scopes"], serde_json::json!(["report", "vote"]));

    let mut op = daughter.op(report_body("facilities", "代报"));
    op.on_behalf_of = Some(father.resident_id);
    assert_eq!(t.push(&daughter, &[op]).await[0].status, OpStatus::Applied);
    let acts: serde_json::Value = serde_json::from_slice(
        &hub_cmd_as(
            dir,
            Some(&clerk),
            &[
                "proxy",
                "activity",
                &father.resident_id.to_string(),
                "--json",
            ],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(acts[0]["kind"], "create_report");
    assert_eq!(acts[0]["proxy"], daughter_id.as_str());

    let limits = hub_cmd(dir, &["proxy", "limits", "--max-principals", "2"]);
    assert!(stdout(&limits).contains('2'), "{}", stdout(&limits));

    assert!(hub_cmd(dir, &["proxy", "revoke", &grant]).status.success());
    let list: serde_json::Value =
        serde_json::from_slice(&hub_cmd_as(dir, Some(&clerk), &["proxy", "list", "--json"]).stdout)
            .unwrap();
    assert_eq!(list[0]["status"], "revoked");
    assert_eq!(list[0]["ended_by"], "staff");
    let mut op = daughter.op(report_body("facilities", "再报"));
    op.on_behalf_of = Some(father.resident_id);
    assert_eq!(
        t.push(&daughter, &[op]).await[0].code,
        Some(linli_proto::ErrorCode::ProxyGrantRevoked)
    );
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
    let staff = t.staff().id.to_string();
    let list = hub_cmd_as(t.dir.path(), Some(&staff), &["reports", "list"]);
    assert!(list.status.success());
    let out = stdout(&list);
    let line = out.lines().find(|l| l.contains("漏水")).expect("listed");
    assert_eq!(line.split('\t').count(), 5, "no forged column: {line}");
    for c in ['\x1b', '\r', '\x07', '\u{202E}'] {
        assert!(!out.contains(c), "{c:?} reached the terminal: {out:?}");
    }
    assert!(line.contains("\\u{1b}[2J"), "{line}");
    let id = line.split('\t').next().unwrap();
    let show = stdout(&hub_cmd_as(
        t.dir.path(),
        Some(&staff),
        &["report", "show", id],
    ));
    assert!(
        !show.contains('\x1b') && show.contains("漏水\\u{1b}"),
        "{show:?}"
    );
    // JSON output keeps the text exactly, escaped by JSON itself.
    let json = hub_cmd_as(t.dir.path(), Some(&staff), &["reports", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(list[0]["text"], hostile);
}
