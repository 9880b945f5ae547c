//! The embedded SQLite backend: one file `hub.db` in WAL mode, a writer connection and a reader
//! connection, each behind a mutex (callers run on `spawn_blocking`). Admin commands in another
//! process can write at the same time; `busy_timeout` makes them wait their turn.
mod access;
mod blobs;
mod cases;
mod changes;
mod checkpoint;
pub mod closure;
mod columns;
mod community;
mod consultations;
mod dispatch;
pub mod export;
mod feed;
mod group;
mod health;
pub mod migrations;
mod notice_desk;
mod notices;
mod open311;
mod ops;
mod proxies;
mod reports;
pub mod restores;
mod retention;
mod staff;
mod staff_auth;
mod staff_views;
mod statistics;
pub mod stats;
mod street;
mod tiles;
pub mod tlog;
mod visitors;
mod voices;
mod witnesses;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use linli_proto::{
    Community, Consultation, ErrorCode, GrantParty, Household, Notice, Op, ProxyAct, ProxyGrant,
    ProxyScope, Report, ReportEventKind, ReportStatus,
};
use rusqlite::{Connection, OpenFlags};
use uuid::Uuid;

use self::feed::{feed_page, proxy_may_read};
use super::{
    AccessEntry, ClosedAccount, CommunityOverview, CommunitySeed, ConsultationResults, DeviceInfo,
    ExportData, FeedPage, InviteInfo, Joined, NewConsultation, NewNotice, NoticeSummary,
    OfficeGrant, OpOutcome, ProxyLimits, ReportFilter, Staff, StaffReport, Store, StoreError,
    StoreResult, Street, StreetStaff, Viewer,
};
use crate::domain::report_rules;
pub use changes::{Audience, Committed};

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// Pushes waiting for the writer; whoever gets it commits them all (see [`group`]).
    pushes: group::Queue,
    /// Copies the WAL back into the database file while the hub is idle (see [`checkpoint`]).
    checkpoints: checkpoint::Checkpointer,
    /// Counted for the metrics (see [`stats`]).
    stats: stats::DbStats,
}

fn configure(conn: &Connection) -> StoreResult<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Savepoints (one per pushed op) keep their statement journal in memory rather than a temp file.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // A push touches more distinct statements than rusqlite's default cache of 16 holds.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the connection usable (transactions roll back on drop).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SqliteStore {
    /// Opens (creating and migrating) the database file.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrations::migrate(&mut writer)?;
        {
            let tx = writer.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            consultations::log_unlogged_ballots(&tx, Utc::now())?;
            tx.commit()?;
        }
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&reader)?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            pushes: group::Queue::default(),
            checkpoints: checkpoint::Checkpointer::spawn(path)?,
            stats: stats::DbStats::default(),
        })
    }

    /// Runs `f` in one write transaction.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = lock(&self.writer);
        let _busy = self.stats.busy();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        self.checkpoints.activity().wrote();
        Ok(out)
    }

    /// Runs one statement `f` on the reader without a surrounding transaction: a single statement is its
    /// own consistent snapshot, and the two that run on every push (token lookup, change-log head) skip
    /// a BEGIN and a COMMIT each.
    fn read_one<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        f(&lock(&self.reader))
    }

    /// Runs `f` on a consistent snapshot.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = lock(&self.reader);
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Runs `f` inside a savepoint of the current transaction: kept when `f` succeeds, rolled back when it
/// fails. (rusqlite's `Savepoint` needs `&mut Connection`; pushes run on a shared `&Connection`.) The
/// statements are cached: a push runs a few of these per op.
fn savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.prepare_cached("SAVEPOINT sp")?.execute([])?;
    match f(conn) {
        Ok(v) => {
            conn.prepare_cached("RELEASE sp")?.execute([])?;
            Ok(v)
        }
        Err(e) if conn.is_autocommit() => Err(e), // SQLite ended it itself (a full disk): keep the cause
        Err(e) => {
            conn.prepare_cached("ROLLBACK TO sp")?.execute([])?;
            conn.prepare_cached("RELEASE sp")?.execute([])?;
            Err(e)
        }
    }
}

impl Store for SqliteStore {
    fn communities(&self) -> StoreResult<Vec<Community>> {
        self.read(community::communities)
    }

    fn community(&self, id: Uuid) -> StoreResult<Option<Community>> {
        self.read(|c| community::community(c, id))
    }

