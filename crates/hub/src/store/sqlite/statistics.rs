//! The statistics' SQL: one statement over `reports` (and each report's first staff event) that
//! counts per group, for the whole period and per trend step, with medians and 90th percentiles by
//! window functions, limited to the staff member's scope in SQL — the same reach as `Scope::sees`,
//! pinned by a test that compares the two on every report. Notice reach and consultation turnout
//! count households the same way, limited to the scope's buildings.
use chrono::{DateTime, Utc};
use rusqlite::{params_from_iter, types::Value, Connection, Row};

use super::columns::{get_ts, get_uuid, ts};
use super::SqliteStore;
use crate::domain::staff_scope::{Scope, StaffRole};
use crate::store::statistics::{
    GroupBy, NoticeReach, ReportCounts, StatisticsStore, StatsCounts, StatsQuery, TrendEvery,
    Turnout,
};
use crate::store::{Staff, StoreResult};

/// The scope as a WHERE fragment over `r` (reports) and `h` (households), with its parameters.
pub fn scope_filter(scope: &Scope) -> (String, Vec<Value>) {
    let community = Value::Text(scope.community_id.to_string());
    let me = Value::Text(scope.staff_id.to_string());
    match scope.role {
        StaffRole::Head => ("r.community_id = ?".into(), vec![community]),
        StaffRole::Grid => (
            "r.community_id = ? AND (h.building_id IN
                (SELECT building_id FROM staff_buildings WHERE staff_id = ?) OR r.assignee_id = ?)"
                .into(),
            vec![community, me.clone(), me],
        ),
        StaffRole::Unit => (
            "r.community_id = ? AND r.assignee_id = ?".into(),
            vec![community, me],
        ),
        StaffRole::Street => match scope.street_id {
            Some(street) => (
                "r.community_id IN (SELECT id FROM communities WHERE street_id = ?)".into(),
                vec![Value::Text(street.to_string())],
            ),
            None => ("0".into(), vec![]),
        },
        StaffRole::Data => ("0".into(), vec![]),
    }
}

/// The scope as a WHERE fragment over a building `b` (its `id` and `community_id`): the buildings
/// whose households' reading and voting the staff member may count. A unit, which sees only what was
/// dispatched to it, and the data officer count none. The open311 intake's placeholder building is
/// no one's home and never counted.
fn building_filter(scope: &Scope) -> (String, Vec<Value>) {
    let community = Value::Text(scope.community_id.to_string());
    let not_intake = "b.id NOT IN (SELECT building_id FROM open311_intake)";
    match scope.role {
        StaffRole::Head => (
            format!("b.community_id = ? AND {not_intake}"),
            vec![community],
        ),
        StaffRole::Grid => (
            format!(
                "b.community_id = ? AND {not_intake}
                 AND b.id IN (SELECT building_id FROM staff_buildings WHERE staff_id = ?)"
            ),
            vec![community, Value::Text(scope.staff_id.to_string())],
        ),
        StaffRole::Street => match scope.street_id {
            Some(street) => (
                format!(
                    "b.community_id IN (SELECT id FROM communities WHERE street_id = ?)
                     AND {not_intake}"
                ),
                vec![Value::Text(street.to_string())],
            ),
            None => ("0".into(), vec![]),
        },
        StaffRole::Unit | StaffRole::Data => ("0".into(), vec![]),
    }
}

/// The group's key per scoped report (`s`), and the group's name per key (`a.key`).
fn grouping(by: GroupBy) -> (&'static str, &'static str, &'static str) {
    match by {
        GroupBy::Category => (
            "s.category",
            "",
            "COALESCE((SELECT name_zh FROM categories k WHERE k.key = a.key
                ORDER BY k.community_id = ? DESC LIMIT 1), a.key)",
        ),
        GroupBy::Building => (
            "s.building_id",
            "",
            "(SELECT name FROM buildings b WHERE b.id = a.key)",
        ),
        GroupBy::Grid => (
            "COALESCE(g.staff_id, '')",
            "LEFT JOIN (SELECT sb.staff_id, sb.building_id FROM staff_buildings sb
                JOIN staff st ON st.id = sb.staff_id AND st.role = 'grid') g
                ON g.building_id = s.building_id",
            "(SELECT name FROM staff st WHERE st.id = a.key)",
        ),
        GroupBy::Status => ("s.status", "", "a.key"),
        GroupBy::Source => ("s.source", "", "a.key"),
        GroupBy::Community => (
            "s.community_id",
            "",
            "(SELECT name FROM communities c WHERE c.id = a.key)",
        ),
    }
}

