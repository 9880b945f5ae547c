//! The resident's personal-information rights on the device: agreeing to the privacy notice before
//! joining (and again when its version changes), the copy of their data from the hub, and closing the
//! account, which also wipes this device's database, photos and keychain entry.
use std::path::Path;

use chrono::Utc;
use linli_proto::{ErrorCode, PRIVACY_NOTICE_VERSION};

use crate::store::{self, settings};
use crate::views::{ClosedView, CoreEvent, PrivacyStatus};
use crate::{CoreError, Profile};

/// The privacy notice's sections in reading order: `privacy-<id>-title` and `privacy-<id>` in
/// `locales/*/privacy.ftl` (the app's settings screen lists the same ids).
pub const NOTICE_SECTIONS: [&str; 7] = [
    "collected",
    "why",
    "staff",
    "device",
    "rights",
    "closure",
    "retention",
];

/// The export's file name, e.g. `linli-export-20261129-0930.zip` (local time: what the resident sees).
pub fn export_file_name(now: chrono::DateTime<chrono::Local>) -> String {
    format!("linli-export-{}.zip", now.format("%Y%m%d-%H%M%S"))
}

/// Files of the profile's database (SQLite in WAL mode keeps two beside it).
const DB_FILES: [&str; 3] = ["linli.db", "linli.db-wal", "linli.db-shm"];

impl Profile {
    /// Where this device stands with the current privacy notice.
    pub fn privacy_status(&self) -> Result<PrivacyStatus, CoreError> {
        let db = self.db();
        let agreed_version = settings::get_i64(&db, settings::PRIVACY_VERSION)?.map(|v| v as u32);
        let agreed_at = settings::get(&db, settings::PRIVACY_AGREED_AT)?
            .map(|s| store::parse_ts(&s))
            .transpose()?;
        Ok(PrivacyStatus {
            current_version: PRIVACY_NOTICE_VERSION,
            agreed_version,
            agreed_at,
            must_ask: agreed_version.is_none_or(|v| v < PRIVACY_NOTICE_VERSION),
        })
    }

    /// Records the resident's agreement to notice `version`, which must be the current one (a screen
    /// showing an older notice can't record agreement to the new one).
    pub fn accept_privacy(&self, version: u32) -> Result<PrivacyStatus, CoreError> {
        if version != PRIVACY_NOTICE_VERSION {
            return Err(CoreError::Refused(ErrorCode::PrivacyConsentRequired));
        }
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            settings::set(&tx, settings::PRIVACY_VERSION, &version.to_string())?;
            settings::set(&tx, settings::PRIVACY_AGREED_AT, &store::ts(Utc::now()))?;
            tx.commit()?;
        }
        self.emit(CoreEvent::DataChanged);
        self.privacy_status()
    }

    /// Refuses with `privacy_consent_required` unless the current notice was agreed to.
    pub(crate) fn require_privacy_consent(&self) -> Result<u32, CoreError> {
        let status = self.privacy_status()?;
        match status.agreed_version {
            Some(v) if !status.must_ask => Ok(v),
            _ => Err(CoreError::Refused(ErrorCode::PrivacyConsentRequired)),
        }
    }

    /// Downloads the copy of this resident's data (a zip of JSON and photos) to `path`; returns its size.
    pub async fn export_my_data(&self, path: &Path) -> Result<u64, CoreError> {
        let bytes = self.client()?.export().await?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // Written beside the target first, so a failed write never leaves half a zip under its name.
        let tmp = path.with_extension("zip.part");
        std::fs::write(&tmp, &bytes)?;
        std::fs::rename(&tmp, path)?;
        Ok(bytes.len() as u64)
    }

    /// Closes the account: the hub deletes or anonymises the resident's data and switches off their
    /// devices; then this device forgets everything ([`Profile::wipe_local`]). Needs the hub: offline
    /// it fails and nothing is wiped.
    pub async fn close_account(&self) -> Result<ClosedView, CoreError> {
        let done = self.client()?.close_account().await?;
        self.wipe_local()?;
        Ok(ClosedView {
            reports_anonymised: done.reports_anonymised,
            photos_deleted: done.photos_deleted,
            devices_revoked: done.devices_revoked,
        })
    }

    /// Deletes the keychain entry, the database files, photos and attachments, then carries on with a
    /// new empty database (only the language and display settings are carried over), as on first launch.
    pub fn wipe_local(&self) -> Result<(), CoreError> {
        let lang = self.language();
        let display: Vec<(String, String)> = {
            let db = self.db();
            let mut stmt = db.prepare("SELECT key, value FROM ui_settings")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        // Forgets the token (keychain and memory), the replica, outbox, photos and attachments.
        self.sign_out()?;
        {
            let mut db = self.db();
            // Close the file before deleting it.
            *db = rusqlite::Connection::open_in_memory()?;
            for name in DB_FILES {
                match std::fs::remove_file(self.dir().join(name)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let fresh = store::open(&self.dir().join(DB_FILES[0]))?;
            settings::set(&fresh, settings::LANGUAGE, lang.tag())?;
            for (k, v) in &display {
                settings::set_ui(&fresh, k, v)?;
            }
            *db = fresh;
        }
        self.emit(CoreEvent::DataChanged);
        self.emit_status();
        Ok(())
    }
}
