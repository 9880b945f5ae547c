//! Backups of a hub's data directory, taken while it serves, and their restore.
//!
//! A backup is a directory: `hub.db` (a consistent copy made with SQLite's `VACUUM INTO`, so writers go
//! on meanwhile), `blobs/` (the photo and attachment files, named by their sha256), `log-signing-key`
//! (the transparency log's key: without it a restored hub could not sign its log on) and
//! `manifest.json`, written last, naming the hub version, the schema version, the time and the sha256 of
//! every other file. A directory without a manifest is an unfinished backup.
//!
//! The database is copied first and the files after it: a photo's file is written before its row, so
//! every photo the copied database names is on disk by then (files uploaded meanwhile come along too,
//! unreferenced and harmless).
mod manifest;
mod restore;
mod rotate;
mod take;
mod verify;

pub use manifest::{FileEntry, Manifest, MANIFEST_FILE};
pub use restore::{restore, Restored};
pub use rotate::{prune, rotating_backup, BACKUP_PREFIX};
pub use take::{backup, backup_hub, last_backup_at, LAST_BACKUP_FILE};
pub use verify::{verify_data_dir, Problem, Verified};

use std::path::PathBuf;

/// Why a backup or a restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The target of a backup or a restore already holds files.
    #[error("{} is not empty", .0.display())]
    NotEmpty(PathBuf),
    #[error("{} has no readable manifest: {reason}", path.display())]
    NoManifest { path: PathBuf, reason: String },
    /// The verified copy could not be marked restored; nothing was left in the data directory.
    #[error("recording the restore: {0}")]
    Marking(String),
    /// The restored copy failed verification; nothing was left in the data directory.
    #[error("the backup failed verification: {0:?}")]
    Refused(Vec<Problem>),
}

fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.into();
    move |source| BackupError::Io { path, source }
}

/// True when `dir` is missing or holds nothing.
fn is_empty_dir(dir: &std::path::Path) -> Result<bool, BackupError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io(dir)(e)),
    }
}
