//! The log as C2SP tlog-tiles, read over HTTP by an independent checker (tests/tiles/check_tiles.py,
//! written from the specs, sharing no code with the hub) after the log grew past one full tile.
use std::process::Command;

use linli_proto::OpBody;

use crate::helpers::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_checker_copies_the_log_from_its_tiles() {
    let t = start().await;
    let a = t.join("1号楼", "1单元", "101").await;
    let (c, options) = t.consultation(linli_proto::VoteScope::PerResident);
    // 300 votes (each changing the last): more than one full tile of leaves.
    for chunk in 0..3 {
        let ops: Vec<_> = (0..100)
            .map(|i| {
                a.op(OpBody::CastVote {
                    consultation_id: c,
                    option_ids: vec![options[(chunk + i) % options.len()]],
                })
            })
            .collect();
        t.push(&a, &ops).await;
    }
    let community = t.community();
    let base = format!("http://{}/log/{community}", t.running.addr);
    let checker = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/tiles/check_tiles.py"
    );
    let out = Command::new("python3")
        .args([checker, &base, &t.hub().log_key()])
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size: u64 = said.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(size > 256, "{said}");

    // What is not a tile, or not yet in the log, is 404; the checkpoint changes, tiles do not.
    let http = reqwest::Client::new();
    let status = |path: String| {
        let http = http.clone();
        async move { http.get(path).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(format!("{base}/tile/0/005")).await, 404);
    assert_eq!(status(format!("{base}/tile/0/0")).await, 404);
    assert_eq!(status(format!("{base}/tile/entries/001.p/255")).await, 404);
    let other = uuid::Uuid::now_v7();
    assert_eq!(
        status(format!("http://{}/log/{other}/checkpoint", t.running.addr)).await,
        404
    );
    let cp = http.get(format!("{base}/checkpoint")).send().await.unwrap();
    assert_eq!(cp.headers()["cache-control"], "no-cache");
    let full = http.get(format!("{base}/tile/0/000")).send().await.unwrap();
    assert!(full.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(full.bytes().await.unwrap().len(), 256 * 32);
}
