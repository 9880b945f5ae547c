//! Checking the hub's transparency log from the device: the key pinned at join, receipts for the
//! resident's own records, and on every sync the hub's latest checkpoint, which must be signed by
//! the pinned key and extend the last checkpoint this device verified, and must include every
//! receipt. A failed check is never silent: it becomes a [`LogProblem`], kept as a message for the
//! resident, broadcast as [`CoreEvent::LogCheckFailed`] and returned as [`CoreError::Log`] (the CLI
//! exits non-zero).
use crate::store::{self, settings};
use crate::views::{CoreEvent, TransparencyView};
use crate::{CoreError, Profile};
use chrono::{DateTime, Utc};
use linli_i18n::Lang;
use linli_proto::{Consultation, LogReceipt};
use linli_tlog::{
    commit, leaves_proof_from_base64, proof_from_base64, Checkpoint, Leaf, LeafKind, NoteVerifier,
    PolicyError, Record, Salt, Verifier, VerifyError, WitnessPolicy,
};
use rusqlite::Connection;
use uuid::Uuid;

/// What a failed check found. The codes are stable (messages `core-log-…`, the CLI, the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogProblem {
    /// The hub signs with another key than the one pinned at join.
    KeyChanged,
    /// The checkpoint is not validly signed by the pinned key, or is malformed.
    BadCheckpoint,
    /// The log is smaller than a checkpoint this device verified: records were deleted.
    Rollback,
    /// The log does not extend the last checkpoint this device verified: history was rewritten.
    Rewritten,
    /// One of this resident's records is not in the log where its receipt says.
    ReceiptMissing,
    /// A receipt does not open, or does not say what the resident did.
    ReceiptInvalid,
    /// A consultation's shown result differs from its final tally in the log.
    TallyMismatch,
    /// A pinned witness's cosignature on a checkpoint does not verify: the hub altered it.
    BadCosignature,
    /// The hub names other witnesses than the invitation slip (or than this device pinned).
    WitnessesDiffer,
}

