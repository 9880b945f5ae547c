//! The profile's SQLite database: opening it with the right pragmas, and its numbered, append-only
//! migrations. Each table group's SQL lives in its own module below; callers use their typed functions.
use crate::CoreError;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use std::path::Path;

pub mod community;
pub mod consultations;
pub mod messages;
pub mod notices;
pub mod outbox;
pub mod photos;
pub mod proxy;
pub mod receipts;
pub mod remote;
pub mod reports;
pub mod settings;

/// Migrations in order; migration N (1-based) brings `user_version` from N-1 to N.
/// Append only: a migration that has shipped is never edited.
pub const MIGRATIONS: &[&str] = &[
    // 1: replica, outbox, photos, messages, settings
    r#"
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE ui_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE community (slot INTEGER PRIMARY KEY CHECK (slot = 1), json TEXT NOT NULL);
    CREATE TABLE household (slot INTEGER PRIMARY KEY CHECK (slot = 1), json TEXT NOT NULL);
    CREATE TABLE categories (
        key TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
        icon TEXT NOT NULL, sort INTEGER NOT NULL);
    CREATE TABLE buildings (id TEXT PRIMARY KEY, name TEXT NOT NULL, json TEXT NOT NULL);
    CREATE TABLE notices (
        id TEXT PRIMARY KEY, rank INTEGER NOT NULL, published_at TEXT NOT NULL,
        read INTEGER NOT NULL, json TEXT NOT NULL);
    CREATE INDEX notices_order ON notices (rank DESC, published_at DESC);
    CREATE TABLE consultations (id TEXT PRIMARY KEY, opens_at TEXT NOT NULL, json TEXT NOT NULL);
    CREATE TABLE reports (
        id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL,
        version INTEGER NOT NULL, json TEXT NOT NULL);
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        target TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
        applied_version INTEGER, attempts INTEGER NOT NULL DEFAULT 0, op TEXT NOT NULL);
    CREATE INDEX outbox_target ON outbox (target, kind);
    CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, uploaded INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL);
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, op_kind TEXT NOT NULL,
        target TEXT, code TEXT NOT NULL, hub_text TEXT, dismissed INTEGER NOT NULL DEFAULT 0);
    "#,
    // 2: receipts from the hub's transparency log (store/receipts.rs)
    r#"
    CREATE TABLE log_receipts (
        idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL, leaf BLOB NOT NULL,
        record TEXT NOT NULL, verified_size INTEGER, verified_at TEXT);
    CREATE INDEX log_receipts_target ON log_receipts (target);
    "#,
    // 3: authorized proxies (亲友代办): the resident's grants and the acts done for them; what they read for
    // each principal they act for, kept apart by principal; ops queued for a principal are marked with them.
    r#"
    ALTER TABLE outbox ADD COLUMN principal TEXT;
    CREATE TABLE proxy_grants (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, json TEXT NOT NULL);
    CREATE TABLE proxy_acts (id TEXT PRIMARY KEY, at TEXT NOT NULL, json TEXT NOT NULL);
    CREATE TABLE proxy_records (
        principal TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY (principal, kind, id));
    CREATE TABLE proxy_cursors (principal TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
    CREATE TABLE proxy_remotes (
        visitor_id TEXT PRIMARY KEY, hub_url TEXT NOT NULL, keychain_user TEXT NOT NULL,
        next_seq INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE remote_outbox (
        op_id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
        target TEXT NOT NULL, principal TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
        applied_version INTEGER, op TEXT NOT NULL, UNIQUE (visitor_id, seq));
    "#,
    // 4: applied ops are kept for a while after a pull carried their effect (state 'settled', since
    // `settled_at`), so a hub restored from an older backup gets them again (store/outbox.rs).
    r#"
    ALTER TABLE outbox ADD COLUMN settled_at TEXT;
    CREATE INDEX outbox_live ON outbox (seq) WHERE state != 'settled';
    "#,
];

/// Opens (creating if needed) and migrates the database at `path`.
pub fn open(path: &Path) -> Result<Connection, CoreError> {
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), CoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Applies every migration above the database's `user_version`; refuses a database written by a newer build.
pub fn migrate(conn: &mut Connection) -> Result<(), CoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(CoreError::NewerDatabase {
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Timestamps are stored as fixed-width RFC 3339 UTC text, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_ts(s: &str) -> Result<DateTime<Utc>, CoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_and_a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            open(&path),
            Err(CoreError::NewerDatabase { found: 99, .. })
        ));
    }
}
