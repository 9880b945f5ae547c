//! `linli-hub admin …`: the office's commands, parsed and printed here; the work is in
//! `linli_hub::admin`. A command that touches one community acts on `--community` (required when the hub
//! holds several); one that shows personal details acts as `--staff`, in that member's community.
use std::path::PathBuf;

use anyhow::Context;
use chrono::Duration;
use clap::Subcommand;
use linli_hub::admin;
use linli_hub::admin::terminal;
use linli_hub::domain::invite_code;
use linli_hub::store::{NewConsultation, NewNotice, ReportFilter};
use linli_hub::Hub;
use linli_i18n::message;
use linli_proto::{ReportStatus, ResultsVisibility, Urgency, VoteScope};
use uuid::Uuid;

use super::staff::StaffCommand;
use super::{
    address, hub_err, lang, msg, parse_id, parse_time, print_json, refused, JsonFlag, Refusal,
};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// A consistent backup into a new directory, safe while `serve` runs.
    Backup(super::backup::BackupArgs),
    /// Restore a backup into a new, empty data directory (--data-dir), verified before it says done.
    Restore(super::backup::RestoreArgs),
    /// The hub's communities: add one, list them.
    #[command(subcommand)]
    Community(CommunityCommand),
    /// The street (街道): its name, its office's staff, the overview, street-wide notices.
    #[command(subcommand)]
    Street(super::street::StreetCommand),
    /// Issue an invitation code for a household; the code is the last line.
    Invite {
        #[arg(long)]
        building: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        room: String,
        #[arg(long, default_value_t = admin::invites::DEFAULT_EXPIRY_DAYS, allow_negative_numbers = true)]
        expires_in_days: i64,
    },
    /// List reports.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Show or move on one report.
    #[command(subcommand)]
    Report(ReportCommand),
    #[command(subcommand)]
    Notice(NoticeCommand),
    #[command(subcommand)]
    Consultation(ConsultationCommand),
    /// List devices.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Switch a device off.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// The transparency log.
    #[command(subcommand)]
    Log(LogCommand),
    /// The witnesses who cosign the community's log (居务监督委员会, 业主委员会, the street office).
    #[command(subcommand)]
    Witness(super::witness::WitnessCommand),
    /// Authorized proxies (亲友代办): grants made at the office, the list, revoking, limits.
    #[command(subcommand)]
    Proxy(super::proxy::ProxyCommand),
    /// Staff members of the community.
    #[command(subcommand)]
    Staff(super::staff::StaffCommand),
    /// Staff views of personal details and exports (data officer only).
    #[command(subcommand)]
    AccessLog(AccessLogCommand),
    #[command(subcommand)]
    Open311(super::open311::Open311Command),
    #[command(subcommand)]
    Export(super::export::ExportCommand),
    /// The 12345 bridge: import the hotline's case file, export the results in its columns.
    #[command(subcommand)]
    Hotline(super::hotline::HotlineCommand),
    /// Statistics (统计): counts, the 三率, times, trend, notice reach and turnout over a period.
    Stats(super::stats::StatsArgs),
}

#[derive(Subcommand)]
pub enum AccessLogCommand {
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Print the openings of every vote leaf (JSON) for the auditor the office appoints: with them,
    /// `linli-hub verify --openings FILE` recounts every tally. They show how each ballot voted.
    Openings,
}

