//! `linli-witness`: init a witness key, add the logs it watches, serve add-checkpoint, show state.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use linli_i18n::{message_args, Arg, Lang};
use linli_tlog::{hash_to_base64, NoteVerifier};
use linli_witness::{server, KeyError, State, Witness, WitnessKey};

#[derive(Parser)]
#[command(name = "linli-witness", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the witness key in DIR and print its public key.
    Init {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        name: String,
    },
    /// Manage the logs this witness cosigns.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Serve POST /add-checkpoint.
    Serve {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:7380")]
        listen: String,
    },
    /// Print the witness key and each log's last cosigned size and root.
    Show {
        #[arg(long)]
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Add a log by its origin and the log's verifier key (or replace its key).
    Add {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        origin: String,
        #[arg(long)]
        vkey: String,
    },
}

fn msg(id: &str, args: &[(&str, Arg)]) -> String {
    message_args(Lang::from_env(), id, args)
}

/// A refusal with its message in the user's language.
#[derive(Debug)]
struct Said(String);

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Said {}

fn said(id: &str, args: &[(&str, Arg)]) -> anyhow::Error {
    Said(msg(id, args)).into()
}

fn key_err(e: KeyError) -> anyhow::Error {
    let detail = e.to_string();
    match e {
        KeyError::Exists(p) => said(
            "witness-key-exists",
            &[("path", p.display().to_string().into())],
        ),
        _ => said("witness-key-unreadable", &[("detail", detail.into())]),
    }
}

fn state_err(e: linli_witness::StateError) -> anyhow::Error {
    said("witness-state-failed", &[("detail", e.to_string().into())])
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Said>() {
                Some(s) => eprintln!("{s}"),
                None => eprintln!(
                    "{}",
                    msg("witness-failed", &[("detail", format!("{e:#}").into())])
                ),
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    match Cli::parse().command {
        Command::Init { dir, name } => {
            let signer = WitnessKey::create(&dir, &name).map_err(key_err)?;
            State::open(&dir).map_err(state_err)?;
            eprintln!(
                "{}",
                msg(
                    "witness-created",
                    &[("dir", dir.display().to_string().into())]
                )
            );
            println!("{}", signer.verifier().to_vkey());
        }
        Command::Log {
            command: LogCommand::Add { dir, origin, vkey },
        } => {
            let verifier = NoteVerifier::from_vkey(&vkey)
                .map_err(|e| said("witness-bad-log-key", &[("detail", e.to_string().into())]))?;
            if origin.is_empty() || origin.contains('\n') {
                return Err(said("witness-bad-origin", &[]));
            }
            WitnessKey::load(&dir).map_err(key_err)?;
            State::open(&dir)
                .and_then(|s| s.add_log(&origin, &verifier.to_vkey()))
                .map_err(state_err)?;
            eprintln!(
                "{}",
                msg("witness-log-added", &[("origin", origin.clone().into())])
            );
            println!("{origin} {}", verifier.to_vkey());
        }
        Command::Serve { dir, listen } => {
            let witness = Witness {
                signer: WitnessKey::load(&dir).map_err(key_err)?,
                state: State::open(&dir).map_err(state_err)?,
            };
            let listener = tokio::net::TcpListener::bind(&listen).await.map_err(|e| {
                said(
                    "witness-listen-failed",
                    &[
                        ("addr", listen.clone().into()),
                        ("detail", e.to_string().into()),
                    ],
                )
            })?;
            let addr = listener.local_addr()?;
            // The first line of standard output stays machine-readable: supervisors and tests read it.
            println!("listening on http://{addr}");
            eprintln!(
                "{}",
                msg(
                    "witness-serving",
                    &[("url", format!("http://{addr}").into())]
                )
            );
            let app = server::router(Arc::new(Mutex::new(witness)));
            axum::serve(listener, app).await?;
        }
        Command::Show { dir } => {
            let signer = WitnessKey::load(&dir).map_err(key_err)?;
            println!("{}", signer.verifier().to_vkey());
            for log in State::open(&dir).and_then(|s| s.all()).map_err(state_err)? {
                println!("{} {} {}", log.origin, log.size, hash_to_base64(&log.root));
            }
        }
    }
    Ok(())
}