    fn create_community(&self, seed: &CommunitySeed, now: DateTime<Utc>) -> StoreResult<Uuid> {
        self.write(|c| {
            let street = street::get(c)?.map(|s| s.id);
            // The log's origin needs the key's name, which the store does not hold: the community's
            // id stands in the origin, and `tlog::origin` puts the key's name before it when read.
            community::insert(c, seed, street, |id| id.simple().to_string(), now)
        })
    }

    fn street(&self) -> StoreResult<Option<Street>> {
        self.read(street::get)
    }

    fn set_street(&self, name: &str, code: &str, now: DateTime<Utc>) -> StoreResult<Street> {
        self.write(|c| street::set(c, name, code, now))
    }

    fn add_street_staff(&self, name: &str, now: DateTime<Utc>) -> StoreResult<StreetStaff> {
        self.write(|c| street::add_staff(c, name, now))
    }

    fn street_staff(&self, id: Uuid) -> StoreResult<Option<StreetStaff>> {
        self.read(|c| street::staff(c, id))
    }

    fn street_overview(&self, who: &StreetStaff) -> StoreResult<Vec<CommunityOverview>> {
        self.read(|c| street::overview(c, who))
    }

    fn publish_street_notice(
        &self,
        who: &StreetStaff,
        notice: &NewNotice,
        communities: &[Uuid],
        now: DateTime<Utc>,
    ) -> StoreResult<(Uuid, Vec<(Uuid, Uuid)>)> {
        self.write(|c| street::publish(c, who, notice, communities, &[], now))
    }

    fn households(&self, community: Uuid) -> StoreResult<Vec<Household>> {
        self.read(|c| community::households(c, community))
    }

    fn find_household(
        &self,
        community: Uuid,
        b: &str,
        u: &str,
        r: &str,
    ) -> StoreResult<Option<Household>> {
        self.read(|c| community::find_household(c, community, b, u, r))
    }

