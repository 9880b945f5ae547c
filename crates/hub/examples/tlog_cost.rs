//! What the transparency log costs the hub: one leaf append (salt, commitment, leaf row, its stored
//! hashes, the opening) inside a write transaction, against the same transaction without it; and a
//! checkpoint signature, an inclusion proof and a consistency proof read from SQLite at that size.
//! SQLite file in WAL mode with synchronous=NORMAL, like the hub.
//! Run: `cargo run --release -p linli-hub --example tlog_cost [LEAVES]` (default 20000).
use std::time::Instant;

use chrono::Utc;
use linli_hub::store::sqlite::{migrations, tlog};
use linli_tlog::{LeafKind, NoteSigner, Record};
use rusqlite::{Connection, TransactionBehavior};

fn open(path: &std::path::Path) -> Connection {
    let mut c = Connection::open(path).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "synchronous", "NORMAL").unwrap();
    migrations::migrate(&mut c).unwrap();
    c.execute_batch("CREATE TABLE plain (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        .unwrap();
    // Each community has its own log; the leaves go to this one.
    c.execute(
        "INSERT INTO communities (id, name, phone, hours, created_at) VALUES (?1, 'bench', '', '', '')",
        [COMMUNITY.to_string()],
    )
    .unwrap();
    c
}

const COMMUNITY: uuid::Uuid = uuid::Uuid::from_u128(0x0195c0de_0000_7000_8000_0000000000c0);

fn vote(i: u64) -> Record {
    Record::Vote {
        v: 1,
        consultation: "0195c0de-0000-7000-8000-000000000001".into(),
        ballot: format!("{i:064x}"),
        options: vec!["0195c0de-0000-7000-8000-000000000002".into()],
        replaces: None,
    }
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir.path().join("hub.db"));
    let now = Utc::now();

    // Baseline: a transaction that writes one 42-byte row.
    let started = Instant::now();
    for i in 0..n {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached("INSERT INTO plain (id, body) VALUES (?1, ?2)")
            .unwrap()
            .execute(rusqlite::params![i as i64, [7u8; 42].as_slice()])
            .unwrap();
        tx.commit().unwrap();
    }
    let plain = started.elapsed().as_secs_f64() / n as f64;

    // The same transaction plus a leaf append.
    let started = Instant::now();
    for i in 0..n {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached("INSERT INTO plain (id, body) VALUES (?1, ?2)")
            .unwrap()
            .execute(rusqlite::params![(n + i) as i64, [7u8; 42].as_slice()])
            .unwrap();
        let record = vote(i);
        tlog::append(
            &tx,
            COMMUNITY,
            &tlog::Entry {
                kind: LeafKind::VoteCast,
                record: &record,
                record_id: "c".into(),
                op_id: None,
            },
            now,
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let with_leaf = started.elapsed().as_secs_f64() / n as f64;

    let signer = NoteSigner::generate("linli-hub/bench").unwrap();
    let reps = 200;
    let started = Instant::now();
    for _ in 0..reps {
        tlog::sign_head(&conn, COMMUNITY, &signer, now).unwrap();
    }
    let sign = started.elapsed().as_secs_f64() / reps as f64;
    let started = Instant::now();
    let mut len = 0;
    for i in 0..reps {
        len = tlog::inclusion(&conn, COMMUNITY, n, (i * 97) % n)
            .unwrap()
            .len();
    }
    let incl = started.elapsed().as_secs_f64() / reps as f64;
    let started = Instant::now();
    for i in 0..reps {
        tlog::consistency(&conn, COMMUNITY, 1 + (i * 89) % (n - 1), n).unwrap();
    }
    let cons = started.elapsed().as_secs_f64() / reps as f64;
    let db_bytes = std::fs::metadata(dir.path().join("hub.db"))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(dir.path().join("hub.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);

    println!("leaves: {n}");
    println!(
        "transaction with one row: {:.1} µs; with a leaf appended too: {:.1} µs (+{:.1} µs per leaf)",
        plain * 1e6,
        with_leaf * 1e6,
        (with_leaf - plain) * 1e6
    );
    println!(
        "sign the head at {n} leaves (root from SQLite + Ed25519 + store): {:.1} µs",
        sign * 1e6
    );
    println!(
        "inclusion proof at {n} leaves: {:.1} µs ({len} hashes)",
        incl * 1e6
    );
    println!("consistency proof to {n} leaves: {:.1} µs", cons * 1e6);
    println!(
        "database with both tables: {:.1} MiB",
        db_bytes as f64 / 1048576.0
    );
}
