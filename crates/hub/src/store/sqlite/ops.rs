//! SQL for `ops` (the dedup record of every pushed op) and the application of each op kind.
use chrono::{DateTime, Utc};
use linli_proto::{ActorRole, ErrorCode, Op, OpBody, OpStatus, ReportEventKind, ReportStatus};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::ts;
use super::proxies::{self, ProxyActor};
use super::reports::{self, Event, NewReport, RowUpdate};
use super::{access, blobs, community, consultations, notice_desk, notices, tlog, voices};
use crate::domain::{report_rules, validate, votes};
use crate::store::{OpOutcome, StoreError, StoreResult, Viewer};

pub(super) fn status_str(s: OpStatus) -> &'static str {
    match s {
        OpStatus::Applied => "applied",
        OpStatus::Rejected => "rejected",
        OpStatus::Deferred => "deferred",
    }
}

fn stored(conn: &Connection, op_id: Uuid) -> StoreResult<Option<OpOutcome>> {
    let row = conn
        .prepare_cached("SELECT status, code, version FROM ops WHERE op_id = ?1")?
        .query_row([op_id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })
        .optional()?;
    let Some((status, code, version)) = row else {
        return Ok(None);
    };
    Ok(Some(OpOutcome {
        status: if status == "applied" {
            OpStatus::Applied
        } else {
            OpStatus::Rejected
        },
        code: code.as_deref().and_then(ErrorCode::parse),
        version,
        log_index: tlog::index_for_op(conn, op_id)?,
    }))
}

/// How a refused op's writes are undone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Undo {
    /// Each op runs in its own savepoint, rolled back when the op is refused.
    Savepoint,
    /// No savepoints: the rules refuse an op before it writes, so there is nothing to undo. Should an op
    /// be refused after writing after all, the batch answers [`StoreError::RetryWithSavepoints`] and the
    /// caller rolls back and applies it again with [`Undo::Savepoint`]. Savepoints cost every op a copy
    /// of each page it touches (a fifth of the hub's work on a push), so this is the first try.
    Unneeded,
}

/// Exactly-once, in-order application of a device's ops: each op's dedup lookup, sequence check, effect
/// and dedup row, then the device's `last_seq` once for the whole batch, all in the caller's transaction
/// (shared by pushes committed together), so they commit together. A refused op still records its
/// answer (and advances `last_seq`) so a retry answers the same; its effect alone is undone (`undo`).
pub fn push_all(
    tx: &Connection,
    viewer: &Viewer,
    ops: &[Op],
    now: DateTime<Utc>,
    undo: Undo,
) -> StoreResult<Vec<OpOutcome>> {
    let before = access::last_seq(tx, viewer.device_id)?;
    let mut last = before;
    // After a restore the device re-sends what it kept; what it no longer holds (applied before the
    // backup and forgotten since, or never kept) leaves one gap, accepted once, at the first new op.
    if super::restores::may_skip_once(tx, viewer.device_id)? {
        let mut first_new = None;
        for op in ops {
            if stored(tx, op.id)?.is_none() {
                first_new = Some(op.device_seq);
                break;
            }
        }
        if let Some(seq) = first_new {
            last = last.max(seq - 1);
            super::restores::skipped(tx, viewer.device_id)?;
        }
    }
    let out = ops
        .iter()
        .map(|op| push(tx, viewer, op, now, &mut last, undo))
        .collect::<StoreResult<Vec<_>>>()?;
    if last != before {
        access::advance(tx, viewer.device_id, last, now)?;
    }
    Ok(out)
}

