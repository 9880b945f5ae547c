//! The copy of a resident's data (个人信息副本): everything the hub holds about one resident, gathered
//! section by section in one read transaction. Each section is a function in [`SECTIONS`]; a feature that
//! stores more about residents adds its section there, and the export test's scan finds any table it
//! forgot.
use rusqlite::Connection;
use serde_json::{json, Value};
use uuid::Uuid;

use super::columns::get_uuid;
use super::{community, reports};
use crate::store::{StoreResult, Viewer};

/// One section of the export: its name (the JSON file's name in the zip) and how to gather it.
pub type Section = (&'static str, fn(&Connection, &Viewer) -> StoreResult<Value>);

/// Every section, in the order they appear in the zip.
pub const SECTIONS: &[Section] = &[
    ("profile", profile),
    ("devices", devices),
    ("reports", own_reports),
    ("entries_on_household_reports", entries_on_others_reports),
    ("votes", votes),
    ("notice_reads", notice_reads),
    ("consents", consents),
    ("proxy_grants", proxy_grants),
    ("proxy_acts", proxy_acts),
];

/// Grants the resident gave (亲友代办 for them) or holds (acting for others), with their state now.
fn proxy_grants(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let grants = super::proxies::grants_of(conn, viewer.resident_id, chrono::Utc::now())?;
    serde_json::to_value(grants).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))
}

/// Acts proxies did for the resident, and acts the resident did for others.
fn proxy_acts(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let for_me = super::proxies::acts_for(conn, viewer.resident_id)?;
    let by_me = super::proxies::acts_by(conn, viewer.resident_id)?;
    let json =
        |v| serde_json::to_value(v).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()));
    Ok(json!({ "done_for_me": json(for_me)?, "done_by_me": json(by_me)? }))
}

fn profile(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let created_at: String = conn
        .prepare_cached("SELECT created_at FROM residents WHERE id = ?1")?
        .query_row([viewer.resident_id.to_string()], |r| r.get(0))?;
    let household = community::household(conn, viewer.household_id)?;
    let community = community::community(conn, viewer.community_id)?;
    Ok(json!({
        "resident_id": viewer.resident_id,
        "joined_at": created_at,
        "household": household,
        "community": community.map(|c| json!({"id": c.id, "name": c.name})),
    }))
}

fn devices(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, created_at, last_seen_at, revoked_at FROM devices
         WHERE resident_id = ?1 ORDER BY created_at",
    )?;
    let rows = stmt.query_map([viewer.resident_id.to_string()], |r| {
        Ok(json!({
            "id": r.get::<_, String>(0)?,
            "name": r.get::<_, Option<String>>(1)?,
            "created_at": r.get::<_, String>(2)?,
            "last_seen_at": r.get::<_, Option<String>>(3)?,
            "revoked_at": r.get::<_, Option<String>>(4)?,
        }))
    })?;
    Ok(Value::Array(rows.collect::<Result<_, _>>()?))
}

