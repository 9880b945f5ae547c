//! The authorization matrix: every kind of caller × every route of the hub, and every caller × every
//! op kind pushed for themselves and for a resident (`on_behalf_of`). Each cell asserts allow or deny
//! (HTTP status and stable error code); a read that is denied, or allowed but not the resident's, must
//! carry nothing of the resident (her report's id, text and photo).
//!
//! The rows are generated: routes come from the hub's OpenAPI document plus the router's own source (so
//! an undocumented route counts too), op kinds from an exhaustive match on `OpBody`. A route or op kind
//! without a decision here fails the suite.
//!
//! The grant-state dimension for proxies (active / expired / revoked / given up / never granted, per
//! scope and action) is in `proxy.rs`; here a proxy of each scope and one revoked proxy stand for it.
//!
//! Staff sign in to the console with a password and a session cookie (`/v1/staff/…`, tested with staff
//! sessions in `staff.rs`); here every device caller is refused on those routes, since a device token
//! is no staff credential. [`no_admin_route`] pins that nothing else of the office answers over HTTP.
use std::collections::BTreeSet;

use linli_hub::admin;
use linli_hub::store::ProxyLimits;
use linli_proto::{
    ErrorCode, OpBody, OpStatus, ProxyScope, ProxyVisitorAccepted, ReportStatus, Satisfaction,
    VoteScope,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{png, report_body, sha256_hex, start, Device, TestHub};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// The resident whose data the matrix guards (1号楼 1单元 101).
    Resident,
    /// A resident of another household in the same community.
    OtherHousehold,
    /// A device of another hub presenting its token to this one.
    OtherCommunity,
    /// A resident of the street's other community on the same hub (安康苑社区): every id of hers
    /// answers as an unknown one.
    SecondCommunity,
    /// Proxies of the resident with one scope each.
    ProxyReadNotices,
    ProxyReport,
    ProxyVote,
    /// A proxy whose grant the resident revoked.
    RevokedProxy,
    /// A relative from another community holding a visitor credential with every scope for her.
    Visitor,
    /// A device of the resident's own household that staff switched off.
    RevokedDevice,
    NoToken,
    GarbageToken,
}

const CALLERS: [Who; 12] = [
    Who::Resident,
    Who::OtherHousehold,
    Who::OtherCommunity,
    Who::SecondCommunity,
    Who::ProxyReadNotices,
    Who::ProxyReport,
    Who::ProxyVote,
    Who::RevokedProxy,
    Who::Visitor,
    Who::RevokedDevice,
    Who::NoToken,
    Who::GarbageToken,
];

impl Who {
    /// A live resident device of this hub.
    fn is_resident(self) -> bool {
        matches!(
            self,
            Who::Resident
                | Who::OtherHousehold
                | Who::SecondCommunity
                | Who::ProxyReadNotices
                | Who::ProxyReport
                | Who::ProxyVote
                | Who::RevokedProxy
        )
    }

