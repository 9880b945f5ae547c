//! SQL for the transparency logs, one per community, each table keyed by (community, index):
//! `log_leaves` (the public leaves), `log_hashes` (the tlog "stored hashes": leaf hashes and
//! complete-subtree roots, so every head and proof takes O(log n) reads), `log_openings` (the salt and
//! record bytes behind each commitment: private, handed only to the record's owner, or to everyone for
//! final tallies) and `log_checkpoints` (every signed head).
//!
//! A leaf is appended in the transaction of the record it commits to, so either both exist or neither.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, LogReceipt};
use linli_tlog::{
    commit, hashes_to_append, new_salt, Checkpoint, Hash, HashStore, Leaf, LeafKind, NoteSigner,
    Record, Salt, StoreError as TreeStoreError,
};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::ts;
use crate::store::{StoreError, StoreResult};

/// The stored hashes of one community's log, read through the caller's connection (and transaction).
pub struct Hashes<'a>(pub &'a Connection, pub Uuid);

impl HashStore for Hashes<'_> {
    fn leaf_count(&self) -> Result<u64, TreeStoreError> {
        size(self.0, self.1).map_err(|e| TreeStoreError(e.to_string()))
    }

    fn stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TreeStoreError> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT hash FROM log_hashes WHERE community_id = ?1 AND idx = ?2")
            .map_err(|e| TreeStoreError(e.to_string()))?;
        let community = self.1.to_string();
        indexes
            .iter()
            .map(|&i| {
                let blob: Vec<u8> = stmt
                    .query_row(params![community, i as i64], |r| r.get(0))
                    .map_err(|e| TreeStoreError(format!("stored hash {i}: {e}")))?;
                Hash::try_from(blob.as_slice())
                    .map_err(|_| TreeStoreError(format!("stored hash {i} is not 32 bytes")))
            })
            .collect()
    }
}

fn tree_err(e: linli_tlog::TreeError) -> StoreError {
    StoreError::Corrupt(format!("transparency log: {e}"))
}

/// Number of leaves in the community's log.
pub fn size(conn: &Connection, community: Uuid) -> StoreResult<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves WHERE community_id = ?1")?
        .query_row([community.to_string()], |r| r.get(0))?;
    Ok(n as u64)
}

/// What a new leaf commits to and what it is about.
pub struct Entry<'a> {
    pub kind: LeafKind,
    pub record: &'a Record,
    /// The consultation, ballot, report event, … the leaf is about (for finding its receipt).
    pub record_id: String,
    /// The op that caused it, if a device pushed it (retries answer the same receipt).
    pub op_id: Option<Uuid>,
}

/// Appends a leaf for `entry` to the community's log at the hub's time `now`; returns its index. Call
/// inside the record's write transaction.
pub fn append(
    conn: &Connection,
    community: Uuid,
    entry: &Entry<'_>,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    if !entry.record.fits(entry.kind) {
        return Err(StoreError::Corrupt(format!(
            "a {:?} leaf cannot commit to this record",
            entry.kind
        )));
    }
    let salt = new_salt().map_err(|e| StoreError::Corrupt(format!("random source: {e}")))?;
    let bytes = entry.record.to_bytes();
    let leaf = Leaf {
        kind: entry.kind,
        time_ms: now.timestamp_millis(),
        commitment: commit(&bytes, &salt),
    };
    let leaf_bytes = leaf.to_bytes();
    let hashes = Hashes(conn, community);
    let index = size(conn, community)?;
    let rows = hashes_to_append(&hashes, index, &leaf_bytes).map_err(tree_err)?;
    let cid = community.to_string();
    conn.prepare_cached("INSERT INTO log_leaves (community_id, idx, leaf) VALUES (?1, ?2, ?3)")?
        .execute(params![cid, index as i64, leaf_bytes.as_slice()])?;
    let mut stmt = conn
        .prepare_cached("INSERT INTO log_hashes (community_id, idx, hash) VALUES (?1, ?2, ?3)")?;
    for (at, hash) in rows {
        stmt.execute(params![cid, at as i64, hash.as_slice()])?;
    }
    conn.prepare_cached(
        "INSERT INTO log_openings (community_id, idx, kind, record_id, op_id, salt, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        cid,
        index as i64,
        kind_str(entry.kind),
        entry.record_id,
        entry.op_id.map(|u| u.to_string()),
        salt.0.as_slice(),
        String::from_utf8_lossy(&bytes),
    ])?;
    Ok(index)
}