/// The first day of a report's trend step, in China Standard Time.
fn step(every: TrendEvery) -> &'static str {
    match every {
        TrendEvery::Week => "date(s.received_at, '+8 hours', '-6 days', 'weekday 1')",
        TrendEvery::Month => "strftime('%Y-%m-01', s.received_at, '+8 hours')",
    }
}

fn statistics(c: &Connection, who: &Staff, q: &StatsQuery) -> StoreResult<ReportCounts> {
    let scope = super::dispatch::scope(c, who)?;
    let (filter, mut scope_args) = scope_filter(&scope);
    let (key, join, label) = grouping(q.by);
    let step = step(q.every);
    // `part` tells the groups ('g'), the whole period ('t') and the trend's steps ('w') apart; the
    // trend has no percentiles, so its hours are left out of the ranking.
    let sql = format!(
        "WITH scoped AS MATERIALIZED (
            SELECT r.community_id, r.category, h.building_id, r.status, r.deadline, r.resolved_at,
                   r.received_at, r.rating,
                   (SELECT MIN(e.at) FROM report_events e
                     WHERE e.report_id = r.id AND e.actor = 'staff') AS first_staff_at,
                   COALESCE(src.source, CASE WHEN EXISTS (SELECT 1 FROM report_events e
                       WHERE e.report_id = r.id AND e.kind = 'submitted'
                         AND (e.actor = 'proxy' OR e.on_behalf_of IS NOT NULL))
                     THEN 'relative' ELSE 'app' END) AS source
            FROM reports r JOIN households h ON h.id = r.household_id
            LEFT JOIN report_sources src ON src.report_id = r.id
            WHERE r.received_at >= ?2 AND r.received_at < ?3 AND ({filter})),
         keyed AS MATERIALIZED (
            SELECT 'g' AS part, {key} AS key, s.* FROM scoped s {join}
            UNION ALL SELECT 't', '', s.* FROM scoped s
            UNION ALL SELECT 'w', {step}, s.* FROM scoped s),
         hours AS (
            SELECT part, key, 'a' AS m,
                   (julianday(first_staff_at) - julianday(received_at)) * 24 AS h
              FROM keyed WHERE part <> 'w' AND first_staff_at IS NOT NULL
            UNION ALL
            SELECT part, key, 'r', (julianday(resolved_at) - julianday(received_at)) * 24
              FROM keyed WHERE part <> 'w' AND resolved_at IS NOT NULL),
         ranked AS (
            SELECT part, key, m, h,
                   ROW_NUMBER() OVER (PARTITION BY part, key, m ORDER BY h) AS rn,
                   COUNT(*) OVER (PARTITION BY part, key, m) AS n
              FROM hours),
         pct AS (
            SELECT part, key,
                AVG(CASE WHEN m = 'a' AND rn IN ((n + 1) / 2, (n + 2) / 2) THEN h END) AS med_a,
                MIN(CASE WHEN m = 'a' AND rn >= (9 * n + 9) / 10 THEN h END) AS p90_a,
                AVG(CASE WHEN m = 'r' AND rn IN ((n + 1) / 2, (n + 2) / 2) THEN h END) AS med_r,
                MIN(CASE WHEN m = 'r' AND rn >= (9 * n + 9) / 10 THEN h END) AS p90_r
              FROM ranked GROUP BY part, key),
         agg AS (
            SELECT part, key, COUNT(*) AS total,
                SUM(status = 'submitted') AS submitted,
                SUM(status IN ('accepted', 'in_progress')) AS open,
                SUM(status = 'resolved') AS resolved, SUM(status = 'rejected') AS rejected,
                SUM(status = 'withdrawn') AS withdrawn, SUM(deadline IS NOT NULL) AS dispatched,
                SUM(first_staff_at IS NOT NULL
                    AND julianday(first_staff_at) - julianday(received_at) <= 1.0) AS responded,
                SUM(deadline IS NOT NULL AND (
                    (resolved_at IS NOT NULL AND resolved_at > deadline)
                    OR (resolved_at IS NULL AND status IN ('submitted', 'accepted', 'in_progress')
                        AND deadline < ?1))) AS overdue,
                SUM(deadline IS NOT NULL AND resolved_at IS NULL
                    AND status IN ('submitted', 'accepted', 'in_progress')
                    AND deadline < ?1) AS overdue_now,
                SUM(deadline IS NOT NULL AND (resolved_at IS NOT NULL
                    OR (status IN ('submitted', 'accepted', 'in_progress') AND deadline < ?1)))
                    AS due,
                SUM(deadline IS NOT NULL AND resolved_at IS NOT NULL
                    AND resolved_at <= deadline) AS on_time,
                SUM(rating IS NOT NULL) AS rated, SUM(rating IS 'satisfied') AS satisfied,
                SUM(rating IS 'basic') AS basic, SUM(rating IS 'unsatisfied') AS unsatisfied
              FROM keyed GROUP BY part, key)
         SELECT a.part, a.key, CASE a.part WHEN 'g' THEN {label} ELSE a.key END, a.total,
            a.submitted, a.open, a.resolved, a.rejected, a.withdrawn, a.dispatched, a.responded,
            a.overdue, a.overdue_now, a.due, a.on_time, a.rated, a.satisfied, a.basic,
            a.unsatisfied, p.med_a, p.p90_a, p.med_r, p.p90_r
         FROM agg a LEFT JOIN pct p ON p.part = a.part AND p.key = a.key
         ORDER BY a.part, a.key"
    );
    // `?1` is "now"; the numbered parameter fixes the others' numbers after it, in order.
    let mut args = vec![
        Value::Text(ts(q.now)),
        Value::Text(ts(q.from)),
        Value::Text(ts(q.to)),
    ];
    args.append(&mut scope_args);
    if q.by == GroupBy::Category {
        args.push(Value::Text(who.community_id.to_string()));
    }
    let sql = number_params(&sql, 4);
    let mut stmt = c.prepare(&sql)?;
    let mut out = ReportCounts::default();
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let part: String = r.get(0)?;
        let counts = counts(r)?;
        match part.as_str() {
            "g" => out.rows.push(counts),
            "t" => out.total = counts,
            _ => out.trend.push(counts),
        }
    }
    Ok(out)
}

