//! `linli-hub admin witness …`: the witnesses of a community's log (see `linli_hub::admin::witnesses`).
use clap::Subcommand;
use linli_hub::admin;
use linli_hub::Hub;
use uuid::Uuid;

use super::{hub_err, msg, print_json, JsonFlag, Refusal};

#[derive(Subcommand)]
pub enum WitnessCommand {
    /// Add a witness (or give the one of that name a new key or address). Devices pin the witnesses
    /// when they join: set them before handing out invitation codes.
    Add {
        /// The witness's public key, as `linli-witness init` printed it.
        #[arg(long)]
        key: String,
        /// Where its `add-checkpoint` endpoint is, e.g. http://192.0.2.10:7380
        #[arg(long)]
        url: String,
    },
    /// Remove a witness by its name.
    Remove {
        #[arg(long)]
        name: String,
    },
    /// How many witnesses must have cosigned a checkpoint before a device takes it.
    Quorum { k: usize },
    /// The witnesses, the quorum, and the fingerprint to print on invitation slips.
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(serde::Serialize)]
struct Listed {
    witnesses: Vec<ListedWitness>,
    quorum: Option<usize>,
    fingerprint: Option<String>,
}

#[derive(serde::Serialize)]
struct ListedWitness {
    name: String,
    key: String,
    url: String,
}

pub fn run(hub: &Hub, community: Uuid, command: WitnessCommand) -> anyhow::Result<()> {
    match command {
        WitnessCommand::Add { key, url } => {
            let w = admin::witnesses::add(hub, community, &key, &url).map_err(witness_err)?;
            println!("{}", msg("hub-witness-added", &[("name", w.name.into())]));
        }
        WitnessCommand::Remove { name } => {
            admin::witnesses::remove(hub, community, &name).map_err(witness_err)?;
        }
        WitnessCommand::Quorum { k } => {
            admin::witnesses::set_quorum(hub, community, k).map_err(witness_err)?;
        }
        WitnessCommand::List { out } => {
            let set = admin::witnesses::list(hub, community).map_err(hub_err)?;
            let policy = admin::witnesses::policy(hub, community).map_err(hub_err)?;
            let listed = Listed {
                witnesses: set
                    .witnesses
                    .into_iter()
                    .map(|w| ListedWitness {
                        name: w.name,
                        key: w.vkey,
                        url: w.url,
                    })
                    .collect(),
                quorum: set.quorum,
                fingerprint: policy.map(|p| p.fingerprint()),
            };
            if out.json {
                return print_json(&listed);
            }
            for w in &listed.witnesses {
                println!("{}\t{}\t{}", w.name, w.url, w.key);
            }
            if let (Some(k), Some(f)) = (listed.quorum, &listed.fingerprint) {
                println!(
                    "{}",
                    msg(
                        "hub-witness-policy",
                        &[
                            ("quorum", (k as i64).into()),
                            ("count", (listed.witnesses.len() as i64).into()),
                            ("fingerprint", f.clone().into()),
                        ]
                    )
                );
            }
        }
    }
    Ok(())
}

/// A witness the office named that cannot be used is a refusal with its reason, not a backtrace.
fn witness_err(e: linli_hub::HubError) -> anyhow::Error {
    match e {
        linli_hub::HubError::Witness(reason) => {
            Refusal(msg("hub-witness-refused", &[("reason", reason.into())])).into()
        }
        other => hub_err(other),
    }
}
