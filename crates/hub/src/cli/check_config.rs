//! `linli-hub check-config`: merges the configuration as `serve` would, checks what can be checked
//! without serving (the data and backup directories are writable, the TLS files load, the metrics
//! are not on the residents' port), and prints the effective configuration as TOML, each line
//! saying where its value came from. The configuration holds no secrets (the TLS key is a path).
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::config::{self, Layer, ServeConfig};
use super::{msg, Refusal};

pub fn run(file: Option<PathBuf>, flags: Layer) -> anyhow::Result<()> {
    let cfg = config::load(file, flags)?;
    print!("{}", effective(&cfg));
    std::io::stdout().flush()?;
    let problems = problems(&cfg);
    if problems.is_empty() {
        eprintln!("{}", msg("hub-config-ok", &[]));
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    Err(Refusal(msg(
        "hub-config-problems",
        &[("count", (problems.len() as i64).into())],
    ))
    .into())
}

/// The effective configuration as a TOML file (it parses back as one).
pub fn effective(cfg: &ServeConfig) -> String {
    let mut out = format!("# {}\n", msg("hub-config-header", &[]));
    out += &match &cfg.file {
        Some(p) => format!(
            "# {}\n",
            msg(
                "hub-config-file",
                &[("path", p.display().to_string().into())]
            )
        ),
        None => format!("# {}\n", msg("hub-config-no-file", &[])),
    };
    for (key, value) in cfg.entries() {
        let source = cfg.source(key).describe();
        out += &match value {
            Some(v) => format!("{key} = {v}  # {source}\n"),
            None => format!("# {key}: {}\n", msg("hub-config-unset", &[])),
        };
    }
    out
}

/// What would stop `serve` from starting or working, each in the user's language.
pub fn problems(cfg: &ServeConfig) -> Vec<String> {
    let mut found = Vec::new();
    let mut dir = |d: &Path| {
        if let Err(reason) = writable_dir(d) {
            found.push(msg(
                "hub-config-dir-unwritable",
                &[
                    ("dir", d.display().to_string().into()),
                    ("reason", reason.into()),
                ],
            ));
        }
    };
    dir(&cfg.data_dir);
    if let Some(b) = &cfg.backup_dir {
        dir(b);
    }
    if let Some((cert, key)) = &cfg.tls {
        if let Err(e) = linli_hub::tls::server_config(cert, key) {
            found.push(msg(
                "hub-config-tls-unusable",
                &[("reason", e.to_string().into())],
            ));
        }
    }
    if let Some(m) = cfg.metrics_listen {
        if same_port(m, cfg.listen) {
            found.push(msg(
                "hub-config-metrics-on-residents-port",
                &[("addr", m.to_string().into())],
            ));
        }
    }
    found
}

fn same_port(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port()
        && a.port() != 0
        && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

/// Whether the hub could write in `dir`: an existing directory takes a probe file; a missing one
/// is fine when its nearest existing ancestor does (the hub creates it).
fn writable_dir(dir: &Path) -> Result<(), String> {
    let mut at = dir;
    while !at.exists() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => {
                at = Path::new(".");
                break;
            }
        }
    }
    if !at.is_dir() {
        return Err(msg(
            "hub-config-not-a-dir",
            &[("path", at.display().to_string().into())],
        ));
    }
    let probe = at.join(format!(".linli-check-config-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_the_residents_port_is_caught_but_another_port_is_not() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(same_port(a("0.0.0.0:8787"), a("127.0.0.1:8787")));
        assert!(same_port(a("127.0.0.1:8787"), a("127.0.0.1:8787")));
        assert!(!same_port(a("127.0.0.1:9100"), a("127.0.0.1:8787")));
        assert!(!same_port(a("127.0.0.2:8787"), a("127.0.0.1:8787")));
    }

    #[test]
    fn a_missing_directory_is_writable_when_its_parent_is() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(writable_dir(&tmp.path().join("a/b")).is_ok());
        std::fs::write(tmp.path().join("file"), b"x").unwrap();
        assert!(writable_dir(&tmp.path().join("file")).is_err());
        assert!(writable_dir(&tmp.path().join("file/below")).is_err());
        // The probe leaves nothing behind.
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
