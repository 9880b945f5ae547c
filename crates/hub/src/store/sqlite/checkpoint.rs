//! WAL checkpoints while the hub is idle. SQLite copies the WAL back into the database file inside the
//! commit that crosses its threshold (1,000 pages), so now and then one push waits ~8 ms for megabytes
//! to be copied and synced. A community hub is idle most of the time; this thread uses those pauses: once
//! no write has committed for [`IDLE`], it copies whatever the WAL holds back with a `PASSIVE` checkpoint
//! (which never blocks a writer or a reader), so the next burst of pushes starts from an empty WAL.
//!
//! Under sustained load it does nothing: a checkpoint running beside a busy writer can't finish before
//! new frames arrive, and the WAL could then never restart from its beginning. SQLite's own checkpoint
//! in the commit path stays on for that case and keeps the WAL bounded.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rusqlite::Connection;

use crate::store::StoreResult;

/// How long the hub must have written nothing before the thread checkpoints.
const IDLE: Duration = Duration::from_millis(50);
/// How often the thread looks.
const INTERVAL: Duration = Duration::from_millis(25);

/// When the last write committed, for the thread to tell a pause; cheap to update on every commit.
#[derive(Clone)]
pub struct Activity {
    start: Instant,
    /// Microseconds since `start`.
    last_write: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            last_write: Arc::new(AtomicU64::new(0)),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    /// A write just committed.
    pub fn wrote(&self) {
        self.last_write.store(self.now(), Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        Duration::from_micros(
            self.now()
                .saturating_sub(self.last_write.load(Ordering::Relaxed)),
        )
    }
}

/// The thread; stopped (and joined) on drop.
pub struct Checkpointer {
    activity: Activity,
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the WAL database at `path` (its `-wal` file beside it) in pauses.
    pub fn spawn(path: &Path) -> StoreResult<Checkpointer> {
        Self::spawn_with(path, IDLE)
    }

    fn spawn_with(path: &Path, idle: Duration) -> StoreResult<Checkpointer> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        let activity = Activity::new();
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let (seen_by_thread, signal) = (activity.clone(), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&conn, &wal, idle, &seen_by_thread, &signal))?;
        Ok(Checkpointer {
            activity,
            stop,
            thread: Some(thread),
        })
    }

    /// What the writers tell after each commit.
    pub fn activity(&self) -> &Activity {
        &self.activity
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    conn: &Connection,
    wal: &Path,
    idle: Duration,
    activity: &Activity,
    stop: &(Mutex<bool>, Condvar),
) {
    let (lock, wake) = stop;
    // The WAL as the last checkpoint left it: unchanged means nothing new to copy.
    let mut copied: Option<(u64, SystemTime)> = None;
    loop {
        {
            let stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
            let (stopped, _) = wake
                .wait_timeout_while(stopped, INTERVAL, |s| !*s)
                .unwrap_or_else(|p| p.into_inner());
            if *stopped {
                return;
            }
        }
        if activity.idle_for() < idle {
            continue;
        }
        let Ok(meta) = std::fs::metadata(wal) else {
            continue;
        };
        let now = (
            meta.len(),
            meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        );
        if meta.len() == 0 || copied == Some(now) {
            continue;
        }
        match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            Ok(()) => copied = Some(now),
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; trying again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_len(p: &Path) -> u64 {
        std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
    }

    /// Writes ~2 MB (under SQLite's own threshold, so the writer does not checkpoint), then pauses;
    /// returns the database file's size before and after the pause.
    fn written_then_paused(with_checkpointer: bool, pause: Duration) -> (u64, u64) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let checkpointer = with_checkpointer.then(|| Checkpointer::spawn(&path).unwrap());
        let before = file_len(&path);
        for _ in 0..32 {
            conn.execute("INSERT INTO t (x) VALUES (zeroblob(65536))", [])
                .unwrap();
            if let Some(c) = &checkpointer {
                c.activity().wrote();
            }
        }
        let deadline = Instant::now() + pause;
        while Instant::now() < deadline && file_len(&path) < 2 * 1024 * 1024 {
            std::thread::sleep(Duration::from_millis(10));
        }
        let after = file_len(&path);
        drop(checkpointer);
        (before, after)
    }

    #[test]
    fn a_pause_copies_the_wal_back_into_the_database() {
        let (before, after) = written_then_paused(true, Duration::from_secs(10));
        assert!(
            after >= 2 * 1024 * 1024,
            "database file {before} -> {after} bytes"
        );
    }

    #[test]
    fn without_it_the_pages_stay_in_the_wal() {
        let (before, after) = written_then_paused(false, Duration::from_millis(300));
        assert_eq!(before, after);
    }

    #[test]
    fn no_checkpoint_while_writes_keep_coming() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let checkpointer = Checkpointer::spawn_with(&path, Duration::from_secs(5)).unwrap();
        let before = file_len(&path);
        // Writes every few milliseconds for half a second: never a pause of five seconds.
        let until = Instant::now() + Duration::from_millis(500);
        while Instant::now() < until {
            conn.execute("INSERT INTO t (x) VALUES (zeroblob(4096))", [])
                .unwrap();
            checkpointer.activity().wrote();
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(file_len(&path), before, "checkpointed during the writes");
        drop(checkpointer);
    }
}
