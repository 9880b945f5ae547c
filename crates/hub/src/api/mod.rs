//! The sync API under `/v1` (JSON over HTTP), `/healthz`, `/readyz` and the OpenAPI document.
pub mod account;
pub mod auth;
pub mod blobs;
pub mod console;
pub mod download;
pub mod events;
pub mod incarnation;
pub mod join;
pub mod lang;
pub mod log;
pub mod log_scope;
pub mod open311;
pub mod open311_format;
pub mod openapi;
pub mod proxy;
pub mod proxy_visitor;
pub mod rate_limit;
pub mod ready;
pub mod records;
pub mod request_id;
pub mod staff;
pub mod staff_account;
pub mod staff_cases;
pub mod staff_dispatch;
pub mod staff_hotline;
pub mod staff_notices;
pub mod staff_stats;
pub mod sync;
pub mod throttle;
pub mod tiles;

use axum::extract::rejection::JsonRejection;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{middleware, Json, Router};
use linli_proto::{limits, ErrorCode};
use tokio::sync::watch;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::error::ApiError;
use crate::hub::Hub;
use crate::store::{Store, StoreError};

/// JSON request bodies above this answer 413.
pub const JSON_BODY_MAX: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub hub: Hub,
    /// Flips to `true` when the server shuts down, so live streams end.
    pub closing: watch::Receiver<bool>,
}

/// Runs a blocking store call off the async threads.
pub async fn blocking<T: Send + 'static>(
    hub: &Hub,
    f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = hub.store_arc();
    match request_id::spawn_blocking_in_span(move || f(store.as_ref())).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "blocking task failed");
            Err(ApiError(ErrorCode::Internal))
        }
    }
}

/// A JSON body whose problems answer in the API's error format.
pub fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    match body {
        Ok(Json(v)) => Ok(v),
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError(ErrorCode::PayloadTooLarge))
        }
        Err(_) => Err(ApiError(ErrorCode::BadRequest)),
    }
}

/// Parses a JSON body with plain serde_json. `Json` tracks the path of every value it parses (for an
/// error message nobody reads: a bad body answers `bad_request`), which made parsing a 500-op push
/// cost more than a tenth of the hub's work on it.
pub fn json_bytes<T: serde::de::DeserializeOwned>(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<T, ApiError> {
    match body {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| ApiError(ErrorCode::BadRequest)),
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError(ErrorCode::PayloadTooLarge))
        }
        Err(_) => Err(ApiError(ErrorCode::BadRequest)),
    }
}

async fn healthz() -> &'static str {
    "ok"
}

/// The router adds the `allow` header naming the methods the route takes.
async fn method_not_allowed() -> ApiError {
    ApiError(ErrorCode::MethodNotAllowed)
}

async fn not_found() -> ApiError {
    ApiError(ErrorCode::NotFound)
}

/// Answers smaller than this go uncompressed.
const COMPRESS_ABOVE: u16 = 2048;

