//! SQL for `proxy_visitors` and `proxy_visitor_ops`: relatives from another community who act for a
//! resident of this one (亲友代办) without living here. A visitor has no household: it can only pull a
//! principal's feed and push ops `on_behalf_of` a principal, each checked against its grants like any proxy's,
//! exactly once and in order like a device's.
use chrono::{DateTime, Utc};
use linli_proto::{ErrorCode, Op, OpStatus, ProxyGrant};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::columns::{get_uuid, ts};
use super::{ops, proxies};
use crate::store::{OpOutcome, StoreError, StoreResult, Viewer};

/// A visitor as the rules see a caller: no household, no building; its own id as resident and device.
fn viewer(id: Uuid, community_id: Uuid) -> Viewer {
    Viewer {
        resident_id: id,
        device_id: id,
        household_id: Uuid::nil(),
        building_id: Uuid::nil(),
        community_id,
    }
}

pub fn exists(conn: &Connection, id: Uuid) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM proxy_visitors WHERE id = ?1)")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// Creates the visitor and redeems the code for it, together: a refused code leaves no visitor behind.
pub fn accept(
    conn: &Connection,
    code_hash: &str,
    token_hash: &str,
    name: Option<&str>,
    home: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<(ProxyGrant, Uuid)> {
    // The visitor belongs to the principal's community: the one the code was made in.
    let principal: Option<Uuid> = conn
        .prepare_cached("SELECT principal_id FROM proxy_codes WHERE code_hash = ?1")?
        .query_row([code_hash], |r| get_uuid(r, 0))
        .optional()?;
    let community_id = match principal {
        Some(p) => super::staff::resident_community(conn, p)?
            .ok_or_else(|| StoreError::Corrupt("proxy code of a resident without home".into()))?,
        None => return Err(ErrorCode::ProxyCodeInvalid.into()),
    };
    let id = Uuid::now_v7();
    let clip = |s: Option<&str>| {
        s.map(|n| {
            n.trim()
                .chars()
                .take(linli_proto::limits::TITLE_MAX)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
    };
    conn.prepare_cached(
        "INSERT INTO proxy_visitors (id, community_id, token_hash, name, home, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id.to_string(),
        community_id.to_string(),
        token_hash,
        clip(name),
        clip(home),
        ts(now)
    ])?;
    let grant = proxies::redeem_code(conn, &viewer(id, community_id), code_hash, name, now)?;
    Ok((grant, id))
}

pub fn authenticate(conn: &Connection, token_hash: &str) -> StoreResult<Option<Viewer>> {
    Ok(conn
        .prepare_cached("SELECT id, community_id FROM proxy_visitors WHERE token_hash = ?1")?
        .query_row([token_hash], |r| {
            Ok(viewer(get_uuid(r, 0)?, get_uuid(r, 1)?))
        })
        .optional()?)
}

fn stored(conn: &Connection, op_id: Uuid) -> StoreResult<Option<OpOutcome>> {
    let row = conn
        .prepare_cached("SELECT status, code, version FROM proxy_visitor_ops WHERE op_id = ?1")?
        .query_row([op_id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })
        .optional()?;
    Ok(row.map(|(status, code, version)| OpOutcome {
        status: if status == "applied" {
            OpStatus::Applied
        } else {
            OpStatus::Rejected
        },
        code: code.as_deref().and_then(ErrorCode::parse),
        version,
        log_index: None,
    }))
}

/// Exactly-once, in-order application of one visitor op, as `ops::push` does for devices. An op not
/// made for a principal is refused (`forbidden`): a visitor has nothing of its own here.
pub fn push(
    conn: &mut Connection,
    visitor: &Viewer,
    op: &Op,
    now: DateTime<Utc>,
) -> StoreResult<OpOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(answer) = stored(&tx, op.id)? {
        return Ok(answer);
    }
    let last: i64 = tx
        .prepare_cached("SELECT last_seq FROM proxy_visitors WHERE id = ?1")?
        .query_row([visitor.resident_id.to_string()], |r| r.get(0))?;
    if op.device_seq <= last {
        return Ok(OpOutcome::rejected(ErrorCode::OpConflict));
    }
    if op.device_seq > last + 1 {
        return Ok(OpOutcome::deferred(ErrorCode::SequenceGap));
    }
    let outcome = if op.on_behalf_of.is_none() {
        OpOutcome::rejected(ErrorCode::Forbidden)
    } else {
        match super::savepoint(&tx, |sp| ops::apply(sp, visitor, op, now)) {
            Ok(version) => OpOutcome::applied(version),
            Err(StoreError::Refused(code)) => OpOutcome::rejected(code),
            Err(e) => return Err(e),
        }
    };
    tx.prepare_cached(
        "INSERT INTO proxy_visitor_ops (op_id, visitor_id, device_seq, kind, status, code, version,
             received_at, on_behalf_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        op.id.to_string(),
        visitor.resident_id.to_string(),
        op.device_seq,
        op.body.kind(),
        ops::status_str(outcome.status),
        outcome.code.map(|c| c.as_str()),
        outcome.version,
        ts(now),
        op.on_behalf_of.map(|p| p.to_string())
    ])?;
    tx.prepare_cached("UPDATE proxy_visitors SET last_seq = ?1 WHERE id = ?2")?
        .execute(params![op.device_seq, visitor.resident_id.to_string()])?;
    tx.commit()?;
    Ok(outcome)
}
