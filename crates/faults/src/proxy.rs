//! A fault-injecting TCP proxy for HTTP/1.1 between clients and the hub. Each accepted connection draws one
//! [`Fault`] from a seeded generator (in accept order, so a schedule that drives its clients one step at a
//! time replays from its seed) and applies it to the connection's request. The proxy adds `connection: close`
//! to that request, so every request comes on a new connection and draws its own fault. The faults are the ones a phone on a bad network meets: the connection
//! dropped before the request reached the hub, the answer lost after the hub applied it, a slow link, an
//! answer cut mid-body, a request delivered twice (a retrying middlebox), and a gateway answering 502/503.
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest first request the proxy buffers to inspect (photo uploads are smaller).
const MAX_REQUEST: usize = 32 * 1024 * 1024;

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward faithfully.
    None,
    /// Close the connection once the request arrived, without sending anything to the hub.
    DropBeforeForward,
    /// Send the request to the hub, then close the connection when the answer starts: the hub applied it,
    /// the client never hears.
    DropAfterRequest,
    /// Wait this long before forwarding the request.
    Delay(Duration),
    /// Forward the answer's head and this many thousandths of the body bytes first read, then close.
    CutMidBody { keep_permille: u16 },
    /// Send the request to the hub twice (on two connections, at once); the client gets one answer.
    Duplicate,
    /// Answer this status (502 or 503) without asking the hub.
    Status(u16),
}

/// Counts of what the proxy did, for reports and for tests that a fault really happened.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FaultStats {
    pub connections: u64,
    pub dropped_before: u64,
    pub dropped_after: u64,
    pub delayed: u64,
    pub cut: u64,
    pub duplicated: u64,
    pub statuses: u64,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    dropped_before: AtomicU64,
    dropped_after: AtomicU64,
    delayed: AtomicU64,
    cut: AtomicU64,
    duplicated: AtomicU64,
    statuses: AtomicU64,
}

struct Shared {
    upstream: Mutex<SocketAddr>,
    rng: Mutex<StdRng>,
    /// Out of 1000 connections, how many get a fault (0 = a perfect network).
    fault_permille: AtomicU64,
    offline: AtomicBool,
    counters: Counters,
}