pub fn router(state: AppState) -> Router {
    let blob_routes = Router::new()
        .route(
            "/v1/blobs/{sha256}",
            put(blobs::put_blob).get(blobs::get_blob),
        )
        .layer(DefaultBodyLimit::max(limits::BLOB_MAX_BYTES + 64 * 1024));
    // The hotline's case file, larger than any JSON body.
    let hotline_import = Router::new()
        .route("/v1/staff/hotline/import", post(staff_hotline::import))
        .layer(DefaultBodyLimit::max(crate::admin::hotline::MAX_FILE_BYTES));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(ready::readyz))
        .route("/v1/openapi.json", get(openapi::openapi_json))
        .route("/v1/join", post(join::join))
        .route("/v1/me", get(join::me))
        .route("/v1/account/export", get(account::export))
        .route("/v1/account/close", post(account::close))
        .route("/v1/pull", get(sync::pull))
        .route("/v1/push", post(sync::push))
        .route("/v1/events", get(events::events))
        .route("/v1/reports/{id}", get(records::report))
        .route("/v1/notices/{id}", get(records::notice))
        .route("/v1/consultations/{id}", get(records::consultation))
        .route("/v1/log/key", get(log::key))
        .route("/v1/log/key-rotations", get(log::key_rotations))
        .route("/v1/log/restores", get(log::restores))
        .route("/v1/log/witnesses", get(log::witnesses))
        .route("/v1/log/checkpoint", get(log::checkpoint))
        .route("/v1/log/inclusion", get(log::inclusion))
        .route("/v1/log/inclusions", post(log::inclusions))
        .route("/v1/log/leaves-proof", post(log::leaves_proof))
        .route("/v1/log/consistency", get(log::consistency))
        .route("/v1/log/leaves", get(log::leaves))
        .route("/v1/log/tallies", get(log::tallies))
        .route("/log/{community}/checkpoint", get(tiles::checkpoint))
        .route("/log/{community}/tile/{*path}", get(tiles::tile))
        .route("/v1/proxy/invites", post(proxy::create_invite))
        .route("/v1/proxy/accept", post(proxy::accept))
        .route("/v1/proxy/grants", get(proxy::grants))
        .route("/v1/proxy/grants/{id}/revoke", post(proxy::revoke))
        .route("/v1/proxy/visitors", post(proxy_visitor::accept))
        .route("/v1/proxy/visitor/pull", get(proxy_visitor::pull))
        .route("/v1/proxy/visitor/push", post(proxy_visitor::push))
        .route("/v1/proxy/visitor/grants", get(proxy_visitor::grants))
        .route(
            "/v1/proxy/visitor/grants/{id}/give-up",
            post(proxy_visitor::give_up),
        )
        .route("/v1/staff/password", post(staff::set_password))
        .route(
            "/v1/staff/session",
            post(staff::sign_in).delete(staff::sign_out),
        )
        .route("/v1/staff/reports", get(staff::inbox))
        .route("/v1/staff/reports/{id}", get(staff::report))
        .route("/v1/staff/reports/{id}/status", post(staff::set_status))
        .route(
            "/v1/staff/reports/{id}/dispatch",
            post(staff_dispatch::dispatch),
        )
        .route("/v1/staff/reports/{id}/sign", post(staff_dispatch::sign))
        .route(
            "/v1/staff/reports/{id}/return",
            post(staff_dispatch::send_back),
        )
        .route("/v1/staff/reports/{id}/notes", post(staff_dispatch::note))
        .route("/v1/staff/access-log", get(staff_dispatch::access_log))
        .route("/v1/staff/assignees", get(staff_dispatch::assignees))
        .route("/v1/staff/escalations", get(staff_cases::escalations))
        .route("/v1/staff/reminders", get(staff_cases::reminders))
        .route(
            "/v1/staff/reminders/{id}/read",
            post(staff_cases::read_reminder),
        )
        .route(
            "/v1/staff/templates",
            get(staff_cases::templates).post(staff_cases::add_template),
        )
        .route(
            "/v1/staff/templates/{id}",
            put(staff_cases::edit_template).delete(staff_cases::delete_template),
        )
        .route("/v1/staff/totp", post(staff_account::totp_begin))
        .route("/v1/staff/totp/confirm", post(staff_account::totp_confirm))
        .route("/v1/staff/totp/disable", post(staff_account::totp_disable))
        .route(
            "/v1/staff/sessions",
            delete(staff_account::sign_out_everywhere),
        )
        .route("/v1/staff/statistics", get(staff_stats::statistics))
        .route("/v1/staff/statistics/monthly", get(staff_stats::monthly))
        .route("/v1/staff/hotline/export", get(staff_hotline::export))
        .route(
            "/v1/staff/notices",
            get(staff_notices::list).post(staff_notices::publish),
        )
        .route(
            "/v1/staff/notices/{id}/retract",
            post(staff_notices::retract),
        )
        .route(
            "/v1/staff/notices/{id}/door-knock",
            get(staff_notices::door_knock).post(staff_notices::record_knock),
        )
        .route(
            "/v1/staff/care-households/{id}",
            put(staff_notices::set_care),
        )
        .route(
            "/v1/staff/consultations",
            get(staff_notices::consultations).post(staff_notices::create_consultation),
        )
        .route(
            "/v1/staff/consultations/{id}/close",
            post(staff_notices::close_consultation),
        )
        .route(
            "/v1/staff/consultations/openings",
            get(staff_notices::openings),
        )
        .route("/open311/v2/discovery.xml", get(open311::discovery_xml))
        .route("/open311/v2/discovery.json", get(open311::discovery_json))
        .route("/open311/v2/services.xml", get(open311::services_xml))
        .route("/open311/v2/services.json", get(open311::services_json))
        .route("/open311/v2/services/{service_code}", get(open311::service))
        .route(
            "/open311/v2/requests.xml",
            get(open311::requests_xml).post(open311::create_xml),
        )
        .route(
            "/open311/v2/requests.json",
            get(open311::requests_json).post(open311::create_json),
        )
        .route(
            "/open311/v2/requests/{service_request_id}",
            get(open311::one_request),
        )
        .route("/open311/v2/tokens/{token}", get(open311::token))
        .layer(DefaultBodyLimit::max(JSON_BODY_MAX))
        // JSON answers (pull pages above all: ~0.6 kB per change, very repetitive) go compressed when the
        // device accepts it; SSE, images and small answers (a push answer, "nothing new") stay plain: a
        // zstd context costs more than a few hundred bytes save. Blobs are outside this layer. Fastest
        // level: on a phone the bytes cost more than the CPU, and zstd's fastest level costs the hub little.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(
                    SizeAbove::new(COMPRESS_ABOVE)
                        .and(NotForContentType::GRPC)
                        .and(NotForContentType::IMAGES)
                        .and(NotForContentType::SSE),
                ),
        )
        .merge(blob_routes)
        .merge(hotline_import)
        .route("/console", get(console::redirect))
        .route("/console/", get(console::root))
        .route("/console/{*path}", get(console::asset))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            throttle::per_device,
        ))
        .layer(middleware::from_fn(lang::localize))
        // Outermost but for routing, so every line logged for a request (throttling, metrics,
        // the handler) carries its id.
        .layer(middleware::from_fn(request_id::tag))
        .with_state(state)
}
