//! Request throttling: a token bucket per key (a device's token hash, an address, a code), kept in memory.
//! A bucket holds up to `burst` requests and refills at `per_minute`; an empty bucket answers 429
//! `rate_limited` with `Retry-After`. A restart forgets every bucket, which is fine for a brake on a
//! runaway or hostile device. The per-device layer of the API sits on top; other callers (code
//! redemption) can keep their own [`Buckets`].
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use linli_proto::ErrorCode;

use super::AppState;
use crate::domain::token;
use crate::error::ApiError;

/// How fast one key may go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Sustained requests per minute.
    pub per_minute: u32,
    /// Requests allowed at once after a quiet spell.
    pub burst: u32,
}

impl Rate {
    /// Failed invitation redeems across the whole hub, from every address together: with 31⁸ possible
    /// codes this keeps a guesser spread over many addresses to about a million guesses a week, so even
    /// with a thousand codes outstanding a hit stays near one in a thousand. Residents typing a code
    /// wrong now and then are far below it.
    pub const JOIN_FAILURES_HUB_WIDE: Rate = Rate {
        per_minute: 100,
        burst: 200,
    };

    /// Failed staff sign-ins (wrong passwords or codes, unknown ids) from one address, whatever accounts
    /// they were for: twenty at once, then one every thirty seconds. An office behind one address with
    /// a clerk mistyping now and then stays far below it; a guesser trying many accounts is slowed to
    /// 2,880 guesses a day however many accounts it spreads them over (each account also locks itself).
    pub const STAFF_SIGN_IN_FAILURES_PER_ADDRESS: Rate = Rate {
        per_minute: 2,
        burst: 20,
    };

    /// The default per Open311 API key (`serve --open311-requests-per-minute`): a city system
    /// polling `GET requests` every few seconds and POSTing its cases stays far below it; one that
    /// floods waits, and only that key waits (every key has its own bucket).
    pub const OPEN311_KEY_DEFAULT: Rate = Rate {
        per_minute: 120,
        burst: 60,
    };

    /// The default for devices: far above what a resident's app does (a full first sync of a large
    /// community pulls a few hundred pages and photos), far below what a script hammering the hub does.
    pub const DEVICE_DEFAULT: Rate = Rate {
        per_minute: 3000,
        burst: 1000,
    };
}

/// Keys not seen for this long are dropped when the map grows.
const IDLE: Duration = Duration::from_secs(600);
const PRUNE_ABOVE: usize = 10_000;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key.
pub struct Buckets<K> {
    rate: Mutex<Rate>,
    map: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    pub fn new(rate: Rate) -> Self {
        Buckets {
            rate: Mutex::new(rate),
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn rate(&self) -> Rate {
        *self.rate.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the rate for every key (buckets keep their level, capped at the new burst).
    pub fn set_rate(&self, rate: Rate) {
        *self.rate.lock().unwrap_or_else(|p| p.into_inner()) = rate;
    }

    /// Takes one request from `key`'s bucket, or says how long until one is free.
    pub fn take(&self, key: &K) -> Result<(), Duration> {
        self.take_at(key, Instant::now())
    }

    /// Whether `key` could take a request now, without taking it (for budgets spent only on failures).
    pub fn has_room(&self, key: &K) -> bool {
        self.level_at(key, Instant::now()) >= 1.0
    }

    fn level_at(&self, key: &K, now: Instant) -> f64 {
        let rate = self.rate();
        let burst = f64::from(rate.burst.max(1));
        let per_sec = f64::from(rate.per_minute.max(1)) / 60.0;
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some(b) => {
                (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_sec).min(burst)
            }
            None => burst,
        }
    }

    fn take_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let rate = self.rate();
        let burst = f64::from(rate.burst.max(1));
        let per_sec = f64::from(rate.per_minute.max(1)) / 60.0;
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, b| now.saturating_duration_since(b.at) < IDLE);
        }
        let b = map.entry(key.clone()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * per_sec).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_sec))
        }
    }
}

/// A 429 `rate_limited` answer telling the caller when to come back.
pub fn too_many(retry_after: Duration) -> Response {
    let secs = retry_after.as_secs().max(1).to_string();
    let mut resp = ApiError(ErrorCode::RateLimited).into_response();
    if let Ok(v) = secs.parse() {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    resp
}

/// Middleware: requests that carry a bearer token take from that token's bucket. Requests without one
/// (join, the log, the OpenAPI document) are not counted here: join has its own brake on failures.
pub async fn per_device(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(token::hash);
    if let Some(key) = key {
        if let Err(wait) = state.hub.device_requests().take(&key) {
            return too_many(wait);
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_refill_rate() {
        let b = Buckets::new(Rate {
            per_minute: 60,
            burst: 3,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take_at(&"a", t0).is_ok());
        }
        let wait = b.take_at(&"a", t0).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1));
        assert!(
            b.take_at(&"b", t0).is_ok(),
            "other keys have their own bucket"
        );
        assert!(b.take_at(&"a", t0 + Duration::from_millis(1010)).is_ok());
        assert!(b.take_at(&"a", t0 + Duration::from_millis(1020)).is_err());
        // A long quiet spell refills only up to the burst.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(b.take_at(&"a", later).is_ok());
        }
        assert!(b.take_at(&"a", later).is_err());
    }

    #[test]
    fn the_rate_can_change_while_running() {
        let b = Buckets::new(Rate {
            per_minute: 60,
            burst: 1,
        });
        let t0 = Instant::now();
        assert!(b.take_at(&1, t0).is_ok());
        assert!(b.take_at(&1, t0).is_err());
        b.set_rate(Rate {
            per_minute: 60_000,
            burst: 10,
        });
        assert!(b.take_at(&1, t0 + Duration::from_millis(5)).is_ok());
    }

    #[test]
    fn room_is_checked_without_taking() {
        let b = Buckets::new(Rate {
            per_minute: 1,
            burst: 1,
        });
        assert!(b.has_room(&()));
        assert!(b.has_room(&()));
        b.take(&()).unwrap();
        assert!(!b.has_room(&()));
    }
}
