//! What the store keeps for staff sign-in: passwords (as argon2id PHC strings), one-time setup links,
//! the wrong-password count behind the lockout, and sessions. Secrets arrive here already hashed.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;

/// A staff member's password state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCredentials {
    /// `None` until the first password is set through the setup link.
    pub password_hash: Option<String>,
    /// Wrong passwords since the last right one.
    pub failures: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A signed-in staff session, found by the sha256 of its cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub staff_id: Uuid,
    pub csrf_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
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
}
