//! The real `linli-witness` binary as a separate process: running its commands, serving on a random
//! port, killed hard.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_linli-witness");

/// Runs one `linli-witness` command and returns its standard output; panics when it fails.
pub fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("run linli-witness");
    assert!(
        out.status.success(),
        "linli-witness {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// `linli-witness serve` on a free port of 127.0.0.1.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(dir: &Path) -> Self {
        Self::start_on(dir, "127.0.0.1:0")
    }

    /// Serves on `listen`, e.g. the address a killed witness had, so the hub finds it again.
    pub fn start_on(dir: &Path, listen: &str) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--dir", dir.to_str().unwrap(), "--listen", listen])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start witness");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server { child, url }
    }

    /// SIGKILL: no chance to flush anything the witness had not committed.
    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
