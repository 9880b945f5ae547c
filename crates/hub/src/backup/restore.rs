//! Restoring a backup into a new data directory, verified before it is said done.
use std::path::Path;

use super::manifest::Manifest;
use super::verify::{verify_data_dir, Verified};
use super::{io, is_empty_dir, BackupError};

/// Copies the backup at `from` into `data_dir` (missing or empty: a restore never overwrites a hub),
/// then verifies the copy. On any problem the copied files are removed again and the problems returned
/// in [`BackupError::Refused`].
pub fn restore(from: &Path, data_dir: &Path) -> Result<Verified, BackupError> {
    if !is_empty_dir(data_dir)? {
        return Err(BackupError::NotEmpty(data_dir.to_path_buf()));
    }
    let manifest = Manifest::read(from)?;
    std::fs::create_dir_all(data_dir.join("blobs")).map_err(io(data_dir))?;
    let copied = copy_all(from, data_dir, &manifest)
        .and_then(|()| verify_data_dir(data_dir, Some(&manifest)));
    match copied {
        Ok(Ok(verified)) => Ok(verified),
        Ok(Err(problems)) => {
            empty(data_dir);
            Err(BackupError::Refused(problems))
        }
        Err(e) => {
            empty(data_dir);
            Err(e)
        }
    }
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
