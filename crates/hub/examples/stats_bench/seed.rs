//! A community's year of reports for the statistics benchmark, written straight into the hub's
//! SQLite file (the op path would take hours for 100,000): buildings of 100 households each with one
//! resident, and reports spread over the year before `end` across the community's categories and
//! buildings, with a realistic mix of statuses, first staff steps, dispatches with promised dates
//! (some missed), resolutions and ratings. Shared with the smoke run in tests/api/statistics.rs.
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use uuid::Uuid;

/// Households per building.
pub const PER_BUILDING: usize = 100;

/// A small deterministic generator (xorshift), so every run builds the same community.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Adds `buildings` buildings (`压测N栋`) and `reports` reports to `community`; returns the
/// buildings' names.
pub fn seed(
    db: &Path,
    community: Uuid,
    buildings: usize,
    reports: usize,
    end: DateTime<Utc>,
) -> rusqlite::Result<Vec<String>> {
    let mut c = Connection::open(db)?;
    c.busy_timeout(std::time::Duration::from_secs(30))?;
    let tx = c.transaction()?;
    let cid = community.to_string();
    let categories: Vec<String> = {
        let mut s = tx.prepare("SELECT key FROM categories WHERE community_id = ?1")?;
        let v = s.query_map([&cid], |r| r.get(0))?;
        v.collect::<Result<_, _>>()?
    };
    let mut names = Vec::new();
    let mut homes: Vec<(String, String)> = Vec::new();
    for b in 0..buildings {
        let bid = Uuid::now_v7().to_string();
        let name = format!("压测{}栋", b + 1);
        tx.execute(
            "INSERT INTO buildings (id, community_id, name, sort) VALUES (?1, ?2, ?3, ?4)",
            params![bid, cid, name, 1000 + b as i64],
        )?;
        for h in 0..PER_BUILDING {
            let hid = Uuid::now_v7().to_string();
            let rid = Uuid::now_v7().to_string();
            tx.execute(
                "INSERT INTO households (id, building_id, unit, room, sort) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hid, bid, format!("{}单元", h / 20 + 1), format!("{}", 101 + h), h as i64],
            )?;
            tx.execute(
                "INSERT INTO residents (id, household_id, created_at) VALUES (?1, ?2, ?3)",
                params![rid, hid, ts(end - Duration::days(400))],
            )?;
            homes.push((hid, rid));
        }
        names.push(name);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    {
        let mut report = tx.prepare(
            "INSERT INTO reports (id, community_id, household_id, resident_id, category, text, status,
                created_at, received_at, resolved_at, rating, version, deadline)
             VALUES (?1, ?2, ?3, ?4, ?5, '压测', ?6, ?7, ?7, ?8, ?9, 1, ?10)",
        )?;
        let mut event = tx.prepare(
            "INSERT INTO report_events (id, report_id, ord, kind, actor, status, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for _ in 0..reports {
            let id = Uuid::now_v7().to_string();
            let (hid, rid) = &homes[rng.below(homes.len() as u64) as usize];
            let category = &categories[rng.below(categories.len() as u64) as usize];
            let at = end - Duration::minutes(rng.below(365 * 24 * 60) as i64);
            // Most reports are answered within hours, some after days, a few not yet.
            let roll = rng.below(100);
            let first = match roll {
                0..=4 => None,
                5..=79 => Some(at + Duration::minutes(5 + rng.below(600) as i64)),
                _ => Some(at + Duration::hours(24 + rng.below(96) as i64)),
            }
            .filter(|t| *t < end);
            let dispatched = first.is_some() && rng.below(100) < 40;
            let deadline = dispatched.then(|| at + Duration::days(7));
            let status = match (first, rng.below(100)) {
                (None, _) => "submitted",
                (Some(_), 0..=64) => "resolved",
                (Some(_), 65..=79) => "in_progress",
                (Some(_), 80..=87) => "accepted",
                (Some(_), 88..=94) => "rejected",
                _ => "withdrawn",
            };
            let resolved = (status == "resolved")
                .then(|| first.unwrap_or(at) + Duration::hours(2 + rng.below(240) as i64))
                .map(|t| t.min(end));
            let rating = resolved
                .filter(|_| rng.below(100) < 50)
                .map(|_| match rng.below(10) {
                    0..=6 => "satisfied",
                    7..=8 => "basic",
                    _ => "unsatisfied",
                });
            report.execute(params![
                id,
                cid,
                hid,
                rid,
                category,
                status,
                ts(at),
                resolved.map(ts),
                rating,
                deadline.map(ts)
            ])?;
            event.execute(params![
                Uuid::now_v7().to_string(),
                id,
                0,
                "submitted",
                "resident",
                "submitted",
                ts(at)
            ])?;
            let mut ord = 1;
            if let Some(f) = first {
                let s = if status == "rejected" {
                    "rejected"
                } else {
                    "accepted"
                };
                event.execute(params![
                    Uuid::now_v7().to_string(),
                    id,
                    ord,
                    "status",
                    "staff",
                    s,
                    ts(f)
                ])?;
                ord += 1;
            }
            if dispatched {
                let f = first.unwrap_or(at);
                event.execute(params![
                    Uuid::now_v7().to_string(),
                    id,
                    ord,
                    "dispatched",
                    "staff",
                    None::<String>,
                    ts(f)
                ])?;
                ord += 1;
            }
            if let Some(r) = resolved {
                event.execute(params![
                    Uuid::now_v7().to_string(),
                    id,
                    ord,
                    "status",
                    "staff",
                    "resolved",
                    ts(r)
                ])?;
            }
        }
    }
    tx.commit()?;
    Ok(names)
}
