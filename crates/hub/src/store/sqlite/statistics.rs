//! The statistics' SQL: one grouped pass over `reports` (and each report's first staff event), limited
//! to the staff member's scope in SQL — the same reach as `Scope::sees`, pinned by a test that compares
//! the two on every report.
use rusqlite::{params_from_iter, types::Value, Connection};

use super::columns::ts;
use super::SqliteStore;
use crate::domain::staff_scope::{Scope, StaffRole};
use crate::store::statistics::{GroupBy, StatisticsStore, StatsCounts, StatsQuery};
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

fn statistics(c: &Connection, who: &Staff, q: &StatsQuery) -> StoreResult<Vec<StatsCounts>> {
    let scope = super::dispatch::scope(c, who)?;
    let (filter, mut args) = scope_filter(&scope);
    let (key, label) = match q.by {
        GroupBy::Category => (
            "r.category",
            "COALESCE((SELECT name_zh FROM categories k WHERE k.community_id = r.community_id
                AND k.key = r.category), r.category)",
        ),
        GroupBy::Building => (
            "h.building_id",
            "(SELECT name FROM buildings b WHERE b.id = h.building_id)",
        ),
        GroupBy::Status => ("r.status", "r.status"),
    };
    let sql = format!(
        "WITH scoped AS (
            SELECT {key} AS key, {label} AS label, r.status, r.deadline, r.resolved_at, r.received_at,
                   r.rating,
                   (SELECT MIN(e.at) FROM report_events e
                     WHERE e.report_id = r.id AND e.actor = 'staff') AS first_staff_at
            FROM reports r JOIN households h ON h.id = r.household_id
            WHERE r.received_at >= ? AND r.received_at < ? AND ({filter}))
         SELECT key, MIN(label), COUNT(*),
            SUM(status = 'submitted'), SUM(status IN ('accepted', 'in_progress')),
            SUM(status = 'resolved'), SUM(status = 'rejected'), SUM(status = 'withdrawn'),
            SUM(deadline IS NOT NULL),
            SUM(first_staff_at IS NOT NULL
                AND julianday(first_staff_at) - julianday(received_at) <= 1.0),
            SUM(deadline IS NOT NULL AND (
                (resolved_at IS NOT NULL AND resolved_at > deadline)
                OR (resolved_at IS NULL AND status IN ('submitted', 'accepted', 'in_progress')
                    AND deadline < ?))),
            SUM(rating IS NOT NULL), SUM(rating IS 'satisfied'), SUM(rating IS 'basic'),
            SUM(rating IS 'unsatisfied'),
            GROUP_CONCAT(CASE WHEN resolved_at IS NOT NULL
                THEN (julianday(resolved_at) - julianday(received_at)) * 24 END)
         FROM scoped GROUP BY key ORDER BY key"
    );
    let mut all = vec![Value::Text(ts(q.from)), Value::Text(ts(q.to))];
    all.append(&mut args);
    all.push(Value::Text(ts(q.now)));
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(all), |r| {
        let hours: Option<String> = r.get(15)?;
        Ok(StatsCounts {
            key: r.get(0)?,
            label: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            total: r.get(2)?,
            submitted: r.get(3)?,
            open: r.get(4)?,
            resolved: r.get(5)?,
            rejected: r.get(6)?,
            withdrawn: r.get(7)?,
            dispatched: r.get(8)?,
            responded_in_time: r.get(9)?,
            overdue: r.get(10)?,
            rated: r.get(11)?,
            satisfied: r.get(12)?,
            basic: r.get(13)?,
            unsatisfied: r.get(14)?,
            median_hours_to_resolve: median(hours.as_deref()),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The median of the comma-separated hours the query gathered per group.
fn median(hours: Option<&str>) -> Option<f64> {
    let mut v: Vec<f64> = hours?.split(',').filter_map(|h| h.parse().ok()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

impl StatisticsStore for SqliteStore {
    fn report_statistics(&self, who: &Staff, q: &StatsQuery) -> StoreResult<Vec<StatsCounts>> {
        self.read(|c| statistics(c, who, q))
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_of_odd_and_even_counts() {
        assert_eq!(median(None), None);
        assert_eq!(median(Some("3,1,2")), Some(2.0));
        assert_eq!(median(Some("4,1,2,3")), Some(2.5));
    }
}
