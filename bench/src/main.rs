//! `linli-bench`: Linli's sync beside PouchDB 9 ↔ pouchdb-server and the machine's limits (issue 7). Prints
//! Markdown tables (medians, spreads, ratios) and writes JSON. `./dev bench-compare` builds everything and
//! runs it inside a keychain session.
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "linli-bench")]
struct Args {
    /// Runs per scenario.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Small sizes (seconds): the smoke test's configuration.
    #[arg(long)]
    tiny: bool,
    /// Notice counts of the scale curve, comma-separated.
    #[arg(long, value_delimiter = ',')]
    scale: Option<Vec<usize>>,
    /// The `linli` binary; default: beside this one.
    #[arg(long)]
    linli: Option<PathBuf>,
    /// bench/pouchdb with node_modules installed.
    #[arg(long)]
    pouchdb: Option<PathBuf>,
    /// Only these parts: linli, pouchdb, ingest (comma-separated).
    #[arg(long, value_delimiter = ',')]
    only: Option<Vec<String>>,
    /// Where the JSON goes.
    #[arg(long, default_value = "target/bench/results.json")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let linli = match args.linli {
        Some(p) => p,
        None => std::env::current_exe()?
            .parent()
            .map(|d| d.join("linli"))
            .ok_or_else(|| anyhow::anyhow!("no directory for the linli binary"))?,
    };
    let mut cfg = if args.tiny {
        linli_bench::Config::tiny(linli)
    } else {
        linli_bench::Config::full(linli)
    };
    cfg.runs = args.runs;
    if let Some(s) = args.scale {
        cfg.scale = s;
    }
    if let Some(parts) = args.only {
        cfg.parts = parts;
    }
    if let Some(p) = args.pouchdb {
        cfg.pouch_dir = p;
    }
    let report = linli_bench::run(&cfg).await?;
    println!("{}", report.table());
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("[bench] JSON: {}", args.out.display());
    Ok(())
}
