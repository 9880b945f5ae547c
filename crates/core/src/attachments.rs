//! Files attached to notices (pictures, PDF): downloaded from the hub on first open, checked against their
//! sha256 and kept under `attachments/`, so a notice read once opens again offline.
use crate::CoreError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn path_of(dir: &Path, sha256: &str) -> Result<PathBuf, CoreError> {
    // The name comes from the replica: accept only a sha256, never a path.
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CoreError::NotFound);
    }
    Ok(dir.join(sha256))
}

/// The stored copy, if this device has one.
pub fn cached(dir: &Path, sha256: &str) -> Result<Option<Vec<u8>>, CoreError> {
    match std::fs::read(path_of(dir, sha256)?) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Keeps a downloaded attachment after checking it is what its name says.
pub fn store(dir: &Path, sha256: &str, bytes: &[u8]) -> Result<(), CoreError> {
    if hex::encode(Sha256::digest(bytes)) != sha256 {
        return Err(CoreError::Protocol(format!(
            "attachment {sha256} does not match its hash"
        )));
    }
    std::fs::create_dir_all(dir)?;
    let path = path_of(dir, sha256)?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}
