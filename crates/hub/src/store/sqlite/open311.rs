//! SQL for `open311_keys`, `open311_intake` and `report_sources` (migration 12): the keys city systems
//! call with, the community's intake household that reports from them belong to, and where each such
//! report came from. Reads of reports by a key go to the access log here, in the read's transaction.
use chrono::{DateTime, Utc};
use linli_proto::{Address, Category, ErrorCode, LatLon, ReportStatus, Satisfaction};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::{get_enum, get_opt_enum, get_opt_ts, get_ts, get_uuid, ts};
use super::dispatch::STEP_KINDS;
use super::reports::{self, NewReport};
use super::{staff, SqliteStore};
use crate::store::open311::{
    ApiKey, ExternalCase, KeyScope, NewExternalReport, Open311Store, RequestQuery, ServiceRequest,
};
use crate::store::{Staff, StoreResult};

/// The name of each community's intake building: a placeholder (sort -1) that is never an address.
const INTAKE_BUILDING: &str = "12345/Open311";

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: get_uuid(r, 0)?,
        name: r.get(1)?,
        scope: get_enum(r, 2, KeyScope::parse)?,
        source: r.get(3)?,
        created_at: get_ts(r, 4)?,
        revoked_at: get_opt_ts(r, 5)?,
    })
}

const KEY_SELECT: &str = "SELECT id, name, scope, source, created_at, revoked_at FROM open311_keys";

/// The mark of the cases imported from the hotline's own file (`admin hotline import`): a key row
/// whose hash is no sha256 (so no secret ever matches it), revoked from the start (so it is never
/// live and takes no name), with the source `12345` so an import and a POST of the same 工单编号
/// find each other.
const IMPORT_KEY_HASH: &str = "file-import:12345";
const IMPORT_KEY_NAME: &str = "12345工单导入";

fn import_key(c: &Connection, now: DateTime<Utc>) -> StoreResult<ApiKey> {
    let found = c
        .prepare_cached(&format!("{KEY_SELECT} WHERE key_hash = ?1"))?
        .query_row([IMPORT_KEY_HASH], key_row)
        .optional()?;
    if let Some(k) = found {
        return Ok(k);
    }
    let key = ApiKey {
        id: Uuid::now_v7(),
        name: IMPORT_KEY_NAME.to_owned(),
        scope: KeyScope::Write,
        source: "12345".to_owned(),
        created_at: now,
        revoked_at: Some(now),
    };
    c.execute(
        "INSERT INTO open311_keys (id, name, key_hash, scope, source, created_at, revoked_at)
         VALUES (?1, ?2, ?3, 'write', '12345', ?4, ?4)",
        params![key.id.to_string(), key.name, IMPORT_KEY_HASH, ts(now)],
    )?;
    Ok(key)
}

/// The community's intake household and resident, created the first time a city system sends one.
fn intake(c: &Connection, community: Uuid, now: DateTime<Utc>) -> StoreResult<(Uuid, Uuid)> {
    let found = c
        .prepare_cached(
            "SELECT household_id, resident_id FROM open311_intake WHERE community_id = ?1",
        )?
        .query_row([community.to_string()], |r| {
            Ok((get_uuid(r, 0)?, get_uuid(r, 1)?))
        })
        .optional()?;
    if let Some(ids) = found {
        return Ok(ids);
    }
    let (building, household, resident) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    c.execute(
        "INSERT INTO buildings (id, community_id, name, sort) VALUES (?1, ?2, ?3, -1)",
        params![building.to_string(), community.to_string(), INTAKE_BUILDING],
    )?;
    c.execute(
        "INSERT INTO households (id, building_id, unit, room, sort) VALUES (?1, ?2, '', '', -1)",
        params![household.to_string(), building.to_string()],
    )?;
    c.execute(
        "INSERT INTO residents (id, household_id, created_at) VALUES (?1, ?2, ?3)",
        params![resident.to_string(), household.to_string(), ts(now)],
    )?;
    c.execute(
        "INSERT INTO open311_intake (community_id, building_id, household_id, resident_id)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            community.to_string(),
            building.to_string(),
            household.to_string(),
            resident.to_string()
        ],
    )?;
    Ok((household, resident))
}

