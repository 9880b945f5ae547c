//! Open311 GeoReport v2 under `/open311/v2/`, for city systems (the 12345 hotline): translation of
//! HTTP to the rules in `admin::open311`. Every call needs a live API key — `api_key` in the query or
//! the form body, or as the user name of HTTP Basic authentication — else 403. Answers are XML or
//! JSON by the resource's extension; errors are the specification's error list (400, 403, 404).
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, RawQuery, State};
use std::time::Duration;

use axum::http::header::{AUTHORIZATION, HOST, RETRY_AFTER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use base64::Engine;
use linli_i18n::{message, Lang};
use linli_proto::ErrorCode;

use super::lang::RequestLang;
use super::open311_format::{render, Format, V};
use super::AppState;
use crate::admin::open311::{self as rules, NewRequest, RequestFilter};
use crate::error::{status_for, HubError};
use crate::hub::Hub;
use crate::store::open311::ServiceRequest;

/// The date this API last changed, for discovery's `changeset`.
const CHANGESET: &str = "2026-12-07T00:00:00Z";
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

/// The query or form parameters, in order (the first of a name counts).
type Params = Vec<(String, String)>;

/// The query string's parameters (none for one that does not parse).
fn query_params(q: Option<String>) -> Params {
    q.and_then(|q| serde_urlencoded::from_str(&q).ok())
        .unwrap_or_default()
}

fn param<'a>(p: &'a Params, name: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// What a call asks for.
enum Call {
    Discovery { base: String },
    Services,
    Service(String),
    Requests,
    Request(String),
    Token(String),
    Create,
}

/// The key from HTTP Basic authentication's user name (for clients that cannot add `api_key`).
fn basic_key(headers: &HeaderMap) -> Option<String> {
    let b64 = headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let user = text.split_once(':').map_or(text.as_str(), |(u, _)| u);
    (!user.is_empty()).then(|| user.to_owned())
}

fn error_list(lang: Lang, format: Format, code: ErrorCode) -> Response {
    let status = status_for(code);
    let v = V::List(
        "error",
        vec![V::Obj(vec![
            ("code", V::Int(i64::from(status.as_u16()))),
            ("description", V::str(linli_i18n::error_message(lang, code))),
        ])],
    );
    render(status, format, "errors", &v)
}

/// Runs the call off the async threads and writes its answer or its error list.
async fn answer(
    state: AppState,
    lang: Lang,
    headers: HeaderMap,
    format: Format,
    call: Call,
    params: Params,
) -> Response {
    let hub = state.hub.clone();
    let basic = basic_key(&headers);
    let run = move || run(&hub, lang, call, &params, basic.as_deref());
    match crate::api::request_id::spawn_blocking_in_span(run).await {
        Ok(Ok((root, v))) => render(StatusCode::OK, format, root, &v),
        Ok(Err(Failed::Limited(wait))) => {
            let mut resp = error_list(lang, format, ErrorCode::RateLimited);
            let secs = wait.as_secs().max(1).to_string();
            if let Ok(v) = secs.parse() {
                resp.headers_mut().insert(RETRY_AFTER, v);
            }
            resp
        }
        Ok(Err(Failed::Hub(e))) => {
            let code = match e {
                HubError::Refused(code) => code,
                HubError::Store(e) if e.is_disk_full() => ErrorCode::StorageFull,
                other => {
                    tracing::error!(error = %other, "open311 call failed");
                    ErrorCode::Internal
                }
            };
            error_list(lang, format, code)
        }
        Err(e) => {
            tracing::error!(error = %e, "blocking task failed");
            error_list(lang, format, ErrorCode::Internal)
        }
    }
}

/// Why a call has no answer: a rule refused it, or its key used up its requests for now.
enum Failed {
    Hub(HubError),
    Limited(Duration),
}

impl From<HubError> for Failed {
    fn from(e: HubError) -> Self {
        Failed::Hub(e)
    }
}

/// Authenticates the key, takes one request from its bucket (each key its own: a key that floods
/// waits alone, 429 with `Retry-After`), then answers the call.
fn run(
    hub: &Hub,
    lang: Lang,
    call: Call,
    p: &Params,
    basic: Option<&str>,
) -> Result<(&'static str, V), Failed> {
    let key = rules::authenticate(hub, param(p, "api_key").or(basic))?;
    hub.open311_requests()
        .take(&key.id)
        .map_err(Failed::Limited)?;
    Ok(answer_call(hub, lang, call, p, &key)?)
}

fn answer_call(
    hub: &Hub,
    lang: Lang,
    call: Call,
    p: &Params,
    key: &crate::store::open311::ApiKey,
) -> Result<(&'static str, V), HubError> {
    if let Call::Discovery { base } = &call {
        return Ok(("discovery", discovery(lang, base)));
    }
    let community = rules::jurisdiction(hub, param(p, "jurisdiction_id"))?;
    let cid = community.id;
    Ok(match call {
        Call::Discovery { .. } => unreachable!("answered above"),
        Call::Services => {
            let list = rules::services(hub, key, cid)?;
            let items = list
                .into_iter()
                .map(|c| {
                    V::Obj(vec![
                        ("service_code", V::str(c.key)),
                        ("service_name", V::str(&c.name_zh)),
                        (
                            "description",
                            V::str(format!("{} ({})", c.name_zh, c.name_en)),
                        ),
                        ("metadata", V::Bool(true)),
                        ("type", V::str("realtime")),
                        ("keywords", V::str(c.name_en)),
                        ("group", V::str(&community.name)),
                    ])
                })
                .collect();
            ("services", V::List("service", items))
        }
        Call::Service(code) => {
            let c = rules::service(hub, key, cid, &code)?;
            ("service_definition", definition(lang, &c.key))
        }
        Call::Requests => {
            let f = RequestFilter {
                service_request_id: param(p, "service_request_id"),
                service_code: param(p, "service_code"),
                start_date: param(p, "start_date"),
                end_date: param(p, "end_date"),
                status: param(p, "status"),
            };
            let list = rules::requests(hub, key, cid, &f)?;
            let items = list.iter().map(request).collect();
            ("service_requests", V::List("request", items))
        }
        Call::Request(id) => {
            let r = rules::request(hub, key, cid, &id, "open311_request")?;
            ("service_requests", V::List("request", vec![request(&r)]))
        }
        Call::Token(token) => {
            let r = rules::request(hub, key, cid, &token, "open311_token")?;
            let item = V::Obj(vec![
                ("service_request_id", V::str(r.id.to_string())),
                ("token", V::str(token)),
            ]);
            ("service_requests", V::List("request", vec![item]))
        }
        Call::Create => {
            let attributes = p
                .iter()
                .filter_map(|(k, v)| {
                    let code = k.strip_prefix("attribute[")?.strip_suffix(']')?;
                    Some((code.to_owned(), v.clone()))
                })
                .collect();
            let owned = |n: &str| param(p, n).map(str::to_owned);
            let new = NewRequest {
                service_code: owned("service_code"),
                lat: owned("lat"),
                long: owned("long"),
                address_string: owned("address_string"),
                address_id: owned("address_id"),
                description: owned("description"),
                attributes,
            };
            let (id, _) = rules::create(hub, key, cid, &new)?;
            let item = V::Obj(vec![
                ("service_request_id", V::str(id.to_string())),
                (
                    "service_notice",
                    V::str(message(lang, "open311-service-notice")),
                ),
                ("account_id", V::Null),
            ]);
            ("service_requests", V::List("request", vec![item]))
        }
    })
}

fn discovery(lang: Lang, base: &str) -> V {
    V::Obj(vec![
        ("changeset", V::str(CHANGESET)),
        (
            "contact",
            V::str(message(lang, "open311-discovery-contact")),
        ),
        (
            "key_service",
            V::str(message(lang, "open311-discovery-key-service")),
        ),
        (
            "endpoints",
            V::List(
                "endpoint",
                vec![V::Obj(vec![
                    ("specification", V::str(SPECIFICATION)),
                    ("url", V::str(base)),
                    ("changeset", V::str(CHANGESET)),
                    ("type", V::str("production")),
                    (
                        "formats",
                        V::List(
                            "format",
                            vec![V::str("text/xml"), V::str("application/json")],
                        ),
                    ),
                ])],
            ),
        ),
    ])
}

/// Every service takes the same three optional attributes: the caller's id (idempotency), the
/// hotline's deadline and its category.
fn definition(lang: Lang, code: &str) -> V {
    let attr = |order: i64, name: &str, datatype: &str, msg: &str| {
        V::Obj(vec![
            ("variable", V::Bool(true)),
            ("code", V::str(name)),
            ("datatype", V::str(datatype)),
            ("required", V::Bool(false)),
            (
                "datatype_description",
                V::str(message(lang, &format!("{msg}-type"))),
            ),
            ("order", V::Int(order)),
            ("description", V::str(message(lang, msg))),
        ])
    };
    V::Obj(vec![
        ("service_code", V::str(code)),
        (
            "attributes",
            V::List(
                "attribute",
                vec![
                    attr(
                        1,
                        rules::ATTR_EXTERNAL_ID,
                        "string",
                        "open311-attr-external-id",
                    ),
                    attr(2, rules::ATTR_DEADLINE, "datetime", "open311-attr-deadline"),
                    attr(
                        3,
                        rules::ATTR_HOTLINE_CATEGORY,
                        "string",
                        "open311-attr-hotline-category",
                    ),
                ],
            ),
        ),
    ])
}

/// The fields Linli adds to GeoReport v2's `request` (after the specification's, which stay as they
/// are): `satisfaction`, the resident's rating of the result at the follow-up (回访满意度) —
/// `satisfied`, `basic` (基本满意), `unsatisfied`, or null while unrated. The specification has no
/// such field; a client that knows only the specification ignores it.
pub const EXTENSION_FIELDS: [&str; 1] = ["satisfaction"];

/// One report as GeoReport's `request`: building-level place, no room, name, phone or photo.
fn request(r: &ServiceRequest) -> V {
    let address = match &r.building {
        Some(b) => format!("{} {b}", r.community_name),
        None => r.community_name.clone(),
    };
    V::Obj(vec![
        ("service_request_id", V::str(r.id.to_string())),
        ("status", V::str(rules::open311_status(r.status))),
        ("status_notes", V::opt(r.status_notes.clone())),
        ("service_name", V::str(&r.category_name)),
        ("service_code", V::str(&r.category)),
        ("description", V::opt(r.description.clone())),
        ("agency_responsible", V::str(&r.agency_responsible)),
        ("service_notice", V::Null),
        ("requested_datetime", V::time(r.requested)),
        ("updated_datetime", V::time(r.updated)),
        ("expected_datetime", V::opt_time(r.expected)),
        ("address", V::str(address)),
        ("address_id", V::Null),
        ("zipcode", V::Null),
        ("lat", r.location.map_or(V::Null, |l| V::Float(l.lat))),
        ("long", r.location.map_or(V::Null, |l| V::Float(l.lon))),
        ("media_url", V::Null),
        (
            EXTENSION_FIELDS[0],
            V::opt(r.satisfaction.map(|s| s.as_str())),
        ),
    ])
}

/// The endpoint's own address, from the request's `Host` (discovery's `url`).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|s| *s == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}/open311/v2")
}

