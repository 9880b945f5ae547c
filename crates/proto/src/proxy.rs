//! Authorized proxies (亲友代办): a resident (the principal) lets another resident (the proxy) read their
//! notices, report or vote for them, within scopes, until a date, revocable at any moment.
//!
//! Do not change on the wire: field names and enum spellings below are stored by devices.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use chrono::{DateTime, Utc};

/// A grant lasts this many days unless the principal or staff choose otherwise (12 months).
pub const GRANT_DEFAULT_DAYS: i64 = 365;
/// The longest a grant may last (36 months).
pub const GRANT_MAX_DAYS: i64 = 1096;
/// How long a one-time authorization code can be redeemed.
pub const CODE_VALID_HOURS: i64 = 24;

/// What a proxy may do for the principal.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProxyScope {
    /// Read the principal's community notices.
    ReadNotices,
    /// Make reports for the principal and act on them (comment, rate, reopen, withdraw).
    Report,
    /// Vote in the principal's consultations; the vote counts as the principal's one vote.
    Vote,
}

impl ProxyScope {
    pub const ALL: [ProxyScope; 3] = [
        ProxyScope::ReadNotices,
        ProxyScope::Report,
        ProxyScope::Vote,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProxyScope::ReadNotices => "read_notices",
            ProxyScope::Report => "report",
            ProxyScope::Vote => "vote",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ProxyScope::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Parses `report,vote`; `None` when a part is unknown or nothing is listed.
    pub fn parse_list(s: &str) -> Option<Vec<ProxyScope>> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let scope = ProxyScope::parse(part)?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        out.sort();
        (!out.is_empty()).then_some(out)
    }
}

/// Where a grant stands. `expired` is computed by the hub from `expires_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GrantStatus {
    Active,
    /// Taken back by the principal or by staff.
    Revoked,
    /// The proxy gave it up.
    GivenUp,
    Expired,
}

impl GrantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantStatus::Active => "active",
            GrantStatus::Revoked => "revoked",
            GrantStatus::GivenUp => "given_up",
            GrantStatus::Expired => "expired",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => GrantStatus::Active,
            "revoked" => GrantStatus::Revoked,
            "given_up" => GrantStatus::GivenUp,
            "expired" => GrantStatus::Expired,
            _ => return None,
        })
    }
}

/// Who ended a grant, or created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GrantParty {
    Principal,
    Proxy,
    /// Community staff at the office.
    Staff,
}

impl GrantParty {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantParty::Principal => "principal",
            GrantParty::Proxy => "proxy",
            GrantParty::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "principal" => GrantParty::Principal,
            "proxy" => GrantParty::Proxy,
            "staff" => GrantParty::Staff,
            _ => return None,
        })
    }
}

/// One grant, as both the principal and the proxy see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyGrant {
    pub id: Uuid,
    /// The resident acted for.
    pub principal: Uuid,
    /// The resident who acts.
    pub proxy: Uuid,
    /// How the proxy is named to the principal and on report timelines, e.g. "王芳（女儿）".
    #[serde(default)]
    pub proxy_name: Option<String>,
    /// The principal's address, e.g. "1号楼 1单元 101", so the proxy knows whom they act for.
    #[serde(default)]
    pub principal_address: Option<String>,
    pub scopes: Vec<ProxyScope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub status: GrantStatus,
    /// Who created it: the principal (a code from their device) or staff (at the office).
    pub created_by: GrantParty,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    /// Who revoked or gave it up.
    #[serde(default)]
    pub ended_by: Option<GrantParty>,
}

/// `POST /v1/proxy/invites`: the principal asks for a one-time code to hand to a relative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyInviteRequest {
    pub scopes: Vec<ProxyScope>,
    /// How long the grant will last once redeemed; 365 when absent, at most 1096.
    #[serde(default)]
    pub days: Option<i64>,
}

/// The code, shown once on the principal's device; the hub keeps only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyInvite {
    /// e.g. `ABCDE-FGHJK` (case and dashes don't matter when typed).
    pub code: String,
    /// The code can be redeemed until then (24 hours).
    pub code_expires_at: DateTime<Utc>,
    pub scopes: Vec<ProxyScope>,
    pub days: i64,
}

/// `POST /v1/proxy/accept`: the relative redeems the code on their own device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyAcceptRequest {
    pub code: String,
    /// How the proxy wants to be named to the principal, e.g. "王芳（女儿）".
    #[serde(default)]
    pub proxy_name: Option<String>,
}

/// `GET /v1/proxy/grants`: grants where the caller is the principal or the proxy, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyGrantList {
    pub grants: Vec<ProxyGrant>,
}

/// `POST /v1/proxy/visitors`: a relative who lives in another community (with no account on this hub)
/// redeems the code and gets a visitor credential that can act only through their grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyVisitorRequest {
    pub code: String,
    /// How the proxy wants to be named to the principal, e.g. "王芳（女儿）".
    #[serde(default)]
    pub proxy_name: Option<String>,
    /// Where the relative lives, as they say it (e.g. their own community's name), shown to staff.
    #[serde(default)]
    pub home: Option<String>,
}

/// The grant and the visitor credential (shown once; the hub keeps only its sha256).
#[derive(Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProxyVisitorAccepted {
    pub grant: ProxyGrant,
    /// The visitor's id on this hub: the grant's `proxy`.
    pub visitor_id: Uuid,
    /// Bearer token for the `/v1/proxy/visitor/*` routes only.
    pub token: String,
}

impl std::fmt::Debug for ProxyVisitorAccepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyVisitorAccepted")
            .field("grant", &self.grant)
            .field("visitor_id", &self.visitor_id)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// One act a proxy did for the principal, with both identities (the principal's 代办记录).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ProxyAct {
    /// The op's id.
    pub id: Uuid,
    pub grant_id: Uuid,
    pub principal: Uuid,
    /// Who acted.
    pub proxy: Uuid,
    #[serde(default)]
    pub proxy_name: Option<String>,
    /// The op kind, e.g. `create_report` or `cast_vote`.
    pub kind: String,
    /// The report or consultation it was about.
    #[serde(default)]
    pub target: Option<Uuid>,
    /// When the hub applied it.
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_parse_sorted_and_deduplicated() {
        assert_eq!(
            ProxyScope::parse_list("vote, report,vote"),
            Some(vec![ProxyScope::Report, ProxyScope::Vote])
        );
        assert_eq!(ProxyScope::parse_list("report,fly"), None);
        assert_eq!(ProxyScope::parse_list(""), None);
        for s in ProxyScope::ALL {
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json.as_str(), Some(s.as_str()));
        }
    }
}
