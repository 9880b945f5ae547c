//! The office's notice desk and consultations as staff members act on them, for the console's staff
//! API and `linli-hub admin`: who may publish, retract, read counts and the door-knock list is
//! decided by `domain::staff_scope::StaffRole`; the texts are checked by the same rules as
//! `admin::notices::publish` (the CLI's), and the store keeps to the staff member's scope in SQL.
use chrono::{DateTime, Duration, Utc};
use linli_proto::{limits, ErrorCode, LogReceipt, Urgency};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::validate;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::notice_desk::{DoorKnock, KnockEntry, KnockOutcome, NoticeDesk, Turnout};
use crate::store::{ConsultationResults, NewConsultation, NewNotice, Staff};

/// The longest wait the door-knock list takes (a week).
pub const KNOCK_HOURS_MAX: i64 = 168;

/// A notice as the console composes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NoticeDraft {
    pub title: String,
    pub body: String,
    pub urgency: Urgency,
    #[serde(default)]
    pub pinned: bool,
    pub expires_at: Option<DateTime<Utc>>,
    /// Building names; empty means the whole community.
    #[serde(default)]
    pub buildings: Vec<String>,
    /// Street staff only: to every community of the street.
    #[serde(default)]
    pub street_wide: bool,
}

fn street_of(hub: &Hub, staff: &Staff) -> Result<Uuid, HubError> {
    let (scope, _) = hub.store().report_scope(staff, Uuid::nil())?;
    scope
        .street_id
        .ok_or(HubError::Refused(ErrorCode::StreetNotSet))
}

/// The texts of a notice, by the rules every notice follows (the CLI's too).
pub fn check_notice(n: &NewNotice, now: DateTime<Utc>) -> Result<(), HubError> {
    if n.title.trim().is_empty() {
        return Err(ErrorCode::FieldRequired.into());
    }
    validate::title(&n.title)?;
    validate::text(&n.body)?;
    if n.expires_at.is_some_and(|e| e <= now) {
        return Err(ErrorCode::BadRequest.into());
    }
    Ok(())
}

/// Publishes a notice: the head to their community (all of it, or the buildings named), street staff
/// to every community of the street (`street_wide`, which names no buildings). Answers one notice id
/// per community reached.
pub fn publish(hub: &Hub, staff: &Staff, d: &NoticeDraft) -> Result<Vec<Uuid>, HubError> {
    if !staff.role.publishes_notices() {
        return Err(ErrorCode::Forbidden.into());
    }
    let street_staff = staff.role == crate::domain::staff_scope::StaffRole::Street;
    if d.street_wide != street_staff || (d.street_wide && !d.buildings.is_empty()) {
        return Err(ErrorCode::Forbidden.into());
    }
    let n = NewNotice {
        title: d.title.trim().to_owned(),
        body: d.body.clone(),
        urgency: d.urgency,
        pinned: d.pinned,
        expires_at: d.expires_at,
        buildings: d.buildings.clone(),
    };
    check_notice(&n, hub.now())?;
    let street = if d.street_wide {
        Some(street_of(hub, staff)?)
    } else {
        None
    };
    let ids = hub
        .store()
        .publish_notice_by(staff, street, &n, hub.now())?;
    hub.notify();
    Ok(ids)
}

/// The community's notices with read counts per building of the caller's reach.
pub fn list(hub: &Hub, staff: &Staff) -> Result<NoticeDesk, HubError> {
    if !staff.role.reads_notices() {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(hub.store().staff_notices(staff)?)
}

/// Retracts a notice: the head one of their community, street staff a street notice (every copy).
pub fn retract(hub: &Hub, staff: &Staff, id: Uuid) -> Result<(), HubError> {
    if !staff.role.publishes_notices() {
        return Err(ErrorCode::Forbidden.into());
    }
    let street = if staff.role == crate::domain::staff_scope::StaffRole::Street {
        Some(street_of(hub, staff)?)
    } else {
        None
    };
    if !hub
        .store()
        .retract_notice_by(staff, id, street, hub.now())?
    {
        return Err(ErrorCode::NoticeNotFound.into());
    }
    hub.notify();
    Ok(())
}

/// The door-knock list (敲门名单) for one urgent notice after `hours`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KnockList {
    pub notice_id: Uuid,
    pub hours: i64,
    /// When the list starts: `hours` after publication. Empty before.
    pub due_at: DateTime<Utc>,
    pub households: Vec<KnockEntry>,
}