/// `CODE.json` → (`CODE`, JSON); `None` for an unknown extension.
fn file(file: &str) -> Option<(String, Format)> {
    Format::split(file).map(|(stem, f)| (stem.to_owned(), f))
}

// -- handlers, one per route and format (each is its own operation in the OpenAPI document)

macro_rules! get_handlers {
    ($($name:ident, $path:tt, $format:expr, $call:expr, $what:literal;)*) => {$(
        #[doc = $what]
        #[utoipa::path(get, path = $path, tag = "open311",
            params(("api_key" = Option<String>, Query, description = "The key staff issued (or HTTP Basic user name)"),
                ("jurisdiction_id" = Option<String>, Query, description = "The community (id or name); optional on a hub of one")),
            responses((status = 200, description = "The GeoReport v2 document"),
                (status = 400, description = "Error list: a parameter is invalid, or jurisdiction_id is needed"),
                (status = 403, description = "Error list: no valid api_key"),
                (status = 404, description = "Error list: unknown jurisdiction or resource")))]
        pub async fn $name(
            State(state): State<AppState>,
            RequestLang(lang): RequestLang,
            headers: HeaderMap,
            RawQuery(query): RawQuery,
        ) -> Response {
            #[allow(clippy::redundant_closure_call)]
            let call = ($call)(&headers);
            answer(state, lang, headers, $format, call, query_params(query)).await
        }
    )*};
}

