//! SQL for `proxy_grants`, `proxy_codes`, `proxy_limits` and `proxy_acts`: authorized proxies (亲友代办).
//! Every change of a grant goes through [`on_grant_change`], which logs it for both residents' feeds.
use chrono::{DateTime, Duration, Utc};
use linli_proto::{
    ErrorCode, GrantParty, GrantStatus, Op, OpBody, ProxyAct, ProxyGrant, ProxyScope,
};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use linli_tlog::records::{party_tag, RECORD_VERSION};
use linli_tlog::{LeafKind, Record};

use super::access;
use super::changes::{self, Audience, Kind};
use super::columns::{get_enum, get_opt_enum, get_opt_ts, get_ts, get_uuid, ts};
use super::reports::ProxyStamp;
use super::tlog;
use crate::domain::proxy_rules::{self, GrantFacts};
use crate::store::{StoreError, StoreResult, Viewer};

/// Grants name the proxy by resident id, or by visitor id for a relative from another community.
const GRANT_SELECT: &str = "SELECT g.id, g.principal_id, g.proxy_id, g.proxy_name, g.scopes, g.created_at,
        g.created_by, g.expires_at, g.status, g.ended_at, g.ended_by, b.name, h.unit, h.room, g.community_id
    FROM proxy_grants g
    JOIN residents r ON r.id = g.principal_id
    JOIN households h ON h.id = r.household_id
    JOIN buildings b ON b.id = h.building_id";

fn scopes_parse(s: &str) -> Vec<ProxyScope> {
    s.split(',').filter_map(ProxyScope::parse).collect()
}

/// A grant as stored, with the community it belongs to.
fn grant_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ProxyGrant, Uuid)> {
    let (b, u, room): (String, String, String) = (r.get(11)?, r.get(12)?, r.get(13)?);
    Ok((
        ProxyGrant {
            id: get_uuid(r, 0)?,
            principal: get_uuid(r, 1)?,
            proxy: get_uuid(r, 2)?,
            proxy_name: r.get(3)?,
            principal_address: Some(format!("{b} {u} {room}")),
            scopes: scopes_parse(&r.get::<_, String>(4)?),
            created_at: get_ts(r, 5)?,
            created_by: get_enum(r, 6, GrantParty::parse)?,
            expires_at: get_ts(r, 7)?,
            status: get_enum(r, 8, GrantStatus::parse)?,
            ended_at: get_opt_ts(r, 9)?,
            ended_by: get_opt_enum(r, 10, GrantParty::parse)?,
        },
        get_uuid(r, 14)?,
    ))
}

/// The facts the rules judge a grant by.
pub fn facts(g: &ProxyGrant) -> GrantFacts {
    GrantFacts {
        stored: g.status,
        expires_at: g.expires_at,
        scopes: g.scopes.clone(),
    }
}

/// Computes `expired` from the hub's clock.
fn at(mut g: ProxyGrant, now: DateTime<Utc>) -> ProxyGrant {
    g.status = facts(&g).status_at(now);
    g
}

fn query(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ProxyGrant>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{GRANT_SELECT} {filter} ORDER BY g.created_at DESC, g.id DESC"
    ))?;
    let rows = stmt.query_map(args, grant_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(at(row?.0, now));
    }
    Ok(out)
}

