//! `linli-hub admin [--community C] hotline import FILE | export --since DATE`: the 12345 bridge
//! for the office — the hotline's case file into the inbox (all rows or none), and the results back
//! in the hotline's columns. The rules are in `linli_hub::admin::hotline` and `hotline_export`.
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use linli_hub::admin::hotline::ImportOutcome;
use linli_hub::{admin, Hub};
use uuid::Uuid;

use super::{hub_err, lang, msg, print_json, refused, JsonFlag, Refusal};

#[derive(Subcommand)]
pub enum HotlineCommand {
    /// Import the hotline's case file (.xlsx, or .csv in UTF-8): columns 工单编号, 诉求类别,
    /// 诉求内容, 地址/楼栋, and optionally 办结时限, 来电时间, 社区分类. A file with a bad row is
    /// refused whole, each bad row listed; a 工单编号 imported before creates nothing.
    Import {
        file: PathBuf,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// The results of the cases city systems sent, in the hotline's columns (工单编号, 办理结果,
    /// 办结时间, 承办单位, 回访满意度, 是否超期…).
    Export {
        /// Cases received from this day on (China Standard Time), e.g. 2026-12-01.
        #[arg(long)]
        since: String,
        /// `xlsx` or `csv`.
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(hub: &Hub, community: Uuid, command: HotlineCommand) -> anyhow::Result<()> {
    match command {
        HotlineCommand::Import { file, out } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            match admin::hotline::import(hub, community, lang(), &bytes).map_err(hub_err)? {
                ImportOutcome::Imported(summary) => {
                    if out.json {
                        print_json(&summary)?;
                    } else {
                        println!("{}", summary.message);
                    }
                }
                ImportOutcome::Refused(rows) => {
                    let mut text = msg("hotline-import-refused", &[]);
                    for r in rows {
                        text.push('\n');
                        text.push_str(&msg(
                            "hotline-import-row",
                            &[("row", r.row.into()), ("reason", r.reason.into())],
                        ));
                    }
                    return Err(Refusal(text).into());
                }
            }
        }
        HotlineCommand::Export { since, format, out } => {
            let day = NaiveDate::parse_from_str(since.trim(), "%Y-%m-%d")
                .map_err(|_| refused("hub-hotline-bad-since", &since))?;
            let since = admin::hotline_export::day_start(day).map_err(hub_err)?;
            let rows = admin::hotline_export::rows(hub, community, since, None).map_err(hub_err)?;
            let bytes = match format.as_str() {
                "xlsx" => admin::hotline_export::xlsx(lang(), &rows).map_err(hub_err)?,
                "csv" => admin::hotline_export::csv(lang(), &rows).into_bytes(),
                other => return Err(refused("hub-export-bad-format", other)),
            };
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}",
                msg(
                    "hub-hotline-exported",
                    &[
                        ("count", rows.len().into()),
                        ("path", out.display().to_string().into())
                    ]
                )
            );
        }
    }
    Ok(())
}
