//! A small fault-injecting TCP proxy between devices and the hub (a test double for a bad network, the one
//! thing that can't exist here for real). It forwards bytes both ways; on request it cuts the connection
//! after forwarding a push request and before its answer reaches the device ("lost response"), or goes
//! "offline": refuses new connections and cuts an open (kept-alive) one when the device next sends on it. The upstream address can change, so the hub can restart on another port.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct Faults {
    offline: AtomicBool,
    /// Cut the answers to this many of the next `POST /v1/push` requests.
    push_responses_to_lose: AtomicUsize,
    responses_lost: AtomicUsize,
    connections: AtomicUsize,
    /// The request line of every request devices sent (`POST /v1/push HTTP/1.1`).
    requests: Mutex<Vec<String>>,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    faults: Arc<Faults>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let upstream = Arc::new(Mutex::new(upstream));
        let faults = Arc::new(Faults::default());
        let (up, f) = (upstream.clone(), faults.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                f.connections.fetch_add(1, Ordering::SeqCst);
                if f.offline.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = *up.lock().unwrap();
                tokio::spawn(relay(client, target, f.clone()));
            }
        });
        FaultProxy {
            addr,
            upstream,
            faults,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_upstream(&self, addr: SocketAddr) {
        *self.upstream.lock().unwrap() = addr;
    }

    pub fn set_offline(&self, offline: bool) {
        self.faults.offline.store(offline, Ordering::SeqCst);
    }

    /// Cuts the answer to the next push (the device resends it once at once, and that answer arrives).
    pub fn lose_next_push_response(&self) {
        self.lose_push_responses(1);
    }

    /// Cuts the answers to the next `n` pushes.
    pub fn lose_push_responses(&self, n: usize) {
        self.faults
            .push_responses_to_lose
            .store(n, Ordering::SeqCst);
    }

    /// Takes back armed cuts that no push used.
    pub fn disarm(&self) {
        self.lose_push_responses(0);
    }

    /// How many requests so far began with `start` (`"POST /v1/log/inclusions"`).
    pub fn requests(&self, start: &str) -> usize {
        let seen = self.faults.requests.lock().unwrap();
        seen.iter().filter(|line| line.starts_with(start)).count()
    }

    /// Connections devices opened through the proxy so far.
    pub fn connections(&self) -> usize {
        self.faults.connections.load(Ordering::SeqCst)
    }

    pub fn responses_lost(&self) -> usize {
        self.faults.responses_lost.load(Ordering::SeqCst)
    }
}

async fn relay(client: TcpStream, target: SocketAddr, faults: Arc<Faults>) {
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let cut = Arc::new(AtomicBool::new(false));
    let cut_up = cut.clone();
    let faults_up = faults.clone();
    let up = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &buf[..n];
            if [&b"GET /"[..], b"POST /", b"PUT /"]
                .iter()
                .any(|m| chunk.starts_with(m))
            {
                let line = chunk.split(|b| *b == b'\r').next().unwrap_or_default();
                let line = String::from_utf8_lossy(line).into_owned();
                faults_up.requests.lock().unwrap().push(line);
            }
            if faults_up.offline.load(Ordering::SeqCst) {
                // The line went down under a kept-alive connection: the request is lost, the hub sees the
                // connection end and closes it, and the device hears nothing.
                break;
            }
            if buf[..n].windows(13).any(|w| w == b"POST /v1/push")
                && faults_up
                    .push_responses_to_lose
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
            {
                cut_up.store(true, Ordering::SeqCst);
            }
            if sw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match sr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if cut.load(Ordering::SeqCst) {
            // The hub has answered (so it applied the push); the device never hears it.
            faults.responses_lost.fetch_add(1, Ordering::SeqCst);
            break;
        }
        if cw.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    up.abort();
}