impl LogProblem {
    pub const ALL: [LogProblem; 9] = [
        LogProblem::KeyChanged,
        LogProblem::BadCheckpoint,
        LogProblem::Rollback,
        LogProblem::Rewritten,
        LogProblem::ReceiptMissing,
        LogProblem::ReceiptInvalid,
        LogProblem::TallyMismatch,
        LogProblem::BadCosignature,
        LogProblem::WitnessesDiffer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LogProblem::KeyChanged => "log_key_changed",
            LogProblem::BadCheckpoint => "log_bad_checkpoint",
            LogProblem::Rollback => "log_rollback",
            LogProblem::Rewritten => "log_rewritten",
            LogProblem::ReceiptMissing => "log_receipt_missing",
            LogProblem::ReceiptInvalid => "log_receipt_invalid",
            LogProblem::TallyMismatch => "log_tally_mismatch",
            LogProblem::BadCosignature => "log_bad_cosignature",
            LogProblem::WitnessesDiffer => "log_witnesses_differ",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The plain warning for the resident.
    pub fn message(self, lang: Lang) -> String {
        linli_i18n::message(lang, &format!("core-{}", self.code().replace('_', "-")))
    }
}

/// `op_kind` of the messages a failed check leaves.
pub const MESSAGE_KIND: &str = "transparency_log";

/// How old the last log check may be before a sync without receipts of its own checks again. A hub
/// that rewrote history is still caught, by the next own vote or report change, by this timer, or by
/// `linli verify`; only how soon changes.
pub const LOG_CHECK_INTERVAL: chrono::Duration = chrono::Duration::minutes(10);

/// The witnesses a joining device pins from the hub's answer (`offered`), refused when they are not
/// the ones whose fingerprint the invitation slip printed (`printed`). Not recorded as a problem of
/// the profile: it has joined nothing.
pub(crate) fn witnesses_to_pin(
    offered: Option<&str>,
    printed: Option<&str>,
) -> Result<Option<WitnessPolicy>, CoreError> {
    let policy = offered
        .map(WitnessPolicy::parse)
        .transpose()
        .map_err(|e| CoreError::Protocol(format!("witnesses in the join answer: {e}")))?;
    if let Some(printed) = printed {
        if policy.as_ref().map(|p| p.fingerprint()).as_deref() != Some(printed.trim()) {
            return Err(CoreError::Log(LogProblem::WitnessesDiffer));
        }
    }
    Ok(policy)
}

/// How often, and how long apart, a device asks again for a checkpoint its witnesses have not yet
/// cosigned before it keeps the last witnessed one.
const WITNESS_RETRIES: usize = 3;
const WITNESS_RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(700);

/// Whether a checkpoint suggests the witnesses changed: it lacks the pinned quorum, or (with none
/// pinned) it carries signatures beyond the hub's own. Only then is the hub asked for its witnesses.
fn needs_other_witnesses(pinned: Option<&WitnessPolicy>, note: &str) -> bool {
    match pinned {
        Some(p) => matches!(p.check(note), Err(PolicyError::TooFew { .. })),
        None => linli_tlog::split_note(note).is_some_and(|(_, sigs)| sigs.lines().count() > 1),
    }
}

/// What a receipt must say, from what the device knows on its own.
pub enum Expect<'a> {
    /// The resident's vote: this consultation, these options.
    Vote {
        consultation: Uuid,
        options: &'a [Uuid],
    },
    /// A status change the resident made on their report.
    OwnReportStatus { report: Uuid },
    /// A timeline event of the resident's report (staff status change or reply).
    ReportEvent { report: Uuid, event: Uuid },
    /// The final tally of a consultation, which must match the results shown.
    Tally(&'a Consultation),
}

fn leaf_kind(kind: &str) -> Option<LeafKind> {
    serde_json::from_value(serde_json::Value::String(kind.to_owned())).ok()
}

/// Opens a receipt (its record and salt must make the leaf's commitment) and checks it says what
/// the device expects. Returns the leaf.
pub fn open_receipt(r: &LogReceipt, expect: &Expect<'_>) -> Result<Leaf, LogProblem> {
    let kind = leaf_kind(&r.kind).ok_or(LogProblem::ReceiptInvalid)?;
    let salt = Salt::from_hex(&r.salt).map_err(|_| LogProblem::ReceiptInvalid)?;
    let record = Record::parse(r.record.as_bytes()).ok_or(LogProblem::ReceiptInvalid)?;
    if !record.fits(kind) {
        return Err(LogProblem::ReceiptInvalid);
    }
    let says_it = match (expect, &record) {
        (
            Expect::Vote {
                consultation,
                options,
            },
            Record::Vote {
                consultation: c,
                options: o,
                ..
            },
        ) => {
            *c == consultation.to_string()
                && o.len() == options.len()
                && o.iter()
                    .zip(options.iter())
                    .all(|(a, b)| *a == b.to_string())
        }
        (Expect::OwnReportStatus { report }, Record::ReportStatus { report: r, .. }) => {
            *r == report.to_string()
        }
        (
            Expect::ReportEvent { report, event },
            Record::ReportStatus {
                report: r,
                event: e,
                ..
            },
        )
        | (
            Expect::ReportEvent { report, event },
            Record::ReportReply {
                report: r,
                event: e,
                ..
            },
        ) => *r == report.to_string() && *e == event.to_string(),
        (Expect::Tally(c), Record::Tally { .. }) => {
            if !tally_matches(c, &record) {
                return Err(LogProblem::TallyMismatch);
            }
            true
        }
        _ => false,
    };
    if !says_it {
        return Err(LogProblem::ReceiptInvalid);
    }
    Ok(Leaf {
        kind,
        time_ms: r.time_ms,
        commitment: commit(r.record.as_bytes(), &salt),
    })
}

/// The tally record names this consultation, its options in order, and the counts shown (where
/// results are visible).
fn tally_matches(c: &Consultation, record: &Record) -> bool {
    let Record::Tally {
        consultation,
        options,
        ballots,
        ..
    } = record
    else {
        return false;
    };
    *consultation == c.id.to_string()
        && options.len() == c.options.len()
        && options.iter().zip(&c.options).all(|(t, o)| {
            t.option == o.id.to_string() && o.votes.is_none_or(|v| v >= 0 && v as u64 == t.votes)
        })
        && c.total_votes.is_none_or(|t| t >= 0 && t as u64 == *ballots)
}

/// Opens and keeps a receipt in the caller's transaction; a receipt that fails is a problem.
pub fn keep(
    conn: &Connection,
    r: &LogReceipt,
    expect: &Expect<'_>,
    target: &str,
    problems: &mut Vec<LogProblem>,
) -> Result<(), CoreError> {
    match open_receipt(r, expect) {
        Ok(leaf) => {
            store::receipts::insert(conn, r.index, &r.kind, target, &leaf.to_bytes(), &r.record)
        }
        Err(p) => {
            problems.push(p);
            Ok(())
        }
    }
}

/// The proofs of `indices` in one round trip; one request each from a hub that predates the batch
/// route (it answers the unknown route with `not_found`).
async fn inclusion_proofs(
    client: &crate::http::HubClient,
    indices: &[u64],
    size: u64,
) -> Result<Vec<linli_proto::InclusionProof>, CoreError> {
    match client.log_inclusions(indices, size).await {
        Err(CoreError::Hub {
            code: linli_proto::ErrorCode::NotFound,
            ..
        }) => {
            let mut proofs = Vec::with_capacity(indices.len());
            for i in indices {
                proofs.push(client.log_inclusion(*i, size).await?);
            }
            Ok(proofs)
        }
        other => other,
    }
}

fn indices_of(receipts: &[store::receipts::ReceiptRow]) -> Vec<u64> {
    receipts.iter().map(|r| r.index).collect()
}

fn rejected_checkpoint(e: VerifyError) -> LogProblem {
    match e {
        VerifyError::Rollback { .. } => LogProblem::Rollback,
        VerifyError::Fork { .. } | VerifyError::Inconsistent { .. } => LogProblem::Rewritten,
        _ => LogProblem::BadCheckpoint,
    }
}

impl Profile {
    /// Records a failed check: a kept message (once while it is not dismissed), the failure state,
    /// and an event for the app. Returns the error to give back.
    pub(crate) fn log_problem(&self, p: LogProblem, target: Option<&str>) -> CoreError {
        tracing::warn!(code = p.code(), "transparency log check failed");
        let recorded = (|| {
            let db = self.db();
            settings::set(&db, settings::LOG_FAILURE, p.code())?;
            if !store::messages::has_open(&db, MESSAGE_KIND, p.code())? {
                store::messages::insert(&db, MESSAGE_KIND, target.unwrap_or(""), p.code(), None)?;
            }
            Ok::<(), CoreError>(())
        })();
        if let Err(e) = recorded {
            tracing::warn!(code = e.code(), "could not record a failed log check");
        }
        self.emit(CoreEvent::LogCheckFailed {
            message: p.message(self.language()),
        });
        self.emit(CoreEvent::DataChanged);
        CoreError::Log(p)
    }