#[derive(Subcommand)]
pub enum CommunityCommand {
    /// Add a community with its address book and categories; prints its id.
    Create {
        /// JSON or TOML seed file (see crates/hub/seed.example.toml).
        #[arg(long)]
        seed: PathBuf,
    },
    /// Every community of the hub: id, name, street.
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum ReportsCommand {
    List {
        #[command(flatten)]
        out: JsonFlag,
        #[arg(long)]
        status: Option<String>,
        /// Only reports past their promised date and not resolved.
        #[arg(long)]
        overdue: bool,
    },
}

#[derive(Subcommand)]
pub enum ReportCommand {
    Show {
        id: String,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// STATUS: accepted, in_progress, resolved or rejected (rejected needs --reply with the reason).
    SetStatus {
        id: String,
        status: String,
        #[arg(long)]
        reply: Option<String>,
    },
    #[command(flatten)]
    Dispatch(super::dispatch::DispatchCommand),
}

#[derive(Subcommand)]
pub enum NoticeCommand {
    /// Publish a notice; prints its id.
    Publish {
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: String,
        #[arg(long, default_value = "normal")]
        urgency: String,
        #[arg(long)]
        pinned: bool,
        /// Only for these buildings (repeatable); the whole community when absent.
        #[arg(long = "building")]
        buildings: Vec<String>,
        /// RFC 3339 time after which devices hide it.
        #[arg(long)]
        expires_at: Option<String>,
        /// Attach a file (JPEG, PNG, WebP or PDF; repeatable).
        #[arg(long = "attach")]
        attachments: Vec<PathBuf>,
    },
    Retract {
        id: String,
    },
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum ConsultationCommand {
    /// Open a consultation; prints its id.
    Create {
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        description: String,
        /// An option (repeat for each, at least two).
        #[arg(long = "option", required = true)]
        options: Vec<String>,
        #[arg(long, default_value_t = 1)]
        max_choices: i32,
        /// RFC 3339; now when absent.
        #[arg(long)]
        opens_at: Option<String>,
        /// RFC 3339; overrides --closes-in-days.
        #[arg(long)]
        closes_at: Option<String>,
        #[arg(long, default_value_t = 14)]
        closes_in_days: i64,
        /// One vote per household instead of per resident.
        #[arg(long)]
        per_household: bool,
        /// Show results only after close.
        #[arg(long)]
        results_after_close: bool,
        /// Only these buildings may see and vote (repeatable).
        #[arg(long = "building")]
        buildings: Vec<String>,
    },
    Close {
        id: String,
    },
    Results {
        id: String,
        #[command(flatten)]
        out: JsonFlag,
    },
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum DevicesCommand {
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    Revoke { id: String },
}

/// The community `--community` names (by name or id); the only one when the hub holds one.
pub(super) fn acting_community(hub: &Hub, community: Option<&str>) -> anyhow::Result<Uuid> {
    Ok(admin::community::resolve(hub, community)
        .map_err(hub_err)?
        .id)
}

/// The staff member behind `--staff`, for commands that show personal details.
pub(super) fn acting_staff(
    hub: &Hub,
    staff: Option<&str>,
) -> anyhow::Result<linli_hub::store::Staff> {
    let Some(id) = staff else {
        return Err(Refusal(message(lang(), "hub-staff-required")).into());
    };
    admin::staff::resolve(hub, parse_id(id)?).map_err(hub_err)
}

/// Runs one admin command on `hub`, as `staff` (when given), in `community` (when given).
pub fn run_admin(
    hub: &Hub,
    staff: Option<&str>,
    community: Option<&str>,
    command: AdminCommand,
) -> anyhow::Result<()> {
    let cid = || acting_community(hub, community);
    match command {
        AdminCommand::Backup(args) => super::backup::run_backup(hub, args)?,
        // Restore never opens a hub (that would create one); `main` runs it before opening.
        AdminCommand::Restore(args) => super::backup::run_restore(hub.data_dir(), args)?,
        AdminCommand::Staff(StaffCommand::Add {
            name,
            data_officer,
            role,
            buildings,
        }) => super::staff::add(
            hub,
            cid()?,
            &name,
            data_officer,
            role.as_deref(),
            &buildings,
        )?,
        AdminCommand::Staff(StaffCommand::Link { id }) => {
            let s = admin::staff::resolve(hub, parse_id(&id)?).map_err(hub_err)?;
            super::staff::print_setup_link(hub, s.id)?;
        }
        AdminCommand::Staff(StaffCommand::Access(c)) => super::staff_access::run(hub, c)?,
        AdminCommand::Staff(StaffCommand::List { out }) => {
            let list = admin::staff::list(hub, cid()?).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for s in list {
                    println!(
                        "{}\t{}\t{}",
                        s.id,
                        s.name,
                        if s.data_officer { "data-officer" } else { "" }
                    );
                }
            }
        }
        AdminCommand::AccessLog(AccessLogCommand::List { out }) => {
            let who = acting_staff(hub, staff)?;
            let list = admin::staff::access_log(hub, &who).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for e in list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        e.at.format("%Y-%m-%d %H:%M:%S"),
                        e.staff_name.as_deref().unwrap_or(&e.actor),
                        e.action,
                        e.record_kind.as_deref().unwrap_or(""),
                        e.record_id.as_deref().unwrap_or(""),
                        e.resident_id.map(|r| r.to_string()).unwrap_or_default()
                    );
                }
            }
        }
        AdminCommand::Community(CommunityCommand::Create { seed }) => {
            let seed = admin::community::load_seed(&seed).map_err(hub_err)?;
            let id = admin::community::create(hub, &seed).map_err(hub_err)?;
            eprintln!(
                "{}",
                msg("hub-community-created", &[("id", id.to_string().into())])
            );
            println!("{id}");
        }
        AdminCommand::Community(CommunityCommand::List { out }) => {
            let list = admin::community::list(hub).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for c in list {
                    println!("{}\t{}\t{}", c.id, c.name, c.street.unwrap_or_default());
                }
            }
        }
        AdminCommand::Street(command) => super::street::run(hub, command)?,
        AdminCommand::Open311(command) => super::open311::run(hub, command)?,
        AdminCommand::Export(c) => super::export::run(hub, &acting_staff(hub, staff)?, c)?,
        AdminCommand::Hotline(c) => super::hotline::run(hub, cid()?, c)?,
        AdminCommand::Stats(args) => {
            let who = staff.map(|s| acting_staff(hub, Some(s))).transpose()?;
            let community = match &who {
                Some(s) => s.community_id,
                None => cid()?,
            };
            super::stats::run(hub, who, community, args)?
        }
        AdminCommand::Witness(command) => super::witness::run(hub, cid()?, command)?,
        AdminCommand::Invite {
            building,
            unit,
            room,
            expires_in_days,
        } => {
            let info =
                admin::invites::invite(hub, cid()?, &building, &unit, &room, expires_in_days)
                    .map_err(hub_err)?;
            println!(
                "{}",
                msg(
                    "hub-invite-issued",
                    &[
                        ("address", address(&info.household).into()),
                        (
                            "expires",
                            info.expires_at
                                .format("%Y-%m-%d %H:%M UTC")
                                .to_string()
                                .into()
                        )
                    ]
                )
            );
            println!("{}", invite_code::display(&info.code));
        }
        AdminCommand::Report(ReportCommand::Dispatch(command)) => {
            super::dispatch::run(hub, &acting_staff(hub, staff)?, command)?;
        }
        AdminCommand::Reports(ReportsCommand::List {
            out,
            status,
            overdue,
        }) => {
            let status = status
                .map(|s| ReportStatus::parse(&s).ok_or_else(|| refused("hub-bad-status", &s)))
                .transpose()?;
            let list = admin::reports::list(
                hub,
                &acting_staff(hub, staff)?,
                &ReportFilter {
                    status,
                    overdue,
                    ..ReportFilter::default()
                },
            )
            .map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("{}", message(lang(), "hub-list-empty"));
            } else {
                for r in list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        r.report.id,
                        r.report.status.as_str(),
                        r.report.category,
                        address(&r.household),
                        terminal::one_line(&r.report.text)
                    );
                }
            }
        }
        AdminCommand::Report(ReportCommand::Show { id, out }) => {
            let r = admin::reports::show(hub, &acting_staff(hub, staff)?, parse_id(&id)?)
                .map_err(hub_err)?;
            if out.json {
                print_json(&r)?;
            } else {
                println!(
                    "{}\t{}\t{}",
                    r.report.id,
                    r.report.status.as_str(),
                    r.report.category
                );
                println!("{}", terminal::block(&r.report.text));
                for e in r.report.events {
                    println!(
                        "  {}\t{:?}\t{}\t{}",
                        e.at.format("%Y-%m-%d %H:%M"),
                        e.kind,
                        e.status.map(|s| s.as_str()).unwrap_or(""),
                        terminal::one_line(&e.text.unwrap_or_default())
                    );
                }
            }
        }
        AdminCommand::Report(ReportCommand::SetStatus { id, status, reply }) => {
            let parsed = ReportStatus::parse(&status)
                .filter(|s| {
                    matches!(
                        s,
                        ReportStatus::Accepted
                            | ReportStatus::InProgress
                            | ReportStatus::Resolved
                            | ReportStatus::Rejected
                    )
                })
                .ok_or_else(|| refused("hub-bad-status", &status))?;
            let r =
                admin::reports::set_status(hub, cid()?, parse_id(&id)?, parsed, reply.as_deref())
                    .map_err(hub_err)?;
            println!(
                "{}",
                msg(
                    "hub-report-updated",
                    &[
                        ("id", r.id.to_string().into()),
                        ("status", r.status.as_str().into())
                    ]
                )
            );
        }
        AdminCommand::Notice(NoticeCommand::Publish {
            title,
            body,
            urgency,
            pinned,
            buildings,
            expires_at,
            attachments,
        }) => {
            let mut files = Vec::new();
            for path in attachments {
                let bytes =
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push(admin::notices::AttachmentFile { name, bytes });
            }
            let urgency =
                Urgency::parse(&urgency).ok_or_else(|| refused("hub-bad-urgency", &urgency))?;
            let expires_at = expires_at.as_deref().map(parse_time).transpose()?;
            let id = admin::notices::publish_with_attachments(
                hub,
                cid()?,
                &NewNotice {
                    title,
                    body,
                    urgency,
                    pinned,
                    expires_at,
                    buildings,
                },
                &files,
            )
            .map_err(hub_err)?;
            eprintln!("{}", message(lang(), "hub-notice-published"));
            println!("{id}");
        }
        AdminCommand::Notice(NoticeCommand::Retract { id }) => {
            let id = parse_id(&id)?;
            admin::notices::retract(hub, cid()?, id).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-notice-retracted", &[("id", id.to_string().into())])
            );
        }
        AdminCommand::Notice(NoticeCommand::List { out }) => {
            let list = admin::notices::list(hub, cid()?).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for n in list {
                    println!(
                        "{}\t{}\t{}\t{}{}",
                        n.id,
                        n.urgency.as_str(),
                        msg(
                            "hub-reads",
                            &[
                                ("reads", n.read_count.into()),
                                ("audience", n.audience_count.into())
                            ]
                        ),
                        n.title,
                        if n.retracted_at.is_some() { " ✕" } else { "" }
                    );
                }
            }
        }
        AdminCommand::Consultation(ConsultationCommand::Create {
            title,
            description,
            options,
            max_choices,
            opens_at,
            closes_at,
            closes_in_days,
            per_household,
            results_after_close,
            buildings,
        }) => {
            let opens_at = match opens_at {
                Some(t) => parse_time(&t)?,
                None => hub.now(),
            };
            let closes_at = match closes_at {
                Some(t) => parse_time(&t)?,
                None => hub.now() + Duration::days(closes_in_days),
            };
            let id = admin::consultations::create(
                hub,
                cid()?,
                &NewConsultation {
                    title,
                    description,
                    options,
                    max_choices,
                    opens_at,
                    closes_at,
                    vote_scope: if per_household {
                        VoteScope::PerHousehold
                    } else {
                        VoteScope::PerResident
                    },
                    results_visibility: if results_after_close {
                        ResultsVisibility::AfterClose
                    } else {
                        ResultsVisibility::Live
                    },
                    buildings,
                },
            )
            .map_err(hub_err)?;
            eprintln!("{}", message(lang(), "hub-consultation-created"));
            println!("{id}");
        }
        AdminCommand::Consultation(ConsultationCommand::Close { id }) => {
            let id = parse_id(&id)?;
            admin::consultations::close(hub, cid()?, id).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-consultation-closed", &[("id", id.to_string().into())])
            );
        }
        AdminCommand::Consultation(ConsultationCommand::Results { id, out }) => {
            let r = admin::consultations::results(hub, cid()?, parse_id(&id)?).map_err(hub_err)?;
            if out.json {
                print_json(&r)?;
            } else {
                println!("{}", r.title);
                for o in r.options {
                    println!(
                        "  {}\t{}\t{}",
                        o.id,
                        o.label,
                        msg("hub-votes", &[("votes", o.votes.into())])
                    );
                }
            }
        }
        AdminCommand::Consultation(ConsultationCommand::List { out }) => {
            let list = admin::consultations::list(hub, cid()?).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for c in list {
                    println!(
                        "{}\t{}\t{}",
                        c.id,
                        c.title,
                        msg("hub-votes", &[("votes", c.total_votes.into())])
                    );
                }
            }
        }
        AdminCommand::Devices(DevicesCommand::List { out }) => {
            let list = admin::devices::list(hub, &acting_staff(hub, staff)?).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else {
                for d in list {
                    println!(
                        "{}\t{}\t{}\t{}",
                        d.id,
                        address(&d.household),
                        terminal::one_line(&d.name.unwrap_or_default()),
                        if d.revoked_at.is_some() {
                            message(lang(), "hub-revoked")
                        } else {
                            String::new()
                        }
                    );
                }
            }
        }
        AdminCommand::Log(LogCommand::Openings) => {
            print_json(&admin::log::vote_openings(hub, cid()?).map_err(hub_err)?)?;
        }
        AdminCommand::Proxy(command) => super::proxy::run(hub, staff, community, command)?,
        AdminCommand::Device(DeviceCommand::Revoke { id }) => {
            let id = parse_id(&id)?;
            admin::devices::revoke(hub, cid()?, id).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-device-revoked", &[("id", id.to_string().into())])
            );
        }
    }
    Ok(())
}
