//! The hub's HTTP API as typed calls (reqwest with rustls). Errors are sorted into three kinds the sync
//! engine treats differently: the hub can't be reached (offline: keep everything, retry later), the hub
//! answered with an error body (a typed code), or it answered something we don't understand (protocol).
use crate::CoreError;
use linli_i18n::Lang;
use linli_proto::{
    ConsistencyProof, ErrorBody, ErrorCode, InclusionProof, InclusionProofs, InclusionsRequest,
    JoinRequest, JoinResponse, Me, ProxyAcceptRequest, ProxyGrant, ProxyGrantList, ProxyInvite,
    ProxyInviteRequest, ProxyVisitorAccepted, ProxyVisitorRequest, PullPage, PushRequest,
    PushResponse,
};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;
use uuid::Uuid;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "http://127.0.0.1:8787",
            "http://127.8.9.1",
            "http://localhost:1",
            "http://[::1]:80",
            "https://hub.example.org",
            "https://10.0.0.2:8443",
        ] {
            assert!(check_transport_security(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.255.255.1:1",
            "http://hub.example.org",
            "http://[fe80::1]",
        ] {
            let err = check_transport_security(refused).unwrap_err();
            assert_eq!(err.code(), "insecure_hub_url", "{refused}");
        }
    }
}

/// Every call but the event stream gives up after this long (the stream stays open for minutes).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Cheap to clone: clones share one connection pool, so a device that keeps its client talks to the hub
/// over the same kept-alive connection from one sync to the next.
#[derive(Clone)]
pub struct HubClient {
    base: String,
    token: Option<String>,
    lang: Lang,
    http: Client,
    /// The hub incarnation the device last pulled from, sent as `Linli-Incarnation` (see
    /// [`HubClient::expecting`]).
    incarnation: Option<String>,
}

impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubClient")
            .field("base", &self.base)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Checks and normalises a hub address (no trailing slash).
pub fn normalise_url(url: &str) -> Result<String, CoreError> {
    let url = url.trim().trim_end_matches('/');
    let parsed =
        reqwest::Url::parse(url).map_err(|e| CoreError::BadHubUrl(format!("{url}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(CoreError::BadHubUrl(url.to_owned()));
    }
    Ok(url.to_owned())
}

/// Set to `1` to let the device speak plain HTTP to a hub that is not on this machine (a test network);
/// otherwise such an address is refused before any connection, since tokens and reports would cross the
/// network readable by anyone on the way.
pub const ALLOW_INSECURE_ENV: &str = "LINLI_ALLOW_INSECURE_HTTP";
/// A PEM file of extra CA certificates to trust beside the system's and the bundled ones: for a community
/// office that runs its hub with a certificate from its own CA.
pub const EXTRA_CA_ENV: &str = "LINLI_HUB_CA";

/// Plain `http://` is fine only to this machine (`localhost`, 127.0.0.0/8, `::1`) unless explicitly allowed.
fn check_transport_security(base: &str) -> Result<(), CoreError> {
    let Ok(url) = reqwest::Url::parse(base) else {
        return Err(CoreError::BadHubUrl(base.to_owned()));
    };
    if url.scheme() != "http" || std::env::var(ALLOW_INSECURE_ENV).is_ok_and(|v| v == "1") {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(CoreError::InsecureHubUrl(base.to_owned()))
    }
}

/// The extra CA certificates named by [`EXTRA_CA_ENV`], if any.
fn extra_roots() -> Result<Vec<reqwest::Certificate>, CoreError> {
    let Some(path) = std::env::var_os(EXTRA_CA_ENV).filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let pem = std::fs::read(&path)?;
    reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        CoreError::BadHubUrl(format!(
            "{EXTRA_CA_ENV}={}: {e}",
            std::path::Path::new(&path).display()
        ))
    })
}

/// The connection failed under a request already on its way (not: no connection at all, or too slow).
fn connection_broke(e: &reqwest::Error) -> bool {
    e.is_request() && !e.is_connect() && !e.is_timeout()
}

