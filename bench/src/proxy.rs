//! A counting TCP proxy: clients of both stacks talk to their server through it, so bytes on the wire
//! (request + response, headers included) are measured the same way for Linli and for PouchDB.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Bytes seen since the last [`CountingProxy::take`].
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Bytes {
    /// Client → server.
    pub up: u64,
    /// Server → client.
    pub down: u64,
}

impl Bytes {
    pub fn total(&self) -> u64 {
        self.up + self.down
    }
}

pub struct CountingProxy {
    addr: SocketAddr,
    counters: Counters,
    task: JoinHandle<()>,
}

/// The proxy's counters, shareable with another thread.
#[derive(Clone, Default)]
pub struct Counters {
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
}

impl Counters {
    /// Bytes since the previous call; resets the counters.
    pub fn take(&self) -> Bytes {
        Bytes {
            up: self.up.swap(0, Ordering::SeqCst),
            down: self.down.swap(0, Ordering::SeqCst),
        }
    }
}

impl CountingProxy {
    /// Listens on a free loopback port and forwards every connection to `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<CountingProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let counters = Counters::default();
        let (u, d) = (Arc::clone(&counters.up), Arc::clone(&counters.down));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (u, d) = (Arc::clone(&u), Arc::clone(&d));
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::join!(pump(cr, sw, u), pump(sr, cw, d));
                });
            }
        });
        Ok(CountingProxy {
            addr,
            counters,
            task,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Bytes since the previous call; resets the counters.
    pub fn take(&self) -> Bytes {
        self.counters.take()
    }

    pub fn counters(&self) -> Counters {
        self.counters.clone()
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies one direction, counting as it goes (not at the end: connections are kept alive between phases).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    count: Arc<AtomicU64>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count.fetch_add(n as u64, Ordering::SeqCst);
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_both_directions() {
        let echo = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let target = echo.local_addr().expect("addr");
        tokio::spawn(async move {
            let (mut s, _) = echo.accept().await.expect("accept");
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.expect("read");
            s.write_all(b"hello world").await.expect("write");
        });
        let proxy = CountingProxy::start(target).await.expect("proxy");
        let mut c = TcpStream::connect(proxy.addr).await.expect("connect");
        c.write_all(b"hello").await.expect("send");
        let mut back = [0u8; 11];
        c.read_exact(&mut back).await.expect("answer");
        let b = proxy.take();
        assert_eq!((b.up, b.down), (5, 11));
        assert_eq!(proxy.take().total(), 0);
    }
}
