//! Staff sign-in for the console: first passwords through one-time links, argon2id hashes, the lockout
//! after wrong passwords, and sessions with idle and absolute timeouts. The HTTP side (cookies, the
//! CSRF header) is `api::staff_session`; every rule is here.
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use linli_proto::{limits, ErrorCode};
use uuid::Uuid;

use crate::domain::token;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::Staff;

/// How long a setup link printed by `admin staff add` stays usable.
pub const LINK_LIFETIME: Duration = Duration::hours(72);
/// A session unused this long is over (OWASP ASVS 3.3.2 allows up to 30 minutes at level 2).
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session is over this long after sign-in however busy it is (ASVS 3.3.2: 12 hours).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Wrong passwords in a row before the account locks.
pub const LOCK_AFTER: i64 = 5;
/// The first lock's length; each further wrong password doubles it, up to [`LOCK_MAX`].
pub const LOCK_FIRST: Duration = Duration::seconds(30);
pub const LOCK_MAX: Duration = Duration::hours(1);

/// A signed-in session as the browser receives it: both secrets are shown once and kept hashed.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub staff: Staff,
}

/// A fresh one-time link token for `staff` (replacing any earlier one), to be printed once.
pub fn issue_link(hub: &Hub, staff: Uuid) -> Result<String, HubError> {
    let link = token::generate();
    hub.store()
        .put_setup_link(staff, &token::hash(&link), hub.now() + LINK_LIFETIME)?;
    Ok(link)
}

/// Sets the first (or a new) password through a setup link; the link is used up either way once found.
pub fn set_password(hub: &Hub, link: &str, password: &str) -> Result<Uuid, HubError> {
    if password.chars().count() < limits::STAFF_PASSWORD_MIN {
        return Err(ErrorCode::PasswordTooShort.into());
    }
    if password.chars().count() > limits::TITLE_MAX {
        return Err(ErrorCode::FieldTooLong.into());
    }
    let salt = SaltString::generate(&mut OsRng);
    let phc = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| HubError::Refused(ErrorCode::Internal))?
        .to_string();
    hub.store()
        .use_setup_link(&token::hash(link), &phc, hub.now())?
        .ok_or(HubError::Refused(ErrorCode::StaffLinkInvalid))
}

/// How long the account stays locked after `failures` wrong passwords in a row.
pub fn lock_for(failures: i64) -> Option<Duration> {
    if failures < LOCK_AFTER {
        return None;
    }
    let doublings = (failures - LOCK_AFTER).min(16) as u32;
    Some((LOCK_FIRST * 2i32.pow(doublings)).min(LOCK_MAX))
}

/// Signs a staff member in. Unknown ids, staff without a password and wrong passwords all answer
/// `staff_sign_in_failed`; a locked account answers `staff_locked` without the password being checked.
pub fn sign_in(hub: &Hub, staff_id: Uuid, password: &str) -> Result<NewSession, HubError> {
    let now = hub.now();
    let store = hub.store();
    let failed = HubError::Refused(ErrorCode::StaffSignInFailed);
    let Some(staff) = store.staff(staff_id)? else {
        return Err(failed);
    };
    let Some(creds) = store.staff_credentials(staff_id)? else {
        return Err(failed);
    };
    if creds.locked_until.is_some_and(|t| t > now) {
        return Err(ErrorCode::StaffLocked.into());
    }
    let Some(phc) = creds.password_hash.as_deref() else {
        return Err(failed);
    };
    let right = PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    if !right {
        let failures = creds.failures + 1;
        store.set_staff_failures(staff_id, failures, lock_for(failures).map(|d| now + d))?;
        return Err(failed);
    }
    if creds.failures != 0 {
        store.set_staff_failures(staff_id, 0, None)?;
    }
    let session = token::generate();
    let csrf = token::generate();
    store.insert_staff_session(&token::hash(&session), staff_id, &token::hash(&csrf), now)?;
    tracing::info!(staff = %staff_id, "staff signed in");
    Ok(NewSession {
        token: session,
        csrf,
        staff,
    })
}

/// The staff member behind a session cookie, checking the timeouts and (for state-changing requests)
/// the CSRF token; a live session's idle clock restarts. Anything wrong answers `unauthorized`, a
/// missing or wrong CSRF token `csrf_invalid`.
pub fn authenticate(
    hub: &Hub,
    session: &str,
    csrf: Option<&str>,
    changes_state: bool,
) -> Result<Staff, HubError> {
    let now = hub.now();
    let store = hub.store();
    let hash = token::hash(session);
    let unauthorized = HubError::Refused(ErrorCode::Unauthorized);
    let Some(s) = store.staff_session(&hash)? else {
        return Err(unauthorized);
    };
    if expired(s.created_at, s.last_seen, now) {
        store.delete_staff_session(&hash)?;
        return Err(unauthorized);
    }
    if changes_state && csrf.map(token::hash).as_deref() != Some(s.csrf_hash.as_str()) {
        return Err(ErrorCode::CsrfInvalid.into());
    }
    let staff = store.staff(s.staff_id)?.ok_or(unauthorized)?;
    store.touch_staff_session(&hash, now)?;
    Ok(staff)
}

/// Whether a session begun at `created_at` and last used at `last_seen` is over at `now`.
pub fn expired(created_at: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen >= IDLE_TIMEOUT || now - created_at >= ABSOLUTE_TIMEOUT
}

/// Signs out: the session is forgotten (unknown sessions are already signed out).
pub fn sign_out(hub: &Hub, session: &str) -> Result<(), HubError> {
    Ok(hub.store().delete_staff_session(&token::hash(session))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_starts_at_the_fifth_wrong_password_and_doubles_to_an_hour() {
        assert_eq!(lock_for(4), None);
        assert_eq!(lock_for(5), Some(Duration::seconds(30)));
        assert_eq!(lock_for(6), Some(Duration::seconds(60)));
        assert_eq!(lock_for(10), Some(Duration::seconds(30 * 32)));
        assert_eq!(lock_for(40), Some(LOCK_MAX));
    }

    #[test]
    fn sessions_end_after_idling_or_at_the_absolute_limit() {
        let t0 = Utc::now();
        assert!(!expired(t0, t0, t0 + Duration::minutes(29)));
        assert!(expired(t0, t0, t0 + Duration::minutes(30)));
        let busy = t0 + Duration::hours(12) - Duration::minutes(1);
        assert!(!expired(t0, busy, busy));
        assert!(expired(t0, busy, t0 + Duration::hours(12)));
    }
}
