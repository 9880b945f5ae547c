//! Collecting witness cosignatures (C2SP tlog-witness, client side). While `serve` runs, a task looks
//! every [`COLLECT_INTERVAL`] at each community that has witnesses; when its log has grown past what a
//! witness cosigned, it signs the head (checkpoints stay lazily signed: nothing here runs inside a
//! push) and sends it to every such witness at once, each with the consistency proof from the size
//! that witness last cosigned. A witness that does not answer within [`WITNESS_TIMEOUT`] or fails is
//! tried again after a back-off that doubles up to [`MAX_BACKOFF`]; pushes never wait for any of it.
//!
//! A witness that answers 409 names the size it holds. Smaller than ours (its earlier cosignature was
//! lost here, say): the request is repeated once from that size. Larger than ours: the witness has
//! cosigned a longer history of this log than the hub holds — a rollback or a fork the office must
//! look into — and it is logged as an error.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use linli_tlog::{proof_to_base64, split_note, Checkpoint, CosignatureVerifier};
use tokio::sync::watch;
use uuid::Uuid;

use crate::hub::Hub;
use crate::store::witnesses::WitnessRow;

/// How often the collector looks for grown logs.
pub const COLLECT_INTERVAL: Duration = Duration::from_millis(500);
/// How long one witness may take to answer.
pub const WITNESS_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_BACKOFF: Duration = Duration::from_secs(2);
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Why one witness did not cosign.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("cannot reach the witness: {0}")]
    Unreachable(String),
    #[error("the witness does not know this log (404)")]
    UnknownLog,
    #[error("the witness holds a larger tree ({0} leaves) than this log")]
    WitnessAhead(u64),
    #[error("the witness refused the checkpoint: {status} {body}")]
    Refused { status: u16, body: String },
    #[error("the witness's answer is not its valid cosignature: {0}")]
    BadAnswer(String),
    #[error(transparent)]
    Hub(#[from] crate::error::HubError),
}

/// Retry state per (community, witness key).
#[derive(Default)]
pub struct Backoff(HashMap<(Uuid, String), (Instant, Duration)>);

impl Backoff {
    fn ready(&self, key: &(Uuid, String), now: Instant) -> bool {
        self.0.get(key).is_none_or(|(at, _)| *at <= now)
    }

    fn failed(&mut self, key: (Uuid, String), now: Instant) {
        let next = self
            .0
            .get(&key)
            .map_or(FIRST_BACKOFF, |(_, d)| (*d * 2).min(MAX_BACKOFF));
        self.0.insert(key, (now + next, next));
    }

    fn succeeded(&mut self, key: &(Uuid, String)) {
        self.0.remove(key);
    }
}

/// Runs until `closing` turns true.
pub async fn run(hub: Hub, mut closing: watch::Receiver<bool>) {
    let client = match reqwest::Client::builder().timeout(WITNESS_TIMEOUT).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "witness client could not start; no cosignatures collected");
            return;
        }
    };
    let mut backoff = Backoff::default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(COLLECT_INTERVAL) => {}
            _ = closing.changed() => {}
        }
        if *closing.borrow() {
            return;
        }
        collect_once(&hub, &client, &mut backoff).await;
    }
}

async fn blocking<T: Send + 'static>(
    hub: &Hub,
    f: impl FnOnce(&Hub) -> Result<T, crate::error::HubError> + Send + 'static,
) -> Result<T, CollectError> {
    let h = hub.clone();
    tokio::task::spawn_blocking(move || f(&h))
        .await
        .map_err(|e| CollectError::Unreachable(format!("task: {e}")))?
        .map_err(CollectError::from)
}

/// One round over every witnessed community.
pub async fn collect_once(hub: &Hub, client: &reqwest::Client, backoff: &mut Backoff) {
    let communities = match blocking(hub, |h| Ok(h.store().witnessed_communities()?)).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "reading the witnessed communities failed");
            return;
        }
    };
    for community in communities {
        if let Err(e) = collect_community(hub, client, backoff, community).await {
            tracing::warn!(%community, error = %e, "collecting cosignatures failed");
        }
    }
}

