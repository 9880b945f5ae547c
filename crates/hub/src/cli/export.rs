//! `linli-hub admin --staff ID export cases --format xlsx|csv --out FILE`: the raw case list of the
//! member's inbox as a spreadsheet (`linli_hub::admin::case_export`); every case in it is logged.
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use linli_hub::store::Staff;
use linli_hub::{admin, Hub};

use super::{hub_err, lang, msg, refused};

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The raw case list (办件清单) with Chinese headers, times as spreadsheet dates.
    Cases {
        /// `xlsx` or `csv`.
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(hub: &Hub, staff: &Staff, command: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Cases { format, out } = command;
    let cases = admin::case_export::cases(hub, staff).map_err(hub_err)?;
    let bytes = match format.as_str() {
        "xlsx" => admin::case_export::xlsx(lang(), &cases).map_err(hub_err)?,
        "csv" => admin::case_export::csv(lang(), &cases).into_bytes(),
        other => return Err(refused("hub-export-bad-format", other)),
    };
    std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{}",
        msg(
            "hub-export-written",
            &[
                ("count", (cases.len() as i64).into()),
                ("path", out.display().to_string().into())
            ]
        )
    );
    Ok(())
}