pub fn external_case(c: &Connection, report: Uuid) -> StoreResult<Option<ExternalCase>> {
    Ok(c.prepare_cached(
        "SELECT s.source, s.external_id, k.name, s.hotline_deadline, s.hotline_category
             FROM report_sources s JOIN open311_keys k ON k.id = s.key_id WHERE s.report_id = ?1",
    )?
    .query_row([report.to_string()], |r| {
        Ok(ExternalCase {
            source: r.get(0)?,
            external_id: r.get(1)?,
            key_name: r.get(2)?,
            hotline_deadline: get_opt_ts(r, 3)?,
            hotline_category: r.get(4)?,
        })
    })
    .optional()?)
}

/// The hotline's deadline of a report, if a city system set one (the default of a dispatch).
pub fn hotline_deadline(c: &Connection, report: Uuid) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(
        c.prepare_cached("SELECT hotline_deadline FROM report_sources WHERE report_id = ?1")?
            .query_row([report.to_string()], |r| get_opt_ts(r, 0))
            .optional()?
            .flatten(),
    )
}

/// The row a city system reads, with the report's resident (for the access log).
fn service_request(c: &Connection, id: Uuid) -> StoreResult<Option<(ServiceRequest, Uuid)>> {
    let row = c
        .prepare_cached(
            "SELECT r.category, COALESCE(k.name_zh, r.category), r.status, r.created_at,
                    (SELECT MAX(at) FROM report_events e WHERE e.report_id = r.id), r.deadline,
                    r.addr_building, r.text, r.lat, r.lon, r.resident_id, c.name, st.name,
                    s.report_id IS NOT NULL, r.resolved_at, r.rating
             FROM reports r
             JOIN communities c ON c.id = r.community_id
             LEFT JOIN categories k ON k.community_id = r.community_id AND k.key = r.category
             LEFT JOIN staff st ON st.id = r.assignee_id
             LEFT JOIN report_sources s ON s.report_id = r.id
             WHERE r.id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            let external: bool = r.get(13)?;
            let lat: Option<f64> = r.get(8)?;
            let lon: Option<f64> = r.get(9)?;
            let community_name: String = r.get(11)?;
            let assignee: Option<String> = r.get(12)?;
            let requested = get_ts(r, 3)?;
            Ok((
                ServiceRequest {
                    id,
                    category: r.get(0)?,
                    category_name: r.get(1)?,
                    status: get_enum(r, 2, ReportStatus::parse)?,
                    status_notes: None,
                    agency_responsible: assignee.unwrap_or_else(|| community_name.clone()),
                    // A resident's own words may name them or give a phone number: only the
                    // caller's own description goes back out.
                    description: if external { r.get(7)? } else { None },
                    requested,
                    updated: get_opt_ts(r, 4)?.unwrap_or(requested),
                    expected: get_opt_ts(r, 5)?,
                    building: r.get(6)?,
                    location: if external {
                        lat.zip(lon).map(|(lat, lon)| LatLon { lat, lon })
                    } else {
                        None
                    },
                    community_name,
                    external: None,
                    resolved: get_opt_ts(r, 14)?,
                    satisfaction: get_opt_enum(r, 15, Satisfaction::parse)?,
                },
                get_uuid(r, 10)?,
            ))
        })
        .optional()?;
    let Some((mut req, resident)) = row else {
        return Ok(None);
    };
    req.status_notes = c
        .prepare_cached(&format!(
            "SELECT text FROM report_events
             WHERE report_id = ?1 AND actor = 'staff' AND text IS NOT NULL AND kind NOT IN {STEP_KINDS}
             ORDER BY ord DESC LIMIT 1"
        ))?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    req.external = external_case(c, id)?;
    if req.expected.is_none() {
        req.expected = req.external.as_ref().and_then(|e| e.hotline_deadline);
    }
    Ok(Some((req, resident)))
}

