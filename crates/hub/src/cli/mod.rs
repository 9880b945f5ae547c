//! What the `linli-hub` commands share: refusals with a message in the user's language, parsing, and
//! printing.
pub mod admin;
pub mod backup;
pub mod check_config;
pub mod config;
pub mod dispatch;
pub mod export;
pub mod hotline;
pub mod logs;
pub mod open311;
pub mod proxy;
pub mod staff;
pub mod staff_access;
pub mod stats;
pub mod street;
pub mod witness;

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;
use linli_hub::{Hub, HubError};
use linli_i18n::{message, message_args, Arg, Lang};
use serde::Serialize;
use uuid::Uuid;

#[derive(Args)]
pub struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A refusal worth a clear message and exit code 1, not a backtrace.
#[derive(Debug)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Refusal {}

pub fn lang() -> Lang {
    Lang::from_env()
}

pub fn msg(id: &str, args: &[(&str, Arg)]) -> String {
    message_args(lang(), id, args)
}

pub fn refused(id: &str, value: &str) -> anyhow::Error {
    Refusal(msg(id, &[("value", value.into())])).into()
}

pub fn hub_err(e: HubError) -> anyhow::Error {
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

/// The data directory of a command other than `serve`: `--data-dir` (or `LINLI_HUB_DATA_DIR`),
/// else the configuration file's `data_dir` (so `linli-hub admin …` on a packaged hub finds
/// /var/lib/linli-hub), else the per-user data directory.
pub fn data_dir(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(d) = given {
        return Ok(d);
    }
    if let Some(path) = config::file_path(std::env::var_os(config::CONFIG_ENV).map(PathBuf::from)) {
        if let Some(d) = config::Layer::from_file(&path)?.data_dir {
            return Ok(d);
        }
    }
    default_data_dir().ok_or_else(|| Refusal(message(lang(), "hub-no-data-dir")).into())
}

/// The per-user data directory (`~/.local/share/linli-hub` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "linli", "linli-hub").map(|p| p.data_dir().to_path_buf())
}

pub fn open(dir: &Path) -> anyhow::Result<Hub> {
    Hub::open(dir).with_context(|| format!("opening {}", dir.display()))
}

pub fn parse_id(s: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| refused("hub-bad-id", s))
}

pub fn parse_time(s: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| refused("hub-bad-time", s))
}

pub fn print_json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn address(h: &linli_proto::Household) -> String {
    format!("{} {} {}", h.building, h.unit, h.room)
}
