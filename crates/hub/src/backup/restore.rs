//! Restoring a backup into a new data directory, verified before it is said done.
use std::path::Path;

use super::manifest::Manifest;
use super::verify::{verify_data_dir, Verified};
use super::{io, is_empty_dir, BackupError};

/// What a restore made: the verified copy and the new incarnation id of its database.
#[derive(Debug)]
pub struct Restored {
    pub verified: Verified,
    pub incarnation: String,
}

/// Copies the backup at `from` into `data_dir` (missing or empty: a restore never overwrites a hub),
/// verifies the copy, then marks it restored (see [`crate::store::restores`]): a new incarnation id,
/// so devices that meet it re-send what it lacks, and a signed restore statement in each community's
/// log, so the shorter log is announced rather than silent. On any problem the copied files are
/// removed again and the problems returned in [`BackupError::Refused`].
pub fn restore(
    from: &Path,
    data_dir: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Restored, BackupError> {
    if !is_empty_dir(data_dir)? {
        return Err(BackupError::NotEmpty(data_dir.to_path_buf()));
    }
    let manifest = Manifest::read(from)?;
    std::fs::create_dir_all(data_dir.join("blobs")).map_err(io(data_dir))?;
    let copied = copy_all(from, data_dir, &manifest)
        .and_then(|()| verify_data_dir(data_dir, Some(&manifest)));
    let marked = match copied {
        Ok(Ok(verified)) => mark_restored(data_dir, now).map(|incarnation| Restored {
            verified,
            incarnation,
        }),
        Ok(Err(problems)) => Err(BackupError::Refused(problems)),
        Err(e) => Err(e),
    };
    if marked.is_err() {
        empty(data_dir);
    }
    marked
}

/// Opens the verified copy as a hub would (migrating an older schema) and records the restore.
fn mark_restored(
    data_dir: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, BackupError> {
    use crate::store::restores::RestoreStore as _;
    let signer = crate::log_key::load_or_create(data_dir)
        .map_err(|e| BackupError::Marking(e.to_string()))?;
    let store = crate::store::sqlite::SqliteStore::open(&data_dir.join(crate::hub::DB_FILE))
        .map_err(|e| BackupError::Marking(e.to_string()))?;
    store
        .mark_restored(&signer, now)
        .map_err(|e| BackupError::Marking(e.to_string()))
}

/// Copies each file the manifest names that exists (a missing one is a problem verification names).
fn copy_all(from: &Path, to: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    for f in &manifest.files {
        // Paths come from a file an operator may have edited: only plain names inside the backup.
        let safe = Path::new(&f.path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return Err(BackupError::NoManifest {
                path: from.to_path_buf(),
                reason: format!("file path {:?} leaves the backup", f.path),
            });
        }
        let src = from.join(&f.path);
        if !src.exists() {
            continue;
        }
        let dst = to.join(&f.path);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::copy(&src, &dst).map_err(io(&dst))?;
    }
    Ok(())
}

/// Leaves the data directory empty again after a refused restore (it was empty before).
fn empty(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            let gone = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            if let Err(err) = gone {
                tracing::warn!(error = %err, path = %p.display(), "cleaning up a refused restore");
            }
        }
    }
}
