//! The hub's transparency-log signing key: generated on first start, kept in the data directory as
//! `log-signing-key` (the C2SP signer key text, file mode 0600), never logged. Its public half (the
//! verifier key text) is what residents see at join and what their devices pin.
use std::io::Write;
use std::path::Path;

use linli_tlog::NoteSigner;

use crate::error::HubError;

/// File name of the signing key inside the data directory.
pub const KEY_FILE: &str = "log-signing-key";

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
        std::fs::write(dir.path().join(KEY_FILE), "garbage").unwrap();
        assert!(load_or_create(dir.path()).is_err());
    }
}
