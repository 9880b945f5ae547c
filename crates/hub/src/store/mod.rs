//! Storage behind one narrow trait. Handlers and admin functions only see [`Store`]; SQL lives in
//! [`sqlite`] (the embedded default). A PostgreSQL backend implements the same trait later.
pub mod cases;
pub mod dispatch;
pub mod notice_desk;
pub mod open311;
pub mod restores;
pub mod sqlite;
pub mod staff_auth;
pub mod statistics;
pub mod tiles;
pub mod witnesses;

use chrono::{DateTime, Utc};
use linli_proto::{
    Attachment, Category, Change, Community, Consultation, ErrorCode, GrantParty, Household,
    LogReceipt, Notice, Op, OpStatus, ProxyAct, ProxyGrant, ProxyScope, Report, ReportStatus,
    ResultsVisibility, Satisfaction, Urgency, VoteScope,
};
use linli_tlog::{Hash, NoteSigner};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule refused the request; the code goes to the caller as is.
    #[error("refused: {0}")]
    Refused(ErrorCode),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error(
        "the database was written by a newer linli-hub (schema {found}, this one knows {known})"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("no community has been created yet")]
    NoCommunity,
    /// Inside the SQLite store only: a batch applied without a savepoint per op met an op refused after
    /// it had written, so the batch is applied again, each op in its savepoint. Never reaches a caller.
    #[error("a refused op had written; applying again with savepoints")]
    RetryWithSavepoints,
    /// The store's background thread (WAL checkpoints) could not start.
    #[error("starting a store thread: {0}")]
    Thread(#[from] std::io::Error),
}

impl StoreError {
    /// True when SQLite ran out of room (`SQLITE_FULL`: the disk, or the database's page limit).
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Sqlite(e)
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull))
    }
}

impl From<ErrorCode> for StoreError {
    fn from(code: ErrorCode) -> Self {
        StoreError::Refused(code)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The caller behind a device token: everything visibility rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub resident_id: Uuid,
    pub device_id: Uuid,
    pub household_id: Uuid,
    pub building_id: Uuid,
    pub community_id: Uuid,
}

/// The street (街道) a hub serves: named once by the street office (`admin street set`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Street {
    pub id: Uuid,
    pub name: String,
    /// The street's administrative code, e.g. `310104003`.
    pub code: String,
}

/// A member of the street office: reads every community of the street and sends street-wide notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreetStaff {
    pub id: Uuid,
    pub street_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// One community as the street office sees it: counts, no personal details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityOverview {
    pub id: Uuid,
    pub name: String,
    pub households: i64,
    pub residents: i64,
    pub open_reports: i64,
    pub live_consultations: i64,
}

/// What creating a community needs; also the seed file format (JSON or TOML).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommunitySeed {
    pub name: String,
    pub phone: String,
    pub hours: String,
    pub buildings: Vec<BuildingSeed>,
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildingSeed {
    pub name: String,
    pub units: Vec<UnitSeed>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitSeed {
    pub name: String,
    pub rooms: Vec<String>,
}

/// A successful redeem: the new resident and device, and what the device shows first.
#[derive(Debug, Clone)]
pub struct Joined {
    pub resident_id: Uuid,
    pub device_id: Uuid,
    pub community: Community,
    pub household: Household,
}

/// A device as staff see it (never the token).
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub id: Uuid,
    pub name: Option<String>,
    pub resident_id: Uuid,
    pub household: Household,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_seq: i64,
}

/// An invitation code as staff issued it.
#[derive(Debug, Clone, Serialize)]
pub struct InviteInfo {
    /// Stored form, e.g. `ABCDEFGH`.
    pub code: String,
    pub household: Household,
    pub expires_at: DateTime<Utc>,
}

/// The hub's answer to one op, as stored for retries (the message is rendered per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpOutcome {
    pub status: OpStatus,
    pub code: Option<ErrorCode>,
    pub version: Option<i64>,
    /// The transparency-log leaf the op wrote (votes, report withdrawals and reopenings).
    pub log_index: Option<u64>,
}