fn kind_str(k: LeafKind) -> &'static str {
    match k {
        LeafKind::VoteCast => "vote_cast",
        LeafKind::VoteReplaced => "vote_replaced",
        LeafKind::TallyFinal => "tally_final",
        LeafKind::ReportStatus => "report_status",
        LeafKind::ReportReply => "report_reply",
        LeafKind::ProxyGrant => "proxy_grant",
    }
}

/// A receipt as stored: index, kind, salt, record, leaf bytes.
type ReceiptRow = (i64, String, Vec<u8>, String, Vec<u8>);

fn receipt_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceiptRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_receipt((idx, kind, salt, record, leaf): ReceiptRow) -> StoreResult<LogReceipt> {
    let leaf =
        Leaf::from_bytes(&leaf).map_err(|e| StoreError::Corrupt(format!("leaf {idx}: {e}")))?;
    let salt: [u8; 32] = salt
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("salt of leaf {idx}")))?;
    Ok(LogReceipt {
        index: idx as u64,
        kind,
        time_ms: leaf.time_ms,
        salt: Salt(salt).to_hex(),
        record,
    })
}

const RECEIPT_SELECT: &str = "SELECT o.idx, o.kind, o.salt, o.record, l.leaf
     FROM log_openings o JOIN log_leaves l ON l.community_id = o.community_id AND l.idx = o.idx";

/// The receipt of leaf `index` of the community's log.
pub fn receipt(conn: &Connection, community: Uuid, index: u64) -> StoreResult<Option<LogReceipt>> {
    conn.prepare_cached(&format!(
        "{RECEIPT_SELECT} WHERE o.community_id = ?1 AND o.idx = ?2"
    ))?
    .query_row(params![community.to_string(), index as i64], receipt_row)
    .optional()?
    .map(to_receipt)
    .transpose()
}

/// The leaf an op wrote, if any.
pub fn index_for_op(conn: &Connection, op_id: Uuid) -> StoreResult<Option<u64>> {
    Ok(conn
        .prepare_cached("SELECT idx FROM log_openings WHERE op_id = ?1")?
        .query_row([op_id.to_string()], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|i| i as u64))
}

/// Receipts of every leaf about `record_id` of `kind`, oldest first.
pub fn receipts_for(conn: &Connection, record_id: &str) -> StoreResult<Vec<LogReceipt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{RECEIPT_SELECT} WHERE o.record_id = ?1 ORDER BY o.idx"
    ))?;
    let rows = stmt
        .query_map([record_id], receipt_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_receipt).collect()
}

/// The first receipt of a `kind` leaf about `record_id`.
pub fn receipt_of_kind(
    conn: &Connection,
    record_id: &str,
    kind: LeafKind,
) -> StoreResult<Option<LogReceipt>> {
    conn.prepare_cached(&format!(
        "{RECEIPT_SELECT} WHERE o.record_id = ?1 AND o.kind = ?2 ORDER BY o.idx LIMIT 1"
    ))?
    .query_row(params![record_id, kind_str(kind)], receipt_row)
    .optional()?
    .map(to_receipt)
    .transpose()
}

/// Every final tally of the community's log, opened: consultation results are public to the
/// community once closed, and an auditor needs them to check what each tally counted.
pub fn tallies(conn: &Connection, community: Uuid) -> StoreResult<Vec<LogReceipt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{RECEIPT_SELECT} WHERE o.community_id = ?1 AND o.kind = 'tally_final' ORDER BY o.idx"
    ))?;
    let rows = stmt
        .query_map([community.to_string()], receipt_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_receipt).collect()
}