    /// The scope of its grant from the resident, for proxies with an active one.
    fn scopes(self) -> &'static [ProxyScope] {
        match self {
            Who::ProxyReadNotices => &[ProxyScope::ReadNotices],
            Who::ProxyReport => &[ProxyScope::Report],
            Who::ProxyVote => &[ProxyScope::Vote],
            Who::Visitor => &ProxyScope::ALL,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Allowed, with this status.
    Allow(u16),
    /// Refused with this status and error code.
    Deny(u16, ErrorCode),
    /// Refused with this status and Open311's own error list (a device token is no API key).
    Open311Deny(u16),
}

use Expect::{Allow, Deny, Open311Deny};

const UNAUTHORIZED: Expect = Deny(401, ErrorCode::Unauthorized);

/// Routes anyone may call: the token plays no part.
const PUBLIC: [&str; 17] = [
    "GET /healthz",
    "GET /readyz",
    "GET /log/{community}/checkpoint",
    "GET /log/{community}/tile/{*path}",
    "GET /v1/log/key-rotations",
    "GET /v1/log/restores",
    "GET /v1/openapi.json",
    "POST /v1/join",
    "POST /v1/proxy/visitors",
    "GET /v1/log/key",
    "GET /v1/log/checkpoint",
    "GET /v1/log/inclusion",
    "POST /v1/log/inclusions",
    "POST /v1/log/leaves-proof",
    "GET /v1/log/consistency",
    "GET /v1/log/leaves",
    "GET /v1/log/tallies",
];

/// The decision for one cell; `None` when the route has no row (the test then fails).
fn decide(route: &str, who: Who) -> Option<Expect> {
    if PUBLIC.contains(&route) {
        return Some(Allow(200));
    }
    // Public too, but this world's community has no witness: the same 404 for everyone (the answer
    // with witnesses is in witnesses.rs).
    if route == "GET /v1/log/witnesses" {
        return Some(Allow(404));
    }
    let resident_only = |ok: Expect| if who.is_resident() { ok } else { UNAUTHORIZED };
    let visitor_only = |ok: Expect| {
        if who == Who::Visitor {
            ok
        } else {
            UNAUTHORIZED
        }
    };
    Some(match route {
        // Her community's notice and consultation: unknown in the other community.
        "GET /v1/notices/{id}" if who == Who::SecondCommunity => {
            Deny(404, ErrorCode::NoticeNotFound)
        }
        "GET /v1/consultations/{id}" if who == Who::SecondCommunity => {
            Deny(404, ErrorCode::ConsultationNotFound)
        }
        "GET /v1/me"
        | "GET /v1/pull"
        | "POST /v1/push"
        | "GET /v1/events"
        | "GET /v1/notices/{id}"
        | "GET /v1/consultations/{id}"
        | "POST /v1/proxy/invites"
        | "POST /v1/proxy/accept"
        | "GET /v1/proxy/grants"
        // Each resident's own copy of their data, and closing their own account (run last).
        | "GET /v1/account/export"
        | "POST /v1/account/close" => resident_only(Allow(200)),
        "PUT /v1/blobs/{sha256}" => resident_only(Allow(204)),
        // Her report and its photo: hers alone (a proxy reads them in her feed, `pull?for=`).
        "GET /v1/reports/{id}" => match who {
            Who::Resident => Allow(200),
            w if w.is_resident() => Deny(404, ErrorCode::ReportNotFound),
            _ => UNAUTHORIZED,
        },
        "GET /v1/blobs/{sha256}" => match who {
            Who::Resident => Allow(200),
            w if w.is_resident() => Deny(404, ErrorCode::NotFound),
            _ => UNAUTHORIZED,
        },
        // Her feed read by someone else: only her proxies with an active grant.
        "GET /v1/pull?for" => match who {
            Who::ProxyReadNotices | Who::ProxyReport | Who::ProxyVote => Allow(200),
            Who::RevokedProxy => Deny(403, ErrorCode::ProxyGrantRevoked),
            Who::Resident | Who::OtherHousehold | Who::SecondCommunity => {
                Deny(403, ErrorCode::ProxyNotGranted)
            }
            _ => UNAUTHORIZED,
        },
        // A grant of hers to someone else: only she (or that proxy) may end it.
        "POST /v1/proxy/grants/{id}/revoke" => match who {
            Who::Resident => Allow(200),
            w if w.is_resident() => Deny(404, ErrorCode::NotFound),
            _ => UNAUTHORIZED,
        },
        "GET /v1/proxy/visitor/pull"
        | "POST /v1/proxy/visitor/push"
        | "GET /v1/proxy/visitor/grants"
        | "POST /v1/proxy/visitor/grants/{id}/give-up" => visitor_only(Allow(200)),
        // The console's own page and files: public, no data in them (503 on a hub built without them).
        "GET /console" | "GET /console/" | "GET /console/{*path}" => {
            Allow(if linli_hub::api::console::built() { 200 } else { 503 })
        }
        // The console's routes: a device token is no staff credential, whoever holds it. Each staff
        // role on the notice and consultation routes: `staff_notices::every_role_on_every_notice_and_consultation_route`.
        "POST /v1/staff/password" => Deny(404, ErrorCode::StaffLinkInvalid),
        "POST /v1/staff/session" => Deny(401, ErrorCode::StaffSignInFailed),
        "DELETE /v1/staff/session"
        | "GET /v1/staff/reports"
        | "GET /v1/staff/reports/{id}"
        | "POST /v1/staff/reports/{id}/status"
        | "POST /v1/staff/reports/{id}/dispatch"
        | "POST /v1/staff/reports/{id}/sign"
        | "POST /v1/staff/reports/{id}/return"
        | "POST /v1/staff/reports/{id}/notes"
        | "GET /v1/staff/access-log"
        | "GET /v1/staff/assignees"
        | "POST /v1/staff/totp"
        | "POST /v1/staff/totp/confirm"
        | "POST /v1/staff/totp/disable"
        | "DELETE /v1/staff/sessions"
        | "GET /v1/staff/statistics"
        | "GET /v1/staff/statistics/monthly"
        | "POST /v1/staff/hotline/import"
        | "GET /v1/staff/hotline/export" => UNAUTHORIZED,
        | "GET /v1/staff/notices"
        | "POST /v1/staff/notices"
        | "POST /v1/staff/notices/{id}/retract"
        | "GET /v1/staff/notices/{id}/door-knock"
        | "POST /v1/staff/notices/{id}/door-knock"
        | "PUT /v1/staff/care-households/{id}"
        | "GET /v1/staff/consultations"
        | "POST /v1/staff/consultations"
        | "POST /v1/staff/consultations/{id}/close"
        | "GET /v1/staff/consultations/openings" => UNAUTHORIZED,
        | "GET /v1/staff/escalations"
        | "GET /v1/staff/reminders"
        | "POST /v1/staff/reminders/{id}/read"
        | "GET /v1/staff/templates"
        | "POST /v1/staff/templates"
        | "PUT /v1/staff/templates/{id}"
        | "DELETE /v1/staff/templates/{id}" => UNAUTHORIZED,
        // City systems' routes (GeoReport v2) take an API key staff issued, never a device token.
        "GET /open311/v2/discovery.xml"
        | "GET /open311/v2/discovery.json"
        | "GET /open311/v2/services.xml"
        | "GET /open311/v2/services.json"
        | "GET /open311/v2/services/{service_code}"
        | "GET /open311/v2/requests.xml"
        | "GET /open311/v2/requests.json"
        | "POST /open311/v2/requests.xml"
        | "POST /open311/v2/requests.json"
        | "GET /open311/v2/requests/{service_request_id}"
        | "GET /open311/v2/tokens/{token}" => Open311Deny(403),
        _ => return None,
    })
}

/// Whether the caller may see the resident's report (id, text, photo) in this route's answer.
fn may_see_her_report(route: &str, who: Who) -> bool {
    match route {
        "GET /v1/pull"
        | "GET /v1/reports/{id}"
        | "GET /v1/blobs/{sha256}"
        | "GET /v1/account/export" => who == Who::Resident,
        "GET /v1/pull?for" => who == Who::ProxyReport,
        "GET /v1/proxy/visitor/pull" => who == Who::Visitor,
        _ => false,
    }
}

/// The routes the router in `src/api/mod.rs` declares, as `METHOD /path`: the OpenAPI document may
/// only miss `/healthz` and itself.
fn router_routes() -> BTreeSet<String> {
    const SRC: &str = include_str!("../../src/api/mod.rs");
    let mut out = BTreeSet::new();
    for chunk in SRC.split(".route(").skip(1) {
        let chunk = chunk.split(".layer(").next().unwrap_or(chunk);
        let path = chunk.split('"').nth(1).expect("a route path");
        for m in ["get", "post", "put", "delete", "patch"] {
            let call = format!("{m}(");
            let found = chunk.match_indices(&call).any(|(i, _)| {
                i == 0 || {
                    let c = chunk.as_bytes()[i - 1];
                    !(c.is_ascii_alphanumeric() || c == b'_')
                }
            });
            if found {
                out.insert(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    out
}

/// Every `METHOD /path` of the OpenAPI document, and a `?for` row for each one with a `for` parameter
/// (reading someone else's feed is its own authorization decision).
fn documented_routes(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let route = format!("{} {path}", method.to_uppercase());
            let has_for = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "for"));
            // The visitor pull always names its principal: one row.
            if has_for && path != "/v1/proxy/visitor/pull" {
                out.insert(format!("{route}?for"));
            }
            out.insert(route);
        }
    }
    out
}

/// Everything the matrix needs from one hub: the callers and the resident's things.
struct World {
    t: TestHub,
    /// A second hub (another community) that only lends its device's token.
    other: TestHub,
    her: Device,
    tokens: Vec<(Who, Option<String>)>,
    devices: Vec<(Who, Device)>,
    visitor: ProxyVisitorAccepted,
    report: Uuid,
    report_text: String,
    photo: String,
    notice: Uuid,
    /// A consultation she voted in.
    voted: Uuid,
    /// Throwaway residents whose codes callers redeem, and whose grants the revoke row targets.
    spare: Vec<Device>,
}

impl World {
    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .and_then(|(_, t)| t.as_deref())
    }