impl OpOutcome {
    pub fn applied(version: Option<i64>) -> Self {
        OpOutcome {
            status: OpStatus::Applied,
            code: None,
            version,
            log_index: None,
        }
    }
    pub fn rejected(code: ErrorCode) -> Self {
        OpOutcome {
            status: OpStatus::Rejected,
            code: Some(code),
            version: None,
            log_index: None,
        }
    }
    pub fn deferred(code: ErrorCode) -> Self {
        OpOutcome {
            status: OpStatus::Deferred,
            code: Some(code),
            version: None,
            log_index: None,
        }
    }
}

/// One page of the change feed for a viewer.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub changes: Vec<Change>,
    pub next_cursor: i64,
    pub has_more: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewNotice {
    pub title: String,
    pub body: String,
    pub urgency: Urgency,
    pub pinned: bool,
    pub expires_at: Option<DateTime<Utc>>,
    /// Building names; empty means the whole community.
    pub buildings: Vec<String>,
}

/// A notice as staff see it, with read counts.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeSummary {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub urgency: Urgency,
    pub pinned: bool,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub retracted_at: Option<DateTime<Utc>>,
    pub buildings: Vec<String>,
    /// Residents who opened it.
    pub read_count: i64,
    /// Residents it is addressed to.
    pub audience_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewConsultation {
    pub title: String,
    pub description: String,
    pub options: Vec<String>,
    pub max_choices: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub vote_scope: VoteScope,
    pub results_visibility: ResultsVisibility,
    /// Building names eligible to vote (and who sees it); empty means the whole community.
    pub buildings: Vec<String>,
}

/// A consultation with its full tally, as staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationResults {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub max_choices: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub vote_scope: VoteScope,
    pub results_visibility: ResultsVisibility,
    pub buildings: Vec<String>,
    pub options: Vec<OptionTally>,
    pub total_votes: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionTally {
    pub id: Uuid,
    pub label: String,
    pub votes: i64,
}

/// A report as staff see it: the resident's rendering plus where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct StaffReport {
    #[serde(flatten)]
    pub report: Report,
    pub household: Household,
    pub rating: Option<Satisfaction>,
    /// Dispatch (派单): who has it, by when, and the steps so far.
    #[serde(flatten)]
    pub dispatch: dispatch::DispatchInfo,
    /// Where it came from when a city system (the 12345 hotline) sent it over Open311.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<open311::ExternalCase>,
}

/// What staff may filter the report list by.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub status: Option<ReportStatus>,
    /// Only reports past their promised date and not yet resolved.
    pub overdue: bool,
    /// Only overdue reports escalated to the community's heads (超期督办).
    pub escalated: bool,
}

/// A grant staff create at the office, after checking both residents in person.
#[derive(Debug, Clone)]
pub struct OfficeGrant {
    pub principal: Uuid,
    pub proxy: Uuid,
    pub proxy_name: Option<String>,
    pub scopes: Vec<ProxyScope>,
    pub days: i64,
}

/// Proxy limits of the community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProxyLimits {
    /// Active proxies one principal may have.
    pub max_proxies: i64,
    /// Principals one proxy may act for.
    pub max_principals: i64,
}

/// A member of the office's staff. Admin commands act as one (`--staff`), and see personal details only
/// in their own community; the data officer also reads the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub id: Uuid,
    pub community_id: Uuid,
    pub name: String,
    pub data_officer: bool,
    /// What they may see and do (see `domain::staff_scope`).
    pub role: crate::domain::staff_scope::StaffRole,
    pub created_at: DateTime<Utc>,
}

