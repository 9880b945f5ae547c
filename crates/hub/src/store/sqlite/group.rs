//! Group commit for pushes. Many devices pushing at once all wait for the one writer connection; instead
//! of one transaction (and one WAL commit) each, a push joins a queue and then takes the writer. Whoever
//! gets it first applies every queued push in one transaction, each inside its own savepoint, commits
//! once and leaves each push its answer; the others find their answer waiting when they get the writer.
//! Alone on the hub, a push is simply its own transaction.
//!
//! Exactly-once holds as before: each op's effect, its dedup row and the device's `last_seq` commit
//! together, and pushes are applied in arrival order, so two pushes of one device see each other.
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use linli_proto::Op;
use rusqlite::{Connection, TransactionBehavior};

use super::{lock, ops, savepoint};
use crate::store::{OpOutcome, StoreError, StoreResult, Viewer};

type Answer = StoreResult<Vec<OpOutcome>>;

struct Job {
    viewer: Viewer,
    ops: Vec<Op>,
    now: DateTime<Utc>,
    answer: Mutex<Option<Answer>>,
}

/// Pushes waiting for the writer.
#[derive(Default)]
pub struct Queue {
    waiting: Mutex<Vec<Arc<Job>>>,
}

fn take_answer(job: &Job) -> Option<Answer> {
    job.answer.lock().unwrap_or_else(|p| p.into_inner()).take()
}

fn set_answer(job: &Job, answer: Answer) {
    *job.answer.lock().unwrap_or_else(|p| p.into_inner()) = Some(answer);
}

/// Applies `ops` (in order) for `viewer`, committed together with whatever other pushes are waiting.
pub fn push(
    queue: &Queue,
    writer: &Mutex<Connection>,
    viewer: &Viewer,
    ops: Vec<Op>,
    now: DateTime<Utc>,
) -> Answer {
    let me = Arc::new(Job {
        viewer: viewer.clone(),
        ops,
        now,
        answer: Mutex::new(None),
    });
    lock(&queue.waiting).push(Arc::clone(&me));
    let mut conn = lock(writer);
    // Committed by the push that held the writer before us.
    if let Some(answer) = take_answer(&me) {
        return answer;
    }
    let jobs = std::mem::take(&mut *lock(&queue.waiting));
    match commit_all(&mut conn, &jobs) {
        Ok(()) => {}
        Err(e) => {
            // Nothing was committed. The others go back in line and try again when they get the writer;
            // this push reports the error.
            let mut waiting = lock(&queue.waiting);
            for job in jobs.iter().filter(|j| !Arc::ptr_eq(j, &me)) {
                take_answer(job);
                waiting.push(Arc::clone(job));
            }
            return Err(e);
        }
    }
    take_answer(&me).unwrap_or_else(|| Err(StoreError::Corrupt("a push was not applied".into())))
}

/// One transaction for all `jobs`; each job's answer is set (a job that fails rolls back alone, through
/// its savepoint). Errors only when the transaction itself can't begin or commit.
fn commit_all(conn: &mut Connection, jobs: &[Arc<Job>]) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for job in jobs {
        let answer = savepoint(&tx, |c| {
            job.ops
                .iter()
                .map(|op| ops::push(c, &job.viewer, op, job.now))
                .collect::<StoreResult<Vec<_>>>()
        });
        set_answer(job, answer);
    }
    tx.commit()?;
    Ok(())
}
