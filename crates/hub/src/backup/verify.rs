//! Checking a data directory before a hub serves it: the files are those the manifest names, the
//! database passes SQLite's `integrity_check`, every photo's bytes hash to its name, and each
//! community's transparency log, recomputed from its stored leaves, has the root its latest signed
//! checkpoint states.
use std::path::Path;

use linli_tlog::{Checkpoint, MemoryLog, NoteSigner};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use super::manifest::{hash_file, Manifest};
use super::BackupError;
use crate::domain::blob_kind::is_sha256;
use crate::hub::DB_FILE;
use crate::log_key::KEY_FILE;
use crate::store::sqlite::migrations::MIGRATIONS;

/// One thing wrong with a backup; each is named to the operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// A file the manifest names is missing.
    FileMissing { path: String },
    /// A file differs from what the manifest recorded (damaged or changed after the backup).
    FileChanged { path: String },
    /// `PRAGMA integrity_check` found damage.
    Integrity { detail: String },
    /// The database is from a newer hub than this one.
    SchemaNewer { found: i64, known: i64 },
    /// A photo's bytes do not hash to its name.
    PhotoDamaged { sha256: String },
    /// A photo the database records has no file.
    PhotoMissing { sha256: String },
    /// The log's leaves do not give the root its latest checkpoint signed.
    LogMismatch { community: String, size: u64 },
    /// The log or its checkpoint could not be read or its signature does not hold.
    LogUnreadable { community: String, detail: String },
    /// The log key is missing or unreadable.
    KeyUnreadable { detail: String },
}

/// What a successful verification checked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verified {
    pub schema_version: i64,
    pub files: usize,
    pub photos: usize,
    /// Per community with a signed checkpoint: its id and the checkpoint's size recomputed.
    pub logs: Vec<(String, u64)>,
}

/// Verifies `dir`, against `manifest` when given. `Err` only when the checks could not run at all; the
/// problems found are in `Ok(Err(..))`.
pub fn verify_data_dir(
    dir: &Path,
    manifest: Option<&Manifest>,
) -> Result<Result<Verified, Vec<Problem>>, BackupError> {
    let mut problems = Vec::new();
    let mut done = Verified::default();
    if let Some(m) = manifest {
        for f in &m.files {
            let path = dir.join(&f.path);
            if !path.exists() {
                problems.push(Problem::FileMissing {
                    path: f.path.clone(),
                });
                continue;
            }
            let (sha, size) = hash_file(&path)?;
            if sha != f.sha256 || size != f.size {
                problems.push(Problem::FileChanged {
                    path: f.path.clone(),
                });
            }
        }
        done.files = m.files.len();
    }
    let db = dir.join(DB_FILE);
    if !db.exists() {
        let missing = Problem::FileMissing {
            path: DB_FILE.to_owned(),
        };
        if !problems.contains(&missing) {
            problems.push(missing);
        }
        return Ok(Err(problems));
    }
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let detail: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if detail != ["ok"] {
        problems.push(Problem::Integrity {
            detail: detail.join("; "),
        });
        // Nothing read from a damaged database can be trusted further.
        return Ok(Err(problems));
    }
    done.schema_version = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if done.schema_version > known {
        problems.push(Problem::SchemaNewer {
            found: done.schema_version,
            known,
        });
        return Ok(Err(problems));
    }
    done.photos = check_photos(dir, &conn, &mut problems)?;
    done.logs = check_logs(dir, &conn, &mut problems)?;
    Ok(if problems.is_empty() {
        Ok(done)
    } else {
        Err(problems)
    })
}

/// Every photo file hashes to its name, and every recorded photo has its file. Returns how many files.
fn check_photos(
    dir: &Path,
    conn: &Connection,
    problems: &mut Vec<Problem>,
) -> Result<usize, BackupError> {
    let blobs = dir.join("blobs");
    let mut files = 0;
    if let Ok(entries) = std::fs::read_dir(&blobs) {
        for e in entries.filter_map(Result::ok) {
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            if !is_sha256(&name) {
                continue;
            }
            files += 1;
            let (sha, _) = hash_file(&e.path())?;
            if sha != name {
                problems.push(Problem::PhotoDamaged { sha256: name });
            }
        }
    }
    let recorded: Vec<String> = conn
        .prepare("SELECT sha256 FROM blobs ORDER BY sha256")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for sha in recorded {
        if !blobs.join(&sha).exists() {
            problems.push(Problem::PhotoMissing { sha256: sha });
        }
    }
    Ok(files)
}

/// Each community's log: the root of its first `size` leaves equals the root its latest checkpoint
/// signed, and that checkpoint's signature holds under the backup's own key.
fn check_logs(
    dir: &Path,
    conn: &Connection,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(String, u64)>, BackupError> {
    let key = std::fs::read_to_string(dir.join(KEY_FILE))
        .map_err(|e| e.to_string())
        .and_then(|t| NoteSigner::from_skey(t.trim()).map_err(|e| e.to_string()));
    let verifier = match key {
        Ok(signer) => signer.verifier(),
        Err(detail) => {
            problems.push(Problem::KeyUnreadable { detail });
            return Ok(Vec::new());
        }
    };
    let communities: Vec<String> = conn
        .prepare("SELECT id FROM communities ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut checked = Vec::new();
    for community in communities {
        let latest: Option<(i64, String)> = conn
            .query_row(
                "SELECT size, note FROM log_checkpoints WHERE community_id = ?1
                 ORDER BY size DESC LIMIT 1",
                [&community],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((size, note)) = latest else {
            continue;
        };
        let unreadable = |detail: String| Problem::LogUnreadable {
            community: community.clone(),
            detail,
        };
        let checkpoint = match Checkpoint::open(&note, &verifier) {
            Ok(c) => c,
            Err(e) => {
                problems.push(unreadable(e.to_string()));
                continue;
            }
        };
        let leaves: Vec<(i64, Vec<u8>)> = conn
            .prepare(
                "SELECT idx, leaf FROM log_leaves WHERE community_id = ?1 AND idx < ?2 ORDER BY idx",
            )?
            .query_map(rusqlite::params![community, size], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let contiguous = leaves
            .iter()
            .enumerate()
            .all(|(i, (idx, _))| *idx == i as i64);
        if !contiguous || leaves.len() as i64 != size || checkpoint.size != size as u64 {
            problems.push(unreadable(format!(
                "{} leaves stored below the checkpoint's size {size}",
                leaves.len()
            )));
            continue;
        }
        let root = MemoryLog::from_leaves(leaves.iter().map(|(_, l)| l)).and_then(|l| l.root());
        match root {
            Ok(root) if root == checkpoint.root => checked.push((community, size as u64)),
            Ok(_) => problems.push(Problem::LogMismatch {
                community,
                size: size as u64,
            }),
            Err(e) => problems.push(unreadable(e.to_string())),
        }
    }
    Ok(checked)
}