/// Every vote leaf of the community's log, opened, oldest first.
pub fn vote_openings(conn: &Connection, community: Uuid) -> StoreResult<Vec<LogReceipt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{RECEIPT_SELECT} WHERE o.community_id = ?1 AND o.kind IN ('vote_cast', 'vote_replaced')
         ORDER BY o.idx"
    ))?;
    let rows = stmt
        .query_map([community.to_string()], receipt_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_receipt).collect()
}

/// Leaf bytes of `start..end` (clamped to the log).
pub fn leaves(
    conn: &Connection,
    community: Uuid,
    start: u64,
    end: u64,
) -> StoreResult<Vec<Vec<u8>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT leaf FROM log_leaves WHERE community_id = ?1 AND idx >= ?2 AND idx < ?3 ORDER BY idx",
    )?;
    let rows = stmt
        .query_map(
            params![community.to_string(), start as i64, end as i64],
            |r| r.get(0),
        )?
        .collect::<Result<Vec<Vec<u8>>, _>>()?;
    Ok(rows)
}

/// The newest signed checkpoint.
pub fn latest_checkpoint(conn: &Connection, community: Uuid) -> StoreResult<Option<(u64, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT size, note FROM log_checkpoints WHERE community_id = ?1
             ORDER BY size DESC LIMIT 1",
        )?
        .query_row([community.to_string()], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()?)
}

/// The origin line of the community's log. The community a hub held before it held a street keeps the
/// key's name (its devices pinned that; stored as NULL); every other community's log is the key's name
/// and the community's id (stored is the id part, since the store never holds the key).
pub fn origin(conn: &Connection, community: Uuid, signer: &NoteSigner) -> StoreResult<String> {
    let stored: Option<Option<String>> = conn
        .prepare_cached("SELECT log_origin FROM communities WHERE id = ?1")?
        .query_row([community.to_string()], |r| r.get(0))
        .optional()?;
    match stored {
        None => Err(ErrorCode::NotFound.into()),
        Some(Some(suffix)) => Ok(format!("{}/{suffix}", signer.name())),
        Some(None) => Ok(signer.name().to_owned()),
    }
}

/// The stored checkpoint of the community's log when it covers the whole log and `signer` signed it.
pub fn current_checkpoint(
    conn: &Connection,
    community: Uuid,
    signer: &NoteSigner,
) -> StoreResult<Option<String>> {
    let size = size(conn, community)?;
    Ok(latest_checkpoint(conn, community)?
        .filter(|(s, note)| *s == size && signer.verifier().open(note).is_ok())
        .map(|(_, note)| note))
}

/// Signs the head of the community's log and keeps it (once per size).
pub fn sign_head(
    conn: &Connection,
    community: Uuid,
    signer: &NoteSigner,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let n = size(conn, community)?;
    let root = linli_tlog::tree_root(&Hashes(conn, community), n).map_err(tree_err)?;
    let note = Checkpoint::new(origin(conn, community, signer)?, n, root)
        .sign(signer)
        .map_err(|e| StoreError::Corrupt(format!("signing a checkpoint: {e}")))?;
    conn.prepare_cached(
        "INSERT INTO log_checkpoints (community_id, size, note, signed_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (community_id, size) DO UPDATE SET note = excluded.note, signed_at = excluded.signed_at",
    )?
    .execute(params![community.to_string(), n as i64, note, ts(now)])?;
    Ok(note)
}

impl super::SqliteStore {
    /// See [`crate::store::Store::log_checkpoint`]: the stored one when it is current, else signed now.
    pub(super) fn checkpoint(
        &self,
        log: Uuid,
        signer: &linli_tlog::NoteSigner,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        if let Some(note) = self.read(|c| current_checkpoint(c, log, signer))? {
            return Ok(note);
        }
        self.write(|c| match current_checkpoint(c, log, signer)? {
            Some(note) => Ok(note),
            None => sign_head(c, log, signer, now),
        })
    }
}

