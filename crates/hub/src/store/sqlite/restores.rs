//! SQL of `hub_incarnation`, `log_restores` and the devices' `resync_after_restore` flag.
use chrono::{DateTime, Utc};
use linli_tlog::{Checkpoint, NoteSigner};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::ts;
use super::{community, tlog, SqliteStore};
use crate::store::restores::RestoreStore;
use crate::store::{StoreError, StoreResult};

pub fn incarnation(conn: &Connection) -> StoreResult<String> {
    Ok(conn
        .prepare_cached("SELECT id FROM hub_incarnation WHERE slot = 1")?
        .query_row([], |r| r.get(0))?)
}

/// Whether the device may skip ahead once: set for every device by a restore, cleared by its next push.
pub fn may_skip_once(conn: &Connection, device: Uuid) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT resync_after_restore FROM devices WHERE id = ?1")?
        .query_row([device.to_string()], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some_and(|flag| flag != 0))
}

pub fn skipped(conn: &Connection, device: Uuid) -> StoreResult<()> {
    conn.prepare_cached("UPDATE devices SET resync_after_restore = 0 WHERE id = ?1")?
        .execute([device.to_string()])?;
    Ok(())
}

fn mark_restored(
    conn: &Connection,
    signer: &NoteSigner,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let mut id = [0u8; 16];
    rand::fill(&mut id);
    let new: String = id.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute("UPDATE hub_incarnation SET id = ?1 WHERE slot = 1", [&new])?;
    let at = now.to_rfc3339();
    for c in community::communities(conn)? {
        // The checkpoint of the log as restored is signed and kept like any other, so a device can
        // ask for a consistency proof from it.
        let note = tlog::sign_head(conn, c.id, signer, now)?;
        let checkpoint = Checkpoint::open(&note, &signer.verifier())
            .map_err(|e| StoreError::Corrupt(format!("the checkpoint just signed: {e}")))?;
        let statement = linli_tlog::restore_statement(signer, &new, &at, &checkpoint)
            .map_err(|e| StoreError::Corrupt(format!("signing a restore statement: {e}")))?;
        conn.prepare_cached(
            "INSERT INTO log_restores (community_id, incarnation, size, statement, restored_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            c.id.to_string(),
            new,
            checkpoint.size as i64,
            statement,
            ts(now)
        ])?;
    }
    conn.execute(
        "UPDATE devices SET resync_after_restore = 1 WHERE revoked_at IS NULL",
        [],
    )?;
    Ok(new)
}

impl RestoreStore for SqliteStore {
    fn incarnation(&self) -> StoreResult<String> {
        self.read_one(incarnation)
    }

    fn log_restores(&self, log: Uuid) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT statement FROM log_restores WHERE community_id = ?1 ORDER BY restored_at",
            )?;
            let rows = stmt.query_map([log.to_string()], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }

    fn mark_restored(&self, signer: &NoteSigner, now: DateTime<Utc>) -> StoreResult<String> {
        self.write(|c| mark_restored(c, signer, now))
    }
}