/// Ids of the community's reports the query names, newest first.
fn matching(c: &Connection, q: &RequestQuery) -> StoreResult<Vec<Uuid>> {
    let wanted = |category: &str, status: ReportStatus| {
        (q.categories.is_empty() || q.categories.iter().any(|k| k == category))
            && (q.statuses.is_empty() || q.statuses.contains(&status))
    };
    let mut out = Vec::new();
    if !q.ids.is_empty() {
        let mut stmt = c.prepare_cached(
            "SELECT category, status FROM reports WHERE id = ?1 AND community_id = ?2",
        )?;
        for id in &q.ids {
            let found = stmt
                .query_row(params![id.to_string(), q.community.to_string()], |r| {
                    Ok((r.get::<_, String>(0)?, get_enum(r, 1, ReportStatus::parse)?))
                })
                .optional()?;
            if found.is_some() && !out.contains(id) {
                out.push(*id);
            }
        }
        return Ok(out);
    }
    let mut stmt = c.prepare_cached(
        "SELECT id, category, status FROM reports
         WHERE community_id = ?1 AND created_at >= ?2 AND created_at <= ?3
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt.query_map(
        params![q.community.to_string(), ts(q.from), ts(q.to)],
        |r| {
            Ok((
                get_uuid(r, 0)?,
                r.get::<_, String>(1)?,
                get_enum(r, 2, ReportStatus::parse)?,
            ))
        },
    )?;
    for row in rows {
        let (id, category, status) = row?;
        if wanted(&category, status) {
            out.push(id);
            if out.len() >= q.limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Creates one report from a city system, or finds the one created earlier with the same caller's id.
fn create_external(
    c: &Connection,
    r: &NewExternalReport<'_>,
    now: DateTime<Utc>,
) -> StoreResult<(Uuid, bool)> {
    if let Some(ext) = r.external_id {
        let earlier = c
            .prepare_cached(
                "SELECT report_id FROM report_sources
         WHERE community_id = ?1 AND source = ?2 AND external_id = ?3",
            )?
            .query_row(params![r.community.to_string(), r.key.source, ext], |row| {
                get_uuid(row, 0)
            })
            .optional()?;
        if let Some(id) = earlier {
            return Ok((id, false));
        }
    }
    if super::community::category(c, r.community, r.category)?.is_none() {
        return Err(ErrorCode::ServiceNotFound.into());
    }
    let (household, resident) = intake(c, r.community, now)?;
    let id = Uuid::now_v7();
    let address = Address {
        building: r.building.clone(),
        unit: None,
        room: None,
        text: r.address_text.clone(),
    };
    reports::insert(
        c,
        &NewReport {
            id,
            community_id: r.community,
            household_id: household,
            resident_id: resident,
            category: r.category,
            text: r.text,
            address: &address,
            location: r.location,
            photos: &[],
            created_at: now,
            proxy: None,
        },
        now,
    )?;
    if let Some(d) = r.hotline_deadline {
        c.prepare_cached("UPDATE reports SET deadline = ?1 WHERE id = ?2")?
            .execute(params![ts(d), id.to_string()])?;
    }
    c.prepare_cached(
        "INSERT INTO report_sources (report_id, community_id, key_id, source, external_id,
     hotline_deadline, hotline_category, received_at)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id.to_string(),
        r.community.to_string(),
        r.key.id.to_string(),
        r.key.source,
        r.external_id,
        r.hotline_deadline.map(ts),
        r.hotline_category,
        ts(now),
    ])?;
    Ok((id, true))
}

impl Open311Store for SqliteStore {
    fn add_api_key(
        &self,
        name: &str,
        key_hash: &str,
        scope: KeyScope,
        source: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiKey> {
        self.write(|c| {
            let taken: bool = c
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM open311_keys WHERE name = ?1 AND revoked_at IS NULL)",
                )?
                .query_row([name], |r| r.get(0))?;
            if taken {
                return Err(ErrorCode::ApiKeyNameTaken.into());
            }
            let key = ApiKey {
                id: Uuid::now_v7(),
                name: name.to_owned(),
                scope,
                source: source.to_owned(),
                created_at: now,
                revoked_at: None,
            };
            c.execute(
                "INSERT INTO open311_keys (id, name, key_hash, scope, source, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    key.id.to_string(),
                    name,
                    key_hash,
                    scope.as_str(),
                    source,
                    ts(now)
                ],
            )?;
            Ok(key)
        })
    }

    fn api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{KEY_SELECT} WHERE key_hash <> ?1 ORDER BY created_at, id"
            ))?;
            let rows = stmt.query_map([IMPORT_KEY_HASH], key_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn revoke_api_key(&self, name: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|c| {
            Ok(c.execute(
                "UPDATE open311_keys SET revoked_at = ?1 WHERE name = ?2 AND revoked_at IS NULL",
                params![ts(now), name],
            )? > 0)
        })
    }

    fn api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKey>> {
        self.read_one(|c| {
            Ok(c.prepare_cached(&format!(
                "{KEY_SELECT} WHERE key_hash = ?1 AND revoked_at IS NULL"
            ))?
            .query_row([key_hash], key_row)
            .optional()?)
        })
    }

    fn services(&self, community: Uuid) -> StoreResult<Vec<Category>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT key, name_zh, name_en, icon, sort FROM categories WHERE community_id = ?1
                 ORDER BY sort, key",
            )?;
            let rows = stmt.query_map([community.to_string()], |r| {
                Ok(Category {
                    key: r.get(0)?,
                    name_zh: r.get(1)?,
                    name_en: r.get(2)?,
                    icon: r.get(3)?,
                    sort: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn log_key_read(
        &self,
        key: &ApiKey,
        community: Uuid,
        action: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| staff::log_key(c, community, key.id, action, None, now))
    }

    fn service_requests(
        &self,
        key: &ApiKey,
        q: &RequestQuery,
        action: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRequest>> {
        self.write(|c| {
            let mut out = Vec::new();
            for id in matching(c, q)? {
                if let Some((req, resident)) = service_request(c, id)? {
                    staff::log_key(c, q.community, key.id, action, Some((id, resident)), now)?;
                    out.push(req);
                }
            }
            if out.is_empty() {
                staff::log_key(c, q.community, key.id, action, None, now)?;
            }
            Ok(out)
        })
    }

    fn create_external_reports(
        &self,
        cases: &[NewExternalReport<'_>],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Uuid, bool)>> {
        self.write(|c| cases.iter().map(|r| create_external(c, r, now)).collect())
    }

    fn hotline_results(
        &self,
        community: Uuid,
        since: DateTime<Utc>,
        staff: Option<&Staff>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRequest>> {
        self.write(|c| {
            let ids = c
                .prepare_cached(
                    "SELECT report_id FROM report_sources WHERE community_id = ?1 AND received_at >= ?2
                     ORDER BY received_at, report_id",
                )?
                .query_map(params![community.to_string(), ts(since)], |r| get_uuid(r, 0))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some((req, _)) = service_request(c, id)? {
                    out.push(req);
                }
            }
            if let Some(s) = staff {
                staff::log(
                    c,
                    &staff::Access {
                        community_id: community,
                        staff: Some(s),
                        action: "hotline_export",
                        record_kind: None,
                        record_id: None,
                        resident_id: None,
                    },
                    now,
                )?;
            }
            Ok(out)
        })
    }

    fn hotline_import_key(&self, now: DateTime<Utc>) -> StoreResult<ApiKey> {
        self.write(|c| import_key(c, now))
    }

    fn external_case(&self, report: Uuid) -> StoreResult<Option<ExternalCase>> {
        self.read(|c| external_case(c, report))
    }
}
