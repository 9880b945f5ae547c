//! What the statistics screen and the monthly report (月度通报) read: reports counted in the database,
//! grouped by category, building, grid, status, source or community over a period, within what the
//! staff member may see; the same counts for the whole period and per week or month (the trend); how
//! many households read the period's notices within a day (per building), and how many households
//! took part in its consultations.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Staff, StoreResult};

/// What the reports are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Category,
    Building,
    /// A grid worker's buildings (网格); a building no grid worker holds is counted under the empty
    /// key, and a building two grid workers share in both grids.
    Grid,
    Status,
    /// Where the report came from: `app`, `relative` (made by an authorized proxy, 亲友代办), or the
    /// source of the city system that sent it (`12345`, `open311`, …).
    Source,
    Community,
}

/// The trend's steps: weeks start on Monday, months on the 1st, both in China Standard Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrendEvery {
    Week,
    Month,
}

/// Reports that reached the hub in `[from, to)` (by the hub's clock, not the device's), grouped.
#[derive(Debug, Clone)]
pub struct StatsQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub by: GroupBy,
    pub every: TrendEvery,
    /// "Now" for what is overdue.
    pub now: DateTime<Utc>,
}

/// The counts of one group, as the database computed them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct StatsCounts {
    /// The group's key (category key, building id, grid worker's id, status, source, community id;
    /// the first day of the step in the trend) and its name for people.
    pub key: String,
    pub label: String,
    pub total: i64,
    /// Not yet taken up (已提交).
    pub submitted: i64,
    /// 受理 or 处理中.
    pub open: i64,
    pub resolved: i64,
    pub rejected: i64,
    pub withdrawn: i64,
    /// Dispatched (派单) at least once, so with a promised date.
    pub dispatched: i64,
    /// The office's first step (accept, reject, dispatch, sign…) within one day of arrival.
    pub responded_in_time: i64,
    /// Past the promised date: resolved after it, or still open after it.
    pub overdue: i64,
    /// Still open now and past the promised date.
    pub overdue_now: i64,
    /// With a promised date that has come: resolved, or still open past it (the on-time rate's
    /// denominator).
    pub due: i64,
    /// Resolved by the promised date.
    pub resolved_on_time: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub basic: i64,
    pub unsatisfied: i64,
    /// Hours from arrival to the office's first step, over the reports that had one: the median and
    /// the 90th percentile (nearest rank).
    pub median_hours_to_accept: Option<f64>,
    pub p90_hours_to_accept: Option<f64>,
    /// Hours from arrival to resolution, over the resolved ones.
    pub median_hours_to_resolve: Option<f64>,
    pub p90_hours_to_resolve: Option<f64>,
}

/// The counts in one query: per group, for the whole period, and per step of the trend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportCounts {
    pub rows: Vec<StatsCounts>,
    pub total: StatsCounts,
    pub trend: Vec<StatsCounts>,
}

/// The period's notices as they reached one building's households.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NoticeReach {
    pub building_id: Uuid,
    pub building: String,
    /// Notices published in the period that were meant for this building.
    pub notices: i64,
    /// Households (with a resident who joined) times the notices meant for them.
    pub households: i64,
    /// Of those, the ones where someone of the household read the notice within 24 hours.
    pub read_within_day: i64,
}

/// One consultation opened in the period: the households that may take part and those that did.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Turnout {
    pub consultation_id: Uuid,
    pub title: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Households (with a resident who joined) of the buildings it is for, within the caller's scope.
    pub households: i64,
    /// Of those, the ones with at least one ballot.
    pub voted: i64,
}

/// The calendar date a trend step starts on, for the trend's keys.
pub fn step_date(key: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()
}

pub trait StatisticsStore {
    /// Counts of the reports `who` may see (see `domain::staff_scope`), groups in key order.
    fn report_statistics(&self, who: &Staff, q: &StatsQuery) -> StoreResult<ReportCounts>;
    /// Notice reach per building, in the buildings' order, for notices published in `[from, to)`.
    fn notice_reach(
        &self,
        who: &Staff,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<NoticeReach>>;
    /// Turnout of the consultations opened in `[from, to)`, by opening time.
    fn period_turnout(
        &self,
        who: &Staff,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Turnout>>;
}