fn transport(e: reqwest::Error) -> CoreError {
    if e.is_decode() {
        CoreError::Protocol(e.to_string())
    } else {
        // Connect failures, timeouts, a connection cut before or during the answer.
        CoreError::Offline(e.to_string())
    }
}

impl HubClient {
    pub fn new(base: &str, token: Option<String>, lang: Lang) -> Result<Self, CoreError> {
        let base = normalise_url(base)?;
        check_transport_security(&base)?;
        let roots = extra_roots()?;
        // One client for every call (building one loads the system's root certificates: milliseconds);
        // timeouts are per request, so the event stream can share it.
        let mut b = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .tcp_keepalive(Duration::from_secs(30))
            .https_only(base.starts_with("https://"))
            .user_agent(concat!("linli/", env!("CARGO_PKG_VERSION")));
        for root in roots {
            b = b.add_root_certificate(root);
        }
        let http = b.build().map_err(|e| CoreError::Protocol(e.to_string()))?;
        Ok(HubClient {
            base,
            token,
            lang,
            http,
            incarnation: None,
        })
    }

    /// Whether this client speaks to `base` with `token` in `lang`: a kept client is reused only then.
    pub(crate) fn is_for(&self, base: &str, token: Option<&str>, lang: Lang) -> bool {
        self.base == base && self.token.as_deref() == token && self.lang == lang
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// This client naming the hub incarnation the device last pulled from: a hub restored since
    /// refuses its pushes and pulls with `hub_restored` before doing anything.
    pub fn expecting(mut self, incarnation: Option<String>) -> HubClient {
        self.incarnation = incarnation;
        self
    }

    /// The statements of the log's restores from backups (`/v1/log/restores`); none from a hub that
    /// predates them.
    pub async fn log_restores(&self) -> Result<Vec<String>, CoreError> {
        match self
            .json(self.http.get(format!("{}/v1/log/restores", self.base)))
            .await
        {
            Err(CoreError::Hub { status: 404, .. }) => Ok(Vec::new()),
            other => other,
        }
    }

    fn with_headers(&self, req: RequestBuilder) -> RequestBuilder {
        let mut req = req.header(reqwest::header::ACCEPT_LANGUAGE, self.lang.tag());
        if let Some(i) = &self.incarnation {
            req = req.header(linli_proto::INCARNATION_HEADER, i);
        }
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    async fn send(&self, req: RequestBuilder) -> Result<Response, CoreError> {
        self.send_within(req.timeout(REQUEST_TIMEOUT)).await
    }

    /// Sends without the overall timeout (the event stream).
    async fn send_within(&self, req: RequestBuilder) -> Result<Response, CoreError> {
        let again = req.try_clone();
        let resp = match self.with_headers(req).send().await {
            Ok(resp) => resp,
            // A kept-alive connection that the network or a restarting hub closed while it sat idle fails
            // the first request sent on it. Every call here is safe to repeat (the hub answers a pushed op
            // it already has with its stored result), so it goes once more, on a new connection.
            Err(e) if connection_broke(&e) => match again {
                Some(req) => self.with_headers(req).send().await.map_err(transport)?,
                None => return Err(transport(e)),
            },
            Err(e) => return Err(transport(e)),
        };
        check(resp).await
    }

    async fn json<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T, CoreError> {
        let resp = self.send(req).await?;
        let bytes = resp.bytes().await.map_err(transport)?;
        serde_json::from_slice(&bytes).map_err(|e| CoreError::Protocol(e.to_string()))
    }

    pub async fn join(&self, req: &JoinRequest) -> Result<JoinResponse, CoreError> {
        self.json(self.http.post(format!("{}/v1/join", self.base)).json(req))
            .await
    }

    /// The copy of this resident's data (个人信息副本), a zip.
    pub async fn export(&self) -> Result<Vec<u8>, CoreError> {
        let resp = self
            .send(self.http.get(format!("{}/v1/account/export", self.base)))
            .await?;
        Ok(resp.bytes().await.map_err(transport)?.to_vec())
    }

    /// Closes this resident's account on the hub.
    pub async fn close_account(&self) -> Result<linli_proto::AccountClosed, CoreError> {
        self.json(self.http.post(format!("{}/v1/account/close", self.base)))
            .await
    }

    pub async fn me(&self) -> Result<Me, CoreError> {
        self.json(self.http.get(format!("{}/v1/me", self.base)))
            .await
    }

    pub async fn pull(&self, cursor: i64, limit: u32) -> Result<PullPage, CoreError> {
        self.json(
            self.http
                .get(format!("{}/v1/pull", self.base))
                .query(&[("cursor", cursor.to_string()), ("limit", limit.to_string())]),
        )
        .await
    }

    /// The feed of a resident this one acts for (亲友代办); refused once the grant ended.
    pub async fn pull_for(
        &self,
        principal: Uuid,
        cursor: i64,
        limit: u32,
    ) -> Result<PullPage, CoreError> {
        self.json(self.http.get(format!("{}/v1/pull", self.base)).query(&[
            ("for", principal.to_string()),
            ("cursor", cursor.to_string()),
            ("limit", limit.to_string()),
        ]))
        .await
    }

    pub async fn proxy_invite(&self, req: &ProxyInviteRequest) -> Result<ProxyInvite, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/proxy/invites", self.base))
                .json(req),
        )
        .await
    }

