//! Syncing with other communities' hubs where this resident acts for someone as a visitor (亲友代办 across
//! communities): for each visitor credential, refresh its grants, push the ops queued for its principals in
//! the visitor's order, then pull each active principal's feed. A hub that can't be reached is skipped (its
//! ops stay queued); the resident's own sync is not held up by it.
use super::pull;
use crate::http::HubClient;
use crate::store::{self, remote::Remote};
use crate::views::{CoreEvent, SyncOutcome};
use crate::{keychain, CoreError, Profile};
use linli_proto::limits::PUSH_BATCH_MAX;
use linli_proto::{GrantStatus, OpStatus, PushRequest};

pub(super) async fn sync_remotes(
    profile: &Profile,
    outcome: &mut SyncOutcome,
) -> Result<(), CoreError> {
    let remotes = store::remote::all(&profile.db())?;
    for r in remotes {
        match sync_one(profile, &r, outcome).await {
            Ok(()) => {}
            Err(e) if e.is_offline() => {
                tracing::warn!(hub = %r.hub_url, "another community's hub can't be reached; retrying later");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub(crate) fn client_for(profile: &Profile, r: &Remote) -> Result<HubClient, CoreError> {
    let token = keychain::load(&r.keychain_user)?.ok_or_else(|| {
        CoreError::Keychain(format!("no visitor token stored ({})", r.keychain_user))
    })?;
    HubClient::new(&r.hub_url, Some(token), profile.language())
}

async fn sync_one(
    profile: &Profile,
    r: &Remote,
    outcome: &mut SyncOutcome,
) -> Result<(), CoreError> {
    let client = client_for(profile, r)?;
    let grants = client.visitor_grants().await?;
    {
        let db = profile.db();
        for g in &grants.grants {
            store::proxy::put_grant(&db, g)?;
        }
    }
    push(profile, &client, r, outcome).await?;
    let now = chrono::Utc::now();
    let mut principals: Vec<uuid::Uuid> = grants
        .grants
        .iter()
        .filter(|g| g.status == GrantStatus::Active && now < g.expires_at)
        .map(|g| g.principal)
        .collect();
    principals.sort();
    principals.dedup();
    for p in principals {
        pull::pull_for(profile, &client, p, true, outcome).await?;
    }
    store::remote::forget_applied(&profile.db(), r.visitor_id)?;
    Ok(())
}

async fn push(
    profile: &Profile,
    client: &HubClient,
    r: &Remote,
    outcome: &mut SyncOutcome,
) -> Result<(), CoreError> {
    loop {
        let batch = store::remote::pending(&profile.db(), r.visitor_id, PUSH_BATCH_MAX)?;
        if batch.is_empty() {
            return Ok(());
        }
        let resp = client
            .visitor_push(&PushRequest { ops: batch.clone() })
            .await?;
        let lang = profile.language();
        let mut rejected = Vec::new();
        let mut progressed = 0;
        {
            let mut db = profile.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for result in &resp.results {
                let Some(op) = batch.iter().find(|o| o.id == result.op_id) else {
                    continue;
                };
                let op_id = op.id.to_string();
                match result.status {
                    OpStatus::Applied => {
                        store::remote::mark_applied(&tx, &op_id, result.version)?;
                        outcome.applied += 1;
                        progressed += 1;
                    }
                    OpStatus::Rejected => {
                        store::remote::remove(&tx, &op_id)?;
                        rejected.push(super::push::keep_refusal(&tx, op, result, lang)?);
                        outcome.rejected += 1;
                        progressed += 1;
                    }
                    OpStatus::Deferred => outcome.deferred += 1,
                }
            }
            tx.commit()?;
        }
        for message in rejected {
            profile.emit(CoreEvent::OpRejected { message });
        }
        if progressed > 0 {
            profile.emit(CoreEvent::DataChanged);
        }
        if progressed < batch.len() {
            return Ok(());
        }
    }
}