pub fn grant(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ProxyGrant>> {
    Ok(query(conn, "WHERE g.id = ?1", [id.to_string()], now)?
        .into_iter()
        .next())
}

/// Grants where `resident` is the principal or the proxy, newest first.
pub fn grants_of(
    conn: &Connection,
    resident: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ProxyGrant>> {
    query(
        conn,
        "WHERE g.principal_id = ?1 OR g.proxy_id = ?1",
        [resident.to_string()],
        now,
    )
}

pub fn all(conn: &Connection, now: DateTime<Utc>) -> StoreResult<Vec<ProxyGrant>> {
    query(conn, "", [], now)
}

/// The grant that decides whether `proxy` may act for `principal` now: the active one when there is one,
/// else the newest (so a revoked or expired grant answers with its own reason).
pub fn between(
    conn: &Connection,
    proxy: Uuid,
    principal: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<ProxyGrant>> {
    let list = query(
        conn,
        "WHERE g.proxy_id = ?1 AND g.principal_id = ?2",
        [proxy.to_string(), principal.to_string()],
        now,
    )?;
    Ok(list
        .iter()
        .find(|g| g.status == GrantStatus::Active)
        .or(list.first())
        .cloned())
}

/// (max proxies per principal, max principals per proxy) in this community.
pub fn limits(conn: &Connection, community_id: Uuid) -> StoreResult<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT max_proxies, max_principals FROM proxy_limits WHERE community_id = ?1",
        )?
        .query_row([community_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((
            proxy_rules::DEFAULT_MAX_PROXIES,
            proxy_rules::DEFAULT_MAX_PRINCIPALS,
        )))
}

pub fn set_limits(
    conn: &Connection,
    community_id: Uuid,
    max_proxies: i64,
    max_principals: i64,
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO proxy_limits (community_id, max_proxies, max_principals) VALUES (?1, ?2, ?3)
         ON CONFLICT (community_id) DO UPDATE SET max_proxies = excluded.max_proxies,
             max_principals = excluded.max_principals",
        params![community_id.to_string(), max_proxies, max_principals],
    )?;
    Ok(())
}

fn active_count(conn: &Connection, column: &str, id: Uuid, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM proxy_grants WHERE {column} = ?1 AND status = 'active' AND expires_at > ?2"
        ))?
        .query_row(params![id.to_string(), ts(now)], |r| r.get(0))?)
}

/// What creating a grant needs, from a redeemed code or from staff.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub principal: Uuid,
    pub proxy: Uuid,
    pub proxy_name: Option<&'a str>,
    pub scopes: &'a [ProxyScope],
    pub days: i64,
    pub created_by: GrantParty,
}

