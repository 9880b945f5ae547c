//! What the statistics screen and the monthly report (月度通报) read: reports counted in the database,
//! grouped by category, building or status over a period, within what the staff member may see.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Staff, StoreResult};

/// What the reports are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Category,
    Building,
    Status,
}

/// Reports that reached the hub in `[from, to)` (by the hub's clock, not the device's), grouped.
#[derive(Debug, Clone)]
pub struct StatsQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub by: GroupBy,
    /// "Now" for what is overdue.
    pub now: DateTime<Utc>,
}

/// The counts of one group, as the database computed them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct StatsCounts {
    /// The group's key (category key, building id, status) and its name for people.
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
    /// Dispatched (派单) at least once.
    pub dispatched: i64,
    /// The office's first step (accept, reject, dispatch, sign…) within one day of arrival.
    pub responded_in_time: i64,
    /// Past the promised date: resolved after it, or still open after it.
    pub overdue: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub basic: i64,
    pub unsatisfied: i64,
    /// Median hours from arrival to resolution, over the resolved ones.
    pub median_hours_to_resolve: Option<f64>,
}

pub trait StatisticsStore {
    /// Counts per group of the reports `who` may see (see `domain::staff_scope`), in key order.
    fn report_statistics(&self, who: &Staff, q: &StatsQuery) -> StoreResult<Vec<StatsCounts>>;
}
