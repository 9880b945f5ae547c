//! Push: the pending outbox in device-sequence order, in batches of at most 500, photos of a report uploaded
//! (idempotently) before the op that refers to them. A lost answer leaves the ops pending; the next push
//! sends the same op ids and the hub answers its stored results.
use crate::http::HubClient;
use crate::store;
use crate::transparency::{self, Expect, LogProblem};
use crate::views::{CoreEvent, SyncOutcome};
use crate::{messages, photos, CoreError, Profile};
use linli_proto::limits::PUSH_BATCH_MAX;
use linli_proto::{LogReceipt, Op, OpBody, OpStatus, PushRequest};
use std::collections::HashMap;

pub(super) async fn push(
    profile: &Profile,
    client: &HubClient,
    outcome: &mut SyncOutcome,
    problems: &mut Vec<LogProblem>,
) -> Result<(), CoreError> {
    let log_pinned = store::settings::get(&profile.db(), store::settings::LOG_KEY)?.is_some();
    loop {
        let batch = within_body_limit(store::outbox::pending(&profile.db(), PUSH_BATCH_MAX)?);
        if batch.is_empty() {
            return Ok(());
        }
        upload_photos(profile, client, &batch, outcome).await?;
        let resp = client.push(&PushRequest { ops: batch.clone() }).await?;
        let by_id: HashMap<_, _> = batch.iter().map(|op| (op.id, op)).collect();
        let lang = profile.language();
        let mut rejected = Vec::new();
        let mut progressed = 0;
        let mut deferred = false;
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
                        deferred = true;
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
        // Deferred ops wait for the next sync; an answer that settled nothing must not loop forever.
        if deferred || progressed == 0 {
            return Ok(());
        }
    }
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

/// The hub takes JSON bodies up to 1 MiB; 500 long reports are more than that. Keep a batch (a prefix, so
/// sequence order holds) under this many bytes; one op alone always fits.
const PUSH_BODY_BUDGET: usize = 768 * 1024;

fn within_body_limit(mut ops: Vec<Op>) -> Vec<Op> {
    let mut bytes = 0;
    let mut keep = 0;
    for op in &ops {
        bytes += serde_json::to_vec(op).map(|v| v.len()).unwrap_or(0) + 1;
        if keep > 0 && bytes > PUSH_BODY_BUDGET {
            break;
        }
        keep += 1;
    }
    ops.truncate(keep);
    ops
}

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
