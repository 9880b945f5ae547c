//! What the store keeps for city systems over Open311 GeoReport v2: API keys (only their sha256), the
//! reports that came in through Open311 with the caller's id and the hotline's deadline and category,
//! and the building-level view of reports those systems read (every read in the access log).
use chrono::{DateTime, Utc};
use linli_proto::{Category, LatLon, ReportStatus, Satisfaction};
use serde::Serialize;
use uuid::Uuid;

use super::{Staff, StoreResult};

/// What a key may do: read services and requests, or also create requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    Read,
    Write,
}

impl KeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Read => "read",
            KeyScope::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(KeyScope::Read),
            "write" => Some(KeyScope::Write),
            _ => None,
        }
    }
}

/// An API key as staff list it: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    pub id: Uuid,
    /// Who holds it, e.g. `12345中心`.
    pub name: String,
    pub scope: KeyScope,
    /// What reports created with it are marked with (`12345`, `open311`).
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where a report came from when a city system sent it: shown in the staff inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalCase {
    /// `12345` or `open311`.
    pub source: String,
    /// The caller's own id of the case (工单编号), when it gave one.
    pub external_id: Option<String>,
    /// The name of the key it came with.
    pub key_name: String,
    /// The deadline the hotline set (办结时限).
    pub hotline_deadline: Option<DateTime<Utc>>,
    /// The hotline's own category of the case.
    pub hotline_category: Option<String>,
}

/// A report a city system sends; the rules (service, place, attributes) were checked by the admin
/// library.
#[derive(Debug, Clone)]
pub struct NewExternalReport<'a> {
    pub community: Uuid,
    pub key: &'a ApiKey,
    pub category: &'a str,
    pub text: &'a str,
    /// The building of the community the caller's address names, if any.
    pub building: Option<String>,
    /// The caller's address as given (for staff only).
    pub address_text: Option<String>,
    pub location: Option<LatLon>,
    pub external_id: Option<&'a str>,
    pub hotline_deadline: Option<DateTime<Utc>>,
    pub hotline_category: Option<&'a str>,
}

/// One report as a city system sees it: building-level place, no resident's words, names or photos.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    pub id: Uuid,
    pub community_name: String,
    pub category: String,
    pub category_name: String,
    pub status: ReportStatus,
    /// The newest reply staff wrote.
    pub status_notes: Option<String>,
    /// Who has it (the dispatch's assignee), else the community.
    pub agency_responsible: String,
    /// The caller's own description, for reports that came in through Open311 only.
    pub description: Option<String>,
    pub requested: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// The promised date: the dispatch's deadline, else the hotline's.
    pub expected: Option<DateTime<Utc>>,
    pub building: Option<String>,
    /// The caller's own point, for reports that came in through Open311 only.
    pub location: Option<LatLon>,
    pub external: Option<ExternalCase>,
    /// When it was resolved (办结时间).
    pub resolved: Option<DateTime<Utc>>,
    /// The resident's rating of the result (回访满意度); for a 12345 case, the follow-up's.
    pub satisfaction: Option<Satisfaction>,
}

/// Which reports of a community a city system asks for (dates and statuses checked by the admin
/// library). Empty lists mean "any".
#[derive(Debug, Clone)]
pub struct RequestQuery {
    pub community: Uuid,
    pub ids: Vec<Uuid>,
    pub categories: Vec<String>,
    pub statuses: Vec<ReportStatus>,
    /// Requested between these times (inclusive); ignored when `ids` are given.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub limit: usize,
}

pub trait Open311Store {
    /// A new key by the sha256 of its secret; `api_key_name_taken` when a live key has the name.
    fn add_api_key(
        &self,
        name: &str,
        key_hash: &str,
        scope: KeyScope,
        source: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiKey>;
    /// Every key ever issued, oldest first.
    fn api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// Revokes the live key of that name; `false` when there is none.
    fn revoke_api_key(&self, name: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// The live key with that hash.
    fn api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    /// The community's report categories.
    fn services(&self, community: Uuid) -> StoreResult<Vec<Category>>;
    /// Writes one read by a key that showed no report (discovery, services) to the community's
    /// access log.
    fn log_key_read(
        &self,
        key: &ApiKey,
        community: Uuid,
        action: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The reports the query names, newest first, each one written to the access log as read by
    /// `key` in the same transaction.
    fn service_requests(
        &self,
        key: &ApiKey,
        q: &RequestQuery,
        action: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRequest>>;
    /// Creates the reports in their communities' inboxes in one transaction (all or none), or finds
    /// those created earlier with the same caller's id; `true` for each new one.
    fn create_external_reports(
        &self,
        cases: &[NewExternalReport<'_>],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Uuid, bool)>>;
    /// The community's cases from city systems received since `since`, oldest first (the hotline's
    /// result file); the export goes to the access log of `staff` when a member asked for it.
    fn hotline_results(
        &self,
        community: Uuid,
        since: DateTime<Utc>,
        staff: Option<&Staff>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRequest>>;
    /// The mark of cases imported from the hotline's file: a key no secret matches, made once.
    fn hotline_import_key(&self, now: DateTime<Utc>) -> StoreResult<ApiKey>;
    /// Where a report came from, when a city system sent it.
    fn external_case(&self, report: Uuid) -> StoreResult<Option<ExternalCase>>;
}
