//! Creating the community from a seed file (JSON or TOML; see `crates/hub/seed.example.toml`).
use std::path::Path;

use linli_proto::{limits, ErrorCode};
use uuid::Uuid;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::CommunitySeed;

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

/// Creates the hub's community with its address book and categories.
pub fn create(hub: &Hub, seed: &CommunitySeed) -> Result<Uuid, HubError> {
    check(seed)?;
    let id = hub.store().create_community(seed, hub.now())?;
    hub.notify();
    Ok(id)
}
