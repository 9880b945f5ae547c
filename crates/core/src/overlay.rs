//! Views = the replica (the hub's last rendering) with the effects of this device's queued ops laid on top.
//! Pulled changes only ever touch the replica, so they never overwrite a pending local change; a rejected op
//! is deleted from the outbox, which rolls its effect back.
use crate::store::outbox::{OpState, OutboxRow};
use crate::store::{self};
use crate::views::*;
use crate::CoreError;
use chrono::{DateTime, Utc};
use linli_i18n::Lang;
use linli_proto::{
    ActorRole, Category, Consultation, Notice, Op, OpBody, Report, ReportEvent, ReportEventKind,
    ReportStatus, Satisfaction,
};
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;

pub const REPORT_KINDS: &[&str] = &[
    "create_report",
    "comment_report",
    "withdraw_report",
    "rate_report",
    "reopen_report",
];

pub fn notice_view(row: store::notices::NoticeRow) -> NoticeView {
    let n: Notice = row.notice;
    NoticeView {
        id: n.id,
        title: n.title,
        body: n.body,
        urgency: n.urgency,
        pinned: n.pinned,
        published_at: n.published_at,
        expires_at: n.expires_at,
        attachments: n.attachments,
        street: n.street,
        read: row.read,
        pending: row.pending,
    }
}

/// Whether an op's effect still has to be laid over the replica.
fn still_shows(row: &OutboxRow, replica_version: Option<i64>) -> bool {
    match row.state {
        OpState::Pending => true,
        OpState::Applied => match (row.applied_version, replica_version) {
            (Some(applied), Some(have)) => have < applied,
            (_, None) => true,
            (None, Some(_)) => false,
        },
    }
}

/// A timeline entry for a queued op; one queued for a principal shows as a proxy's act for them.
fn local_event(op: &Op, kind: ReportEventKind) -> ReportEvent {
    ReportEvent {
        id: op.id,
        kind,
        actor: if op.on_behalf_of.is_some() {
            ActorRole::Proxy
        } else {
            ActorRole::Resident
        },
        actor_name: None,
        status: None,
        text: None,
        satisfaction: None,
        at: op.created_at,
        receipts: Vec::new(),
        actor_id: None,
        on_behalf_of: op.on_behalf_of,
        voice: None,
    }
}

/// Lays `ops` (all about one report, in sequence order) over `replica`. Returns the view's report and
/// whether a change is still pending.
fn apply_report_ops(
    mut report: Option<Report>,
    ops: &[&OutboxRow],
) -> (Option<Report>, bool, bool) {
    let replica_version = report.as_ref().map(|r| r.version);
    let mut pending = false;
    let mut received = report.is_some();
    for row in ops {
        if row.state == OpState::Pending {
            pending = true;
        }
        if !still_shows(row, replica_version) {
            continue;
        }
        let op = &row.op;
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
                if report.is_none() {
                    received = false;
                    report = Some(Report {
                        id: *report_id,
                        category: category.clone(),
                        text: text.clone(),
                        address: address.clone(),
                        location: *location,
                        photos: photos.clone(),
                        voice: voice.clone(),
                        status: ReportStatus::Submitted,
                        created_at: op.created_at,
                        received_at: op.created_at,
                        events: vec![local_event(op, ReportEventKind::Submitted)],
                        version: 0,
                        handling: None,
                    });
                }
            }
            OpBody::CommentReport { text, voice, .. } => {
                if let Some(r) = report.as_mut() {
                    let mut e = local_event(op, ReportEventKind::Comment);
                    e.text = Some(text.clone());
                    e.voice = voice.clone();
                    r.events.push(e);
                }
            }
            OpBody::WithdrawReport { .. } => {
                if let Some(r) = report.as_mut() {
                    r.status = ReportStatus::Withdrawn;
                    r.events.push(local_event(op, ReportEventKind::Withdrawn));
                }
            }
            OpBody::RateReport {
                satisfaction,
                comment,
                ..
            } => {
                if let Some(r) = report.as_mut() {
                    let mut e = local_event(op, ReportEventKind::Rated);
                    e.satisfaction = Some(*satisfaction);
                    e.text = comment.clone();
                    r.events.push(e);
                }
            }
            OpBody::ReopenReport { reason, .. } => {
                if let Some(r) = report.as_mut() {
                    r.status = ReportStatus::InProgress;
                    let mut e = local_event(op, ReportEventKind::Reopened);
                    e.text = reason.clone();
                    r.events.push(e);
                }
            }
            OpBody::CastVote { .. } | OpBody::MarkNoticeRead { .. } => {}
        }
    }
    (report, pending, received)
}