async fn collect_community(
    hub: &Hub,
    client: &reqwest::Client,
    backoff: &mut Backoff,
    community: Uuid,
) -> Result<(), CollectError> {
    let (witnesses, note, sizes) = blocking(hub, move |h| {
        let set = h.store().witnesses(community)?;
        let note = h.log_checkpoint(community)?;
        let mut sizes = Vec::with_capacity(set.witnesses.len());
        for w in &set.witnesses {
            sizes.push(h.store().witness_size(community, &w.vkey)?);
        }
        Ok((set.witnesses, note, sizes))
    })
    .await?;
    let (text, _) = split_note(&note).ok_or(CollectError::BadAnswer("own note".into()))?;
    let size = Checkpoint::parse(text)
        .map_err(|e| CollectError::BadAnswer(format!("own checkpoint: {e}")))?
        .size;
    let now = Instant::now();
    let due: Vec<(WitnessRow, u64)> = witnesses
        .into_iter()
        .zip(sizes)
        .filter(|(w, cosigned)| {
            size > 0 && *cosigned < size && backoff.ready(&(community, w.vkey.clone()), now)
        })
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let asks = due
        .iter()
        .map(|(w, cosigned)| submit(hub, client, community, w, &note, text, size, *cosigned));
    let answers = join_all(asks).await;
    for ((w, _), answer) in due.into_iter().zip(answers) {
        let key = (community, w.vkey.clone());
        match answer {
            Ok(()) => backoff.succeeded(&key),
            Err(e) => {
                match &e {
                    CollectError::WitnessAhead(_) => {
                        tracing::error!(%community, witness = %w.name, error = %e, "a witness holds a longer history")
                    }
                    _ => {
                        tracing::warn!(%community, witness = %w.name, error = %e, "witness did not cosign")
                    }
                }
                backoff.failed(key, Instant::now());
            }
        }
    }
    Ok(())
}

/// Asks one witness to cosign `note` (the checkpoint of `size` leaves, whose text is `text`), from
/// the size it last cosigned; keeps its cosignature.
#[allow(clippy::too_many_arguments)]
async fn submit(
    hub: &Hub,
    client: &reqwest::Client,
    community: Uuid,
    w: &WitnessRow,
    note: &str,
    text: &str,
    size: u64,
    cosigned: u64,
) -> Result<(), CollectError> {
    let verifier = CosignatureVerifier::from_vkey(&w.vkey)
        .map_err(|e| CollectError::BadAnswer(format!("stored key: {e}")))?;
    let mut old = cosigned;
    // At most one retry, after a 409 that names a smaller size the witness holds.
    for _ in 0..2 {
        let proof = if old > 0 && old < size {
            blocking(hub, move |h| {
                Ok(h.store().log_consistency(community, old, size)?)
            })
            .await?
        } else {
            Vec::new()
        };
        let mut body = format!("old {old}\n");
        for line in proof_to_base64(&proof) {
            body.push_str(&line);
            body.push('\n');
        }
        body.push('\n');
        body.push_str(note);
        let resp = client
            .post(format!("{}/add-checkpoint", w.url))
            .body(body)
            .send()
            .await
            .map_err(|e| CollectError::Unreachable(e.without_url().to_string()))?;
        let status = resp.status().as_u16();
        let answer = resp
            .text()
            .await
            .map_err(|e| CollectError::Unreachable(e.without_url().to_string()))?;
        match status {
            200 => {
                verifier
                    .verify_lines(text, &answer)
                    .map_err(|e| CollectError::BadAnswer(e.to_string()))?;
                let line = answer
                    .lines()
                    .find(|l| verifier.verify_line(text, l).is_ok())
                    .unwrap_or_default()
                    .to_owned();
                let vkey = w.vkey.clone();
                blocking(hub, move |h| {
                    Ok(h.store()
                        .put_cosignature(community, size, &vkey, &line, h.now())?)
                })
                .await?;
                return Ok(());
            }
            409 => {
                let held: u64 = answer.trim().parse().map_err(|_| CollectError::Refused {
                    status,
                    body: answer.trim().to_owned(),
                })?;
                if held > size {
                    return Err(CollectError::WitnessAhead(held));
                }
                if held == old {
                    // Same size, another root: the witness cosigned another history of this size.
                    return Err(CollectError::Refused {
                        status,
                        body: format!("conflict at size {held}"),
                    });
                }
                old = held;
            }
            404 => return Err(CollectError::UnknownLog),
            _ => {
                return Err(CollectError::Refused {
                    status,
                    body: answer.chars().take(200).collect(),
                })
            }
        }
    }
    Err(CollectError::Refused {
        status: 409,
        body: "the witness's size kept changing".into(),
    })
}
