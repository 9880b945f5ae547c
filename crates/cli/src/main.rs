//! `linli`: a headless resident client on linli-core, for scripts, tests, benchmarks and people who like
//! terminals. `--json` prints stable JSON (the view types of linli-core); plain output comes from Fluent.
#![forbid(unsafe_code)]

mod output;

use anyhow::Context;
use clap::{Parser, Subcommand};
use linli_core::{Address, CoreError, Lang, NewReport, Profile, ProxyRole, Satisfaction};
use linli_proto::ProxyScope;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "linli", version, about = "Linli resident client")]
struct Cli {
    /// Profile directory (one per resident); default: $LINLI_PROFILE or ~/.local/share/linli/default
    #[arg(long, global = true, env = "LINLI_PROFILE")]
    profile: Option<PathBuf>,
    /// Language of messages (zh-CN or en-US); saved as the profile's language
    #[arg(long, global = true)]
    lang: Option<String>,
    /// Act for another resident who authorized you (亲友代办): their resident id (or its first characters,
    /// see `linli proxy list`). Applies to notices, reports, report, consultations and vote.
    #[arg(long = "as", global = true, value_name = "PRINCIPAL")]
    acting_for: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Join a community with an invitation code from the office
    Join {
        #[arg(long)]
        hub: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        device_name: Option<String>,
        /// Agree to the privacy notice (`linli privacy` shows it); without it, a terminal asks
        #[arg(long)]
        accept_privacy: bool,
        /// The witness fingerprint printed on the invitation slip: the hub must name those witnesses
        #[arg(long)]
        witnesses: Option<String>,
    },
    /// Show the privacy notice and what this device agreed to
    Privacy {
        #[arg(long)]
        json: bool,
    },
    /// Download a copy of everything the hub holds about me (a zip of JSON and photos)
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Close my account: the hub deletes my personal data, and this profile is wiped
    CloseAccount {
        /// Confirm: this cannot be undone
        #[arg(long)]
        yes: bool,
    },
    /// Send queued changes and fetch updates; exits non-zero when the hub can't be reached
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Sync state, pending changes and last sync time
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Home screen summary
    Home {
        #[arg(long)]
        json: bool,
    },
    /// Report categories
    Categories {
        #[arg(long)]
        json: bool,
    },
    /// Notices, pinned and urgent first
    Notices {
        #[arg(long)]
        json: bool,
    },
    /// One notice
    Notice {
        #[command(subcommand)]
        action: NoticeAction,
    },
    /// My reports with their timelines
    Reports {
        #[arg(long)]
        json: bool,
    },
    /// Make or act on a report
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
    /// Consultations with my vote and, when visible, results
    Consultations {
        #[arg(long)]
        json: bool,
    },
    /// Vote in a consultation (works offline)
    Vote {
        consultation: String,
        #[arg(required = true)]
        options: Vec<String>,
    },
    /// Messages kept for me, e.g. refused changes
    Messages {
        #[arg(long)]
        json: bool,
    },
    /// Check the hub's public record (transparency log) now: the checkpoint must be signed by the key
    /// pinned at join and extend the last one checked, and every receipt must be in it. Exits non-zero
    /// when a check fails.
    Verify {
        #[arg(long)]
        json: bool,
        /// Also write the verified checkpoint (a signed note) here, for an auditor's `linli-hub verify --checkpoint`.
        #[arg(long)]
        save_checkpoint: Option<PathBuf>,
    },
    /// Dismiss a message
    Dismiss { id: i64 },
    /// Forget this profile's token and community data
    SignOut,
    /// Authorized proxies (亲友代办): let a relative act for you, or act for someone
    Proxy {
        #[command(subcommand)]
        action: ProxyAction,
    },
}

