//! `linli-witness`: init a witness key, add the logs it watches, serve add-checkpoint, show state.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use linli_tlog::{hash_to_base64, NoteVerifier};
use linli_witness::{server, State, Witness, WitnessKey};

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

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Init { dir, name } => {
            let signer = WitnessKey::create(&dir, &name)?;
            State::open(&dir)?;
            println!("{}", signer.verifier().to_vkey());
        }
        Command::Log {
            command: LogCommand::Add { dir, origin, vkey },
        } => {
            let verifier = NoteVerifier::from_vkey(&vkey).context("the log's verifier key")?;
            if origin.is_empty() || origin.contains('\n') {
                anyhow::bail!("the origin must be one non-empty line");
            }
            WitnessKey::load(&dir)?;
            State::open(&dir)?.add_log(&origin, &verifier.to_vkey())?;
            println!("{origin} {}", verifier.to_vkey());
        }
        Command::Serve { dir, listen } => {
            let witness = Witness {
                signer: WitnessKey::load(&dir)?,
                state: State::open(&dir)?,
            };
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            let addr = listener.local_addr()?;
            println!("listening on http://{addr}");
            let app = server::router(Arc::new(Mutex::new(witness)));
            axum::serve(listener, app).await?;
        }
        Command::Show { dir } => {
            let signer = WitnessKey::load(&dir)?;
            println!("{}", signer.verifier().to_vkey());
            for log in State::open(&dir)?.all()? {
                println!("{} {} {}", log.origin, log.size, hash_to_base64(&log.root));
            }
        }
    }
    Ok(())
}