fn check_range(conn: &Connection, community: Uuid, size_asked: u64) -> StoreResult<()> {
    if size_asked > size(conn, community)? {
        return Err(ErrorCode::NotFound.into());
    }
    Ok(())
}

/// Inclusion proof of leaf `index` in the tree of `size` leaves.
pub fn inclusion(conn: &Connection, log: Uuid, size: u64, index: u64) -> StoreResult<Vec<Hash>> {
    check_range(conn, log, size)?;
    if index >= size {
        return Err(ErrorCode::BadRequest.into());
    }
    linli_tlog::prove_inclusion(&Hashes(conn, log), size, index).map_err(tree_err)
}

/// Inclusion proofs of several leaves in the tree of `size` leaves. The proofs of leaves near each
/// other share most of their hashes, so each stored hash is read once for the whole batch.
pub fn inclusions(
    conn: &Connection,
    log: Uuid,
    size: u64,
    indices: &[u64],
) -> StoreResult<Vec<Vec<Hash>>> {
    check_range(conn, log, size)?;
    if indices.iter().any(|&i| i >= size) {
        return Err(ErrorCode::BadRequest.into());
    }
    let hashes = CachedHashes {
        store: Hashes(conn, log),
        seen: Default::default(),
    };
    indices
        .iter()
        .map(|&i| linli_tlog::prove_inclusion(&hashes, size, i).map_err(tree_err))
        .collect()
}

/// One proof for leaves `indices` (strictly increasing) in the tree of `size` leaves.
pub fn leaves_proof(
    conn: &Connection,
    log: Uuid,
    size: u64,
    indices: &[u64],
) -> StoreResult<Vec<Hash>> {
    check_range(conn, log, size)?;
    if !linli_tlog::multiproof::provable(indices, size) {
        return Err(ErrorCode::BadRequest.into());
    }
    linli_tlog::prove_leaves(&Hashes(conn, log), size, indices).map_err(tree_err)
}

/// [`Hashes`] that remembers what it read, for a batch of proofs.
struct CachedHashes<'a> {
    store: Hashes<'a>,
    seen: std::cell::RefCell<std::collections::HashMap<u64, Hash>>,
}

impl HashStore for CachedHashes<'_> {
    fn leaf_count(&self) -> Result<u64, TreeStoreError> {
        self.store.leaf_count()
    }

    fn stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TreeStoreError> {
        let missing: Vec<u64> = {
            let seen = self.seen.borrow();
            indexes
                .iter()
                .copied()
                .filter(|i| !seen.contains_key(i))
                .collect()
        };
        let read = self.store.stored_hashes(&missing)?;
        let mut seen = self.seen.borrow_mut();
        seen.extend(missing.into_iter().zip(read));
        indexes
            .iter()
            .map(|i| {
                seen.get(i)
                    .copied()
                    .ok_or_else(|| TreeStoreError(format!("stored hash {i} not read")))
            })
            .collect()
    }
}

