//! The witness's state in `DIR/witness.sqlite`: each known log (origin and the log's verifier
//! key) and the last checkpoint cosigned for it. The update is committed before the witness
//! answers, so a cosignature is never given for a tree the witness could forget.

use std::path::{Path, PathBuf};

use linli_tlog::{hash_from_base64, hash_to_base64, Hash, EMPTY_ROOT};
use rusqlite::{params, Connection, OptionalExtension as _, TransactionBehavior};
use thiserror::Error;

pub const STATE_FILE: &str = "witness.sqlite";

#[derive(Debug, Error)]
pub enum StateError {
    #[error("state database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored root for {0} is not a hash")]
    BadRoot(String),
}

/// One known log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub origin: String,
    pub vkey: String,
    /// Size and root of the last checkpoint cosigned (0 and the empty root before the first).
    pub size: u64,
    pub root: Hash,
}

pub struct State {
    conn: Connection,
}

impl State {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(STATE_FILE)
    }

    pub fn open(dir: &Path) -> Result<Self, StateError> {
        let conn = Connection::open(Self::path(dir))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS logs (
                origin TEXT PRIMARY KEY NOT NULL,
                vkey TEXT NOT NULL,
                size INTEGER NOT NULL DEFAULT 0,
                root TEXT NOT NULL
            );",
        )?;
        Ok(State { conn })
    }

    /// Adds a log, or replaces its key (the cosigned size stays: a new key does not reset history).
    pub fn add_log(&self, origin: &str, vkey: &str) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO logs (origin, vkey, size, root) VALUES (?1, ?2, 0, ?3)
             ON CONFLICT(origin) DO UPDATE SET vkey = excluded.vkey",
            params![origin, vkey, hash_to_base64(&EMPTY_ROOT)],
        )?;
        Ok(())
    }

    pub fn get(&self, origin: &str) -> Result<Option<Stored>, StateError> {
        let row = self
            .conn
            .query_row(
                "SELECT origin, vkey, size, root FROM logs WHERE origin = ?1",
                [origin],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(to_stored).transpose()
    }

    pub fn all(&self) -> Result<Vec<Stored>, StateError> {
        let mut stmt = self
            .conn
            .prepare("SELECT origin, vkey, size, root FROM logs ORDER BY origin")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_stored).collect()
    }

    /// Records a newly cosigned tree, but only if the stored size is still `old_size`; returns
    /// false (and changes nothing) when another request moved it first.
    pub fn advance(
        &mut self,
        origin: &str,
        old_size: u64,
        size: u64,
        root: &Hash,
    ) -> Result<bool, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE logs SET size = ?1, root = ?2 WHERE origin = ?3 AND size = ?4",
            params![to_i64(size), hash_to_base64(root), origin, to_i64(old_size)],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }
}

/// Sizes are stored as SQLite integers; a log never reaches 2^63 leaves, and the witness never
/// stores a size it parsed beyond that (see `Witness::add_checkpoint`).
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_stored(
    (origin, vkey, size, root): (String, String, i64, String),
) -> Result<Stored, StateError> {
    let root = hash_from_base64(&root).map_err(|_| StateError::BadRoot(origin.clone()))?;
    Ok(Stored {
        origin,
        vkey,
        size: u64::try_from(size).unwrap_or(0),
        root,
    })
}
