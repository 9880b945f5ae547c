//! What operating the embedded database needs beyond the [`crate::store::Store`] trait: whether it is
//! ready to serve, a final WAL checkpoint at shutdown, and a page limit that makes a full disk happen on
//! purpose (tests of what a push answers then).
use super::{lock, migrations, SqliteStore};
use crate::store::{StoreError, StoreResult};

impl SqliteStore {
    /// Ok when the database answers a read and carries every migration this hub knows.
    pub fn readiness(&self) -> StoreResult<()> {
        let conn = lock(&self.reader);
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = migrations::MIGRATIONS.len() as i64;
        if version != known {
            return Err(StoreError::Corrupt(format!(
                "schema {version}, this hub needs {known}"
            )));
        }
        conn.query_row("SELECT COUNT(*) FROM communities", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(())
    }

    /// Copies the whole WAL back into the database file and empties it, so the data directory holds
    /// everything in `hub.db` alone once the hub has stopped.
    pub fn checkpoint_wal(&self) -> StoreResult<()> {
        let conn = lock(&self.writer);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`; at least the current size):
    /// writes beyond it fail as on a full disk. Raising it again is what freeing space does.
    pub fn limit_pages(&self, pages: u64) -> StoreResult<u64> {
        let conn = lock(&self.writer);
        let set: i64 = conn.query_row(
            &format!("PRAGMA max_page_count = {}", pages.min(i64::MAX as u64)),
            [],
            |r| r.get(0),
        )?;
        Ok(set as u64)
    }

    /// The database's counters for the metrics.
    pub fn stats(&self) -> &super::stats::DbStats {
        &self.stats
    }

    /// Leaves in all communities' transparency logs.
    pub fn log_leaves(&self) -> StoreResult<i64> {
        let conn = lock(&self.reader);
        Ok(conn.query_row("SELECT COUNT(*) FROM log_leaves", [], |r| r.get(0))?)
    }

    /// Pages the database file holds now.
    pub fn page_count(&self) -> StoreResult<u64> {
        let conn = lock(&self.writer);
        let n: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        Ok(n as u64)
    }
}