fn urgent_notice(hub: &Hub, staff: &Staff, notice: Uuid) -> Result<DateTime<Utc>, HubError> {
    if !staff.role.knocks_doors() {
        return Err(ErrorCode::Forbidden.into());
    }
    let (urgency, published_at) = hub
        .store()
        .notice_facts(staff, notice)?
        .ok_or(HubError::Refused(ErrorCode::NoticeNotFound))?;
    if urgency != Urgency::Urgent {
        return Err(ErrorCode::BadRequest.into());
    }
    Ok(published_at)
}

/// Households that have not read the urgent notice `hours` after it was published, within the
/// caller's reach: 关怀户 first, then households without an active device. A relative's read counts
/// for the resident. The listing goes to the access log.
pub fn door_knock_list(
    hub: &Hub,
    staff: &Staff,
    notice: Uuid,
    hours: i64,
) -> Result<KnockList, HubError> {
    if !(1..=KNOCK_HOURS_MAX).contains(&hours) {
        return Err(ErrorCode::BadRequest.into());
    }
    let published_at = urgent_notice(hub, staff, notice)?;
    let due_at = published_at + Duration::hours(hours);
    let households = if hub.now() < due_at {
        Vec::new()
    } else {
        hub.store().door_knock_list(staff, notice, hub.now())?
    };
    Ok(KnockList {
        notice_id: notice,
        hours,
        due_at,
        households,
    })
}

/// Records what a call or visit to a household on the list came to, with a note (may be empty).
pub fn record_knock(
    hub: &Hub,
    staff: &Staff,
    notice: Uuid,
    household: Uuid,
    outcome: KnockOutcome,
    note: &str,
) -> Result<DoorKnock, HubError> {
    urgent_notice(hub, staff, notice)?;
    let note = note.trim();
    if note.chars().count() > limits::TEXT_MAX {
        return Err(ErrorCode::FieldTooLong.into());
    }
    Ok(hub
        .store()
        .record_knock(staff, notice, household, outcome, note, hub.now())?)
}

/// Marks a household of the caller's reach as one the office looks after (关怀户), or not.
pub fn set_care(hub: &Hub, staff: &Staff, household: Uuid, care: bool) -> Result<(), HubError> {
    if !staff.role.knocks_doors() {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(hub
        .store()
        .set_household_care(staff, household, care, hub.now())?)
}

/// A consultation with its tally and turnout, as the console shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StaffConsultation {
    #[serde(flatten)]
    pub results: ConsultationResults,
    pub turnout: Turnout,
}

fn with_turnout(
    hub: &Hub,
    staff: &Staff,
    r: ConsultationResults,
) -> Result<StaffConsultation, HubError> {
    let turnout = hub
        .store()
        .consultation_turnout(staff.community_id, r.id)?
        .ok_or(HubError::Refused(ErrorCode::ConsultationNotFound))?;
    Ok(StaffConsultation {
        results: r,
        turnout,
    })
}

/// The community's consultations with tallies and turnout per building.
pub fn consultations(hub: &Hub, staff: &Staff) -> Result<Vec<StaffConsultation>, HubError> {
    if !staff.role.reads_consultations() {
        return Err(ErrorCode::Forbidden.into());
    }
    crate::admin::consultations::list(hub, staff.community_id)?
        .into_iter()
        .map(|r| with_turnout(hub, staff, r))
        .collect()
}

/// Creates a consultation (the head), by the CLI's rules.
pub fn create_consultation(
    hub: &Hub,
    staff: &Staff,
    c: &NewConsultation,
) -> Result<StaffConsultation, HubError> {
    if !staff.role.runs_consultations() {
        return Err(ErrorCode::Forbidden.into());
    }
    let id = crate::admin::consultations::create(hub, staff.community_id, c)?;
    let r = crate::admin::consultations::results(hub, staff.community_id, id)?;
    with_turnout(hub, staff, r)
}

/// Closes a consultation now (the head).
pub fn close_consultation(
    hub: &Hub,
    staff: &Staff,
    id: Uuid,
) -> Result<StaffConsultation, HubError> {
    if !staff.role.runs_consultations() {
        return Err(ErrorCode::Forbidden.into());
    }
    crate::admin::consultations::results(hub, staff.community_id, id)?;
    crate::admin::consultations::close(hub, staff.community_id, id)?;
    let r = crate::admin::consultations::results(hub, staff.community_id, id)?;
    with_turnout(hub, staff, r)
}

/// Every vote leaf's opening, for the auditor the office appoints (the head hands it over; the
/// export goes to the access log). `linli-hub verify --openings FILE` recounts every tally with it.
pub fn vote_openings(hub: &Hub, staff: &Staff) -> Result<Vec<LogReceipt>, HubError> {
    if !staff.role.runs_consultations() {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(hub.store().vote_openings_for(staff, hub.now())?)
}
