//! The real `linli-witness` binary, as a separate process over real HTTP, against checkpoints of
//! an in-memory log signed with a log key.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use support::{run, Server};

use linli_tlog::{
    proof_to_base64, prove_consistency, Checkpoint, CosignatureVerifier, MemoryLog, NoteSigner,
};

const ORIGIN: &str = "linli-log/community-1";

struct Log {
    tree: MemoryLog,
    signer: NoteSigner,
}

impl Log {
    fn new(name: &str) -> Self {
        Log {
            tree: MemoryLog::new(),
            signer: NoteSigner::generate(name).unwrap(),
        }
    }
    fn grow(&mut self, n: usize, tag: &str) {
        for i in 0..n {
            self.tree.append(format!("{tag}-{i}").as_bytes()).unwrap();
        }
    }
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint::new(ORIGIN, self.tree.len(), self.tree.root().unwrap())
    }
    /// The add-checkpoint body from `old` to the current tree.
    fn body(&self, old: u64) -> String {
        let proof = prove_consistency(&self.tree, old, self.tree.len()).unwrap();
        let note = self.checkpoint().sign(&self.signer).unwrap();
        let mut body = format!("old {old}\n");
        for line in proof_to_base64(&proof) {
            body.push_str(&line);
            body.push('\n');
        }
        body.push('\n');
        body.push_str(&note);
        body
    }
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: String,
}

async fn post(url: &str, body: String) -> Answer {
    let resp = reqwest::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    Answer {
        status,
        content_type,
        body: resp.text().await.unwrap(),
    }
}

/// A witness dir with the log added; returns the witness's verifier.
fn setup(dir: &Path, log: &Log) -> CosignatureVerifier {
    let d = dir.to_str().unwrap();
    let vkey = run(&["init", "--dir", d, "--name", "jwjd-witness"]);
    run(&[
        "log",
        "add",
        "--dir",
        d,
        "--origin",
        ORIGIN,
        "--vkey",
        &log.signer.verifier().to_vkey(),
    ]);
    CosignatureVerifier::from_vkey(vkey.trim()).unwrap()
}

fn assert_cosigned(answer: &Answer, verifier: &CosignatureVerifier, log: &Log) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    let text = log.checkpoint().to_text();
    let line = answer.body.trim_end_matches('\n');
    let cosig = verifier.verify_line(&text, line).unwrap();
    assert!(cosig.timestamp > 1_700_000_000);
}

fn assert_conflict(answer: &Answer, size: u64) {
    assert_eq!(answer.status, 409, "{}", answer.body);
    assert_eq!(answer.content_type.as_deref(), Some("text/x.tlog.size"));
    assert_eq!(answer.body, format!("{size}\n"));
}

#[tokio::test]
async fn cosigns_extensions_and_refuses_rollback_and_fork() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new("linli-log");
    let verifier = setup(dir.path(), &log);
    let server = Server::start(dir.path());

    log.grow(5, "a");
    let first = post(&server.url, log.body(0)).await;
    assert_cosigned(&first, &verifier, &log);

    // The same tree again is cosigned again.
    let again = post(&server.url, log.body(5)).await;
    assert_cosigned(&again, &verifier, &log);

    let mut fork = log.clone_tree();
    log.grow(8, "a");
    let ext = post(&server.url, log.body(5)).await;
    assert_cosigned(&ext, &verifier, &log);

    // Rollback: the log at 5 leaves, claiming the witness is at 5.
    let mut old = Log::new("linli-log");
    old.signer = NoteSigner::from_skey(&log.signer.to_skey()).unwrap();
    old.grow(5, "a");
    assert_conflict(&post(&server.url, old.body(5)).await, 13);
    assert_conflict(&post(&server.url, old.body(0)).await, 13);

    // Fork: another tree of 20 leaves sharing the first 5, with the right old size 13.
    fork.signer = NoteSigner::from_skey(&log.signer.to_skey()).unwrap();
    fork.grow(15, "b");
    let forked_body = {
        let mut b = fork.body(5);
        b = b.replacen("old 5\n", "old 13\n", 1);
        b
    };
    let refused = post(&server.url, forked_body).await;
    assert_eq!(refused.status, 422, "{}", refused.body);

    // Same size, another root: a fork too.
    let mut same_size = Log::new("linli-log");
    same_size.signer = NoteSigner::from_skey(&log.signer.to_skey()).unwrap();
    same_size.grow(13, "c");
    assert_conflict(&post(&server.url, same_size.body(13)).await, 13);

    // The honest log still extends.
    log.grow(3, "a");
    assert_cosigned(&post(&server.url, log.body(13)).await, &verifier, &log);

    let shown = run(&["show", "--dir", dir.path().to_str().unwrap()]);
    assert!(shown.contains(&format!("{ORIGIN} 16 ")), "{shown}");
}

