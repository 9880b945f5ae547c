//! `linli-hub admin witness …` through the binary, and what a joining device is given: the office names
//! its witnesses and the quorum; the join answer carries them (and nothing while there are none); the
//! checkpoint route serves the hub's note. Collection from a real witness process is tested in
//! crates/witness/tests/hub_witnesses.rs.
use std::process::{Command, Output};

use linli_tlog::{CosignatureSigner, WitnessPolicy};

fn witness_cmd(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut all = vec!["admin", "--data-dir", dir.to_str().unwrap(), "witness"];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .args(&all)
        .env("LANG", "zh_CN.UTF-8")
        .env("LINLI_COMMUNITY", "幸福里社区")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn refused(o: &Output, says: &str) {
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(says), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_names_witnesses_and_joining_devices_pin_them() {
    let t = crate::helpers::start().await;
    let dir = t.dir.path();
    let (status, body) = t
        .join_raw(&t.invite_code("1号楼", "1单元", "101").await)
        .await;
    assert_eq!(status, 200);
    assert!(body.get("witness_policy").is_none(), "{body}");
    let served = |t: &crate::helpers::TestHub| {
        let (http, url) = (t.http.clone(), t.url("/v1/log/witnesses"));
        async move {
            let r = http.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    assert_eq!(served(&t).await.0, 404);

    let jwh = CosignatureSigner::generate("jwh-witness")
        .unwrap()
        .verifier()
        .to_vkey();
    let yzh = CosignatureSigner::generate("yzh-witness")
        .unwrap()
        .verifier()
        .to_vkey();
    refused(
        &witness_cmd(
            dir,
            &[
                "add",
                "--key",
                "not-a-key",
                "--url",
                "http://192.0.2.1:7380",
            ],
        ),
        "见证方",
    );
    refused(
        &witness_cmd(dir, &["add", "--key", &jwh, "--url", "ftp://192.0.2.1"]),
        "http",
    );
    let added = ok(&witness_cmd(
        dir,
        &["add", "--key", &jwh, "--url", "http://192.0.2.1:7380/"],
    ));
    assert!(added.contains("jwh-witness"), "{added}");
    refused(&witness_cmd(dir, &["quorum", "2"]), "1");
    ok(&witness_cmd(
        dir,
        &["add", "--key", &yzh, "--url", "http://192.0.2.2:7380"],
    ));
    ok(&witness_cmd(dir, &["quorum", "2"]));

    let listed: serde_json::Value =
        serde_json::from_str(&ok(&witness_cmd(dir, &["list", "--json"]))).unwrap();
    let expected = WitnessPolicy::new(&[jwh.clone(), yzh.clone()], 2).unwrap();
    assert_eq!(listed["quorum"], 2);
    assert_eq!(listed["fingerprint"], expected.fingerprint());
    assert_eq!(listed["witnesses"][0]["url"], "http://192.0.2.1:7380");
    assert!(ok(&witness_cmd(dir, &["list"])).contains(&expected.fingerprint()));

    let (status, body) = t
        .join_raw(&t.invite_code("1号楼", "2单元", "202").await)
        .await;
    assert_eq!(status, 200, "{body}");
    let pinned = WitnessPolicy::parse(body["witness_policy"].as_str().unwrap()).unwrap();
    assert_eq!(pinned, expected);
    assert_eq!(served(&t).await, (200, expected.to_text()));
    // Every change was announced to the residents, the last one with the new fingerprint.
    let notices = linli_hub::admin::notices::list(t.hub(), t.community()).unwrap();
    let announced: Vec<_> = notices
        .iter()
        .filter(|n| n.title.contains("见证方"))
        .collect();
    assert_eq!(announced.len(), 3, "two witnesses added, one quorum change");
    assert!(announced
        .iter()
        .any(|n| n.body.contains(&expected.fingerprint())));

    // Removing a witness lowers the quorum to what is left.
    ok(&witness_cmd(dir, &["remove", "--name", "yzh-witness"]));
    refused(
        &witness_cmd(dir, &["remove", "--name", "yzh-witness"]),
        "yzh-witness",
    );
    let (_, body) = t
        .join_raw(&t.invite_code("2号楼", "1单元", "102").await)
        .await;
    let pinned = WitnessPolicy::parse(body["witness_policy"].as_str().unwrap()).unwrap();
    assert_eq!((pinned.witnesses().len(), pinned.quorum()), (1, 1));
}
