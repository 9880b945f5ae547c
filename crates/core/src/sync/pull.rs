//! Pull: read the hub's change feed from the stored cursor until `has_more` is false. Each page is applied
//! to the replica in one transaction together with the new cursor, so an interrupted pull resumes and a
//! repeated one changes nothing. Pulls touch only the replica, never the outbox's pending effects.
use crate::http::HubClient;
use crate::store::{self, settings};
use crate::transparency::{self, Expect, LogProblem};
use crate::views::{CoreEvent, SyncOutcome};
use crate::{CoreError, Profile};
use linli_proto::limits::PULL_PAGE_MAX;
use linli_proto::{PullPage, Record, Urgency};
use rusqlite::Connection;

/// The first page of a pull, asked for ahead (while the push's last answer is kept), with the cursor it
/// was asked from.
pub(super) struct Prefetched {
    cursor: i64,
    page: tokio::task::JoinHandle<Result<PullPage, CoreError>>,
}

/// Asks for the first page now, from the stored cursor (which only a pull moves).
pub(super) fn prefetch(profile: &Profile, client: &HubClient) -> Result<Prefetched, CoreError> {
    let cursor = settings::get_i64(&profile.db(), settings::CURSOR)?.unwrap_or(0);
    let client = client.clone();
    Ok(Prefetched {
        cursor,
        page: tokio::spawn(async move { client.pull(cursor, PULL_PAGE_MAX).await }),
    })
}

pub(super) async fn pull(
    profile: &Profile,
    client: &HubClient,
    mut first: Option<Prefetched>,
    outcome: &mut SyncOutcome,
    problems: &mut Vec<LogProblem>,
) -> Result<(), CoreError> {
    let log_pinned = settings::get(&profile.db(), settings::LOG_KEY)?.is_some();
    let first_sync = settings::get_i64(&profile.db(), settings::CURSOR)?.unwrap_or(0) == 0;
    let lang = profile.language();
    loop {
        let cursor = settings::get_i64(&profile.db(), settings::CURSOR)?.unwrap_or(0);
        let page = match first.take() {
            Some(p) if p.cursor == cursor => p
                .page
                .await
                .map_err(|e| CoreError::Protocol(e.to_string()))??,
            _ => client.pull(cursor, PULL_PAGE_MAX).await?,
        };
        let mut notes = Vec::new();
        {
            let mut db = profile.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for change in &page.changes {
                apply(&tx, &change.record, first_sync, lang, &mut notes)?;
                if log_pinned {
                    keep_receipts(&tx, &change.record, problems)?;
                }
            }
            settings::set(&tx, settings::CURSOR, &page.next_cursor.to_string())?;
            if let Some(incarnation) = &page.incarnation {
                settings::set(&tx, settings::HUB_INCARNATION, incarnation)?;
            }
            tx.commit()?;
        }
        outcome.changes_pulled += page.changes.len();
        if !page.changes.is_empty() {
            profile.emit(CoreEvent::DataChanged);
        }
        for note in notes {
            profile.emit(note);
        }
        if !page.has_more {
            return Ok(());
        }
        if page.next_cursor <= cursor {
            return Err(CoreError::Protocol(format!(
                "pull did not advance past cursor {cursor}"
            )));
        }
    }
}

