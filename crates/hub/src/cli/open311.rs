//! `linli-hub admin open311 key add|list|revoke`: the API keys city systems (the 12345 hotline) call
//! the Open311 GeoReport v2 endpoints with. The rules are in `linli_hub::admin::open311`.
use clap::Subcommand;
use linli_hub::store::open311::KeyScope;
use linli_hub::{admin, Hub};

use super::{hub_err, msg, print_json, refused, JsonFlag};

#[derive(Subcommand)]
pub enum Open311Command {
    /// API keys for city systems: issue, list, revoke.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Issue a key for the whole street (`jurisdiction_id` picks the community); prints it once.
    Add {
        /// Who holds it, e.g. 12345中心.
        #[arg(long)]
        name: String,
        /// `read` (services and requests) or `write` (also creating requests).
        #[arg(long)]
        scope: String,
        /// What reports created with it are marked with: `12345` or `open311`.
        #[arg(long, default_value = "open311")]
        source: String,
    },
    /// Every key issued, with its scope, source and whether it is revoked (never the key itself).
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Revoke the live key of that name: calls with it answer 403 from now on.
    Revoke { name: String },
}

pub fn run(hub: &Hub, command: Open311Command) -> anyhow::Result<()> {
    let Open311Command::Key(command) = command;
    match command {
        KeyCommand::Add {
            name,
            scope,
            source,
        } => {
            let scope =
                KeyScope::parse(&scope).ok_or_else(|| refused("hub-open311-bad-scope", &scope))?;
            if !admin::open311::SOURCES.contains(&source.as_str()) {
                return Err(refused("hub-open311-bad-source", &source));
            }
            let (key, secret) =
                admin::open311::add_key(hub, &name, scope, &source).map_err(hub_err)?;
            eprintln!(
                "{}",
                msg(
                    "hub-open311-key-added",
                    &[
                        ("name", key.name.into()),
                        ("scope", key.scope.as_str().into()),
                        ("source", key.source.into())
                    ]
                )
            );
            println!("{secret}");
        }
        KeyCommand::List { out } => {
            let keys = admin::open311::list_keys(hub).map_err(hub_err)?;
            if out.json {
                print_json(&keys)?;
            } else {
                for k in keys {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        k.name,
                        k.scope.as_str(),
                        k.source,
                        k.created_at.format("%Y-%m-%d %H:%M"),
                        k.revoked_at
                            .map(|t| format!("revoked {}", t.format("%Y-%m-%d %H:%M")))
                            .unwrap_or_else(|| "live".into())
                    );
                }
            }
        }
        KeyCommand::Revoke { name } => {
            admin::open311::revoke_key(hub, &name).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-open311-key-revoked", &[("name", name.into())])
            );
        }
    }
    Ok(())
}
