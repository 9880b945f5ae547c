//! Live nudges: `GET /v1/events` keeps a Server-Sent Events stream open and sends `event: changed`
//! with `{head}` whenever the change log moves, so devices pull within a second.
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use linli_proto::{ErrorBody, Nudge};

use super::auth::Caller;
use super::AppState;
use crate::error::ApiError;

fn changed(head: i64) -> Event {
    let data =
        serde_json::to_string(&Nudge { head }).unwrap_or_else(|_| format!("{{\"head\":{head}}}"));
    Event::default().event("changed").data(data)
}

/// Sends the current head at once, then every time it moves. (Everyone in the community is nudged on
/// any change; the pull decides what is theirs.)
#[utoipa::path(get, path = "/v1/events", security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", description = "`event: changed`, data `Nudge`"),
        (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Caller(_viewer): Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let mut heads = state.hub.subscribe();
    let first = *heads.borrow_and_update();
    let closing = state.closing.clone();
    let rest = stream::unfold((heads, closing), |(mut heads, mut closing)| async move {
        if *closing.borrow() {
            return None;
        }
        let moved = tokio::select! {
            r = heads.changed() => r.is_ok(),
            _ = closing.wait_for(|c| *c) => false,
        };
        if !moved {
            return None;
        }
        let head = *heads.borrow_and_update();
        Some((Ok(changed(head)), (heads, closing)))
    });
    let stream =
        futures_util::StreamExt::chain(stream::once(async move { Ok(changed(first)) }), rest);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
