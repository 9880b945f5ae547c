//! `linli-hub admin report dispatch|sign|return|note|time-limit`: the same `admin::dispatch` functions the
//! console's routes call, as the staff member given with `--staff`.
use chrono::{DateTime, Utc};
use clap::Subcommand;
use linli_hub::store::Staff;
use linli_hub::{admin, Hub};

use super::{hub_err, msg, parse_id, refused};

#[derive(Subcommand)]
pub enum DispatchCommand {
    /// Dispatch (派单) a report to a grid worker or handling unit (`--to` their staff id); the
    /// deadline defaults to the category's time limit in working days.
    Dispatch {
        id: String,
        #[arg(long)]
        to: String,
        /// RFC 3339 time of the promised date.
        #[arg(long)]
        deadline: Option<String>,
    },
    /// Sign for (签收) a report dispatched to you.
    Sign { id: String },
    /// Send back (退回) a report dispatched to you, with the reason.
    Return {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Add an internal note (staff only; residents never see it).
    Note {
        id: String,
        #[arg(long)]
        text: String,
    },
    /// Set the time limit (办理时限) in working days of a category, or the community's default
    /// without `--category` (the community's heads only).
    TimeLimit {
        #[arg(long)]
        days: u32,
        #[arg(long)]
        category: Option<String>,
    },
}

pub fn run(hub: &Hub, staff: &Staff, command: DispatchCommand) -> anyhow::Result<()> {
    let (id, step) = match command {
        DispatchCommand::Dispatch { id, to, deadline } => {
            let deadline = deadline
                .map(|d| {
                    DateTime::parse_from_rfc3339(&d)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| refused("hub-bad-time", &d))
                })
                .transpose()?;
            let r = admin::dispatch::dispatch(hub, staff, parse_id(&id)?, parse_id(&to)?, deadline)
                .map_err(hub_err)?;
            (r.id, "dispatched")
        }
        DispatchCommand::Sign { id } => {
            let r = admin::dispatch::sign(hub, staff, parse_id(&id)?).map_err(hub_err)?;
            (r.id, "signed")
        }
        DispatchCommand::Return { id, reason } => {
            let r =
                admin::dispatch::send_back(hub, staff, parse_id(&id)?, &reason).map_err(hub_err)?;
            (r.id, "returned")
        }
        DispatchCommand::TimeLimit { days, category } => {
            admin::dispatch::set_time_limit_by(hub, staff, category.as_deref(), days)
                .map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-time-limit-set", &[("days", i64::from(days).into())])
            );
            return Ok(());
        }
        DispatchCommand::Note { id, text } => {
            let id = parse_id(&id)?;
            admin::dispatch::note(hub, staff, id, &text).map_err(hub_err)?;
            (id, "noted")
        }
    };
    println!(
        "{}",
        msg(
            "hub-report-dispatch-step",
            &[("id", id.to_string().into()), ("step", step.into())]
        )
    );
    Ok(())
}
