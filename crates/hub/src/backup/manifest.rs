//! `manifest.json`: what a backup holds, so a restore can tell a whole, unchanged backup from one that
//! was cut short or damaged.
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{io, BackupError};

pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// The `linli-hub` version that took the backup.
    pub hub_version: String,
    /// The database's schema version (its number of applied migrations).
    pub schema_version: i64,
    pub taken_at: DateTime<Utc>,
    /// Every file of the backup but the manifest, by path relative to the backup directory.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Relative path with `/` separators, e.g. `blobs/3a7f…`.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Manifest, BackupError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read(&path).map_err(|e| BackupError::NoManifest {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        serde_json::from_slice(&text).map_err(|e| BackupError::NoManifest {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })
    }

    pub fn write(&self, dir: &Path) -> Result<(), BackupError> {
        let path = dir.join(MANIFEST_FILE);
        let text = serde_json::to_vec_pretty(self).map_err(|e| BackupError::NoManifest {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        std::fs::write(&path, text).map_err(io(&path))
    }
}

/// The sha256 (hex) and size of a file, read in pieces (photos can be large).
pub fn hash_file(path: &Path) -> Result<(String, u64), BackupError> {
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// Syncs a file to disk, so a backup said done survives a power cut.
pub fn sync(path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}