/// Numbers the bare `?` placeholders from `first` on, so they follow the numbered ones.
fn number_params(sql: &str, first: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = first;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        out.push(ch);
        if ch == '?' && !chars.peek().is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(&n.to_string());
            n += 1;
        }
    }
    out
}

fn counts(r: &Row) -> rusqlite::Result<StatsCounts> {
    Ok(StatsCounts {
        key: r.get(1)?,
        label: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        total: r.get(3)?,
        submitted: r.get(4)?,
        open: r.get(5)?,
        resolved: r.get(6)?,
        rejected: r.get(7)?,
        withdrawn: r.get(8)?,
        dispatched: r.get(9)?,
        responded_in_time: r.get(10)?,
        overdue: r.get(11)?,
        overdue_now: r.get(12)?,
        due: r.get(13)?,
        resolved_on_time: r.get(14)?,
        rated: r.get(15)?,
        satisfied: r.get(16)?,
        basic: r.get(17)?,
        unsatisfied: r.get(18)?,
        median_hours_to_accept: r.get(19)?,
        p90_hours_to_accept: r.get(20)?,
        median_hours_to_resolve: r.get(21)?,
        p90_hours_to_resolve: r.get(22)?,
    })
}

/// Households that someone joined, of the buildings `b` a notice or consultation `x` is for (all the
/// community's when it names none).
const MEANT_FOR: &str = "(NOT EXISTS (SELECT 1 FROM {list} l WHERE l.{col} = x.id)
    OR b.id IN (SELECT l.building_id FROM {list} l WHERE l.{col} = x.id))";

