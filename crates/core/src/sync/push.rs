//! Push: the pending outbox in device-sequence order, in batches of at most 500, photos of a report uploaded
//! (idempotently) before the op that refers to them. A lost answer leaves the ops pending; the next push
//! sends the same op ids and the hub answers its stored results.
//!
//! Pipelined: once a batch is answered, the next batch (or, after the last, the first pull page) is sent
//! before the answer is kept, so the hub and the line work while the device writes its outbox. The hub
//! still sees one device's batches one after another, each sent only after the previous was answered.
use super::pull::{self, Prefetched};
use crate::http::HubClient;
use crate::store;
use crate::transparency::{self, Expect, LogProblem};
use crate::views::{CoreEvent, SyncOutcome};
use crate::{messages, photos, CoreError, Profile};
use linli_proto::limits::PUSH_BATCH_MAX;
use linli_proto::{LogReceipt, Op, OpBody, OpStatus, PushResponse};
use std::collections::HashMap;

pub(super) async fn push(
    profile: &Profile,
    client: &HubClient,
    outcome: &mut SyncOutcome,
    problems: &mut Vec<LogProblem>,
) -> Result<Option<Prefetched>, CoreError> {
    let log_pinned = store::settings::get(&profile.db(), store::settings::LOG_KEY)?.is_some();
    let Some(mut batch) = Batch::read(profile, i64::MIN)? else {
        return Ok(Some(pull::prefetch(profile, client)?));
    };
    upload_photos(profile, client, &batch.ops, outcome).await?;
    let mut answer = send(client, &mut batch);
    loop {
        let resp = answer
            .await
            .map_err(|e| CoreError::Protocol(e.to_string()))??;
        let deferred = resp.results.iter().any(|r| r.status == OpStatus::Deferred);
        // The hub works on what comes next (the following batch, or the first pull page) while this
        // answer is kept: on a slow line that overlaps the round trip with the device's own work.
        let mut following = if deferred {
            None
        } else {
            Batch::read(profile, batch.last_seq())?
        };
        let next = match following.as_mut() {
            Some(b) => {
                upload_photos(profile, client, &b.ops, outcome).await?;
                Next::Push(send(client, b))
            }
            None => Next::Pull(pull::prefetch(profile, client)?),
        };
        let progressed = keep_answer(profile, &batch.ops, &resp, log_pinned, outcome, problems)?;
        // Deferred ops wait for the next sync; an answer that settled nothing must not loop forever.
        match next {
            Next::Push(a) if progressed > 0 => {
                answer = a;
                batch = following.take().unwrap_or_default();
            }
            // The following push, if sent, is answered with the same results next time.
            Next::Push(_) => return Ok(None),
            Next::Pull(p) => return Ok(Some(p)),
        }
    }
}

/// What was sent while an answer was being kept.
enum Next {
    Push(tokio::task::JoinHandle<Result<PushResponse, CoreError>>),
    Pull(Prefetched),
}

/// Ops to push, in device-sequence order, and their request body.
#[derive(Default)]
struct Batch {
    ops: Vec<Op>,
    body: Vec<u8>,
}

impl Batch {
    /// The pending ops after device sequence `after`: at most [`PUSH_BATCH_MAX`] and (one op alone
    /// always goes) at most [`PUSH_BODY_BUDGET`] bytes of JSON. `None` when nothing is pending.
    fn read(profile: &Profile, after: i64) -> Result<Option<Batch>, CoreError> {
        let ops = store::outbox::pending_after(&profile.db(), after, PUSH_BATCH_MAX)?;
        let mut body = b"{\"ops\":[".to_vec();
        let mut keep = 0;
        for op in &ops {
            let json = serde_json::to_vec(op)?;
            if keep > 0 && body.len() + json.len() + 2 > PUSH_BODY_BUDGET {
                break;
            }
            if keep > 0 {
                body.push(b',');
            }
            body.extend_from_slice(&json);
            keep += 1;
        }
        body.extend_from_slice(b"]}");
        let mut ops = ops;
        ops.truncate(keep);
        Ok((!ops.is_empty()).then_some(Batch { ops, body }))
    }

    fn last_seq(&self) -> i64 {
        self.ops.last().map_or(i64::MIN, |op| op.device_seq)
    }
}

/// Sends a batch in its own task, so it travels while the caller keeps working.
fn send(
    client: &HubClient,
    batch: &mut Batch,
) -> tokio::task::JoinHandle<Result<PushResponse, CoreError>> {
    let (client, body) = (client.clone(), std::mem::take(&mut batch.body));
    tokio::spawn(async move { client.push_body(body).await })
}

