//! The witness's own Ed25519 key, kept in `DIR/witness.key` (mode 0600): the key name on the
//! first line, the hex seed on the second. Whoever holds this file can cosign as the witness.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use linli_tlog::{CosignatureError, CosignatureSigner};
use thiserror::Error;

pub const KEY_FILE: &str = "witness.key";

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("key file {0} already exists; a witness keeps its key")]
    Exists(PathBuf),
    #[error("key file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("key file {0} is malformed")]
    Malformed(PathBuf),
    #[error(transparent)]
    Key(#[from] CosignatureError),
}

/// Loading and creating the key file.
pub struct WitnessKey;

impl WitnessKey {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(KEY_FILE)
    }

    /// Generates a key named `name` and writes it with mode 0600; never overwrites one.
    pub fn create(dir: &Path, name: &str) -> Result<CosignatureSigner, KeyError> {
        let path = Self::path(dir);
        let io = |source| KeyError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let signer = CosignatureSigner::generate(name)?;
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    KeyError::Exists(path.clone())
                } else {
                    io(e)
                }
            })?;
        writeln!(file, "{}\n{}", signer.name(), hex::encode(signer.seed())).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(signer)
    }

    pub fn load(dir: &Path) -> Result<CosignatureSigner, KeyError> {
        let path = Self::path(dir);
        let text = fs::read_to_string(&path).map_err(|source| KeyError::Io {
            path: path.clone(),
            source,
        })?;
        let mut lines = text.lines();
        let (Some(name), Some(seed)) = (lines.next(), lines.next()) else {
            return Err(KeyError::Malformed(path));
        };
        let seed: [u8; 32] = hex::decode(seed.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| KeyError::Malformed(path.clone()))?;
        Ok(CosignatureSigner::from_seed(name, seed)?)
    }
}
