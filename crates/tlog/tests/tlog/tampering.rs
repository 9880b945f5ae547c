//! Tampering scenarios: a hub whose records are changed, deleted or rewritten (even with a
//! re-signed checkpoint) is caught by a device that had seen an earlier checkpoint, by a
//! device's receipt, and by an auditor recomputing the tree from the leaves.

use linli_tlog::{
    audit, commit, prove_consistency, prove_inclusion, tree_root, AuditError, Checkpoint, Leaf,
    LeafKind, MemoryLog, NoteSigner, Salt, Verifier, VerifyError,
};

const ORIGIN: &str = "hub.linli.example/estate-7";

/// A hub as the test sees it: the signing key and the list of leaves its database holds.
struct Hub {
    signer: NoteSigner,
    leaves: Vec<Leaf>,
}

fn vote(i: u64, choice: &str) -> Leaf {
    let record = format!("{{\"consultation\":\"c1\",\"voter\":\"v{i}\",\"choice\":\"{choice}\"}}");
    let salt = Salt([i as u8; 32]);
    Leaf {
        kind: LeafKind::VoteCast,
        time_ms: 1_764_000_000_000 + i as i64 * 1000,
        commitment: commit(record.as_bytes(), &salt),
    }
}

impl Hub {
    fn new(n: u64) -> Self {
        Hub {
            signer: NoteSigner::from_seed(ORIGIN, [42; 32]).unwrap(),
            leaves: (0..n).map(|i| vote(i, "yes")).collect(),
        }
    }

    fn log(&self) -> MemoryLog {
        MemoryLog::from_leaves(self.leaves.iter().map(|l| l.to_bytes())).unwrap()
    }

    /// The signed checkpoint of the current log, as the hub's API would serve it.
    fn checkpoint(&self) -> String {
        let log = self.log();
        Checkpoint::new(ORIGIN, log.len(), log.root().unwrap())
            .sign(&self.signer)
            .unwrap()
    }

    fn consistency(&self, old: u64) -> Vec<[u8; 32]> {
        let log = self.log();
        prove_consistency(&log, old, log.len()).unwrap()
    }

    fn inclusion(&self, index: u64) -> Vec<[u8; 32]> {
        let log = self.log();
        prove_inclusion(&log, log.len(), index).unwrap()
    }

    fn grow(&mut self, by: u64) {
        let start = self.leaves.len() as u64;
        self.leaves
            .extend((start..start + by).map(|i| vote(i, "no")));
    }
}

fn device(hub: &Hub) -> Verifier {
    let mut v = Verifier::new(hub.signer.verifier(), ORIGIN);
    v.accept_checkpoint(&hub.checkpoint(), &[]).unwrap();
    v
}

#[test]
fn honest_growth_after_a_week_offline_is_accepted_and_receipts_verify() {
    let mut hub = Hub::new(10);
    let mut dev = device(&hub);
    let my_vote = hub.leaves[3];
    // A week of activity while the device is offline.
    hub.grow(500);
    let proof = hub.consistency(10);
    let cp = dev
        .accept_checkpoint(&hub.checkpoint(), &proof)
        .unwrap()
        .clone();
    assert_eq!(cp.size, 510);
    dev.verify_inclusion(&my_vote, 3, &hub.inclusion(3), &cp)
        .unwrap();
    // A receipt for a leaf appended after the latest checkpoint waits for a newer one.
    hub.grow(1);
    let newest = hub.leaves[510];
    assert_eq!(
        dev.verify_inclusion(&newest, 510, &[], &cp),
        Err(VerifyError::NotYetCovered {
            index: 510,
            size: 510
        })
    );
    let cp = dev
        .accept_checkpoint(&hub.checkpoint(), &hub.consistency(510))
        .unwrap()
        .clone();
    dev.verify_inclusion(&newest, 510, &hub.inclusion(510), &cp)
        .unwrap();
    // The same checkpoint again is fine (no proof needed for the same tree).
    dev.accept_checkpoint(&hub.checkpoint(), &[]).unwrap();
}