/// Keeps the hub's answer for `ops` in one transaction; returns how many ops it settled.
fn keep_answer(
    profile: &Profile,
    ops: &[Op],
    resp: &PushResponse,
    log_pinned: bool,
    outcome: &mut SyncOutcome,
    problems: &mut Vec<LogProblem>,
) -> Result<usize, CoreError> {
    let by_id: HashMap<_, _> = ops.iter().map(|op| (op.id, op)).collect();
    let lang = profile.language();
    let mut rejected = Vec::new();
    let mut progressed = 0;
    {
        let mut db = profile.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for result in &resp.results {
            let Some(op) = by_id.get(&result.op_id) else {
                continue;
            };
            let op_id = op.id.to_string();
            match result.status {
                OpStatus::Applied => {
                    store::outbox::mark_applied(&tx, &op_id, result.version)?;
                    if log_pinned {
                        keep_receipt(&tx, op, result.receipt.as_ref(), problems)?;
                    }
                    outcome.applied += 1;
                    progressed += 1;
                }
                OpStatus::Rejected => {
                    store::outbox::remove(&tx, &op_id)?;
                    rejected.push(keep_refusal(&tx, op, result, lang)?);
                    outcome.rejected += 1;
                    progressed += 1;
                }
                OpStatus::Deferred => {
                    store::outbox::bump_attempts(&tx, &op_id)?;
                    outcome.deferred += 1;
                }
            }
        }
        tx.commit()?;
    }
    for message in rejected {
        profile.emit(CoreEvent::OpRejected { message });
    }
    if progressed > 0 {
        profile.emit(CoreEvent::DataChanged);
    }
    profile.emit_status();
    Ok(progressed)
}

/// Keeps the receipt of an applied op the hub logs (votes, withdrawals, reopenings); one that is
/// missing or does not say what the resident did is a problem.
fn keep_receipt(
    conn: &rusqlite::Connection,
    op: &Op,
    receipt: Option<&LogReceipt>,
    problems: &mut Vec<LogProblem>,
) -> Result<(), CoreError> {
    let (expect, target) = match &op.body {
        OpBody::CastVote {
            consultation_id,
            option_ids,
        } => (
            Expect::Vote {
                consultation: *consultation_id,
                options: option_ids,
            },
            consultation_id,
        ),
        OpBody::WithdrawReport { report_id } | OpBody::ReopenReport { report_id, .. } => {
            (Expect::OwnReportStatus { report: *report_id }, report_id)
        }
        _ => return Ok(()),
    };
    match receipt {
        Some(r) => transparency::keep(conn, r, &expect, &target.to_string(), problems),
        None => {
            problems.push(LogProblem::ReceiptMissing);
            Ok(())
        }
    }
}

/// The hub takes JSON bodies up to 1 MiB; 500 long reports are more than that. A batch (a prefix, so
/// sequence order holds) stays under this many bytes; one op alone always goes.
const PUSH_BODY_BUDGET: usize = 768 * 1024;

async fn upload_photos(
    profile: &Profile,
    client: &HubClient,
    batch: &[Op],
    outcome: &mut SyncOutcome,
) -> Result<(), CoreError> {
    let mut todo = Vec::new();
    {
        let db = profile.db();
        for op in batch {
            if let OpBody::CreateReport { photos, .. } = &op.body {
                for sha in photos {
                    if !store::photos::is_uploaded(&db, sha)? && !todo.contains(sha) {
                        todo.push(sha.clone());
                    }
                }
            }
        }
    }
    let total = todo.len();
    for (i, sha) in todo.into_iter().enumerate() {
        let path = photos::path_of(&profile.photos_dir(), &sha, false)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            // Gone from the device: the hub will refuse the report with `blob_missing`, and the resident is told.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        match client.put_blob(&sha, photos::MIME, bytes).await {
            Ok(()) => {}
            // The hub refuses this photo for good: don't block the outbox on it. The report that needs it
            // is then refused (`blob_missing`) and the resident is told.
            Err(CoreError::Hub { status, code, .. })
                if (400..500).contains(&status) && status != 401 && status != 429 =>
            {
                tracing::warn!(%code, "the hub refused a photo");
                continue;
            }
            Err(e) => return Err(e),
        }
        store::photos::mark_uploaded(&profile.db(), &sha)?;
        outcome.photos_uploaded += 1;
        profile.emit(CoreEvent::PhotoUploaded {
            sha256: sha,
            done: i + 1,
            total,
        });
    }
    Ok(())
}

/// Keeps the hub's refusal of `op` as a message for the resident (with the hub's own words); answers the
/// one line the sync reports for it.
pub(super) fn keep_refusal(
    tx: &rusqlite::Connection,
    op: &linli_proto::Op,
    result: &linli_proto::OpResult,
    lang: linli_i18n::Lang,
) -> Result<String, CoreError> {
    let code = result.code.map(|c| c.as_str()).unwrap_or("internal");
    store::messages::insert(
        tx,
        op.body.kind(),
        &store::outbox::target(&op.body),
        code,
        result.message.as_deref(),
    )?;
    Ok(messages::one_line(lang, op.body.kind(), code))
}
