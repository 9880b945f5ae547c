//! The street benchmark at tiny sizes (seconds), so it can't rot, and the targeting it measures holds: a
//! notice in one community reaches all its devices and nudges nobody else; a burst of votes gives each
//! device a bounded number of nudges (coalesced, not one per vote) and every device the final result.
use std::path::PathBuf;
use std::process::Command;

/// target/<profile>/linli-hub, built (or brought up to date) first.
fn hub_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>")
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", "linli-hub", "--bin", "linli-hub"])
        .status()
        .expect("cargo build -p linli-hub");
    assert!(status.success(), "building linli-hub failed");
    dir.join("linli-hub")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_street_at_tiny_sizes_wakes_only_whom_it_concerns() {
    let cfg = linli_bench::street::Config::tiny(
        hub_bin(),
        PathBuf::from(env!("CARGO_BIN_EXE_linli-street-bench")),
    );
    let report = linli_bench::street::run(&cfg)
        .await
        .expect("the benchmark runs");
    println!("{}", report.table());
    let run = &report.runs[0];
    assert_eq!(run.devices, cfg.communities * cfg.households);

    let n = &run.notice;
    assert_eq!(
        n.devices, cfg.households,
        "every device of the community is connected"
    );
    assert_eq!(
        n.reached, n.devices,
        "every device of the community pulled the notice"
    );
    assert_eq!(
        n.nudges_elsewhere, 0,
        "no device of another community was nudged by the notice"
    );

    let b = &run.burst;
    assert_eq!(
        b.nudges_elsewhere, 0,
        "no device of another community was nudged by the votes"
    );
    assert_eq!(b.pull_errors, 0);
    assert!(
        b.pulls > 0,
        "the votes reached the devices that see the consultation"
    );
    // At most about one nudge a second per device, whatever the votes: the burst, the settling window.
    let bound = cfg.burst_secs + 6;
    assert!(
        b.nudges_per_device_max <= bound && (b.nudges_per_device_max as usize) < b.votes,
        "{} nudges for one device from {} votes (bound {bound})",
        b.nudges_per_device_max,
        b.votes
    );
    assert_eq!(
        b.final_reached, b.devices,
        "every device has the final result"
    );
    assert!(
        b.final_max_ms < 5_000.0,
        "final result after {} ms",
        b.final_max_ms
    );
}