#[tokio::test]
async fn refuses_unknown_origin_wrong_key_and_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new("linli-log");
    setup(dir.path(), &log);
    let server = Server::start(dir.path());
    log.grow(3, "a");

    let unknown = log.body(0).replacen(ORIGIN, "other/community-2", 1);
    let mut other_origin = Log::new("linli-log");
    other_origin.grow(3, "a");
    let note = Checkpoint::new("other/community-2", 3, other_origin.tree.root().unwrap())
        .sign(&other_origin.signer)
        .unwrap();
    assert_eq!(
        post(&server.url, format!("old 0\n\n{note}")).await.status,
        404
    );
    // A tampered origin no longer matches the signature, but the origin is unknown first.
    assert_eq!(post(&server.url, unknown).await.status, 404);

    let mut impostor = Log::new("linli-log");
    impostor.grow(3, "a");
    assert_eq!(post(&server.url, impostor.body(0)).await.status, 403);

    assert_eq!(post(&server.url, "hello".into()).await.status, 400);
    assert_eq!(post(&server.url, "old x\n\nnote".into()).await.status, 400);
    assert_eq!(
        post(&server.url, "old 0\n\nnot a checkpoint\n\n".into())
            .await
            .status,
        400
    );
    // Old size beyond the checkpoint.
    let beyond = log.body(0).replacen("old 0\n", "old 9\n", 1);
    assert_eq!(post(&server.url, beyond).await.status, 400);

    // Nothing above moved the witness: the honest first checkpoint is still accepted.
    assert_eq!(post(&server.url, log.body(0)).await.status, 200);
}

#[tokio::test]
async fn state_survives_kill_9_and_key_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new("linli-log");
    let verifier = setup(dir.path(), &log);
    let mode = std::fs::metadata(dir.path().join("witness.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let mut server = Server::start(dir.path());
    log.grow(4, "a");
    assert_cosigned(&post(&server.url, log.body(0)).await, &verifier, &log);
    log.grow(6, "a");
    assert_cosigned(&post(&server.url, log.body(4)).await, &verifier, &log);
    server.kill9();

    let server = Server::start(dir.path());
    let mut old = Log::new("linli-log");
    old.signer = NoteSigner::from_skey(&log.signer.to_skey()).unwrap();
    old.grow(4, "a");
    assert_conflict(&post(&server.url, old.body(4)).await, 10);
    assert_conflict(&post(&server.url, old.body(0)).await, 10);
    log.grow(1, "a");
    assert_cosigned(&post(&server.url, log.body(10)).await, &verifier, &log);
}

impl Log {
    /// A copy of the tree under a fresh key (callers set the key they need).
    fn clone_tree(&self) -> Log {
        Log {
            tree: self.tree.clone(),
            signer: NoteSigner::generate("linli-log").unwrap(),
        }
    }
}

#[test]
fn the_committee_reads_refusals_in_its_language() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    run(&["init", "--dir", d, "--name", "jwh-witness"]);
    let again = |lang: &str| {
        std::process::Command::new(support::BIN)
            .args(["init", "--dir", d, "--name", "jwh-witness"])
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap()
    };
    let zh = again("zh_CN.UTF-8");
    assert!(!zh.status.success());
    let said = String::from_utf8_lossy(&zh.stderr);
    assert!(said.contains("已有见证密钥"), "{said}");
    let en = again("en_US.UTF-8");
    assert!(String::from_utf8_lossy(&en.stderr).contains("already holds a witness key"));
    let bad = std::process::Command::new(support::BIN)
        .args([
            "log", "add", "--dir", d, "--origin", "x", "--vkey", "garbage",
        ])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("公钥格式不对"));
}