/// One line of the access log: a staff view of a resident's personal details, or an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `staff`, or `resident` for a resident's own export.
    pub actor: String,
    pub staff_id: Option<Uuid>,
    pub staff_name: Option<String>,
    /// e.g. `report_view`, `reports_list`, `devices_list`, `export`, `account_closed`.
    pub action: String,
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    /// The resident whose details were seen (a bare id: after closure it names no one).
    pub resident_id: Option<Uuid>,
    /// The Open311 key that read (actor `open311`), by name.
    pub api_key: Option<String>,
}

/// Everything the hub holds about one resident, section by section (see `sqlite::export`), plus the
/// photo files to put beside it. Sections are JSON so new ones (proxy grants and acts) need no new type.
#[derive(Debug, Clone)]
pub struct ExportData {
    pub sections: Vec<(String, serde_json::Value)>,
    /// sha256 and MIME type of each photo the resident's reports hold.
    pub photos: Vec<(String, String)>,
}

/// What closing an account did on the hub; `files_to_delete` are blob files (sha256 names) the caller
/// removes from disk after the transaction committed.
#[derive(Debug, Clone, Default)]
pub struct ClosedAccount {
    pub reports_anonymised: i64,
    pub devices_revoked: i64,
    pub files_to_delete: Vec<String>,
}

pub use sqlite::{Audience, Committed};

