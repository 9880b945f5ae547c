//! City systems over Open311 GeoReport v2 (the 12345 hotline and others): the rules for API keys
//! (`linli-hub admin open311 key …`), for which community a call means (`jurisdiction_id`), for the
//! filters of `GET requests` and for the cases a city system sends (`POST requests`). The HTTP faces
//! are in `api::open311`.
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use linli_proto::{limits, Category, Community, ErrorCode, LatLon, ReportStatus};
use uuid::Uuid;

use crate::domain::token;
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::open311::{ApiKey, KeyScope, NewExternalReport, RequestQuery, ServiceRequest};

/// What reports created with a key may be marked with.
pub const SOURCES: [&str; 2] = ["12345", "open311"];

/// The longest span `GET requests` answers for (the specification's 90 days).
pub const MAX_SPAN_DAYS: i64 = 90;

/// The most requests one `GET requests` answers with, newest first.
pub const MAX_REQUESTS: usize = 1000;

/// The attributes of every service (`GET services/{code}`), as `attribute[code]` in a POST.
pub const ATTR_EXTERNAL_ID: &str = "external_id";
pub const ATTR_DEADLINE: &str = "deadline";
pub const ATTR_HOTLINE_CATEGORY: &str = "hotline_category";

/// How long a caller's id or the hotline's category may be.
const ATTR_MAX: usize = 100;

/// Issues a key; answers it with the secret, which is shown this once (the hub keeps its sha256).
pub fn add_key(
    hub: &Hub,
    name: &str,
    scope: KeyScope,
    source: &str,
) -> Result<(ApiKey, String), HubError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ErrorCode::FieldRequired.into());
    }
    if name.chars().count() > limits::TITLE_MAX {
        return Err(ErrorCode::FieldTooLong.into());
    }
    if !SOURCES.contains(&source) {
        return Err(ErrorCode::BadRequest.into());
    }
    let secret = token::generate();
    let key = hub
        .store()
        .add_api_key(name, &token::hash(&secret), scope, source, hub.now())?;
    Ok((key, secret))
}

pub fn list_keys(hub: &Hub) -> Result<Vec<ApiKey>, HubError> {
    Ok(hub.store().api_keys()?)
}

/// Revokes the live key of that name: every call with it answers 403 from now on.
pub fn revoke_key(hub: &Hub, name: &str) -> Result<(), HubError> {
    if hub.store().revoke_api_key(name.trim(), hub.now())? {
        Ok(())
    } else {
        Err(ErrorCode::NotFound.into())
    }
}

/// The live key behind `api_key`; `api_key_invalid` when it is missing, unknown or revoked.
pub fn authenticate(hub: &Hub, api_key: Option<&str>) -> Result<ApiKey, HubError> {
    let given = api_key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(HubError::Refused(ErrorCode::ApiKeyInvalid))?;
    hub.store()
        .api_key_by_hash(&token::hash(given))?
        .ok_or(HubError::Refused(ErrorCode::ApiKeyInvalid))
}

/// The community `jurisdiction_id` names (its id or name); optional while the hub holds one.
pub fn jurisdiction(hub: &Hub, given: Option<&str>) -> Result<Community, HubError> {
    crate::admin::community::resolve(hub, given.filter(|g| !g.trim().is_empty()))
}

/// The community's report categories, the read logged.
pub fn services(hub: &Hub, key: &ApiKey, community: Uuid) -> Result<Vec<Category>, HubError> {
    let list = hub.store().services(community)?;
    hub.store()
        .log_key_read(key, community, "open311_services", hub.now())?;
    Ok(list)
}

/// One category, the read logged; `service_not_found` for a code the community has not.
pub fn service(hub: &Hub, key: &ApiKey, community: Uuid, code: &str) -> Result<Category, HubError> {
    let found = hub
        .store()
        .services(community)?
        .into_iter()
        .find(|c| c.key == code)
        .ok_or(HubError::Refused(ErrorCode::ServiceNotFound))?;
    hub.store()
        .log_key_read(key, community, "open311_service", hub.now())?;
    Ok(found)
}

