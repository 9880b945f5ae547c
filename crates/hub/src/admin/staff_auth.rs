//! Staff sign-in for the console: first passwords through one-time links, argon2id hashes, the lockout
//! after wrong passwords or codes (per account, and per client address), the optional TOTP second
//! factor, sessions with idle and absolute timeouts, signing out everywhere, and accounts an admin
//! switched off. The HTTP side (cookies, the CSRF header) is `api::staff`; every rule is here.
use std::net::IpAddr;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use linli_proto::{limits, ErrorCode};
use uuid::Uuid;

use crate::domain::token;
use crate::domain::totp::{self, TotpSecret};
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

/// The issuer authenticator apps show beside the code.
pub const TOTP_ISSUER: &str = "Linli 邻里";

/// A signed-in session as the browser receives it: both secrets are shown once and kept hashed.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub staff: Staff,
    /// Whether the account has the second factor on.
    pub totp: bool,
}

/// What enrolling an authenticator shows, once: the secret as base32 text and as an `otpauth://` URI.
pub struct TotpEnrolment {
    pub secret: String,
    pub uri: String,
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

/// Signs a staff member in from client address `from`, with the authenticator `code` when the account
/// has a second factor. Unknown ids, staff without a password and wrong passwords all answer
/// `staff_sign_in_failed`; a locked account or an address out of failures answers `staff_locked`
/// without the password being checked. A right password on an account with a second factor and no
/// code answers `staff_totp_required`; a wrong, stale or already used code `staff_totp_invalid`, and
/// counts toward both lockouts like a wrong password.
pub fn sign_in(
    hub: &Hub,
    staff_id: Uuid,
    password: &str,
    code: Option<&str>,
    from: IpAddr,
) -> Result<NewSession, HubError> {
    let now = hub.now();
    let store = hub.store();
    let by_address = hub.staff_sign_in_failures();
    if !by_address.has_room(&from) {
        tracing::warn!(%from, "staff sign-in refused: too many failures from this address");
        return Err(ErrorCode::StaffLocked.into());
    }
    let address_failed = |code: ErrorCode| {
        let _ = by_address.take(&from);
        HubError::Refused(code)
    };
    let failed = ErrorCode::StaffSignInFailed;
    let Some(staff) = store.staff(staff_id)? else {
        return Err(address_failed(failed));
    };
    let Some(creds) = store.staff_credentials(staff_id)? else {
        return Err(address_failed(failed));
    };
    if creds.locked_until.is_some_and(|t| t > now) {
        return Err(ErrorCode::StaffLocked.into());
    }
    let Some(phc) = creds.password_hash.as_deref() else {
        return Err(address_failed(failed));
    };
    let right = PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    let account_failed = |code: ErrorCode| -> Result<NewSession, HubError> {
        let failures = creds.failures + 1;
        store.set_staff_failures(staff_id, failures, lock_for(failures).map(|d| now + d))?;
        Err(address_failed(code))
    };
    if !right {
        return account_failed(failed);
    }
    if creds.disabled_at.is_some() {
        return Err(ErrorCode::StaffDisabled.into());
    }
    if let Some(secret) = &creds.totp {
        let Some(code) = code else {
            return Err(ErrorCode::StaffTotpRequired.into());
        };
        if !code_accepted(hub, staff_id, secret, code)? {
            return account_failed(ErrorCode::StaffTotpInvalid);
        }
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
        totp: creds.totp.is_some(),
    })
}

