//! Our signed checkpoints read by implementations that share no code with ours:
//! - `signed_note` (Cloudflare's port of Go's `golang.org/x/mod/sumdb/note`) for the note and
//!   `tlog_tiles::Checkpoint` for the checkpoint body;
//! - a small Python checker written from the C2SP specifications, using PyPI's
//!   `cryptography` for Ed25519 (`tests/c2sp_check.py`), run through `python3`.

use std::io::Write;
use std::process::{Command, Stdio};

use linli_tlog::{Checkpoint, MemoryLog, NoteSigner, NoteVerifier};

const ORIGIN: &str = "hub.linli.example/estate-7";

fn signed_checkpoint() -> (NoteSigner, Checkpoint, String) {
    let signer = NoteSigner::generate(ORIGIN).unwrap();
    let log = MemoryLog::from_leaves((0..37u32).map(|i| i.to_be_bytes())).unwrap();
    let mut cp = Checkpoint::new(ORIGIN, log.len(), log.root().unwrap());
    cp.extensions.push("linli-leaf-format 1".into());
    let note = cp.sign(&signer).unwrap();
    (signer, cp, note)
}

#[test]
fn go_port_verifies_our_checkpoint() {
    let (signer, cp, note) = signed_checkpoint();
    let verifier = signed_note::StandardVerifier::new(&signer.verifier().to_vkey()).unwrap();
    let parsed = signed_note::Note::from_bytes(note.as_bytes()).unwrap();
    let (verified, unverified) = parsed
        .verify(&signed_note::VerifierList::new(vec![Box::new(verifier)]))
        .unwrap();
    assert_eq!(verified.len(), 1);
    assert!(unverified.is_empty());
    assert_eq!(parsed.text(), cp.to_text().as_bytes());

    let body = tlog_tiles::Checkpoint::from_bytes(parsed.text()).unwrap();
    assert_eq!(body.origin(), ORIGIN);
    assert_eq!(body.size(), 37);
    assert_eq!(body.hash().0, cp.root);
    assert_eq!(body.extension(), "linli-leaf-format 1\n");

    // A changed byte is refused there too.
    let tampered = note.replacen("\n37\n", "\n38\n", 1);
    let verifier = signed_note::StandardVerifier::new(&signer.verifier().to_vkey()).unwrap();
    assert!(signed_note::Note::from_bytes(tampered.as_bytes())
        .unwrap()
        .verify(&signed_note::VerifierList::new(vec![Box::new(verifier)]))
        .is_err());
}

#[test]
fn we_verify_notes_and_keys_made_by_the_go_port() {
    let mut rng = ed25519_rng::SeedRng([5; 32]);
    let (skey, vkey) = signed_note::generate_key(&mut rng, ORIGIN);
    // Our parser reads the other implementation's key texts and derives the same key id.
    let ours = NoteSigner::from_skey(&skey).unwrap();
    assert_eq!(ours.verifier().to_vkey(), vkey);
    let v = NoteVerifier::from_vkey(&vkey).unwrap();

    let cp = Checkpoint::new(ORIGIN, 3, [9; 32]);
    let signer = signed_note::StandardSigner::new(&skey).unwrap();
    let mut n = signed_note::Note::new(cp.to_text().as_bytes(), &[]).unwrap();
    n.add_sigs(&[&signer]).unwrap();
    let note = String::from_utf8(n.to_bytes()).unwrap();
    assert_eq!(Checkpoint::open(&note, &v).unwrap(), cp);
    // Ed25519 is deterministic: both implementations produce the same note.
    assert_eq!(cp.sign(&ours).unwrap(), note);
}

/// A deterministic `CryptoRngCore` for the other crate's key generation (rand_core 0.6).
mod ed25519_rng {
    pub struct SeedRng(pub [u8; 32]);
    impl rand_core::RngCore for SeedRng {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for (i, b) in dest.iter_mut().enumerate() {
                *b = self.0[i % 32].wrapping_add(i as u8);
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for SeedRng {}
}

/// Runs the Python checker; `None` (with a message) when python3 or `cryptography` is
/// missing, unless LINLI_REQUIRE_PYTHON_CHECK=1 makes that a failure.
fn python_check(vkey: &str, note: &str) -> Option<(bool, String)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/c2sp_check.py");
    let required = std::env::var("LINLI_REQUIRE_PYTHON_CHECK").is_ok_and(|v| v == "1");
    let probe = Command::new("python3")
        .args(["-c", "import cryptography"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !required,
            "python3 with the PyPI package `cryptography` is required (pip install cryptography)"
        );
        eprintln!(
            "SKIPPED independent Python check of the C2SP note: python3 or its `cryptography` \
             package is missing (pip install cryptography)"
        );
        return None;
    }
    let mut child = Command::new("python3")
        .arg(script)
        .arg(vkey)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(note.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = if out.status.success() {
        String::from_utf8(out.stdout).unwrap()
    } else {
        String::from_utf8(out.stderr).unwrap()
    };
    Some((out.status.success(), text.trim().to_owned()))
}

#[test]
fn python_implementation_verifies_our_checkpoint() {
    let (signer, cp, note) = signed_checkpoint();
    let vkey = signer.verifier().to_vkey();
    let Some((ok, out)) = python_check(&vkey, &note) else {
        return;
    };
    assert!(ok, "python checker refused our checkpoint: {out}");
    assert_eq!(out, format!("{ORIGIN} 37 {}", hex::encode(cp.root)));

    // And it is a real check: it refuses a tampered note and another key.
    let (ok, out) = python_check(&vkey, &note.replacen("\n37\n", "\n38\n", 1)).unwrap();
    assert!(!ok && out.contains("bad signature"), "{out}");
    let other = NoteSigner::generate(ORIGIN).unwrap().verifier().to_vkey();
    let (ok, out) = python_check(&other, &note).unwrap();
    assert!(!ok && out.contains("key id mismatch"), "{out}");
}