    pub async fn proxy_accept(&self, req: &ProxyAcceptRequest) -> Result<ProxyGrant, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/proxy/accept", self.base))
                .json(req),
        )
        .await
    }

    pub async fn proxy_grants(&self) -> Result<ProxyGrantList, CoreError> {
        self.json(self.http.get(format!("{}/v1/proxy/grants", self.base)))
            .await
    }

    pub async fn proxy_revoke(&self, id: Uuid) -> Result<ProxyGrant, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/proxy/grants/{id}/revoke", self.base))
                .json(&serde_json::json!({})),
        )
        .await
    }

    /// On another community's hub: redeems a code as a visitor (no token needed).
    pub async fn visitor_accept(
        &self,
        req: &ProxyVisitorRequest,
    ) -> Result<ProxyVisitorAccepted, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/proxy/visitors", self.base))
                .json(req),
        )
        .await
    }

    pub async fn visitor_pull(
        &self,
        principal: Uuid,
        cursor: i64,
        limit: u32,
    ) -> Result<PullPage, CoreError> {
        self.json(
            self.http
                .get(format!("{}/v1/proxy/visitor/pull", self.base))
                .query(&[
                    ("for", principal.to_string()),
                    ("cursor", cursor.to_string()),
                    ("limit", limit.to_string()),
                ]),
        )
        .await
    }

    pub async fn visitor_push(&self, req: &PushRequest) -> Result<PushResponse, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/proxy/visitor/push", self.base))
                .json(req),
        )
        .await
    }

    pub async fn visitor_grants(&self) -> Result<ProxyGrantList, CoreError> {
        self.json(
            self.http
                .get(format!("{}/v1/proxy/visitor/grants", self.base)),
        )
        .await
    }

    pub async fn visitor_give_up(&self, id: Uuid) -> Result<ProxyGrant, CoreError> {
        self.json(
            self.http
                .post(format!(
                    "{}/v1/proxy/visitor/grants/{id}/give-up",
                    self.base
                ))
                .json(&serde_json::json!({})),
        )
        .await
    }

    /// A push whose body (a [`PushRequest`] as JSON) is already built: the device sizes its batches by
    /// their JSON, so each op is serialized once.
    pub async fn push_body(&self, body: Vec<u8>) -> Result<PushResponse, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/push", self.base))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body),
        )
        .await
    }

    /// Idempotent: the hub keys blobs by their sha256.
    pub async fn put_blob(
        &self,
        sha256: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<(), CoreError> {
        self.send(
            self.http
                .put(format!("{}/v1/blobs/{sha256}", self.base))
                .header(reqwest::header::CONTENT_TYPE, mime)
                .body(bytes),
        )
        .await?;
        Ok(())
    }

    pub async fn get_blob(&self, sha256: &str) -> Result<Vec<u8>, CoreError> {
        let resp = self
            .send(self.http.get(format!("{}/v1/blobs/{sha256}", self.base)))
            .await?;
        Ok(resp.bytes().await.map_err(transport)?.to_vec())
    }

    /// The transparency log's latest signed checkpoint (note text).
    pub async fn log_checkpoint(&self) -> Result<String, CoreError> {
        let resp = self
            .send(self.http.get(format!("{}/v1/log/checkpoint", self.base)))
            .await?;
        resp.text().await.map_err(transport)
    }

    /// The key the hub signs its log with now.
    pub async fn log_key(&self) -> Result<String, CoreError> {
        let resp = self
            .send(self.http.get(format!("{}/v1/log/key", self.base)))
            .await?;
        Ok(resp.text().await.map_err(transport)?.trim().to_owned())
    }

    /// The statements of the log key's rotations (`/v1/log/key-rotations`); none from a hub that
    /// predates them.
    pub async fn log_key_rotations(&self) -> Result<Vec<String>, CoreError> {
        match self
            .json(self.http.get(format!("{}/v1/log/key-rotations", self.base)))
            .await
        {
            Err(CoreError::Hub { status: 404, .. }) => Ok(Vec::new()),
            other => other,
        }
    }

    /// The witnesses of the community's log as the hub names them now; `None` when it has none.
    pub async fn log_witnesses(&self) -> Result<Option<String>, CoreError> {
        match self
            .send(self.http.get(format!("{}/v1/log/witnesses", self.base)))
            .await
        {
            Ok(resp) => Ok(Some(resp.text().await.map_err(transport)?)),
            Err(CoreError::Hub { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn log_consistency(&self, old: u64, new: u64) -> Result<ConsistencyProof, CoreError> {
        self.json(
            self.http
                .get(format!("{}/v1/log/consistency", self.base))
                .query(&[("old", old), ("new", new)]),
        )
        .await
    }

    pub async fn log_inclusion(&self, index: u64, size: u64) -> Result<InclusionProof, CoreError> {
        self.json(
            self.http
                .get(format!("{}/v1/log/inclusion", self.base))
                .query(&[("index", index), ("size", size)]),
        )
        .await
    }

    /// Proofs for several leaves in one round trip (`POST /v1/log/inclusions`).
    pub async fn log_inclusions(
        &self,
        indices: &[u64],
        size: u64,
    ) -> Result<Vec<InclusionProof>, CoreError> {
        let answer: InclusionProofs = self
            .json(
                self.http
                    .post(format!("{}/v1/log/inclusions", self.base))
                    .json(&InclusionsRequest {
                        size,
                        indices: indices.to_vec(),
                    }),
            )
            .await?;
        Ok(answer.proofs)
    }

    /// One proof that the leaves `indices` (strictly increasing) are in the tree of `size` leaves.
    pub async fn log_leaves_proof(
        &self,
        indices: &[u64],
        size: u64,
    ) -> Result<linli_proto::LeavesProof, CoreError> {
        self.json(
            self.http
                .post(format!("{}/v1/log/leaves-proof", self.base))
                .json(&linli_proto::LeavesProofRequest {
                    size,
                    indices: indices.to_vec(),
                }),
        )
        .await
    }

    /// Opens the server-sent event stream (`GET /v1/events`).
    pub async fn events(&self) -> Result<Response, CoreError> {
        self.send_within(
            self.http
                .get(format!("{}/v1/events", self.base))
                .header(reqwest::header::ACCEPT, "text/event-stream"),
        )
        .await
    }
}

async fn check(resp: Response) -> Result<Response, CoreError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let bytes = resp.bytes().await.map_err(transport)?;
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(CoreError::Hub {
            status: status.as_u16(),
            code: body.code,
            message: body.message,
        }),
        // A gateway in between answering for an unreachable hub.
        Err(_)
            if matches!(
                status,
                StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ) =>
        {
            Err(CoreError::Offline(format!("HTTP {status}")))
        }
        Err(_) => Err(CoreError::Hub {
            status: status.as_u16(),
            code: if status == StatusCode::UNAUTHORIZED {
                ErrorCode::Unauthorized
            } else if status == StatusCode::NOT_FOUND {
                ErrorCode::NotFound
            } else {
                ErrorCode::Internal
            },
            message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
        }),
    }
}