get_handlers! {
    discovery_xml, "/open311/v2/discovery.xml", Format::Xml,
        |h: &HeaderMap| Call::Discovery { base: base_url(h) }, "Service discovery (XML).";
    discovery_json, "/open311/v2/discovery.json", Format::Json,
        |h: &HeaderMap| Call::Discovery { base: base_url(h) }, "Service discovery (JSON).";
    services_xml, "/open311/v2/services.xml", Format::Xml,
        |_: &HeaderMap| Call::Services, "The community's report categories as services (XML).";
    services_json, "/open311/v2/services.json", Format::Json,
        |_: &HeaderMap| Call::Services, "The community's report categories as services (JSON).";
    requests_xml, "/open311/v2/requests.xml", Format::Xml,
        |_: &HeaderMap| Call::Requests, "Service requests, filtered (XML): service_request_id, service_code, start_date, end_date, status.";
    requests_json, "/open311/v2/requests.json", Format::Json,
        |_: &HeaderMap| Call::Requests, "Service requests, filtered (JSON): service_request_id, service_code, start_date, end_date, status.";
}

macro_rules! file_handlers {
    ($($name:ident, $path:tt, $param:tt, $call:expr, $what:literal;)*) => {$(
        #[doc = $what]
        #[utoipa::path(get, path = $path, tag = "open311",
            params(($param = String, Path, description = "The id followed by .xml or .json"),
                ("api_key" = Option<String>, Query, description = "The key staff issued (or HTTP Basic user name)"),
                ("jurisdiction_id" = Option<String>, Query, description = "The community (id or name); optional on a hub of one")),
            responses((status = 200, description = "The GeoReport v2 document"),
                (status = 400, description = "Error list: jurisdiction_id is needed"),
                (status = 403, description = "Error list: no valid api_key"),
                (status = 404, description = "Error list: unknown jurisdiction or resource")))]
        pub async fn $name(
            State(state): State<AppState>,
            RequestLang(lang): RequestLang,
            headers: HeaderMap,
            Path(name): Path<String>,
            RawQuery(query): RawQuery,
        ) -> Response {
            // An unknown extension answers 404 in XML (the format the specification requires).
            let Some((stem, format)) = file(&name) else {
                return error_list(lang, Format::Xml, ErrorCode::NotFound);
            };
            #[allow(clippy::redundant_closure_call)]
            let call = ($call)(stem);
            answer(state, lang, headers, format, call, query_params(query)).await
        }
    )*};
}