fn report_view(
    r: Report,
    pending: bool,
    received: bool,
    names: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> ReportView {
    let resolved_at = r
        .events
        .iter()
        .rev()
        .find(|e| e.kind == ReportEventKind::Status && e.status == Some(ReportStatus::Resolved))
        .map(|e| e.at);
    let last_rating = r
        .events
        .iter()
        .rev()
        .take_while(|e| {
            !(e.kind == ReportEventKind::Status && e.status == Some(ReportStatus::Resolved))
        })
        .find(|e| e.kind == ReportEventKind::Rated)
        .and_then(|e| e.satisfaction);
    let resolved = r.status == ReportStatus::Resolved;
    let within_reopen = resolved_at
        .is_some_and(|at| now - at <= chrono::Duration::days(linli_proto::limits::REOPEN_DAYS));
    ReportView {
        id: r.id,
        category_name: names
            .get(&r.category)
            .cloned()
            .unwrap_or_else(|| r.category.clone()),
        category: r.category,
        text: r.text,
        address: r.address,
        location: r.location,
        photos: r.photos,
        can_withdraw: r.status == ReportStatus::Submitted,
        can_rate: resolved && last_rating.is_none(),
        can_reopen: resolved && within_reopen && last_rating == Some(Satisfaction::Unsatisfied),
        status: r.status,
        created_at: r.created_at,
        received_at: received.then_some(r.received_at),
        events: r.events,
        pending,
        handling: r.handling,
    }
}

/// The categories of the resident's community, or of the principal's when acting for one.
fn category_list(conn: &Connection, principal: Option<Uuid>) -> Result<Vec<Category>, CoreError> {
    match principal {
        None => store::community::categories(conn),
        Some(p) => store::proxy::categories(conn, p),
    }
}

fn category_names(
    conn: &Connection,
    lang: Lang,
    principal: Option<Uuid>,
) -> Result<HashMap<String, String>, CoreError> {
    Ok(category_list(conn, principal)?
        .into_iter()
        .map(|c| {
            let name = match lang {
                Lang::ZhCn => c.name_zh,
                Lang::EnUs => c.name_en,
            };
            (c.key, name)
        })
        .collect())
}

/// Every report the resident sees (or, acting for `principal`, the principal's), newest first, with
/// pending local changes applied.
pub fn reports(
    conn: &Connection,
    lang: Lang,
    principal: Option<Uuid>,
) -> Result<Vec<ReportView>, CoreError> {
    let names = category_names(conn, lang, principal)?;
    let now = Utc::now();
    let ops = store::outbox::all_of_kinds(conn, REPORT_KINDS, principal)?;
    let mut by_report: HashMap<String, Vec<&OutboxRow>> = HashMap::new();
    for row in &ops {
        by_report
            .entry(store::outbox::target(&row.op.body))
            .or_default()
            .push(row);
    }
    let mut out = Vec::new();
    let replica = match principal {
        None => store::reports::list(conn)?,
        Some(p) => store::proxy::reports(conn, p)?,
    };
    for r in replica {
        let key = r.id.to_string();
        let ops = by_report.remove(&key).unwrap_or_default();
        let (r, pending, received) = apply_report_ops(Some(r), &ops);
        if let Some(r) = r {
            out.push(report_view(r, pending, received, &names, now));
        }
    }
    // Reports made on this device that the replica does not hold yet.
    for ops in by_report.values() {
        if let (Some(r), pending, received) = apply_report_ops(None, ops) {
            out.push(report_view(r, pending, received, &names, now));
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    Ok(out)
}

pub fn report(
    conn: &Connection,
    lang: Lang,
    id: Uuid,
    principal: Option<Uuid>,
) -> Result<Option<ReportView>, CoreError> {
    let names = category_names(conn, lang, principal)?;
    let ops = store::outbox::for_target(conn, &id.to_string(), principal)?;
    let ops: Vec<&OutboxRow> = ops.iter().collect();
    let replica = match principal {
        None => store::reports::get(conn, id)?,
        Some(p) => store::proxy::report(conn, p, id)?,
    };
    let (r, pending, received) = apply_report_ops(replica, &ops);
    Ok(r.map(|r| report_view(r, pending, received, &names, Utc::now())))
}

pub fn consultation_status(c: &Consultation, now: DateTime<Utc>) -> ConsultationStatus {
    if c.closed_at.is_some() || now >= c.closes_at {
        ConsultationStatus::Closed
    } else if now < c.opens_at {
        ConsultationStatus::Upcoming
    } else {
        ConsultationStatus::Open
    }
}

fn consultation_view(c: Consultation, ops: &[&OutboxRow], now: DateTime<Utc>) -> ConsultationView {
    let mut my_vote = c.my_vote.clone();
    let mut pending = false;
    for row in ops {
        if let OpBody::CastVote { option_ids, .. } = &row.op.body {
            my_vote = Some(option_ids.clone());
            pending |= row.state == OpState::Pending;
        }
    }
    ConsultationView {
        status: consultation_status(&c, now),
        id: c.id,
        title: c.title,
        description: c.description,
        options: c.options,
        max_choices: c.max_choices,
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        vote_scope: c.vote_scope,
        results_visibility: c.results_visibility,
        my_vote,
        total_votes: c.total_votes,
        pending,
        verified_at_checkpoint: None,
    }
}

/// Marks a closed consultation whose final tally this device verified in the hub's log.
fn with_verification(
    conn: &Connection,
    mut v: ConsultationView,
) -> Result<ConsultationView, CoreError> {
    if v.status == ConsultationStatus::Closed {
        v.verified_at_checkpoint = store::receipts::tally_verified_at(conn, &v.id.to_string())?;
    }
    Ok(v)
}

pub fn consultations(
    conn: &Connection,
    principal: Option<Uuid>,
) -> Result<Vec<ConsultationView>, CoreError> {
    let now = Utc::now();
    let ops = store::outbox::all_of_kinds(conn, &["cast_vote"], principal)?;
    let mut by_id: HashMap<String, Vec<&OutboxRow>> = HashMap::new();
    for row in &ops {
        by_id
            .entry(store::outbox::target(&row.op.body))
            .or_default()
            .push(row);
    }
    let replica = match principal {
        None => store::consultations::list(conn)?,
        Some(p) => store::proxy::consultations(conn, p)?,
    };
    let mut out: Vec<ConsultationView> = replica
        .into_iter()
        .map(|c| {
            let ops = by_id.get(&c.id.to_string()).cloned().unwrap_or_default();
            with_verification(conn, consultation_view(c, &ops, now))
        })
        .collect::<Result<_, _>>()?;
    // Open first, then upcoming, then closed; newest first within (list order is kept by a stable sort).
    out.sort_by_key(|c| match c.status {
        ConsultationStatus::Open => 0,
        ConsultationStatus::Upcoming => 1,
        ConsultationStatus::Closed => 2,
    });
    Ok(out)
}

pub fn consultation(
    conn: &Connection,
    id: Uuid,
    principal: Option<Uuid>,
) -> Result<Option<ConsultationView>, CoreError> {
    let replica = match principal {
        None => store::consultations::get(conn, id)?,
        Some(p) => store::proxy::consultation(conn, p, id)?,
    };
    let Some(c) = replica else {
        return Ok(None);
    };
    let ops = store::outbox::for_target(conn, &id.to_string(), principal)?;
    let ops: Vec<&OutboxRow> = ops.iter().collect();
    Ok(Some(with_verification(
        conn,
        consultation_view(c, &ops, Utc::now()),
    )?))
}

pub fn categories(
    conn: &Connection,
    lang: Lang,
    principal: Option<Uuid>,
) -> Result<Vec<CategoryView>, CoreError> {
    Ok(category_list(conn, principal)?
        .into_iter()
        .map(|c| CategoryView {
            name: match lang {
                Lang::ZhCn => c.name_zh,
                Lang::EnUs => c.name_en,
            },
            key: c.key,
            icon: c.icon,
        })
        .collect())
}
