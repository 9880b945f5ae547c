//! The office's side of authorized proxies (亲友代办): a grant made in person for a resident without a
//! device (after staff checked both people), the list of grants, revoking one, the per-community limits
//! and a principal's record of acts. Listing grants and acts shows residents' names and homes, so those
//! take the acting staff member (`--staff`) and are logged like every other staff view.
//!
//! Staff name a resident by what they can look up: a resident id or a device id (both in
//! `linli-hub admin devices list --json`), or the address `楼栋/单元/户` (e.g. `1号楼/1单元/101`) when one
//! resident joined for that household.
use linli_proto::{ErrorCode, GrantParty, ProxyAct, ProxyGrant, ProxyScope};
use uuid::Uuid;

use crate::domain::proxy_rules;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{OfficeGrant, ProxyLimits, Staff};

/// The resident meant by `who`: a resident id, a device id, or `building/unit/room` of a household with
/// exactly one resident.
pub fn resolve_resident(hub: &Hub, who: &str) -> Result<Uuid, HubError> {
    let who = who.trim();
    if let Ok(id) = Uuid::parse_str(who) {
        return hub
            .store()
            .resident_by_id(id)?
            .ok_or(HubError::Refused(ErrorCode::NotFound));
    }
    let parts: Vec<&str> = who.split('/').map(str::trim).collect();
    let [building, unit, room] = parts[..] else {
        return Err(HubError::Refused(ErrorCode::NotFound));
    };
    let household = hub
        .store()
        .find_household(building, unit, room)?
        .ok_or(HubError::Refused(ErrorCode::UnknownAddress))?;
    let residents = hub.store().residents_of_household(household.id)?;
    match residents[..] {
        [one] => Ok(one),
        [] => Err(HubError::Refused(ErrorCode::NotFound)),
        _ => Err(HubError::AmbiguousResident(residents)),
    }
}

/// A grant made at the office; `days` defaults to 12 months, at most 36.
pub fn grant(
    hub: &Hub,
    principal: &str,
    proxy: &str,
    scopes: &[ProxyScope],
    days: Option<i64>,
    proxy_name: Option<String>,
) -> Result<ProxyGrant, HubError> {
    let days = proxy_rules::grant_days(days)?;
    let g = OfficeGrant {
        principal: resolve_resident(hub, principal)?,
        proxy: resolve_resident(hub, proxy)?,
        proxy_name,
        scopes: scopes.to_vec(),
        days,
    };
    let grant = hub.store().grant_proxy(&g, hub.now())?;
    hub.notify();
    Ok(grant)
}

pub fn list(hub: &Hub, staff: &Staff) -> Result<Vec<ProxyGrant>, HubError> {
    Ok(hub.store().proxy_grants_seen_by(staff, hub.now())?)
}

/// Revokes a grant at once (at the principal's request, or when staff judge it necessary).
pub fn revoke(hub: &Hub, id: Uuid) -> Result<ProxyGrant, HubError> {
    let grant = hub
        .store()
        .end_proxy_grant(id, GrantParty::Staff, hub.now())?;
    hub.notify();
    Ok(grant)
}

pub fn limits(hub: &Hub) -> Result<ProxyLimits, HubError> {
    Ok(hub.store().proxy_limits()?)
}

pub fn set_limits(hub: &Hub, limits: ProxyLimits) -> Result<(), HubError> {
    if limits.max_proxies < 0 || limits.max_principals < 0 {
        return Err(ErrorCode::BadRequest.into());
    }
    Ok(hub.store().set_proxy_limits(limits)?)
}

/// Everything proxies did for a resident of `staff`'s community, oldest first (the view is logged).
pub fn activity(hub: &Hub, staff: &Staff, principal: &str) -> Result<Vec<ProxyAct>, HubError> {
    let id = resolve_resident(hub, principal)?;
    Ok(hub.store().proxy_acts_seen_by(staff, id, hub.now())?)
}
