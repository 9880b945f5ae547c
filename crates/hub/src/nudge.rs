//! Targeted live nudges. Every commit moves the hub-wide change-log position ([`Hub::notify`]); one
//! dispatcher per serving hub reads what was committed since it last looked ([`Store::committed_after`])
//! and wakes only the devices each entry concerns: its community, building, household or resident, or
//! a principal the device acts for as proxy ([`Store::nudge_audiences`]). A device's stream then sends
//! at most one `changed` per [`NUDGE_MIN_GAP`], carrying its community's feed position, so a burst of
//! votes costs each device one pull, not one per vote.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::hub::Hub;
use crate::store::{Audience, Committed};

/// The least time between two nudges to one device.
pub const NUDGE_MIN_GAP: Duration = Duration::from_secs(1);

/// Entries read per round; a bigger backlog is read in several.
const BATCH: u32 = 2_000;

struct Sub {
    audiences: Vec<Audience>,
    /// The resident themself, among `audiences`.
    own: Audience,
    /// The newest community feed position this device was woken for, and whether an entry for the
    /// resident themself was among what woke it (a proxy grant given or ended changes what the device
    /// is woken for, so the stream asks again: see [`Registry::set_audiences`]).
    tx: watch::Sender<Wake>,
}

/// What a device's stream is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wake {
    pub head: i64,
    pub own: bool,
}

/// The devices holding `/v1/events` open, with what each is woken for.
#[derive(Default, Clone)]
pub struct Registry {
    subs: Arc<Mutex<HashMap<u64, Sub>>>,
    next: Arc<AtomicU64>,
}

/// A device's place in the registry; dropping it (the stream closed) removes it.
pub struct Subscription {
    registry: Registry,
    id: u64,
    pub rx: watch::Receiver<Wake>,
}

impl Subscription {
    /// What woke the device, marking the resident's own entries seen (without waking it again).
    pub fn take_wake(&mut self) -> Wake {
        let wake = *self.rx.borrow_and_update();
        if wake.own {
            if let Some(sub) = self.registry.lock().get(&self.id) {
                sub.tx.send_if_modified(|w| {
                    w.own = false;
                    false
                });
            }
        }
        wake
    }

    /// Replaces what this device is woken for (after a grant to it began or ended).
    pub fn set_audiences(&self, audiences: Vec<Audience>) {
        if let Some(sub) = self.registry.lock().get_mut(&self.id) {
            sub.audiences = audiences;
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Sub>> {
        self.subs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a device of resident `own` woken for `audiences`, starting at feed position `head`.
    pub fn subscribe(&self, own: Audience, audiences: Vec<Audience>, head: i64) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = watch::channel(Wake { head, own: false });
        self.lock().insert(id, Sub { audiences, own, tx });
        Subscription {
            registry: self.clone(),
            id,
            rx,
        }
    }

    /// How many devices are listening.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Wakes every device one of `entries` concerns, with the newest feed position among them.
    pub fn wake(&self, entries: &[Committed]) {
        let mut newest: HashMap<Audience, i64> = HashMap::new();
        for e in entries {
            let at = newest.entry(e.audience).or_insert(e.cseq);
            *at = (*at).max(e.cseq);
        }
        for sub in self.lock().values() {
            let Some(at) = sub.audiences.iter().filter_map(|a| newest.get(a)).max() else {
                continue;
            };
            let own = newest.contains_key(&sub.own);
            sub.tx.send_if_modified(|w| {
                if *at > w.head || (own && !w.own) {
                    w.head = w.head.max(*at);
                    w.own |= own;
                    true
                } else {
                    false
                }
            });
        }
    }
}

/// Follows the hub-wide position until `closing`, waking the devices each new entry concerns.
pub async fn dispatch(hub: Hub, mut closing: watch::Receiver<bool>) {
    let mut heads = hub.subscribe();
    let store = hub.store_arc();
    let mut seen = *heads.borrow_and_update();
    loop {
        loop {
            let s = store.clone();
            let read = tokio::task::spawn_blocking(move || s.committed_after(seen, BATCH)).await;
            let entries = match read {
                Ok(Ok(e)) => e,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "reading committed changes failed");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reading committed changes failed");
                    break;
                }
            };
            let Some(last) = entries.last() else { break };
            seen = last.seq;
            hub.nudges().wake(&entries);
            if entries.len() < BATCH as usize {
                break;
            }
        }
        tokio::select! {
            r = heads.changed() => if r.is_err() { return },
            _ = closing.wait_for(|c| *c) => return,
        }
    }
}
