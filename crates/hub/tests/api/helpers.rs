//! Starting a test hub with the demo community, joining devices and speaking the API.
use std::sync::Arc;

use chrono::{Duration, Utc};
use linli_hub::clock::ManualClock;
use linli_hub::store::NewConsultation;
use linli_hub::{admin, Hub, RunningHub};
use linli_proto::{
    Change, JoinResponse, Op, OpBody, OpResult, ProxyGrant, ProxyInvite, ProxyScope, PullPage,
    PushResponse, Record, ResultsVisibility, VoteScope,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tempfile::TempDir;
use uuid::Uuid;

pub struct TestHub {
    pub dir: TempDir,
    pub running: RunningHub,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
}

pub struct Device {
    pub token: String,
    #[allow(dead_code)]
    pub resident_id: Uuid,
    pub device_id: Uuid,
    pub household_id: Uuid,
    pub seq: std::cell::Cell<i64>,
}

impl Device {
    /// The next op of this device, numbered in order.
    pub fn op(&self, body: OpBody) -> Op {
        let seq = self.seq.get() + 1;
        self.seq.set(seq);
        Op {
            id: Uuid::now_v7(),
            device_seq: seq,
            created_at: Utc::now(),
            on_behalf_of: None,
            body,
        }
    }
}

/// A hub with the demo community (幸福里社区) and a clock the test controls.
pub async fn start() -> TestHub {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let running = linli_hub::spawn_for_tests_with_clock(dir.path(), clock.clone()).await;
    admin::demo::seed_demo(running.hub()).unwrap();
    TestHub {
        dir,
        running,
        clock,
        http: reqwest::Client::new(),
    }
}

pub fn report_body(category: &str, text: &str) -> OpBody {
    OpBody::CreateReport {
        voice: None,
        report_id: Uuid::now_v7(),
        category: category.into(),
        text: text.into(),
        address: Default::default(),
        location: None,
        photos: vec![],
    }
}

impl TestHub {
    pub fn hub(&self) -> &Hub {
        self.running.hub()
    }

    /// The demo street's first community (幸福里社区), where the test's residents live.
    pub fn community(&self) -> Uuid {
        linli_hub::admin::community::oldest(self.hub()).expect("community")
    }

    /// A staff member of the demo community (and its data officer), for admin functions that show
    /// residents' details.
    pub fn staff(&self) -> linli_hub::store::Staff {
        admin::staff::add(self.hub(), self.community(), "测试工作人员", true).unwrap()
    }

    /// The hub's URL for `path`. The demo street holds two communities, each with its own log, so a
    /// log route (other than the key) names the test's community, as an auditor does; the routes' own
    /// choice of community is pinned in `log::each_community_has_its_own_log`.
    pub fn url(&self, path: &str) -> String {
        let scoped = path.starts_with("/v1/log/") && path != "/v1/log/key";
        if scoped && !path.contains("community=") {
            let sep = if path.contains('?') { '&' } else { '?' };
            return format!(
                "{}{path}{sep}community={}",
                self.running.url(),
                self.community()
            );
        }
        format!("{}{}", self.running.url(), path)
    }

    pub async fn invite_code(&self, b: &str, u: &str, r: &str) -> String {
        admin::invites::invite(self.hub(), self.community(), b, u, r, 7)
            .unwrap()
            .code
    }

    pub async fn join_raw(&self, code: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url("/v1/join"))
            .json(&serde_json::json!({
                "code": code,
                "device_name": "test",
                "privacy_version": linli_proto::PRIVACY_NOTICE_VERSION,
            }))
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    /// The demo street's second community (安康苑社区: buildings A座 and B座).
    pub fn second_community(&self) -> Uuid {
        admin::community::resolve(self.hub(), Some("安康苑社区"))
            .expect("second community")
            .id
    }

    /// A resident of `community` joins for the household at b/u/r.
    pub async fn join_in(&self, community: Uuid, b: &str, u: &str, r: &str) -> Device {
        let code = admin::invites::invite(self.hub(), community, b, u, r, 7)
            .unwrap()
            .code;
        self.join_code(&code).await
    }

    pub async fn join(&self, b: &str, u: &str, r: &str) -> Device {
        let code = self.invite_code(b, u, r).await;
        self.join_code(&code).await
    }

    async fn join_code(&self, code: &str) -> Device {
        let (status, body) = self.join_raw(code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let j: JoinResponse = serde_json::from_value(body).unwrap();
        Device {
            token: j.token,
            resident_id: j.resident_id,
            device_id: j.device_id,
            household_id: j.household.id,
            seq: std::cell::Cell::new(0),
        }
    }

    pub async fn get(&self, dev: &Device, path: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(self.url(path))
            .bearer_auth(&dev.token)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn push(&self, dev: &Device, ops: &[Op]) -> Vec<OpResult> {
        let resp = self
            .http
            .post(self.url("/v1/push"))
            .bearer_auth(&dev.token)
            .json(&serde_json::json!({ "ops": ops }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json::<PushResponse>().await.unwrap().results
    }

    pub async fn post(&self, dev: &Device, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .bearer_auth(&dev.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// The principal makes a code with `scopes`; the proxy redeems it.
    pub async fn grant(
        &self,
        principal: &Device,
        proxy: &Device,
        scopes: &[ProxyScope],
        days: i64,
    ) -> ProxyGrant {
        let code = self.code(principal, scopes, Some(days)).await;
        let (status, body) = self
            .post(
                proxy,
                "/v1/proxy/accept",
                json!({"code": code, "proxy_name": "王芳（女儿）"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub async fn code(
        &self,
        principal: &Device,
        scopes: &[ProxyScope],
        days: Option<i64>,
    ) -> String {
        let (status, body) = self
            .post(
                principal,
                "/v1/proxy/invites",
                json!({"scopes": scopes, "days": days}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value::<ProxyInvite>(body).unwrap().code
    }

    pub async fn revoke(&self, who: &Device, grant: Uuid) -> (StatusCode, Value) {
        self.post(who, &format!("/v1/proxy/grants/{grant}/revoke"), json!({}))
            .await
    }

    /// An open consultation (one month, two options, live results) and its option ids.
    pub fn consultation(&self, scope: VoteScope) -> (Uuid, Vec<Uuid>) {
        let now = self.hub().now();
        let id = admin::consultations::create(
            self.hub(),
            self.community(),
            &NewConsultation {
                title: "加装电梯".into(),
                description: String::new(),
                options: vec!["同意".into(), "不同意".into()],
                max_choices: 1,
                opens_at: now - Duration::hours(1),
                closes_at: now + Duration::days(30),
                vote_scope: scope,
                results_visibility: ResultsVisibility::Live,
                buildings: Vec::new(),
            },
        )
        .unwrap();
        let options = admin::consultations::results(self.hub(), self.community(), id)
            .unwrap()
            .options
            .iter()
            .map(|o| o.id)
            .collect();
        (id, options)
    }

    /// Pushes one op and returns its result.
    pub async fn push1(&self, dev: &Device, body: OpBody) -> OpResult {
        let op = dev.op(body);
        self.push(dev, &[op]).await.remove(0)
    }

    pub async fn pull_page(&self, dev: &Device, cursor: i64, limit: u32) -> PullPage {
        let (status, body) = self
            .get(dev, &format!("/v1/pull?cursor={cursor}&limit={limit}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Every change from cursor 0, page by page.
    pub async fn pull_all(&self, dev: &Device) -> Vec<Change> {
        let mut cursor = 0;
        let mut out = Vec::new();
        loop {
            let page = self.pull_page(dev, cursor, 1000).await;
            out.extend(page.changes);
            cursor = page.next_cursor;
            if !page.has_more {
                return out;
            }
        }
    }

    /// The latest rendering of every record the device sees, as a replica would hold it.
    pub async fn replica(&self, dev: &Device) -> Vec<Record> {
        let mut latest: Vec<Record> = Vec::new();
        for c in self.pull_all(dev).await {
            let key = record_key(&c.record);
            latest.retain(|r| record_key(r) != key);
            latest.push(c.record);
        }
        latest
    }
}

/// An op of the proxy's device for the principal.
pub fn for_principal(proxy: &Device, principal: &Device, body: OpBody) -> linli_proto::Op {
    let mut op = proxy.op(body);
    op.on_behalf_of = Some(principal.resident_id);
    op
}

/// (kind, id) of a record, tombstones keyed like their record.
pub fn record_key(r: &Record) -> (String, String) {
    match r {
        Record::Community(c) => ("community".into(), c.id.to_string()),
        Record::Household(h) => ("household".into(), h.id.to_string()),
        Record::Category(c) => ("category".into(), c.key.clone()),
        Record::Building(b) => ("building".into(), b.id.to_string()),
        Record::Notice(n) => ("notice".into(), n.id.to_string()),
        Record::NoticeRemoved { id } => ("notice".into(), id.to_string()),
        Record::Consultation(c) => ("consultation".into(), c.id.to_string()),
        Record::ConsultationRemoved { id } => ("consultation".into(), id.to_string()),
        Record::Report(r) => ("report".into(), r.id.to_string()),
        Record::ReportRemoved { id } => ("report".into(), id.to_string()),
        Record::ProxyGrant(g) => ("proxy_grant".into(), g.id.to_string()),
        Record::ProxyAct(a) => ("proxy_act".into(), a.id.to_string()),
    }
}

/// A tiny valid PNG header (a 1×1 IHDR) plus payload: enough for the content and size checks.
pub fn png(payload: &[u8]) -> Vec<u8> {
    png_sized(1, 1, payload)
}

/// A PNG header claiming `w`×`h` pixels, plus payload.
pub fn png_sized(w: u32, h: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    v.extend_from_slice(b"IHDR");
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0]);
    v.extend_from_slice(payload);
    v
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    linli_hub::domain::blob_kind::sha256_hex(bytes)
}
