//! `linli-hub admin street …`: the street (街道) the hub serves, its office's staff, the overview of its
//! communities and street-wide notices (街道通知).
use clap::Subcommand;
use linli_hub::admin;
use linli_hub::store::NewNotice;
use linli_hub::Hub;
use linli_i18n::message;
use linli_proto::Urgency;
use uuid::Uuid;

use super::{hub_err, lang, msg, parse_id, parse_time, print_json, refused, JsonFlag, Refusal};

#[derive(Subcommand)]
pub enum StreetCommand {
    /// Name the street (or rename it); communities not yet in a street join it.
    Set {
        #[arg(long)]
        name: String,
        /// The street's administrative code, e.g. 110105001.
        #[arg(long)]
        code: String,
    },
    /// The street's name and code.
    Show {
        #[command(flatten)]
        out: JsonFlag,
    },
    /// The street office's staff.
    #[command(subcommand)]
    Staff(StreetStaffCommand),
    /// Counts per community: households, residents, open reports, live consultations.
    Overview {
        /// The street staff member acting (id from `admin street staff add`).
        #[arg(long, env = "LINLI_STREET_STAFF")]
        street_staff: Option<String>,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Street-wide notices, shown to residents with the street's name.
    #[command(subcommand)]
    Notice(StreetNoticeCommand),
}

#[derive(Subcommand)]
pub enum StreetStaffCommand {
    /// Register a member of the street office; prints the id to pass as `--street-staff`.
    Add {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum StreetNoticeCommand {
    /// Publish one notice to every community of the street, or to those named; prints its id.
    Publish {
        /// The street staff member acting (id from `admin street staff add`).
        #[arg(long, env = "LINLI_STREET_STAFF")]
        street_staff: Option<String>,
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: String,
        #[arg(long, default_value = "normal")]
        urgency: String,
        #[arg(long)]
        pinned: bool,
        /// Only these communities (name or id, repeatable); every community of the street when absent.
        #[arg(long = "to")]
        to: Vec<String>,
        /// RFC 3339 time after which devices hide it.
        #[arg(long)]
        expires_at: Option<String>,
    },
}

fn acting(hub: &Hub, id: Option<&str>) -> anyhow::Result<linli_hub::store::StreetStaff> {
    let Some(id) = id else {
        return Err(Refusal(message(lang(), "hub-street-staff-required")).into());
    };
    admin::street::resolve(hub, parse_id(id)?).map_err(hub_err)
}

pub fn run(hub: &Hub, command: StreetCommand) -> anyhow::Result<()> {
    match command {
        StreetCommand::Set { name, code } => {
            let s = admin::street::set(hub, &name, &code).map_err(hub_err)?;
            println!(
                "{}",
                msg(
                    "hub-street-set",
                    &[("name", s.name.into()), ("code", s.code.into())]
                )
            );
        }
        StreetCommand::Show { out } => {
            let s = admin::street::show(hub).map_err(hub_err)?;
            if out.json {
                print_json(&s)?;
            } else {
                println!("{}\t{}\t{}", s.id, s.name, s.code);
            }
        }
        StreetCommand::Staff(StreetStaffCommand::Add { name }) => {
            let s = admin::street::add_staff(hub, &name).map_err(hub_err)?;
            println!("{}", s.id);
        }
        StreetCommand::Overview { street_staff, out } => {
            let who = acting(hub, street_staff.as_deref())?;
            let list = admin::street::overview(hub, &who).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for c in list {
                    println!(
                        "{}\t{}",
                        c.name,
                        msg(
                            "hub-street-overview-line",
                            &[
                                ("households", c.households.into()),
                                ("residents", c.residents.into()),
                                ("reports", c.open_reports.into()),
                                ("consultations", c.live_consultations.into()),
                            ]
                        )
                    );
                }
            }
        }
        StreetCommand::Notice(StreetNoticeCommand::Publish {
            street_staff,
            title,
            body,
            urgency,
            pinned,
            to,
            expires_at,
        }) => {
            let who = acting(hub, street_staff.as_deref())?;
            let urgency =
                Urgency::parse(&urgency).ok_or_else(|| refused("hub-bad-urgency", &urgency))?;
            let expires_at = expires_at.as_deref().map(parse_time).transpose()?;
            let communities = to
                .iter()
                .map(|c| Ok(admin::community::resolve(hub, Some(c)).map_err(hub_err)?.id))
                .collect::<anyhow::Result<Vec<Uuid>>>()?;
            let (id, each) = admin::street::publish_notice(
                hub,
                &who,
                &NewNotice {
                    title,
                    body,
                    urgency,
                    pinned,
                    expires_at,
                    buildings: Vec::new(),
                },
                &communities,
            )
            .map_err(hub_err)?;
            eprintln!(
                "{}",
                msg(
                    "hub-street-notice-published",
                    &[("count", (each.len() as i64).into())]
                )
            );
            println!("{id}");
        }
    }
    Ok(())
}
