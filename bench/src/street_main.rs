//! `linli-street-bench`: a street of communities on one hub, thousands of devices on `/v1/events`, and what a
//! notice and a burst of votes in one community cost (figures in README.md). `./dev bench-street` builds
//! the release binaries and runs it; `worker` is how it starts its own load processes.
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "linli-street-bench")]
struct Args {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    /// Small sizes (seconds): the smoke test's configuration.
    #[arg(long)]
    tiny: bool,
    /// Connected devices per run, comma-separated (default 2000,10000,18000).
    #[arg(long, value_delimiter = ',')]
    devices: Option<Vec<usize>>,
    /// Seconds of the vote burst (default 60).
    #[arg(long)]
    burst_secs: Option<u64>,
    /// The `linli-hub` binary; default: beside this one.
    #[arg(long)]
    hub: Option<PathBuf>,
    /// Where the JSON goes.
    #[arg(long, default_value = "target/bench/street.json")]
    out: PathBuf,
}

#[derive(Subcommand)]
enum Cmd {
    /// One load process (started by the benchmark itself).
    Worker {
        #[arg(long)]
        url: String,
        #[arg(long)]
        tokens: PathBuf,
        #[arg(long)]
        from: usize,
        #[arg(long)]
        to: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(Cmd::Worker {
        url,
        tokens,
        from,
        to,
    }) = args.cmd
    {
        return linli_bench::street::worker::serve(url, tokens, from, to).await;
    }
    let exe = std::env::current_exe()?;
    let hub = match args.hub {
        Some(p) => p,
        None => exe
            .parent()
            .map(|d| d.join("linli-hub"))
            .ok_or_else(|| anyhow::anyhow!("no directory for the linli-hub binary"))?,
    };
    let mut cfg = if args.tiny {
        linli_bench::street::Config::tiny(hub, exe)
    } else {
        linli_bench::street::Config::full(hub, exe)
    };
    if let Some(d) = args.devices {
        cfg.device_counts = d;
    }
    if let Some(s) = args.burst_secs {
        cfg.burst_secs = s;
    }
    let report = linli_bench::street::run(&cfg).await?;
    println!("{}", report.table());
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("[street] JSON: {}", args.out.display());
    Ok(())
}
