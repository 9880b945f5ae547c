//! The hub's transparency-log signing key: generated on first start, kept in the data directory as
//! `log-signing-key` (the C2SP signer key text, file mode 0600), never logged. Its public half (the
//! verifier key text) is what residents see at join and what their devices pin.
use std::io::Write;
use std::path::Path;

use linli_tlog::NoteSigner;

use crate::error::HubError;

/// File name of the signing key inside the data directory.
pub const KEY_FILE: &str = "log-signing-key";
/// The statements of every rotation of the key (JSON list of signed notes, oldest first), served at
/// `/v1/log/key-rotations` so devices that pinned an older key can follow.
pub const ROTATIONS_FILE: &str = "log-key-rotations.json";

/// The rotation statements kept in the data directory (none before the first rotation).
pub fn rotations(data_dir: &Path) -> Result<Vec<String>, HubError> {
    let path = data_dir.join(ROTATIONS_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| HubError::LogKey(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Replaces the signing key with a new one of the same name, after the old key signed the statement
/// naming it. Returns the new verifier key. A running `serve` keeps signing with the old key until it
/// is restarted (devices accept either until then).
pub fn rotate(data_dir: &Path, at: chrono::DateTime<chrono::Utc>) -> Result<String, HubError> {
    let old = load_or_create(data_dir)?;
    let new = NoteSigner::generate(old.name()).map_err(|e| HubError::LogKey(e.to_string()))?;
    let statement = linli_tlog::rotation_statement(&old, &new.verifier(), &at.to_rfc3339())
        .map_err(|e| HubError::LogKey(e.to_string()))?;
    // The new key first (beside the old one), then the statement, then the switch: a crash between
    // steps leaves the old key in use and at most a statement nobody follows.
    let next = data_dir.join(format!("{KEY_FILE}.next"));
    let _ = std::fs::remove_file(&next);
    write_private(&next, new.to_skey().as_bytes())?;
    let mut all = rotations(data_dir)?;
    all.push(statement);
    let tmp = data_dir.join(format!("{ROTATIONS_FILE}.tmp"));
    let json = serde_json::to_vec_pretty(&all).map_err(|e| HubError::LogKey(e.to_string()))?;
    std::fs::write(&tmp, json)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, data_dir.join(ROTATIONS_FILE))?;
    std::fs::rename(&next, data_dir.join(KEY_FILE))?;
    Ok(new.verifier().to_vkey())
}

/// Loads the key, or creates it when the data directory has none yet.
pub fn load_or_create(data_dir: &Path) -> Result<NoteSigner, HubError> {
    let path = data_dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => NoteSigner::from_skey(text.trim())
            .map_err(|e| HubError::LogKey(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut id = [0u8; 8];
            rand::fill(&mut id);
            // The key name is the log's origin line in every checkpoint.
            let signer = NoteSigner::generate(&format!("linli-hub/{}", hex::encode(id)))
                .map_err(|e| HubError::LogKey(e.to_string()))?;
            write_private(&path, signer.to_skey().as_bytes())?;
            Ok(signer)
        }
        Err(e) => Err(e.into()),
    }
}

/// Writes a new file readable only by its owner; refuses to overwrite one.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create(dir.path()).unwrap();
        let b = load_or_create(dir.path()).unwrap();
        assert_eq!(a.verifier().to_vkey(), b.verifier().to_vkey());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A rotation keeps the name, changes the key, and the old key's statement names the new one.
        let new = rotate(dir.path(), chrono::Utc::now()).unwrap();
        let now = load_or_create(dir.path()).unwrap();
        assert_eq!(now.verifier().to_vkey(), new);
        assert_eq!(now.name(), a.name());
        let followed = linli_tlog::follow_rotations(&a.verifier(), &rotations(dir.path()).unwrap());
        assert_eq!(followed.map(|k| k.to_vkey()), Some(new));
        std::fs::write(dir.path().join(KEY_FILE), "garbage").unwrap();
        assert!(load_or_create(dir.path()).is_err());
    }
}
