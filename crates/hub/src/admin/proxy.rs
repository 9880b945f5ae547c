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

/// The resident of `community` meant by `who`: a resident id, a device id, or `building/unit/room` of a
/// household with exactly one resident. Another community's resident answers `not_found`.
pub fn resolve_resident(hub: &Hub, community: Uuid, who: &str) -> Result<Uuid, HubError> {
    let who = who.trim();
    if let Ok(id) = Uuid::parse_str(who) {
        return hub
            .store()
            .resident_by_id(community, id)?
            .ok_or(HubError::Refused(ErrorCode::NotFound));
    }
    let parts: Vec<&str> = who.split('/').map(str::trim).collect();
    let [building, unit, room] = parts[..] else {
        return Err(HubError::Refused(ErrorCode::NotFound));
    };
    let household = hub
        .store()
        .find_household(community, building, unit, room)?
        .ok_or(HubError::Refused(ErrorCode::UnknownAddress))?;
    let residents = hub.store().residents_of_household(household.id)?;
    match residents[..] {
        [one] => Ok(one),
        [] => Err(HubError::Refused(ErrorCode::NotFound)),
        _ => Err(HubError::AmbiguousResident(residents)),
    }
}

/// The proxy of an office grant: a relative may live in any community of the hub, so an id is looked
/// up in each; an address means a household of `community`.
fn resolve_any_resident(hub: &Hub, community: Uuid, who: &str) -> Result<Uuid, HubError> {
    if let Ok(id) = Uuid::parse_str(who.trim()) {
        for c in hub.store().communities()? {
            if let Some(r) = hub.store().resident_by_id(c.id, id)? {
                return Ok(r);
            }
        }
        return Err(ErrorCode::NotFound.into());
    }
    resolve_resident(hub, community, who)
}

/// A grant made at the office; `days` defaults to 12 months, at most 36.
/// The proxy may live in any community of the hub; the principal is one of `community`'s residents.
pub fn grant(
    hub: &Hub,
    community: Uuid,
    principal: &str,
    proxy: &str,
    scopes: &[ProxyScope],
    days: Option<i64>,
    proxy_name: Option<String>,
) -> Result<ProxyGrant, HubError> {
    let days = proxy_rules::grant_days(days)?;
    let g = OfficeGrant {
        principal: resolve_resident(hub, community, principal)?,
        proxy: resolve_any_resident(hub, community, proxy)?,
        proxy_name,
        scopes: scopes.to_vec(),
        days,
    };
    let grant = hub.store().grant_proxy(community, &g, hub.now())?;
    hub.notify();
    Ok(grant)
}

pub fn list(hub: &Hub, staff: &Staff) -> Result<Vec<ProxyGrant>, HubError> {
    Ok(hub.store().proxy_grants_seen_by(staff, hub.now())?)
}

/// Revokes a grant at once (at the principal's request, or when staff judge it necessary).
pub fn revoke(hub: &Hub, community: Uuid, id: Uuid) -> Result<ProxyGrant, HubError> {
    // A grant whose principal lives in another community answers as an unknown one.
    let ours = match hub.store().proxy_grant(id, hub.now())? {
        Some(g) => hub
            .store()
            .resident_by_id(community, g.principal)?
            .is_some(),
        None => false,
    };
    if !ours {
        return Err(ErrorCode::NotFound.into());
    }
    let grant = hub
        .store()
        .end_proxy_grant(id, GrantParty::Staff, hub.now())?;
    hub.notify();
    Ok(grant)
}

pub fn limits(hub: &Hub, community: Uuid) -> Result<ProxyLimits, HubError> {
    Ok(hub.store().proxy_limits(community)?)
}

pub fn set_limits(hub: &Hub, community: Uuid, limits: ProxyLimits) -> Result<(), HubError> {
    if limits.max_proxies < 0 || limits.max_principals < 0 {
        return Err(ErrorCode::BadRequest.into());
    }
    Ok(hub.store().set_proxy_limits(community, limits)?)
}

/// Everything proxies did for a resident of `staff`'s community, oldest first (the view is logged).
pub fn activity(hub: &Hub, staff: &Staff, principal: &str) -> Result<Vec<ProxyAct>, HubError> {
    let id = resolve_resident(hub, staff.community_id, principal)?;
    Ok(hub.store().proxy_acts_seen_by(staff, id, hub.now())?)
}
