//! The transparency log over HTTP: receipts in push answers and records, the signed checkpoint under
//! the key given at join, proofs that verify with linli-tlog, leaves that recompute the signed root.
use chrono::Duration;
use linli_hub::admin;
use linli_hub::store::NewConsultation;
use linli_proto::{
    ConsistencyProof, InclusionProof, LogLeaves, LogReceipt, OpBody, OpStatus, ReportStatus,
    ResultsVisibility, VoteScope,
};
use linli_tlog::{
    commit, proof_from_base64, verify_consistency, verify_inclusion, Checkpoint, Leaf, LeafKind,
    MemoryLog, NoteVerifier, Record, Salt,
};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{report_body, start, TestHub};

async fn text(t: &TestHub, path: &str) -> String {
    let resp = t.http.get(t.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.text().await.unwrap()
}

async fn json<T: serde::de::DeserializeOwned>(t: &TestHub, path: &str) -> T {
    let resp = t.http.get(t.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.unwrap()
}

fn leaf_of(r: &LogReceipt) -> Leaf {
    let salt = Salt::from_hex(&r.salt).unwrap();
    let kind: LeafKind = serde_json::from_value(serde_json::Value::String(r.kind.clone())).unwrap();
    Leaf {
        kind,
        time_ms: r.time_ms,
        commitment: commit(r.record.as_bytes(), &salt),
    }
}

async fn checkpoint(t: &TestHub, key: &NoteVerifier) -> Checkpoint {
    Checkpoint::open(&text(t, "/v1/log/checkpoint").await, key).unwrap()
}

async fn assert_included(t: &TestHub, cp: &Checkpoint, r: &LogReceipt) {
    let p: InclusionProof = json(
        t,
        &format!("/v1/log/inclusion?index={}&size={}", r.index, cp.size),
    )
    .await;
    let proof = proof_from_base64(&p.proof).unwrap();
    verify_inclusion(&leaf_of(r).hash(), r.index, cp.size, &proof, &cp.root).unwrap();
}

#[tokio::test]
async fn votes_reports_and_tallies_are_logged_with_receipts_that_verify() {
    let t = start().await;
    // The key shown at join is the key the log is signed with.
    let code = t.invite_code("1号楼", "1单元", "101").await;
    let (_, body) = t.join_raw(&code).await;
    let vkey = body["log_key"].as_str().unwrap().to_owned();
    assert_eq!(text(&t, "/v1/log/key").await.trim(), vkey);
    let key = NoteVerifier::from_vkey(&vkey).unwrap();
    let a = t.join("1号楼", "1单元", "102").await;

    let now = t.hub().now();
    let c = admin::consultations::create(
        t.hub(),
        t.community(),
        &NewConsultation {
            title: "加装电梯".into(),
            description: String::new(),
            options: vec!["同意".into(), "不同意".into()],
            max_choices: 1,
            opens_at: now - Duration::minutes(1),
            closes_at: now + Duration::days(1),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            buildings: vec![],
        },
    )
    .unwrap();
    let o: Vec<Uuid> = admin::consultations::results(t.hub(), t.community(), c)
        .unwrap()
        .options
        .iter()
        .map(|o| o.id)
        .collect();
    // The demo community's history is logged already.
    let empty = checkpoint(&t, &key).await;
    let base = empty.size;
    assert!(base > 0);

    // A vote answers with its receipt; the record opens the leaf and says what was voted.
    let vote = |opt: Uuid| OpBody::CastVote {
        consultation_id: c,
        option_ids: vec![opt],
    };
    let first = t.push1(&a, vote(o[0])).await;
    assert_eq!(first.status, OpStatus::Applied);
    let r0 = first.receipt.clone().unwrap();
    assert_eq!((r0.index, r0.kind.as_str()), (base, "vote_cast"));
    let Record::Vote {
        options, replaces, ..
    } = Record::parse(r0.record.as_bytes()).unwrap()
    else {
        panic!("not a vote record: {}", r0.record);
    };
    assert_eq!((options, replaces), (vec![o[0].to_string()], None));

    // Changing the vote logs a replacement pointing at the first; a retry answers the same receipt.
    let op = a.op(vote(o[1]));
    let second = t.push(&a, std::slice::from_ref(&op)).await.remove(0);
    let r1 = second.receipt.clone().unwrap();
    assert_eq!((r1.index, r1.kind.as_str()), (base + 1, "vote_replaced"));
    assert!(
        r1.record.contains(&format!("\"replaces\":{base}")),
        "{}",
        r1.record
    );
    let retried = t.push(&a, &[op]).await.remove(0);
    assert_eq!(retried.receipt, Some(r1.clone()));

    let cp2 = checkpoint(&t, &key).await;
    assert_eq!(cp2.size, base + 2);
    assert_included(&t, &cp2, &r0).await;
    assert_included(&t, &cp2, &r1).await;
    // Both in one round trip, in the order asked, the same proofs as one by one.
    let resp = t
        .http
        .post(t.url("/v1/log/inclusions"))
        .json(&serde_json::json!({ "size": cp2.size, "indices": [r1.index, r0.index] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let batch: linli_proto::InclusionProofs = resp.json().await.unwrap();
    assert_eq!(batch.proofs.len(), 2);
    for (p, r) in batch.proofs.iter().zip([&r1, &r0]) {
        assert_eq!(p.index, r.index);
        let proof = proof_from_base64(&p.proof).unwrap();
        verify_inclusion(&leaf_of(r).hash(), r.index, cp2.size, &proof, &cp2.root).unwrap();
    }
    let too_many = vec![0u64; linli_proto::limits::INCLUSIONS_MAX + 1];
    let resp = t
        .http
        .post(t.url("/v1/log/inclusions"))
        .json(&serde_json::json!({ "size": cp2.size, "indices": too_many }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Both in one proof: the device's own leaves and the hashes of everything else.
    let leaves_proof = |body: serde_json::Value| {
        let req = t.http.post(t.url("/v1/log/leaves-proof")).json(&body);
        async move { req.send().await.unwrap() }
    };
    let resp =
        leaves_proof(serde_json::json!({ "size": cp2.size, "indices": [r0.index, r1.index] }))
            .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let one: linli_proto::LeavesProof = resp.json().await.unwrap();
    let proof = linli_tlog::wire::proof_from_base64(&one.proof).unwrap();
    let mine = [
        (r0.index, leaf_of(&r0).hash()),
        (r1.index, leaf_of(&r1).hash()),
    ];
    linli_tlog::verify_leaves(&mine, cp2.size, &proof, &cp2.root).unwrap();
    let swapped = [(r0.index, mine[1].1), (r1.index, mine[0].1)];
    assert!(linli_tlog::verify_leaves(&swapped, cp2.size, &proof, &cp2.root).is_err());
    for bad in [
        serde_json::json!({ "size": cp2.size, "indices": [r1.index, r0.index] }),
        serde_json::json!({ "size": cp2.size, "indices": [r0.index, r0.index] }),
        serde_json::json!({ "size": cp2.size, "indices": [] }),
        serde_json::json!({ "size": cp2.size, "indices": [cp2.size] }),
    ] {
        let resp = leaves_proof(bad.clone()).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let resp = leaves_proof(serde_json::json!({ "size": cp2.size + 1, "indices": [0] })).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let too_many: Vec<u64> = (0..=linli_proto::limits::INCLUSIONS_MAX as u64).collect();
    let resp = leaves_proof(serde_json::json!({ "size": cp2.size, "indices": too_many })).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A report accepted with a reply: a status leaf and a reply leaf, opened in the owner's record.
    let rid = match report_body("facilities", "楼道灯不亮") {
        OpBody::CreateReport { report_id, .. } => report_id,
        _ => unreachable!(),
    };
    let body = OpBody::CreateReport {
        voice: None,
        report_id: rid,
        category: "facilities".into(),
        text: "楼道灯不亮".into(),
        address: Default::default(),
        location: None,
        photos: vec![],
    };
    assert_eq!(t.push1(&a, body).await.status, OpStatus::Applied);
    admin::reports::set_status(
        t.hub(),
        t.community(),
        rid,
        ReportStatus::Accepted,
        Some("明天修"),
    )
    .unwrap();
    let (_, rep) = t.get(&a, &format!("/v1/reports/{rid}")).await;
    let rep: linli_proto::Report = serde_json::from_value(rep).unwrap();
    let receipts: Vec<LogReceipt> = rep.events.iter().flat_map(|e| e.receipts.clone()).collect();
    let kinds: Vec<&str> = receipts.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["report_status", "report_reply"]);
    assert!(receipts[1].record.contains("明天修"));

    // Closing logs the tally, citing the ballot's latest leaf; everyone sees it opened.
    admin::consultations::close(t.hub(), t.community(), c).unwrap();
    let (_, cons) = t.get(&a, &format!("/v1/consultations/{c}")).await;
    let cons: linli_proto::Consultation = serde_json::from_value(cons).unwrap();
    let tally = cons.tally_receipt.unwrap();
    assert_eq!(tally.kind, "tally_final");
    let Record::Tally {
        ballots,
        ballot_leaves,
        options,
        ..
    } = Record::parse(tally.record.as_bytes()).unwrap()
    else {
        panic!("not a tally");
    };
    assert_eq!((ballots, ballot_leaves), (1, vec![base + 1]));
    assert_eq!(options[1].votes, 1);
    let tallies: Vec<LogReceipt> = json(&t, "/v1/log/tallies").await;
    assert_eq!(tallies.last(), Some(&tally));

    // The newest checkpoint extends the older ones and includes everything.
    let cp = checkpoint(&t, &key).await;
    assert_eq!(cp.size, base + 5);
    assert_included(&t, &cp, &tally).await;
    assert_included(&t, &cp, &receipts[1]).await;
    for old in [&empty, &cp2] {
        let p: ConsistencyProof = json(
            &t,
            &format!("/v1/log/consistency?old={}&new={}", old.size, cp.size),
        )
        .await;
        let proof = proof_from_base64(&p.proof).unwrap();
        verify_consistency(old.size, &old.root, cp.size, &cp.root, &proof).unwrap();
    }

    // The leaves recompute the signed root.
    let page: LogLeaves = json(&t, "/v1/log/leaves?start=0&end=100").await;
    assert_eq!((page.start, page.size), (0, cp.size));
    assert_eq!(page.leaves.len() as u64, cp.size);
    let bytes: Vec<Vec<u8>> = page
        .leaves
        .iter()
        .map(|l| {
            let v = serde_json::to_value(l).unwrap();
            serde_json::from_value::<Leaf>(v)
                .unwrap()
                .to_bytes()
                .to_vec()
        })
        .collect();
    assert_eq!(
        MemoryLog::from_leaves(&bytes).unwrap().root().unwrap(),
        cp.root
    );
    assert_eq!(
        Leaf::from_bytes(&bytes[tally.index as usize]).unwrap(),
        leaf_of(&tally)
    );

    // Requests outside the log are errors, not panics.
    let n = cp.size;
    for (path, status) in [
        (
            format!("/v1/log/inclusion?index={n}&size={n}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/v1/log/inclusion?index=0&size={}", n + 1),
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/log/consistency?old=3&new=2".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/v1/log/consistency?old=1&new={}", n + 1),
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/log/leaves?start=3&end=1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/log/inclusion?index=x&size=1".into(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let resp = t.http.get(t.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), status, "{path}");
    }
    // A checkpoint is signed once per size, not per request.
    assert_eq!(
        text(&t, "/v1/log/checkpoint").await,
        text(&t, "/v1/log/checkpoint").await
    );
}

/// Runs `linli-hub` off the runtime's threads (the hub under test serves on this runtime).
async fn hub_bin(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_linli-hub"))
            .args(&args)
            .env("LANG", "en_US.UTF-8")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_auditor_command_passes_an_honest_hub_and_fails_an_edited_one() {
    let t = start().await;
    let dir = t.dir.path().to_str().unwrap().to_owned();
    let out = hub_bin(vec!["log-key".into(), "--data-dir".into(), dir.clone()]).await;
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(key, t.hub().log_key());
    let seen = t.dir.path().join("seen.checkpoint");
    std::fs::write(&seen, text(&t, "/v1/log/checkpoint").await).unwrap();
    let verify = || {
        hub_bin(vec![
            "verify".into(),
            "--hub".into(),
            t.running.url(),
            "--key".into(),
            key.clone(),
            "--checkpoint".into(),
            seen.to_str().unwrap().into(),
            "--community".into(),
            t.community().to_string(),
        ])
    };
    let ok = verify().await;
    let stdout = String::from_utf8_lossy(&ok.stdout).into_owned();
    assert!(
        ok.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(stdout.contains("verified"), "{stdout}");
    // The demo has a closed consultation: its tally is checked, and the output says what was not.
    assert!(stdout.contains("ballots counted"), "{stdout}");
    assert!(stdout.contains("Not recounted"), "{stdout}");

    // The auditor the office appoints gets the vote openings and recounts every tally.
    let out = hub_bin(vec![
        "admin".into(),
        "--data-dir".into(),
        dir.clone(),
        "--community".into(),
        "幸福里社区".into(),
        "log".into(),
        "openings".into(),
    ])
    .await;
    assert!(out.status.success());
    let openings: Vec<LogReceipt> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(openings.iter().all(|o| o.kind.starts_with("vote_")));
    assert!(!openings.is_empty());
    let file = t.dir.path().join("openings.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let recounted = hub_bin(vec![
        "verify".into(),
        "--hub".into(),
        t.running.url(),
        "--key".into(),
        key.clone(),
        "--openings".into(),
        file.to_str().unwrap().into(),
        "--community".into(),
        t.community().to_string(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&recounted.stdout).into_owned();
    assert!(recounted.status.success(), "{stdout}");
    assert!(stdout.contains("Recounted option by option"), "{stdout}");

    // A vote leaf edited in the database file (the hub's stored hashes untouched).
    let conn = rusqlite::Connection::open(t.dir.path().join("hub.db")).unwrap();
    let (idx, leaf): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT idx, leaf FROM log_leaves WHERE substr(leaf, 2, 1) = X'01' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut edited = leaf.clone();
    edited[41] ^= 1;
    conn.execute(
        "UPDATE log_leaves SET leaf = ?1 WHERE idx = ?2",
        rusqlite::params![edited, idx],
    )
    .unwrap();
    let failed = verify().await;
    let stderr = String::from_utf8_lossy(&failed.stderr).into_owned();
    assert!(!failed.status.success());
    assert!(stderr.contains("VERIFICATION FAILED"), "{stderr}");
    assert!(
        stderr.contains("does not match the served leaves"),
        "{stderr}"
    );

    // A key that is not the hub's is refused before anything is trusted.
    let other = linli_tlog::NoteSigner::generate(key.split('+').next().unwrap())
        .unwrap()
        .verifier()
        .to_vkey();
    let wrong = hub_bin(vec![
        "verify".into(),
        "--hub".into(),
        t.running.url(),
        "--key".into(),
        other,
    ])
    .await;
    assert!(!wrong.status.success());
}

/// The checkpoint a running hub serves reads with an independent implementation of the C2SP formats
/// (`crates/tlog/tests/c2sp_check.py`, on PyPI's `cryptography`). Skipped with a message when python3
/// or `cryptography` is missing, unless LINLI_REQUIRE_PYTHON_CHECK=1.
#[tokio::test]
async fn the_served_checkpoint_reads_with_an_independent_c2sp_implementation() {
    use std::io::Write;
    let t = start().await;
    let note = text(&t, "/v1/log/checkpoint").await;
    let key = t.hub().log_key();
    let cp = Checkpoint::open(&note, &NoteVerifier::from_vkey(&key).unwrap()).unwrap();
    let required = std::env::var("LINLI_REQUIRE_PYTHON_CHECK").is_ok_and(|v| v == "1");
    let probe = std::process::Command::new("python3")
        .args(["-c", "import cryptography"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(!required, "python3 with PyPI's `cryptography` is required");
        eprintln!("SKIPPED independent C2SP check: python3 or `cryptography` missing");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tlog/tests/c2sp_check.py");
    let run = |note: String| {
        let key = key.clone();
        tokio::task::spawn_blocking(move || {
            let mut child = std::process::Command::new("python3")
                .arg(script)
                .arg(key)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(note.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        })
    };
    let out = run(note.clone()).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.trim(),
        format!("{} {} {}", cp.origin, cp.size, hex::encode(cp.root))
    );
    // And it refuses the same note with the size changed.
    let forged = note.replacen(
        &format!("\n{}\n", cp.size),
        &format!("\n{}\n", cp.size + 1),
        1,
    );
    assert!(!run(forged).await.unwrap().status.success());
}
