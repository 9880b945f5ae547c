//! Meeting a hub restored from a backup. The hub answered `hub_restored`: its database is not the one
//! this device last pulled from, and it lacks whatever happened between its backup and its loss. In one
//! transaction the device then
//!
//! - makes every op it kept pending again (the hub answers those it has with their stored result, by op
//!   id, and applies the others; the first new one may skip over ops the device no longer keeps), and
//!   marks its photos as not uploaded, so a re-sent report's photos go again;
//! - forgets its replica and cursors, so the next pull reads the restored hub's state from the start
//!   (no notification rings for records read again);
//! - accepts the shorter transparency log only through the restore statement the hub signed with the
//!   key this device pinned: it drops the receipts of leaves beyond the restored size (what it re-sends
//!   gets fresh ones), and the next checkpoint must extend the restored one ([`settings::LOG_RESTORE_FLOOR`]);
//! - keeps one message for the resident naming the restore and, when it had seen more of the log, the
//!   part that is gone.
//!
//! Without a valid statement nothing about the log is relaxed: the next check reports the rollback.
use crate::http::HubClient;
use crate::store::{self, settings};
use crate::{CoreError, Profile};
use linli_tlog::{Checkpoint, NoteVerifier};

/// The kind of the resident's message about a restore.
pub const MESSAGE_KIND: &str = "hub_restored";

impl Profile {
    pub(super) async fn meet_restored_hub(&self, client: &HubClient) -> Result<(), CoreError> {
        let statement = self.restore_statement(client).await?;
        let old_incarnation = settings::get(&self.db(), settings::HUB_INCARNATION)?;
        let (resent, gap) = {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let resent = store::outbox::resend_kept(&tx)?;
            store::photos::mark_all_not_uploaded(&tx)?;
            store::reports::clear(&tx)?;
            store::notices::clear(&tx)?;
            store::consultations::clear(&tx)?;
            store::proxy::clear(&tx)?;
            settings::remove(&tx, settings::CURSOR)?;
            settings::remove(&tx, settings::HUB_INCARNATION)?;
            let mut gap = String::new();
            if let Some(restored) = &statement {
                let seen = settings::get(&tx, settings::LOG_CHECKPOINT)?
                    .and_then(|n| Checkpoint::from_note_unverified(&n))
                    .map_or(0, |c| c.size);
                store::receipts::forget_from(&tx, restored.size)?;
                settings::remove(&tx, settings::LOG_CHECKPOINT)?;
                settings::remove(&tx, settings::LOG_FAILURE)?;
                settings::set(&tx, settings::LOG_RESTORE_FLOOR, &restored.to_text())?;
                if seen > restored.size {
                    gap = format!("{} {seen}", restored.size);
                }
            }
            store::messages::insert(&tx, MESSAGE_KIND, &gap, MESSAGE_KIND, None)?;
            tx.commit()?;
            (resent, gap)
        };
        tracing::info!(
            resent,
            gap = %gap,
            old = old_incarnation.as_deref().unwrap_or("-"),
            announced = statement.is_some(),
            "the hub was restored from a backup"
        );
        self.emit(crate::views::CoreEvent::DataChanged);
        Ok(())
    }

    /// The newest restore statement signed by the pinned log key (or a key it rotated to) about an
    /// incarnation other than the one this device knew; `None` when the log is not pinned or the hub
    /// announced nothing.
    async fn restore_statement(
        &self,
        client: &HubClient,
    ) -> Result<Option<linli_tlog::Checkpoint>, CoreError> {
        let (vkey, known) = {
            let db = self.db();
            (
                settings::get(&db, settings::LOG_KEY)?,
                settings::get(&db, settings::HUB_INCARNATION)?,
            )
        };
        let Some(pinned) = vkey.and_then(|k| NoteVerifier::from_vkey(&k).ok()) else {
            return Ok(None);
        };
        let rotations = client.log_key_rotations().await?;
        let keys = linli_tlog::rotation_chain(&pinned, &rotations);
        let statements = client.log_restores().await?;
        Ok(statements
            .iter()
            .rev()
            .flat_map(|s| {
                keys.iter()
                    .filter_map(move |k| linli_tlog::open_restore(k, s))
            })
            .find(|r| known.as_deref() != Some(r.incarnation.as_str()))
            .map(|r| r.checkpoint))
    }
}

/// The restored checkpoint a device that met a restore holds its next checkpoint to.
pub(crate) fn floor(text: &str) -> Option<Checkpoint> {
    Checkpoint::parse(text).ok()
}

/// The message's text: the restore, and the part of the log this device had seen that is gone.
pub fn message_text(lang: linli_i18n::Lang, gap: Option<&str>) -> String {
    match gap.and_then(|g| g.split_once(' ')) {
        Some((from, to)) => linli_i18n::message_args(
            lang,
            "core-hub-restored-gap",
            &[
                ("from", from.to_owned().into()),
                ("to", to.to_owned().into()),
            ],
        ),
        None => linli_i18n::message(lang, "core-hub-restored-text"),
    }
}
