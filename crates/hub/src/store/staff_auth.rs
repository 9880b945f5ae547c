//! What the store keeps for staff sign-in: passwords (as argon2id PHC strings), one-time setup links,
//! the wrong-password count behind the lockout, sessions, accounts switched off, and the TOTP second
//! factor. Passwords and tokens arrive here already hashed; a TOTP secret must be kept as it is (the
//! hub computes codes from it), typed so that it never prints.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;
use crate::domain::totp::TotpSecret;

/// A staff member's password state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCredentials {
    /// `None` until the first password is set through the setup link.
    pub password_hash: Option<String>,
    /// Wrong passwords since the last right one.
    pub failures: i64,
    pub locked_until: Option<DateTime<Utc>>,
    /// Set while an admin has switched the account off.
    pub disabled_at: Option<DateTime<Utc>>,
    /// The confirmed second factor: sign-in needs a code from it.
    pub totp: Option<TotpSecret>,
    /// A secret shown at enrolment, waiting for its first code.
    pub totp_pending: Option<TotpSecret>,
    /// The last step a code was accepted for.
    pub totp_last_step: Option<i64>,
}

/// A signed-in staff session, found by the sha256 of its cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub staff_id: Uuid,
    pub csrf_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The staff member's account is switched off.
    pub disabled: bool,
}

pub trait StaffAuthStore {
    /// Keeps a setup link's token hash for `staff`, replacing any earlier unused link.
    fn put_setup_link(
        &self,
        staff: Uuid,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Uses up a setup link: sets `password_hash` for its staff member and forgets the link, in one
    /// transaction. `None` for an unknown, used or expired link.
    fn use_setup_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>>;
    fn staff_credentials(&self, staff: Uuid) -> StoreResult<Option<StaffCredentials>>;
    /// Records the wrong-password count and lockout after a sign-in attempt.
    fn set_staff_failures(
        &self,
        staff: Uuid,
        failures: i64,
        locked_until: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;
    fn insert_staff_session(
        &self,
        token_hash: &str,
        staff: Uuid,
        csrf_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    fn staff_session(&self, token_hash: &str) -> StoreResult<Option<StaffSession>>;
    fn touch_staff_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    fn delete_staff_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of `staff`; how many there were.
    fn delete_staff_sessions(&self, staff: Uuid) -> StoreResult<usize>;
    /// Switches an account off (`Some`: its sessions end in the same transaction) or on (`None`).
    fn set_staff_disabled(&self, staff: Uuid, at: Option<DateTime<Utc>>) -> StoreResult<()>;
    /// Keeps a secret awaiting confirmation, replacing any earlier one (the confirmed one stays).
    fn put_totp_pending(&self, staff: Uuid, secret: &TotpSecret) -> StoreResult<()>;
    /// Switches the pending secret on, with `step` as the last step used; false if none was pending.
    fn confirm_totp(&self, staff: Uuid, step: i64) -> StoreResult<bool>;
    /// Forgets both the confirmed and the pending secret.
    fn clear_totp(&self, staff: Uuid) -> StoreResult<()>;
    /// Records `step` as used if it is later than the last one used, atomically; false for a code of a
    /// step already used (or earlier), so a code works once even when two requests race.
    fn use_totp_step(&self, staff: Uuid, step: i64) -> StoreResult<bool>;
}
