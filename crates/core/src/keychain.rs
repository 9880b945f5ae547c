//! The device token, kept only in the OS keychain (Secret Service on Linux desktops; the platform store
//! elsewhere): never in SQLite, config files or logs. The entry is service "linli", user = a random id
//! per profile, so several profiles on one machine keep separate tokens.
use crate::CoreError;
use keyring::Entry;

const SERVICE: &str = "linli";

fn entry(user: &str) -> Result<Entry, CoreError> {
    Entry::new(SERVICE, user).map_err(keychain_error)
}

fn keychain_error(e: keyring::Error) -> CoreError {
    CoreError::Keychain(e.to_string())
}

/// Fails with a clear error when no keychain can be reached, before anything depends on it.
pub fn check_reachable(user: &str) -> Result<(), CoreError> {
    match entry(user)?.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain_error(e)),
    }
}

pub fn store(user: &str, token: &str) -> Result<(), CoreError> {
    entry(user)?.set_password(token).map_err(keychain_error)
}

/// The token, or `None` when the keychain holds none for this profile.
pub fn load(user: &str) -> Result<Option<String>, CoreError> {
    match entry(user)?.get_password() {
        Ok(t) => Ok(Some(t)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain_error(e)),
    }
}

pub fn forget(user: &str) -> Result<(), CoreError> {
    match entry(user)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain_error(e)),
    }
}
