//! SQL for `ops` (the dedup record of every pushed op) and the application of each op kind.
use chrono::{DateTime, Utc};
use linli_proto::{ActorRole, ErrorCode, Op, OpBody, OpStatus, ReportEventKind, ReportStatus};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::ts;
use super::reports::{self, Event, NewReport, RowUpdate};
use super::{access, blobs, community, consultations, notices, tlog};
use crate::domain::{report_rules, validate, votes};
use crate::store::{OpOutcome, StoreError, StoreResult, Viewer};

fn status_str(s: OpStatus) -> &'static str {
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

/// Exactly-once, in-order application of a device's ops: each op's dedup lookup, sequence check, effect
/// and dedup row, then the device's `last_seq` once for the whole batch, all in the caller's transaction
/// (shared by pushes committed together), so they commit together. A refused op still records its
/// answer (and advances `last_seq`) so a retry answers the same; its effect alone is rolled back,
/// through a savepoint.
pub fn push_all(
    tx: &Connection,
    viewer: &Viewer,
    ops: &[Op],
    now: DateTime<Utc>,
) -> StoreResult<Vec<OpOutcome>> {
    let before = access::last_seq(tx, viewer.device_id)?;
    let mut last = before;
    let out = ops
        .iter()
        .map(|op| push(tx, viewer, op, now, &mut last))
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
    let outcome = match super::savepoint(tx, |sp| {
        let version = apply(sp, viewer, op, now)?;
        Ok((version, tlog::index_for_op(sp, op.id)?))
    }) {
        Ok((version, log_index)) => OpOutcome {
            log_index,
            ..OpOutcome::applied(version)
        },
        Err(StoreError::Refused(code)) => OpOutcome::rejected(code),
        Err(e) => return Err(e),
    };
    tx.prepare_cached(
        "INSERT INTO ops (op_id, device_id, device_seq, kind, status, code, version, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        op.id.to_string(),
        viewer.device_id.to_string(),
        op.device_seq,
        op.body.kind(),
        status_str(outcome.status),
        outcome.code.map(|c| c.as_str()),
        outcome.version,
        ts(now)
    ])?;
    *last_seq = op.device_seq;
    Ok(outcome)
}

/// A report of the viewer's household, or `report_not_found` (another household's report does not
/// exist for this caller).
fn own_report(conn: &Connection, viewer: &Viewer, id: Uuid) -> StoreResult<reports::ReportState> {
    match reports::state(conn, id)? {
        Some(st) if st.household_id == viewer.household_id => Ok(st),
        _ => Err(ErrorCode::ReportNotFound.into()),
    }
}

fn apply(
    conn: &Connection,
    viewer: &Viewer,
    op: &Op,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    if op.on_behalf_of.is_some() {
        return Err(ErrorCode::Forbidden.into());
    }
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
                if !blobs::exists(conn, sha)? {
                    return Err(ErrorCode::BlobMissing.into());
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
                },
                now,
            )?;
            Ok(Some(v))
        }
        OpBody::CommentReport { report_id, text } => {
            let st = own_report(conn, viewer, *report_id)?;
            report_rules::comment(st.status)?;
            let mut e = Event::new(ReportEventKind::Comment, ActorRole::Resident, now);
            e.text = Some(text);
            e.author = Some(viewer.resident_id);
            reports::add_event(conn, *report_id, &e)?;
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
            let mut e = Event::new(ReportEventKind::Withdrawn, ActorRole::Resident, now);
            e.author = Some(viewer.resident_id);
            let event_id = reports::add_event(conn, *report_id, &e)?;
            // The timeline event carries no status; its leaf records the status it moved to.
            let logged = Event {
                status: Some(ReportStatus::Withdrawn),
                ..e
            };
            reports::log_event(conn, *report_id, event_id, &logged, Some(op.id), now)?;
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
            let mut e = Event::new(ReportEventKind::Rated, ActorRole::Resident, now);
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
            let mut e = Event::new(ReportEventKind::Reopened, ActorRole::Resident, now);
            e.status = Some(ReportStatus::InProgress);
            e.text = reason.as_deref();
            e.author = Some(viewer.resident_id);
            let event_id = reports::add_event(conn, *report_id, &e)?;
            reports::log_event(conn, *report_id, event_id, &e, Some(op.id), now)?;
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
            consultations::cast(conn, viewer, &row, option_ids, op.id, now)?;
            Ok(None)
        }
        OpBody::MarkNoticeRead { notice_id } => {
            if notices::render_for(conn, viewer, *notice_id)?.is_none() {
                return Err(ErrorCode::NoticeNotFound.into());
            }
            notices::mark_read(conn, viewer, *notice_id, at, now)?;
            Ok(None)
        }
    }
}
