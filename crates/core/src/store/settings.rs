//! Key/value settings of the profile: the hub address, ids, the sync cursor, the language, and the
//! free-form UI settings (kept apart so the UI can never overwrite the engine's own keys).
use crate::CoreError;
use rusqlite::{Connection, OptionalExtension};

pub const HUB_URL: &str = "hub_url";
pub const KEYCHAIN_USER: &str = "keychain_user";
pub const RESIDENT_ID: &str = "resident_id";
pub const DEVICE_ID: &str = "device_id";
pub const LANGUAGE: &str = "language";
pub const CURSOR: &str = "cursor";
pub const NEXT_SEQ: &str = "next_seq";
pub const LAST_SYNCED_AT: &str = "last_synced_at";
/// How the last sync ended (idle / offline / error) and why, so a new process (the CLI) shows it too.
pub const LAST_SYNC_STATE: &str = "last_sync_state";
pub const LAST_SYNC_ERROR: &str = "last_sync_error";
/// The hub's transparency-log key, pinned at join (C2SP verifier key text).
pub const LOG_KEY: &str = "log_key";
/// The origin line of the community's log, pinned at join with the key (a street hub keeps one log
/// per community). Absent for devices that joined a hub of one community: the key's name is the origin.
pub const LOG_ORIGIN: &str = "log_origin";
/// The latest checkpoint this device verified (signed note): every later one must extend it.
pub const LOG_CHECKPOINT: &str = "log_checkpoint";
pub const LOG_CHECKED_AT: &str = "log_checked_at";
/// The privacy notice version the resident agreed to on this device, and when (RFC 3339). Kept across
/// sign-out: it is the person at this device who agreed, not the membership.
pub const PRIVACY_VERSION: &str = "privacy_version";
pub const PRIVACY_AGREED_AT: &str = "privacy_agreed_at";
/// The witnesses of the community's log and the quorum ([`linli_tlog::WitnessPolicy`] text), pinned at join.
pub const WITNESS_POLICY: &str = "witness_policy";
/// `<size> <since>` while the hub's newest checkpoint lacks the cosignatures the policy asks for.
pub const LOG_UNWITNESSED: &str = "log_unwitnessed";
/// The code of the last failed log check, until a check passes again.
pub const LOG_FAILURE: &str = "log_failure";
/// The incarnation id of the hub database this device last pulled from (sent back on push and pull).
pub const HUB_INCARNATION: &str = "hub_incarnation";
/// The checkpoint text (origin, size, root) a restored hub announced, until a checkpoint extending it
/// is verified (see `sync/restored.rs`).
pub const LOG_RESTORE_FLOOR: &str = "log_restore_floor";

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, CoreError> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<(), CoreError> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, key: &str) -> Result<(), CoreError> {
    conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}

pub fn get_i64(conn: &Connection, key: &str) -> Result<Option<i64>, CoreError> {
    match get(conn, key)? {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| CoreError::Corrupt(format!("setting {key}: {v:?}"))),
    }
}

pub fn get_ui(conn: &Connection, key: &str) -> Result<Option<String>, CoreError> {
    Ok(conn
        .query_row("SELECT value FROM ui_settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_ui(conn: &Connection, key: &str, value: &str) -> Result<(), CoreError> {
    conn.execute(
        "INSERT INTO ui_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// Forgets everything tied to the community (sign-out), keeping the language, the privacy consent and
/// the UI settings.
pub fn clear_membership(conn: &Connection) -> Result<(), CoreError> {
    conn.execute(
        "DELETE FROM settings WHERE key NOT IN (?1, ?2, ?3, ?4)",
        [LANGUAGE, KEYCHAIN_USER, PRIVACY_VERSION, PRIVACY_AGREED_AT],
    )?;
    Ok(())
}