    fn create_invite(
        &self,
        code: &str,
        household_id: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<InviteInfo> {
        self.write(|c| access::create_invite(c, code, household_id, now, expires_at))
    }

    fn redeem_invite(
        &self,
        code: &str,
        device_name: Option<&str>,
        token_hash: &str,
        privacy_version: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Joined> {
        self.write(|c| access::redeem(c, code, device_name, token_hash, privacy_version, now))
    }

    fn authenticate(&self, token_hash: &str, _now: DateTime<Utc>) -> StoreResult<Option<Viewer>> {
        self.read_one(|c| access::authenticate(c, token_hash))
    }

    fn me(&self, viewer: &Viewer) -> StoreResult<(Community, Household)> {
        self.read(|c| {
            let community =
                community::community(c, viewer.community_id)?.ok_or(StoreError::NoCommunity)?;
            let household = community::household(c, viewer.household_id)?
                .ok_or_else(|| StoreError::Corrupt("viewer without household".into()))?;
            Ok((community, household))
        })
    }

    fn revoke_device(&self, community: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|c| {
            let ours = staff::device_communities(c)?
                .iter()
                .any(|(d, _, cid)| *d == id && *cid == community);
            // A device of another community answers as an unknown one.
            Ok(ours && access::revoke(c, id, now)?)
        })
    }

    fn head(&self, community: Uuid) -> StoreResult<i64> {
        self.read_one(|c| changes::head(c, community))
    }

    fn last_seq(&self) -> StoreResult<i64> {
        self.read_one(changes::last_seq)
    }

    fn committed_after(&self, seq: i64, limit: u32) -> StoreResult<Vec<Committed>> {
        self.read_one(|c| changes::committed_after(c, seq, limit))
    }

    fn nudge_audiences(&self, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<Vec<Audience>> {
        self.read(|c| feed::audiences(c, viewer, now))
    }

    fn flush_tallies(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        if !self.read_one(consultations::tallies_moved)? {
            return Ok(0);
        }
        self.write(|c| consultations::flush_tallies(c, now))
    }

    fn pushed_head(&self) -> Option<i64> {
        Some(self.pushes.head())
    }

    fn pull(
        &self,
        viewer: &Viewer,
        cursor: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<FeedPage> {
        self.read(|conn| feed_page(conn, viewer, cursor, limit, now, |_| true))
    }

    fn push_op(&self, viewer: &Viewer, op: &Op, now: DateTime<Utc>) -> StoreResult<OpOutcome> {
        self.push_ops(viewer, vec![op.clone()], now)?
            .pop()
            .ok_or_else(|| StoreError::Corrupt("no outcome for a pushed op".into()))
    }

    fn push_ops(
        &self,
        viewer: &Viewer,
        ops: Vec<Op>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OpOutcome>> {
        let answer = group::push(&self.pushes, &self.writer, &self.stats, viewer, ops, now);
        self.checkpoints.activity().wrote();
        answer
    }

    fn report_for(&self, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Report>> {
        self.read(|c| {
            Ok(reports::render(c, id)?
                .filter(|(_, hh)| *hh == viewer.household_id)
                .map(|(r, _)| r))
        })
    }

    fn notice_for(&self, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Notice>> {
        self.read(|c| notices::render_for(c, viewer, id))
    }

    fn consultation_for(
        &self,
        viewer: &Viewer,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Consultation>> {
        self.read(|c| consultations::render_for(c, viewer, id, now))
    }

    fn record_blob(
        &self,
        sha256: &str,
        mime: &str,
        size: i64,
        duration_ms: Option<u32>,
        uploader: &Viewer,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| blobs::record(c, sha256, mime, size, duration_ms, uploader, now))
    }

    fn blob_for(&self, viewer: &Viewer, sha256: &str) -> StoreResult<Option<String>> {
        self.read(|c| blobs::visible_mime(c, viewer, sha256))
    }

    fn publish_notice(
        &self,
        community: Uuid,
        notice: &NewNotice,
        attachments: &[linli_proto::Attachment],
        now: DateTime<Utc>,
    ) -> StoreResult<Uuid> {
        self.write(|c| notices::insert(c, community, notice, attachments, None, now))
    }

    fn retract_notice(&self, community: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|c| notices::retract(c, community, id, now))
    }

    fn notices(&self, community: Uuid) -> StoreResult<Vec<NoticeSummary>> {
        self.read(|c| notices::summaries(c, community))
    }

    fn create_consultation(
        &self,
        community: Uuid,
        c: &NewConsultation,
        now: DateTime<Utc>,
    ) -> StoreResult<Uuid> {
        self.write(|conn| consultations::insert(conn, community, c, now))
    }

    fn close_consultation(&self, community: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|c| {
            let ours = consultations::row(c, id)?.is_some_and(|r| r.community_id == community);
            if ours && consultations::close(c, id, now, now)? {
                Ok(())
            } else {
                Err(ErrorCode::ConsultationNotFound.into())
            }
        })
    }

    fn close_due_consultations(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        if self.read(|c| consultations::due(c, now))?.is_empty() {
            return Ok(0);
        }
        self.write(|c| {
            let due = consultations::due(c, now)?;
            for (id, closes_at) in &due {
                consultations::close(c, *id, *closes_at, now)?;
            }
            Ok(due.len())
        })
    }

    fn consultation_results(
        &self,
        community: Uuid,
        id: Uuid,
    ) -> StoreResult<Option<ConsultationResults>> {
        self.read(|c| {
            if consultations::row(c, id)?.is_none_or(|r| r.community_id != community) {
                return Ok(None);
            }
            consultations::results(c, id)
        })
    }

    fn consultations(&self, community: Uuid) -> StoreResult<Vec<ConsultationResults>> {
        self.read(|c| {
            let mut out = Vec::new();
            for id in consultations::ids(c, community)? {
                if let Some(r) = consultations::results(c, id)? {
                    out.push(r);
                }
            }
            Ok(out)
        })
    }

    fn set_report_status_by(
        &self,
        community: Uuid,
        id: Uuid,
        status: ReportStatus,
        reply: Option<&str>,
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        self.write(|c| {
            // A report of another community answers as an unknown one.
            let st = reports::state(c, id)?
                .filter(|st| st.community_id == community)
                .ok_or(StoreError::Refused(ErrorCode::ReportNotFound))?;
            report_rules::staff_transition(st.status, status, reply)?;
            let mut e =
                reports::Event::new(ReportEventKind::Status, linli_proto::ActorRole::Staff, now);
            e.status = Some(status);
            e.text = reply.filter(|r| !r.trim().is_empty());
            let event_id = reports::add_event(c, id, &e)?;
            staff::attribute_event(c, event_id, by)?;
            reports::log_event(c, community, id, event_id, &e, None, now)?;
            let resolved_at = if status == ReportStatus::Resolved {
                Some(now)
            } else {
                None
            };
            let u = reports::RowUpdate {
                status,
                resolved_at,
                rating: None,
            };
            reports::update(c, id, &st, &u, now)?;
            reports::render(c, id)?
                .map(|(r, _)| r)
                .ok_or(StoreError::Refused(ErrorCode::ReportNotFound))
        })
    }

    fn create_proxy_code(
        &self,
        principal: &Viewer,
        code_hash: &str,
        scopes: &[ProxyScope],
        days: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| {
            proxies::insert_code(
                c,
                principal.resident_id,
                code_hash,
                scopes,
                days,
                now,
                expires_at,
            )
        })
    }

    fn accept_proxy_code(
        &self,
        proxy: &Viewer,
        code_hash: &str,
        proxy_name: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyGrant> {
        self.write(|c| proxies::redeem_code(c, proxy, code_hash, proxy_name, now))
    }

    fn grant_proxy(
        &self,
        community: Uuid,
        g: &OfficeGrant,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyGrant> {
        self.write(|c| {
            // The office grants for its own residents only; another community's answers as unknown.
            if staff::resident_community(c, g.principal)? != Some(community) {
                return Err(ErrorCode::NotFound.into());
            }
            proxies::insert_grant(
                c,
                &proxies::NewGrant {
                    principal: g.principal,
                    proxy: g.proxy,
                    proxy_name: g.proxy_name.as_deref(),
                    scopes: &g.scopes,
                    days: g.days,
                    created_by: GrantParty::Staff,
                },
                now,
            )
        })
    }

    fn proxy_grants_of(&self, resident: Uuid, now: DateTime<Utc>) -> StoreResult<Vec<ProxyGrant>> {
        self.read(|c| proxies::grants_of(c, resident, now))
    }

    fn proxy_grants_seen_by(
        &self,
        who: &Staff,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ProxyGrant>> {
        self.write(|c| staff_views::proxy_grants(c, who, now))
    }

    fn proxy_grant(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ProxyGrant>> {
        self.read(|c| proxies::grant(c, id, now))
    }

    fn end_proxy_grant(
        &self,
        id: Uuid,
        by: GrantParty,
        now: DateTime<Utc>,
    ) -> StoreResult<ProxyGrant> {
        self.write(|c| proxies::end_grant(c, id, by, now))
    }

    fn pull_for(
        &self,
        proxy: &Viewer,
        principal: Uuid,
        cursor: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<FeedPage> {
        self.read(|conn| {
            let (viewer, scopes) = proxies::authorize_pull(conn, proxy, principal, now)?;
            feed_page(conn, &viewer, cursor, limit, now, |k| {
                proxy_may_read(k, &scopes)
            })
        })
    }

    fn add_staff(
        &self,
        community: Uuid,
        name: &str,
        data_officer: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Staff> {
        self.write(|c| {
            if community::community(c, community)?.is_none() {
                return Err(ErrorCode::CommunityNotFound.into());
            }
            staff::insert(c, community, name, data_officer, now)
        })
    }

    fn staff(&self, id: Uuid) -> StoreResult<Option<Staff>> {
        self.read(|c| staff::get(c, id))
    }

    fn staff_list(&self, community: Uuid) -> StoreResult<Vec<Staff>> {
        self.read(|c| staff::list(c, community))
    }

    fn reports_seen_by(
        &self,
        who: &Staff,
        filter: &ReportFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<StaffReport>> {
        self.write(|c| staff_views::reports(c, who, filter, now))
    }

    fn report_seen_by(
        &self,
        who: &Staff,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StaffReport>> {
        self.write(|c| staff_views::report(c, who, id, now))
    }

    fn devices_seen_by(&self, who: &Staff, now: DateTime<Utc>) -> StoreResult<Vec<DeviceInfo>> {
        self.write(|c| staff_views::devices(c, who, now))
    }

    fn access_log(&self, who: &Staff) -> StoreResult<Vec<AccessEntry>> {
        if !who.data_officer {
            return Err(ErrorCode::Forbidden.into());
        }
        self.read(|c| staff::entries(c, who.community_id))
    }

    fn export_for(&self, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<ExportData> {
        self.write(|c| {
            staff::log(
                c,
                &staff::Access {
                    community_id: viewer.community_id,
                    staff: None,
                    action: "export",
                    record_kind: None,
                    record_id: None,
                    resident_id: Some(viewer.resident_id),
                },
                now,
            )?;
            let mut sections = Vec::new();
            for (name, gather) in export::SECTIONS {
                sections.push(((*name).to_owned(), gather(c, viewer)?));
            }
            Ok(ExportData {
                sections,
                photos: export::photos(c, viewer)?,
            })
        })
    }

    fn log_expired_grants(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        if !self.read(|c| proxies::any_expired_unlogged(c, now))? {
            return Ok(0);
        }
        self.write(|c| proxies::log_expired(c, now))
    }

    fn proxy_acts_seen_by(
        &self,
        who: &Staff,
        principal: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ProxyAct>> {
        self.write(|c| staff_views::proxy_acts(c, who, principal, now))
    }

    fn proxy_limits(&self, community: Uuid) -> StoreResult<ProxyLimits> {
        self.read(|c| {
            let (max_proxies, max_principals) = proxies::limits(c, community)?;
            Ok(ProxyLimits {
                max_proxies,
                max_principals,
            })
        })
    }

    fn set_proxy_limits(&self, community: Uuid, l: ProxyLimits) -> StoreResult<()> {
        self.write(|c| proxies::set_limits(c, community, l.max_proxies, l.max_principals))
    }

    fn accept_proxy_code_as_visitor(
        &self,
        code_hash: &str,
        token_hash: &str,
        name: Option<&str>,
        home: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(ProxyGrant, Uuid)> {
        self.write(|c| visitors::accept(c, code_hash, token_hash, name, home, now))
    }

    fn authenticate_visitor(&self, token_hash: &str) -> StoreResult<Option<Viewer>> {
        self.read(|c| visitors::authenticate(c, token_hash))
    }

    fn push_visitor_op(
        &self,
        visitor: &Viewer,
        op: &Op,
        now: DateTime<Utc>,
    ) -> StoreResult<OpOutcome> {
        let mut conn = lock(&self.writer);
        visitors::push(&mut conn, visitor, op, now)
    }

    fn resident_by_id(&self, community: Uuid, id: Uuid) -> StoreResult<Option<Uuid>> {
        self.read(|c| match access::resident_by_id_or_device(c, id)? {
            Some(r) if staff::resident_community(c, r)? == Some(community) => Ok(Some(r)),
            _ => Ok(None),
        })
    }

    fn residents_of_household(&self, household_id: Uuid) -> StoreResult<Vec<Uuid>> {
        self.read(|c| access::residents_of_household(c, household_id))
    }

    fn close_account(&self, viewer: &Viewer, now: DateTime<Utc>) -> StoreResult<ClosedAccount> {
        self.write(|c| closure::close(c, viewer, now))
    }

    fn expire_photos(
        &self,
        resolved_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<String>> {
        self.write(|c| retention::expire_photos(c, resolved_before, now))
    }

    fn log_checkpoint(
        &self,
        log: Uuid,
        signer: &linli_tlog::NoteSigner,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        self.checkpoint(log, signer, now)
    }

    fn log_origin(&self, log: Uuid, signer: &linli_tlog::NoteSigner) -> StoreResult<String> {
        self.read(|c| tlog::origin(c, log, signer))
    }

    fn log_inclusion(
        &self,
        log: Uuid,
        size: u64,
        index: u64,
    ) -> StoreResult<Vec<linli_tlog::Hash>> {
        self.read(|c| tlog::inclusion(c, log, size, index))
    }

    fn log_inclusions(
        &self,
        log: Uuid,
        size: u64,
        indices: &[u64],
    ) -> StoreResult<Vec<Vec<linli_tlog::Hash>>> {
        self.read(|c| tlog::inclusions(c, log, size, indices))
    }

    fn log_leaves_proof(
        &self,
        log: Uuid,
        size: u64,
        indices: &[u64],
    ) -> StoreResult<Vec<linli_tlog::Hash>> {
        self.read(|c| tlog::leaves_proof(c, log, size, indices))
    }

    fn log_consistency(&self, log: Uuid, old: u64, new: u64) -> StoreResult<Vec<linli_tlog::Hash>> {
        self.read(|c| tlog::consistency(c, log, old, new))
    }

    fn log_leaves(&self, log: Uuid, start: u64, end: u64) -> StoreResult<(u64, Vec<Vec<u8>>)> {
        self.read(|c| Ok((tlog::size(c, log)?, tlog::leaves(c, log, start, end)?)))
    }

    fn log_receipts(
        &self,
        log: Uuid,
        indices: &[u64],
    ) -> StoreResult<Vec<Option<linli_proto::LogReceipt>>> {
        if indices.is_empty() {
            return Ok(Vec::new());
        }
        self.read(|c| indices.iter().map(|&i| tlog::receipt(c, log, i)).collect())
    }

    fn log_tallies(&self, log: Uuid) -> StoreResult<Vec<linli_proto::LogReceipt>> {
        self.read(|c| tlog::tallies(c, log))
    }

    fn log_vote_openings(&self, log: Uuid) -> StoreResult<Vec<linli_proto::LogReceipt>> {
        self.read(|c| tlog::vote_openings(c, log))
    }
}
