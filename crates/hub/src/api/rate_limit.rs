//! Failed invitation redeems per source address: after a few wrong codes in a minute, that address
//! waits. Kept in memory: a restart forgets, which is fine for a brute-force brake.
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per address within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct FailedAttempts {
    by_addr: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl FailedAttempts {
    /// Whether this address used up its failures for now.
    pub fn is_limited(&self, addr: IpAddr) -> bool {
        let mut map = self.by_addr.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match map.get_mut(&addr) {
            Some(q) => {
                while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
                    q.pop_front();
                }
                q.len() >= MAX_FAILURES
            }
            None => false,
        }
    }

    pub fn record_failure(&self, addr: IpAddr) {
        let mut map = self.by_addr.lock().unwrap_or_else(|p| p.into_inner());
        // Forget quiet addresses now and then so the map doesn't grow without bound.
        if map.len() > 10_000 {
            let now = Instant::now();
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) <= WINDOW));
        }
        map.entry(addr).or_default().push_back(Instant::now());
    }
}