/// Everything the hub stores. Methods are blocking; the server calls them from `spawn_blocking`.
pub trait Store:
    staff_auth::StaffAuthStore
    + witnesses::WitnessStore
    + tiles::TileStore
    + dispatch::DispatchStore
    + notice_desk::NoticeDeskStore
    + notice_desk::ConsultationDeskStore
    + cases::CaseStore
    + restores::RestoreStore
    + statistics::StatisticsStore
    + open311::Open311Store
    + Send
    + Sync
    + 'static
{
    // -- the street and its communities, and each community's address book
    /// Every community of the hub, oldest first.
    fn communities(&self) -> StoreResult<Vec<Community>>;
    fn community(&self, id: Uuid) -> StoreResult<Option<Community>>;
    /// Adds a community (of the street, when one is named); `Refused(community_exists)` for a name taken.
    fn create_community(&self, seed: &CommunitySeed, now: DateTime<Utc>) -> StoreResult<Uuid>;
    fn street(&self) -> StoreResult<Option<Street>>;
    /// Names the street (or renames it); communities without a street join it.
    fn set_street(&self, name: &str, code: &str, now: DateTime<Utc>) -> StoreResult<Street>;
    fn add_street_staff(&self, name: &str, now: DateTime<Utc>) -> StoreResult<StreetStaff>;
    fn street_staff(&self, id: Uuid) -> StoreResult<Option<StreetStaff>>;
    /// Counts per community of the street, for street staff.
    fn street_overview(&self, who: &StreetStaff) -> StoreResult<Vec<CommunityOverview>>;
    /// One notice per listed community (all of the street's when empty), marked as the street's, in one
    /// transaction; answers the street notice's id and each community's notice id.
    fn publish_street_notice(
        &self,
        who: &StreetStaff,
        notice: &NewNotice,
        communities: &[Uuid],
        now: DateTime<Utc>,
    ) -> StoreResult<(Uuid, Vec<(Uuid, Uuid)>)>;
    fn households(&self, community: Uuid) -> StoreResult<Vec<Household>>;
    fn find_household(
        &self,
        community: Uuid,
        building: &str,
        unit: &str,
        room: &str,
    ) -> StoreResult<Option<Household>>;

    // -- invitations and devices
    fn create_invite(
        &self,
        code: &str,
        household_id: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<InviteInfo>;
    /// Redeems a normalized code; `Refused(invite_*)` when it can't be used.
    /// `privacy_version` is the privacy notice version the resident agreed to, kept with the device.
    fn redeem_invite(
        &self,
        code: &str,
        device_name: Option<&str>,
        token_hash: &str,
        privacy_version: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Joined>;
    /// The viewer behind a token hash, unless unknown or revoked.
    fn authenticate(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Viewer>>;
    fn me(&self, viewer: &Viewer) -> StoreResult<(Community, Household)>;
    /// `false` when no such device exists in the community.
    fn revoke_device(&self, community: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool>;

    // -- sync
    /// The newest position in one community's change feed (0 when empty).
    fn head(&self, community: Uuid) -> StoreResult<i64>;
    /// The newest row of the hub-wide change log (what the nudger follows; 0 when empty).
    fn last_seq(&self) -> StoreResult<i64>;
    /// The hub-wide log position as of the newest push this process committed, known without a query (a
    /// push wakes the nudger with it instead of reading [`Store::last_seq`] again); `None` if unknown.
    fn pushed_head(&self) -> Option<i64> {
        None
    }
    /// Change-log rows committed after hub-wide position `seq`, oldest first, at most `limit`: who may see
    /// each, so the nudger wakes only those devices.
    fn committed_after(&self, seq: i64, limit: u32) -> StoreResult<Vec<Committed>>;
    /// What a viewer's device is woken for: the viewer's community, building, household and self, and
    /// the same of every resident it is an active proxy for (their feed is the proxy's to pull).
    fn nudge_audiences(&self, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<Vec<Audience>>;
    /// Logs one change per consultation whose tally moved since the last call, for everyone it is
    /// addressed to (votes log a change for the voter only). Returns how many.
    fn flush_tallies(&self, now: DateTime<Utc>) -> StoreResult<usize>;
    fn pull(
        &self,
        viewer: &Viewer,
        cursor: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<FeedPage>;
    /// Applies one op exactly once, in device order (see `api::push`).
    fn push_op(&self, viewer: &Viewer, op: &Op, now: DateTime<Utc>) -> StoreResult<OpOutcome>;
    /// Applies a device's ops in the order given, each exactly once. The whole request shares one write
    /// transaction, and requests from several devices that arrive together share one commit (see
    /// `sqlite::group`); an error leaves none of this request's ops applied (the device gets no answers
    /// and sends the same ops again).
    fn push_ops(
        &self,
        viewer: &Viewer,
        ops: Vec<Op>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OpOutcome>>;
    fn report_for(&self, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Report>>;
    fn notice_for(&self, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Notice>>;
    fn consultation_for(
        &self,
        viewer: &Viewer,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Consultation>>;

    // -- blobs (content lives in files; the store keeps who uploaded what)
    fn record_blob(
        &self,
        sha256: &str,
        mime: &str,
        size: i64,
        // A voice message's playing time, as read from the file.
        duration_ms: Option<u32>,
        uploader: &Viewer,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The blob's MIME type when the viewer may download it.
    fn blob_for(&self, viewer: &Viewer, sha256: &str) -> StoreResult<Option<String>>;

    // -- staff
    /// Publishes a notice; `attachments` are already stored in the blob directory.
    fn publish_notice(
        &self,
        community: Uuid,
        notice: &NewNotice,
        attachments: &[Attachment],
        now: DateTime<Utc>,
    ) -> StoreResult<Uuid>;
    /// `false` when no such notice in the community or it was already retracted.
    fn retract_notice(&self, community: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool>;
    fn notices(&self, community: Uuid) -> StoreResult<Vec<NoticeSummary>>;
    fn create_consultation(
        &self,
        community: Uuid,
        c: &NewConsultation,
        now: DateTime<Utc>,
    ) -> StoreResult<Uuid>;
    /// Records `closed_at`; `Refused(consultation_not_found)` when unknown in the community.
    fn close_consultation(&self, community: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;
    /// Marks consultations whose `closes_at` passed as closed, so devices learn results appeared.
    fn close_due_consultations(&self, now: DateTime<Utc>) -> StoreResult<usize>;
    fn consultation_results(
        &self,
        community: Uuid,
        id: Uuid,
    ) -> StoreResult<Option<ConsultationResults>>;
    fn consultations(&self, community: Uuid) -> StoreResult<Vec<ConsultationResults>>;
    /// `Refused(report_not_found)` for a report of another community, as for an unknown one.
    fn set_report_status(
        &self,
        community: Uuid,
        id: Uuid,
        status: ReportStatus,
        reply: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        self.set_report_status_by(community, id, status, reply, None, now)
    }
    /// As [`Store::set_report_status`], recording which staff member made the change.
    fn set_report_status_by(
        &self,
        community: Uuid,
        id: Uuid,
        status: ReportStatus,
        reply: Option<&str>,
        staff: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> StoreResult<Report>;

    // -- staff identities and the access log
    fn add_staff(
        &self,
        community: Uuid,
        name: &str,
        data_officer: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Staff>;
    fn staff(&self, id: Uuid) -> StoreResult<Option<Staff>>;
    fn staff_list(&self, community: Uuid) -> StoreResult<Vec<Staff>>;
    /// Reports in the staff member's scope; each one listed is logged (same transaction).
    fn reports_seen_by(
        &self,
        staff: &Staff,
        filter: &ReportFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<StaffReport>>;
    /// One report, logged; `None` for one outside the member's scope, as for an unknown one.
    fn report_seen_by(
        &self,
        staff: &Staff,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StaffReport>>;
    /// Devices (with their household) of the staff member's community, logged.
    fn devices_seen_by(&self, staff: &Staff, now: DateTime<Utc>) -> StoreResult<Vec<DeviceInfo>>;
    /// The access log of the data officer's community, oldest first; `Refused(forbidden)` unless `staff`
    /// is the data officer.
    fn access_log(&self, staff: &Staff) -> StoreResult<Vec<AccessEntry>>;

    // -- residents' rights
    /// Everything the hub holds about the viewer; the export is logged in the same transaction.
    fn export_for(&self, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<ExportData>;
    /// Closes the viewer's account now (see `sqlite::closure` for the steps).
    fn close_account(&self, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<ClosedAccount>;
    /// Drops the photos of reports resolved before `resolved_before`; returns blob files no longer used.
    fn expire_photos(
        &self,
        resolved_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<String>>;

    // -- transparency log, one per community (leaves are appended by the writes above, in their
    // transactions); `log` is the community whose log is meant.
    /// The signed checkpoint of the community's log. Signed lazily: a stored checkpoint is reused while
    /// the log has not grown (and `signer` signed it), so reading it costs no signature.
    fn log_checkpoint(
        &self,
        log: Uuid,
        signer: &NoteSigner,
        now: DateTime<Utc>,
    ) -> StoreResult<String>;
    /// The origin line of the community's checkpoints (what its devices pin with the key).
    fn log_origin(&self, log: Uuid, signer: &NoteSigner) -> StoreResult<String>;
    /// Inclusion proof of leaf `index` in the tree of `size` leaves.
    fn log_inclusion(&self, log: Uuid, size: u64, index: u64) -> StoreResult<Vec<Hash>>;
    /// Inclusion proofs of several leaves in the tree of `size` leaves, in the order of `indices`.
    fn log_inclusions(&self, log: Uuid, size: u64, indices: &[u64]) -> StoreResult<Vec<Vec<Hash>>> {
        indices
            .iter()
            .map(|i| self.log_inclusion(log, size, *i))
            .collect()
    }
    /// One proof that leaves `indices` (strictly increasing) are in the tree of `size` leaves.
    fn log_leaves_proof(&self, log: Uuid, size: u64, indices: &[u64]) -> StoreResult<Vec<Hash>>;
    /// Consistency proof from the tree of `old` leaves to the tree of `new` leaves.
    fn log_consistency(&self, log: Uuid, old: u64, new: u64) -> StoreResult<Vec<Hash>>;
    /// The log's size and the leaf bytes of `start..end` (clamped to the log).
    fn log_leaves(&self, log: Uuid, start: u64, end: u64) -> StoreResult<(u64, Vec<Vec<u8>>)>;
    /// The receipts (leaf and opening) of leaves `indices`, in that order, read together (a push of 500
    /// votes answers 500 receipts); for the records' owner only.
    fn log_receipts(&self, log: Uuid, indices: &[u64]) -> StoreResult<Vec<Option<LogReceipt>>>;
    /// Every final tally, opened.
    fn log_tallies(&self, log: Uuid) -> StoreResult<Vec<LogReceipt>>;
    /// Every vote leaf, opened: for the auditor the office appoints, never served over the API.
    fn log_vote_openings(&self, log: Uuid) -> StoreResult<Vec<LogReceipt>>;
    // -- authorized proxies (亲友代办)
    /// Stores a one-time code (its hash) the principal hands to a relative.
    fn create_proxy_code(
        &self,
        principal: &Viewer,
        code_hash: &str,
        scopes: &[ProxyScope],
        days: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Redeems a code into a grant to the caller; `Refused(proxy_*)` when it can't be used.
    fn accept_proxy_code(
        &self,
        proxy: &Viewer,
        code_hash: &str,
        proxy_name: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyGrant>;
    /// A grant made by staff at the office of the principal's community (`community`); the proxy may live
    /// in any community of the hub.
    fn grant_proxy(
        &self,
        community: Uuid,
        g: &OfficeGrant,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyGrant>;
    /// Grants where the resident is the principal or the proxy, newest first.
    fn proxy_grants_of(&self, resident: Uuid, now: DateTime<Utc>) -> StoreResult<Vec<ProxyGrant>>;
    /// Every grant in `who`'s community (staff): the names and homes in them are personal details, so
    /// each grant shown goes to the access log with the view.
    fn proxy_grants_seen_by(&self, who: &Staff, now: DateTime<Utc>)
        -> StoreResult<Vec<ProxyGrant>>;
    fn proxy_grant(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ProxyGrant>>;
    /// Ends a grant: `revoked` by the principal or staff, `given_up` by the proxy.
    fn end_proxy_grant(
        &self,
        id: Uuid,
        by: GrantParty,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyGrant>;
    /// The principal's change feed as the proxy may see it: after the grant check, only what its
    /// scopes cover.
    fn pull_for(
        &self,
        proxy: &Viewer,
        principal: Uuid,
        cursor: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<FeedPage>;
    /// Logs grants that expired since the last call as grant changes, for both residents' feeds.
    fn log_expired_grants(&self, now: DateTime<Utc>) -> StoreResult<usize>;
    /// Every act proxies did for the principal, oldest first, for staff of the principal's community
    /// (`forbidden` for another's); the view goes to the access log.
    fn proxy_acts_seen_by(
        &self,
        who: &Staff,
        principal: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ProxyAct>>;
    fn proxy_limits(&self, community: Uuid) -> StoreResult<ProxyLimits>;
    fn set_proxy_limits(&self, community: Uuid, limits: ProxyLimits) -> StoreResult<()>;
    /// Creates a visitor (a relative from another community) and redeems the code for it; answers the
    /// grant and the visitor's id.
    fn accept_proxy_code_as_visitor(
        &self,
        code_hash: &str,
        token_hash: &str,
        name: Option<&str>,
        home: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(ProxyGrant, Uuid)>;
    /// The visitor behind a visitor token, as a viewer without household.
    fn authenticate_visitor(&self, token_hash: &str) -> StoreResult<Option<Viewer>>;
    /// Applies one visitor op exactly once, in order; only ops for a principal are accepted.
    fn push_visitor_op(
        &self,
        visitor: &Viewer,
        op: &Op,
        now: DateTime<Utc>,
    ) -> StoreResult<OpOutcome>;
    /// The resident of `community` staff mean by a resident id or a device id (`None` for another
    /// community's, as for an unknown id).
    fn resident_by_id(&self, community: Uuid, id: Uuid) -> StoreResult<Option<Uuid>>;
    /// Residents who joined for a household, oldest first.
    fn residents_of_household(&self, household_id: Uuid) -> StoreResult<Vec<Uuid>>;
}
