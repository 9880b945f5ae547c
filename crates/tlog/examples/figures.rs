//! Measures what the transparency log costs: appending leaves, tree heads, proof generation
//! and verification, checkpoint signing and opening.
//! Run: `cargo run -p linli-tlog --release --example figures [leaves]`.

use std::time::Instant;

use linli_tlog::{
    commit, prove_consistency, prove_inclusion, tree_root, verify_consistency, verify_inclusion,
    Checkpoint, Leaf, LeafKind, MemoryLog, NoteSigner, Salt,
};

fn per_second(count: u64, start: Instant) -> String {
    let secs = start.elapsed().as_secs_f64();
    format!(
        "{:>10.0}/s  ({:.2} µs each)",
        count as f64 / secs,
        secs * 1e6 / count as f64
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);

    let start = Instant::now();
    let mut log = MemoryLog::new();
    for i in 0..n {
        let leaf = Leaf {
            kind: LeafKind::VoteCast,
            time_ms: i as i64,
            commitment: commit(&i.to_be_bytes(), &Salt([7; 32])),
        };
        log.append(&leaf.to_bytes())?;
    }
    println!("append leaf (commit + hashes)  {}", per_second(n, start));

    let start = Instant::now();
    let rounds = 10_000;
    for i in 0..rounds {
        tree_root(&log, n - i % n)?;
    }
    println!(
        "tree head                      {}",
        per_second(rounds, start)
    );

    let root = log.root()?;
    let start = Instant::now();
    let mut proofs = Vec::new();
    for i in 0..rounds {
        let index = (i * 7919) % n;
        proofs.push((index, prove_inclusion(&log, n, index)?));
    }
    println!(
        "inclusion proof                {}",
        per_second(rounds, start)
    );
    let start = Instant::now();
    for (index, proof) in &proofs {
        let leaf = linli_tlog::leaf_hash(log.leaf(*index).ok_or("missing leaf")?);
        verify_inclusion(&leaf, *index, n, proof, &root)?;
    }
    println!(
        "verify inclusion               {}",
        per_second(rounds, start)
    );

    let start = Instant::now();
    let mut cproofs = Vec::new();
    for i in 0..rounds {
        let old = 1 + (i * 104_729) % n;
        cproofs.push((old, prove_consistency(&log, old, n)?));
    }
    println!(
        "consistency proof              {}",
        per_second(rounds, start)
    );
    let start = Instant::now();
    for (old, proof) in cproofs.iter().take(1000) {
        verify_consistency(*old, &tree_root(&log, *old)?, n, &root, proof)?;
    }
    println!("verify consistency (+old root) {}", per_second(1000, start));

    let signer = NoteSigner::from_seed("hub.linli.example/estate-7", [1; 32])?;
    let cp = Checkpoint::new(signer.name(), n, root);
    let start = Instant::now();
    let mut note = String::new();
    for _ in 0..1000 {
        note = cp.sign(&signer)?;
    }
    println!("sign checkpoint                {}", per_second(1000, start));
    let v = signer.verifier();
    let start = Instant::now();
    for _ in 0..1000 {
        Checkpoint::open(&note, &v)?;
    }
    println!("open checkpoint                {}", per_second(1000, start));
    let longest = proofs.iter().map(|(_, p)| p.len()).max().unwrap_or(0);
    println!(
        "leaves {n}, longest inclusion proof {longest} hashes ({} bytes)",
        longest * 32
    );
    Ok(())
}