#[derive(Subcommand)]
enum ProxyAction {
    /// Make a one-time code (valid 24 hours) for a relative; the code is the last line
    Invite {
        /// Comma-separated: read_notices, report, vote
        #[arg(long)]
        scopes: String,
        /// How long the authorization lasts once redeemed (default 365, at most 1096)
        #[arg(long)]
        days: Option<i64>,
    },
    /// Redeem a relative's code: you can then act for them with --as
    Accept {
        code: String,
        /// How you are named to them, e.g. "王芳（女儿）"
        #[arg(long)]
        name: Option<String>,
        /// Their community's hub, when they live in another community than yours
        #[arg(long)]
        hub: Option<String>,
    },
    /// Authorizations you gave or received
    List {
        #[arg(long)]
        json: bool,
    },
    /// Take back an authorization you gave, or give up one you received
    Revoke { id: String },
    /// What relatives did for you (代办记录)
    Activity {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum NoticeAction {
    /// Mark a notice read (works offline)
    Read { id: String },
    /// Show a notice
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ReportAction {
    /// New report (works offline); prints its id
    New {
        #[arg(long)]
        category: String,
        #[arg(long)]
        text: String,
        #[arg(long = "photo")]
        photos: Vec<PathBuf>,
        #[arg(long)]
        building: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        room: Option<String>,
        /// Free-text place, e.g. "east gate"
        #[arg(long)]
        address: Option<String>,
    },
    /// Show one report
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a comment
    Comment { id: String, text: String },
    /// Withdraw a report not yet accepted
    Withdraw { id: String },
    /// Rate a resolved report
    Rate {
        id: String,
        #[arg(long, value_parser = ["satisfied", "basic", "unsatisfied"])]
        satisfaction: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Reopen a resolved report
    Reopen {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

/// A failure to show the resident: already in their language.
struct Shown(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Shown>() {
                Some(Shown(msg)) => eprintln!("{msg}"),
                None => eprintln!("{e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Shown {}

fn default_profile() -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set; pass --profile DIR")?;
    Ok(PathBuf::from(home).join(".local/share/linli/default"))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = match cli.profile {
        Some(d) => d,
        None => default_profile()?,
    };
    let profile = Profile::open(&dir).with_context(|| format!("open profile {}", dir.display()))?;
    if let Some(tag) = &cli.lang {
        let lang = Lang::parse(tag).ok_or_else(|| {
            Shown(linli_i18n::message_args(
                profile.language(),
                "cli-bad-lang",
                &[("lang", tag.clone().into())],
            ))
        })?;
        profile.set_language(lang)?;
    }
    let lang = profile.language();
    let acting_for = match &cli.acting_for {
        None => None,
        Some(who) => Some(principal(&profile, lang, who)?),
    };
    let shown = |e: CoreError| -> anyhow::Error {
        Shown(linli_i18n::message_args(
            lang,
            "cli-error",
            &[("message", e.user_message(lang).into())],
        ))
        .into()
    };
    let id = |s: &str| -> anyhow::Result<Uuid> {
        Uuid::parse_str(s.trim()).map_err(|_| {
            Shown(linli_i18n::message_args(
                lang,
                "cli-bad-id",
                &[("id", s.into())],
            ))
            .into()
        })
    };
    match cli.command {
        Command::Join {
            hub,
            code,
            device_name,
            accept_privacy,
            witnesses,
        } => {
            consent(&profile, lang, accept_privacy)?;
            let info = runtime()?
                .block_on(profile.join_checked(&hub, &code, device_name, witnesses.as_deref()))
                .map_err(shown)?;
            output::joined(lang, &info);
        }
        Command::Sync { json } => sync(&profile, lang, json)?,
        Command::Status { json } => output::status(lang, &profile.status()?, json)?,
        Command::Home { json } => {
            output::json_or(&profile.home()?, json, |h| output::home(lang, h))?
        }
        Command::Categories { json } => output::json_or(&profile.categories()?, json, |cs| {
            output::categories(lang, cs)
        })?,
        Command::Notices { json } => {
            let ns = profile.notices_as(acting_for).map_err(shown)?;
            output::json_or(&ns, json, |ns| output::notices(lang, ns))?
        }
        Command::Notice { action } => match action {
            NoticeAction::Read { id: nid } => {
                profile.mark_notice_read(id(&nid)?).map_err(shown)?;
                println!("{}", linli_i18n::message(lang, "cli-done"));
            }
            NoticeAction::Show { id: nid, json } => {
                let n = profile.notice(id(&nid)?).map_err(shown)?;
                output::json_or(&n, json, |n| output::notice_detail(lang, n))?
            }
        },
        Command::Reports { json } => {
            let rs = profile.reports_as(acting_for).map_err(shown)?;
            output::json_or(&rs, json, |rs| output::reports(lang, rs))?
        }
        Command::Report { action } => report(&profile, lang, action, acting_for, &shown, &id)?,
        Command::Consultations { json } => {
            let cs = profile.consultations_as(acting_for).map_err(shown)?;
            output::json_or(&cs, json, |cs| output::consultations(lang, cs))?
        }
        Command::Vote {
            consultation,
            options,
        } => {
            let options = options.iter().map(|o| id(o)).collect::<Result<_, _>>()?;
            profile
                .vote_as(id(&consultation)?, options, acting_for)
                .map_err(shown)?;
            println!("{}", linli_i18n::message(lang, "cli-done"));
        }
        Command::Messages { json } => {
            output::json_or(&profile.messages()?, json, |ms| output::messages(lang, ms))?
        }
        Command::Verify {
            json,
            save_checkpoint,
        } => verify(&profile, lang, json, save_checkpoint)?,
        Command::Dismiss { id } => profile.dismiss_message(id).map_err(shown)?,
        Command::SignOut => profile.sign_out().map_err(shown)?,
        Command::Privacy { json } => {
            let status = profile.privacy_status()?;
            output::json_or(&status, json, |s| output::privacy(lang, s))?
        }
        Command::Export { out } => {
            let size = runtime()?
                .block_on(profile.export_my_data(&out))
                .map_err(shown)?;
            println!(
                "{}",
                linli_i18n::message_args(
                    lang,
                    "privacy-export-saved",
                    &[
                        ("kb", (size.div_ceil(1024) as i64).into()),
                        ("path", out.display().to_string().into())
                    ]
                )
            );
        }
        Command::CloseAccount { yes } => {
            if !yes {
                eprintln!("{}", linli_i18n::message(lang, "privacy-close-confirm"));
                return Err(Shown(linli_i18n::message(lang, "privacy-cli-close-needs-yes")).into());
            }
            let done = runtime()?
                .block_on(profile.close_account())
                .map_err(shown)?;
            println!(
                "{}",
                linli_i18n::message_args(
                    lang,
                    "privacy-closed",
                    &[
                        ("reports", done.reports_anonymised.into()),
                        ("photos", done.photos_deleted.into()),
                        ("devices", done.devices_revoked.into())
                    ]
                )
            );
        }
        Command::Proxy { action } => proxy(&profile, lang, action, &shown, &id)?,
    }
    Ok(())
}

/// The principal `--as` names: a resident id, or the start of one, among those this resident may act for.
fn principal(profile: &Profile, lang: Lang, who: &str) -> anyhow::Result<Uuid> {
    let who = who.trim().to_ascii_lowercase();
    let mut matches: Vec<Uuid> = profile
        .proxy_grants()?
        .into_iter()
        .filter(|g| g.role == ProxyRole::Proxy)
        .map(|g| g.principal)
        .filter(|p| p.to_string().starts_with(&who))
        .collect();
    matches.sort();
    matches.dedup();
    match matches[..] {
        [one] => Ok(one),
        _ => Err(Shown(linli_i18n::message_args(
            lang,
            "cli-error",
            &[(
                "message",
                linli_i18n::error_message(lang, linli_proto::ErrorCode::ProxyNotGranted).into(),
            )],
        ))
        .into()),
    }
}

fn proxy(
    profile: &Profile,
    lang: Lang,
    action: ProxyAction,
    shown: &dyn Fn(CoreError) -> anyhow::Error,
    id: &dyn Fn(&str) -> anyhow::Result<Uuid>,
) -> anyhow::Result<()> {
    match action {
        ProxyAction::Invite { scopes, days } => {
            let parsed = ProxyScope::parse_list(&scopes).ok_or_else(|| {
                Shown(linli_i18n::message_args(
                    lang,
                    "cli-bad-scopes",
                    &[("scopes", scopes.clone().into())],
                ))
            })?;
            let inv = runtime()?
                .block_on(profile.proxy_invite(parsed, days))
                .map_err(shown)?;
            output::proxy_invite(lang, &inv);
            // The code alone on the last line, so scripts can take it.
            println!("{}", inv.code);
        }
        ProxyAction::Accept { code, name, hub } => {
            let accepted = match hub {
                Some(hub) => {
                    runtime()?.block_on(profile.proxy_accept_remote(&hub, &code, name, None))
                }
                None => runtime()?.block_on(profile.proxy_accept(&code, name)),
            };
            let g = accepted.map_err(shown)?;
            output::proxy_accepted(lang, &g);
        }
        ProxyAction::List { json } => {
            // Fresh from the hub when it can be reached; what the device knows otherwise.
            let list = match runtime()?.block_on(profile.refresh_proxy_grants()) {
                Ok(list) => list,
                Err(e) if e.is_offline() => profile.proxy_grants()?,
                Err(e) => return Err(shown(e)),
            };
            output::json_or(&list, json, |l| output::proxy_grants(lang, l))?
        }
        ProxyAction::Revoke { id: gid } => {
            let g = runtime()?
                .block_on(profile.proxy_revoke(id(&gid)?))
                .map_err(shown)?;
            output::proxy_grants(lang, std::slice::from_ref(&g));
        }
        ProxyAction::Activity { json } => {
            let acts = profile.proxy_activity()?;
            output::json_or(&acts, json, |a| output::proxy_activity(lang, a))?
        }
    }
    Ok(())
}

/// Makes sure the resident agreed to the current privacy notice before joining: `--accept-privacy`, or
/// the notice printed and a "yes" typed in a terminal. Scripts without the flag are refused.
fn consent(profile: &Profile, lang: Lang, accepted: bool) -> anyhow::Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    let status = profile.privacy_status()?;
    if !status.must_ask {
        return Ok(());
    }
    if !accepted {
        if !std::io::stdin().is_terminal() {
            return Err(Shown(linli_i18n::message(lang, "privacy-cli-needs-consent")).into());
        }
        output::privacy(lang, &status);
        print!("{} ", linli_i18n::message(lang, "privacy-cli-ask"));
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(
            answer.trim().to_lowercase().as_str(),
            "yes" | "y" | "是" | "同意"
        ) {
            return Err(Shown(linli_i18n::message(lang, "privacy-required")).into());
        }
    }
    profile.accept_privacy(status.current_version)?;
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn sync(profile: &Arc<Profile>, lang: Lang, json: bool) -> anyhow::Result<()> {
    // The token from the keychain and the HTTP client, as a running app already holds them; an error
    // here (not joined, no token) is the sync's own error and shows as such below.
    let connected = profile.connect();
    let started = std::time::Instant::now();
    let result = match connected {
        Ok(()) => runtime()?.block_on(profile.sync()),
        Err(e) => Err(e),
    };
    // The sync alone, without this process's start-up (keychain, database, HTTP client): what a running
    // app waits.
    let elapsed_secs = started.elapsed().as_secs_f64();
    match result {
        Ok(outcome) => {
            if json {
                let mut v = serde_json::to_value(&outcome)?;
                if let Some(fields) = v.as_object_mut() {
                    fields.insert("elapsed_secs".into(), elapsed_secs.into());
                    if let Some(phases) = profile.last_sync_phases() {
                        fields.insert("phases".into(), serde_json::to_value(phases)?);
                    }
                }
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                output::synced(lang, &outcome);
            }
            // What this sync had refused (messages are newest first); `linli messages` lists them all.
            for m in profile.messages()?.iter().take(outcome.rejected) {
                eprintln!("{}: {}", m.title, m.text);
            }
            Ok(())
        }
        Err(e) => {
            let mut text = linli_i18n::message_args(
                lang,
                "cli-sync-failed",
                &[("reason", e.user_message(lang).into())],
            );
            let pending = profile.status()?.pending;
            if pending > 0 {
                text.push('\n');
                text.push_str(&linli_i18n::message_args(
                    lang,
                    "cli-still-pending",
                    &[("count", pending.into())],
                ));
            }
            Err(Shown(text).into())
        }
    }
}

fn verify(
    profile: &Arc<Profile>,
    lang: Lang,
    json: bool,
    save_checkpoint: Option<PathBuf>,
) -> anyhow::Result<()> {
    let checked = runtime()?.block_on(profile.verify_log());
    let view = profile.transparency()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        output::transparency(lang, &view);
    }
    if let (Some(path), Some(note)) = (&save_checkpoint, &view.checkpoint_note) {
        std::fs::write(path, note).with_context(|| format!("writing {}", path.display()))?;
    }
    match checked {
        Ok(_) => Ok(()),
        // A failed log check was printed above as a warning too; offline means nothing was checked.
        Err(e) => Err(Shown(linli_i18n::message_args(
            lang,
            "cli-verify-failed",
            &[("reason", e.user_message(lang).into())],
        ))
        .into()),
    }
}

fn report(
    profile: &Profile,
    lang: Lang,
    action: ReportAction,
    acting_for: Option<Uuid>,
    shown: &dyn Fn(CoreError) -> anyhow::Error,
    id: &dyn Fn(&str) -> anyhow::Result<Uuid>,
) -> anyhow::Result<()> {
    let done = || println!("{}", linli_i18n::message(lang, "cli-done"));
    match action {
        ReportAction::New {
            category,
            text,
            photos,
            building,
            unit,
            room,
            address,
        } => {
            let rid = profile
                .new_report_as(
                    NewReport {
                        category,
                        text,
                        address: Address {
                            building,
                            unit,
                            room,
                            text: address,
                        },
                        location: None,
                        photos,
                    },
                    acting_for,
                )
                .map_err(shown)?;
            // The id alone on stdout, so scripts can capture it; the explanation on stderr.
            println!("{rid}");
            eprintln!(
                "{}",
                linli_i18n::message_args(
                    lang,
                    "cli-report-queued",
                    &[("id", rid.to_string().into())]
                )
            );
        }
        ReportAction::Show { id: rid, json } => {
            let r = profile.report_as(id(&rid)?, acting_for).map_err(shown)?;
            output::json_or(&r, json, |r| output::report_detail(lang, r))?
        }
        ReportAction::Comment { id: rid, text } => {
            profile
                .comment_report_as(id(&rid)?, &text, acting_for)
                .map_err(shown)?;
            done()
        }
        ReportAction::Withdraw { id: rid } => {
            profile
                .withdraw_report_as(id(&rid)?, acting_for)
                .map_err(shown)?;
            done()
        }
        ReportAction::Rate {
            id: rid,
            satisfaction,
            comment,
        } => {
            let s = Satisfaction::parse(&satisfaction).context("satisfaction")?;
            profile
                .rate_report_as(id(&rid)?, s, comment, acting_for)
                .map_err(shown)?;
            done()
        }
        ReportAction::Reopen { id: rid, reason } => {
            profile
                .reopen_report_as(id(&rid)?, reason, acting_for)
                .map_err(shown)?;
            done()
        }
    }
    Ok(())
}