/// Keeps the log receipts a record carries: the resident's report's status changes and replies, a
/// closed consultation's final tally (which must match the results shown).
fn keep_receipts(
    conn: &Connection,
    record: &Record,
    problems: &mut Vec<LogProblem>,
) -> Result<(), CoreError> {
    match record {
        Record::Report(r) => {
            for e in &r.events {
                for receipt in &e.receipts {
                    let expect = Expect::ReportEvent {
                        report: r.id,
                        event: e.id,
                    };
                    transparency::keep(conn, receipt, &expect, &r.id.to_string(), problems)?;
                }
            }
        }
        Record::Consultation(c) => {
            if let Some(receipt) = &c.tally_receipt {
                transparency::keep(
                    conn,
                    receipt,
                    &Expect::Tally(c),
                    &c.id.to_string(),
                    problems,
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Parses a pull page as it comes off the wire and applies it to a replica in one transaction, as the pull
/// loop does (receipts aside). For the fuzz target `pull_page`: the hub's answer is untrusted input.
pub fn apply_page_bytes(conn: &mut Connection, bytes: &[u8]) -> Result<usize, CoreError> {
    let page: linli_proto::PullPage = serde_json::from_slice(bytes)?;
    let tx = conn.transaction()?;
    let mut notes = Vec::new();
    for change in &page.changes {
        apply(
            &tx,
            &change.record,
            false,
            linli_i18n::Lang::default(),
            &mut notes,
        )?;
    }
    settings::set(&tx, settings::CURSOR, &page.next_cursor.to_string())?;
    tx.commit()?;
    Ok(page.changes.len())
}

/// Applies one change to the replica; collects notifications (none on the very first sync: a new device
/// should not ring for every old notice).
fn apply(
    conn: &Connection,
    record: &Record,
    first_sync: bool,
    lang: linli_i18n::Lang,
    notes: &mut Vec<CoreEvent>,
) -> Result<(), CoreError> {
    match record {
        Record::Community(c) => store::community::put_community(conn, c)?,
        Record::Household(h) => store::community::put_household(conn, h)?,
        Record::Category(c) => store::community::put_category(conn, c)?,
        Record::Building(b) => store::community::put_building(conn, b)?,
        Record::Notice(n) => {
            let existed = store::notices::upsert(conn, n)?;
            if !existed && !first_sync && n.urgency == Urgency::Urgent && n.read_at.is_none() {
                notes.push(CoreEvent::UrgentNotice {
                    id: n.id,
                    title: n.title.clone(),
                });
            }
        }
        Record::NoticeRemoved { id } => store::notices::remove(conn, *id)?,
        Record::Consultation(c) => store::consultations::upsert(conn, c)?,
        Record::ConsultationRemoved { id } => store::consultations::remove(conn, *id)?,
        Record::Report(r) => {
            let previous = store::reports::upsert(conn, r)?;
            if previous.is_some_and(|status| status != r.status) {
                notes.push(CoreEvent::ReportStatusChanged {
                    id: r.id,
                    status: r.status,
                });
            }
        }
        Record::ReportRemoved { id } => store::reports::remove(conn, *id)?,
        Record::ProxyGrant(g) => {
            store::proxy::put_grant(conn, g)?;
            if !first_sync {
                // Kept for both residents: "王芳（女儿）现在可以为您代办…", "…已收回您的代办授权".
                store::messages::insert(
                    conn,
                    crate::proxy::GRANT_MESSAGE,
                    &g.id.to_string(),
                    g.status.as_str(),
                    None,
                )?;
                notes.push(CoreEvent::ProxyGrantChanged {
                    id: g.id,
                    status: g.status,
                });
            }
        }
        Record::ProxyAct(a) => {
            let new = store::proxy::put_act(conn, a)?;
            if new && !first_sync && a.kind == "cast_vote" {
                // A vote cast for the principal is kept as a message too: "王芳（女儿）代您投票：…".
                store::messages::insert(
                    conn,
                    &a.kind,
                    &a.id.to_string(),
                    crate::proxy::ACT_MESSAGE,
                    None,
                )?;
            }
            if new && !first_sync {
                notes.push(CoreEvent::ProxyActed {
                    id: a.id,
                    kind: a.kind.clone(),
                    text: crate::proxy::act_line(lang, a),
                });
            }
        }
    }
    Ok(())
}

/// Reads the feed of one principal this resident acts for (亲友代办) into its own, separate tables. When the
/// hub refuses because the grant ended, everything read for that principal is forgotten; the rest of the
/// sync goes on.
pub(super) async fn pull_for(
    profile: &Profile,
    client: &HubClient,
    principal: uuid::Uuid,
    as_visitor: bool,
    outcome: &mut SyncOutcome,
) -> Result<(), CoreError> {
    loop {
        let cursor = store::proxy::cursor(&profile.db(), principal)?;
        let fetched = if as_visitor {
            client.visitor_pull(principal, cursor, PULL_PAGE_MAX).await
        } else {
            client.pull_for(principal, cursor, PULL_PAGE_MAX).await
        };
        let page = match fetched {
            Ok(p) => p,
            Err(CoreError::Hub { code, .. }) if is_grant_refusal(code) => {
                store::proxy::forget_principal(&profile.db(), principal)?;
                profile.emit(CoreEvent::DataChanged);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        {
            let mut db = profile.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for change in &page.changes {
                apply_for(&tx, principal, &change.record)?;
            }
            store::proxy::set_cursor(&tx, principal, page.next_cursor)?;
            tx.commit()?;
        }
        outcome.changes_pulled += page.changes.len();
        if !page.changes.is_empty() {
            profile.emit(CoreEvent::DataChanged);
        }
        if !page.has_more {
            return Ok(());
        }
        if page.next_cursor <= cursor {
            return Err(CoreError::Protocol(format!(
                "pull for a principal did not advance past cursor {cursor}"
            )));
        }
    }
}

/// The hub's answers that mean "this grant no longer lets you read".
pub(crate) fn is_grant_refusal(code: linli_proto::ErrorCode) -> bool {
    use linli_proto::ErrorCode::*;
    matches!(
        code,
        ProxyNotGranted | ProxyGrantRevoked | ProxyGrantGivenUp | ProxyGrantExpired
    )
}

fn apply_for(conn: &Connection, principal: uuid::Uuid, record: &Record) -> Result<(), CoreError> {
    use store::proxy::{self as px, Kind};
    match record {
        Record::Community(c) => px::put(conn, principal, Kind::Community, "community", c)?,
        Record::Household(h) => px::put(conn, principal, Kind::Household, "household", h)?,
        Record::Category(c) => px::put(conn, principal, Kind::Category, &c.key, c)?,
        Record::Building(b) => px::put(conn, principal, Kind::Building, &b.id.to_string(), b)?,
        Record::Notice(n) => px::put(conn, principal, Kind::Notice, &n.id.to_string(), n)?,
        Record::NoticeRemoved { id } => px::remove(conn, principal, Kind::Notice, &id.to_string())?,
        Record::Consultation(c) => {
            px::put(conn, principal, Kind::Consultation, &c.id.to_string(), c)?
        }
        Record::ConsultationRemoved { id } => {
            px::remove(conn, principal, Kind::Consultation, &id.to_string())?
        }
        Record::Report(r) => px::put(conn, principal, Kind::Report, &r.id.to_string(), r)?,
        Record::ReportRemoved { id } => px::remove(conn, principal, Kind::Report, &id.to_string())?,
        // The hub keeps grant and act records to the principal's own feed.
        Record::ProxyGrant(_) | Record::ProxyAct(_) => {}
    }
    Ok(())
}
