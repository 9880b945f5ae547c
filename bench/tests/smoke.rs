//! The benchmark harness at tiny sizes (seconds), so it can't rot: every Linli scenario for real (the `linli`
//! binary as a child process, a real hub, the limit endpoints), PouchDB too when bench/pouchdb/node_modules
//! is installed — said loudly when it is not. Needs a keychain session, like the core's tests.
use std::path::PathBuf;
use std::process::Command;

/// target/<profile>/linli, built if this test run did not build it.
fn linli_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>")
        .to_path_buf();
    let bin = dir.join("linli");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "linli-cli", "--bin", "linli"])
            .status()
            .expect("cargo build -p linli-cli");
        assert!(status.success(), "building linli failed");
    }
    bin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_at_tiny_sizes() {
    let cfg = linli_bench::Config::tiny(linli_bin());
    let pouch = linli_bench::pouch::installed(&cfg.pouch_dir);
    if !pouch {
        eprintln!(
            "\n*** PouchDB scenarios SKIPPED: {} has no node_modules; `npm ci` there to run them ***\n",
            cfg.pouch_dir.display()
        );
    }
    let report = linli_bench::run(&cfg).await.expect("the harness runs");
    println!("{}", report.table());

    let get = |id: &str| report.get(id).unwrap_or_else(|| panic!("no figure {id}"));
    // 50 notices + 5 consultations + the community, its category, building and household.
    assert!(get("s1.linli.rate") > 0.0);
    assert!(get("s2.linli.rate") > 0.0);
    assert!(
        get("s2.linli.call_rate") >= get("s2.linli.rate"),
        "the call is part of the process"
    );
    assert!(
        get("s2.linli.push_rate") >= get("s2.linli.call_rate"),
        "the push phase is part of the call"
    );
    assert!(get("s3.linli.bytes") > 0.0, "the proxy counted nothing");
    assert!(get("s5.linli.rss") > 1.0 && get("s5.linli.cpu") > 0.0);
    for n in &cfg.scale {
        assert!(get(&format!("s6.linli.{n}.rate")) > 0.0);
    }
    for id in ["noop", "insert", "insert_batch", "hub_single", "hub_batch"] {
        assert!(get(&format!("s4.{id}.rate")) > 0.0, "{id}");
        assert!(get(&format!("s4.{id}.p99")) > 0.0, "{id}");
    }
    let changes = report
        .figures
        .iter()
        .find(|f| f.id == "s6.linli.50.rate")
        .map(|f| f.what.clone())
        .unwrap_or_default();
    assert!(changes.contains("(59 changes)"), "{changes}");
    if pouch {
        assert_eq!(report.pouch_adapter.as_deref(), Some("leveldb"));
        assert!(get("s1.pouch.b500.rate") > 0.0);
        assert!(get("s2.pouch.b0.rate") > 0.0);
        assert!(get("s3.pouch.b0.bytes") > 0.0);
        assert!(report
            .ratios
            .iter()
            .any(|r| r.what.starts_with("1. initial sync")));
    }
    assert!(report
        .ratios
        .iter()
        .any(|r| r.what.starts_with("4. hub single-op")));
    let json = serde_json::to_value(&report).expect("JSON");
    assert!(json["figures"].as_array().is_some_and(|f| !f.is_empty()));
}