    fn device(&self, who: Who) -> Option<&Device> {
        self.devices.iter().find(|(w, _)| *w == who).map(|(_, d)| d)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        who: Who,
        body: Option<RequestBody>,
    ) -> (StatusCode, String) {
        let mut req = self.t.http.request(method, self.t.url(path));
        if let Some(tok) = self.token(who) {
            req = req.bearer_auth(tok);
        }
        req = match body {
            Some(RequestBody::Json(v)) => req.json(&v),
            Some(RequestBody::Bytes(b)) => req.body(b),
            None => req,
        };
        let resp = req.send().await.unwrap();
        let status = resp.status();
        // The event stream stays open: its headers are the answer.
        if path == "/v1/events" && status == StatusCode::OK {
            return (status, String::new());
        }
        (status, resp.text().await.unwrap_or_default())
    }

    /// A fresh one-time proxy code of a throwaway resident.
    async fn spare_code(&self, i: usize) -> String {
        self.t
            .code(&self.spare[i], &[ProxyScope::ReadNotices], Some(30))
            .await
    }
}

enum RequestBody {
    Json(Value),
    Bytes(Vec<u8>),
}

const HER_HOME: (&str, &str, &str) = ("1号楼", "1单元", "101");
const OTHER_HOME: (&str, &str, &str) = ("1号楼", "2单元", "202");
const PROXY_HOME: (&str, &str, &str) = ("3号楼", "2单元", "201");
const SPARE_HOME: (&str, &str, &str) = ("2号楼", "2单元", "101");

async fn join_at(t: &TestHub, (b, u, r): (&str, &str, &str)) -> Device {
    t.join(b, u, r).await
}

