//! Taking one backup of a data directory, online.
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, OpenFlags};

use super::manifest::{hash_file, sync, FileEntry, Manifest};
use super::{io, is_empty_dir, BackupError};
use crate::domain::blob_kind::is_sha256;
use crate::hub::DB_FILE;
use crate::log_key::{KEY_FILE, ROTATIONS_FILE};

/// Signs the logs' heads (see [`crate::Hub::checkpoint_logs`]), then [`backup`]s the hub's directory.
pub fn backup_hub(hub: &crate::Hub, out: &Path) -> Result<Manifest, BackupError> {
    if let Err(e) = hub.checkpoint_logs() {
        // The backup is still worth taking; its restore checks against the last signed head.
        tracing::warn!(error = %e, "signing checkpoints before a backup");
    }
    backup(hub.data_dir(), out)
}

/// Copies the hub at `data_dir` into `out` (missing or empty), while a hub may be serving it, and
/// returns the manifest it wrote last.
pub fn backup(data_dir: &Path, out: &Path) -> Result<Manifest, BackupError> {
    if !is_empty_dir(out)? {
        return Err(BackupError::NotEmpty(out.to_path_buf()));
    }
    let out_blobs = out.join("blobs");
    std::fs::create_dir_all(&out_blobs).map_err(io(&out_blobs))?;
    let mut files = Vec::new();

    let db_copy = out.join(DB_FILE);
    let schema_version = copy_database(&data_dir.join(DB_FILE), &db_copy)?;
    files.push(entry(out, &db_copy)?);

    let key = data_dir.join(KEY_FILE);
    let key_copy = out.join(KEY_FILE);
    copy_private(&key, &key_copy)?;
    files.push(entry(out, &key_copy)?);

    // The key's rotation statements, which devices that pinned an older key follow.
    let rotations = data_dir.join(ROTATIONS_FILE);
    if rotations.exists() {
        let copy = out.join(ROTATIONS_FILE);
        std::fs::copy(&rotations, &copy).map_err(io(&copy))?;
        sync(&copy)?;
        files.push(entry(out, &copy)?);
    }

    let blobs = data_dir.join("blobs");
    let mut names: Vec<String> = match std::fs::read_dir(&blobs) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            // Half-written uploads (`<sha>.tmp-…`) are not photos yet.
            .filter(|n| is_sha256(n))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(&blobs)(e)),
    };
    names.sort();
    for name in names {
        let copy = out_blobs.join(&name);
        match std::fs::copy(blobs.join(&name), &copy) {
            Ok(_) => {}
            // Deleted since it was listed (photo retention, a closed account): its row went first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(&copy)(e)),
        }
        sync(&copy)?;
        files.push(entry(out, &copy)?);
    }

    let manifest = Manifest {
        hub_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        taken_at: Utc::now(),
        files,
    };
    manifest.write(out)?;
    sync(&out.join(super::MANIFEST_FILE))?;
    // For the serving hub's `backup_age_seconds`, whichever process took it; best effort.
    if let Err(e) = std::fs::write(
        data_dir.join(LAST_BACKUP_FILE),
        manifest.taken_at.to_rfc3339(),
    ) {
        tracing::warn!(error = %e, "noting the backup's time in the data directory");
    }
    Ok(manifest)
}

/// In the data directory: when its last backup finished (RFC 3339), written by every backup.
pub const LAST_BACKUP_FILE: &str = "last-backup-at";

/// When the data directory's last backup finished, if one did.
pub fn last_backup_at(data_dir: &Path) -> Option<chrono::DateTime<Utc>> {
    let text = std::fs::read_to_string(data_dir.join(LAST_BACKUP_FILE)).ok()?;
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `VACUUM INTO`: one read transaction's snapshot written as a new, compact database file; writers
/// (the serving hub, other admin commands) carry on meanwhile. Returns the copy's schema version.
fn copy_database(db: &Path, copy: &Path) -> Result<i64, BackupError> {
    if !db.exists() {
        return Err(io(db)(std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    // Read-write only so SQLite may create the WAL index when no hub has the file open; nothing is written.
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let target = copy
        .to_str()
        .ok_or_else(|| io(copy)(std::io::Error::from(std::io::ErrorKind::InvalidInput)))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    drop(conn);
    // A single self-contained file: no WAL beside it (the restored hub turns WAL on again).
    let copied = Connection::open(copy)?;
    copied.pragma_update(None, "journal_mode", "DELETE")?;
    let version = copied.pragma_query_value(None, "user_version", |r| r.get(0))?;
    drop(copied);
    sync(copy)?;
    Ok(version)
}

/// Copies the log key keeping it readable by its owner only.
fn copy_private(from: &Path, to: &Path) -> Result<(), BackupError> {
    let bytes = std::fs::read(from).map_err(io(from))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    let mut f = opts.open(to).map_err(io(to))?;
    f.write_all(&bytes).map_err(io(to))?;
    f.sync_all().map_err(io(to))
}

fn entry(root: &Path, file: &Path) -> Result<FileEntry, BackupError> {
    let (sha256, size) = hash_file(file)?;
    let rel = file.strip_prefix(root).unwrap_or(file);
    let path = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok(FileEntry { path, size, sha256 })
}
