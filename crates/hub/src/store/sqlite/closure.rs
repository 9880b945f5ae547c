//! Closing a resident's account (注销): the steps, in order, that run in one write transaction. Each step
//! deletes the resident's personal data or cuts its link to them; what the community's record needs (that a
//! report existed and how it was handled, the ballots a tally counts) stays, re-pointed to the "closed
//! accounts" placeholder below so it names no one.
//!
//! A feature that stores more about residents adds its step to [`STEPS`]; proxies (亲友代办) end every
//! grant the resident gave or holds before their devices go.
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use uuid::Uuid;

use super::changes;
use super::columns::ts;
use super::export::report_ids;
use super::staff::{self, Access};
use crate::store::{ClosedAccount, StoreResult, Viewer};

/// The id of the placeholder building, household and resident that records of closed accounts point to
/// (the columns can't be empty). Never shown to devices: no change-log entry names it.
pub const CLOSED: Uuid = Uuid::nil();

/// One step of closing an account.
pub type Step = (
    &'static str,
    fn(&Connection, &Viewer, DateTime<Utc>, &mut ClosedAccount) -> StoreResult<()>,
);

/// Every step, in the order they run.
pub const STEPS: &[Step] = &[
    ("access_log", log_closure),
    ("placeholder", ensure_placeholder),
    ("proxy_grants", end_proxy_grants),
    ("devices", revoke_devices),
    ("photos", delete_photos),
    ("reports", anonymise_reports),
    ("votes", anonymise_ballots),
    ("notice_reads", forget_notice_reads),
    ("invites", forget_invites),
    ("change_log", forget_change_log),
    ("resident", delete_resident),
];

/// Runs every step; the caller holds the write transaction.
pub fn close(conn: &Connection, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<ClosedAccount> {
    let mut out = ClosedAccount::default();
    for (name, step) in STEPS {
        tracing::debug!(step = name, "closing an account");
        step(conn, viewer, now, &mut out)?;
    }
    Ok(out)
}

fn closed() -> String {
    CLOSED.to_string()
}

fn log_closure(
    conn: &Connection,
    v: &Viewer,
    now: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    staff::log(
        conn,
        &Access {
            community_id: v.community_id,
            staff: None,
            action: "account_closed",
            record_kind: None,
            record_id: None,
            resident_id: Some(v.resident_id),
        },
        now,
    )
}

fn ensure_placeholder(
    conn: &Connection,
    v: &Viewer,
    now: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO buildings (id, community_id, name, sort) VALUES (?1, ?2, '', -1)",
        params![closed(), v.community_id.to_string()],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO households (id, building_id, unit, room, sort) VALUES (?1, ?1, '', '', -1)",
        params![closed()],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO residents (id, household_id, created_at) VALUES (?1, ?1, ?2)",
        params![closed(), ts(now)],
    )?;
    Ok(())
}

/// Every device of the resident stops working at once; names go, tokens can never match again.
fn end_proxy_grants(
    conn: &Connection,
    v: &Viewer,
    now: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    super::proxies::forget_resident(conn, v.resident_id, CLOSED, now)
}

fn revoke_devices(
    conn: &Connection,
    v: &Viewer,
    now: DateTime<Utc>,
    out: &mut ClosedAccount,
) -> StoreResult<()> {
    out.devices_revoked = conn.execute(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?1), name = NULL,
                token_hash = 'closed:' || id, resident_id = ?2
         WHERE resident_id = ?3",
        params![ts(now), closed(), v.resident_id.to_string()],
    )? as i64;
    Ok(())
}

/// Photos of the resident's reports and every photo they uploaded: rows now, files after commit. A photo
/// another resident's report also shows stays (re-pointed to the placeholder).
fn delete_photos(
    conn: &Connection,
    v: &Viewer,
    _: DateTime<Utc>,
    out: &mut ClosedAccount,
) -> StoreResult<()> {
    let rid = v.resident_id.to_string();
    let mut shas: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT p.sha256 FROM report_photos p JOIN reports r ON r.id = p.report_id
             WHERE r.resident_id = ?1
             UNION SELECT v.sha256 FROM report_voices v JOIN reports r ON r.id = v.report_id
             WHERE r.resident_id = ?1
             UNION SELECT v.sha256 FROM report_voices v JOIN report_events e ON e.id = v.event_id
             WHERE e.author_id = ?1
             UNION SELECT sha256 FROM blobs WHERE uploaded_by = ?1",
        )?
        .query_map([&rid], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    shas.extend(super::blobs::uploaded_by(conn, v.resident_id)?);
    shas.sort();
    shas.dedup();
    conn.execute(
        "DELETE FROM report_photos WHERE report_id IN (SELECT id FROM reports WHERE resident_id = ?1)",
        [&rid],
    )?;
    // Voice messages go like photos: those of the resident's reports, and their spoken comments.
    conn.execute(
        "DELETE FROM report_voices WHERE report_id IN (SELECT id FROM reports WHERE resident_id = ?1)
             OR event_id IN (SELECT id FROM report_events WHERE author_id = ?1)",
        [&rid],
    )?;
    for sha in shas {
        if !super::blobs::forget_upload(conn, &sha, v.resident_id, CLOSED)? {
            out.files_to_delete.push(sha);
        }
    }
    Ok(())
}

