//! `GET /readyz`: whether a load balancer or service manager should send residents here. `/healthz`
//! says the process answers; this says it can do the work: the database answers, its migrations are
//! all applied, and the hub is not shutting down.
use axum::extract::State;
use linli_proto::{ErrorBody, ErrorCode};

use super::AppState;
use crate::error::ApiError;

#[utoipa::path(get, path = "/readyz",
    responses((status = 200, body = String, description = "`ready`"),
        (status = 503, body = ErrorBody, description = "`service_unavailable`: draining, or the database is not usable")))]
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    if state.hub.draining() {
        return Err(ApiError(ErrorCode::ServiceUnavailable));
    }
    let hub = state.hub.clone();
    match crate::api::request_id::spawn_blocking_in_span(move || hub.sqlite().readiness()).await {
        Ok(Ok(())) => Ok("ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            Err(ApiError(ErrorCode::ServiceUnavailable))
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError(ErrorCode::ServiceUnavailable))
        }
    }
}
