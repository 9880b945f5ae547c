//! The communities of the hub: creating one from a seed file (JSON or TOML; see
//! `crates/hub/seed.example.toml`), listing them, and finding the one an admin command means.
use std::path::Path;

use linli_proto::{limits, ErrorCode};
use uuid::Uuid;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::CommunitySeed;
use linli_proto::Community;

/// Reads a seed file; `.toml` files as TOML, anything else as JSON.
pub fn load_seed(path: &Path) -> Result<CommunitySeed, HubError> {
    let text = std::fs::read_to_string(path)?;
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        toml::from_str(&text).map_err(|e| HubError::Seed(e.to_string()))
    } else {
        serde_json::from_str(&text).map_err(|e| HubError::Seed(e.to_string()))
    }
}

fn check(seed: &CommunitySeed) -> Result<(), HubError> {
    let too_long = |s: &str, max: usize| s.chars().count() > max || s.trim().is_empty();
    if too_long(&seed.name, limits::TITLE_MAX)
        || too_long(&seed.phone, limits::ADDRESS_PART_MAX)
        || too_long(&seed.hours, limits::ADDRESS_TEXT_MAX)
    {
        return Err(ErrorCode::FieldRequired.into());
    }
    for b in &seed.buildings {
        for part in std::iter::once(&b.name)
            .chain(b.units.iter().map(|u| &u.name))
            .chain(b.units.iter().flat_map(|u| u.rooms.iter()))
        {
            if too_long(part, limits::ADDRESS_PART_MAX) {
                return Err(ErrorCode::FieldTooLong.into());
            }
        }
    }
    Ok(())
}

/// Adds a community with its address book and categories (to the street, when one is named).
pub fn create(hub: &Hub, seed: &CommunitySeed) -> Result<Uuid, HubError> {
    check(seed)?;
    let id = hub.store().create_community(seed, hub.now())?;
    hub.notify();
    Ok(id)
}

pub fn list(hub: &Hub) -> Result<Vec<Community>, HubError> {
    Ok(hub.store().communities()?)
}

/// The community an admin command means: `given` is its name or id; without one, the hub's only
/// community. `community_required` when the hub holds several and none was named (or none yet),
/// `community_not_found` when the name or id is unknown.
pub fn resolve(hub: &Hub, given: Option<&str>) -> Result<Community, HubError> {
    let all = hub.store().communities()?;
    match given.map(str::trim) {
        Some(g) => {
            let by_id = Uuid::parse_str(g).ok();
            all.into_iter()
                .find(|c| Some(c.id) == by_id || c.name == g)
                .ok_or(HubError::Refused(ErrorCode::CommunityNotFound))
        }
        None => match <[Community; 1]>::try_from(all) {
            Ok([only]) => Ok(only),
            Err(_) => Err(ErrorCode::CommunityRequired.into()),
        },
    }
}

/// The hub's oldest community: the only one on a hub of one, the demo's 幸福里社区 on the demo street.
/// For tools and tests that act in "the" community; admin commands name theirs (see [`resolve`]).
pub fn oldest(hub: &Hub) -> Result<Uuid, HubError> {
    hub.store()
        .communities()?
        .first()
        .map(|c| c.id)
        .ok_or(HubError::Refused(ErrorCode::CommunityNotFound))
}