fn notice_reach(
    c: &Connection,
    who: &Staff,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<NoticeReach>> {
    let scope = super::dispatch::scope(c, who)?;
    let (filter, scope_args) = building_filter(&scope);
    let meant = MEANT_FOR
        .replace("{list}", "notice_buildings")
        .replace("{col}", "notice_id");
    let sql = format!(
        "WITH meant AS (
            SELECT x.id AS notice_id, x.published_at, b.id AS building_id
              FROM notices x JOIN buildings b ON b.community_id = x.community_id
             WHERE x.published_at >= ? AND x.published_at < ? AND x.retracted_at IS NULL
               AND {meant} AND ({filter}))
         SELECT m.building_id, (SELECT name FROM buildings b WHERE b.id = m.building_id),
            COUNT(DISTINCT m.notice_id), COUNT(*),
            SUM(EXISTS (SELECT 1 FROM notice_reads nr JOIN residents p ON p.id = nr.resident_id
                WHERE nr.notice_id = m.notice_id AND p.household_id = hh.id
                  AND julianday(nr.read_at) - julianday(m.published_at) <= 1.0))
         FROM meant m JOIN households hh ON hh.building_id = m.building_id
          AND EXISTS (SELECT 1 FROM residents p WHERE p.household_id = hh.id)
         GROUP BY m.building_id
         ORDER BY (SELECT sort FROM buildings b WHERE b.id = m.building_id), m.building_id"
    );
    let mut args = vec![Value::Text(ts(from)), Value::Text(ts(to))];
    args.extend(scope_args);
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(NoticeReach {
            building_id: get_uuid(r, 0)?,
            building: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            notices: r.get(2)?,
            households: r.get(3)?,
            read_within_day: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn consultation_turnout(
    c: &Connection,
    who: &Staff,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Turnout>> {
    let scope = super::dispatch::scope(c, who)?;
    let (filter, scope_args) = building_filter(&scope);
    let meant = MEANT_FOR
        .replace("{list}", "consultation_buildings")
        .replace("{col}", "consultation_id");
    let sql = format!(
        "SELECT x.id, x.title, x.opens_at, x.closes_at, COUNT(hh.id),
            SUM(EXISTS (SELECT 1 FROM ballots v
                WHERE v.consultation_id = x.id AND v.household_id = hh.id))
         FROM consultations x JOIN buildings b ON b.community_id = x.community_id
         JOIN households hh ON hh.building_id = b.id
          AND EXISTS (SELECT 1 FROM residents p WHERE p.household_id = hh.id)
         WHERE x.opens_at >= ? AND x.opens_at < ? AND {meant} AND ({filter})
         GROUP BY x.id ORDER BY x.opens_at, x.id"
    );
    let mut args = vec![Value::Text(ts(from)), Value::Text(ts(to))];
    args.extend(scope_args);
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(Turnout {
            consultation_id: get_uuid(r, 0)?,
            title: r.get(1)?,
            opens_at: get_ts(r, 2)?,
            closes_at: get_ts(r, 3)?,
            households: r.get(4)?,
            voted: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl StatisticsStore for SqliteStore {
    fn report_statistics(&self, who: &Staff, q: &StatsQuery) -> StoreResult<ReportCounts> {
        self.read(|c| statistics(c, who, q))
    }

    fn notice_reach(
        &self,
        who: &Staff,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<NoticeReach>> {
        self.read(|c| notice_reach(c, who, from, to))
    }

    fn period_turnout(
        &self,
        who: &Staff,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Turnout>> {
        self.read(|c| consultation_turnout(c, who, from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::number_params;

    #[test]
    fn bare_placeholders_follow_the_numbered_ones() {
        assert_eq!(
            number_params("a = ?1 AND b = ?2 AND c = ? AND d IN (?, ?)", 3),
            "a = ?1 AND b = ?2 AND c = ?3 AND d IN (?4, ?5)"
        );
    }
}