/// One op; `last_seq` is the device's sequence so far in this batch, advanced here.
fn push(
    tx: &Connection,
    viewer: &Viewer,
    op: &Op,
    now: DateTime<Utc>,
    last_seq: &mut i64,
    undo: Undo,
) -> StoreResult<OpOutcome> {
    if let Some(answer) = stored(tx, op.id)? {
        return Ok(answer);
    }
    let last = *last_seq;
    if op.device_seq <= last {
        return Ok(OpOutcome::rejected(ErrorCode::OpConflict));
    }
    if op.device_seq > last + 1 {
        return Ok(OpOutcome::deferred(ErrorCode::SequenceGap));
    }
    let applied = undoable(tx, undo, |c| {
        let version = apply(c, viewer, op, now)?;
        let log_index = if logs_a_leaf(&op.body) {
            tlog::index_for_op(c, op.id)?
        } else {
            // Every test run checks the list below against what the op really wrote.
            debug_assert_eq!(
                tlog::index_for_op(c, op.id).ok().flatten(),
                None,
                "a {} op wrote a log leaf: add it to logs_a_leaf",
                op.body.kind()
            );
            None
        };
        Ok((version, log_index))
    });
    let outcome = match applied? {
        Ok((version, log_index)) => OpOutcome {
            log_index,
            ..OpOutcome::applied(version)
        },
        Err(code) => OpOutcome::rejected(code),
    };
    tx.prepare_cached(
        "INSERT INTO ops (op_id, device_id, device_seq, kind, status, code, version, received_at, on_behalf_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        op.id.to_string(),
        viewer.device_id.to_string(),
        op.device_seq,
        op.body.kind(),
        status_str(outcome.status),
        outcome.code.map(|c| c.as_str()),
        outcome.version,
        ts(now),
        op.on_behalf_of.map(|p| p.to_string())
    ])?;
    *last_seq = op.device_seq;
    Ok(outcome)
}

/// Whether applying an op of this kind appends a transparency-log leaf (so its answer carries a
/// receipt); the others skip looking for one. No wildcard: a new kind must say.
fn logs_a_leaf(body: &OpBody) -> bool {
    match body {
        OpBody::CastVote { .. } | OpBody::WithdrawReport { .. } | OpBody::ReopenReport { .. } => {
            true
        }
        OpBody::CreateReport { .. }
        | OpBody::CommentReport { .. }
        | OpBody::RateReport { .. }
        | OpBody::MarkNoticeRead { .. } => false,
    }
}

/// Runs an op's `effect`, answering its result or the code that refused it, with the refused effect's
/// writes undone as `undo` says.
fn undoable<T>(
    tx: &Connection,
    undo: Undo,
    effect: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<Result<T, ErrorCode>> {
    let written_before = tx.total_changes();
    let result = match undo {
        Undo::Savepoint => super::savepoint(tx, effect),
        Undo::Unneeded => effect(tx),
    };
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(StoreError::Refused(_))
            if undo == Undo::Unneeded && tx.total_changes() != written_before =>
        {
            Err(StoreError::RetryWithSavepoints)
        }
        Err(StoreError::Refused(code)) => Ok(Err(code)),
        Err(e) => Err(e),
    }
}

/// A report of the viewer's household, or `report_not_found` (another household's report does not
/// exist for this caller).
fn own_report(conn: &Connection, viewer: &Viewer, id: Uuid) -> StoreResult<reports::ReportState> {
    match reports::state(conn, id)? {
        Some(st) if st.household_id == viewer.household_id => Ok(st),
        _ => Err(ErrorCode::ReportNotFound.into()),
    }
}

/// Applies an op as the caller's own, or, with `on_behalf_of`, as the principal's after the grant check
/// (scope, expiry, revocation, at the hub's clock), recording the act with both identities.
pub(super) fn apply(
    conn: &Connection,
    viewer: &Viewer,
    op: &Op,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let Some(principal) = op.on_behalf_of else {
        return apply_as(conn, viewer, None, op, now);
    };
    let (principal, actor) = proxies::authorize_op(conn, viewer, principal, &op.body, now)?;
    let version = apply_as(conn, &principal, Some(&actor), op, now)?;
    if !matches!(op.body, OpBody::MarkNoticeRead { .. }) {
        proxies::record_act(conn, &principal, &actor, op, now)?;
    }
    Ok(version)
}