async fn world() -> World {
    let t = start().await;
    let other = start().await;
    admin::proxy::set_limits(
        t.hub(),
        t.community(),
        ProxyLimits {
            max_proxies: 100,
            max_principals: 100,
        },
    )
    .unwrap();
    let her = join_at(&t, HER_HOME).await;

    // Her report, with a photo only she uploaded.
    let photo_bytes = png(b"her stairwell");
    let photo = sha256_hex(&photo_bytes);
    let resp = t
        .http
        .put(t.url(&format!("/v1/blobs/{photo}")))
        .bearer_auth(&her.token)
        .body(photo_bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let report = Uuid::now_v7();
    let report_text = format!("楼道漏水-{report}-her-own-words");
    let r = t
        .push1(
            &her,
            OpBody::CreateReport {
                voice: None,
                report_id: report,
                category: "facilities".into(),
                text: report_text.clone(),
                address: Default::default(),
                location: None,
                photos: vec![photo.clone()],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    let notice = admin::notices::list(t.hub(), t.community()).unwrap()[0].id;
    let (voted, options) = t.consultation(VoteScope::PerHousehold);
    let r = t
        .push1(
            &her,
            OpBody::CastVote {
                consultation_id: voted,
                option_ids: vec![options[1]],
            },
        )
        .await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");

    let mut devices = vec![];
    let mut tokens = vec![(Who::Resident, Some(her.token.clone()))];
    let other_household = join_at(&t, OTHER_HOME).await;
    tokens.push((Who::OtherHousehold, Some(other_household.token.clone())));
    devices.push((Who::OtherHousehold, other_household));
    let foreign = join_at(&other, HER_HOME).await;
    tokens.push((Who::OtherCommunity, Some(foreign.token.clone())));
    let neighbour_street = t.join_in(t.second_community(), "A座", "1单元", "101").await;
    tokens.push((Who::SecondCommunity, Some(neighbour_street.token.clone())));
    devices.push((Who::SecondCommunity, neighbour_street));
    for who in [Who::ProxyReadNotices, Who::ProxyReport, Who::ProxyVote] {
        let proxy = join_at(&t, PROXY_HOME).await;
        t.grant(&her, &proxy, who.scopes(), 365).await;
        tokens.push((who, Some(proxy.token.clone())));
        devices.push((who, proxy));
    }
    let revoked_proxy = join_at(&t, PROXY_HOME).await;
    let g = t.grant(&her, &revoked_proxy, &ProxyScope::ALL, 365).await;
    let (s, b) = t.revoke(&her, g.id).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    tokens.push((Who::RevokedProxy, Some(revoked_proxy.token.clone())));
    devices.push((Who::RevokedProxy, revoked_proxy));

    let code = t.code(&her, &ProxyScope::ALL, Some(365)).await;
    let resp = t
        .http
        .post(t.url("/v1/proxy/visitors"))
        .json(&json!({"code": code, "proxy_name": "表姐", "home": "阳光小区"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let visitor: ProxyVisitorAccepted = resp.json().await.unwrap();
    tokens.push((Who::Visitor, Some(visitor.token.clone())));

    // A second device of her household, switched off by staff.
    let lost = join_at(&t, HER_HOME).await;
    admin::devices::revoke(t.hub(), t.community(), lost.device_id).unwrap();
    tokens.push((Who::RevokedDevice, Some(lost.token.clone())));
    tokens.push((Who::NoToken, None));
    tokens.push((Who::GarbageToken, Some("not-a-token-at-all".into())));
    assert_eq!(tokens.len(), CALLERS.len());

    let mut spare = vec![];
    for _ in 0..CALLERS.len() * 2 {
        spare.push(join_at(&t, SPARE_HOME).await);
    }
    World {
        t,
        other,
        her,
        tokens,
        devices,
        visitor,
        report,
        report_text,
        photo,
        notice,
        voted,
        spare,
    }
}

/// The request a cell makes for `route`, and a check of an allowed answer.
async fn request_for(
    w: &World,
    route: &str,
    who: Who,
    i: usize,
) -> (Method, String, Option<RequestBody>) {
    let her = w.her.resident_id;
    let size =
        w.t.hub()
            .log_checkpoint(w.t.community())
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string();
    let (method, path) = route.split_once(' ').unwrap();
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let json_body = |v: Value| Some(RequestBody::Json(v));
    let (path, body) = match route {
        "GET /v1/pull?for" => (format!("/v1/pull?for={her}"), None),
        "GET /v1/reports/{id}" => (format!("/v1/reports/{}", w.report), None),
        "GET /log/{community}/checkpoint" => (format!("/log/{}/checkpoint", w.t.community()), None),
        "GET /log/{community}/tile/{*path}" => (
            format!("/log/{}/tile/entries/000.p/1", w.t.community()),
            None,
        ),
        "GET /v1/notices/{id}" => (format!("/v1/notices/{}", w.notice), None),
        "GET /v1/consultations/{id}" => (format!("/v1/consultations/{}", w.voted), None),
        "GET /v1/blobs/{sha256}" => (format!("/v1/blobs/{}", w.photo), None),
        "PUT /v1/blobs/{sha256}" => {
            let bytes = png(format!("upload by {who:?}").as_bytes());
            (
                format!("/v1/blobs/{}", sha256_hex(&bytes)),
                Some(RequestBody::Bytes(bytes)),
            )
        }
        "POST /v1/join" => {
            let code =
                w.t.invite_code(SPARE_HOME.0, SPARE_HOME.1, SPARE_HOME.2)
                    .await;
            (
                path.into(),
                json_body(
                    json!({"code": code, "device_name": "x", "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION}),
                ),
            )
        }
        "POST /v1/push" | "POST /v1/proxy/visitor/push" => {
            (path.into(), json_body(json!({"ops": []})))
        }
        "POST /v1/proxy/invites" => (
            path.into(),
            json_body(json!({"scopes": ["vote"], "days": 30})),
        ),
        "POST /v1/proxy/accept" | "POST /v1/proxy/visitors" => {
            let code = w.spare_code(i).await;
            (path.into(), json_body(json!({"code": code})))
        }
        "POST /v1/proxy/grants/{id}/revoke" => {
            // A fresh grant of hers to a throwaway resident, so an allowed cell ends only its own.
            let g =
                w.t.grant(&w.her, &w.spare[CALLERS.len() + i], &[ProxyScope::Vote], 30)
                    .await;
            (
                format!("/v1/proxy/grants/{}/revoke", g.id),
                json_body(json!({})),
            )
        }
        "GET /v1/proxy/visitor/pull" => (format!("/v1/proxy/visitor/pull?for={her}"), None),
        "POST /v1/proxy/visitor/grants/{id}/give-up" => (
            format!("/v1/proxy/visitor/grants/{}/give-up", w.visitor.grant.id),
            json_body(json!({})),
        ),
        "GET /v1/log/inclusion" => (format!("/v1/log/inclusion?index=0&size={size}"), None),
        "POST /v1/log/inclusions" | "POST /v1/log/leaves-proof" => (
            path.into(),
            json_body(json!({"size": size.parse::<u64>().unwrap(), "indices": [0, 1]})),
        ),
        "GET /v1/log/consistency" => (format!("/v1/log/consistency?old=1&new={size}"), None),
        "GET /v1/log/leaves" => (format!("/v1/log/leaves?start=0&end={size}"), None),
        "POST /v1/staff/password" => (
            path.into(),
            json_body(json!({"link": "not-a-link", "password": "long enough, surely"})),
        ),
        "POST /v1/staff/session" => (
            path.into(),
            json_body(json!({"staff_id": Uuid::now_v7(), "password": "guess"})),
        ),
        "GET /v1/staff/reports/{id}" => (format!("/v1/staff/reports/{}", w.report), None),
        "POST /v1/staff/reports/{id}/status" => (
            format!("/v1/staff/reports/{}/status", w.report),
            json_body(json!({"status": "accepted"})),
        ),
        "POST /v1/staff/reports/{id}/dispatch" => (
            format!("/v1/staff/reports/{}/dispatch", w.report),
            json_body(json!({"assignee": Uuid::now_v7()})),
        ),
        "POST /v1/staff/reports/{id}/sign" => {
            (format!("/v1/staff/reports/{}/sign", w.report), None)
        }
        "POST /v1/staff/reports/{id}/return" => (
            format!("/v1/staff/reports/{}/return", w.report),
            json_body(json!({"reason": "x"})),
        ),
        "POST /v1/staff/reports/{id}/notes" => (
            format!("/v1/staff/reports/{}/notes", w.report),
            json_body(json!({"text": "x"})),
        ),
        "POST /v1/staff/reminders/{id}/read" => {
            (format!("/v1/staff/reminders/{}/read", Uuid::now_v7()), None)
        }
        "POST /v1/staff/templates" => (
            path.into(),
            json_body(json!({"status": "resolved", "title": "x", "body": "x"})),
        ),
        "PUT /v1/staff/templates/{id}" => (
            format!("/v1/staff/templates/{}", Uuid::now_v7()),
            json_body(json!({"status": "resolved", "title": "x", "body": "x"})),
        ),
        "DELETE /v1/staff/templates/{id}" => {
            (format!("/v1/staff/templates/{}", Uuid::now_v7()), None)
        }
        "GET /open311/v2/services/{service_code}" => {
            ("/open311/v2/services/facilities.json".into(), None)
        }
        "GET /open311/v2/requests/{service_request_id}" => {
            (format!("/open311/v2/requests/{}.xml", w.report), None)
        }
        "GET /open311/v2/tokens/{token}" => (format!("/open311/v2/tokens/{}.json", w.report), None),
        _ => (path.into(), None),
    };
    (method, path, body)
}

/// What an allowed answer must hold beyond its status.
fn check_allowed(w: &World, route: &str, who: Who, body: &str) {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let cell = format!("{route} as {who:?}");
    match route {
        "GET /v1/me" => {
            let own = match who {
                Who::Resident => w.her.resident_id,
                w2 => w.device(w2).unwrap().resident_id,
            };
            assert_eq!(v["resident_id"], own.to_string(), "{cell}");
        }
        "GET /v1/pull?for" | "GET /v1/proxy/visitor/pull" => {
            // Only what the scopes cover.
            let scopes = who.scopes();
            let kinds: BTreeSet<&str> = v["changes"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c["record"]["type"].as_str())
                .collect();
            for (kind, scope) in [
                ("notice", ProxyScope::ReadNotices),
                ("report", ProxyScope::Report),
                ("consultation", ProxyScope::Vote),
            ] {
                assert_eq!(
                    kinds.contains(kind),
                    scopes.contains(&scope),
                    "{cell}: {kinds:?}"
                );
            }
            assert!(
                !kinds.contains("proxy_grant") && !kinds.contains("proxy_act"),
                "{cell}: {kinds:?}"
            );
        }
        "GET /v1/consultations/{id}" => {
            // Her vote is hers: another household sees its own (none).
            let mine = !v["my_vote"].is_null();
            assert_eq!(mine, who == Who::Resident, "{cell}: {v}");
        }
        "GET /v1/proxy/grants" | "GET /v1/proxy/visitor/grants" => {
            let me = match who {
                Who::Resident => w.her.resident_id,
                Who::Visitor => w.visitor.visitor_id,
                w2 => w.device(w2).unwrap().resident_id,
            }
            .to_string();
            for g in v["grants"].as_array().unwrap() {
                assert!(
                    g["principal"] == me.as_str() || g["proxy"] == me.as_str(),
                    "{cell}: {g}"
                );
            }
        }
        "GET /v1/reports/{id}" => assert_eq!(v["text"], w.report_text, "{cell}"),
        _ => {}
    }
    if may_see_her_report(route, who) {
        assert!(
            body.contains(&w.report.to_string()) || route == "GET /v1/blobs/{sha256}",
            "{cell} should see her report"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_caller_on_every_route() {
    let w = world().await;
    let doc: Value =
        w.t.http
            .get(w.t.url("/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let documented = documented_routes(&doc);
    let declared = router_routes();
    // Every route the router declares is in the document, but for the document itself, /healthz, the
    // console's static files and the log's static tiles (C2SP tlog-tiles, public, tested in tiles.rs).
    let undocumented: Vec<_> = declared
        .iter()
        .filter(|r| !documented.contains(*r))
        .collect();
    assert_eq!(
        undocumented,
        [
            "GET /console",
            "GET /console/",
            "GET /console/{*path}",
            "GET /healthz",
            "GET /log/{community}/checkpoint",
            "GET /log/{community}/tile/{*path}",
            "GET /v1/openapi.json"
        ],
        "routes missing from the OpenAPI document"
    );
    let mut routes: Vec<String> = documented.union(&declared).cloned().collect();
    let missing: Vec<_> = routes
        .iter()
        .filter(|r| decide(r, Who::Resident).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an authorization decision: {missing:?}"
    );
    // The visitor's give-up ends its grant: last.
    // Closing an account ends everyone's part: after everything else.
    routes.sort_by_key(|r| (r == "POST /v1/account/close", r.ends_with("/give-up")));

    let mut cells = 0;
    let mut rows = 0;
    for route in &routes {
        rows += 1;
        for (i, who) in CALLERS.into_iter().enumerate() {
            let expect = decide(route, who).unwrap();
            let (method, path, body) = request_for(&w, route, who, i).await;
            let (status, text) = w.call(method, &path, who, body).await;
            let cell = format!("{route} as {who:?}: {status} {text}");
            match expect {
                Allow(code) => {
                    assert_eq!(status.as_u16(), code, "{cell}");
                    check_allowed(&w, route, who, &text);
                }
                Deny(code, error) => {
                    assert_eq!(status.as_u16(), code, "{cell}");
                    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    assert_eq!(v["code"], error.as_str(), "{cell}");
                }
                Open311Deny(code) => {
                    assert_eq!(status.as_u16(), code, "{cell}");
                    let listed = match serde_json::from_str::<Value>(&text) {
                        Ok(v) => v[0]["code"] == code,
                        Err(_) => text.contains(&format!("<errors><error><code>{code}</code>")),
                    };
                    assert!(listed, "{cell}");
                }
            }
            if !may_see_her_report(route, who) {
                for secret in [w.report.to_string(), w.report_text.clone(), w.photo.clone()] {
                    assert!(!text.contains(&secret), "{cell} leaks her report");
                }
            }
            cells += 1;
        }
    }
    assert_eq!(cells, rows * CALLERS.len());
    eprintln!(
        "authorization matrix: {rows} routes × {} callers = {cells} cells",
        CALLERS.len()
    );
}

/// One op of each kind, aimed at the resident's things. The match below has no wildcard: a new
/// `OpBody` variant fails to compile here until it has a row.
fn every_kind(t: &Targets) -> Vec<OpBody> {
    let all = vec![
        report_body("facilities", "路灯不亮"),
        OpBody::CommentReport {
            voice: None,
            report_id: t.report,
            text: "已经三天了".into(),
        },
        OpBody::RateReport {
            report_id: t.resolved,
            satisfaction: Satisfaction::Unsatisfied,
            comment: None,
        },
        OpBody::ReopenReport {
            report_id: t.resolved,
            reason: Some("还是坏的".into()),
        },
        OpBody::WithdrawReport {
            report_id: t.report,
        },
        OpBody::CastVote {
            consultation_id: t.consultation,
            option_ids: vec![t.option],
        },
        OpBody::MarkNoticeRead {
            notice_id: t.notice,
        },
    ];
    let kinds: BTreeSet<_> = all.iter().map(OpBody::kind).collect();
    assert_eq!(kinds.len(), all.len(), "one op per kind");
    all
}

/// The scope a proxy needs for an op kind. No wildcard: a new kind needs a decision (and a sample in
/// [`every_kind`], whose count is checked against the kinds named here).
fn scope_of(b: &OpBody) -> ProxyScope {
    match b {
        OpBody::CreateReport { .. }
        | OpBody::CommentReport { .. }
        | OpBody::WithdrawReport { .. }
        | OpBody::RateReport { .. }
        | OpBody::ReopenReport { .. } => ProxyScope::Report,
        OpBody::CastVote { .. } => ProxyScope::Vote,
        OpBody::MarkNoticeRead { .. } => ProxyScope::ReadNotices,
    }
}

/// How many variants [`scope_of`] names: keep in step with it.
const OP_KINDS: usize = 7;

/// Her things an op of each kind aims at, fresh for each caller so allowed ops find them in the right
/// state: a submitted report, a resolved one, a consultation she has not voted in.
struct Targets {
    report: Uuid,
    resolved: Uuid,
    consultation: Uuid,
    option: Uuid,
    notice: Uuid,
}

async fn targets(w: &World) -> Targets {
    let mut ids = vec![];
    for text in ["楼道灯坏了", "电梯坏了"] {
        let body = report_body("facilities", text);
        let OpBody::CreateReport { report_id, .. } = body else {
            unreachable!()
        };
        assert_eq!(w.t.push1(&w.her, body).await.status, OpStatus::Applied);
        ids.push(report_id);
    }
    admin::reports::set_status(
        w.t.hub(),
        w.t.community(),
        ids[1],
        ReportStatus::Resolved,
        Some("已修好"),
    )
    .unwrap();
    let (consultation, options) = w.t.consultation(VoteScope::PerResident);
    Targets {
        report: ids[0],
        resolved: ids[1],
        consultation,
        option: options[0],
        notice: w.notice,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The caller's own op (no `on_behalf_of`), aimed at her things.
    Own,
    /// `on_behalf_of` her.
    ForHer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpExpect {
    /// The push itself answers 401.
    Unauthorized,
    Applied,
    Rejected(ErrorCode),
}

fn decide_op(who: Who, mode: Mode, body: &OpBody) -> OpExpect {
    use OpExpect::*;
    let own_thing = matches!(
        body,
        OpBody::CreateReport { .. } | OpBody::CastVote { .. } | OpBody::MarkNoticeRead { .. }
    );
    match (who, mode) {
        (Who::OtherCommunity | Who::RevokedDevice | Who::NoToken | Who::GarbageToken, _) => {
            Unauthorized
        }
        (Who::Resident, Mode::Own) => Applied,
        // Her own id as `on_behalf_of` is not a grant.
        (Who::Resident, Mode::ForHer) => Rejected(ErrorCode::ProxyNotGranted),
        // A visitor has nothing of its own.
        (Who::Visitor, Mode::Own) => Rejected(ErrorCode::Forbidden),
        (Who::Visitor, Mode::ForHer) => Applied,
        // The other community's resident: her community's consultation and notice are unknown there;
        // a report of their own goes to their own community.
        (Who::SecondCommunity, Mode::Own) => match body {
            OpBody::CreateReport { .. } => Applied,
            OpBody::CastVote { .. } => Rejected(ErrorCode::ConsultationNotFound),
            OpBody::MarkNoticeRead { .. } => Rejected(ErrorCode::NoticeNotFound),
            _ => Rejected(ErrorCode::ReportNotFound),
        },
        // Anyone else's own op: a report, vote or read mark of their own is theirs to make; her
        // reports are not theirs to touch.
        (_, Mode::Own) if own_thing => Applied,
        (_, Mode::Own) => Rejected(ErrorCode::ReportNotFound),
        (Who::OtherHousehold | Who::SecondCommunity, Mode::ForHer) => {
            Rejected(ErrorCode::ProxyNotGranted)
        }
        (Who::RevokedProxy, Mode::ForHer) => Rejected(ErrorCode::ProxyGrantRevoked),
        (proxy, Mode::ForHer) if proxy.scopes().contains(&scope_of(body)) => Applied,
        (_, Mode::ForHer) => Rejected(ErrorCode::ProxyScopeMissing),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_caller_pushes_every_op_kind_for_themselves_and_for_her() {
    let w = world().await;
    let mut cells = 0;
    let mut kinds = 0;
    let mut visitor_seq = 0;
    for who in CALLERS {
        for mode in [Mode::Own, Mode::ForHer] {
            let t = targets(&w).await;
            let bodies = every_kind(&t);
            kinds = bodies.len();
            for body in bodies {
                let expect = decide_op(who, mode, &body);
                let cell = format!("{} {mode:?} as {who:?}", body.kind());
                let seq = match who {
                    Who::Visitor => {
                        visitor_seq += 1;
                        visitor_seq
                    }
                    // Refused before any op is read.
                    _ => 1,
                };
                let mut op = match (who, w.device(who)) {
                    (Who::Resident, _) => w.her.op(body.clone()),
                    (_, Some(d)) => d.op(body.clone()),
                    (_, None) => linli_proto::Op {
                        id: Uuid::now_v7(),
                        device_seq: seq,
                        created_at: chrono::Utc::now(),
                        on_behalf_of: None,
                        body: body.clone(),
                    },
                };
                if mode == Mode::ForHer {
                    op.on_behalf_of = Some(w.her.resident_id);
                }
                let path = if who == Who::Visitor {
                    "/v1/proxy/visitor/push"
                } else {
                    "/v1/push"
                };
                let (status, text) = w
                    .call(
                        Method::POST,
                        path,
                        who,
                        Some(RequestBody::Json(json!({ "ops": [op] }))),
                    )
                    .await;
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let got = if status == StatusCode::UNAUTHORIZED {
                    assert_eq!(v["code"], "unauthorized", "{cell}");
                    OpExpect::Unauthorized
                } else {
                    assert_eq!(status, StatusCode::OK, "{cell}: {text}");
                    let r = &v["results"][0];
                    match r["status"].as_str() {
                        Some("applied") => OpExpect::Applied,
                        Some("rejected") => {
                            let code: ErrorCode =
                                serde_json::from_value(r["code"].clone()).unwrap();
                            OpExpect::Rejected(code)
                        }
                        _ => panic!("{cell}: {text}"),
                    }
                };
                assert_eq!(got, expect, "{cell}: {text}");
                cells += 1;
            }
            // Whatever was refused left her things as they were.
            let expect = |b: &OpBody| decide_op(who, mode, b) == OpExpect::Applied;
            let report = admin::reports::show(w.t.hub(), &w.t.staff(), t.report).unwrap();
            let withdrawn = expect(&OpBody::WithdrawReport {
                report_id: t.report,
            });
            assert_eq!(
                report.report.status == ReportStatus::Withdrawn,
                withdrawn,
                "{who:?} {mode:?}"
            );
            let resolved = admin::reports::show(w.t.hub(), &w.t.staff(), t.resolved).unwrap();
            let rate = OpBody::RateReport {
                report_id: t.resolved,
                satisfaction: Satisfaction::Unsatisfied,
                comment: None,
            };
            let reopen = OpBody::ReopenReport {
                report_id: t.resolved,
                reason: None,
            };
            assert_eq!(
                resolved.report.status == ReportStatus::Resolved,
                !expect(&reopen),
                "{who:?} {mode:?}"
            );
            if !expect(&rate) {
                assert!(resolved.rating.is_none(), "{who:?} {mode:?}");
            }
            let (_, c) =
                w.t.get(&w.her, &format!("/v1/consultations/{}", t.consultation))
                    .await;
            let vote = OpBody::CastVote {
                consultation_id: t.consultation,
                option_ids: vec![],
            };
            let hers = (who == Who::Resident && mode == Mode::Own)
                || (mode == Mode::ForHer && expect(&vote));
            assert_eq!(!c["my_vote"].is_null(), hers, "{who:?} {mode:?}: {c}");
        }
    }
    assert_eq!(kinds, OP_KINDS);
    assert_eq!(cells, CALLERS.len() * 2 * kinds);
    eprintln!(
        "op matrix: {kinds} op kinds × {} callers × 2 (own, for her) = {cells} cells",
        CALLERS.len()
    );
}

/// The office's admin commands have no HTTP route: nothing under an admin path answers, whatever token
/// is presented, and the document names none (staff reach the hub only through `/v1/staff/…`).
#[tokio::test]
async fn no_admin_route() {
    let t = start().await;
    let her = t.join(HER_HOME.0, HER_HOME.1, HER_HOME.2).await;
    let doc: Value = t
        .http
        .get(t.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(!path.contains("admin"), "{path}");
    }
    for path in ["/v1/admin/reports", "/admin", "/v1/admin/devices"] {
        for token in [None, Some(her.token.as_str())] {
            for method in [Method::GET, Method::POST] {
                let mut req = t.http.request(method.clone(), t.url(path));
                if let Some(tok) = token {
                    req = req.bearer_auth(tok);
                }
                let resp = req.send().await.unwrap();
                assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{method} {path}");
                let v: Value = resp.json().await.unwrap();
                assert_eq!(v["code"], "not_found");
            }
        }
    }
}

/// A hole the matrix found: a report could carry any photo the hub held, so whoever learned a photo's
/// hash (a proxy from her feed before the grant ended, say) attached it to a report of their own and
/// downloaded it, and `blob_missing` told anyone whether a photo existed. Now a report carries only
/// photos its household may see, or that the proxy acting for it uploaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_hash_is_no_key_to_her_photo() {
    let w = world().await;
    let with_photo = |sha: &str| OpBody::CreateReport {
        voice: None,
        report_id: Uuid::now_v7(),
        category: "facilities".into(),
        text: "也是这里".into(),
        address: Default::default(),
        location: None,
        photos: vec![sha.to_string()],
    };
    let never_uploaded = sha256_hex(b"nobody has this");
    for who in [
        Who::OtherHousehold,
        Who::ProxyReport,
        Who::RevokedProxy,
        Who::ProxyReadNotices,
    ] {
        let dev = w.device(who).unwrap();
        for sha in [&w.photo, &never_uploaded] {
            let r = w.t.push1(dev, with_photo(sha)).await;
            assert_eq!(r.status, OpStatus::Rejected, "{who:?}");
            // The same answer whether or not the photo exists.
            assert_eq!(r.code, Some(ErrorCode::BlobMissing), "{who:?}");
        }
        let (s, _) = w.t.get(dev, &format!("/v1/blobs/{}", w.photo)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who:?}");
    }
    // A proxy with the report scope may not attach her photo to a report for her it didn't upload…
    let proxy = w.device(Who::ProxyReport).unwrap();
    let mut op = proxy.op(with_photo(&never_uploaded));
    op.on_behalf_of = Some(w.her.resident_id);
    let r = w.t.push(proxy, &[op]).await.remove(0);
    assert_eq!(r.code, Some(ErrorCode::BlobMissing));
    // …but a photo it uploaded goes on her report, which she can then download.
    let bytes = png(b"taken by her daughter");
    let sha = sha256_hex(&bytes);
    let resp =
        w.t.http
            .put(w.t.url(&format!("/v1/blobs/{sha}")))
            .bearer_auth(&proxy.token)
            .body(bytes)
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let mut op = proxy.op(with_photo(&sha));
    op.on_behalf_of = Some(w.her.resident_id);
    let r = w.t.push(proxy, &[op]).await.remove(0);
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    let (s, _) = w.t.get(&w.her, &format!("/v1/blobs/{sha}")).await;
    assert_eq!(s, StatusCode::OK);
    // She attaches her own photo again as ever.
    let r = w.t.push1(&w.her, with_photo(&w.photo)).await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
    // A neighbour who has the very same picture (forwarded to them) uploads it and may attach it: holding
    // the bytes is no secret learned from the hub.
    let neighbour = w.device(Who::OtherHousehold).unwrap();
    let resp =
        w.t.http
            .put(w.t.url(&format!("/v1/blobs/{}", w.photo)))
            .bearer_auth(&neighbour.token)
            .body(png(b"her stairwell"))
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let r = w.t.push1(neighbour, with_photo(&w.photo)).await;
    assert_eq!(r.status, OpStatus::Applied, "{r:?}");
}

/// Acting or reading for someone who never granted anything — another household, a visitor, a resident
/// of another community, an id nobody has — answers `proxy_not_granted`, never a feed or an applied op.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn for_someone_who_never_granted() {
    let w = world().await;
    let other = w.device(Who::OtherHousehold).unwrap();
    let foreign = w.other.join(HER_HOME.0, HER_HOME.1, HER_HOME.2).await;
    let nobodies = [
        other.resident_id,
        w.visitor.visitor_id,
        foreign.resident_id,
        Uuid::nil(),
    ];
    let proxy = w.device(Who::ProxyReport).unwrap();
    for (i, nobody) in nobodies.into_iter().enumerate() {
        for (who, path) in [
            (Who::ProxyReport, format!("/v1/pull?for={nobody}")),
            (Who::Visitor, format!("/v1/proxy/visitor/pull?for={nobody}")),
        ] {
            let (s, text) = w.call(Method::GET, &path, who, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who:?} {path}: {text}");
            assert!(text.contains("proxy_not_granted"), "{who:?} {path}: {text}");
        }
        let mut op = proxy.op(report_body("facilities", "代报"));
        op.on_behalf_of = Some(nobody);
        let r = w.t.push(proxy, &[op]).await.remove(0);
        assert_eq!(r.code, Some(ErrorCode::ProxyNotGranted), "{nobody}");
        let op = linli_proto::Op {
            id: Uuid::now_v7(),
            device_seq: i as i64 + 1,
            created_at: chrono::Utc::now(),
            on_behalf_of: Some(nobody),
            body: report_body("facilities", "代报"),
        };
        let (s, text) = w
            .call(
                Method::POST,
                "/v1/proxy/visitor/push",
                Who::Visitor,
                Some(RequestBody::Json(json!({ "ops": [op] }))),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["results"][0]["code"], "proxy_not_granted",
            "{nobody}: {text}"
        );
    }
}