/// Creates a grant after the rules: not to oneself, no second active grant between the same two, both
/// residents under their limits.
pub fn insert_grant(
    conn: &Connection,
    g: &NewGrant<'_>,
    now: DateTime<Utc>,
) -> StoreResult<ProxyGrant> {
    if g.principal == g.proxy {
        return Err(ErrorCode::ProxySelf.into());
    }
    if g.scopes.is_empty() {
        return Err(ErrorCode::FieldRequired.into());
    }
    let days = proxy_rules::grant_days(Some(g.days))?;
    let principal = access::viewer_of_resident(conn, g.principal, Uuid::nil())?
        .ok_or(StoreError::Refused(ErrorCode::NotFound))?;
    if access::viewer_of_resident(conn, g.proxy, Uuid::nil())?.is_none()
        && !super::visitors::exists(conn, g.proxy)?
    {
        return Err(ErrorCode::NotFound.into());
    }
    if between(conn, g.proxy, g.principal, now)?.is_some_and(|x| x.status == GrantStatus::Active) {
        return Err(ErrorCode::ProxyAlreadyGranted.into());
    }
    let (max_proxies, max_principals) = limits(conn, principal.community_id)?;
    if active_count(conn, "principal_id", g.principal, now)? >= max_proxies {
        return Err(ErrorCode::ProxyTooManyProxies.into());
    }
    if active_count(conn, "proxy_id", g.proxy, now)? >= max_principals {
        return Err(ErrorCode::ProxyTooManyPrincipals.into());
    }
    let id = Uuid::now_v7();
    let name = g
        .proxy_name
        .map(|n| {
            n.trim()
                .chars()
                .take(linli_proto::limits::TITLE_MAX)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty());
    conn.prepare_cached(
        "INSERT INTO proxy_grants (id, community_id, principal_id, proxy_id, proxy_name, scopes, created_at,
             created_by, expires_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active')",
    )?
    .execute(params![
        id.to_string(),
        principal.community_id.to_string(),
        g.principal.to_string(),
        g.proxy.to_string(),
        name,
        proxy_rules::scopes_to_column(g.scopes),
        ts(now),
        g.created_by.as_str(),
        ts(now + Duration::days(days)),
    ])?;
    let grant =
        grant(conn, id, now)?.ok_or_else(|| StoreError::Corrupt("grant vanished".into()))?;
    on_grant_change(conn, principal.community_id, &grant, now)?;
    Ok(grant)
}

/// The one place every grant change (created, revoked, given up) passes: logs it for the principal's and
/// the proxy's devices. Anything else that must see each grant change (an audit log) hooks here.
pub fn on_grant_change(
    conn: &Connection,
    community_id: Uuid,
    grant: &ProxyGrant,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let id = grant.id.to_string();
    log_grant(conn, grant, now)?;
    for who in [grant.principal, grant.proxy] {
        changes::append(
            conn,
            community_id,
            Kind::ProxyGrant,
            &id,
            Audience::Resident(who),
            now,
        )?;
    }
    Ok(())
}

/// Appends the grant's new state to the transparency log, in the caller's transaction.
fn log_grant(conn: &Connection, grant: &ProxyGrant, now: DateTime<Utc>) -> StoreResult<()> {
    let id = grant.id.to_string();
    let record = Record::ProxyGrant {
        v: RECORD_VERSION,
        grant: id.clone(),
        principal: party_tag(&id, &grant.principal.to_string()),
        proxy: party_tag(&id, &grant.proxy.to_string()),
        scopes: grant.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        status: grant.status.as_str().to_owned(),
        expires_at_ms: grant.expires_at.timestamp_millis(),
    };
    // The grant goes to the log of the principal's community (the proxy may live in another).
    let community = match super::staff::resident_community(conn, grant.principal)? {
        Some(c) => c,
        None => super::staff::resident_community(conn, grant.proxy)?
            .ok_or_else(|| StoreError::Corrupt("grant without residents".into()))?,
    };
    tlog::append(
        conn,
        community,
        &tlog::Entry {
            kind: LeafKind::ProxyGrant,
            record: &record,
            record_id: id,
            op_id: None,
        },
        now,
    )?;
    Ok(())
}

/// Grants that passed `expires_at` while active and whose expiry nobody was told of yet: logs each as a
/// grant change (so both residents learn it without waiting for their next refused act). Returns how many.
pub fn log_expired(conn: &Connection, now: DateTime<Utc>) -> StoreResult<usize> {
    let due: Vec<(Uuid, Uuid)> = conn
        .prepare_cached(
            "SELECT id, community_id FROM proxy_grants
             WHERE status = 'active' AND expiry_logged = 0 AND expires_at <= ?1",
        )?
        .query_map([ts(now)], |r| Ok((get_uuid(r, 0)?, get_uuid(r, 1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, community_id) in &due {
        conn.prepare_cached("UPDATE proxy_grants SET expiry_logged = 1 WHERE id = ?1")?
            .execute([id.to_string()])?;
        if let Some(g) = grant(conn, *id, now)? {
            on_grant_change(conn, *community_id, &g, now)?;
        }
    }
    Ok(due.len())
}

/// Whether some active grant passed its expiry unannounced (a cheap check before taking the writer).
pub fn any_expired_unlogged(conn: &Connection, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM proxy_grants
                WHERE status = 'active' AND expiry_logged = 0 AND expires_at <= ?1)",
        )?
        .query_row([ts(now)], |r| r.get(0))?)
}

/// Ends an active grant: `revoked` when the principal or staff end it, `given_up` when the proxy does.
/// Ending one that already ended changes nothing.
pub fn end_grant(
    conn: &Connection,
    id: Uuid,
    by: GrantParty,
    now: DateTime<Utc>,
) -> StoreResult<ProxyGrant> {
    let row = conn
        .prepare_cached(&format!("{GRANT_SELECT} WHERE g.id = ?1"))?
        .query_row([id.to_string()], grant_row)
        .optional()?;
    let Some((g, community_id)) = row else {
        return Err(ErrorCode::NotFound.into());
    };
    if g.status != GrantStatus::Active {
        return Ok(at(g, now));
    }
    let status = if by == GrantParty::Proxy {
        GrantStatus::GivenUp
    } else {
        GrantStatus::Revoked
    };
    conn.prepare_cached(
        "UPDATE proxy_grants SET status = ?1, ended_at = ?2, ended_by = ?3 WHERE id = ?4",
    )?
    .execute(params![
        status.as_str(),
        ts(now),
        by.as_str(),
        id.to_string()
    ])?;
    let grant =
        grant(conn, id, now)?.ok_or_else(|| StoreError::Corrupt("grant vanished".into()))?;
    on_grant_change(conn, community_id, &grant, now)?;
    Ok(grant)
}

pub fn insert_code(
    conn: &Connection,
    principal: Uuid,
    code_hash: &str,
    scopes: &[ProxyScope],
    days: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO proxy_codes (code_hash, principal_id, scopes, days, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        code_hash,
        principal.to_string(),
        proxy_rules::scopes_to_column(scopes),
        days,
        ts(now),
        ts(expires_at)
    ])?;
    Ok(())
}

