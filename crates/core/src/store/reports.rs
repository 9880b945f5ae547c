//! The replica's reports: the hub's last rendering of each report this resident may see.
use crate::store::ts;
use crate::CoreError;
use linli_proto::{Report, ReportStatus};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// Returns the status of the previous rendering, if any (to tell a status change; read from its column, not
/// by decoding the stored report).
pub fn upsert(conn: &Connection, r: &Report) -> Result<Option<ReportStatus>, CoreError> {
    let previous: Option<String> = conn
        .prepare_cached("SELECT status FROM reports WHERE id = ?1")?
        .query_row([r.id.to_string()], |row| row.get(0))
        .optional()?;
    let previous = previous
        .map(|s| {
            ReportStatus::parse(&s)
                .ok_or_else(|| CoreError::Corrupt(format!("report status {s:?}")))
        })
        .transpose()?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO reports (id, created_at, status, version, json) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        r.id.to_string(),
        ts(r.created_at),
        r.status.as_str(),
        r.version,
        serde_json::to_string(r)?
    ])?;
    Ok(previous)
}

pub fn remove(conn: &Connection, id: Uuid) -> Result<(), CoreError> {
    conn.execute("DELETE FROM reports WHERE id = ?1", [id.to_string()])?;
    Ok(())
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Option<Report>, CoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM reports WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Newest first.
pub fn list(conn: &Connection) -> Result<Vec<Report>, CoreError> {
    let mut stmt = conn.prepare_cached("SELECT json FROM reports ORDER BY created_at DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

/// Every photo hash the replica's reports name, those of the newest reports first; read from the stored
/// JSON by SQLite (each sync asks, and decoding every report for it cost more than the rest of a sync).
pub fn photo_hashes(conn: &Connection) -> Result<Vec<String>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.value FROM reports r, json_each(r.json, '$.photos') p
         GROUP BY p.value ORDER BY MAX(r.created_at) DESC",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute("DELETE FROM reports", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};
    use linli_proto::Address;

    fn report(photos: &[&str], age_days: i64) -> Report {
        let at = Utc::now() - Duration::days(age_days);
        Report {
            id: Uuid::now_v7(),
            category: "facilities".into(),
            text: "路灯不亮".into(),
            address: Address::default(),
            location: None,
            photos: photos.iter().map(|s| s.to_string()).collect(),
            voice: None,
            status: ReportStatus::Submitted,
            created_at: at,
            received_at: at,
            events: Vec::new(),
            version: 1,
            handling: None,
        }
    }

    #[test]
    fn photo_hashes_are_distinct_and_newest_reports_first() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("t.db")).unwrap();
        upsert(&conn, &report(&["old", "shared"], 3)).unwrap();
        upsert(&conn, &report(&[], 2)).unwrap();
        upsert(&conn, &report(&["new", "shared"], 1)).unwrap();
        let mut got = photo_hashes(&conn).unwrap();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got.pop().as_deref(), Some("old"));
        got.sort();
        assert_eq!(got, ["new", "shared"]);
    }
}
