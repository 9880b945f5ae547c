//! Consultations (议事协商) and votes as a resident sees them.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VoteScope {
    /// Every eligible resident has one vote.
    PerResident,
    /// One vote per household; a later vote by anyone in the household replaces it.
    PerHousehold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ResultsVisibility {
    Live,
    AfterClose,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ConsultationOption {
    pub id: Uuid,
    pub label: String,
    /// Votes for this option; present only when results are visible to the caller.
    #[serde(default)]
    pub votes: Option<i64>,
}

/// A consultation rendered for one resident: `my_vote` is their (or their household's) current vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Consultation {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub options: Vec<ConsultationOption>,
    /// 1 for single choice; the most options one vote may pick otherwise.
    pub max_choices: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub vote_scope: VoteScope,
    pub results_visibility: ResultsVisibility,
    /// Set when staff closed it early (or at `closes_at` by the hub).
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Option ids of the caller's current vote (or their household's, for per-household votes).
    #[serde(default)]
    pub my_vote: Option<Vec<Uuid>>,
    /// Total ballots counted, when results are visible.
    #[serde(default)]
    pub total_votes: Option<i64>,
    /// For a closed consultation: the final tally's leaf in the transparency log, opened (tallies are
    /// public to those the consultation is addressed to), so devices can check the result is logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally_receipt: Option<crate::LogReceipt>,
}

impl Consultation {
    /// Whether a vote made at `at` would still be counted.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.closed_at.is_none() && at >= self.opens_at && at < self.closes_at
    }
}