/// Redeems a code (single use) into a grant to `proxy`. A code refused by a grant rule (limits, oneself)
/// stays usable, so the principal can make room and the relative try again.
pub fn redeem_code(
    conn: &Connection,
    proxy: &Viewer,
    code_hash: &str,
    proxy_name: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<ProxyGrant> {
    let row = conn
        .prepare_cached(
            "SELECT principal_id, scopes, days, expires_at, used_at FROM proxy_codes WHERE code_hash = ?1",
        )?
        .query_row([code_hash], |r| {
            Ok((
                get_uuid(r, 0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                get_ts(r, 3)?,
                get_opt_ts(r, 4)?,
            ))
        })
        .optional()?;
    let Some((principal, scopes, days, expires_at, used_at)) = row else {
        return Err(ErrorCode::ProxyCodeInvalid.into());
    };
    if used_at.is_some() {
        return Err(ErrorCode::ProxyCodeUsed.into());
    }
    if now >= expires_at {
        return Err(ErrorCode::ProxyCodeExpired.into());
    }
    let scopes = scopes_parse(&scopes);
    let grant = insert_grant(
        conn,
        &NewGrant {
            principal,
            proxy: proxy.resident_id,
            proxy_name,
            scopes: &scopes,
            days,
            created_by: GrantParty::Principal,
        },
        now,
    )?;
    conn.prepare_cached("UPDATE proxy_codes SET used_at = ?1, grant_id = ?2 WHERE code_hash = ?3")?
        .execute(params![ts(now), grant.id.to_string(), code_hash])?;
    Ok(grant)
}

/// Who acts through which grant, once the grant allowed the op.
#[derive(Debug, Clone)]
pub struct ProxyActor {
    pub grant_id: Uuid,
    pub proxy_id: Uuid,
    pub name: Option<String>,
}

impl ProxyActor {
    /// How report timelines name the act: the proxy acting for `principal`.
    pub fn stamp(&self, principal: Uuid) -> ProxyStamp<'_> {
        ProxyStamp {
            proxy_id: self.proxy_id,
            principal_id: principal,
            name: self.name.as_deref(),
        }
    }
}

/// The check on every pushed op with `on_behalf_of`: the grant between the caller and the principal must be
/// active at the hub's `now` (not revoked, given up or expired, whatever the device thought when it queued
/// the op) and hold the op's scope. Answers the principal as a viewer, to apply the op as theirs.
pub fn authorize_op(
    conn: &Connection,
    caller: &Viewer,
    principal: Uuid,
    body: &OpBody,
    now: DateTime<Utc>,
) -> StoreResult<(Viewer, ProxyActor)> {
    let g = between(conn, caller.resident_id, principal, now)?;
    proxy_rules::allows(
        g.as_ref().map(facts).as_ref(),
        Some(proxy_rules::scope_for(body)),
        now,
    )?;
    let g = g.ok_or(StoreError::Refused(ErrorCode::ProxyNotGranted))?;
    let viewer = access::viewer_of_resident(conn, principal, caller.device_id)?
        .ok_or(StoreError::Refused(ErrorCode::ProxyNotGranted))?;
    Ok((
        viewer,
        ProxyActor {
            grant_id: g.id,
            proxy_id: caller.resident_id,
            name: g.proxy_name,
        },
    ))
}

/// The check on every pull for a principal: an active grant, any scope. Answers the principal as a
/// viewer and the grant's scopes (which records the proxy may read).
pub fn authorize_pull(
    conn: &Connection,
    caller: &Viewer,
    principal: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<(Viewer, Vec<ProxyScope>)> {
    let g = between(conn, caller.resident_id, principal, now)?;
    proxy_rules::allows(g.as_ref().map(facts).as_ref(), None, now)?;
    let g = g.ok_or(StoreError::Refused(ErrorCode::ProxyNotGranted))?;
    let viewer = access::viewer_of_resident(conn, principal, caller.device_id)?
        .ok_or(StoreError::Refused(ErrorCode::ProxyNotGranted))?;
    Ok((viewer, g.scopes))
}

/// What an op was about, for the principal's record.
fn target_of(body: &OpBody) -> Option<Uuid> {
    match body {
        OpBody::CreateReport { report_id, .. }
        | OpBody::CommentReport { report_id, .. }
        | OpBody::WithdrawReport { report_id }
        | OpBody::RateReport { report_id, .. }
        | OpBody::ReopenReport { report_id, .. } => Some(*report_id),
        OpBody::CastVote {
            consultation_id, ..
        } => Some(*consultation_id),
        OpBody::MarkNoticeRead { notice_id } => Some(*notice_id),
    }
}

/// Records an applied act with both identities and logs it for the principal's devices (their 代办记录).
pub fn record_act(
    conn: &Connection,
    principal: &Viewer,
    actor: &ProxyActor,
    op: &Op,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO proxy_acts (op_id, grant_id, principal_id, proxy_id, kind, target, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        op.id.to_string(),
        actor.grant_id.to_string(),
        principal.resident_id.to_string(),
        actor.proxy_id.to_string(),
        op.body.kind(),
        target_of(&op.body).map(|t| t.to_string()),
        ts(now)
    ])?;
    changes::append(
        conn,
        principal.community_id,
        Kind::ProxyAct,
        &op.id.to_string(),
        Audience::Resident(principal.resident_id),
        now,
    )?;
    Ok(())
}

const ACT_SELECT: &str =
    "SELECT a.op_id, a.grant_id, a.principal_id, a.proxy_id, g.proxy_name, a.kind,
        a.target, a.at
    FROM proxy_acts a JOIN proxy_grants g ON g.id = a.grant_id";

fn act_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProxyAct> {
    let target: Option<String> = r.get(6)?;
    Ok(ProxyAct {
        id: get_uuid(r, 0)?,
        grant_id: get_uuid(r, 1)?,
        principal: get_uuid(r, 2)?,
        proxy: get_uuid(r, 3)?,
        proxy_name: r.get(4)?,
        kind: r.get(5)?,
        target: target.and_then(|t| Uuid::parse_str(&t).ok()),
        at: get_ts(r, 7)?,
    })
}

pub fn act(conn: &Connection, op_id: Uuid) -> StoreResult<Option<ProxyAct>> {
    Ok(conn
        .prepare_cached(&format!("{ACT_SELECT} WHERE a.op_id = ?1"))?
        .query_row([op_id.to_string()], act_row)
        .optional()?)
}

/// Every act done for `principal`, oldest first (staff and tests).
/// Every act the resident did for others as their proxy, oldest first (their copy of their data).
pub fn acts_by(conn: &Connection, proxy: Uuid) -> StoreResult<Vec<ProxyAct>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ACT_SELECT} WHERE a.proxy_id = ?1 ORDER BY a.at, a.op_id"
    ))?;
    let rows = stmt
        .query_map([proxy.to_string()], act_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Closing an account: ends every grant the resident gave or holds (each change told to the other
/// party and logged, like any end), drops their unused codes, and re-points every proxy row naming them
/// to `closed` (the placeholder resident), forgetting the name a proxy gave themselves.
pub fn forget_resident(
    conn: &Connection,
    resident: Uuid,
    closed: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for g in grants_of(conn, resident, now)? {
        if g.status == GrantStatus::Active {
            let by = if g.principal == resident {
                GrantParty::Principal
            } else {
                GrantParty::Proxy
            };
            end_grant(conn, g.id, by, now)?;
        }
    }
    let (r, c) = (resident.to_string(), closed.to_string());
    conn.execute("DELETE FROM proxy_codes WHERE principal_id = ?1", [&r])?;
    conn.execute(
        "UPDATE proxy_grants SET proxy_id = ?2, proxy_name = NULL WHERE proxy_id = ?1",
        [&r, &c],
    )?;
    for sql in [
        "UPDATE proxy_grants SET principal_id = ?2 WHERE principal_id = ?1",
        "UPDATE proxy_acts SET principal_id = ?2 WHERE principal_id = ?1",
        "UPDATE proxy_acts SET proxy_id = ?2 WHERE proxy_id = ?1",
        "UPDATE ballots SET proxy_id = ?2 WHERE proxy_id = ?1",
        "UPDATE ops SET on_behalf_of = ?2 WHERE on_behalf_of = ?1",
        "UPDATE proxy_visitor_ops SET on_behalf_of = ?2 WHERE on_behalf_of = ?1",
        "UPDATE report_events SET on_behalf_of = ?2 WHERE on_behalf_of = ?1",
    ] {
        conn.execute(sql, [&r, &c])?;
    }
    conn.execute(
        "UPDATE report_events SET actor_id = ?2, actor_name = NULL WHERE actor_id = ?1",
        [&r, &c],
    )?;
    Ok(())
}

pub fn acts_for(conn: &Connection, principal: Uuid) -> StoreResult<Vec<ProxyAct>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ACT_SELECT} WHERE a.principal_id = ?1 ORDER BY a.at, a.op_id"
    ))?;
    let rows = stmt
        .query_map([principal.to_string()], act_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