file_handlers! {
    service, "/open311/v2/services/{service_code}", "service_code",
        Call::Service, "A service's definition: the attributes a request may carry.";
    one_request, "/open311/v2/requests/{service_request_id}", "service_request_id",
        Call::Request, "One service request.";
    token, "/open311/v2/tokens/{token}", "token",
        Call::Token, "The service request a token stands for (a token is the request's id).";
}

macro_rules! post_handlers {
    ($($name:ident, $path:tt, $format:expr;)*) => {$(
        /// Creates a service request (a case for the community's inbox; write keys only). Form-encoded:
        /// api_key, jurisdiction_id, service_code, lat and long or address_string or address_id,
        /// description, attribute[external_id] (idempotent), attribute[deadline], attribute[hotline_category].
        #[utoipa::path(post, path = $path, tag = "open311",
            request_body(content = String, content_type = "application/x-www-form-urlencoded",
                description = "api_key, jurisdiction_id, service_code, lat, long, address_string, address_id, description, attribute[…]"),
            responses((status = 200, description = "The new (or, for a known attribute[external_id], the earlier) request's id"),
                (status = 400, description = "Error list: a field is missing or invalid"),
                (status = 403, description = "Error list: no valid api_key, or a read-only one"),
                (status = 404, description = "Error list: unknown jurisdiction or service_code")))]
        pub async fn $name(
            State(state): State<AppState>,
            RequestLang(lang): RequestLang,
            headers: HeaderMap,
            RawQuery(query): RawQuery,
            body: Result<Form<Params>, FormRejection>,
        ) -> Response {
            // A body that is no form carries no fields (nor a key): the call answers as one without.
            let mut params = body.map(|Form(p)| p).unwrap_or_default();
            params.extend(query_params(query));
            answer(state, lang, headers, $format, Call::Create, params).await
        }
    )*};
}

post_handlers! {
    create_xml, "/open311/v2/requests.xml", Format::Xml;
    create_json, "/open311/v2/requests.json", Format::Json;
}
