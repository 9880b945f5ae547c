//! Statistics for the office and the street (统计) and the monthly report (月度通报), for the console,
//! the staff API and `linli-hub admin stats`: the rates as the level above assesses them (三率) —
//! 响应率 (the office's first step within a day), 解决率 (resolved of those not withdrawn) and 满意率
//! (satisfied or basically satisfied of those rated) — and the on-time rate, computed from counts the
//! database makes; with the trend per week or month, notice reach and consultation turnout. The
//! console's tables and charts, the monthly report and the CLI all print these same rows.
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use linli_proto::ErrorCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::staff_scope::StaffRole;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::statistics::{
    GroupBy, NoticeReach, StatsCounts, StatsQuery, TrendEvery, Turnout,
};
use crate::store::Staff;

/// The longest period one request may cover.
pub const PERIOD_MAX_DAYS: i64 = 366;

/// One group's counts and rates (`None` where the rate has no denominator).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StatsRow {
    #[serde(flatten)]
    pub counts: StatsCounts,
    /// 响应率: the office's first step within one day of arrival, of all.
    pub response_rate: Option<f64>,
    /// 解决率: resolved, of those not withdrawn.
    pub resolution_rate: Option<f64>,
    /// 满意率: satisfied or basically satisfied, of those rated.
    pub satisfaction_rate: Option<f64>,
    /// 按时办结率: resolved by the promised date, of those whose promised date has come.
    pub on_time_rate: Option<f64>,
}

impl From<StatsCounts> for StatsRow {
    fn from(c: StatsCounts) -> Self {
        let rate = |n: i64, d: i64| (d > 0).then(|| n as f64 / d as f64);
        StatsRow {
            response_rate: rate(c.responded_in_time, c.total),
            resolution_rate: rate(c.resolved, c.total - c.withdrawn),
            satisfaction_rate: rate(c.satisfied + c.basic, c.rated),
            on_time_rate: rate(c.resolved_on_time, c.due),
            counts: c,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Statistics {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub by: GroupBy,
    pub every: TrendEvery,
    /// One row per group, in key order.
    pub rows: Vec<StatsRow>,
    /// All the period's reports in one row (a report of two grids counts once here).
    pub total: StatsRow,
    /// One row per week or month that has reports, keyed by its first day (`2026-11-02`).
    pub trend: Vec<StatsRow>,
    /// The period's notices, per building.
    pub notice_reach: Vec<NoticeReach>,
    /// The consultations opened in the period.
    pub turnout: Vec<Turnout>,
}

/// The trend's step when none is asked for: weeks for up to a quarter, months beyond.
pub fn default_every(from: DateTime<Utc>, to: DateTime<Utc>) -> TrendEvery {
    if to - from <= Duration::days(92) {
        TrendEvery::Week
    } else {
        TrendEvery::Month
    }
}

/// The reports `staff` may see made in `[from, to)`, grouped `by`. The data officer sees no report,
/// so none of their counts either (`forbidden`); a period that is empty, reversed or longer than
/// [`PERIOD_MAX_DAYS`] is `bad_request`.
pub fn statistics(
    hub: &Hub,
    staff: &Staff,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    by: GroupBy,
    every: Option<TrendEvery>,
) -> Result<Statistics, HubError> {
    if staff.role == StaffRole::Data {
        return Err(ErrorCode::Forbidden.into());
    }
    if to <= from || to - from > Duration::days(PERIOD_MAX_DAYS) {
        return Err(ErrorCode::BadRequest.into());
    }
    let every = every.unwrap_or_else(|| default_every(from, to));
    let q = StatsQuery {
        from,
        to,
        by,
        every,
        now: hub.now(),
    };
    let store = hub.store();
    let counts = store.report_statistics(staff, &q)?;
    Ok(Statistics {
        from,
        to,
        by,
        every,
        rows: counts.rows.into_iter().map(StatsRow::from).collect(),
        total: counts.total.into(),
        trend: counts.trend.into_iter().map(StatsRow::from).collect(),
        notice_reach: store.notice_reach(staff, from, to)?,
        turnout: store.period_turnout(staff, from, to)?,
    })
}

/// The calendar month `month` (its first day) as a period, in China Standard Time (UTC+8), which is
/// how the street counts months.
pub fn month_period(month: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>), HubError> {
    let cst =
        chrono::FixedOffset::east_opt(8 * 3600).ok_or(HubError::Refused(ErrorCode::Internal))?;
    let first = NaiveDate::from_ymd_opt(month.year(), month.month(), 1)
        .ok_or(HubError::Refused(ErrorCode::BadRequest))?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or(HubError::Refused(ErrorCode::BadRequest))?;
    let at = |d: NaiveDate| {
        cst.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or(HubError::Refused(ErrorCode::BadRequest))
    };
    Ok((at(first)?, at(next)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_have_denominators_or_none() {
        let row = StatsRow::from(StatsCounts {
            total: 10,
            withdrawn: 2,
            resolved: 6,
            responded_in_time: 9,
            rated: 4,
            satisfied: 2,
            basic: 1,
            unsatisfied: 1,
            due: 5,
            resolved_on_time: 4,
            ..Default::default()
        });
        assert_eq!(row.response_rate, Some(0.9));
        assert_eq!(row.resolution_rate, Some(0.75));
        assert_eq!(row.satisfaction_rate, Some(0.75));
        assert_eq!(row.on_time_rate, Some(0.8));
        let empty = StatsRow::from(StatsCounts::default());
        assert_eq!(
            (
                empty.response_rate,
                empty.resolution_rate,
                empty.satisfaction_rate
            ),
            (None, None, None)
        );
    }

    #[test]
    fn a_month_is_counted_in_china_standard_time() {
        let (from, to) = month_period(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()).unwrap();
        assert_eq!(from.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-12-31T16:00:00+00:00");
    }
}
