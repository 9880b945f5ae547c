//! How `linli-hub` writes its logs to stderr: the human format by default, or one JSON object a
//! line (`serve --log-format json`) for a log collector. In JSON mode the hub's own announcements
//! (the address it serves, the log key, backups) go through the same formatter, so every line of
//! stderr parses.
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for a person reading a terminal.
    #[default]
    Human,
    /// One JSON object a line, each with the request id of the request it was logged for.
    Json,
}

static JSON: AtomicBool = AtomicBool::new(false);

/// Installs the global subscriber; `RUST_LOG` overrides the default levels.
pub fn init(format: LogFormat) {
    let filter =
        || EnvFilter::try_from_default_env().unwrap_or_else(|_| "linli_hub=info,warn".into());
    match format {
        LogFormat::Human => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
        LogFormat::Json => {
            JSON.store(true, Ordering::Relaxed);
            tracing_subscriber::fmt()
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .with_env_filter(filter())
                .with_writer(std::io::stderr)
                .init()
        }
    }
}

/// Prints a line for the operator: as it is in the human format, as a log event in JSON mode.
pub fn say(line: &str) {
    if JSON.load(Ordering::Relaxed) {
        tracing::info!(target: "linli_hub", "{line}");
    } else {
        eprintln!("{line}");
    }
}
