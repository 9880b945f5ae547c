//! `linli`: a headless resident client on linli-core, for scripts, tests, benchmarks and people who like
//! terminals. `--json` prints stable JSON (the view types of linli-core); plain output comes from Fluent.
#![forbid(unsafe_code)]

mod output;

use anyhow::Context;
use clap::{Parser, Subcommand};
use linli_core::{Address, CoreError, Lang, NewReport, Profile, Satisfaction};
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
        } => {
            consent(&profile, lang, accept_privacy)?;
            let info = runtime()?
                .block_on(profile.join(&hub, &code, device_name))
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
            output::json_or(&profile.notices()?, json, |ns| output::notices(lang, ns))?
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
            output::json_or(&profile.reports()?, json, |rs| output::reports(lang, rs))?
        }
        Command::Report { action } => report(&profile, lang, action, &shown, &id)?,
        Command::Consultations { json } => {
            output::json_or(&profile.consultations()?, json, |cs| {
                output::consultations(lang, cs)
            })?
        }
        Command::Vote {
            consultation,
            options,
        } => {
            let options = options.iter().map(|o| id(o)).collect::<Result<_, _>>()?;
            profile.vote(id(&consultation)?, options).map_err(shown)?;
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
    match runtime()?.block_on(profile.sync()) {
        Ok(outcome) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&outcome)?);
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
                .new_report(NewReport {
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
                })
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
            let r = profile.report(id(&rid)?).map_err(shown)?;
            output::json_or(&r, json, |r| output::report_detail(lang, r))?
        }
        ReportAction::Comment { id: rid, text } => {
            profile.comment_report(id(&rid)?, &text).map_err(shown)?;
            done()
        }
        ReportAction::Withdraw { id: rid } => {
            profile.withdraw_report(id(&rid)?).map_err(shown)?;
            done()
        }
        ReportAction::Rate {
            id: rid,
            satisfaction,
            comment,
        } => {
            let s = Satisfaction::parse(&satisfaction).context("satisfaction")?;
            profile.rate_report(id(&rid)?, s, comment).map_err(shown)?;
            done()
        }
        ReportAction::Reopen { id: rid, reason } => {
            profile.reopen_report(id(&rid)?, reason).map_err(shown)?;
            done()
        }
    }
    Ok(())
}
