//! `linli-hub`: run the community hub, seed a demo community, and the office's admin commands.
//! Only argument parsing and printing live here; the work is in the `linli_hub` library.
#![forbid(unsafe_code)]

mod cli;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use linli_hub::admin;
use linli_hub::domain::invite_code;
use linli_i18n::message;

use cli::admin::{run_admin, AdminCommand};
use cli::config::{self, ServeConfig};
use cli::logs::{self, say, LogFormat};
use cli::{address, data_dir, hub_err, lang, msg, open, print_json, refused, JsonFlag, Refusal};

#[derive(Parser)]
#[command(name = "linli-hub", version, about = "Linli community hub")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API. Options come from the configuration file, then the environment
    /// (LINLI_HUB_<OPTION>), then these flags, each overriding the one before.
    Serve {
        /// The configuration file [default: /etc/linli/hub.toml when it exists]
        #[arg(long, env = config::CONFIG_ENV)]
        config: Option<PathBuf>,
        #[command(flatten)]
        options: config::Layer,
    },
    /// Check the configuration `serve` would run with (the same file, environment and flags) and
    /// print it, each value with where it came from. Exits non-zero on any problem.
    CheckConfig {
        /// The configuration file [default: /etc/linli/hub.toml when it exists]
        #[arg(long, env = config::CONFIG_ENV)]
        config: Option<PathBuf>,
        #[command(flatten)]
        options: config::Layer,
    },
    /// Seed the demo street (two communities, 幸福里社区 and 安康苑社区) and print invitation codes as
    /// `CODE<TAB>community address`.
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
        /// A witness's public key (repeatable), from the witness or the community's notice: the latest
        /// checkpoint must carry their cosignatures.
        #[arg(long = "witness")]
        witnesses: Vec<String>,
        /// How many of those witnesses must have cosigned (default: all of them).
        #[arg(long)]
        witness_quorum: Option<usize>,
        /// The community whose log to audit (its id, from `admin community list`); needed when the hub
        /// holds several.
        #[arg(long)]
        community: Option<String>,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Print this hub's transparency-log key (creating it on first use).
    LogKey {
        #[arg(long, env = "LINLI_HUB_DATA_DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Replace the transparency-log key: the old key signs a statement naming the new one, which
    /// devices follow. Restart `serve` afterwards; it signs with the old key until then.
    RotateLogKey {
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
        /// The community (name or id) a command acts in; needed when the hub holds several.
        #[arg(long, env = "LINLI_COMMUNITY")]
        community: Option<String>,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` sets up its logs once its configuration is read.
    if !matches!(cli.command, Command::Serve { .. }) {
        logs::init(LogFormat::Human);
    }
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Refusal>() {
                Some(r) => say(&r.to_string()),
                None => say(&format!("{e:#}")),
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

/// `serve --backup-dir`: a backup every `every` (the first one `every` after start), keeping `keep`.
async fn scheduled_backups(
    hub: linli_hub::Hub,
    dir: PathBuf,
    every: std::time::Duration,
    keep: usize,
) {
    let every = every.max(std::time::Duration::from_secs(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let (h, b) = (hub.clone(), dir.clone());
        let taken =
            tokio::task::spawn_blocking(move || linli_hub::backup::rotating_backup(&h, &b, keep))
                .await;
        match taken {
            Ok(Ok(path)) => {
                hub.metrics().backup_taken(chrono::Utc::now());
                say(&msg(
                    "hub-backup-scheduled",
                    &[("dir", path.display().to_string().into())],
                ))
            }
            Ok(Err(e)) => say(&msg(
                "hub-backup-failed",
                &[("reason", e.to_string().into())],
            )),
            Err(e) => say(&msg(
                "hub-backup-failed",
                &[("reason", e.to_string().into())],
            )),
        }
    }
}

/// `serve`: the hub on its port, with metrics and scheduled backups when configured.
fn serve(cfg: ServeConfig) -> anyhow::Result<()> {
    let tls = match &cfg.tls {
        Some((c, k)) => Some(linli_hub::tls::server_config(c, k).map_err(hub_err)?),
        None => None,
    };
    let dir = cfg.data_dir;
    let hub = open(&dir)?;
    hub.set_photo_retention_days(cfg.photo_retention_days);
    hub.set_device_rate(linli_hub::api::throttle::Rate {
        per_minute: cfg.requests_per_minute,
        burst: cfg.request_burst,
    });
    hub.set_open311_rate(linli_hub::api::throttle::Rate {
        per_minute: cfg.open311_requests_per_minute,
        burst: cfg.open311_request_burst,
    });
    hub.set_drain_grace(cfg.drain_grace);
    let listen = cfg.listen;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        if let Some(at) = cfg.metrics_listen {
            let listener = tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("listening on {at}"))?;
            let addr = listener.local_addr()?;
            say(&msg(
                "hub-metrics-serving",
                &[("addr", addr.to_string().into())],
            ));
            tokio::spawn(linli_hub::metrics::serve(hub.clone(), listener));
        }
        if let Some(backups) = cfg.backup_dir {
            tokio::spawn(scheduled_backups(
                hub.clone(),
                backups,
                cfg.backup_every,
                cfg.backup_keep,
            ));
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let addr = listener.local_addr()?;
        say(&msg(
            "hub-serving",
            &[
                ("addr", addr.to_string().into()),
                ("dir", dir.display().to_string().into()),
            ],
        ));
        // Post this where residents can compare it with what their device shows at join.
        say(&msg("hub-log-key", &[("key", hub.log_key().into())]));
        match tls {
            Some(config) => hub.serve_tls(listener, config, shutdown_signal()).await,
            None => hub.serve(listener, shutdown_signal()).await,
        }
        .map_err(anyhow::Error::new)
    })
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { config, options } => {
            let cfg = config::load(config, options)?;
            logs::init(cfg.log_format);
            serve(cfg)
        }
        Command::CheckConfig { config, options } => cli::check_config::run(config, options),
        Command::Demo { data_dir: d } => {
            let hub = open(&data_dir(d)?)?;
            let codes = admin::demo::seed_demo(&hub).map_err(hub_err)?;
            let street = admin::street::show(&hub)
                .map(|s| s.name)
                .unwrap_or_default();
            eprintln!("{}", msg("hub-demo-created", &[("name", street.into())]));
            for (community, c) in codes {
                println!(
                    "{}\t{} {}",
                    invite_code::display(&c.code),
                    community.name,
                    address(&c.household)
                );
            }
            Ok(())
        }
        Command::Admin {
            data_dir: d,
            command: AdminCommand::Restore(args),
            ..
        } => {
            // Never the default directory: a restore names where the restored hub will live.
            let dir = d.ok_or_else(|| Refusal(msg("hub-admin-restore-needs-data-dir", &[])))?;
            cli::backup::run_restore(&dir, args)
        }
        Command::Admin {
            data_dir: d,
            staff,
            community,
            command,
        } => {
            let hub = open(&data_dir(d)?)?;
            run_admin(&hub, staff.as_deref(), community.as_deref(), command)
        }
        Command::RotateLogKey { data_dir: d } => {
            let dir = data_dir(d)?;
            open(&dir)?;
            let key = linli_hub::log_key::rotate(&dir, chrono::Utc::now()).map_err(hub_err)?;
            eprintln!(
                "{}",
                msg("hub-log-key-rotated", &[("key", key.clone().into())])
            );
            println!("{key}");
            Ok(())
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
            witnesses,
            witness_quorum,
            community,
            out,
        } => {
            let community = community.as_deref().map(cli::parse_id).transpose()?;
            let policy = if witnesses.is_empty() {
                None
            } else {
                let k = witness_quorum.unwrap_or(witnesses.len());
                Some(
                    linli_tlog::WitnessPolicy::new(&witnesses, k)
                        .map_err(|e| refused("hub-verify-bad-witnesses", &e.to_string()))?,
                )
            };
            verify(
                &hub,
                community,
                &key,
                &checkpoints,
                openings.as_deref(),
                policy.as_ref(),
                out.json,
            )
        }
    }
}

/// The auditor: prints what was checked, and fails loudly with what did not hold.
fn verify(
    hub: &str,
    community: Option<uuid::Uuid>,
    key: &str,
    files: &[PathBuf],
    openings: Option<&Path>,
    policy: Option<&linli_tlog::WitnessPolicy>,
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
        .block_on(async {
            match policy {
                Some(p) => {
                    linli_hub::auditor::audit_witnessed(hub, community, key, &notes, &openings, p)
                        .await
                }
                None => {
                    linli_hub::auditor::audit_community(hub, community, key, &notes, &openings)
                        .await
                }
            }
        })
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
    for r in &report.restores {
        println!(
            "{}",
            msg(
                "hub-verify-restore",
                &[
                    ("at", r.at.clone().into()),
                    ("size", (r.size as i64).into()),
                ]
            )
        );
    }
    if !report.superseded_by_restore.is_empty() {
        println!(
            "{}",
            msg(
                "hub-verify-superseded",
                &[("sizes", list(&report.superseded_by_restore).into())]
            )
        );
    }
    if !report.cosigned_by.is_empty() {
        println!(
            "{}",
            msg(
                "hub-verify-witnessed",
                &[("witnesses", report.cosigned_by.join(", ").into())]
            )
        );
    }
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
