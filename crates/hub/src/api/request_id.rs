//! A request id for every request, so an operator can follow one request through the logs: taken
//! from a well-formed `x-request-id` header (a proxy in front keeps its own id) or made here, echoed
//! in the answer's `x-request-id`, and carried by a span that every line logged while handling the
//! request inherits (the JSON log format writes it on each line).
//!
//! The span holds the method and the route's template only, never the path itself, the query, a
//! header or a body: those can carry tokens, invitation codes and residents' words.
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header a request id arrives and leaves in.
pub const HEADER: &str = "x-request-id";
/// Longer ids from outside are replaced: a log line is no place for someone's essay.
pub const MAX_LEN: usize = 64;

/// Whether an id from outside may be kept: 1 to [`MAX_LEN`] characters of ASCII letters, digits,
/// `-`, `_` and `.` (what proxies generate: UUIDs, hex, base32), so nothing odd reaches a log line.
pub fn well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A new id: a UUIDv7 without dashes, so ids sort by arrival.
pub fn fresh() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// The middleware: picks the id, runs the request inside its span, logs one line when the answer
/// is ready and echoes the id.
pub async fn tag(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| well_formed(v))
        .map(str::to_owned)
        .unwrap_or_else(fresh);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "-".to_owned());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = %route,
    );
    let started = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = resp.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "request handled"
        )
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}

/// Runs `f` on a blocking thread inside the current request's span, so what it logs names the
/// request too (a plain `spawn_blocking` would lose the span).
pub fn spawn_blocking_in_span<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> tokio::task::JoinHandle<T> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(well_formed("0193a0b2-7c1d-7e00-9a3b-2f4c5d6e7f80"));
        assert!(well_formed("abc.DEF_123"));
        assert!(!well_formed(""));
        assert!(!well_formed("has space"));
        assert!(!well_formed("new\nline"));
        assert!(!well_formed("水管"));
        assert!(!well_formed(&"a".repeat(MAX_LEN + 1)));
        assert!(well_formed(&fresh()));
    }
}
