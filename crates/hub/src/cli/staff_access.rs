//! `linli-hub admin staff disable ID` / `enable ID`: an admin switches a staff account off at once
//! (its console sessions end, its next request answers 401, sign-in is refused) or back on.
use clap::Subcommand;
use linli_hub::admin;
use linli_hub::Hub;

use super::{hub_err, msg, parse_id};

#[derive(Subcommand)]
pub enum StaffAccessCommand {
    /// Switch a staff account off: every console session ends now and sign-in is refused.
    Disable { id: String },
    /// Switch a staff account back on; they sign in with their password (and code) again.
    Enable { id: String },
}

pub fn run(hub: &Hub, command: StaffAccessCommand) -> anyhow::Result<()> {
    let (s, id) = match command {
        StaffAccessCommand::Disable { id } => (
            admin::staff_auth::disable(hub, parse_id(&id)?).map_err(hub_err)?,
            "hub-staff-disabled",
        ),
        StaffAccessCommand::Enable { id } => (
            admin::staff_auth::enable(hub, parse_id(&id)?).map_err(hub_err)?,
            "hub-staff-enabled",
        ),
    };
    println!(
        "{}",
        msg(
            id,
            &[("staff", s.id.to_string().into()), ("name", s.name.into())]
        )
    );
    Ok(())
}
