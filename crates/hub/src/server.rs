//! Serving the API on a listener until shutdown, plus in-process helpers for tests of this and
//! other crates.
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::api::{self, AppState};
use crate::clock::{Clock, SystemClock};
use crate::error::HubError;
use crate::hub::Hub;
use crate::tls::TlsListener;
use axum::serve::{Listener, ListenerExt};
use tokio_rustls::rustls::ServerConfig;

/// How often the server looks for writes made by other processes (admin commands), for
/// consultations whose closing time passed and for proxy grants that expired.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// How often moved tallies are announced: a vote logs a change for the voter only, and everyone else
/// learns the new live tally from one change per consultation per interval, not one per vote.
pub const TALLY_INTERVAL: Duration = Duration::from_secs(3);

impl Hub {
    /// Serves the API on `listener` until `shutdown` completes.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), HubError> {
        self.serve_on(listener, shutdown).await
    }

    /// Serves the API over HTTPS (see [`crate::tls`]) until `shutdown` completes.
    pub async fn serve_tls(
        &self,
        listener: TcpListener,
        config: Arc<ServerConfig>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), HubError> {
        self.serve_on(TlsListener::new(listener, config)?, shutdown)
            .await
    }

    async fn serve_on<L: Listener<Addr = SocketAddr>>(
        &self,
        listener: L,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), HubError> {
        // `closing` ends live streams and marks the hub draining as soon as shutdown is asked for;
        // `stop` closes the port after the drain grace, and in-flight requests still finish then.
        let (closing_tx, closing_rx) = watch::channel(false);
        let (stop_tx, stop_rx) = watch::channel(false);
        // Photo retention runs at start, then daily from the poller.
        let h = self.clone();
        if let Err(e) =
            tokio::task::spawn_blocking(move || crate::privacy::expire_photos_if_due(&h))
                .await
                .unwrap_or(Ok(()))
        {
            tracing::warn!(error = %e, "photo retention failed");
        }
        let poller = tokio::spawn(poll(self.clone(), stop_rx.clone()));
        let dispatcher = tokio::spawn(crate::nudge::dispatch(self.clone(), stop_rx.clone()));
        let witnessing = tokio::spawn(crate::witnessing::run(self.clone(), stop_rx.clone()));
        let app = api::router(AppState {
            hub: self.clone(),
            closing: closing_rx.clone(),
        });
        let mut graceful = stop_rx.clone();
        let draining = self.clone();
        tokio::spawn(async move {
            shutdown.await;
            draining.start_draining();
            tracing::info!(grace = ?draining.drain_grace(), "draining");
            let _ = closing_tx.send(true);
            tokio::time::sleep(draining.drain_grace()).await;
            let _ = stop_tx.send(true);
        });
        // `tap_io` only to get the peer address to handlers for any listener (plain or TLS).
        let served = axum::serve(
            listener.tap_io(|_| {}),
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = graceful.wait_for(|c| *c).await;
        })
        .await;
        poller.abort();
        dispatcher.abort();
        witnessing.abort();
        let h = self.clone();
        match tokio::task::spawn_blocking(move || h.finish()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "final checkpoint failed"),
            Err(e) => tracing::warn!(error = %e, "final checkpoint task failed"),
        }
        served.map_err(HubError::Io)
    }

    /// The last work of a stopping hub: a signed checkpoint of every community's log that grew since
    /// its last one (so what was applied is covered by a signed head), then the WAL folded into the
    /// database file.
    fn finish(&self) -> Result<(), HubError> {
        self.checkpoint_logs()?;
        self.sqlite().checkpoint_wal()?;
        Ok(())
    }
}

async fn poll(hub: Hub, mut closing: watch::Receiver<bool>) {
    let mut tallies_at = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = closing.wait_for(|c| *c) => return,
        }
        let h = hub.clone();
        let now = hub.now();
        let flush = tallies_at.elapsed() >= TALLY_INTERVAL;
        if flush {
            tallies_at = tokio::time::Instant::now();
        }
        let result = tokio::task::spawn_blocking(move || {
            if flush {
                h.store().flush_tallies(now)?;
            }
            h.store().close_due_consultations(now)?;
            h.store().log_expired_grants(now)?;
            crate::admin::escalation::sweep(&h)?;
            h.notify();
            crate::privacy::expire_photos_if_due(&h)
        })
        .await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "poll failed"),
            Err(e) => tracing::warn!(error = %e, "poll task failed"),
        }
    }
}

/// A hub serving in the background of the current tokio runtime. Dropping it stops the server.
pub struct RunningHub {
    pub addr: SocketAddr,
    tls: bool,
    hub: Hub,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), HubError>>>,
}

impl RunningHub {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:40123` (`https://localhost:…` over TLS).
    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// The hub itself, for admin functions in the same process (their writes nudge at once).
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Stops serving and waits until the port is released.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Opens `data_dir` and serves on `addr` (port 0 picks a free one).
pub async fn try_spawn_on(
    data_dir: &Path,
    addr: SocketAddr,
    clock: Arc<dyn Clock>,
) -> Result<RunningHub, HubError> {
    let hub = Hub::open_with_clock(data_dir, clock)?;
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = hub.clone();
    let task = tokio::spawn(async move {
        serving
            .serve(listener, async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(RunningHub {
        addr,
        tls: false,
        hub,
        stop: Some(stop),
        task: Some(task),
    })
}

/// A hub on `data_dir` at 127.0.0.1 on a free port, for tests.
///
/// # Panics
/// When the data directory can't be opened or no port can be bound: a test can't go on then.
pub async fn spawn_for_tests(data_dir: &Path) -> RunningHub {
    spawn_on(data_dir, SocketAddr::from(([127, 0, 0, 1], 0))).await
}

/// Like [`spawn_for_tests`] with a clock the test controls.
///
/// # Panics
/// As [`spawn_for_tests`].
pub async fn spawn_for_tests_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> RunningHub {
    match try_spawn_on(data_dir, SocketAddr::from(([127, 0, 0, 1], 0)), clock).await {
        Ok(h) => h,
        Err(e) => panic!("starting a test hub on {}: {e}", data_dir.display()),
    }
}

/// Restarts a hub on a given address (e.g. the port a test hub had before it was shut down).
///
/// # Panics
/// As [`spawn_for_tests`].
pub async fn spawn_on(data_dir: &Path, addr: SocketAddr) -> RunningHub {
    match try_spawn_on(data_dir, addr, Arc::new(SystemClock)).await {
        Ok(h) => h,
        Err(e) => panic!("starting a test hub on {}: {e}", data_dir.display()),
    }
}

/// A hub on `data_dir` serving HTTPS with `config` at 127.0.0.1 on a free port; its [`RunningHub::url`]
/// names `localhost`, so the test certificate must too.
///
/// # Panics
/// As [`spawn_for_tests`].
pub async fn spawn_tls_for_tests(data_dir: &Path, config: Arc<ServerConfig>) -> RunningHub {
    let start = async {
        let hub = Hub::open(data_dir)?;
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = hub.clone();
        let task = tokio::spawn(async move {
            serving
                .serve_tls(listener, config, async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok::<_, HubError>(RunningHub {
            addr,
            tls: true,
            hub,
            stop: Some(stop),
            task: Some(task),
        })
    };
    match start.await {
        Ok(h) => h,
        Err(e) => panic!("starting a TLS test hub on {}: {e}", data_dir.display()),
    }
}
