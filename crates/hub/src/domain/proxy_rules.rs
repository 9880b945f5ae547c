//! Rules of authorized proxies (亲友代办) that don't depend on storage: which scope each op needs, whether a
//! grant allows an act at a given moment, how long a grant may last, and the one-time authorization codes.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, GrantStatus, OpBody, ProxyScope, GRANT_DEFAULT_DAYS, GRANT_MAX_DAYS};
use rand::Rng;
use sha2::{Digest, Sha256};

/// Limits per community unless staff set others.
pub const DEFAULT_MAX_PROXIES: i64 = 3;
pub const DEFAULT_MAX_PRINCIPALS: i64 = 5;

/// The scope a proxy needs to push this op for someone.
pub fn scope_for(body: &OpBody) -> ProxyScope {
    match body {
        OpBody::CreateReport { .. }
        | OpBody::CommentReport { .. }
        | OpBody::WithdrawReport { .. }
        | OpBody::RateReport { .. }
        | OpBody::ReopenReport { .. } => ProxyScope::Report,
        OpBody::CastVote { .. } => ProxyScope::Vote,
        OpBody::MarkNoticeRead { .. } => ProxyScope::ReadNotices,
    }
}

/// A grant's facts as stored.
#[derive(Debug, Clone)]
pub struct GrantFacts {
    /// `active`, `revoked` or `given_up` (what was written; expiry is computed).
    pub stored: GrantStatus,
    pub expires_at: DateTime<Utc>,
    pub scopes: Vec<ProxyScope>,
}

impl GrantFacts {
    /// Where the grant stands at `now` (the hub's clock): a stored `active` past `expires_at` is `expired`.
    pub fn status_at(&self, now: DateTime<Utc>) -> GrantStatus {
        match self.stored {
            GrantStatus::Active if now >= self.expires_at => GrantStatus::Expired,
            s => s,
        }
    }
}

/// Whether the grant (if any) lets its proxy act at `now`, needing `scope` (or any scope when `None`, e.g.
/// to read the principal's community and address book). Every refusal has its own code so the proxy
/// learns why.
pub fn allows(
    grant: Option<&GrantFacts>,
    scope: Option<ProxyScope>,
    now: DateTime<Utc>,
) -> Result<(), ErrorCode> {
    let Some(g) = grant else {
        return Err(ErrorCode::ProxyNotGranted);
    };
    match g.status_at(now) {
        GrantStatus::Active => {}
        GrantStatus::Revoked => return Err(ErrorCode::ProxyGrantRevoked),
        GrantStatus::GivenUp => return Err(ErrorCode::ProxyGrantGivenUp),
        GrantStatus::Expired => return Err(ErrorCode::ProxyGrantExpired),
    }
    match scope {
        Some(s) if !g.scopes.contains(&s) => Err(ErrorCode::ProxyScopeMissing),
        _ => Ok(()),
    }
}

/// The grant's length in days: 365 by default, 1 to 1096 (36 months) when chosen.
pub fn grant_days(days: Option<i64>) -> Result<i64, ErrorCode> {
    let d = days.unwrap_or(GRANT_DEFAULT_DAYS);
    if (1..=GRANT_MAX_DAYS).contains(&d) {
        Ok(d)
    } else {
        Err(ErrorCode::ProxyDaysOutOfRange)
    }
}

/// Scopes as stored in one column, e.g. `read_notices,vote`.
pub fn scopes_to_column(scopes: &[ProxyScope]) -> String {
    let mut s: Vec<ProxyScope> = scopes.to_vec();
    s.sort();
    s.dedup();
    s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",")
}

/// No 0/O, 1/I/L, as for invitation codes: read aloud over the phone, typed by a relative.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 31^10 ≈ 2^49.5 codes; with at most 5 wrong tries a minute per address and 24 hours of validity a
/// guess is hopeless.
const CODE_LEN: usize = 10;

/// A new code in stored (normalized) form.
pub fn generate_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// How a code is shown: `ABCDE-FGHJK`.
pub fn display_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_owned()
    }
}

/// What was typed, in stored form (case-insensitive, dashes and spaces ignored); `None` when it can't be
/// a code at all.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// What the hub stores instead of the code.
pub fn hash_code(code: &str) -> String {
    hex::encode(Sha256::digest(
        format!("linli-proxy-code:{code}").as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn facts(stored: GrantStatus, scopes: &[ProxyScope]) -> GrantFacts {
        GrantFacts {
            stored,
            expires_at: Utc::now() + Duration::days(1),
            scopes: scopes.to_vec(),
        }
    }

    #[test]
    fn every_grant_state_answers_its_own_code() {
        let now = Utc::now();
        let all = ProxyScope::ALL;
        assert_eq!(allows(None, None, now), Err(ErrorCode::ProxyNotGranted));
        assert_eq!(
            allows(Some(&facts(GrantStatus::Revoked, &all)), None, now),
            Err(ErrorCode::ProxyGrantRevoked)
        );
        assert_eq!(
            allows(Some(&facts(GrantStatus::GivenUp, &all)), None, now),
            Err(ErrorCode::ProxyGrantGivenUp)
        );
        let active = facts(GrantStatus::Active, &[ProxyScope::Vote]);
        assert_eq!(allows(Some(&active), Some(ProxyScope::Vote), now), Ok(()));
        assert_eq!(
            allows(Some(&active), Some(ProxyScope::Report), now),
            Err(ErrorCode::ProxyScopeMissing)
        );
        assert_eq!(
            allows(Some(&active), None, now + Duration::days(2)),
            Err(ErrorCode::ProxyGrantExpired)
        );
    }

    #[test]
    fn grant_length_is_bounded() {
        assert_eq!(grant_days(None), Ok(365));
        assert_eq!(grant_days(Some(1096)), Ok(1096));
        assert_eq!(grant_days(Some(1097)), Err(ErrorCode::ProxyDaysOutOfRange));
        assert_eq!(grant_days(Some(0)), Err(ErrorCode::ProxyDaysOutOfRange));
    }

    #[test]
    fn codes_round_trip_and_hash_differently() {
        let a = generate_code();
        assert_eq!(
            normalize_code(&display_code(&a).to_lowercase()),
            Some(a.clone())
        );
        assert_eq!(normalize_code("ABCDE-FGHJ0"), None);
        assert_ne!(hash_code(&a), hash_code(&generate_code()));
        assert_eq!(hash_code(&a).len(), 64);
    }
}