/// An ISO 8601 time with its zone (`Z` or `±hh:mm`); `bad_request` otherwise.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, HubError> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ErrorCode::BadRequest.into())
}

/// The filters of `GET requests` as the caller wrote them (comma-separated lists).
#[derive(Debug, Default, Clone)]
pub struct RequestFilter<'a> {
    pub service_request_id: Option<&'a str>,
    pub service_code: Option<&'a str>,
    pub start_date: Option<&'a str>,
    pub end_date: Option<&'a str>,
    pub status: Option<&'a str>,
}

fn list(s: Option<&str>) -> Vec<&str> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// Linli's statuses as Open311's two.
pub fn open311_status(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Submitted | ReportStatus::Accepted | ReportStatus::InProgress => "open",
        ReportStatus::Resolved | ReportStatus::Rejected | ReportStatus::Withdrawn => "closed",
    }
}

/// What `status=open,closed` means in Linli's statuses; `bad_request` for any other word.
fn statuses(words: &[&str]) -> Result<Vec<ReportStatus>, HubError> {
    let all = [
        ReportStatus::Submitted,
        ReportStatus::Accepted,
        ReportStatus::InProgress,
        ReportStatus::Resolved,
        ReportStatus::Rejected,
        ReportStatus::Withdrawn,
    ];
    let mut out = Vec::new();
    for w in words {
        if *w != "open" && *w != "closed" {
            return Err(ErrorCode::BadRequest.into());
        }
        out.extend(all.iter().filter(|s| open311_status(**s) == *w));
    }
    Ok(out)
}

/// Turns the caller's filters into a query: without dates the last 90 days, with one date the 90
/// days from or up to it; a wider span, or an end before the start, answers `date_range_invalid`.
/// `service_request_id`, when given, overrides the other filters (as the specification says).
pub fn query(
    community: Uuid,
    f: &RequestFilter<'_>,
    now: DateTime<Utc>,
) -> Result<RequestQuery, HubError> {
    let span = Duration::days(MAX_SPAN_DAYS);
    let start = f.start_date.map(parse_time).transpose()?;
    let end = f.end_date.map(parse_time).transpose()?;
    let (from, to) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s + span),
        (None, Some(e)) => (e - span, e),
        (None, None) => (now - span, now),
    };
    if to < from || to - from > span {
        return Err(ErrorCode::DateRangeInvalid.into());
    }
    let ids = list(f.service_request_id)
        .into_iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect::<Vec<_>>();
    if f.service_request_id.is_some() && ids.is_empty() {
        return Err(ErrorCode::ReportNotFound.into());
    }
    Ok(RequestQuery {
        community,
        ids,
        categories: list(f.service_code)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        statuses: statuses(&list(f.status))?,
        from,
        to,
        limit: MAX_REQUESTS,
    })
}

/// `GET requests`: the reports the filters name, each read logged.
pub fn requests(
    hub: &Hub,
    key: &ApiKey,
    community: Uuid,
    f: &RequestFilter<'_>,
) -> Result<Vec<ServiceRequest>, HubError> {
    let q = query(community, f, hub.now())?;
    Ok(hub
        .store()
        .service_requests(key, &q, "open311_requests", hub.now())?)
}

/// `GET requests/{id}` (and `tokens/{token}`: a token is the request's id): one report, the read
/// logged; `report_not_found` for an unknown id or another community's.
pub fn request(
    hub: &Hub,
    key: &ApiKey,
    community: Uuid,
    id: &str,
    action: &str,
) -> Result<ServiceRequest, HubError> {
    let id =
        Uuid::parse_str(id.trim()).map_err(|_| HubError::Refused(ErrorCode::ReportNotFound))?;
    let now = hub.now();
    let q = RequestQuery {
        community,
        ids: vec![id],
        categories: Vec::new(),
        statuses: Vec::new(),
        from: now,
        to: now,
        limit: 1,
    };
    hub.store()
        .service_requests(key, &q, action, now)?
        .pop()
        .ok_or(HubError::Refused(ErrorCode::ReportNotFound))
}