    /// Whether a sync checks the log: when a receipt of the device's own records waits to be verified
    /// (its vote, its report's change), when it holds no checkpoint yet or found a problem before, or when the last check is older than
    /// [`LOG_CHECK_INTERVAL`]. A sync woken by other residents' changes does not turn into checkpoint and
    /// proof requests; `verify_log` (`linli verify`) always checks.
    pub(crate) fn log_check_due(&self) -> Result<bool, CoreError> {
        let db = self.db();
        // Unpinned, or a problem found earlier: every sync checks (and keeps saying so).
        let unpinned = settings::get(&db, settings::LOG_KEY)?.is_none()
            || settings::get(&db, settings::LOG_CHECKPOINT)?.is_none()
            || settings::get(&db, settings::LOG_FAILURE)?.is_some();
        if unpinned || !store::receipts::unverified(&db)?.is_empty() {
            return Ok(true);
        }
        let last = settings::get(&db, settings::LOG_CHECKED_AT)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(match last {
            Some(t) => Utc::now() - t >= LOG_CHECK_INTERVAL,
            None => true,
        })
    }

    /// Fetches the hub's latest checkpoint and checks it and every receipt not yet verified; see
    /// the module comment. A device that joined before its hub kept a log pins the key on the first
    /// check that finds one; nothing to do for a hub without a log.
    pub(crate) async fn check_log(&self, client: &crate::http::HubClient) -> Result<(), CoreError> {
        let (vkey, saved, origin) = {
            let db = self.db();
            (
                settings::get(&db, settings::LOG_KEY)?,
                settings::get(&db, settings::LOG_CHECKPOINT)?,
                settings::get(&db, settings::LOG_ORIGIN)?,
            )
        };
        let vkey = match vkey {
            Some(k) => k,
            // Joined before the hub kept a log: pin its key now (trust on first use, as at join).
            None => match client.log_key().await {
                Ok(k) if NoteVerifier::from_vkey(&k).is_ok() => {
                    settings::set(&self.db(), settings::LOG_KEY, &k)?;
                    k
                }
                Ok(_) => return Err(CoreError::Protocol("malformed log key".into())),
                Err(CoreError::Hub { status: 404, .. }) => return Ok(()),
                Err(e) => return Err(e),
            },
        };
        let pinned = NoteVerifier::from_vkey(&vkey)
            .map_err(|e| CoreError::Corrupt(format!("pinned log key: {e}")))?;
        let origin = origin.unwrap_or_else(|| pinned.name().to_owned());
        let note = self.fetch_checkpoint(client).await?;
        // The saved checkpoint was signed by the pinned key; a rotation changes only what signs next.
        let mut verifier = match &saved {
            Some(n) => Verifier::resume(pinned.clone(), &origin, n)
                .map_err(|e| CoreError::Corrupt(format!("saved checkpoint: {e}")))?,
            None => Verifier::new(pinned.clone(), &origin),
        };
        let (new, rotated) = match Checkpoint::open(&note, &pinned) {
            Ok(c) => (c, None),
            Err(_) => {
                // Followed only through statements signed by the key pinned, one after another.
                let statements = client.log_key_rotations().await?;
                let next = linli_tlog::follow_rotations(&pinned, &statements);
                match next.and_then(|k| Checkpoint::open(&note, &k).ok().map(|c| (c, k))) {
                    Some((c, k)) => {
                        verifier.rotate_key(k.clone());
                        (c, Some(k))
                    }
                    None => {
                        let now_key = client.log_key().await?;
                        let p = if now_key != vkey {
                            LogProblem::KeyChanged
                        } else {
                            LogProblem::BadCheckpoint
                        };
                        return Err(self.log_problem(p, None));
                    }
                }
            }
        };
        let proof = match verifier.latest() {
            Some(old) if old.size > 0 && new.size > old.size => {
                let p = client.log_consistency(old.size, new.size).await?;
                proof_from_base64(&p.proof).map_err(|e| CoreError::Protocol(e.to_string()))?
            }
            _ => Vec::new(),
        };
        // The hub's own signature already shows a rewritten or shrunk history, witnessed or not.
        if let Err(e) = verifier.accept_checkpoint(&note, &proof) {
            return Err(self.log_problem(rejected_checkpoint(e), None));
        }
        if saved.is_none() {
            self.check_restore_floor(client, &new).await?;
        }
        // An empty log has nothing to witness (its root is fixed); anything larger needs the quorum.
        let mut policy = self.witness_policy()?;
        if new.size > 0 && needs_other_witnesses(policy.as_ref(), &note) {
            if let Some(announced) = self
                .adopt_announced_witnesses(client, policy.as_ref())
                .await?
            {
                policy = Some(announced);
            }
        }
        if let Some(policy) = policy.filter(|_| new.size > 0) {
            match policy.check(&note) {
                Ok(_) => settings::remove(&self.db(), settings::LOG_UNWITNESSED)?,
                Err(PolicyError::TooFew { .. }) => {
                    // Not tampering (a witness may be down, or has not answered yet): keep the last
                    // witnessed checkpoint, leave the receipts waiting, and say so.
                    return self.await_witnesses(new.size);
                }
                Err(_) => return Err(self.log_problem(LogProblem::BadCosignature, None)),
            }
        }
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            if let Some(k) = &rotated {
                tracing::info!(key = %k.to_vkey(), "followed a rotation of the log key");
                settings::set(&tx, settings::LOG_KEY, &k.to_vkey())?;
            }
            settings::set(&tx, settings::LOG_CHECKPOINT, &note)?;
            settings::remove(&tx, settings::LOG_RESTORE_FLOOR)?;
            tx.commit()?;
        }
        let latest = new;
        let pending = store::receipts::unverified(&self.db())?;
        // Every receipt came from a write the hub had committed before this checkpoint was signed.
        if let Some(r) = pending.iter().find(|r| r.index >= latest.size) {
            return Err(self.log_problem(LogProblem::ReceiptMissing, Some(&r.target)));
        }
        for chunk in pending.chunks(linli_proto::limits::INCLUSIONS_MAX) {
            let leaves = chunk
                .iter()
                .map(|r| {
                    Leaf::from_bytes(&r.leaf)
                        .map(|l| (r.index, l))
                        .map_err(|e| CoreError::Corrupt(format!("receipt {}: {e}", r.index)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            // One proof for all (pending is in index order, one row per index); should it not hold, or
            // the hub not offer it, one proof per receipt tells which receipt the log lacks.
            let proven = match client
                .log_leaves_proof(&indices_of(chunk), latest.size)
                .await
            {
                Ok(p) => {
                    p.size == latest.size
                        && leaves_proof_from_base64(&p.proof, leaves.len()).is_ok_and(|proof| {
                            verifier.verify_leaves(&leaves, &proof, &latest).is_ok()
                        })
                }
                Err(CoreError::Hub { .. }) => false,
                Err(e) => return Err(e),
            };
            if !proven {
                if let Some(target) = self
                    .first_unproven(client, chunk, &leaves, &verifier, &latest)
                    .await?
                {
                    return Err(self.log_problem(LogProblem::ReceiptMissing, Some(&target)));
                }
            }
            let checked_at = Utc::now();
            let mut db = self.db();
            let tx = db.transaction()?;
            for r in chunk {
                store::receipts::mark_verified(&tx, r.index, latest.size, checked_at)?;
            }
            tx.commit()?;
        }
        {
            let db = self.db();
            settings::set(&db, settings::LOG_CHECKED_AT, &store::ts(Utc::now()))?;
            settings::remove(&db, settings::LOG_FAILURE)?;
        }
        self.emit(CoreEvent::DataChanged);
        Ok(())
    }

    /// After a restore (see `sync/restored.rs`) the first checkpoint must extend the one the signed
    /// statement named; anything else is a rollback like any other.
    async fn check_restore_floor(
        &self,
        client: &crate::http::HubClient,
        new: &Checkpoint,
    ) -> Result<(), CoreError> {
        let Some(floor) = settings::get(&self.db(), settings::LOG_RESTORE_FLOOR)? else {
            return Ok(());
        };
        let extends = match crate::sync::restore_floor(&floor) {
            Some(f) if f.origin == new.origin && f.size == new.size => f.root == new.root,
            Some(f) if f.origin == new.origin && f.size == 0 => true,
            Some(f) if f.origin == new.origin && f.size < new.size => {
                let p = client.log_consistency(f.size, new.size).await?;
                let proof =
                    proof_from_base64(&p.proof).map_err(|e| CoreError::Protocol(e.to_string()))?;
                linli_tlog::merkle::verify_consistency(f.size, &f.root, new.size, &new.root, &proof)
                    .is_ok()
            }
            _ => false,
        };
        if extends {
            Ok(())
        } else {
            Err(self.log_problem(LogProblem::Rollback, None))
        }
    }

    /// The target of the first receipt of `chunk` whose own inclusion proof does not hold (or that the hub
    /// won't prove); `None` when every one holds.
    async fn first_unproven(
        &self,
        client: &crate::http::HubClient,
        chunk: &[store::receipts::ReceiptRow],
        leaves: &[(u64, Leaf)],
        verifier: &Verifier,
        latest: &Checkpoint,
    ) -> Result<Option<String>, CoreError> {
        let proofs = match inclusion_proofs(client, &indices_of(chunk), latest.size).await {
            Ok(p) if p.len() == chunk.len() => p,
            Ok(_) => return Err(CoreError::Protocol("inclusion proofs missing".into())),
            Err(CoreError::Hub { .. }) => return Ok(Some(chunk[0].target.clone())),
            Err(e) => return Err(e),
        };
        for ((r, (_, leaf)), p) in chunk.iter().zip(leaves).zip(proofs) {
            let proof =
                proof_from_base64(&p.proof).map_err(|e| CoreError::Protocol(e.to_string()))?;
            if p.index != r.index
                || verifier
                    .verify_inclusion(leaf, r.index, &proof, latest)
                    .is_err()
            {
                return Ok(Some(r.target.clone()));
            }
        }
        Ok(None)
    }

    /// The hub's latest checkpoint. With witnesses pinned, a checkpoint the hub has just signed may
    /// not carry their cosignatures yet (the hub collects them within a second or so): asks again a
    /// few times before settling for it.
    async fn fetch_checkpoint(&self, client: &crate::http::HubClient) -> Result<String, CoreError> {
        let policy = self.witness_policy()?;
        let mut note = client.log_checkpoint().await?;
        for _ in 0..WITNESS_RETRIES {
            match &policy {
                Some(p)
                    if Checkpoint::from_note_unverified(&note).map(|c| c.size) != Some(0)
                        && matches!(p.check(&note), Err(PolicyError::TooFew { .. })) =>
                {
                    tokio::time::sleep(WITNESS_RETRY_AFTER).await;
                    note = client.log_checkpoint().await?;
                }
                _ => break,
            }
        }
        Ok(note)
    }

    /// The hub names other witnesses than this device pinned: the device takes them only when a notice
    /// it holds (which its resident sees) names their fingerprint — the office announces every change
    /// (see the hub's `admin::witnesses`). Returns the policy adopted, if any.
    async fn adopt_announced_witnesses(
        &self,
        client: &crate::http::HubClient,
        pinned: Option<&WitnessPolicy>,
    ) -> Result<Option<WitnessPolicy>, CoreError> {
        let Some(text) = client.log_witnesses().await? else {
            return Ok(None);
        };
        let Ok(offered) = WitnessPolicy::parse(&text) else {
            return Ok(None);
        };
        if Some(&offered) == pinned {
            return Ok(None);
        }
        let db = self.db();
        if !store::notices::any_mentions(&db, &offered.fingerprint())? {
            tracing::warn!("the hub names witnesses no notice announced; keeping the pinned ones");
            return Ok(None);
        }
        settings::set(&db, settings::WITNESS_POLICY, &offered.to_text())?;
        tracing::info!(fingerprint = %offered.fingerprint(), "took the witnesses a notice announced");
        Ok(Some(offered))
    }

    /// The witnesses this device pinned at join, if the community has any.
    pub(crate) fn witness_policy(&self) -> Result<Option<WitnessPolicy>, CoreError> {
        settings::get(&self.db(), settings::WITNESS_POLICY)?
            .map(|t| {
                WitnessPolicy::parse(&t)
                    .map_err(|e| CoreError::Corrupt(format!("pinned witnesses: {e}")))
            })
            .transpose()
    }

    /// The hub offered a checkpoint of `size` leaves without enough witness cosignatures: remember
    /// since when (the first time), and let the resident know. Not an error.
    fn await_witnesses(&self, size: u64) -> Result<(), CoreError> {
        let db = self.db();
        let since = settings::get(&db, settings::LOG_UNWITNESSED)?
            .and_then(|v| v.split_once(' ').map(|(_, t)| t.to_owned()))
            .unwrap_or_else(|| store::ts(Utc::now()));
        settings::set(&db, settings::LOG_UNWITNESSED, &format!("{size} {since}"))?;
        drop(db);
        tracing::info!(
            size,
            "checkpoint not yet cosigned by enough witnesses; kept the last one"
        );
        self.emit(CoreEvent::DataChanged);
        Ok(())
    }

    /// Checks the hub's log now (without a full sync) and returns what this device has verified.
    /// A failed check is an error (and a kept message).
    pub async fn verify_log(&self) -> Result<TransparencyView, CoreError> {
        let client = self.client()?;
        self.check_log(&client).await?;
        self.transparency()
    }

    /// What this device has verified of the hub's transparency log.
    pub fn transparency(&self) -> Result<TransparencyView, CoreError> {
        let lang = self.language();
        let db = self.db();
        let note = settings::get(&db, settings::LOG_CHECKPOINT)?;
        let size = note
            .as_deref()
            .and_then(|n| n.split('\n').nth(1))
            .and_then(|s| s.parse::<u64>().ok());
        let (receipts, receipts_verified) = store::receipts::counts(&db)?;
        let failure_code = settings::get(&db, settings::LOG_FAILURE)?;
        let unwitnessed = settings::get(&db, settings::LOG_UNWITNESSED)?;
        let awaiting_witnesses_size = unwitnessed
            .as_deref()
            .and_then(|v| v.split_once(' '))
            .and_then(|(n, _)| n.parse::<u64>().ok());
        let witness_policy = settings::get(&db, settings::WITNESS_POLICY)?
            .and_then(|t| WitnessPolicy::parse(&t).ok());
        Ok(TransparencyView {
            log_key: settings::get(&db, settings::LOG_KEY)?,
            checkpoint_size: size,
            checkpoint_note: note,
            checked_at: settings::get(&db, settings::LOG_CHECKED_AT)?
                .map(|s| store::parse_ts(&s))
                .transpose()?,
            receipts,
            receipts_verified,
            failure: failure_code
                .as_deref()
                .and_then(LogProblem::parse)
                .map(|p| p.message(lang)),
            failure_code,
            witnesses: witness_policy
                .as_ref()
                .map_or(0, |p| p.witnesses().len() as u32),
            witness_quorum: witness_policy.as_ref().map_or(0, |p| p.quorum() as u32),
            unwitnessed: awaiting_witnesses_size
                .map(|_| linli_i18n::message(lang, "core-log-awaiting-witnesses")),
            awaiting_witnesses_size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_tlog::records::RECORD_VERSION;

    fn receipt(record: &Record, kind: &str) -> LogReceipt {
        LogReceipt {
            index: 3,
            kind: kind.into(),
            time_ms: 7,
            salt: Salt([5; 32]).to_hex(),
            record: String::from_utf8(record.to_bytes()).unwrap(),
        }
    }

    #[test]
    fn a_receipt_must_open_and_say_what_the_resident_did() {
        let c = Uuid::now_v7();
        let o = [Uuid::now_v7()];
        let vote = Record::Vote {
            v: RECORD_VERSION,
            consultation: c.to_string(),
            ballot: "b".into(),
            options: vec![o[0].to_string()],
            replaces: None,
        };
        let r = receipt(&vote, "vote_cast");
        let expect = Expect::Vote {
            consultation: c,
            options: &o,
        };
        let leaf = open_receipt(&r, &expect).unwrap();
        assert_eq!(leaf.commitment, commit(r.record.as_bytes(), &Salt([5; 32])));
        // Another option, another kind, a bad salt, an edited record: refused.
        let other = [Uuid::now_v7()];
        let wrong_vote = Expect::Vote {
            consultation: c,
            options: &other,
        };
        assert_eq!(
            open_receipt(&r, &wrong_vote),
            Err(LogProblem::ReceiptInvalid)
        );
        let replaced = LogReceipt {
            kind: "vote_replaced".into(),
            ..r.clone()
        };
        assert_eq!(
            open_receipt(&replaced, &expect),
            Err(LogProblem::ReceiptInvalid)
        );
        let bad_salt = LogReceipt {
            salt: "zz".into(),
            ..r.clone()
        };
        assert_eq!(
            open_receipt(&bad_salt, &expect),
            Err(LogProblem::ReceiptInvalid)
        );
        let edited = LogReceipt {
            record: r.record.replace("\"b\"", "\"c\" "),
            ..r
        };
        assert_eq!(
            open_receipt(&edited, &expect),
            Err(LogProblem::ReceiptInvalid)
        );
    }

    #[test]
    fn a_tally_must_match_the_results_shown() {
        let c = Consultation {
            id: Uuid::now_v7(),
            title: "t".into(),
            description: String::new(),
            options: vec![
                linli_proto::ConsultationOption {
                    id: Uuid::now_v7(),
                    label: "a".into(),
                    votes: Some(2),
                },
                linli_proto::ConsultationOption {
                    id: Uuid::now_v7(),
                    label: "b".into(),
                    votes: Some(1),
                },
            ],
            max_choices: 1,
            opens_at: Utc::now(),
            closes_at: Utc::now(),
            vote_scope: linli_proto::VoteScope::PerResident,
            results_visibility: linli_proto::ResultsVisibility::Live,
            closed_at: Some(Utc::now()),
            my_vote: None,
            total_votes: Some(3),
            tally_receipt: None,
        };
        let tally = |a: u64, b: u64| Record::Tally {
            v: RECORD_VERSION,
            consultation: c.id.to_string(),
            closed_at_ms: 1,
            options: vec![
                linli_tlog::OptionCount {
                    option: c.options[0].id.to_string(),
                    votes: a,
                },
                linli_tlog::OptionCount {
                    option: c.options[1].id.to_string(),
                    votes: b,
                },
            ],
            ballots: a + b,
            ballot_leaves: (0..a + b).collect(),
        };
        assert!(open_receipt(&receipt(&tally(2, 1), "tally_final"), &Expect::Tally(&c)).is_ok());
        assert_eq!(
            open_receipt(&receipt(&tally(1, 2), "tally_final"), &Expect::Tally(&c)),
            Err(LogProblem::TallyMismatch)
        );
    }

    #[test]
    fn every_problem_has_a_message_in_both_languages() {
        for p in LogProblem::ALL {
            assert_eq!(LogProblem::parse(p.code()), Some(p));
            for lang in Lang::ALL {
                let m = p.message(lang);
                assert!(!m.starts_with("core-log"), "{lang}: {m}");
            }
        }
    }
}
