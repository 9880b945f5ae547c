//! Listens to the hub's server-sent events (`GET /v1/events`, `event: changed`) and wakes the sync loop on
//! each. Reconnects with backoff; a fresh connection also wakes it, to catch what was missed meanwhile.
use super::backoff::Backoff;
use crate::Profile;
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;

pub(crate) async fn listen(profile: Arc<Profile>) {
    let mut backoff = Backoff::default();
    loop {
        if profile.is_joined() {
            if let Ok(client) = profile.client() {
                if let Ok(resp) = client.events().await {
                    backoff.reset();
                    profile.wake.notify_one();
                    let mut stream = resp.bytes_stream();
                    let mut parser = SseParser::default();
                    while let Some(Ok(chunk)) = stream.next().await {
                        for event in parser.feed(&chunk) {
                            if event == "changed" {
                                // Devices nudged together do not all pull in the same instant.
                                tokio::time::sleep(nudge_jitter()).await;
                                profile.wake.notify_one();
                            }
                        }
                    }
                }
            }
        }
        tokio::time::sleep(backoff.next_delay().max(Duration::from_millis(500))).await;
    }
}

/// Up to [`NUDGE_JITTER_MAX`] of random delay before a nudged pull.
fn nudge_jitter() -> Duration {
    use rand::Rng;
    Duration::from_millis(rand::rng().random_range(0..=NUDGE_JITTER_MAX.as_millis() as u64))
}

/// The most a device waits after a nudge before it pulls: spreads the pulls of a community's devices
/// woken by one notice over a quarter second.
pub const NUDGE_JITTER_MAX: Duration = Duration::from_millis(250);

/// Splits a byte stream into SSE events and yields each event's name (`message` when unnamed).
#[derive(Default)]
pub struct SseParser {
    buf: String,
}

impl SseParser {
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        self.buf
            .push_str(&String::from_utf8_lossy(chunk).replace("\r\n", "\n"));
        let mut events = Vec::new();
        while let Some(end) = self.buf.find("\n\n") {
            let block: String = self.buf.drain(..end + 2).collect();
            let mut name = None;
            let mut has_data = false;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = Some(v.trim().to_owned());
                } else if line.starts_with("data:") {
                    has_data = true;
                }
            }
            if name.is_some() || has_data {
                events.push(name.unwrap_or_else(|| "message".to_owned()));
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_events_split_across_chunks() {
        let mut p = SseParser::default();
        assert!(p.feed(b"event: chan").is_empty());
        assert_eq!(
            p.feed(b"ged\ndata: {\"head\":3}\n\n: keep-alive\n\n"),
            vec!["changed"]
        );
        assert_eq!(p.feed(b"data: x\r\n\r\n"), vec!["message"]);
    }
}
