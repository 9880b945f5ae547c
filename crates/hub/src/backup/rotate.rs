//! Scheduled backups (`serve --backup-dir --backup-every --backup-keep`): each into its own timestamped
//! directory, renamed into place only once complete, the oldest removed beyond the number kept.
use std::path::{Path, PathBuf};

use chrono::Utc;

use super::manifest::Manifest;
use super::{io, take::backup_hub, BackupError};

/// Names of finished backups start with this, then the UTC time (`20261207T120000Z`), so names sort
/// by age.
pub const BACKUP_PREFIX: &str = "linli-hub-backup-";

/// Takes a backup of `data_dir` into a new directory inside `dir`, then keeps the newest `keep`.
/// Returns the new backup's path.
pub fn rotating_backup(hub: &crate::Hub, dir: &Path, keep: usize) -> Result<PathBuf, BackupError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = format!("{BACKUP_PREFIX}{}", Utc::now().format("%Y%m%dT%H%M%S%.3fZ"));
    let partial = dir.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(io(&partial))?;
    }
    let done = backup_hub(hub, &partial).and_then(|_: Manifest| {
        let target = dir.join(&name);
        std::fs::rename(&partial, &target).map_err(io(&target))?;
        Ok(target)
    });
    if done.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    let target = done?;
    prune(dir, keep)?;
    Ok(target)
}

/// Removes all but the newest `keep` finished backups in `dir`; returns how many went.
pub fn prune(dir: &Path, keep: usize) -> Result<usize, BackupError> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(BACKUP_PREFIX))
        .collect();
    names.sort();
    let extra = names.len().saturating_sub(keep.max(1));
    for name in &names[..extra] {
        let p = dir.join(name);
        std::fs::remove_dir_all(&p).map_err(io(&p))?;
    }
    Ok(extra)
}