/// A `POST requests` as the caller sent it (the personal fields — name, phone, e-mail — are not
/// taken: the hub keeps none of a caller's complainant).
#[derive(Debug, Default, Clone)]
pub struct NewRequest {
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub description: Option<String>,
    /// `attribute[code]=value`, by code.
    pub attributes: HashMap<String, String>,
}

fn text_field(s: Option<&str>, max: usize) -> Result<Option<&str>, HubError> {
    let s = s.map(str::trim).filter(|s| !s.is_empty());
    if s.is_some_and(|s| s.chars().count() > max) {
        return Err(ErrorCode::FieldTooLong.into());
    }
    Ok(s)
}

/// What checking a case needs of its community, loaded once (an import checks many rows).
#[derive(Debug, Clone)]
pub struct CaseContext {
    pub community: Uuid,
    pub categories: Vec<Category>,
    buildings: Vec<String>,
}

impl CaseContext {
    pub fn load(hub: &Hub, community: Uuid) -> Result<Self, HubError> {
        let mut buildings: Vec<String> = hub
            .store()
            .households(community)?
            .into_iter()
            .map(|h| h.building)
            .filter(|b| !b.is_empty())
            .collect();
        buildings.sort();
        buildings.dedup();
        Ok(CaseContext {
            community,
            categories: hub.store().services(community)?,
            buildings,
        })
    }

    /// The building of the community an address names (the longest building name in it).
    fn building_in(&self, address: &str) -> Option<String> {
        self.buildings
            .iter()
            .filter(|n| address.contains(n.as_str()))
            .max_by_key(|n| n.chars().count())
            .cloned()
    }
}

/// A case from a city system, checked: what goes into the inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDraft {
    pub category: String,
    pub text: String,
    pub building: Option<String>,
    pub address_text: Option<String>,
    pub location: Option<LatLon>,
    pub external_id: Option<String>,
    pub hotline_deadline: Option<DateTime<Utc>>,
    pub hotline_category: Option<String>,
}

/// The rules of a case a city system sends, written once for `POST requests` and for the import of
/// the hotline's file (`admin::hotline`): a known service, a place (point, address or address id),
/// texts within their limits, the deadline an ISO 8601 time with its zone.
pub fn check_case(ctx: &CaseContext, r: &NewRequest) -> Result<CaseDraft, HubError> {
    let code = text_field(r.service_code.as_deref(), limits::TITLE_MAX)?
        .ok_or(HubError::Refused(ErrorCode::FieldRequired))?;
    if !ctx.categories.iter().any(|c| c.key == code) {
        return Err(ErrorCode::ServiceNotFound.into());
    }
    let coord = |s: &Option<String>, max: f64| -> Result<Option<f64>, HubError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= max => Ok(Some(x)),
                _ => Err(ErrorCode::BadRequest.into()),
            },
        }
    };
    let location = match (coord(&r.lat, 90.0)?, coord(&r.long, 180.0)?) {
        (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
        (None, None) => None,
        _ => return Err(ErrorCode::BadRequest.into()),
    };
    let address = text_field(r.address_string.as_deref(), limits::ADDRESS_TEXT_MAX)?;
    let address_id = text_field(r.address_id.as_deref(), limits::ADDRESS_TEXT_MAX)?;
    // The specification asks for a place: a point, an address or an address id.
    if location.is_none() && address.is_none() && address_id.is_none() {
        return Err(ErrorCode::FieldRequired.into());
    }
    let text = text_field(r.description.as_deref(), limits::TEXT_MAX)?.unwrap_or("");
    let attr = |k: &str| r.attributes.get(k).map(String::as_str);
    let external_id = text_field(attr(ATTR_EXTERNAL_ID), ATTR_MAX)?;
    let hotline_category = text_field(attr(ATTR_HOTLINE_CATEGORY), ATTR_MAX)?;
    let hotline_deadline = text_field(attr(ATTR_DEADLINE), ATTR_MAX)?
        .map(parse_time)
        .transpose()?;
    let place = [address, address_id]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let building = match place.as_slice() {
        [] => None,
        parts => ctx.building_in(&parts.join(" ")),
    };
    Ok(CaseDraft {
        category: code.to_owned(),
        text: text.to_owned(),
        building,
        address_text: address.or(address_id).map(str::to_owned),
        location,
        external_id: external_id.map(str::to_owned),
        hotline_deadline,
        hotline_category: hotline_category.map(str::to_owned),
    })
}

