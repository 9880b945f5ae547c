//! Scenario 4, hub ingest under load: many concurrent devices pushing single ops and batches, against the
//! machine's limits measured with the same load generator — an axum endpoint that answers at once and one
//! that does one rusqlite insert per request (WAL, synchronous=NORMAL, foreign_keys, busy_timeout: the
//! hub's pragmas), plus its batch form (one transaction per request).
use crate::stats::percentile;
use anyhow::{ensure, Context};
use axum::body::Bytes as Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use chrono::Utc;
use linli_proto::{Address, JoinResponse, Op, OpBody};
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Throughput and latency of one load run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Load {
    pub ops_per_sec: f64,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: usize,
}

/// One simulated device: its bearer token (none for the limit endpoints) and the request bodies it sends,
/// one after another.
pub struct Device {
    pub token: Option<String>,
    pub bodies: Vec<Vec<u8>>,
}

/// Every device sends its bodies in order, all devices at once; answers must be 2xx and must not contain
/// `refuse` (a refused or deferred op would measure the wrong work).
pub async fn drive(url: &str, devices: Vec<Device>, ops_per_body: usize) -> anyhow::Result<Load> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(devices.len())
        .timeout(Duration::from_secs(120))
        .build()?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for d in devices {
        let (http, url) = (http.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(d.bodies.len());
            for body in d.bodies {
                let t = Instant::now();
                let mut req = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body);
                if let Some(token) = &d.token {
                    req = req.bearer_auth(token);
                }
                let resp = req.send().await?;
                let status = resp.status();
                let text = resp.bytes().await?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                ensure!(
                    status.is_success(),
                    "{status}: {}",
                    String::from_utf8_lossy(&text)
                );
                ensure!(
                    !contains(&text, b"\"rejected\"") && !contains(&text, b"\"deferred\""),
                    "an op was not applied: {}",
                    String::from_utf8_lossy(&text)
                );
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    Ok(Load {
        ops_per_sec: (all.len() * ops_per_body) as f64 / secs,
        requests_per_sec: all.len() as f64 / secs,
        p50_ms: percentile(&all, 0.5),
        p99_ms: percentile(&all, 0.99),
        requests: all.len(),
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A new report, as a resident's device would queue it.
pub fn report_op(seq: i64, room: &str) -> Op {
    Op {
        id: Uuid::now_v7(),
        device_seq: seq,
        created_at: Utc::now(),
        on_behalf_of: None,
        body: OpBody::CreateReport {
            voice: None,
            report_id: Uuid::now_v7(),
            category: crate::community::CATEGORY.into(),
            text: crate::community::REPORT_TEXT.into(),
            address: Address {
                building: Some(crate::community::BUILDING.into()),
                unit: Some(crate::community::UNIT.into()),
                room: Some(room.into()),
                text: None,
            },
            location: None,
            photos: vec![],
        },
    }
}

/// `requests` push bodies of `per_request` report ops each, with device sequence numbers from 1.
pub fn push_bodies(
    room: &str,
    requests: usize,
    per_request: usize,
) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut seq = 0;
    (0..requests)
        .map(|_| {
            let ops: Vec<Op> = (0..per_request)
                .map(|_| {
                    seq += 1;
                    report_op(seq, room)
                })
                .collect();
            Ok(serde_json::to_vec(&serde_json::json!({ "ops": ops }))?)
        })
        .collect()
}

/// Joins a device for household `i` and returns its token.
pub async fn join(hub: &linli_hub::RunningHub, i: usize) -> anyhow::Result<String> {
    let code = crate::community::invite(hub.hub(), i)?;
    let resp: JoinResponse = reqwest::Client::new()
        .post(format!("{}/v1/join", hub.url()))
        .json(&serde_json::json!({
            "code": code,
            "device_name": format!("load-{i}"),
            "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION,
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
        .context("join answer")?;
    Ok(resp.token)
}

type Db = Arc<Mutex<Connection>>;

/// The limit endpoints: `/noop` answers at once; `/insert` stores the body as one row (one transaction);
/// `/insert-batch` parses a push body and stores each op as a row, all in one transaction.
pub struct Limits {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Limits {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn spawn_limits(dir: &Path) -> anyhow::Result<Limits> {
    let conn = Connection::open(dir.join("limit.db"))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.execute_batch("CREATE TABLE items (id TEXT PRIMARY KEY, body TEXT NOT NULL)")?;
    let db: Db = Arc::new(Mutex::new(conn));
    let app = Router::new()
        .route("/noop", post(|_: Body| async { "{}" }))
        .route("/insert", post(insert))
        .route("/insert-batch", post(insert_batch))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Limits { url, task })
}

fn store(db: &Db, rows: Vec<(String, String)>) -> Result<(), rusqlite::Error> {
    let mut conn = db.lock().unwrap_or_else(|p| p.into_inner());
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    {
        let mut stmt = tx.prepare_cached("INSERT INTO items (id, body) VALUES (?1, ?2)")?;
        for (id, body) in &rows {
            stmt.execute([id, body])?;
        }
    }
    tx.commit()
}

async fn insert(State(db): State<Db>, body: Body) -> Result<&'static str, StatusCode> {
    let row = (
        Uuid::now_v7().to_string(),
        String::from_utf8_lossy(&body).into_owned(),
    );
    tokio::task::spawn_blocking(move || store(&db, vec![row]))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok("{}")
}

async fn insert_batch(State(db): State<Db>, body: Body) -> Result<&'static str, StatusCode> {
    #[derive(serde::Deserialize)]
    struct Push {
        ops: Vec<Op>,
    }
    let push: Push = serde_json::from_slice(&body).map_err(|_| StatusCode::BAD_REQUEST)?;
    let rows = push
        .ops
        .iter()
        .map(|op| Ok((op.id.to_string(), serde_json::to_string(op)?)))
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    tokio::task::spawn_blocking(move || store(&db, rows))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok("{}")
}
