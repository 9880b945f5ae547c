//! What the store keeps for the office's notice desk: notices as staff see them with read counts per
//! building, the door-knock list (敲门名单) of households that have not read an urgent notice, and the
//! outcome of each call or visit made from it. Who may do what is decided in `admin::notice_desk`;
//! the SQL keeps to the staff member's community and, for a grid worker, their grid's buildings.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{NewNotice, NoticeSummary, Staff, StoreResult};

/// One building's share of a notice's audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BuildingReads {
    pub building: String,
    /// Residents living there.
    pub residents: i64,
    /// Of them, those who opened it themselves.
    pub read: i64,
    /// Of the others, those whose relative (代办人) opened it for them.
    pub read_by_relative: i64,
}

/// A notice in the console's list.
#[derive(Debug, Clone, Serialize)]
pub struct StaffNotice {
    #[serde(flatten)]
    pub summary: NoticeSummary,
    /// Sent by the street (街道通知) to every community of the street.
    pub street: bool,
    pub published_by: Option<String>,
    pub reads: Vec<BuildingReads>,
}

/// The console's notice screen: the community's building names (for choosing an audience) and its
/// notices.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeDesk {
    pub buildings: Vec<String>,
    pub notices: Vec<StaffNotice>,
}

/// What a call or visit from the door-knock list came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KnockOutcome {
    /// 电话已联系
    Phoned,
    /// 已上门
    Visited,
    /// 未联系上
    NotReached,
}

impl KnockOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            KnockOutcome::Phoned => "phoned",
            KnockOutcome::Visited => "visited",
            KnockOutcome::NotReached => "not_reached",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "phoned" => KnockOutcome::Phoned,
            "visited" => KnockOutcome::Visited,
            "not_reached" => KnockOutcome::NotReached,
            _ => return None,
        })
    }
}

/// One call or visit, attributed to the staff member who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DoorKnock {
    pub id: Uuid,
    pub outcome: KnockOutcome,
    pub note: String,
    pub staff_name: String,
    pub at: DateTime<Utc>,
}

/// A household on the door-knock list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct KnockEntry {
    pub household_id: Uuid,
    pub building: String,
    pub unit: String,
    pub room: String,
    /// A household the office looks after (关怀户).
    pub care: bool,
    /// Devices of its residents not switched off.
    pub active_devices: i64,
    pub residents: i64,
    /// Calls and visits so far, newest first.
    pub knocks: Vec<DoorKnock>,
}

pub trait NoticeDeskStore {
    /// Publishes a notice to `who`'s community, or with `street` to every community of that street,
    /// recording who published it. Answers the notice ids, one per community.
    fn publish_notice_by(
        &self,
        who: &Staff,
        street: Option<Uuid>,
        notice: &NewNotice,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Uuid>>;
    /// Notices of `who`'s community with the read counts of the buildings their scope reaches.
    fn staff_notices(&self, who: &Staff) -> StoreResult<NoticeDesk>;
    /// Retracts a notice of `who`'s community; with `street`, every copy of that street notice.
    /// `false` when unknown, already retracted, or (with `street`) not the street's.
    fn retract_notice_by(
        &self,
        who: &Staff,
        id: Uuid,
        street: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The notice's urgency and publication time, when it is `who`'s community's and not retracted.
    fn notice_facts(
        &self,
        who: &Staff,
        id: Uuid,
    ) -> StoreResult<Option<(linli_proto::Urgency, DateTime<Utc>)>>;
    /// Households of the notice's audience within `who`'s scope where nobody (nor a relative for
    /// anybody) has read it, 关怀户 and households without an active device first. Logged.
    fn door_knock_list(
        &self,
        who: &Staff,
        notice: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<KnockEntry>>;
    /// Records a call or visit to a household of the notice's audience within `who`'s scope;
    /// `Refused(unknown_address)` for any other household.
    fn record_knock(
        &self,
        who: &Staff,
        notice: Uuid,
        household: Uuid,
        outcome: KnockOutcome,
        note: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<DoorKnock>;
    /// Marks a household of `who`'s scope as one the office looks after (关怀户), or not.
    fn set_household_care(
        &self,
        who: &Staff,
        household: Uuid,
        care: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// One building's turnout in a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BuildingTurnout {
    pub building: String,
    /// Who may vote there: households (one vote each) or residents, as the consultation counts.
    pub eligible: i64,
    pub voted: i64,
}

/// Turnout of a consultation, and how many ballots relatives (代办人) cast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Turnout {
    pub buildings: Vec<BuildingTurnout>,
    pub ballots: i64,
    pub by_relatives: i64,
}

pub trait ConsultationDeskStore {
    /// Turnout per eligible building of a consultation of `community`; `None` for another's.
    fn consultation_turnout(&self, community: Uuid, id: Uuid) -> StoreResult<Option<Turnout>>;
    /// Every vote leaf's opening of `who`'s community's log, the export logged in the same
    /// transaction.
    fn vote_openings_for(
        &self,
        who: &Staff,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<linli_proto::LogReceipt>>;
}
