//! Staff views of residents' personal details, for `Store`'s `*_seen_by` methods: each shows only what
//! the staff member's scope reaches (their community; for reports, `domain::staff_scope` decides, and a
//! report outside it answers as an unknown one) and writes every record shown to the access log in the
//! same transaction.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, ProxyAct, ProxyGrant};
use rusqlite::Connection;
use uuid::Uuid;

use super::{access, cases, closure, community, dispatch, open311, proxies, reports, staff};
use crate::store::{DeviceInfo, ReportFilter, Staff, StaffReport, StoreError, StoreResult};

/// Every grant of `who`'s community, each logged: names and homes in them are personal details.
pub fn proxy_grants(
    c: &Connection,
    who: &Staff,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ProxyGrant>> {
    let mut out = Vec::new();
    for g in proxies::all(c, now)? {
        if staff::grant_community(c, g.id)? != Some(who.community_id) {
            continue;
        }
        log_view(
            c,
            who,
            "proxy_grants_list",
            "proxy_grant",
            g.id,
            g.principal,
            now,
        )?;
        out.push(g);
    }
    Ok(out)
}

/// Reports of `who`'s community, each one listed logged.
pub fn reports(
    c: &Connection,
    who: &Staff,
    filter: &ReportFilter,
    now: DateTime<Utc>,
) -> StoreResult<Vec<StaffReport>> {
    let scope = dispatch::scope(c, who)?;
    let mut out = Vec::new();
    for id in reports::ids(c, filter)? {
        let Some((community_id, resident_id)) = staff::report_owner(c, id)? else {
            continue;
        };
        if !dispatch::facts(c, id)?.is_some_and(|f| scope.sees(&f)) {
            continue;
        }
        if filter.overdue && !dispatch::overdue(c, id, now)? {
            continue;
        }
        if filter.escalated && !cases::escalated(c, id)? {
            continue;
        }
        if let Some(r) = staff_report(c, id, now)? {
            log_report_view(c, who, community_id, "reports_list", id, resident_id, now)?;
            out.push(r);
        }
    }
    Ok(out)
}

/// One report, logged; one outside `who`'s scope answers as an unknown one.
pub fn report(
    c: &Connection,
    who: &Staff,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<StaffReport>> {
    let Some((community_id, resident_id)) = staff::report_owner(c, id)? else {
        return Ok(None);
    };
    // A report outside the staff member's scope answers as an unknown one: its existence is not
    // for them.
    let scope = dispatch::scope(c, who)?;
    if !dispatch::facts(c, id)?.is_some_and(|f| scope.sees(&f)) {
        return Ok(None);
    }
    log_report_view(c, who, community_id, "report_view", id, resident_id, now)?;
    staff_report(c, id, now)
}

/// Devices of `who`'s community with their household, each logged.
pub fn devices(c: &Connection, who: &Staff, now: DateTime<Utc>) -> StoreResult<Vec<DeviceInfo>> {
    let owners = staff::device_communities(c)?;
    let mut out = Vec::new();
    for d in access::devices(c)? {
        let mine = owners
            .iter()
            .any(|(id, _, cid)| *id == d.id && *cid == who.community_id);
        if mine && d.resident_id != closure::CLOSED {
            log_view(c, who, "devices_list", "device", d.id, d.resident_id, now)?;
            out.push(d);
        }
    }
    Ok(out)
}

/// What proxies did for a resident of `who`'s community, the view logged.
pub fn proxy_acts(
    c: &Connection,
    who: &Staff,
    principal: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ProxyAct>> {
    if staff::resident_community(c, principal)? != Some(who.community_id) {
        return Err(ErrorCode::Forbidden.into());
    }
    log_view(
        c,
        who,
        "proxy_activity",
        "resident",
        principal,
        principal,
        now,
    )?;
    proxies::acts_for(c, principal)
}

fn staff_report(c: &Connection, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<StaffReport>> {
    let Some((report, hh)) = reports::render(c, id)? else {
        return Ok(None);
    };
    let household = community::household(c, hh)?
        .ok_or_else(|| StoreError::Corrupt("report without household".into()))?;
    let rating = reports::state(c, id)?.and_then(|s| s.rating);
    Ok(Some(StaffReport {
        report,
        household,
        rating,
        dispatch: dispatch::info(c, id, now)?,
        external: open311::external_case(c, id)?,
    }))
}

/// Writes one staff view of a resident's details to the access log.
fn log_view(
    c: &Connection,
    who: &Staff,
    action: &str,
    kind: &str,
    id: Uuid,
    resident_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    staff::log(
        c,
        &staff::Access {
            community_id: who.community_id,
            staff: Some(who),
            action,
            record_kind: Some(kind),
            record_id: Some(id.to_string()),
            resident_id: Some(resident_id).filter(|r| *r != closure::CLOSED),
        },
        now,
    )
}

/// Writes one staff view of a report to the access log of the report's community (street staff
/// read other communities' reports: that community's data officer sees the look).
fn log_report_view(
    c: &Connection,
    who: &Staff,
    community_id: Uuid,
    action: &str,
    id: Uuid,
    resident_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    staff::log(
        c,
        &staff::Access {
            community_id,
            staff: Some(who),
            action,
            record_kind: Some("report"),
            record_id: Some(id.to_string()),
            resident_id: Some(resident_id).filter(|r| *r != closure::CLOSED),
        },
        now,
    )
}
