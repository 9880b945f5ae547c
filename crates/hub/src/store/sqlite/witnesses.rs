//! SQL of `log_witnesses`, `log_cosignatures` and the communities' `witness_quorum`.
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

use super::columns::{get_ts, get_uuid, ts};
use super::SqliteStore;
use crate::store::witnesses::{WitnessRow, WitnessSet, WitnessStore};
use crate::store::StoreResult;

impl WitnessStore for SqliteStore {
    fn witnesses(&self, community: Uuid) -> StoreResult<WitnessSet> {
        self.read(|c| {
            let quorum: Option<Option<i64>> = c
                .prepare_cached("SELECT witness_quorum FROM communities WHERE id = ?1")?
                .query_row([community.to_string()], |r| r.get(0))
                .optional()?;
            let mut stmt = c.prepare_cached(
                "SELECT name, vkey, url, added_at FROM log_witnesses WHERE community_id = ?1
                 ORDER BY name",
            )?;
            let witnesses = stmt
                .query_map([community.to_string()], |r| {
                    Ok(WitnessRow {
                        name: r.get(0)?,
                        vkey: r.get(1)?,
                        url: r.get(2)?,
                        added_at: get_ts(r, 3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(WitnessSet {
                witnesses,
                quorum: quorum.flatten().map(|q| q.max(0) as usize),
            })
        })
    }

    fn put_witness(&self, community: Uuid, row: &WitnessRow) -> StoreResult<()> {
        self.write(|c| {
            c.prepare_cached(
                "INSERT INTO log_witnesses (community_id, name, vkey, url, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (community_id, name) DO UPDATE SET vkey = excluded.vkey, url = excluded.url",
            )?
            .execute(params![
                community.to_string(),
                row.name,
                row.vkey,
                row.url,
                ts(row.added_at)
            ])?;
            Ok(())
        })
    }

    fn remove_witness(&self, community: Uuid, name: &str) -> StoreResult<bool> {
        self.write(|c| {
            let n = c
                .prepare_cached("DELETE FROM log_witnesses WHERE community_id = ?1 AND name = ?2")?
                .execute(params![community.to_string(), name])?;
            c.prepare_cached(
                "UPDATE communities SET witness_quorum =
                    NULLIF(MIN(COALESCE(witness_quorum, 0),
                        (SELECT COUNT(*) FROM log_witnesses WHERE community_id = ?1)), 0)
                 WHERE id = ?1",
            )?
            .execute([community.to_string()])?;
            Ok(n > 0)
        })
    }

    fn set_witness_quorum(&self, community: Uuid, quorum: usize) -> StoreResult<()> {
        self.write(|c| {
            let n = c
                .prepare_cached("UPDATE communities SET witness_quorum = ?2 WHERE id = ?1")?
                .execute(params![community.to_string(), quorum as i64])?;
            if n == 0 {
                return Err(linli_proto::ErrorCode::CommunityNotFound.into());
            }
            Ok(())
        })
    }

    fn witnessed_communities(&self) -> StoreResult<Vec<Uuid>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT community_id FROM log_witnesses ORDER BY community_id",
            )?;
            let ids = stmt
                .query_map([], |r| get_uuid(r, 0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ids)
        })
    }

    fn cosignatures(&self, community: Uuid, size: u64) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT line FROM log_cosignatures WHERE community_id = ?1 AND size = ?2
                 ORDER BY vkey",
            )?;
            let lines = stmt
                .query_map(params![community.to_string(), size as i64], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(lines)
        })
    }

    fn witness_size(&self, community: Uuid, vkey: &str) -> StoreResult<u64> {
        self.read(|c| {
            let size: Option<i64> = c
                .prepare_cached(
                    "SELECT MAX(size) FROM log_cosignatures WHERE community_id = ?1 AND vkey = ?2",
                )?
                .query_row(params![community.to_string(), vkey], |r| r.get(0))?;
            Ok(size.unwrap_or(0).max(0) as u64)
        })
    }

    fn put_cosignature(
        &self,
        community: Uuid,
        size: u64,
        vkey: &str,
        line: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| {
            c.prepare_cached(
                "INSERT INTO log_cosignatures (community_id, size, vkey, line, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (community_id, size, vkey) DO UPDATE SET line = excluded.line,
                    received_at = excluded.received_at",
            )?
            .execute(params![
                community.to_string(),
                size as i64,
                vkey,
                line,
                ts(now)
            ])?;
            Ok(())
        })
    }
}
