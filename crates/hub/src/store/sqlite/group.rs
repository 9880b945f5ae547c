//! Group commit for pushes. Many devices pushing at once would each wait for the one writer connection
//! and pay one transaction (and one WAL commit) each. Instead a push joins a queue; when no push is being
//! committed, it becomes the leader: it takes every queued push, applies them in one transaction (first
//! without savepoints, see [`Undo`]; again with one per push and per op if that fails), commits once
//! and wakes each of the others, who find their answers waiting. Then it hands the lead to the oldest
//! push that queued meanwhile, if any, and returns. Alone on the hub, a push is simply its own
//! transaction.
//!
//! Each push sleeps on its own condvar and is woken once, when its answer is ready or when it is to lead:
//! with 64 devices pushing, waking every waiter on every commit (one shared condvar) cost more context
//! switches than the commits themselves on a small machine.
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
use crate::store::{OpOutcome, StoreError, StoreResult, Viewer};

type Answer = StoreResult<Vec<OpOutcome>>;

/// Where a queued push stands.
enum Turn {
    Waiting,
    /// Its turn to commit the queue.
    Lead,
    Done(Answer),
}

struct Job {
    viewer: Viewer,
    ops: Vec<Op>,
    now: DateTime<Utc>,
    turn: Mutex<Turn>,
    woken: Condvar,
}

impl Job {
    fn set(&self, turn: Turn) {
        *lock(&self.turn) = turn;
        self.woken.notify_one();
    }

    /// Sleeps until answered or handed the lead; `Err(())` means lead.
    fn wait(&self) -> Result<Answer, ()> {
        let mut turn = lock(&self.turn);
        loop {
            match std::mem::replace(&mut *turn, Turn::Waiting) {
                Turn::Done(answer) => return Ok(answer),
                Turn::Lead => return Err(()),
                Turn::Waiting => {
                    turn = self.woken.wait(turn).unwrap_or_else(|p| p.into_inner());
                }
            }
        }
    }
}

#[derive(Default)]
struct State {
    waiting: Vec<Arc<Job>>,
    /// A leader is committing a group right now (or has been handed the lead).
    committing: bool,
}

/// Pushes waiting to be committed.
#[derive(Default)]
pub struct Queue {
    state: Mutex<State>,
    /// The change-log head as of the newest group this process committed (0 before the first).
    head: AtomicI64,
}

impl Queue {
    pub fn head(&self) -> i64 {
        self.head.load(Ordering::SeqCst)
    }

    /// The lead passes to the oldest queued push, or lapses when none is queued.
    fn hand_over(&self, extra: impl IntoIterator<Item = Arc<Job>>) {
        let mut state = lock(&self.state);
        // Jobs put back in line (a failed group) go first: they arrived before the ones queued since.
        let mut line: Vec<Arc<Job>> = extra.into_iter().collect();
        line.append(&mut state.waiting);
        state.waiting = line;
        match state.waiting.first() {
            Some(next) => next.set(Turn::Lead),
            None => state.committing = false,
        }
    }
}

/// Should the leader panic while committing, this hands the others back to the queue and the lead to
/// one of them, instead of leaving every later push waiting for a commit that never ends.
struct Leading<'a> {
    queue: &'a Queue,
    jobs: &'a [Arc<Job>],
    me: &'a Arc<Job>,
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        let others = self
            .jobs
            .iter()
            .filter(|j| !Arc::ptr_eq(j, self.me))
            .cloned();
        self.queue.hand_over(others);
    }
}

/// Applies `ops` (in order) for `viewer`, committed together with whatever other pushes are waiting.
pub fn push(
    queue: &Queue,
    writer: &Mutex<Connection>,
    stats: &super::stats::DbStats,
    viewer: &Viewer,
    ops: Vec<Op>,
    now: DateTime<Utc>,
) -> Answer {
    let me = Arc::new(Job {
        viewer: viewer.clone(),
        ops,
        now,
        turn: Mutex::new(Turn::Waiting),
        woken: Condvar::new(),
    });
    {
        let mut state = lock(&queue.state);
        state.waiting.push(Arc::clone(&me));
        if state.committing {
            drop(state);
            if let Ok(answer) = me.wait() {
                return answer;
            }
        } else {
            state.committing = true;
        }
    }
    // Lead: commit everything queued so far, this push included.
    let jobs = std::mem::take(&mut lock(&queue.state).waiting);
    let guard = Leading {
        queue,
        jobs: &jobs,
        me: &me,
    };
    let result = {
        let mut conn = lock(writer);
        let _busy = stats.busy();
        stats.group_commit_pushes.observe(jobs.len() as f64);
        // The fast way first; any failure in it (a refusal after a write, a job's error) is rolled
        // back whole and the group applied again the careful way, each job and op in its savepoint.
        commit_all(queue, &mut conn, &jobs, &me, Undo::Unneeded)
            .or_else(|_| commit_all(queue, &mut conn, &jobs, &me, Undo::Savepoint))
    };
    std::mem::forget(guard);
    match result {
        Ok(mine) => {
            queue.hand_over([]);
            mine
        }
        Err(e) => {
            // Nothing was committed. The others go back in line (one of them leads next); this push
            // reports the error.
            queue.hand_over(jobs.iter().filter(|j| !Arc::ptr_eq(j, &me)).cloned());
            Err(e)
        }
    }
}

/// One transaction for all `jobs`; each job's answer is given once the commit has succeeded (a waiter
/// must not see an answer that could still be rolled back), the leader's own answer returned. With
/// [`Undo::Savepoint`] a job that fails rolls back alone, through its savepoint, and this errors only
/// when the transaction itself can't begin or commit; with [`Undo::Unneeded`] any job's failure fails
/// the whole group, uncommitted.
fn commit_all(
    queue: &Queue,
    conn: &mut Connection,
    jobs: &[Arc<Job>],
    me: &Arc<Job>,
    undo: Undo,
) -> StoreResult<Answer> {
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
    // SQLite rolled the transaction back itself (SQLITE_FULL does): the jobs' answers were never
    // kept, and the job's error says why.
    if tx.is_autocommit() {
        return Err(answers
            .into_iter()
            .find_map(|a| a.err())
            .unwrap_or_else(|| StoreError::Corrupt("the transaction ended early".into())));
    }
    let head = changes::last_seq(&tx)?;
    tx.commit()?;
    queue.head.fetch_max(head, Ordering::SeqCst);
    let mut mine = Err(StoreError::Corrupt(
        "the leading push was not in its group".into(),
    ));
    for (job, answer) in jobs.iter().zip(answers) {
        // The leader takes its answer from here; the others are woken with theirs.
        if Arc::ptr_eq(job, me) {
            mine = answer;
        } else {
            job.set(Turn::Done(answer));
        }
    }
    Ok(mine)
}