/// Puts checked cases into the community's inbox in one transaction, marked with the key's source;
/// a case whose caller's id the community has from that source answers the earlier report. Answers
/// each case's id and whether it is new.
pub fn create_cases(
    hub: &Hub,
    key: &ApiKey,
    community: Uuid,
    drafts: &[CaseDraft],
) -> Result<Vec<(Uuid, bool)>, HubError> {
    let cases = drafts
        .iter()
        .map(|d| NewExternalReport {
            community,
            key,
            category: &d.category,
            text: &d.text,
            building: d.building.clone(),
            address_text: d.address_text.clone(),
            location: d.location,
            external_id: d.external_id.as_deref(),
            hotline_deadline: d.hotline_deadline,
            hotline_category: d.hotline_category.as_deref(),
        })
        .collect::<Vec<_>>();
    let out = hub.store().create_external_reports(&cases, hub.now())?;
    if out.iter().any(|(_, new)| *new) {
        hub.notify();
    }
    Ok(out)
}

/// `POST requests`: a case into the community's inbox (write keys only), marked with the key's
/// source and the caller's id; the same caller's id again answers the first report. Answers its id
/// and whether it is new.
pub fn create(
    hub: &Hub,
    key: &ApiKey,
    community: Uuid,
    r: &NewRequest,
) -> Result<(Uuid, bool), HubError> {
    if key.scope != KeyScope::Write {
        return Err(ErrorCode::ApiKeyReadOnly.into());
    }
    let draft = check_case(&CaseContext::load(hub, community)?, r)?;
    create_cases(hub, key, community, &[draft])?
        .pop()
        .ok_or(HubError::Refused(ErrorCode::Internal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_time(s).unwrap()
    }

    #[test]
    fn dates_default_to_ninety_days_and_no_wider() {
        let now = t("2026-12-07T12:00:00+08:00");
        let c = Uuid::nil();
        let q = query(c, &RequestFilter::default(), now).unwrap();
        assert_eq!((q.from, q.to), (now - Duration::days(90), now));
        let f = RequestFilter {
            start_date: Some("2026-01-01T00:00:00Z"),
            ..Default::default()
        };
        let q = query(c, &f, now).unwrap();
        assert_eq!(q.to, t("2026-04-01T00:00:00Z"));
        let f = RequestFilter {
            start_date: Some("2026-01-01T00:00:00Z"),
            end_date: Some("2026-04-01T00:00:01Z"),
            ..Default::default()
        };
        assert!(matches!(
            query(c, &f, now),
            Err(HubError::Refused(ErrorCode::DateRangeInvalid))
        ));
        let f = RequestFilter {
            start_date: Some("2026-01-02"),
            ..Default::default()
        };
        assert!(matches!(
            query(c, &f, now),
            Err(HubError::Refused(ErrorCode::BadRequest))
        ));
    }

    #[test]
    fn open_and_closed_cover_every_status() {
        let open = statuses(&["open"]).unwrap();
        let closed = statuses(&["closed"]).unwrap();
        assert_eq!(open.len() + closed.len(), 6);
        assert!(open.iter().all(|s| !closed.contains(s)));
        assert!(statuses(&["pending"]).is_err());
    }
}
