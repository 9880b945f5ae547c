//! Rendering a feed page: the change-log entries a viewer may see, each turned into the record as that
//! viewer sees it now (the newest entry per record only).
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use linli_proto::{Change, ProxyScope, Record};
use rusqlite::Connection;
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::{access, community, consultations, notices, proxies, reports};
use crate::store::{FeedPage, StoreError, StoreResult, Viewer};

pub(super) fn render_change(
    conn: &Connection,
    viewer: &Viewer,
    kind: Kind,
    id: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Record>> {
    let uuid = || Uuid::parse_str(id).map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(match kind {
        Kind::Community => community::community(conn, viewer.community_id)?
            .filter(|c| c.id.to_string() == id)
            .map(Record::Community),
        Kind::Household => {
            let hid = uuid()?;
            if hid == viewer.household_id {
                community::household(conn, hid)?.map(Record::Household)
            } else {
                None
            }
        }
        Kind::Category => community::category(conn, viewer.community_id, id)?.map(Record::Category),
        Kind::Building => community::building(conn, uuid()?)?.map(Record::Building),
        Kind::Notice => {
            let nid = uuid()?;
            Some(match notices::render_for(conn, viewer, nid)? {
                Some(n) => Record::Notice(n),
                None => Record::NoticeRemoved { id: nid },
            })
        }
        Kind::Consultation => {
            let cid = uuid()?;
            Some(match consultations::render_for(conn, viewer, cid, now)? {
                Some(c) => Record::Consultation(c),
                None => Record::ConsultationRemoved { id: cid },
            })
        }
        Kind::Report => {
            let rid = uuid()?;
            Some(match reports::render(conn, rid)? {
                Some((r, hh)) if hh == viewer.household_id => Record::Report(r),
                _ => Record::ReportRemoved { id: rid },
            })
        }
        Kind::ProxyGrant => proxies::grant(conn, uuid()?, now)?
            .filter(|g| g.principal == viewer.resident_id || g.proxy == viewer.resident_id)
            .map(Record::ProxyGrant),
        Kind::ProxyAct => proxies::act(conn, uuid()?)?
            .filter(|a| a.principal == viewer.resident_id)
            .map(Record::ProxyAct),
    })
}

/// Which log entries of the principal's feed a proxy with `scopes` may read: the community, its
/// categories and address book always (to make a report or read a notice in context), the rest by scope.
/// Grant and act records stay the principal's own.
pub(super) fn proxy_may_read(kind: Kind, scopes: &[ProxyScope]) -> bool {
    match kind {
        Kind::Community | Kind::Category | Kind::Building => true,
        Kind::Household | Kind::Report => scopes.contains(&ProxyScope::Report),
        Kind::Notice => scopes.contains(&ProxyScope::ReadNotices),
        Kind::Consultation => scopes.contains(&ProxyScope::Vote),
        Kind::ProxyGrant | Kind::ProxyAct => false,
    }
}

/// One feed page for `viewer`, keeping only entries `keep` accepts.
pub(super) fn feed_page(
    conn: &Connection,
    viewer: &Viewer,
    cursor: i64,
    limit: u32,
    now: DateTime<Utc>,
    keep: impl Fn(Kind) -> bool,
) -> StoreResult<FeedPage> {
    let (rows, has_more) = changes::feed(conn, viewer, cursor, limit)?;
    let next_cursor = rows.last().map(|r| r.0).unwrap_or(cursor);
    // Keep only the newest entry per record within the page: it renders the current state anyway.
    let mut newest: HashMap<(Kind, &str), i64> = HashMap::new();
    for (seq, kind, id) in &rows {
        newest.insert((*kind, id.as_str()), *seq);
    }
    let mut out = Vec::with_capacity(newest.len());
    for (seq, kind, id) in &rows {
        if newest.get(&(*kind, id.as_str())) != Some(seq) || !keep(*kind) {
            continue;
        }
        if let Some(record) = render_change(conn, viewer, *kind, id, now)? {
            out.push(Change { seq: *seq, record });
        }
    }
    Ok(FeedPage {
        changes: out,
        next_cursor,
        has_more,
    })
}

/// Everyone whose entries a viewer's feeds carry: the viewer's community, building, household and self
/// (in that order), then the same of every resident the viewer is an active proxy for.
pub(super) fn audiences(
    conn: &Connection,
    viewer: &Viewer,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Audience>> {
    let own = |v: &Viewer| {
        [
            Audience::Community(v.community_id),
            Audience::Building(v.building_id),
            Audience::Household(v.household_id),
            Audience::Resident(v.resident_id),
        ]
    };
    let mut out = own(viewer).to_vec();
    for g in proxies::grants_of(conn, viewer.resident_id, now)? {
        if g.proxy != viewer.resident_id || g.status != linli_proto::GrantStatus::Active {
            continue;
        }
        if let Some(p) = access::viewer_of_resident(conn, g.principal, viewer.device_id)? {
            out.extend(own(&p));
        }
    }
    Ok(out)
}
