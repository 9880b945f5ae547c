//! `linli-hub`: run the community hub, seed a demo community, and the office's admin commands.
//! Only argument parsing and printing live here; the work is in the `linli_hub` library.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Parser, Subcommand};
use linli_hub::admin;
use linli_hub::admin::terminal;
use linli_hub::domain::invite_code;
use linli_hub::store::{NewConsultation, NewNotice, ReportFilter};
use linli_hub::{Hub, HubError};
use linli_i18n::{message, message_args, Arg, Lang};
use linli_proto::{ProxyScope, ReportStatus, ResultsVisibility, Urgency, VoteScope};
use serde::Serialize;
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "linli-hub", version, about = "Linli community hub")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API.
    Serve {
        #[arg(long, env = "LINLI_HUB_DATA_DIR")]
        data_dir: Option<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Days the photos of a resolved report are kept before the hub deletes them (the privacy
        /// notice says two years: change the notice too when changing this).
        #[arg(long, default_value_t = linli_proto::PHOTO_RETENTION_DAYS_DEFAULT)]
        photo_retention_days: i64,
        /// Requests per minute one device may make (sustained); more answer 429 `rate_limited`.
        #[arg(long, env = "LINLI_HUB_REQUESTS_PER_MINUTE", default_value_t = linli_hub::api::throttle::Rate::DEVICE_DEFAULT.per_minute)]
        requests_per_minute: u32,
        /// Requests one device may make at once after a quiet spell.
        #[arg(long, env = "LINLI_HUB_REQUEST_BURST", default_value_t = linli_hub::api::throttle::Rate::DEVICE_DEFAULT.burst)]
        request_burst: u32,
        /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
        #[arg(long, env = "LINLI_HUB_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, env = "LINLI_HUB_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Seed the demo community (幸福里社区) and print invitation codes as `CODE<TAB>address`.
    Demo {
        #[arg(long, env = "LINLI_HUB_DATA_DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Audit a hub's transparency log from its public API: recompute the tree from every leaf, check
    /// the latest checkpoint and the given ones, check each final tally. Exits non-zero on any failure.
    Verify {
        /// The hub's address, e.g. http://127.0.0.1:8787
        #[arg(long)]
        hub: String,
        /// The hub's log key (shown at join, and by `linli-hub log-key`).
        #[arg(long)]
        key: String,
        /// A signed checkpoint collected earlier, e.g. from a resident's `linli verify --save-checkpoint` (repeatable).
        #[arg(long = "checkpoint")]
        checkpoints: Vec<PathBuf>,
        /// The vote openings the office handed to its auditor (`admin log openings`): recount every tally.
        #[arg(long)]
        openings: Option<PathBuf>,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Print this hub's transparency-log key (creating it on first use).
    LogKey {
        #[arg(long, env = "LINLI_HUB_DATA_DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Staff commands; safe while `serve` runs on the same data directory.
    Admin {
        #[arg(long, env = "LINLI_HUB_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// The staff member acting (id from `admin staff add`); needed by every command that shows
        /// residents' personal details, and each such view is written to the access log.
        #[arg(long, env = "LINLI_STAFF")]
        staff: Option<String>,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create the community.
    #[command(subcommand)]
    Community(CommunityCommand),
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
    /// Authorized proxies (亲友代办): grants made at the office, the list, revoking, limits.
    #[command(subcommand)]
    Proxy(ProxyCommand),
    /// Staff members of the community.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Staff views of personal details and exports (data officer only).
    #[command(subcommand)]
    AccessLog(AccessLogCommand),
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Register a staff member; prints the id to pass as `--staff`.
    Add {
        #[arg(long)]
        name: String,
        /// The office's data officer (个人信息保护负责人), who may read the access log.
        #[arg(long)]
        data_officer: bool,
    },
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
enum AccessLogCommand {
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Print the openings of every vote leaf (JSON) for the auditor the office appoints: with them,
    /// `linli-hub verify --openings FILE` recounts every tally. They show how each ballot voted.
    Openings,
}

/// Residents are named by resident id or device id (see `admin devices list --json`), or by
/// `楼栋/单元/户` (e.g. `1号楼/1单元/101`) when one resident joined for that household.
#[derive(Subcommand)]
enum ProxyCommand {
    /// Let PROXY act for PRINCIPAL, after checking both in person; prints the grant id last.
    Grant {
        /// The resident acted for.
        #[arg(long)]
        principal: String,
        /// The relative who acts.
        #[arg(long)]
        proxy: String,
        /// Comma-separated: read_notices, report, vote.
        #[arg(long)]
        scopes: String,
        /// How long it lasts (default 365, at most 1096).
        #[arg(long)]
        days: Option<i64>,
        /// How the proxy is named to the principal and on report timelines.
        #[arg(long)]
        proxy_name: Option<String>,
    },
    /// Every grant with its status.
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Take a grant back at once.
    Revoke { id: String },
    /// Show or set how many proxies a resident may have and for how many residents one may act.
    Limits {
        #[arg(long)]
        max_proxies: Option<i64>,
        #[arg(long)]
        max_principals: Option<i64>,
    },
    /// What proxies did for a resident (代办记录), oldest first.
    Activity {
        principal: String,
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
enum CommunityCommand {
    Create {
        /// JSON or TOML seed file (see crates/hub/seed.example.toml).
        #[arg(long)]
        seed: PathBuf,
    },
}

#[derive(Args)]
struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum ReportsCommand {
    List {
        #[command(flatten)]
        out: JsonFlag,
        #[arg(long)]
        status: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
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
}

#[derive(Subcommand)]
enum NoticeCommand {
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
enum ConsultationCommand {
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
enum DevicesCommand {
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    Revoke { id: String },
}

/// A refusal worth a clear message and exit code 1, not a backtrace.
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Refusal {}

fn lang() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find_map(|v| Lang::parse(&v))
        .unwrap_or_default()
}

fn msg(id: &str, args: &[(&str, Arg)]) -> String {
    message_args(lang(), id, args)
}

fn refused(id: &str, value: &str) -> anyhow::Error {
    Refusal(msg(id, &[("value", value.into())])).into()
}

fn hub_err(e: HubError) -> anyhow::Error {
    match e {
        HubError::Refused(code) => Refusal(linli_i18n::error_message(lang(), code)).into(),
        HubError::AmbiguousResident(ids) => Refusal(msg(
            "hub-proxy-ambiguous",
            &[(
                "ids",
                ids.iter()
                    .map(Uuid::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
            )],
        ))
        .into(),
        other => anyhow::Error::new(other),
    }
}

fn data_dir(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(d) = given {
        return Ok(d);
    }
    directories::ProjectDirs::from("org", "linli", "linli-hub")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| Refusal(message(lang(), "hub-no-data-dir")).into())
}

fn open(dir: &Path) -> anyhow::Result<Hub> {
    Hub::open(dir).with_context(|| format!("opening {}", dir.display()))
}

fn parse_id(s: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| refused("hub-bad-id", s))
}

fn parse_time(s: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| refused("hub-bad-time", s))
}

fn print_json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn address(h: &linli_proto::Household) -> String {
    format!("{} {} {}", h.building, h.unit, h.room)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "linli_hub=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Refusal>() {
                Some(r) => eprintln!("{r}"),
                None => eprintln!("{e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C, or SIGTERM from a service manager: stop taking requests and end live streams.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            data_dir: d,
            listen,
            photo_retention_days,
            requests_per_minute,
            request_burst,
            tls_cert,
            tls_key,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(c), Some(k)) => Some(linli_hub::tls::server_config(&c, &k).map_err(hub_err)?),
                _ => None,
            };
            let dir = data_dir(d)?;
            let hub = open(&dir)?;
            hub.set_photo_retention_days(photo_retention_days);
            hub.set_device_rate(linli_hub::api::throttle::Rate {
                per_minute: requests_per_minute,
                burst: request_burst,
            });
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("listening on {listen}"))?;
                let addr = listener.local_addr()?;
                eprintln!(
                    "{}",
                    msg(
                        "hub-serving",
                        &[
                            ("addr", addr.to_string().into()),
                            ("dir", dir.display().to_string().into())
                        ]
                    )
                );
                // Post this where residents can compare it with what their device shows at join.
                eprintln!("{}", msg("hub-log-key", &[("key", hub.log_key().into())]));
                match tls {
                    Some(config) => hub.serve_tls(listener, config, shutdown_signal()).await,
                    None => hub.serve(listener, shutdown_signal()).await,
                }
                .map_err(anyhow::Error::new)
            })
        }
        Command::Demo { data_dir: d } => {
            let hub = open(&data_dir(d)?)?;
            let codes = admin::demo::seed_demo(&hub).map_err(hub_err)?;
            let name = hub
                .store()
                .community()
                .map_err(|e| hub_err(e.into()))?
                .map(|c| c.name)
                .unwrap_or_default();
            eprintln!("{}", msg("hub-demo-created", &[("name", name.into())]));
            for c in codes {
                println!(
                    "{}\t{}",
                    invite_code::display(&c.code),
                    address(&c.household)
                );
            }
            Ok(())
        }
        Command::Admin {
            data_dir: d,
            staff,
            command,
        } => {
            let hub = open(&data_dir(d)?)?;
            run_admin(&hub, staff.as_deref(), command)
        }
        Command::LogKey { data_dir: d } => {
            let hub = open(&data_dir(d)?)?;
            eprintln!("{}", msg("hub-log-key", &[("key", hub.log_key().into())]));
            println!("{}", hub.log_key());
            Ok(())
        }
        Command::Verify {
            hub,
            key,
            checkpoints,
            openings,
            out,
        } => verify(&hub, &key, &checkpoints, openings.as_deref(), out.json),
    }
}

/// The auditor: prints what was checked, and fails loudly with what did not hold.
fn verify(
    hub: &str,
    key: &str,
    files: &[PathBuf],
    openings: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    if linli_tlog::NoteVerifier::from_vkey(key.trim()).is_err() {
        return Err(refused("hub-verify-bad-key", key));
    }
    let mut notes = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f)
            .map_err(|_| refused("hub-verify-bad-file", &f.display().to_string()))?;
        notes.push(text);
    }
    let openings: Vec<linli_proto::LogReceipt> = match openings {
        Some(path) => std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| refused("hub-verify-bad-file", &path.display().to_string()))?,
        None => Vec::new(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = rt
        .block_on(linli_hub::auditor::audit_hub(hub, key, &notes, &openings))
        .map_err(|e| {
            Refusal(msg(
                "hub-verify-failed",
                &[("reason", e.to_string().into())],
            ))
        })?;
    if json {
        return print_json(&report);
    }
    let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    println!(
        "{}",
        msg(
            "hub-verify-ok",
            &[
                ("origin", report.origin.clone().into()),
                ("size", (report.size as i64).into()),
                ("checkpoints", (report.checkpoints.len() as i64).into()),
                ("sizes", list(&report.checkpoints).into()),
            ]
        )
    );
    let kinds = report
        .leaves_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!("{}", msg("hub-verify-kinds", &[("kinds", kinds.into())]));
    for t in &report.tallies {
        println!(
            "{}",
            msg(
                "hub-verify-tally",
                &[
                    ("consultation", t.consultation.clone().into()),
                    ("leaf", (t.leaf as i64).into()),
                    ("ballots", (t.ballots as i64).into()),
                    ("votes", list(&t.votes_per_option).into()),
                ]
            )
        );
    }
    if !openings.is_empty() {
        println!(
            "{}",
            msg(
                "hub-verify-recounted",
                &[("openings", (openings.len() as i64).into())]
            )
        );
    } else if !report.tallies.is_empty() {
        println!("{}", message(lang(), "hub-verify-not-recounted"));
    }
    println!(
        "{}",
        msg(
            "hub-verify-uncounted",
            &[("count", (report.uncounted_vote_leaves as i64).into())]
        )
    );
    Ok(())
}

fn grant_line(g: &linli_proto::ProxyGrant) -> String {
    format!(
        "{}\t{}\t{} -> {}\t{}\t{}\t{}",
        g.id,
        g.status.as_str(),
        g.proxy_name.as_deref().unwrap_or("-"),
        g.principal_address.as_deref().unwrap_or("-"),
        g.scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(","),
        g.expires_at.format("%Y-%m-%d"),
        g.principal,
    )
}

fn run_proxy(hub: &Hub, staff: Option<&str>, command: ProxyCommand) -> anyhow::Result<()> {
    match command {
        ProxyCommand::Grant {
            principal,
            proxy,
            scopes,
            days,
            proxy_name,
        } => {
            let scopes = ProxyScope::parse_list(&scopes)
                .ok_or_else(|| refused("hub-bad-scopes", &scopes))?;
            let g = admin::proxy::grant(hub, &principal, &proxy, &scopes, days, proxy_name)
                .map_err(hub_err)?;
            println!(
                "{}",
                msg(
                    "hub-proxy-granted",
                    &[
                        (
                            "address",
                            g.principal_address.clone().unwrap_or_default().into()
                        ),
                        (
                            "expires",
                            g.expires_at.format("%Y-%m-%d").to_string().into()
                        )
                    ]
                )
            );
            println!("{}", g.id);
        }
        ProxyCommand::List { out } => {
            let list = admin::proxy::list(hub, &acting_staff(hub, staff)?).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("{}", message(lang(), "hub-list-empty"));
            } else {
                for g in &list {
                    println!("{}", grant_line(g));
                }
            }
        }
        ProxyCommand::Revoke { id } => {
            let g = admin::proxy::revoke(hub, parse_id(&id)?).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-proxy-revoked", &[("id", g.id.to_string().into())])
            );
        }
        ProxyCommand::Limits {
            max_proxies,
            max_principals,
        } => {
            let mut l = admin::proxy::limits(hub).map_err(hub_err)?;
            if max_proxies.is_some() || max_principals.is_some() {
                l.max_proxies = max_proxies.unwrap_or(l.max_proxies);
                l.max_principals = max_principals.unwrap_or(l.max_principals);
                admin::proxy::set_limits(hub, l).map_err(hub_err)?;
            }
            println!(
                "{}",
                msg(
                    "hub-proxy-limits",
                    &[
                        ("proxies", l.max_proxies.into()),
                        ("principals", l.max_principals.into())
                    ]
                )
            );
        }
        ProxyCommand::Activity { principal, out } => {
            let acts = admin::proxy::activity(hub, &acting_staff(hub, staff)?, &principal)
                .map_err(hub_err)?;
            if out.json {
                print_json(&acts)?;
            } else if acts.is_empty() {
                println!("{}", message(lang(), "hub-list-empty"));
            } else {
                for a in &acts {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        a.at.format("%Y-%m-%d %H:%M"),
                        a.kind,
                        a.proxy_name.as_deref().unwrap_or("-"),
                        a.proxy,
                        a.target.map(|t| t.to_string()).unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

/// The staff member behind `--staff`, for commands that show personal details.
fn acting_staff(hub: &Hub, staff: Option<&str>) -> anyhow::Result<linli_hub::store::Staff> {
    let Some(id) = staff else {
        return Err(Refusal(message(lang(), "hub-staff-required")).into());
    };
    admin::staff::resolve(hub, parse_id(id)?).map_err(hub_err)
}

fn run_admin(hub: &Hub, staff: Option<&str>, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::Staff(StaffCommand::Add { name, data_officer }) => {
            let s = admin::staff::add(hub, &name, data_officer).map_err(hub_err)?;
            println!("{}", s.id);
        }
        AdminCommand::Staff(StaffCommand::List { out }) => {
            let list = admin::staff::list(hub).map_err(hub_err)?;
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
            println!(
                "{}",
                msg("hub-community-created", &[("id", id.to_string().into())])
            );
        }
        AdminCommand::Invite {
            building,
            unit,
            room,
            expires_in_days,
        } => {
            let info = admin::invites::invite(hub, &building, &unit, &room, expires_in_days)
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
        AdminCommand::Reports(ReportsCommand::List { out, status }) => {
            let status = status
                .map(|s| ReportStatus::parse(&s).ok_or_else(|| refused("hub-bad-status", &s)))
                .transpose()?;
            let list =
                admin::reports::list(hub, &acting_staff(hub, staff)?, &ReportFilter { status })
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
            let r = admin::reports::set_status(hub, parse_id(&id)?, parsed, reply.as_deref())
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
            admin::notices::retract(hub, id).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-notice-retracted", &[("id", id.to_string().into())])
            );
        }
        AdminCommand::Notice(NoticeCommand::List { out }) => {
            let list = admin::notices::list(hub).map_err(hub_err)?;
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
            admin::consultations::close(hub, id).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-consultation-closed", &[("id", id.to_string().into())])
            );
        }
        AdminCommand::Consultation(ConsultationCommand::Results { id, out }) => {
            let r = admin::consultations::results(hub, parse_id(&id)?).map_err(hub_err)?;
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
            let list = admin::consultations::list(hub).map_err(hub_err)?;
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
            print_json(&admin::log::vote_openings(hub).map_err(hub_err)?)?;
        }
        AdminCommand::Proxy(command) => run_proxy(hub, staff, command)?,
        AdminCommand::Device(DeviceCommand::Revoke { id }) => {
            let id = parse_id(&id)?;
            admin::devices::revoke(hub, id).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-device-revoked", &[("id", id.to_string().into())])
            );
        }
    }
    Ok(())
}