/// Whether `code` is the authenticator's code within a step of now and of a step not used before
/// (recording it as used).
fn code_accepted(
    hub: &Hub,
    staff: Uuid,
    secret: &TotpSecret,
    code: &str,
) -> Result<bool, HubError> {
    match totp::verify(secret, code, totp::step_at(hub.now().timestamp())) {
        Some(step) => {
            let fresh = hub.store().use_totp_step(staff, step)?;
            if !fresh {
                // ASVS 2.8.5: a reused code is refused and logged (the staff id only, never the code).
                tracing::warn!(staff = %staff, "staff TOTP code refused: its step was already used");
            }
            Ok(fresh)
        }
        None => Ok(false),
    }
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
    if s.disabled || expired(s.created_at, s.last_seen, now) {
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

/// Signs out everywhere: every session of `staff` ends (this browser's too). How many there were.
pub fn sign_out_everywhere(hub: &Hub, staff: &Staff) -> Result<usize, HubError> {
    let n = hub.store().delete_staff_sessions(staff.id)?;
    tracing::info!(staff = %staff.id, sessions = n, "staff signed out everywhere");
    Ok(n)
}

/// Switches a staff account off (`admin staff disable`): its sessions end at once, its next request
/// answers 401, and sign-in answers `staff_disabled` even with the right password.
pub fn disable(hub: &Hub, staff: Uuid) -> Result<Staff, HubError> {
    let s = crate::admin::staff::resolve(hub, staff)?;
    hub.store().set_staff_disabled(s.id, Some(hub.now()))?;
    tracing::info!(staff = %s.id, "staff account switched off");
    Ok(s)
}

/// Switches a staff account back on; they sign in again with their password (and code).
pub fn enable(hub: &Hub, staff: Uuid) -> Result<Staff, HubError> {
    let s = crate::admin::staff::resolve(hub, staff)?;
    hub.store().set_staff_disabled(s.id, None)?;
    tracing::info!(staff = %s.id, "staff account switched on");
    Ok(s)
}

/// Begins enrolling an authenticator: a fresh secret, kept pending until a code from it confirms it
/// (so a mistyped or unscanned secret never locks anyone out). Shown once; a second call replaces it.
pub fn totp_begin(hub: &Hub, staff: &Staff) -> Result<TotpEnrolment, HubError> {
    let store = hub.store();
    let creds = store
        .staff_credentials(staff.id)?
        .ok_or(HubError::Refused(ErrorCode::Unauthorized))?;
    if creds.totp.is_some() {
        return Err(ErrorCode::StaffTotpEnabled.into());
    }
    let secret = TotpSecret::generate();
    store.put_totp_pending(staff.id, &secret)?;
    Ok(TotpEnrolment {
        secret: secret.base32(),
        uri: secret.uri(TOTP_ISSUER, &staff.name),
    })
}

/// Confirms enrolment with a code from the new authenticator: from then on sign-in needs a code.
pub fn totp_confirm(hub: &Hub, staff: &Staff, code: &str) -> Result<(), HubError> {
    let store = hub.store();
    let creds = store
        .staff_credentials(staff.id)?
        .ok_or(HubError::Refused(ErrorCode::Unauthorized))?;
    if creds.totp.is_some() {
        return Err(ErrorCode::StaffTotpEnabled.into());
    }
    let Some(pending) = creds.totp_pending else {
        return Err(ErrorCode::BadRequest.into());
    };
    let Some(step) = totp::verify(&pending, code, totp::step_at(hub.now().timestamp())) else {
        return Err(ErrorCode::StaffTotpInvalid.into());
    };
    if !store.confirm_totp(staff.id, step)? {
        return Err(ErrorCode::BadRequest.into());
    }
    tracing::info!(staff = %staff.id, "staff second factor switched on");
    Ok(())
}

/// Switches the second factor off; it takes a current code, and a wrong one counts toward the
/// account's lockout as at sign-in (a session left open is not enough to drop the second factor).
pub fn totp_disable(hub: &Hub, staff: &Staff, code: &str) -> Result<(), HubError> {
    let now = hub.now();
    let store = hub.store();
    let creds = store
        .staff_credentials(staff.id)?
        .ok_or(HubError::Refused(ErrorCode::Unauthorized))?;
    let Some(secret) = &creds.totp else {
        store.clear_totp(staff.id)?;
        return Ok(());
    };
    if creds.locked_until.is_some_and(|t| t > now) {
        return Err(ErrorCode::StaffLocked.into());
    }
    if !code_accepted(hub, staff.id, secret, code)? {
        let failures = creds.failures + 1;
        store.set_staff_failures(staff.id, failures, lock_for(failures).map(|d| now + d))?;
        return Err(ErrorCode::StaffTotpInvalid.into());
    }
    store.clear_totp(staff.id)?;
    tracing::info!(staff = %staff.id, "staff second factor switched off");
    Ok(())
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
