//! Authorized proxies (亲友代办) on the resident's device: making and redeeming authorization codes, the
//! grants on both sides, the principal's record of acts (代办记录), and acting for a principal — reading
//! their notices, reports and consultations (kept apart from one's own) and queueing ops for them, which the
//! hub checks again when they arrive.
use crate::store::{self, settings};
use crate::views::*;
use crate::{keychain, overlay, CoreError, Profile};
use chrono::Utc;
use linli_i18n::Lang;
use linli_proto::{
    ErrorCode, GrantStatus, ProxyAcceptRequest, ProxyAct, ProxyGrant, ProxyInviteRequest,
    ProxyScope,
};
use uuid::Uuid;

/// `op_kind` of a kept message about a grant change (its `code` is the grant's new status).
pub const GRANT_MESSAGE: &str = "proxy_grant";
/// `code` of a kept message about an act a proxy did for the resident (its `op_kind` is the act's kind).
pub const ACT_MESSAGE: &str = "proxy_act";

fn scope_names(lang: Lang, scopes: &[ProxyScope]) -> String {
    let sep = match lang {
        Lang::ZhCn => "、",
        Lang::EnUs => ", ",
    };
    scopes
        .iter()
        .map(|s| {
            linli_i18n::message(
                lang,
                &format!("core-proxy-scope-{}", s.as_str().replace('_', "-")),
            )
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// Renders a kept message: the proxy ones from the grant or act they are about (in the profile's language
/// when read), the others as refused changes.
pub(crate) fn render_message(
    conn: &rusqlite::Connection,
    lang: Lang,
    me: Option<Uuid>,
    m: store::messages::MessageRow,
) -> Result<ResidentMessage, CoreError> {
    let about = m.target.as_deref().and_then(|t| Uuid::parse_str(t).ok());
    let text = if m.code == ACT_MESSAGE {
        match about
            .map(|id| store::proxy::act(conn, id))
            .transpose()?
            .flatten()
        {
            Some(a) => {
                let what = a
                    .target
                    .map(|c| store::consultations::get(conn, c))
                    .transpose()?
                    .flatten()
                    .map(|c| c.title);
                let line = act_line(lang, &a);
                Some(match what {
                    Some(t) => linli_i18n::message_args(
                        lang,
                        "core-proxy-act-about",
                        &[("line", line.into()), ("what", t.into())],
                    ),
                    None => line,
                })
            }
            None => None,
        }
    } else if m.op_kind == GRANT_MESSAGE {
        about
            .map(|id| store::proxy::grant(conn, id))
            .transpose()?
            .flatten()
            .map(|g| grant_line(lang, me, &g))
    } else {
        None
    };
    let Some(text) = text else {
        return Ok(crate::messages::render(lang, m));
    };
    Ok(ResidentMessage {
        id: m.id,
        at: m.at,
        title: linli_i18n::message(lang, "core-proxy-message-title"),
        text,
        code: m.code,
        op_kind: m.op_kind,
        target: m.target,
    })
}

/// A grant change for one of its two residents, e.g. "王芳（女儿）现在可以为您代办：报事、投票，至 2027-11-28".
fn grant_line(lang: Lang, me: Option<Uuid>, g: &ProxyGrant) -> String {
    let as_proxy = Some(g.proxy) == me && Some(g.principal) != me;
    let name = g
        .proxy_name
        .clone()
        .unwrap_or_else(|| linli_i18n::message(lang, "core-proxy-someone"));
    let address = g.principal_address.clone().unwrap_or_default();
    let id = format!(
        "core-proxy-grant-{}-{}",
        if as_proxy { "proxy" } else { "principal" },
        g.status.as_str().replace('_', "-")
    );
    linli_i18n::message_args(
        lang,
        &id,
        &[
            ("name", name.into()),
            ("address", address.into()),
            ("scopes", scope_names(lang, &g.scopes).into()),
            ("until", g.expires_at.format("%Y-%m-%d").to_string().into()),
        ],
    )
}

/// What an act was, in the resident's language, e.g. "代您投票".
pub fn act_title(lang: Lang, kind: &str) -> String {
    linli_i18n::message(lang, &format!("core-proxy-act-{}", kind.replace('_', "-")))
}

/// One line for a notification: "王芳（女儿）代您投票".
pub fn act_line(lang: Lang, a: &ProxyAct) -> String {
    let name = a
        .proxy_name
        .clone()
        .unwrap_or_else(|| linli_i18n::message(lang, "core-proxy-someone"));
    linli_i18n::message_args(
        lang,
        "core-proxy-acted",
        &[
            ("name", name.into()),
            ("what", act_title(lang, &a.kind).into()),
        ],
    )
}

/// The visitor credential through which this resident acts for `principal`, when the principal lives in
/// another community.
pub(crate) fn remote_for(
    conn: &rusqlite::Connection,
    principal: Uuid,
) -> Result<Option<store::remote::Remote>, CoreError> {
    let remotes = store::remote::all(conn)?;
    let grants = store::proxy::grants(conn)?;
    Ok(remotes.into_iter().find(|r| {
        grants
            .iter()
            .any(|g| g.principal == principal && g.proxy == r.visitor_id)
    }))
}

/// `me`: this resident's id on their own hub and their visitor ids on other communities' hubs.
fn grant_view(g: ProxyGrant, me: &[Uuid]) -> ProxyGrantView {
    let status = match g.status {
        GrantStatus::Active if Utc::now() >= g.expires_at => GrantStatus::Expired,
        s => s,
    };
    ProxyGrantView {
        role: if me.contains(&g.proxy) && !me.contains(&g.principal) {
            ProxyRole::Proxy
        } else {
            ProxyRole::Principal
        },
        id: g.id,
        principal: g.principal,
        proxy: g.proxy,
        proxy_name: g.proxy_name,
        principal_address: g.principal_address,
        scopes: g.scopes,
        created_at: g.created_at,
        created_by: g.created_by,
        expires_at: g.expires_at,
        status,
        ended_at: g.ended_at,
        ended_by: g.ended_by,
    }
}

impl Profile {
    fn resident_id(&self) -> Result<Option<Uuid>, CoreError> {
        Ok(
            settings::get(&self.db(), settings::RESIDENT_ID)?
                .and_then(|s| Uuid::parse_str(&s).ok()),
        )
    }

    /// This resident's id and their visitor ids on other communities' hubs.
    fn my_ids(&self) -> Result<Vec<Uuid>, CoreError> {
        let mut ids: Vec<Uuid> = store::remote::all(&self.db())?
            .into_iter()
            .map(|r| r.visitor_id)
            .collect();
        ids.extend(self.resident_id()?);
        Ok(ids)
    }

    /// Queues an op in the right outbox: the device's own (own ops, and ops for a principal of this
    /// community), or the visitor's for a principal in another community.
    pub(crate) fn queue_in(
        &self,
        tx: &rusqlite::Transaction<'_>,
        body: linli_proto::OpBody,
        acting_for: Option<Uuid>,
    ) -> Result<linli_proto::Op, CoreError> {
        if let Some(p) = acting_for {
            if let Some(r) = remote_for(tx, p)? {
                let op = linli_proto::Op {
                    id: Uuid::now_v7(),
                    device_seq: 0,
                    created_at: Utc::now(),
                    on_behalf_of: Some(p),
                    body,
                };
                return store::remote::queue(tx, r.visitor_id, op);
            }
        }
        crate::outbox::queue_for(tx, body, acting_for)
    }

    /// Redeems a code from a relative who lives in **another community** (another hub): this resident gets
    /// a visitor credential there (kept in the OS keychain) and can then act for them like for a neighbour.
    pub async fn proxy_accept_remote(
        &self,
        hub_url: &str,
        code: &str,
        proxy_name: Option<String>,
        home: Option<String>,
    ) -> Result<ProxyGrantView, CoreError> {
        if !self.is_joined() {
            return Err(CoreError::NotJoined);
        }
        let user = format!("{}-visitor-{}", self.keychain_user_name()?, Uuid::now_v7());
        keychain::check_reachable(&user)?;
        let client = crate::http::HubClient::new(hub_url, None, self.language())?;
        let home = match home {
            Some(h) => Some(h),
            None => self.community()?.map(|c| c.name),
        };
        let accepted = client
            .visitor_accept(&linli_proto::ProxyVisitorRequest {
                code: code.trim().to_owned(),
                proxy_name,
                home,
            })
            .await?;
        keychain::store(&user, &accepted.token)?;
        {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::remote::put(
                &tx,
                &store::remote::Remote {
                    visitor_id: accepted.visitor_id,
                    hub_url: client.base().to_owned(),
                    keychain_user: user,
                },
            )?;
            store::proxy::put_grant(&tx, &accepted.grant)?;
            tx.commit()?;
        }
        self.local_change();
        Ok(grant_view(accepted.grant, &self.my_ids()?))
    }

    /// A one-time code (valid 24 hours) for a relative to redeem with [`Profile::proxy_accept`]; the grant
    /// lasts `days` (365 when `None`, at most 1096). Needs the hub.
    pub async fn proxy_invite(
        &self,
        scopes: Vec<ProxyScope>,
        days: Option<i64>,
    ) -> Result<ProxyInviteView, CoreError> {
        if scopes.is_empty() {
            return Err(CoreError::Refused(ErrorCode::FieldRequired));
        }
        let inv = self
            .client()?
            .proxy_invite(&ProxyInviteRequest { scopes, days })
            .await?;
        Ok(ProxyInviteView {
            code: inv.code,
            code_expires_at: inv.code_expires_at,
            scopes: inv.scopes,
            days: inv.days,
        })
    }

    /// Redeems a relative's code: this resident becomes their proxy. Needs the hub; the principal's data
    /// arrives with the next sync.
    pub async fn proxy_accept(
        &self,
        code: &str,
        proxy_name: Option<String>,
    ) -> Result<ProxyGrantView, CoreError> {
        let g = self
            .client()?
            .proxy_accept(&ProxyAcceptRequest {
                code: code.trim().to_owned(),
                proxy_name,
            })
            .await?;
        store::proxy::put_grant(&self.db(), &g)?;
        self.local_change();
        Ok(grant_view(g, &self.my_ids()?))
    }

    /// Ends a grant at once: revokes it (as the principal) or gives it up (as the proxy). Needs the hub.
    pub async fn proxy_revoke(&self, id: Uuid) -> Result<ProxyGrantView, CoreError> {
        let known = store::proxy::grants(&self.db())?
            .into_iter()
            .find(|g| g.id == id);
        let remote = store::remote::all(&self.db())?
            .into_iter()
            .find(|r| known.as_ref().is_some_and(|g| g.proxy == r.visitor_id));
        let g = match remote {
            Some(r) => {
                crate::sync::remote_client(self, &r)?
                    .visitor_give_up(id)
                    .await?
            }
            None => self.client()?.proxy_revoke(id).await?,
        };
        {
            let db = self.db();
            store::proxy::put_grant(&db, &g)?;
        }
        self.forget_ended_principals()?;
        self.local_change();
        Ok(grant_view(g, &self.my_ids()?))
    }

    /// Fetches the grants from the hub now (a sync does this too, through the change feed).
    pub async fn refresh_proxy_grants(&self) -> Result<Vec<ProxyGrantView>, CoreError> {
        let mut list = self.client()?.proxy_grants().await?.grants;
        let remotes = store::remote::all(&self.db())?;
        for r in remotes {
            match crate::sync::remote_client(self, &r)?.visitor_grants().await {
                Ok(remote) => list.extend(remote.grants),
                Err(e) if e.is_offline() => {}
                Err(e) => return Err(e),
            }
        }
        {
            let db = self.db();
            for g in &list {
                store::proxy::put_grant(&db, g)?;
            }
        }
        self.forget_ended_principals()?;
        self.proxy_grants()
    }

    /// Grants where this resident is the principal or the proxy, newest first (from the device).
    pub fn proxy_grants(&self) -> Result<Vec<ProxyGrantView>, CoreError> {
        let me = self.my_ids()?;
        Ok(store::proxy::grants(&self.db())?
            .into_iter()
            .map(|g| grant_view(g, &me))
            .collect())
    }

    /// The residents this one may act for now (the "acting for" switcher).
    pub fn acting_for_choices(&self) -> Result<Vec<PrincipalChoice>, CoreError> {
        Ok(self
            .proxy_grants()?
            .into_iter()
            .filter(|g| g.role == ProxyRole::Proxy && g.status == GrantStatus::Active)
            .map(|g| PrincipalChoice {
                principal: g.principal,
                grant_id: g.id,
                principal_address: g.principal_address,
                scopes: g.scopes,
                expires_at: g.expires_at,
            })
            .collect())
    }

    /// The principal's 代办记录: every act proxies did for this resident, newest first.
    pub fn proxy_activity(&self) -> Result<Vec<ProxyActView>, CoreError> {
        let lang = self.language();
        Ok(store::proxy::acts(&self.db())?
            .into_iter()
            .map(|a| ProxyActView {
                title: act_title(lang, &a.kind),
                id: a.id,
                grant_id: a.grant_id,
                principal: a.principal,
                proxy: a.proxy,
                proxy_name: a.proxy_name,
                kind: a.kind,
                target: a.target,
                at: a.at,
            })
            .collect())
    }

    /// Principals of this community with an active grant to this resident (the sync pulls for each from
    /// the resident's own hub; principals elsewhere are pulled through their visitor credential).
    pub(crate) fn active_principals(&self) -> Result<Vec<Uuid>, CoreError> {
        let me = self.resident_id()?;
        let mut out: Vec<Uuid> = self
            .proxy_grants()?
            .into_iter()
            .filter(|g| {
                g.role == ProxyRole::Proxy && g.status == GrantStatus::Active && Some(g.proxy) == me
            })
            .map(|g| g.principal)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Forgets what was read for principals whose grant ended: it is theirs, not this resident's.
    pub(crate) fn forget_ended_principals(&self) -> Result<(), CoreError> {
        let active: Vec<Uuid> = self
            .acting_for_choices()?
            .into_iter()
            .map(|c| c.principal)
            .collect();
        let db = self.db();
        for p in store::proxy::kept_principals(&db)? {
            if !active.contains(&p) {
                store::proxy::forget_principal(&db, p)?;
            }
        }
        Ok(())
    }

    /// Whether this device may act for `principal` with `scope`, as far as it knows (the hub decides again
    /// when the op arrives). `None` is the resident's own business and always allowed.
    pub(crate) fn check_acting(
        &self,
        principal: Option<Uuid>,
        scope: ProxyScope,
    ) -> Result<(), CoreError> {
        let Some(p) = principal else {
            return Ok(());
        };
        let grants: Vec<ProxyGrantView> = self
            .proxy_grants()?
            .into_iter()
            .filter(|g| g.role == ProxyRole::Proxy && g.principal == p)
            .collect();
        let g = grants
            .iter()
            .find(|g| g.status == GrantStatus::Active)
            .or(grants.first())
            .ok_or(CoreError::Refused(ErrorCode::ProxyNotGranted))?;
        match g.status {
            GrantStatus::Active if g.scopes.contains(&scope) => Ok(()),
            GrantStatus::Active => Err(CoreError::Refused(ErrorCode::ProxyScopeMissing)),
            GrantStatus::Revoked => Err(CoreError::Refused(ErrorCode::ProxyGrantRevoked)),
            GrantStatus::GivenUp => Err(CoreError::Refused(ErrorCode::ProxyGrantGivenUp)),
            GrantStatus::Expired => Err(CoreError::Refused(ErrorCode::ProxyGrantExpired)),
        }
    }

    // ---- acting for a principal: `acting_for` None is the resident's own view

    pub fn notices_as(&self, acting_for: Option<Uuid>) -> Result<Vec<NoticeView>, CoreError> {
        let Some(p) = acting_for else {
            return self.notices();
        };
        self.check_acting(Some(p), ProxyScope::ReadNotices)?;
        Ok(store::proxy::notices(&self.db(), p)?
            .into_iter()
            .map(|n| {
                let read = n.read_at.is_some();
                overlay::notice_view(store::notices::NoticeRow {
                    notice: n,
                    read,
                    pending: false,
                })
            })
            .collect())
    }

    pub fn reports_as(&self, acting_for: Option<Uuid>) -> Result<Vec<ReportView>, CoreError> {
        self.check_acting(acting_for, ProxyScope::Report)?;
        overlay::reports(&self.db(), self.language(), acting_for)
    }

    pub fn report_as(&self, id: Uuid, acting_for: Option<Uuid>) -> Result<ReportView, CoreError> {
        self.check_acting(acting_for, ProxyScope::Report)?;
        overlay::report(&self.db(), self.language(), id, acting_for)?
            .ok_or(CoreError::Refused(ErrorCode::ReportNotFound))
    }

    pub fn consultations_as(
        &self,
        acting_for: Option<Uuid>,
    ) -> Result<Vec<ConsultationView>, CoreError> {
        self.check_acting(acting_for, ProxyScope::Vote)?;
        overlay::consultations(&self.db(), acting_for)
    }

    pub fn consultation_as(
        &self,
        id: Uuid,
        acting_for: Option<Uuid>,
    ) -> Result<ConsultationView, CoreError> {
        self.check_acting(acting_for, ProxyScope::Vote)?;
        overlay::consultation(&self.db(), id, acting_for)?
            .ok_or(CoreError::Refused(ErrorCode::ConsultationNotFound))
    }

    /// The report categories of the resident's community, or of the principal's.
    pub fn categories_as(&self, acting_for: Option<Uuid>) -> Result<Vec<CategoryView>, CoreError> {
        overlay::categories(&self.db(), self.language(), acting_for)
    }
}
