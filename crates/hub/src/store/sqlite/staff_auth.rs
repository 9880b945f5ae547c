//! SQL for `staff_credentials`, `staff_setup_links` and `staff_sessions` (migrations 9 and 14).
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

use super::columns::{get_opt_ts, get_ts, get_uuid, ts};
use super::SqliteStore;
use crate::domain::totp::TotpSecret;
use crate::store::staff_auth::{StaffAuthStore, StaffCredentials, StaffSession};
use crate::store::StoreResult;

impl StaffAuthStore for SqliteStore {
    fn put_setup_link(
        &self,
        staff: Uuid,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "DELETE FROM staff_setup_links WHERE staff_id = ?1",
                [staff.to_string()],
            )?;
            c.execute(
                "INSERT INTO staff_setup_links (token_hash, staff_id, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash, staff.to_string(), ts(expires_at)],
            )?;
            Ok(())
        })
    }

    fn use_setup_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        self.write(|c| {
            let found = c
                .query_row(
                    "SELECT staff_id, expires_at FROM staff_setup_links WHERE token_hash = ?1",
                    [token_hash],
                    |r| Ok((get_uuid(r, 0)?, get_ts(r, 1)?)),
                )
                .optional()?;
            let Some((staff, expires_at)) = found else {
                return Ok(None);
            };
            c.execute(
                "DELETE FROM staff_setup_links WHERE token_hash = ?1",
                [token_hash],
            )?;
            if expires_at <= now {
                return Ok(None);
            }
            c.execute(
                "INSERT INTO staff_credentials (staff_id, password_hash, failures) VALUES (?1, ?2, 0)
                 ON CONFLICT (staff_id) DO UPDATE SET password_hash = ?2, failures = 0, locked_until = NULL",
                params![staff.to_string(), password_hash],
            )?;
            // A new password ends every session signed in with the old one.
            c.execute(
                "DELETE FROM staff_sessions WHERE staff_id = ?1",
                [staff.to_string()],
            )?;
            Ok(Some(staff))
        })
    }

    fn staff_credentials(&self, staff: Uuid) -> StoreResult<Option<StaffCredentials>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT password_hash, failures, locked_until, disabled_at, totp_secret,
                        totp_pending, totp_last_step
                 FROM staff_credentials WHERE staff_id = ?1",
                [staff.to_string()],
                |r| {
                    let secret = |i: usize| -> rusqlite::Result<Option<TotpSecret>> {
                        Ok(r.get::<_, Option<Vec<u8>>>(i)?.map(TotpSecret::from_bytes))
                    };
                    Ok(StaffCredentials {
                        password_hash: r.get(0)?,
                        failures: r.get(1)?,
                        locked_until: get_opt_ts(r, 2)?,
                        disabled_at: get_opt_ts(r, 3)?,
                        totp: secret(4)?,
                        totp_pending: secret(5)?,
                        totp_last_step: r.get(6)?,
                    })
                },
            )
            .optional()?)
        })
    }

    fn set_staff_failures(
        &self,
        staff: Uuid,
        failures: i64,
        locked_until: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "UPDATE staff_credentials SET failures = ?2, locked_until = ?3 WHERE staff_id = ?1",
                params![staff.to_string(), failures, locked_until.map(ts)],
            )?;
            Ok(())
        })
    }

    fn insert_staff_session(
        &self,
        token_hash: &str,
        staff: Uuid,
        csrf_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO staff_sessions (token_hash, staff_id, csrf_hash, created_at, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![token_hash, staff.to_string(), csrf_hash, ts(now)],
            )?;
            Ok(())
        })
    }

    fn staff_session(&self, token_hash: &str) -> StoreResult<Option<StaffSession>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT s.staff_id, s.csrf_hash, s.created_at, s.last_seen,
                        c.disabled_at IS NOT NULL
                 FROM staff_sessions s LEFT JOIN staff_credentials c ON c.staff_id = s.staff_id
                 WHERE s.token_hash = ?1",
                [token_hash],
                |r| {
                    Ok(StaffSession {
                        staff_id: get_uuid(r, 0)?,
                        csrf_hash: r.get(1)?,
                        created_at: get_ts(r, 2)?,
                        last_seen: get_ts(r, 3)?,
                        disabled: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
                    })
                },
            )
            .optional()?)
        })
    }

    fn touch_staff_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "UPDATE staff_sessions SET last_seen = ?2 WHERE token_hash = ?1",
                params![token_hash, ts(now)],
            )?;
            Ok(())
        })
    }

    fn delete_staff_session(&self, token_hash: &str) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "DELETE FROM staff_sessions WHERE token_hash = ?1",
                [token_hash],
            )?;
            Ok(())
        })
    }

    fn delete_staff_sessions(&self, staff: Uuid) -> StoreResult<usize> {
        self.write(|c| {
            Ok(c.execute(
                "DELETE FROM staff_sessions WHERE staff_id = ?1",
                [staff.to_string()],
            )?)
        })
    }

    fn set_staff_disabled(&self, staff: Uuid, at: Option<DateTime<Utc>>) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO staff_credentials (staff_id, failures, disabled_at) VALUES (?1, 0, ?2)
                 ON CONFLICT (staff_id) DO UPDATE SET disabled_at = ?2",
                params![staff.to_string(), at.map(ts)],
            )?;
            if at.is_some() {
                c.execute(
                    "DELETE FROM staff_sessions WHERE staff_id = ?1",
                    [staff.to_string()],
                )?;
            }
            Ok(())
        })
    }

    fn put_totp_pending(&self, staff: Uuid, secret: &TotpSecret) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "UPDATE staff_credentials SET totp_pending = ?2 WHERE staff_id = ?1",
                params![staff.to_string(), secret.as_bytes()],
            )?;
            Ok(())
        })
    }

    fn confirm_totp(&self, staff: Uuid, step: i64) -> StoreResult<bool> {
        self.write(|c| {
            Ok(c.execute(
                "UPDATE staff_credentials
                 SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?2
                 WHERE staff_id = ?1 AND totp_pending IS NOT NULL",
                params![staff.to_string(), step],
            )? == 1)
        })
    }

    fn clear_totp(&self, staff: Uuid) -> StoreResult<()> {
        self.write(|c| {
            c.execute(
                "UPDATE staff_credentials
                 SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
                 WHERE staff_id = ?1",
                [staff.to_string()],
            )?;
            Ok(())
        })
    }

    fn use_totp_step(&self, staff: Uuid, step: i64) -> StoreResult<bool> {
        self.write(|c| {
            Ok(c.execute(
                "UPDATE staff_credentials SET totp_last_step = ?2
                 WHERE staff_id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
                params![staff.to_string(), step],
            )? == 1)
        })
    }
}
