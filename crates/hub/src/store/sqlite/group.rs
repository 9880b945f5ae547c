//! Group commit for pushes. Many devices pushing at once would each wait for the one writer connection
//! and pay one transaction (and one WAL commit) each. Instead a push joins a queue; when no push is being
//! committed, it becomes the leader: it takes every queued push, applies them in one transaction (first
//! without savepoints, see [`Undo`]; again with one per push and per op if that fails), commits once
//! and wakes the others, who find their answers waiting (a condvar, not the writer mutex, so they don't
//! file through the writer one by one). Alone on the hub, a push is simply its own transaction.
//!
//! Exactly-once holds as before: each op's effect, its dedup row and the device's `last_seq` commit
//! together, and pushes are applied in arrival order, so two pushes of one device see each other.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use chrono::{DateTime, Utc};
use linli_proto::Op;
use rusqlite::{Connection, TransactionBehavior};

use super::ops::Undo;
use super::{changes, lock, ops, savepoint};
use crate::store::{OpOutcome, StoreResult, Viewer};

type Answer = StoreResult<Vec<OpOutcome>>;

struct Job {
    viewer: Viewer,
    ops: Vec<Op>,
    now: DateTime<Utc>,
    answer: Mutex<Option<Answer>>,
}

#[derive(Default)]
struct State {
    waiting: Vec<Arc<Job>>,
    /// A leader is committing a group right now.
    committing: bool,
}

/// Pushes waiting to be committed.
#[derive(Default)]
pub struct Queue {
    state: Mutex<State>,
    done: Condvar,
    /// The change-log head as of the newest group this process committed (0 before the first).
    head: AtomicI64,
}

impl Queue {
    pub fn head(&self) -> i64 {
        self.head.load(Ordering::SeqCst)
    }
}

fn take_answer(job: &Job) -> Option<Answer> {
    lock(&job.answer).take()
}

fn set_answer(job: &Job, answer: Answer) {
    *lock(&job.answer) = Some(answer);
}

/// Should the leader panic while committing, this hands the others back to the queue and lets the next
/// push lead, instead of leaving every later push waiting for a commit that never ends.
struct Leading<'a> {
    queue: &'a Queue,
    jobs: &'a [Arc<Job>],
    me: &'a Arc<Job>,
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.queue.state);
        state.committing = false;
        for job in self.jobs.iter().filter(|j| !Arc::ptr_eq(j, self.me)) {
            state.waiting.push(Arc::clone(job));
        }
        self.queue.done.notify_all();
    }
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
    let mut state = lock(&queue.state);
    state.waiting.push(Arc::clone(&me));
    loop {
        if let Some(answer) = take_answer(&me) {
            return answer;
        }
        if state.committing {
            state = queue.done.wait(state).unwrap_or_else(|p| p.into_inner());
            continue;
        }
        // Lead: commit everything queued so far, this push included.
        state.committing = true;
        let jobs = std::mem::take(&mut state.waiting);
        drop(state);
        let guard = Leading {
            queue,
            jobs: &jobs,
            me: &me,
        };
        let result = {
            let mut conn = lock(writer);
            // The fast way first; any failure in it (a refusal after a write, a job's error) is rolled
            // back whole and the group applied again the careful way, each job and op in its savepoint.
            commit_all(queue, &mut conn, &jobs, Undo::Unneeded)
                .or_else(|_| commit_all(queue, &mut conn, &jobs, Undo::Savepoint))
        };
        std::mem::forget(guard);
        state = lock(&queue.state);
        state.committing = false;
        if let Err(e) = result {
            // Nothing was committed. The others go back in line (one of them leads next); this push
            // reports the error.
            for job in jobs.iter().filter(|j| !Arc::ptr_eq(j, &me)) {
                take_answer(job);
                state.waiting.push(Arc::clone(job));
            }
            queue.done.notify_all();
            return Err(e);
        }
        queue.done.notify_all();
    }
}

/// One transaction for all `jobs`; each job's answer is set once the commit has succeeded (a waiter that
/// wakes early must not see an answer that could still be rolled back). With [`Undo::Savepoint`] a job
/// that fails rolls back alone, through its savepoint, and this errors only when the transaction itself
/// can't begin or commit; with [`Undo::Unneeded`] any job's failure fails the whole group, uncommitted.
fn commit_all(
    queue: &Queue,
    conn: &mut Connection,
    jobs: &[Arc<Job>],
    undo: Undo,
) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let push = |c: &Connection, job: &Job| ops::push_all(c, &job.viewer, &job.ops, job.now, undo);
    let answers: Vec<Answer> = match undo {
        Undo::Savepoint => jobs
            .iter()
            .map(|job| savepoint(&tx, |c| push(c, job)))
            .collect(),
        Undo::Unneeded => jobs
            .iter()
            .map(|job| push(&tx, job).map(Ok))
            .collect::<StoreResult<_>>()?,
    };
    let head = changes::head(&tx)?;
    tx.commit()?;
    queue.head.fetch_max(head, Ordering::SeqCst);
    for (job, answer) in jobs.iter().zip(answers) {
        set_answer(job, answer);
    }
    Ok(())
}