#[test]
fn changed_vote_with_resigned_checkpoint_is_refused() {
    let honest = Hub::new(10);
    let mut dev = device(&honest);

    // The operator edits vote 3 in the database and rebuilds and re-signs the log.
    let mut forged = Hub::new(10);
    forged.leaves[3] = vote(3, "no");
    assert_eq!(
        dev.accept_checkpoint(&forged.checkpoint(), &[]),
        Err(VerifyError::Fork { size: 10 })
    );

    // ...and hides it behind new leaves. No proof, forged or honest, makes it consistent.
    forged.grow(2);
    let mut honest_grown = Hub::new(10);
    honest_grown.grow(2);
    for proof in [forged.consistency(10), honest_grown.consistency(10), vec![]] {
        assert_eq!(
            dev.accept_checkpoint(&forged.checkpoint(), &proof),
            Err(VerifyError::Inconsistent { old: 10, new: 12 })
        );
    }
    // The device still holds the honest checkpoint.
    assert_eq!(dev.latest().unwrap().size, 10);
}

#[test]
fn deleted_leaf_is_refused() {
    let honest = Hub::new(10);
    let mut dev = device(&honest);
    let mut forged = Hub::new(10);
    forged.leaves.remove(3);
    assert_eq!(
        dev.accept_checkpoint(&forged.checkpoint(), &[]),
        Err(VerifyError::Rollback {
            seen: 10,
            offered: 9
        })
    );
    forged.grow(3);
    assert_eq!(
        dev.accept_checkpoint(&forged.checkpoint(), &forged.consistency(10)),
        Err(VerifyError::Inconsistent { old: 10, new: 12 })
    );
}

#[test]
fn receipt_catches_a_changed_or_deleted_record_even_on_a_new_device() {
    let honest = Hub::new(10);
    let my_vote = honest.leaves[3];

    // A device that joined after the edit trusts the forged log's first checkpoint, but the
    // receipt it kept from the honest hub (same resident, restored from backup) fails.
    let mut changed = Hub::new(10);
    changed.leaves[3] = vote(3, "no");
    let dev = device(&changed);
    let cp = dev.latest().unwrap().clone();
    assert_eq!(
        dev.verify_inclusion(&my_vote, 3, &changed.inclusion(3), &cp),
        Err(VerifyError::NotIncluded { index: 3, size: 10 })
    );

    let mut deleted = Hub::new(10);
    deleted.leaves.remove(3);
    let dev = device(&deleted);
    let cp = dev.latest().unwrap().clone();
    assert_eq!(
        dev.verify_inclusion(&my_vote, 3, &deleted.inclusion(3), &cp),
        Err(VerifyError::NotIncluded { index: 3, size: 9 })
    );
}

#[test]
fn auditor_recomputing_from_leaves_catches_an_edited_database() {
    // The hub's leaf table is edited, its stored hashes and checkpoint are not: whoever
    // downloads the leaves and recomputes the root sees the mismatch.
    let hub = Hub::new(50);
    let signed = Checkpoint::open(&hub.checkpoint(), &hub.signer.verifier()).unwrap();
    let mut served = hub.leaves.clone();
    served[17] = vote(17, "no");
    let recomputed = MemoryLog::from_leaves(served.iter().map(|l| l.to_bytes())).unwrap();
    assert_ne!(tree_root(&recomputed, 50).unwrap(), signed.root);
    let untouched = hub.log();
    assert_eq!(tree_root(&untouched, 50).unwrap(), signed.root);
}

#[test]
fn wrong_key_wrong_origin_and_stale_checkpoints_are_refused() {
    let hub = Hub::new(5);
    let mut dev = device(&hub);

    let impostor = NoteSigner::from_seed(ORIGIN, [7; 32]).unwrap();
    let mut bigger = Hub::new(6);
    bigger.signer = impostor;
    assert!(matches!(
        dev.accept_checkpoint(&bigger.checkpoint(), &[]),
        Err(VerifyError::Checkpoint(_))
    ));

    let other_log = Checkpoint::new("hub.linli.example/other", 5, hub.log().root().unwrap())
        .sign(&hub.signer)
        .unwrap();
    assert!(matches!(
        dev.accept_checkpoint(&other_log, &[]),
        Err(VerifyError::WrongOrigin { .. })
    ));

    // Receipts are checked against the latest accepted checkpoint only.
    let mut stale = dev.latest().unwrap().clone();
    stale.size = 4;
    assert_eq!(
        dev.verify_inclusion(&hub.leaves[0], 0, &hub.inclusion(0), &stale),
        Err(VerifyError::NotLatest)
    );
    assert_eq!(
        Verifier::new(hub.signer.verifier(), ORIGIN).verify_inclusion(
            &hub.leaves[0],
            0,
            &[],
            &stale
        ),
        Err(VerifyError::NoCheckpoint)
    );
}

