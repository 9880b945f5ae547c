//! Calls into platform services that may never return (a wedged speech service blocks on its socket forever).
//! Each runs on its own thread; the caller stops waiting after a time limit, and because the thread is not part of
//! the async runtime, a call that never returns can't hold up the app's exit either.
use std::time::Duration;

/// Runs `f` on a new thread and waits for it at most `limit`; `None` when it did not answer in time.
pub async fn call<T, F>(limit: Duration, f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("linli-platform-call".into())
        .spawn(move || {
            let _ = tx.send(f());
        });
    if spawned.is_err() {
        return None;
    }
    tokio::time::timeout(limit, rx).await.ok()?.ok()
}
