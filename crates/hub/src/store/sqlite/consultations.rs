//! SQL for `consultations`, `consultation_options`, `consultation_buildings` and `ballots`:
//! consultations (议事协商) and the one current ballot per voter or household.
use chrono::{DateTime, Utc};
use linli_proto::{Consultation, ConsultationOption, ResultsVisibility, VoteScope};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::changes::{self, Audience, Kind};
use super::columns::{get_opt_ts, get_ts, get_uuid, ts};
use super::{community, tlog};
use crate::domain::votes::{self, BallotWindow};
use crate::store::{
    ConsultationResults, NewConsultation, OptionTally, StoreError, StoreResult, Viewer,
};
use linli_tlog::{ballot_tag, LeafKind, OptionCount, Record};

fn scope_str(s: VoteScope) -> &'static str {
    match s {
        VoteScope::PerResident => "per_resident",
        VoteScope::PerHousehold => "per_household",
    }
}

fn scope_parse(s: &str) -> Option<VoteScope> {
    match s {
        "per_resident" => Some(VoteScope::PerResident),
        "per_household" => Some(VoteScope::PerHousehold),
        _ => None,
    }
}

fn visibility_str(v: ResultsVisibility) -> &'static str {
    match v {
        ResultsVisibility::Live => "live",
        ResultsVisibility::AfterClose => "after_close",
    }
}

fn visibility_parse(s: &str) -> Option<ResultsVisibility> {
    match s {
        "live" => Some(ResultsVisibility::Live),
        "after_close" => Some(ResultsVisibility::AfterClose),
        _ => None,
    }
}

pub fn insert(
    conn: &Connection,
    cid: Uuid,
    c: &NewConsultation,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let buildings = community::building_ids(conn, cid, &c.buildings)?;
    let id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO consultations (id, community_id, title, description, max_choices, opens_at, closes_at,
             vote_scope, results_visibility, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id.to_string(),
            cid.to_string(),
            c.title,
            c.description,
            c.max_choices,
            ts(c.opens_at),
            ts(c.closes_at),
            scope_str(c.vote_scope),
            visibility_str(c.results_visibility),
            ts(now)
        ],
    )?;
    for (i, label) in c.options.iter().enumerate() {
        conn.execute(
            "INSERT INTO consultation_options (id, consultation_id, ord, label) VALUES (?1, ?2, ?3, ?4)",
            params![Uuid::now_v7().to_string(), id.to_string(), i as i64, label],
        )?;
    }
    for b in &buildings {
        conn.execute(
            "INSERT INTO consultation_buildings (consultation_id, building_id) VALUES (?1, ?2)",
            params![id.to_string(), b.to_string()],
        )?;
    }
    changes::append_for_buildings(conn, cid, Kind::Consultation, id, &buildings, now)?;
    Ok(id)
}

/// The stored facts of a consultation, before rendering for anyone.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: Uuid,
    pub community_id: Uuid,
    pub title: String,
    pub description: String,
    pub max_choices: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub vote_scope: VoteScope,
    pub results_visibility: ResultsVisibility,
    pub buildings: Vec<Uuid>,
    pub options: Vec<(Uuid, String)>,
}

impl Row {
    pub fn window(&self) -> BallotWindow {
        BallotWindow {
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            closed_at: self.closed_at,
        }
    }
    pub fn eligible(&self, viewer: &Viewer) -> bool {
        viewer.community_id == self.community_id
            && (self.buildings.is_empty() || self.buildings.contains(&viewer.building_id))
    }
}

