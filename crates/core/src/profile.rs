//! `Profile`: one resident profile = one data directory (SQLite replica + outbox + photos). The facade the
//! Tauri shell and the CLI use for everything: reading screens, making changes, syncing, events.
use crate::store::{self, settings};
use crate::views::*;
use crate::{keychain, overlay, photos, CoreError};
use chrono::Utc;
use linli_i18n::Lang;
use linli_proto::limits::{ADDRESS_PART_MAX, ADDRESS_TEXT_MAX, COMMENT_MAX, PHOTOS_MAX, TEXT_MAX};
use linli_proto::{ErrorCode, JoinRequest, OpBody, ReportStatus, Satisfaction};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tokio::sync::{broadcast, Notify};
use uuid::Uuid;

pub(crate) struct EngineState {
    pub state: SyncState,
    pub last_error: Option<String>,
    pub last_phases: Option<crate::sync::SyncPhases>,
}

pub struct Profile {
    dir: PathBuf,
    db: Mutex<Connection>,
    lang: RwLock<Lang>,
    token: Mutex<Option<String>>,
    /// The hub client of the last call, kept while hub address, token and language stay the same: building
    /// one costs milliseconds and keeping it keeps its connections alive between syncs.
    client: Mutex<Option<crate::http::HubClient>>,
    pub(crate) events: broadcast::Sender<CoreEvent>,
    /// Woken by every local change and every hub nudge; the sync loop waits on it.
    pub(crate) wake: Notify,
    /// One sync at a time per profile.
    pub(crate) sync_lock: tokio::sync::Mutex<()>,
    pub(crate) engine: Mutex<EngineState>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile").field("dir", &self.dir).finish()
    }
}

const DB_FILE: &str = "linli.db";
const PHOTOS_DIR: &str = "photos";
const ATTACHMENTS_DIR: &str = "attachments";

