//! The HTTP face: `POST /add-checkpoint` (C2SP tlog-witness) over axum.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use crate::witness::{Refusal, Witness};

/// Requests are handled one at a time: each reads and advances the stored tree, and a witness
/// sees few requests (one per new checkpoint of each log).
pub type Shared = Arc<Mutex<Witness>>;

pub fn router(witness: Shared) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .with_state(witness)
}

async fn add_checkpoint(AxumState(witness): AxumState<Shared>, body: Bytes) -> Response {
    let result = tokio::task::spawn_blocking(move || match witness.lock() {
        Ok(mut w) => w.add_checkpoint(&body),
        Err(_) => Err(Refusal::Sign("witness state lock poisoned".into())),
    })
    .await;
    match result {
        Ok(Ok(lines)) => (StatusCode::OK, lines).into_response(),
        Ok(Err(refusal)) => refusal_response(&refusal),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn refusal_response(refusal: &Refusal) -> Response {
    let text = |status: StatusCode| (status, format!("{refusal}\n")).into_response();
    match refusal {
        Refusal::Malformed(_) => text(StatusCode::BAD_REQUEST),
        Refusal::UnknownOrigin => text(StatusCode::NOT_FOUND),
        Refusal::BadSignature => text(StatusCode::FORBIDDEN),
        Refusal::Conflict(size) => (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/x.tlog.size")],
            format!("{size}\n"),
        )
            .into_response(),
        Refusal::Inconsistent => text(StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::State(_) | Refusal::Sign(_) => text(StatusCode::INTERNAL_SERVER_ERROR),
    }
}
