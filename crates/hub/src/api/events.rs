//! Live nudges: `GET /v1/events` keeps a Server-Sent Events stream open and sends `event: changed`
//! with `{head}` (the caller's community feed position) when something the caller may see changed:
//! at once on connecting, then at most once per [`NUDGE_MIN_GAP`] (see [`crate::nudge`]). When the hub
//! shuts down it ends each stream with `event: closing` and a `retry:` hint.
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use linli_proto::{ErrorBody, Nudge};
use tokio::time::Instant;

use super::auth::Caller;
use super::{blocking, AppState};
use crate::error::ApiError;
use crate::nudge::NUDGE_MIN_GAP;

fn changed(head: i64) -> Event {
    let data =
        serde_json::to_string(&Nudge { head }).unwrap_or_else(|_| format!("{{\"head\":{head}}}"));
    Event::default().event("changed").data(data)
}

/// How long after the hub ends a stream (shutting down) a device should reconnect, beyond the drain
/// grace: by then a restarted hub, or another one behind the same address, answers.
pub const RECONNECT_AFTER: Duration = Duration::from_secs(5);

/// `event: closing` with a `retry:` hint: the hub is shutting down and ends the stream.
fn goodbye(retry: Duration) -> Event {
    Event::default().event("closing").data("").retry(retry)
}

/// Sends the caller's feed position at once, then whenever something for the caller was committed,
/// coalesced to one event per second.
#[utoipa::path(get, path = "/v1/events", security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", description = "`event: changed`, data `Nudge`"),
        (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Caller(viewer): Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let now = state.hub.now();
    let me = viewer.clone();
    let (audiences, head) = blocking(&state.hub, move |s| {
        Ok((
            s.nudge_audiences(&viewer, now)?,
            s.head(viewer.community_id)?,
        ))
    })
    .await?;
    let own = crate::store::Audience::Resident(me.resident_id);
    let sub = state.hub.nudges().subscribe(own, audiences, head);
    let closing = state.closing.clone();
    // The nudge sent on connecting does not hold the next one back: what changes right after a device
    // connected reaches it at once; from then on at most one per gap.
    let last = Instant::now()
        .checked_sub(NUDGE_MIN_GAP)
        .unwrap_or_else(Instant::now);
    let hub = state.hub.clone();
    let retry = state.hub.drain_grace() + RECONNECT_AFTER;
    // Counted open while the stream lives (the guard travels with it).
    let open = state.hub.metrics().stream_opened();
    let rest = stream::unfold(
        (sub, closing, last, false),
        move |(mut sub, mut closing, last, ended)| {
            let _open = &open;
            let hub = hub.clone();
            let viewer = me.clone();
            async move {
                if ended {
                    return None;
                }
                // The last event of a stream the hub ends tells the device when to come back.
                let bye = |sub, closing| Some((Ok(goodbye(retry)), (sub, closing, last, true)));
                if *closing.borrow() {
                    return bye(sub, closing);
                }
                let moved = tokio::select! {
                    r = sub.rx.changed() => r.is_ok(),
                    _ = closing.wait_for(|c| *c) => false,
                };
                if !moved {
                    return bye(sub, closing);
                }
                // What arrives while waiting out the gap joins this one nudge.
                let since = last.elapsed();
                if since < NUDGE_MIN_GAP {
                    let closed = tokio::select! {
                        _ = tokio::time::sleep(NUDGE_MIN_GAP - since) => false,
                        _ = closing.wait_for(|c| *c) => true,
                    };
                    if closed {
                        return bye(sub, closing);
                    }
                }
                let wake = sub.take_wake();
                if wake.own {
                    // A change of the resident's own (such as a grant given or ended): what the device is
                    // woken for may have changed with it.
                    let at = hub.now();
                    if let Ok(a) = blocking(&hub, move |s| s.nudge_audiences(&viewer, at)).await {
                        sub.set_audiences(a);
                    }
                }
                Some((
                    Ok(changed(wake.head)),
                    (sub, closing, Instant::now(), false),
                ))
            }
        },
    );
    let stream =
        futures_util::StreamExt::chain(stream::once(async move { Ok(changed(head)) }), rest);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