fn apply_as(
    conn: &Connection,
    viewer: &Viewer,
    proxy: Option<&ProxyActor>,
    op: &Op,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let stamp = proxy.map(|p| p.stamp(viewer.resident_id));
    validate::op_body(&op.body)?;
    // A device clock ahead of the hub must not put events in the future.
    let at = op.created_at.min(now);
    match &op.body {
        OpBody::CreateReport {
            report_id,
            category,
            text,
            address,
            location,
            photos,
            voice,
        } => {
            // A report id that exists already is refused by the insert below (`report_exists`), which
            // saves every pushed report a lookup.
            if community::category(conn, viewer.community_id, category)?.is_none() {
                return Err(ErrorCode::UnknownCategory.into());
            }
            if !community::address_known(conn, viewer.community_id, address)? {
                return Err(ErrorCode::UnknownAddress.into());
            }
            for sha in photos {
                if !blobs::attachable(conn, viewer, proxy.map(|p| p.proxy_id), sha)? {
                    return Err(ErrorCode::BlobMissing.into());
                }
            }
            if let Some(v) = voice {
                if !blobs::attachable(conn, viewer, proxy.map(|p| p.proxy_id), &v.sha256)? {
                    return Err(ErrorCode::VoiceMissing.into());
                }
            }
            let v = reports::insert(
                conn,
                &NewReport {
                    id: *report_id,
                    community_id: viewer.community_id,
                    household_id: viewer.household_id,
                    resident_id: viewer.resident_id,
                    category,
                    text,
                    address,
                    location: *location,
                    photos,
                    created_at: at,
                    proxy: stamp,
                },
                now,
            )?;
            if let Some(v) = voice {
                voices::attach(conn, *report_id, None, &v.sha256)?;
            }
            Ok(Some(v))
        }
        OpBody::CommentReport {
            report_id,
            text,
            voice,
        } => {
            let st = own_report(conn, viewer, *report_id)?;
            report_rules::comment(st.status)?;
            if let Some(v) = voice {
                if !blobs::attachable(conn, viewer, proxy.map(|p| p.proxy_id), &v.sha256)? {
                    return Err(ErrorCode::VoiceMissing.into());
                }
            }
            let mut e = Event::new(ReportEventKind::Comment, ActorRole::Resident, now).by(stamp);
            e.text = Some(text);
            e.author = Some(viewer.resident_id);
            let event_id = reports::add_event(conn, *report_id, &e)?;
            if let Some(v) = voice {
                voices::attach(conn, *report_id, Some(event_id), &v.sha256)?;
            }
            let u = RowUpdate {
                status: st.status,
                resolved_at: st.resolved_at,
                rating: st.rating,
            };
            Ok(Some(reports::update(conn, *report_id, &st, &u, now)?))
        }
        OpBody::WithdrawReport { report_id } => {
            let st = own_report(conn, viewer, *report_id)?;
            report_rules::withdraw(st.status)?;
            let mut e = Event::new(ReportEventKind::Withdrawn, ActorRole::Resident, now).by(stamp);
            e.author = Some(viewer.resident_id);
            let event_id = reports::add_event(conn, *report_id, &e)?;
            // The timeline event carries no status; its leaf records the status it moved to.
            let logged = Event {
                status: Some(ReportStatus::Withdrawn),
                ..e
            };
            reports::log_event(
                conn,
                st.community_id,
                *report_id,
                event_id,
                &logged,
                Some(op.id),
                now,
            )?;
            let u = RowUpdate {
                status: ReportStatus::Withdrawn,
                resolved_at: None,
                rating: None,
            };
            Ok(Some(reports::update(conn, *report_id, &st, &u, now)?))
        }
        OpBody::RateReport {
            report_id,
            satisfaction,
            comment,
        } => {
            let st = own_report(conn, viewer, *report_id)?;
            report_rules::rate(st.status)?;
            let mut e = Event::new(ReportEventKind::Rated, ActorRole::Resident, now).by(stamp);
            e.satisfaction = Some(*satisfaction);
            e.text = comment.as_deref();
            e.author = Some(viewer.resident_id);
            reports::add_event(conn, *report_id, &e)?;
            let u = RowUpdate {
                status: st.status,
                resolved_at: st.resolved_at,
                rating: Some(*satisfaction),
            };
            Ok(Some(reports::update(conn, *report_id, &st, &u, now)?))
        }
        OpBody::ReopenReport { report_id, reason } => {
            let st = own_report(conn, viewer, *report_id)?;
            report_rules::reopen(st.status, st.rating, st.resolved_at, now)?;
            let mut e = Event::new(ReportEventKind::Reopened, ActorRole::Resident, now).by(stamp);
            e.status = Some(ReportStatus::InProgress);
            e.text = reason.as_deref();
            e.author = Some(viewer.resident_id);
            let event_id = reports::add_event(conn, *report_id, &e)?;
            reports::log_event(
                conn,
                st.community_id,
                *report_id,
                event_id,
                &e,
                Some(op.id),
                now,
            )?;
            let u = RowUpdate {
                status: ReportStatus::InProgress,
                resolved_at: None,
                rating: None,
            };
            Ok(Some(reports::update(conn, *report_id, &st, &u, now)?))
        }
        OpBody::CastVote {
            consultation_id,
            option_ids,
        } => {
            let row = consultations::row(conn, *consultation_id)?
                .filter(|r| r.community_id == viewer.community_id)
                .ok_or(StoreError::Refused(ErrorCode::ConsultationNotFound))?;
            if !row.eligible(viewer) {
                return Err(ErrorCode::NotEligible.into());
            }
            votes::window(&row.window(), now)?;
            let option_list: Vec<Uuid> = row.options.iter().map(|(id, _)| *id).collect();
            votes::choices(option_ids, &option_list, row.max_choices)?;
            consultations::cast(
                conn,
                viewer,
                &row,
                option_ids,
                op.id,
                proxy.map(|p| p.proxy_id),
                now,
            )?;
            Ok(None)
        }
        OpBody::MarkNoticeRead { notice_id } => {
            if notices::render_for(conn, viewer, *notice_id)?.is_none() {
                return Err(ErrorCode::NoticeNotFound.into());
            }
            // A proxy reading the principal's notice leaves the principal's own receipt unread; the
            // office's door-knock list counts it for the principal (see notice_desk.rs).
            if let Some(p) = proxy {
                notice_desk::proxy_read(conn, viewer, *notice_id, p.proxy_id, at)?;
                return Ok(None);
            }
            notices::mark_read(conn, viewer, *notice_id, at, now)?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        c
    }

    fn rows(c: &Connection) -> i64 {
        c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    fn write_then_refuse(c: &Connection) -> StoreResult<()> {
        c.execute("INSERT INTO t VALUES (1)", [])?;
        Err(ErrorCode::NotEligible.into())
    }

    fn refuse_before_writing(_: &Connection) -> StoreResult<()> {
        Err(ErrorCode::NotEligible.into())
    }

    #[test]
    fn a_refusal_before_any_write_needs_no_savepoint() {
        let c = db();
        let r = undoable(&c, Undo::Unneeded, refuse_before_writing).unwrap();
        assert_eq!(r, Err(ErrorCode::NotEligible));
        let ok = undoable(&c, Undo::Unneeded, |c| {
            c.execute("INSERT INTO t VALUES (2)", [])?;
            Ok(7)
        })
        .unwrap();
        assert_eq!((ok, rows(&c)), (Ok(7), 1));
    }

    #[test]
    fn a_refusal_after_a_write_asks_for_savepoints_which_undo_it() {
        let c = db();
        assert!(matches!(
            undoable(&c, Undo::Unneeded, write_then_refuse),
            Err(StoreError::RetryWithSavepoints)
        ));
        // The caller rolls the batch back and goes again with savepoints: the write is undone, the
        // refusal answered.
        let c = db();
        let r = undoable(&c, Undo::Savepoint, write_then_refuse).unwrap();
        assert_eq!((r, rows(&c)), (Err(ErrorCode::NotEligible), 0));
    }
}
