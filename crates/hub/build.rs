//! Embeds the staff console (console/dist, built by `npm run build` in console/) into the hub binary:
//! writes `$OUT_DIR/console_files.rs`, a list of (path, bytes) pairs. When console/dist is missing the
//! list is empty and the hub serves a page saying the console was not built, so the hub still builds
//! on a machine without Node.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, root, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, path.clone()));
        }
    }
    Ok(())
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let dist = manifest.join("../../console/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    if dist.is_dir() {
        walk(&dist, &dist, &mut files).expect("reading console/dist");
    }
    files.sort();
    let mut code = String::from("&[\n");
    for (rel, path) in &files {
        let abs = path.canonicalize().expect("console file path");
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?}).as_slice()),",
            abs.display()
        )
        .expect("writing to a String");
    }
    code.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("console_files.rs");
    std::fs::write(out, code).expect("writing console_files.rs");
}