/// The proxy; it stops when dropped.
pub struct FaultProxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts on a random loopback port in front of `upstream`, faults off, the generator seeded with `seed`.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start(upstream: SocketAddr, seed: u64) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream: Mutex::new(upstream),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            fault_permille: AtomicU64::new(0),
            offline: AtomicBool::new(false),
            counters: Counters::default(),
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                s.counters.connections.fetch_add(1, Ordering::Relaxed);
                if s.offline.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let fault = s.draw();
                let target = *lock(&s.upstream);
                tokio::spawn(relay(client, target, fault, s.clone()));
            }
        });
        Ok(FaultProxy { addr, shared, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Points the proxy at a new hub address (a restarted hub).
    pub fn set_upstream(&self, addr: SocketAddr) {
        *lock(&self.shared.upstream) = addr;
    }

    /// The share of connections, in thousandths, that get a fault; 0 turns faults off.
    pub fn set_fault_permille(&self, permille: u64) {
        self.shared
            .fault_permille
            .store(permille.min(1000), Ordering::SeqCst);
    }

    /// Refuses every new connection (the device is offline) until set back.
    pub fn set_offline(&self, offline: bool) {
        self.shared.offline.store(offline, Ordering::SeqCst);
    }

    pub fn stats(&self) -> FaultStats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        FaultStats {
            connections: get(&c.connections),
            dropped_before: get(&c.dropped_before),
            dropped_after: get(&c.dropped_after),
            delayed: get(&c.delayed),
            cut: get(&c.cut),
            duplicated: get(&c.duplicated),
            statuses: get(&c.statuses),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// One draw per connection, always the same number of draws, so the sequence depends only on the seed.
    fn draw(&self) -> Fault {
        let mut rng = lock(&self.rng);
        let roll: u64 = rng.random_range(0..1000);
        let kind: u8 = rng.random_range(0..6);
        let param: u64 = rng.random_range(0..1000);
        if roll >= self.fault_permille.load(Ordering::SeqCst) {
            return Fault::None;
        }
        match kind {
            0 => Fault::DropBeforeForward,
            1 => Fault::DropAfterRequest,
            2 => Fault::Delay(Duration::from_millis(param % 300)),
            3 => Fault::CutMidBody {
                keep_permille: (param % 1000) as u16,
            },
            4 => Fault::Duplicate,
            _ => Fault::Status(if param.is_multiple_of(2) { 502 } else { 503 }),
        }
    }
}

/// Reads one whole HTTP/1.1 request (head and a `content-length` body). `None` when the client went away
/// first; `Some((bytes, complete))` where `complete` is false for a chunked or oversized body (then only
/// the bytes read so far are held, and the rest is streamed).
async fn read_request(client: &mut TcpStream) -> Option<(Vec<u8>, bool)> {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 64 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Some((buf, false));
        }
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    if head.contains("transfer-encoding:") {
        return Some((buf, false));
    }
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_REQUEST {
        return Some((buf, false));
    }
    while buf.len() < head_end + length {
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some((buf, true))
}

/// Adds `connection: close` to the request's head, so the hub closes the connection after answering and the
/// client opens a new one (drawing a new fault) for its next request instead of reusing this one.
fn close_after_answer(request: &mut Vec<u8>) {
    let Some(line_end) = find(request, b"\r\n") else {
        return;
    };
    let head_end = find(request, b"\r\n\r\n").unwrap_or(request.len());
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    if !head.contains("\r\nconnection:") {
        let at = line_end + 2;
        request.splice(at..at, b"connection: close\r\n".iter().copied());
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn relay(mut client: TcpStream, target: SocketAddr, fault: Fault, s: Arc<Shared>) {
    let c = &s.counters;
    let Some((mut first, complete)) = read_request(&mut client).await else {
        return;
    };
    close_after_answer(&mut first);
    let fault = match fault {
        Fault::Duplicate if !complete => Fault::None,
        f => f,
    };
    match fault {
        Fault::DropBeforeForward => {
            c.dropped_before.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Fault::Status(code) => {
            c.statuses.fetch_add(1, Ordering::Relaxed);
            let reason = if code == 502 {
                "Bad Gateway"
            } else {
                "Service Unavailable"
            };
            let answer = format!(
                "HTTP/1.1 {code} {reason}\r\ncontent-type: text/plain\r\ncontent-length: 7\r\nconnection: close\r\n\r\ngateway"
            );
            let _ = client.write_all(answer.as_bytes()).await;
            let _ = client.shutdown().await;
            return;
        }
        Fault::Delay(d) => {
            c.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(d).await;
        }
        Fault::Duplicate => {
            c.duplicated.fetch_add(1, Ordering::Relaxed);
            let copy = first.clone();
            tokio::spawn(async move {
                if let Ok(mut twin) = TcpStream::connect(target).await {
                    if twin.write_all(&copy).await.is_ok() {
                        // Read the answer (and discard it) so the hub finishes the request normally.
                        let mut sink = vec![0u8; 64 * 1024];
                        let _ = tokio::time::timeout(Duration::from_secs(10), async {
                            loop {
                                match twin.read(&mut sink).await {
                                    Ok(0) | Err(_) => break,
                                    Ok(_) => {}
                                }
                            }
                        })
                        .await;
                    }
                }
            });
        }
        Fault::None | Fault::DropAfterRequest | Fault::CutMidBody { .. } => {}
    }
    let Ok(mut server) = TcpStream::connect(target).await else {
        return;
    };
    if server.write_all(&first).await.is_err() {
        return;
    }
    match fault {
        Fault::DropAfterRequest => {
            if !complete {
                // Stream the rest of the body, so the hub has the whole request before the answer is lost.
                let (mut cr, _cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let mut one = [0u8; 1];
                let _ = tokio::select! {
                    r = tokio::io::copy(&mut cr, &mut sw) => r.map(|_| ()),
                    r = sr.read(&mut one) => r.map(|_| ()),
                };
            } else {
                let mut one = [0u8; 1];
                let _ = server.read(&mut one).await;
            }
            c.dropped_after.fetch_add(1, Ordering::Relaxed);
        }
        Fault::CutMidBody { keep_permille } if complete => {
            let mut answer = Vec::new();
            let mut chunk = vec![0u8; 64 * 1024];
            let head_end = loop {
                if let Some(i) = find(&answer, b"\r\n\r\n") {
                    break Some(i + 4);
                }
                match server.read(&mut chunk).await {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => answer.extend_from_slice(&chunk[..n]),
                }
            };
            let Some(head_end) = head_end else { return };
            // Wait briefly for more of the body so there is something to cut.
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(50), server.read(&mut chunk)).await
            {
                answer.extend_from_slice(&chunk[..n]);
            }
            let body = answer.len() - head_end;
            let keep = head_end + body * usize::from(keep_permille) / 1000;
            let keep = keep
                .min(answer.len().saturating_sub(1))
                .max(head_end.min(answer.len()));
            let _ = client.write_all(&answer[..keep]).await;
            c.cut.fetch_add(1, Ordering::Relaxed);
        }
        _ => {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(seed: u64, permille: u64) -> Shared {
        Shared {
            upstream: Mutex::new(SocketAddr::from(([127, 0, 0, 1], 9))),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            fault_permille: AtomicU64::new(permille),
            offline: AtomicBool::new(false),
            counters: Counters::default(),
        }
    }

    #[test]
    fn a_seed_replays_the_same_faults() {
        let (a, b) = (shared(42, 500), shared(42, 500));
        let run = |s: &Shared| (0..200).map(|_| s.draw()).collect::<Vec<_>>();
        let first = run(&a);
        assert_eq!(first, run(&b));
        assert_ne!(first, run(&shared(43, 500)));
        // Every kind of fault turns up.
        assert!(first.contains(&Fault::DropBeforeForward));
        assert!(first.contains(&Fault::DropAfterRequest));
        assert!(first.contains(&Fault::Duplicate));
        assert!(first.iter().any(|f| matches!(f, Fault::Delay(_))));
        assert!(first.iter().any(|f| matches!(f, Fault::CutMidBody { .. })));
        assert!(first.iter().any(|f| matches!(f, Fault::Status(_))));
    }

    #[test]
    fn faults_off_forwards_everything() {
        let s = shared(7, 0);
        assert!((0..200).all(|_| s.draw() == Fault::None));
    }

    /// A duplicated request reaches the upstream twice; the client gets one answer.
    #[tokio::test]
    async fn a_duplicated_request_arrives_twice() {
        let upstream = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let up_addr = upstream.local_addr().expect("addr");
        let seen = Arc::new(AtomicU64::new(0));
        let counter = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut c, _)) = upstream.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    if let Ok(n) = c.read(&mut buf).await {
                        if buf[..n].ends_with(b"hello") {
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    let _ = c
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                        .await;
                });
            }
        });
        let proxy = FaultProxy::start(up_addr, 1).await.expect("proxy");
        // Find a seed position that yields a duplicate: force it by drawing until one comes.
        proxy.set_fault_permille(1000);
        loop {
            let probe = {
                let mut rng = lock(&proxy.shared.rng).clone();
                let _: u64 = rng.random_range(0..1000);
                rng.random_range(0..6u8)
            };
            if probe == 4 {
                break;
            }
            proxy.shared.draw();
        }
        let mut c = TcpStream::connect(proxy.addr).await.expect("connect");
        c.write_all(b"POST /v1/push HTTP/1.1\r\ncontent-length: 5\r\n\r\nhello")
            .await
            .expect("send");
        let mut answer = vec![0u8; 4096];
        let n = c.read(&mut answer).await.expect("answer");
        assert!(answer[..n].ends_with(b"ok"));
        for _ in 0..100 {
            if seen.load(Ordering::SeqCst) == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(seen.load(Ordering::SeqCst), 2);
        assert_eq!(proxy.stats().duplicated, 1);
    }
}