impl Profile {
    /// Opens the profile in `dir`, creating and migrating its database as needed.
    pub fn open(dir: &Path) -> Result<Arc<Profile>, CoreError> {
        std::fs::create_dir_all(dir)?;
        let conn = store::open(&dir.join(DB_FILE))?;
        let lang = settings::get(&conn, settings::LANGUAGE)?
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default();
        let state = match settings::get(&conn, settings::LAST_SYNC_STATE)?.as_deref() {
            Some("offline") => SyncState::Offline,
            Some("error") => SyncState::Error,
            _ => SyncState::Idle,
        };
        let last_error = settings::get(&conn, settings::LAST_SYNC_ERROR)?;
        let (events, _) = broadcast::channel(256);
        Ok(Arc::new(Profile {
            dir: dir.to_owned(),
            db: Mutex::new(conn),
            lang: RwLock::new(lang),
            token: Mutex::new(None),
            client: Mutex::new(None),
            events,
            wake: Notify::new(),
            sync_lock: tokio::sync::Mutex::new(()),
            engine: Mutex::new(EngineState {
                state,
                last_error,
                last_phases: None,
            }),
        }))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The database connection. A poisoned lock only means another thread panicked mid-read; SQLite's own
    /// transactions keep the data consistent, so carry on.
    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn photos_dir(&self) -> PathBuf {
        self.dir.join(PHOTOS_DIR)
    }

    pub fn is_joined(&self) -> bool {
        matches!(settings::get(&self.db(), settings::DEVICE_ID), Ok(Some(_)))
    }

    pub(crate) fn hub_url(&self) -> Result<String, CoreError> {
        settings::get(&self.db(), settings::HUB_URL)?.ok_or(CoreError::NotJoined)
    }

    pub(crate) fn keychain_user_name(&self) -> Result<String, CoreError> {
        self.keychain_user()
    }

    fn keychain_user(&self) -> Result<String, CoreError> {
        let db = self.db();
        if let Some(u) = settings::get(&db, settings::KEYCHAIN_USER)? {
            return Ok(u);
        }
        let user = format!(
            "profile-{}",
            format_args!("{:032x}", rand::random::<u128>())
        );
        settings::set(&db, settings::KEYCHAIN_USER, &user)?;
        Ok(user)
    }

    /// The device token, read from the keychain once per process.
    pub(crate) fn token(&self) -> Result<String, CoreError> {
        let mut cached = self.token.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = cached.as_ref() {
            return Ok(t.clone());
        }
        if !self.is_joined() {
            return Err(CoreError::NotJoined);
        }
        let user = self.keychain_user()?;
        let token = keychain::load(&user)?.ok_or_else(|| {
            CoreError::Keychain(format!("no token stored for this profile ({user})"))
        })?;
        *cached = Some(token.clone());
        Ok(token)
    }

    pub(crate) fn client(&self) -> Result<crate::http::HubClient, CoreError> {
        let base = crate::http::normalise_url(&self.hub_url()?)?;
        let token = self.token()?;
        let lang = self.language();
        let mut kept = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = kept
            .as_ref()
            .filter(|c| c.is_for(&base, Some(&token), lang))
        {
            return Ok(c.clone());
        }
        let client = crate::http::HubClient::new(&base, Some(token), lang)?;
        *kept = Some(client.clone());
        Ok(client)
    }

    /// Reads the token from the keychain and builds the hub client now, so the next call to the hub doesn't
    /// wait for either (the CLI's `sync --json` times the sync alone, as a running app would wait for it).
    pub fn connect(&self) -> Result<(), CoreError> {
        self.client().map(|_| ())
    }

    /// Redeems an invitation code: stores the token in the keychain and the community in the replica.
    pub async fn join(
        &self,
        hub_url: &str,
        code: &str,
        device_name: Option<String>,
    ) -> Result<JoinInfo, CoreError> {
        self.join_checked(hub_url, code, device_name, None).await
    }

    /// [`Profile::join`], checking the hub's witnesses against the fingerprint printed on the
    /// invitation slip (`witnesses`, see [`linli_tlog::WitnessPolicy::fingerprint`]): a hub that
    /// names other witnesses than the office handed out is not joined.
    pub async fn join_checked(
        &self,
        hub_url: &str,
        code: &str,
        device_name: Option<String>,
        witnesses: Option<&str>,
    ) -> Result<JoinInfo, CoreError> {
        if self.is_joined() {
            return Err(CoreError::AlreadyJoined);
        }
        // No join without the resident's agreement to the current privacy notice (the hub checks too).
        let privacy_version = self.require_privacy_consent()?;
        let user = self.keychain_user()?;
        // Before spending the one-time code: make sure the token will have somewhere to live.
        keychain::check_reachable(&user)?;
        let client = crate::http::HubClient::new(hub_url, None, self.language())?;
        let resp = client
            .join(&JoinRequest {
                code: code.trim().to_owned(),
                device_name: device_name.or_else(|| Some(default_device_name())),
                privacy_version: Some(privacy_version),
            })
            .await?;
        let policy =
            crate::transparency::witnesses_to_pin(resp.witness_policy.as_deref(), witnesses)?;
        keychain::store(&user, &resp.token)?;
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(resp.token.clone());
        {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            settings::set(&tx, settings::HUB_URL, client.base())?;
            settings::set(&tx, settings::RESIDENT_ID, &resp.resident_id.to_string())?;
            settings::set(&tx, settings::DEVICE_ID, &resp.device_id.to_string())?;
            settings::set(&tx, settings::CURSOR, "0")?;
            settings::set(&tx, settings::NEXT_SEQ, "1")?;
            store::community::put_community(&tx, &resp.community)?;
            store::community::put_household(&tx, &resp.household)?;
            // Pinned: every checkpoint this device accepts from now on must be signed by this key.
            if let Some(key) = &resp.log_key {
                settings::set(&tx, settings::LOG_KEY, key)?;
            }
            if let Some(origin) = &resp.log_origin {
                settings::set(&tx, settings::LOG_ORIGIN, origin)?;
            }
            // Pinned too: from now on a checkpoint counts only with the cosignatures this asks for.
            if let Some(policy) = &policy {
                settings::set(&tx, settings::WITNESS_POLICY, &policy.to_text())?;
            }
            tx.commit()?;
        }
        self.emit(CoreEvent::DataChanged);
        self.emit_status();
        // A sync loop started before joining starts working now.
        self.wake.notify_one();
        Ok(JoinInfo {
            resident_id: resp.resident_id,
            device_id: resp.device_id,
            community: resp.community,
            household: resp.household,
            log_key: resp.log_key,
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, e: CoreEvent) {
        // No receiver is fine: nobody is listening.
        let _ = self.events.send(e);
    }

    pub(crate) fn emit_status(&self) {
        if let Ok(s) = self.status() {
            self.emit(CoreEvent::Status(s));
        }
    }

    pub fn status(&self) -> Result<SyncStatus, CoreError> {
        let db = self.db();
        let pending = store::outbox::pending_count(&db)?;
        let last_synced_at = settings::get(&db, settings::LAST_SYNCED_AT)?
            .map(|s| store::parse_ts(&s))
            .transpose()?;
        let joined = settings::get(&db, settings::DEVICE_ID)?.is_some();
        drop(db);
        let engine = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        Ok(SyncStatus {
            state: engine.state,
            pending,
            last_synced_at,
            last_error: engine.last_error.clone(),
            joined,
        })
    }

    pub fn language(&self) -> Lang {
        *self.lang.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_language(&self, lang: Lang) -> Result<(), CoreError> {
        settings::set(&self.db(), settings::LANGUAGE, lang.tag())?;
        *self.lang.write().unwrap_or_else(|p| p.into_inner()) = lang;
        self.emit(CoreEvent::DataChanged);
        Ok(())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, CoreError> {
        settings::get_ui(&self.db(), key)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), CoreError> {
        settings::set_ui(&self.db(), key, value)
    }

    // ---- reading

    pub fn home(&self) -> Result<HomeSummary, CoreError> {
        let now = Utc::now();
        let lang = self.language();
        let db = self.db();
        let urgent_notices = store::notices::list(&db)?
            .into_iter()
            .filter(|n| {
                n.notice.urgency == linli_proto::Urgency::Urgent
                    && !store::notices::expired(&n.notice, now)
            })
            .map(overlay::notice_view)
            .collect::<Vec<_>>();
        let mut urgent_notices = urgent_notices;
        urgent_notices.sort_by_key(|n| n.read);
        let reports = overlay::reports(&db, lang, None)?;
        let open_reports = reports
            .iter()
            .filter(|r| {
                matches!(
                    r.status,
                    ReportStatus::Submitted | ReportStatus::Accepted | ReportStatus::InProgress
                )
            })
            .count() as i64;
        Ok(HomeSummary {
            community: store::community::community(&db)?,
            household: store::community::household(&db)?,
            unread_notices: store::notices::unread_count(&db)?,
            urgent_notices,
            open_consultations: overlay::consultations(&db, None)?
                .into_iter()
                .filter(|c| c.status == ConsultationStatus::Open)
                .collect(),
            reports_awaiting: reports.into_iter().filter(|r| r.can_rate).collect(),
            open_reports,
            pending: store::outbox::pending_count(&db)?,
        })
    }

    pub fn community(&self) -> Result<Option<linli_proto::Community>, CoreError> {
        store::community::community(&self.db())
    }

    pub fn household(&self) -> Result<Option<linli_proto::Household>, CoreError> {
        store::community::household(&self.db())
    }

    pub fn categories(&self) -> Result<Vec<CategoryView>, CoreError> {
        overlay::categories(&self.db(), self.language(), None)
    }

    pub fn address_book(&self) -> Result<Vec<linli_proto::Building>, CoreError> {
        store::community::buildings(&self.db())
    }

    pub fn notices(&self) -> Result<Vec<NoticeView>, CoreError> {
        Ok(store::notices::list(&self.db())?
            .into_iter()
            .map(overlay::notice_view)
            .collect())
    }

    pub fn notice(&self, id: Uuid) -> Result<NoticeView, CoreError> {
        store::notices::get(&self.db(), id)?
            .map(overlay::notice_view)
            .ok_or(CoreError::Refused(ErrorCode::NoticeNotFound))
    }

    pub fn reports(&self) -> Result<Vec<ReportView>, CoreError> {
        overlay::reports(&self.db(), self.language(), None)
    }

    pub fn report(&self, id: Uuid) -> Result<ReportView, CoreError> {
        overlay::report(&self.db(), self.language(), id, None)?
            .ok_or(CoreError::Refused(ErrorCode::ReportNotFound))
    }

    pub fn consultations(&self) -> Result<Vec<ConsultationView>, CoreError> {
        overlay::consultations(&self.db(), None)
    }

    pub fn consultation(&self, id: Uuid) -> Result<ConsultationView, CoreError> {
        overlay::consultation(&self.db(), id, None)?
            .ok_or(CoreError::Refused(ErrorCode::ConsultationNotFound))
    }

    pub fn messages(&self) -> Result<Vec<ResidentMessage>, CoreError> {
        let lang = self.language();
        let me = settings::get(&self.db(), settings::RESIDENT_ID)?
            .and_then(|s| Uuid::parse_str(&s).ok());
        let db = self.db();
        store::messages::list(&db)?
            .into_iter()
            .map(|m| crate::proxy::render_message(&db, lang, me, m))
            .collect()
    }

    pub fn dismiss_message(&self, id: i64) -> Result<(), CoreError> {
        if store::messages::dismiss(&self.db(), id)? {
            self.emit(CoreEvent::DataChanged);
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// A stored photo (or its thumbnail); fetched from the hub and kept when this device does not have it.
    pub fn photo_bytes(&self, sha256: &str, thumbnail: bool) -> Result<Vec<u8>, CoreError> {
        let path = photos::path_of(&self.photos_dir(), sha256, thumbnail)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Fetches a photo this device does not hold (e.g. one taken on another device of the household).
    /// The sync engine does this by itself after each pull; the UI may call it for one photo at once.
    pub async fn fetch_photo(&self, sha256: &str) -> Result<(), CoreError> {
        self.fetch_photo_with(&self.client()?, sha256).await
    }

    pub(crate) async fn fetch_photo_with(
        &self,
        client: &crate::http::HubClient,
        sha256: &str,
    ) -> Result<(), CoreError> {
        if photos::path_of(&self.photos_dir(), sha256, false)?.exists() {
            return Ok(());
        }
        let bytes = client.get_blob(sha256).await?;
        photos::save_downloaded(&self.photos_dir(), sha256, &bytes)
    }

    /// A notice attachment's bytes: from this device when it was opened before, else from the hub (then kept).
    pub async fn attachment_bytes(&self, sha256: &str) -> Result<Vec<u8>, CoreError> {
        let dir = self.dir.join(ATTACHMENTS_DIR);
        if let Some(bytes) = crate::attachments::cached(&dir, sha256)? {
            return Ok(bytes);
        }
        let bytes = self.client()?.get_blob(sha256).await?;
        crate::attachments::store(&dir, sha256, &bytes)?;
        Ok(bytes)
    }

    /// Photos of replica reports that this device does not hold yet.
    pub(crate) fn missing_photos(&self) -> Result<Vec<String>, CoreError> {
        let dir = self.photos_dir();
        let mut out = Vec::new();
        for sha in store::reports::photo_hashes(&self.db())? {
            if !photos::path_of(&dir, &sha, false)?.exists() {
                out.push(sha);
            }
        }
        Ok(out)
    }

    // ---- changing (each queued in one transaction with its effect; works offline)

    fn queue(&self, body: OpBody) -> Result<linli_proto::Op, CoreError> {
        self.queue_as(body, None)
    }

    /// Queues an op as the resident's own, or as `acting_for`'s proxy.
    fn queue_as(
        &self,
        body: OpBody,
        acting_for: Option<Uuid>,
    ) -> Result<linli_proto::Op, CoreError> {
        if !self.is_joined() {
            return Err(CoreError::NotJoined);
        }
        let op = {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let op = self.queue_in(&tx, body, acting_for)?;
            tx.commit()?;
            op
        };
        self.local_change();
        Ok(op)
    }

    pub(crate) fn local_change(&self) {
        self.wake.notify_one();
        self.emit(CoreEvent::DataChanged);
        self.emit_status();
    }

    pub fn mark_notice_read(&self, id: Uuid) -> Result<(), CoreError> {
        let n = self.notice(id)?;
        if n.read {
            return Ok(());
        }
        self.queue(OpBody::MarkNoticeRead { notice_id: id })?;
        Ok(())
    }

    /// Checks the report, processes its photos (≤1600 px, metadata stripped) and queues it; returns its id.
    pub fn new_report(&self, r: NewReport) -> Result<Uuid, CoreError> {
        self.new_report_as(r, None)
    }

    /// [`Profile::new_report`], or, with `acting_for`, a report for that resident as their proxy (checked
    /// against the principal's categories and address book).
    pub fn new_report_as(&self, r: NewReport, acting_for: Option<Uuid>) -> Result<Uuid, CoreError> {
        if !self.is_joined() {
            return Err(CoreError::NotJoined);
        }
        self.check_acting(acting_for, linli_proto::ProxyScope::Report)?;
        let text = r.text.trim().to_owned();
        require_text(&text, TEXT_MAX)?;
        let known = match acting_for {
            None => store::community::category_exists(&self.db(), &r.category)?,
            Some(p) => store::proxy::categories(&self.db(), p)?
                .iter()
                .any(|c| c.key == r.category),
        };
        if !known {
            return Err(CoreError::Refused(ErrorCode::UnknownCategory));
        }
        let address = clean_address(r.address)?;
        let book = match acting_for {
            None => store::community::buildings(&self.db())?,
            Some(p) => store::proxy::buildings(&self.db(), p)?,
        };
        if !book.is_empty() && !address_in_book(&address, &book) {
            return Err(CoreError::Refused(ErrorCode::UnknownAddress));
        }
        // Another community's hub takes no photos from visitors.
        if !r.photos.is_empty() {
            if let Some(p) = acting_for {
                if crate::proxy::remote_for(&self.db(), p)?.is_some() {
                    return Err(CoreError::Refused(ErrorCode::Forbidden));
                }
            }
        }
        if r.photos.len() > PHOTOS_MAX {
            return Err(CoreError::Refused(ErrorCode::TooManyPhotos));
        }
        // Every photo is checked and processed before anything is queued.
        let processed = r
            .photos
            .iter()
            .map(|p| photos::process(p))
            .collect::<Result<Vec<_>, _>>()?;
        for p in &processed {
            photos::save(&self.photos_dir(), p)?;
        }
        let report_id = Uuid::now_v7();
        {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for p in &processed {
                store::photos::insert(&tx, &p.sha256, p.jpeg.len())?;
            }
            self.queue_in(
                &tx,
                OpBody::CreateReport {
                    voice: None,
                    report_id,
                    category: r.category,
                    text,
                    address,
                    location: r.location,
                    photos: processed.iter().map(|p| p.sha256.clone()).collect(),
                },
                acting_for,
            )?;
            tx.commit()?;
        }
        self.local_change();
        Ok(report_id)
    }

    pub fn comment_report(&self, id: Uuid, text: &str) -> Result<(), CoreError> {
        self.comment_report_as(id, text, None)
    }

    pub fn comment_report_as(
        &self,
        id: Uuid,
        text: &str,
        acting_for: Option<Uuid>,
    ) -> Result<(), CoreError> {
        let text = text.trim();
        require_text(text, COMMENT_MAX)?;
        if self.report_as(id, acting_for)?.status == ReportStatus::Withdrawn {
            return Err(CoreError::Refused(ErrorCode::InvalidTransition));
        }
        self.queue_as(
            OpBody::CommentReport {
                voice: None,
                report_id: id,
                text: text.to_owned(),
            },
            acting_for,
        )?;
        Ok(())
    }

    pub fn withdraw_report(&self, id: Uuid) -> Result<(), CoreError> {
        self.withdraw_report_as(id, None)
    }

    pub fn withdraw_report_as(&self, id: Uuid, acting_for: Option<Uuid>) -> Result<(), CoreError> {
        if !self.report_as(id, acting_for)?.can_withdraw {
            return Err(CoreError::Refused(ErrorCode::ReportNotWithdrawable));
        }
        self.queue_as(OpBody::WithdrawReport { report_id: id }, acting_for)?;
        Ok(())
    }

    pub fn rate_report(
        &self,
        id: Uuid,
        s: Satisfaction,
        comment: Option<String>,
    ) -> Result<(), CoreError> {
        self.rate_report_as(id, s, comment, None)
    }

    pub fn rate_report_as(
        &self,
        id: Uuid,
        s: Satisfaction,
        comment: Option<String>,
        acting_for: Option<Uuid>,
    ) -> Result<(), CoreError> {
        let comment = comment
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(c) = &comment {
            require_text(c, COMMENT_MAX)?;
        }
        if self.report_as(id, acting_for)?.status != ReportStatus::Resolved {
            return Err(CoreError::Refused(ErrorCode::ReportNotRatable));
        }
        self.queue_as(
            OpBody::RateReport {
                report_id: id,
                satisfaction: s,
                comment,
            },
            acting_for,
        )?;
        Ok(())
    }

    pub fn reopen_report(&self, id: Uuid, reason: Option<String>) -> Result<(), CoreError> {
        self.reopen_report_as(id, reason, None)
    }

    pub fn reopen_report_as(
        &self,
        id: Uuid,
        reason: Option<String>,
        acting_for: Option<Uuid>,
    ) -> Result<(), CoreError> {
        let reason = reason
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(c) = &reason {
            require_text(c, COMMENT_MAX)?;
        }
        if !self.report_as(id, acting_for)?.can_reopen {
            return Err(CoreError::Refused(ErrorCode::ReportNotReopenable));
        }
        self.queue_as(
            OpBody::ReopenReport {
                report_id: id,
                reason,
            },
            acting_for,
        )?;
        Ok(())
    }

    pub fn vote(&self, consultation: Uuid, options: Vec<Uuid>) -> Result<(), CoreError> {
        self.vote_as(consultation, options, None)
    }

    /// [`Profile::vote`], or, with `acting_for`, a vote for that resident as their proxy. It counts as their
    /// one vote unless they vote themselves, which always wins on the hub.
    pub fn vote_as(
        &self,
        consultation: Uuid,
        options: Vec<Uuid>,
        acting_for: Option<Uuid>,
    ) -> Result<(), CoreError> {
        let c = self.consultation_as(consultation, acting_for)?;
        match c.status {
            ConsultationStatus::Closed => {
                return Err(CoreError::Refused(ErrorCode::ConsultationClosed))
            }
            ConsultationStatus::Upcoming => {
                return Err(CoreError::Refused(ErrorCode::ConsultationNotOpen))
            }
            ConsultationStatus::Open => {}
        }
        let mut unique = options.clone();
        unique.sort();
        unique.dedup();
        if options.is_empty()
            || unique.len() != options.len()
            || options.len() > c.max_choices.max(1) as usize
            || !options.iter().all(|o| c.options.iter().any(|x| x.id == *o))
        {
            return Err(CoreError::Refused(ErrorCode::InvalidChoice));
        }
        self.queue_as(
            OpBody::CastVote {
                consultation_id: consultation,
                option_ids: options,
            },
            acting_for,
        )?;
        Ok(())
    }

    /// Forgets the token (keychain) and all community data of this profile; keeps the language.
    pub fn sign_out(&self) -> Result<(), CoreError> {
        let user = self.keychain_user()?;
        keychain::forget(&user)?;
        for r in store::remote::all(&self.db())? {
            keychain::forget(&r.keychain_user)?;
        }
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
        *self.client.lock().unwrap_or_else(|p| p.into_inner()) = None;
        {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::community::clear(&tx)?;
            store::notices::clear(&tx)?;
            store::consultations::clear(&tx)?;
            store::reports::clear(&tx)?;
            store::outbox::clear(&tx)?;
            store::photos::clear(&tx)?;
            store::messages::clear(&tx)?;
            store::receipts::clear(&tx)?;
            store::proxy::clear(&tx)?;
            store::remote::clear(&tx)?;
            settings::clear_membership(&tx)?;
            tx.commit()?;
        }
        for dir in [self.photos_dir(), self.dir.join(ATTACHMENTS_DIR)] {
            match std::fs::remove_dir_all(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.emit(CoreEvent::DataChanged);
        self.emit_status();
        Ok(())
    }
}

fn default_device_name() -> String {
    format!("Linli on {}", std::env::consts::OS)
}

fn require_text(text: &str, max: usize) -> Result<(), CoreError> {
    if text.is_empty() {
        return Err(CoreError::Refused(ErrorCode::FieldRequired));
    }
    let len = text.chars().count();
    if len > max {
        return Err(CoreError::TextTooLong { max, len });
    }
    Ok(())
}

fn clean_address(a: linli_proto::Address) -> Result<linli_proto::Address, CoreError> {
    let part = |p: Option<String>, max: usize| -> Result<Option<String>, CoreError> {
        let p = p.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let len = p.as_ref().map_or(0, |s| s.chars().count());
        if len > max {
            return Err(CoreError::TextTooLong { max, len });
        }
        Ok(p)
    };
    Ok(linli_proto::Address {
        building: part(a.building, ADDRESS_PART_MAX)?,
        unit: part(a.unit, ADDRESS_PART_MAX)?,
        room: part(a.room, ADDRESS_PART_MAX)?,
        text: part(a.text, ADDRESS_TEXT_MAX)?,
    })
}

/// The hub's rule, checked before queueing: a unit or room only with a building, and the building / unit /
/// room must name a household in the address book.
fn address_in_book(a: &linli_proto::Address, book: &[linli_proto::Building]) -> bool {
    let Some(building) = a.building.as_deref() else {
        return a.unit.is_none() && a.room.is_none();
    };
    book.iter().filter(|b| b.name == building).any(|b| {
        b.units.iter().any(|u| {
            a.unit.as_deref().is_none_or(|name| u.name == name)
                && match a.room.as_deref() {
                    Some(room) => u.rooms.iter().any(|r| r == room),
                    None => !u.rooms.is_empty(),
                }
        })
    })
}