/// Consistency proof from the tree of `old` leaves to the tree of `new` leaves.
pub fn consistency(conn: &Connection, log: Uuid, old: u64, new: u64) -> StoreResult<Vec<Hash>> {
    check_range(conn, log, new)?;
    if old > new {
        return Err(ErrorCode::BadRequest.into());
    }
    linli_tlog::prove_consistency(&Hashes(conn, log), old, new).map_err(tree_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The community whose log the tests write.
    const C: Uuid = Uuid::from_u128(0x0195c0de_0000_7000_8000_0000000000c0);
    const C_SQL: &str = "INSERT INTO communities (id, name, phone, hours, created_at)
        VALUES ('0195c0de-0000-7000-8000-0000000000c0', 'c', '', '', '2026-01-01T00:00:00.000000Z');";

    #[test]
    fn ballots_cast_before_the_log_existed_are_logged_once_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.db");
        {
            // A database at schema 2 with a ballot in an open consultation and one in a closed one.
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
            for sql in &super::super::migrations::MIGRATIONS[..2] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute_batch(C_SQL).unwrap();
            conn.execute_batch(
                "INSERT INTO consultations (id, community_id, title, description, max_choices, opens_at,
                     closes_at, vote_scope, results_visibility, closed_at, created_at)
                 VALUES ('c-open', '0195c0de-0000-7000-8000-0000000000c0', 't', '', 1, '2026-01-01T00:00:00.000000Z', '2099-01-01T00:00:00.000000Z',
                         'per_resident', 'live', NULL, '2026-01-01T00:00:00.000000Z'),
                        ('c-closed', '0195c0de-0000-7000-8000-0000000000c0', 't', '', 1, '2026-01-01T00:00:00.000000Z', '2026-02-01T00:00:00.000000Z',
                         'per_resident', 'live', '2026-02-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z');
                 INSERT INTO ballots (consultation_id, ballot_key, resident_id, household_id, option_ids, cast_at)
                 VALUES ('c-open', 'resident:r1', 'r1', 'h1', '[\"0195c0de-0000-7000-8000-000000000002\"]', '2026-01-02T00:00:00.000000Z'),
                        ('c-closed', 'resident:r1', 'r1', 'h1', '[\"0195c0de-0000-7000-8000-000000000002\"]', '2026-01-02T00:00:00.000000Z');",
            )
            .unwrap();
        }
        for _ in 0..2 {
            drop(super::super::SqliteStore::open(&path).unwrap());
        }
        let conn = Connection::open(&path).unwrap();
        assert_eq!(size(&conn, C).unwrap(), 1);
        let idx: Option<i64> = conn
            .query_row(
                "SELECT log_index FROM ballots WHERE consultation_id = 'c-open'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(idx, Some(0));
        let r = receipt(&conn, C, 0).unwrap().unwrap();
        assert!(r.record.contains("c-open"), "{}", r.record);
    }

    #[test]
    fn sqlite_store_matches_the_reference_log() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        conn.execute_batch(C_SQL).unwrap();
        let now = Utc::now();
        for i in 0..37u32 {
            let record = Record::ReportReply {
                v: 1,
                report: format!("r{i}"),
                event: format!("e{i}"),
                text: "ok".into(),
            };
            let idx = append(
                &conn,
                C,
                &Entry {
                    kind: LeafKind::ReportReply,
                    record: &record,
                    record_id: format!("e{i}"),
                    op_id: None,
                },
                now,
            )
            .unwrap();
            assert_eq!(idx, i as u64);
        }
        let leaves = leaves(&conn, C, 0, 100).unwrap();
        assert_eq!(leaves.len(), 37);
        linli_tlog::conformance::check_store(&Hashes(&conn, C), &leaves).unwrap();
        // Every receipt opens its leaf.
        let r = receipt(&conn, C, 5).unwrap().unwrap();
        let leaf = Leaf::from_bytes(&leaves[5]).unwrap();
        let salt = Salt::from_hex(&r.salt).unwrap();
        assert!(linli_tlog::verify_opening(
            &leaf.commitment,
            r.record.as_bytes(),
            &salt
        ));
        assert_eq!(receipts_for(&conn, "e5").unwrap(), vec![r]);
        // Proofs in a batch are the proofs one by one, in the order asked.
        for size in [1, 16, 37] {
            let asked: Vec<u64> = (0..size).rev().chain([0, size / 2]).collect();
            let batch = inclusions(&conn, C, size, &asked).unwrap();
            for (i, proof) in asked.iter().zip(batch) {
                assert_eq!(
                    proof,
                    inclusion(&conn, C, size, *i).unwrap(),
                    "leaf {i} of {size}"
                );
            }
        }
        assert!(inclusions(&conn, C, 37, &[3, 37]).is_err());
        // A record that does not fit the leaf kind is refused.
        let wrong = Entry {
            kind: LeafKind::VoteCast,
            record: &Record::ReportReply {
                v: 1,
                report: "r".into(),
                event: "e".into(),
                text: String::new(),
            },
            record_id: "e".into(),
            op_id: None,
        };
        assert!(append(&conn, C, &wrong, now).is_err());
    }
}
