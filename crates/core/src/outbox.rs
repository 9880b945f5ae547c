//! Queueing a local change: the op gets a UUIDv7 and the next device sequence number, and is written in the
//! same transaction as its optimistic effect (the overlay is read from the outbox itself, so the op row *is*
//! the effect; a report's photo rows go in the same transaction). Survives app kill and restart.
use crate::store::{self, settings};
use crate::CoreError;
use chrono::Utc;
use linli_proto::{Op, OpBody};
use rusqlite::Transaction;
use uuid::Uuid;

/// Adds `body` to the outbox inside `tx`. The caller commits. `tx` must be an IMMEDIATE transaction, so two
/// processes on one profile (the app and the CLI) never draw the same sequence number.
pub fn queue(tx: &Transaction<'_>, body: OpBody) -> Result<Op, CoreError> {
    queue_for(tx, body, None)
}

/// Like [`queue`]; with `principal`, the op is done as that resident's proxy (亲友代办). It shares the device's
/// one sequence, so the hub applies own and proxy ops in the order they were made.
pub fn queue_for(
    tx: &Transaction<'_>,
    body: OpBody,
    principal: Option<Uuid>,
) -> Result<Op, CoreError> {
    let seq = settings::get_i64(tx, settings::NEXT_SEQ)?.unwrap_or(1);
    let op = Op {
        id: Uuid::now_v7(),
        device_seq: seq,
        created_at: Utc::now(),
        on_behalf_of: principal,
        body,
    };
    store::outbox::insert(tx, &op)?;
    settings::set(tx, settings::NEXT_SEQ, &(seq + 1).to_string())?;
    Ok(op)
}