pub fn row(conn: &Connection, id: Uuid) -> StoreResult<Option<Row>> {
    let row = conn
        .prepare_cached(
            "SELECT community_id, title, description, max_choices, opens_at, closes_at, closed_at,
                    vote_scope, results_visibility
             FROM consultations WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok(Row {
                id,
                community_id: get_uuid(r, 0)?,
                title: r.get(1)?,
                description: r.get(2)?,
                max_choices: r.get(3)?,
                opens_at: get_ts(r, 4)?,
                closes_at: get_ts(r, 5)?,
                closed_at: get_opt_ts(r, 6)?,
                vote_scope: super::columns::get_enum(r, 7, scope_parse)?,
                results_visibility: super::columns::get_enum(r, 8, visibility_parse)?,
                buildings: Vec::new(),
                options: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut row) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT building_id FROM consultation_buildings WHERE consultation_id = ?1",
    )?;
    row.buildings = stmt
        .query_map([id.to_string()], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, label FROM consultation_options WHERE consultation_id = ?1 ORDER BY ord",
    )?;
    row.options = stmt
        .query_map([id.to_string()], |r| Ok((get_uuid(r, 0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Some(row))
}

/// Votes per option (in option order) and the number of ballots, counted by SQLite: every render of a
/// consultation (each pull of it after each vote) counts, so decoding every ballot in Rust made a
/// render cost grow with the votes cast.
fn tally(conn: &Connection, row: &Row) -> StoreResult<(Vec<i64>, i64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.value, COUNT(*) FROM ballots b, json_each(b.option_ids) j
         WHERE b.consultation_id = ?1 GROUP BY j.value",
    )?;
    let per_option: std::collections::HashMap<String, i64> = stmt
        .query_map([row.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let total: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM ballots WHERE consultation_id = ?1")?
        .query_row([row.id.to_string()], |r| r.get(0))?;
    let counts = row
        .options
        .iter()
        .map(|(oid, _)| per_option.get(&oid.to_string()).copied().unwrap_or(0))
        .collect();
    Ok((counts, total))
}

fn ballot_key(scope: VoteScope, viewer: &Viewer) -> String {
    match scope {
        VoteScope::PerResident => format!("resident:{}", viewer.resident_id),
        VoteScope::PerHousehold => format!("household:{}", viewer.household_id),
    }
}

/// The consultation as the viewer sees it; `None` when not addressed to them.
pub fn render_for(
    conn: &Connection,
    viewer: &Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<Consultation>> {
    let Some(row) = row(conn, id)? else {
        return Ok(None);
    };
    if !row.eligible(viewer) {
        return Ok(None);
    }
    let visible = votes::results_visible(
        row.results_visibility == ResultsVisibility::Live,
        &row.window(),
        now,
    );
    let (counts, total) = if visible {
        let (c, t) = tally(conn, &row)?;
        (Some(c), Some(t))
    } else {
        (None, None)
    };
    let my_vote: Option<String> = conn
        .prepare_cached(
            "SELECT option_ids FROM ballots WHERE consultation_id = ?1 AND ballot_key = ?2",
        )?
        .query_row(
            params![id.to_string(), ballot_key(row.vote_scope, viewer)],
            |r| r.get(0),
        )
        .optional()?;
    let my_vote = my_vote
        .map(|s| serde_json::from_str::<Vec<Uuid>>(&s))
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some(Consultation {
        id,
        title: row.title,
        description: row.description,
        options: row
            .options
            .iter()
            .enumerate()
            .map(|(i, (oid, label))| ConsultationOption {
                id: *oid,
                label: label.clone(),
                votes: counts.as_ref().map(|c| c[i]),
            })
            .collect(),
        max_choices: row.max_choices,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        vote_scope: row.vote_scope,
        results_visibility: row.results_visibility,
        closed_at: row.closed_at,
        my_vote,
        total_votes: total,
        tally_receipt: tally_receipt(conn, id)?,
    }))
}

/// The opened final-tally leaf of a closed consultation. (Its ballots' leaves share the record id; only
/// the tally is read, so rendering a consultation doesn't grow with its votes.)
fn tally_receipt(conn: &Connection, id: Uuid) -> StoreResult<Option<linli_proto::LogReceipt>> {
    tlog::receipt_of_kind(conn, &id.to_string(), LeafKind::TallyFinal)
}

/// Stores the viewer's (or household's) ballot, replacing an earlier one, appends its leaf to the
/// transparency log, and logs the change for the voter (or the household) at once. Everyone else learns
/// that the tally moved from [`flush_tallies`], at most once per consultation every few seconds, so a
/// burst of votes does not wake every device of the community once per vote.
/// `proxy` is set when a proxy casts it for the viewer: it then counts as the viewer's one ballot, but
/// never replaces a ballot cast in person (`proxy_own_vote_stands`); a ballot cast in person always
/// replaces a proxy's.
pub fn cast(
    conn: &Connection,
    viewer: &Viewer,
    row: &Row,
    option_ids: &[Uuid],
    op_id: Uuid,
    proxy: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if proxy.is_some() {
        let existing: Option<Option<String>> = conn
            .prepare_cached(
                "SELECT proxy_id FROM ballots WHERE consultation_id = ?1 AND ballot_key = ?2",
            )?
            .query_row(
                params![row.id.to_string(), ballot_key(row.vote_scope, viewer)],
                |r| r.get(0),
            )
            .optional()?;
        if matches!(existing, Some(None)) {
            return Err(linli_proto::ErrorCode::ProxyOwnVoteStands.into());
        }
    }
    let json = serde_json::to_string(option_ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let key = ballot_key(row.vote_scope, viewer);
    let replaces: Option<i64> = conn
        .prepare_cached(
            "SELECT log_index FROM ballots WHERE consultation_id = ?1 AND ballot_key = ?2",
        )?
        .query_row(params![row.id.to_string(), key], |r| r.get(0))
        .optional()?
        .flatten();
    let record = Record::Vote {
        v: linli_tlog::records::RECORD_VERSION,
        consultation: row.id.to_string(),
        ballot: ballot_tag(&row.id.to_string(), &key),
        options: option_ids.iter().map(Uuid::to_string).collect(),
        replaces: replaces.map(|i| i as u64),
    };
    let log_index = tlog::append(
        conn,
        row.community_id,
        &tlog::Entry {
            kind: if replaces.is_some() {
                LeafKind::VoteReplaced
            } else {
                LeafKind::VoteCast
            },
            record: &record,
            record_id: row.id.to_string(),
            op_id: Some(op_id),
        },
        now,
    )?;
    conn.prepare_cached(
        "INSERT INTO ballots (consultation_id, ballot_key, resident_id, household_id, option_ids, cast_at, log_index, proxy_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (consultation_id, ballot_key) DO UPDATE SET
             resident_id = excluded.resident_id, option_ids = excluded.option_ids, cast_at = excluded.cast_at,
             log_index = excluded.log_index, proxy_id = excluded.proxy_id",
    )?
    .execute(params![
        row.id.to_string(),
        key,
        viewer.resident_id.to_string(),
        viewer.household_id.to_string(),
        json,
        ts(now),
        log_index as i64,
        proxy.map(|p| p.to_string())
    ])?;
    let voter = match row.vote_scope {
        VoteScope::PerResident => Audience::Resident(viewer.resident_id),
        VoteScope::PerHousehold => Audience::Household(viewer.household_id),
    };
    changes::append(
        conn,
        row.community_id,
        Kind::Consultation,
        &row.id.to_string(),
        voter,
        now,
    )?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO consultation_tallies (consultation_id, moved_at) VALUES (?1, ?2)",
    )?
    .execute(params![row.id.to_string(), ts(now)])?;
    Ok(())
}

/// Logs one change for everyone each consultation is addressed to, for every consultation whose tally
/// moved since the last flush (the server calls this every [`crate::TALLY_INTERVAL`]). Returns how many.
pub fn flush_tallies(conn: &Connection, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut stmt = conn.prepare_cached("SELECT consultation_id FROM consultation_tallies")?;
    let ids: Vec<Uuid> = stmt
        .query_map([], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached("DELETE FROM consultation_tallies")?
        .execute([])?;
    for id in &ids {
        if let Some(row) = row(conn, *id)? {
            changes::append_for_buildings(
                conn,
                row.community_id,
                Kind::Consultation,
                row.id,
                &row.buildings,
                now,
            )?;
        }
    }
    Ok(ids.len())
}

/// Whether any consultation's tally moved since the last flush (a read before taking the writer).
pub fn tallies_moved(conn: &Connection) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM consultation_tallies)")?
        .query_row([], |r| r.get(0))?)
}

/// Sets `closed_at` (no-op when already closed), appends the final tally to the transparency log
/// and logs the change.
pub fn close(
    conn: &Connection,
    id: Uuid,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some(row) = row(conn, id)? else {
        return Ok(false);
    };
    if row.closed_at.is_none() {
        conn.execute(
            "UPDATE consultations SET closed_at = ?1 WHERE id = ?2",
            params![ts(at), id.to_string()],
        )?;
        log_tally(conn, &row, at, now)?;
        // The final result enters everyone's feed now; a pending live-tally change would only repeat it.
        conn.prepare_cached("DELETE FROM consultation_tallies WHERE consultation_id = ?1")?
            .execute([id.to_string()])?;
        changes::append_for_buildings(
            conn,
            row.community_id,
            Kind::Consultation,
            id,
            &row.buildings,
            now,
        )?;
    }
    Ok(true)
}

/// Logs the ballots of open consultations that were cast before the hub had a transparency log (a
/// hub upgraded mid-vote), so their final tallies count logged ballots only. Their leaves carry the
/// time of the upgrade, not of the vote. Returns how many were logged.
pub fn log_unlogged_ballots(conn: &Connection, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut stmt = conn.prepare(
        "SELECT b.consultation_id, b.ballot_key, b.option_ids, c.community_id FROM ballots b
         JOIN consultations c ON c.id = b.consultation_id
         WHERE b.log_index IS NULL AND c.closed_at IS NULL
         ORDER BY b.cast_at, b.ballot_key",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                get_uuid(r, 3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (consultation, key, options, community_id) in &rows {
        let options: Vec<Uuid> =
            serde_json::from_str(options).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let record = Record::Vote {
            v: linli_tlog::records::RECORD_VERSION,
            consultation: consultation.clone(),
            ballot: ballot_tag(consultation, key),
            options: options.iter().map(Uuid::to_string).collect(),
            replaces: None,
        };
        let index = tlog::append(
            conn,
            *community_id,
            &tlog::Entry {
                kind: LeafKind::VoteCast,
                record: &record,
                record_id: consultation.clone(),
                op_id: None,
            },
            now,
        )?;
        conn.execute(
            "UPDATE ballots SET log_index = ?1 WHERE consultation_id = ?2 AND ballot_key = ?3",
            params![index as i64, consultation, key],
        )?;
    }
    Ok(rows.len())
}

/// The final tally's leaf: votes per option, ballots, and the leaf of each ballot counted.
fn log_tally(
    conn: &Connection,
    row: &Row,
    closed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let (counts, total) = tally(conn, row)?;
    let mut stmt = conn.prepare_cached(
        "SELECT log_index FROM ballots WHERE consultation_id = ?1 AND log_index IS NOT NULL
         ORDER BY log_index",
    )?;
    let ballot_leaves = stmt
        .query_map([row.id.to_string()], |r| r.get::<_, i64>(0))?
        .map(|r| r.map(|i| i as u64))
        .collect::<Result<Vec<_>, _>>()?;
    let record = Record::Tally {
        v: linli_tlog::records::RECORD_VERSION,
        consultation: row.id.to_string(),
        closed_at_ms: closed_at.timestamp_millis(),
        options: row
            .options
            .iter()
            .zip(counts)
            .map(|((oid, _), votes)| OptionCount {
                option: oid.to_string(),
                votes: votes as u64,
            })
            .collect(),
        ballots: total as u64,
        ballot_leaves,
    };
    tlog::append(
        conn,
        row.community_id,
        &tlog::Entry {
            kind: LeafKind::TallyFinal,
            record: &record,
            record_id: row.id.to_string(),
            op_id: None,
        },
        now,
    )
}

/// Consultations past `closes_at` that nobody marked closed yet.
pub fn due(conn: &Connection, now: DateTime<Utc>) -> StoreResult<Vec<(Uuid, DateTime<Utc>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, closes_at FROM consultations WHERE closed_at IS NULL AND closes_at <= ?1",
    )?;
    let due = stmt
        .query_map([ts(now)], |r| Ok((get_uuid(r, 0)?, get_ts(r, 1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(due)
}

pub fn results(conn: &Connection, id: Uuid) -> StoreResult<Option<ConsultationResults>> {
    let Some(row) = row(conn, id)? else {
        return Ok(None);
    };
    let (counts, total) = tally(conn, &row)?;
    Ok(Some(ConsultationResults {
        id,
        title: row.title.clone(),
        description: row.description.clone(),
        max_choices: row.max_choices,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        closed_at: row.closed_at,
        vote_scope: row.vote_scope,
        results_visibility: row.results_visibility,
        buildings: community::building_names(conn, &row.buildings)?,
        options: row
            .options
            .iter()
            .zip(counts)
            .map(|((oid, label), votes)| OptionTally {
                id: *oid,
                label: label.clone(),
                votes,
            })
            .collect(),
        total_votes: total,
    }))
}

/// The community's consultations, newest first.
pub fn ids(conn: &Connection, cid: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM consultations WHERE community_id = ?1 ORDER BY created_at DESC, id DESC",
    )?;
    let ids = stmt
        .query_map([cid.to_string()], |r| get_uuid(r, 0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}