#[test]
fn resumed_verifier_keeps_refusing_rollback() {
    let mut hub = Hub::new(8);
    let dev = device(&hub);
    let saved = dev.latest_note().unwrap().to_owned();
    hub.grow(4);
    let mut dev = Verifier::resume(hub.signer.verifier(), ORIGIN, &saved).unwrap();
    dev.accept_checkpoint(&hub.checkpoint(), &hub.consistency(8))
        .unwrap();
    let old = Hub::new(8).checkpoint();
    assert_eq!(
        dev.accept_checkpoint(&old, &[]),
        Err(VerifyError::Rollback {
            seen: 12,
            offered: 8
        })
    );
    // A tampered persisted note is not resumed from.
    let tampered = saved.replacen("\n8\n", "\n9\n", 1);
    assert!(Verifier::resume(hub.signer.verifier(), ORIGIN, &tampered).is_err());
}

#[test]
fn auditor_accepts_the_honest_log_and_catches_every_edit() {
    let mut hub = Hub::new(20);
    let key = hub.signer.verifier();
    let early = hub.checkpoint();
    hub.grow(10);
    let late = hub.checkpoint();
    let bytes = |leaves: &[Leaf]| leaves.iter().map(|l| l.to_bytes()).collect::<Vec<_>>();

    let report = audit(&key, ORIGIN, bytes(&hub.leaves), &[&late, &early]).unwrap();
    assert_eq!(report.leaves.len(), 30);
    assert_eq!(report.counts[&LeafKind::VoteCast], 30);
    assert_eq!(
        report
            .checkpoints
            .iter()
            .map(|c| c.size)
            .collect::<Vec<_>>(),
        vec![20, 30]
    );

    // A vote edited in the database: both checkpoints that cover it fail.
    let mut edited = hub.leaves.clone();
    edited[4] = vote(4, "no");
    assert!(matches!(
        audit(&key, ORIGIN, bytes(&edited), &[&early, &late]),
        Err(AuditError::RootMismatch { index: 0, size: 20 })
    ));
    // An edit after the early checkpoint is still caught by the late one.
    let mut edited = hub.leaves.clone();
    edited[25] = vote(25, "yes");
    assert!(matches!(
        audit(&key, ORIGIN, bytes(&edited), &[&early, &late]),
        Err(AuditError::RootMismatch { index: 1, size: 30 })
    ));
    // A deleted leaf.
    let mut deleted = hub.leaves.clone();
    deleted.remove(7);
    assert!(matches!(
        audit(&key, ORIGIN, bytes(&deleted), &[&early, &late]),
        Err(AuditError::RootMismatch { index: 0, .. })
    ));
    assert!(matches!(
        audit(&key, ORIGIN, bytes(&deleted), &[&late]),
        Err(AuditError::MissingLeaves {
            size: 30,
            served: 29,
            ..
        })
    ));
    // History rewritten and re-signed: the new checkpoint matches the new leaves, but the
    // early checkpoint a device kept does not.
    let mut forged = Hub::new(20);
    forged.leaves[4] = vote(4, "no");
    forged.grow(10);
    let forged_cp = forged.checkpoint();
    assert!(audit(&key, ORIGIN, bytes(&forged.leaves), &[&forged_cp]).is_ok());
    assert!(matches!(
        audit(&key, ORIGIN, bytes(&forged.leaves), &[&forged_cp, &early]),
        Err(AuditError::RootMismatch { index: 1, size: 20 })
    ));
    // Garbage leaves and foreign checkpoints are refused.
    assert!(matches!(
        audit(&key, ORIGIN, [vec![9u8; 42]], &[]),
        Err(AuditError::Leaf { index: 0, .. })
    ));
    let stranger = NoteSigner::from_seed(ORIGIN, [1; 32]).unwrap().verifier();
    assert!(matches!(
        audit(&stranger, ORIGIN, bytes(&hub.leaves), &[&late]),
        Err(AuditError::Checkpoint { index: 0, .. })
    ));
}