/// Reports stay with their category, status, dates, rating and status history; their text, place,
/// location and the resident's own words in the timeline go, and so does the link to the household.
/// Housemates' devices, which showed these reports, are told to drop them.
fn anonymise_reports(
    conn: &Connection,
    v: &Viewer,
    now: DateTime<Utc>,
    out: &mut ClosedAccount,
) -> StoreResult<()> {
    let ids = report_ids(conn, v.resident_id)?;
    let housemates = has_housemates(conn, v)?;
    for id in &ids {
        let id = id.to_string();
        // Their own entries; a housemate's comment stays theirs (their export and closure find it).
        // Entries from before authors were recorded count as the report's resident's.
        conn.execute(
            "UPDATE report_events SET text = NULL, actor_name = NULL, author_id = NULL
             WHERE report_id = ?1 AND actor = 'resident' AND (author_id IS NULL OR author_id = ?2)",
            params![id, v.resident_id.to_string()],
        )?;
        conn.execute(
            "UPDATE changes SET audience_id = ?1 WHERE kind = 'report' AND record_id = ?2",
            params![closed(), id],
        )?;
        if housemates {
            // Renders as "removed" for them: the report no longer belongs to their household.
            changes::append(
                conn,
                v.community_id,
                changes::Kind::Report,
                &id,
                changes::Audience::Household(v.household_id),
                now,
            )?;
        }
    }
    // What they wrote on housemates' reports (comments, rating comments, reopen reasons).
    conn.execute(
        "UPDATE report_events SET text = NULL, actor_name = NULL, author_id = NULL WHERE author_id = ?1",
        [v.resident_id.to_string()],
    )?;
    out.reports_anonymised = conn.execute(
        "UPDATE reports SET text = '', addr_building = NULL, addr_unit = NULL, addr_room = NULL,
                addr_text = NULL, lat = NULL, lon = NULL, household_id = ?1, resident_id = ?1,
                version = version + 1
         WHERE resident_id = ?2",
        params![closed(), v.resident_id.to_string()],
    )? as i64;
    Ok(())
}

/// Ballots stay counted. A household's ballot stays the household's while someone else lives there;
/// otherwise its key (which names the resident or household) is replaced by a random one.
fn anonymise_ballots(
    conn: &Connection,
    v: &Viewer,
    _: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    let rid = v.resident_id.to_string();
    let housemates = has_housemates(conn, v)?;
    let keys: Vec<(String, String)> = conn
        .prepare("SELECT consultation_id, ballot_key FROM ballots WHERE resident_id = ?1")?
        .query_map([&rid], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (consultation, key) in keys {
        if housemates && key.starts_with("household:") {
            conn.execute(
                "UPDATE ballots SET resident_id = ?1 WHERE consultation_id = ?2 AND ballot_key = ?3",
                params![closed(), consultation, key],
            )?;
        } else {
            conn.execute(
                "UPDATE ballots SET resident_id = ?1, household_id = ?1, ballot_key = ?2
                 WHERE consultation_id = ?3 AND ballot_key = ?4",
                params![
                    closed(),
                    format!("closed:{}", Uuid::now_v7()),
                    consultation,
                    key
                ],
            )?;
        }
    }
    Ok(())
}

/// Whether someone else (still a member) lives in the resident's household.
fn has_housemates(conn: &Connection, v: &Viewer) -> StoreResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM residents WHERE household_id = ?1 AND id != ?2)",
        params![v.household_id.to_string(), v.resident_id.to_string()],
        |r| r.get(0),
    )?)
}

fn forget_notice_reads(
    conn: &Connection,
    v: &Viewer,
    _: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM notice_reads WHERE resident_id = ?1",
        [v.resident_id.to_string()],
    )?;
    // A relative's read for the resident, and the resident's reads as someone's relative.
    conn.execute(
        "DELETE FROM notice_proxy_reads WHERE resident_id = ?1 OR proxy_id = ?1",
        [v.resident_id.to_string()],
    )?;
    Ok(())
}

/// The used invitation code tied the resident to the household.
fn forget_invites(
    conn: &Connection,
    v: &Viewer,
    _: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM invites WHERE used_by = ?1",
        [v.resident_id.to_string()],
    )?;
    Ok(())
}

/// Change-log entries addressed to the resident, and the household's own entry when nobody else lives
/// there.
fn forget_change_log(
    conn: &Connection,
    v: &Viewer,
    _: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    let rid = v.resident_id.to_string();
    let hid = v.household_id.to_string();
    conn.execute(
        "DELETE FROM changes WHERE audience = 'resident' AND audience_id = ?1",
        [&rid],
    )?;
    conn.execute(
        "DELETE FROM changes WHERE kind = 'household' AND record_id = ?1
           AND NOT EXISTS (SELECT 1 FROM residents WHERE household_id = ?1 AND id != ?2)",
        params![hid, rid],
    )?;
    Ok(())
}

fn delete_resident(
    conn: &Connection,
    v: &Viewer,
    _: DateTime<Utc>,
    _: &mut ClosedAccount,
) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM residents WHERE id = ?1",
        [v.resident_id.to_string()],
    )?;
    Ok(())
}