/// Ids of the reports this resident made.
pub fn report_ids(conn: &Connection, resident_id: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM reports WHERE resident_id = ?1 ORDER BY received_at")?;
    let rows = stmt.query_map([resident_id.to_string()], |r| get_uuid(r, 0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The resident's reports with their photos (by sha256), comments, ratings and whole timeline.
fn own_reports(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let mut out = Vec::new();
    for id in report_ids(conn, viewer.resident_id)? {
        if let Some((report, _)) = reports::render(conn, id)? {
            let rating: Option<String> = conn
                .prepare_cached("SELECT rating FROM reports WHERE id = ?1")?
                .query_row([id.to_string()], |r| r.get(0))?;
            let mut v = serde_json::to_value(&report)
                .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
            v["rating"] = json!(rating);
            // A housemate's comment on this report is theirs, not this resident's: its text stays out.
            let others: Vec<String> = conn
                .prepare_cached(
                    "SELECT id FROM report_events WHERE report_id = ?1
                       AND author_id IS NOT NULL AND author_id != ?2",
                )?
                .query_map([id.to_string(), viewer.resident_id.to_string()], |r| {
                    r.get(0)
                })?
                .collect::<Result<_, _>>()?;
            if let Some(events) = v["events"].as_array_mut() {
                for e in events {
                    if e["id"]
                        .as_str()
                        .is_some_and(|i| others.iter().any(|o| o == i))
                    {
                        e["text"] = Value::Null;
                        e["by_housemate"] = Value::Bool(true);
                    }
                }
            }
            out.push(v);
        }
    }
    Ok(Value::Array(out))
}

/// What the resident wrote on housemates' reports (comments, ratings, reopen reasons, withdrawals): their
/// own entries only, not the report's text.
fn entries_on_others_reports(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.report_id, e.id, e.kind, e.text, e.satisfaction, e.at FROM report_events e
         JOIN reports r ON r.id = e.report_id
         WHERE e.author_id = ?1 AND r.resident_id != ?1 ORDER BY e.at",
    )?;
    let rows = stmt.query_map([viewer.resident_id.to_string()], |r| {
        Ok(json!({
            "report_id": r.get::<_, String>(0)?,
            "event_id": r.get::<_, String>(1)?,
            "kind": r.get::<_, String>(2)?,
            "text": r.get::<_, Option<String>>(3)?,
            "satisfaction": r.get::<_, Option<String>>(4)?,
            "at": r.get::<_, String>(5)?,
        }))
    })?;
    Ok(Value::Array(rows.collect::<Result<_, _>>()?))
}

fn votes(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.consultation_id, c.title, b.option_ids, b.cast_at FROM ballots b
         JOIN consultations c ON c.id = b.consultation_id
         WHERE b.resident_id = ?1 ORDER BY b.cast_at",
    )?;
    let rows = stmt.query_map([viewer.resident_id.to_string()], |r| {
        let options: String = r.get(2)?;
        Ok(json!({
            "consultation_id": r.get::<_, String>(0)?,
            "consultation": r.get::<_, String>(1)?,
            "options": serde_json::from_str::<Value>(&options).unwrap_or(Value::String(options)),
            "cast_at": r.get::<_, String>(3)?,
        }))
    })?;
    Ok(Value::Array(rows.collect::<Result<_, _>>()?))
}

fn notice_reads(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.notice_id, n.title, r.read_at FROM notice_reads r JOIN notices n ON n.id = r.notice_id
         WHERE r.resident_id = ?1 ORDER BY r.read_at",
    )?;
    let rows = stmt.query_map([viewer.resident_id.to_string()], |r| {
        Ok(json!({
            "notice_id": r.get::<_, String>(0)?,
            "title": r.get::<_, String>(1)?,
            "read_at": r.get::<_, String>(2)?,
        }))
    })?;
    Ok(Value::Array(rows.collect::<Result<_, _>>()?))
}

/// The privacy notice version agreed to on each device, and when.
fn consents(conn: &Connection, viewer: &Viewer) -> StoreResult<Value> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, privacy_version, privacy_agreed_at FROM devices
         WHERE resident_id = ?1 AND privacy_version IS NOT NULL ORDER BY created_at",
    )?;
    let rows = stmt.query_map([viewer.resident_id.to_string()], |r| {
        Ok(json!({
            "device_id": r.get::<_, String>(0)?,
            "privacy_notice_version": r.get::<_, i64>(1)?,
            "agreed_at": r.get::<_, Option<String>>(2)?,
        }))
    })?;
    Ok(Value::Array(rows.collect::<Result<_, _>>()?))
}

/// sha256 and MIME type of every photo and voice message of the resident's reports (and of their
/// spoken comments).
pub fn photos(conn: &Connection, viewer: &Viewer) -> StoreResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT p.sha256, b.mime FROM report_photos p
         JOIN reports r ON r.id = p.report_id JOIN blobs b ON b.sha256 = p.sha256
         WHERE r.resident_id = ?1
         UNION SELECT v.sha256, b.mime FROM report_voices v
         JOIN reports r ON r.id = v.report_id JOIN blobs b ON b.sha256 = v.sha256
         LEFT JOIN report_events e ON e.id = v.event_id
         WHERE r.resident_id = ?1 OR e.author_id = ?1",
    )?;
    let rows = stmt.query_map([viewer.resident_id.to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
