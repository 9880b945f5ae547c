//! The witnesses of a community's log, as the office names them: the supervision committee (居务监督委员会),
//! the owners' committee, the street office — each runs `linli-witness` on its own machine and hands the
//! office its public key and address. Devices pin the witnesses and the quorum when they join
//! ([`policy`]), so the office sets them before it hands out invitation codes; see the hub's README.
use chrono::Utc;
use linli_i18n::{message, message_args, Lang};
use linli_proto::Urgency;
use linli_tlog::{CosignatureVerifier, WitnessPolicy};
use uuid::Uuid;

use crate::store::NewNotice;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::witnesses::{WitnessRow, WitnessSet};

/// Adds a witness by its key (C2SP cosignature/v1 verifier key, as `linli-witness init` printed it)
/// and the base URL of its `add-checkpoint` endpoint, or replaces the key and address of the witness
/// of the same name. The first witness makes the quorum 1.
pub fn add(hub: &Hub, community: Uuid, vkey: &str, url: &str) -> Result<WitnessRow, HubError> {
    let verifier = CosignatureVerifier::from_vkey(vkey.trim())
        .map_err(|e| HubError::Witness(format!("the witness key: {e}")))?;
    let url = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| HubError::Witness(format!("the witness address {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(HubError::Witness(format!(
            "the witness address {url:?} must be an http:// or https:// URL"
        )));
    }
    if hub.store().community(community)?.is_none() {
        return Err(linli_proto::ErrorCode::CommunityNotFound.into());
    }
    let row = WitnessRow {
        name: verifier.name().to_owned(),
        vkey: verifier.to_vkey(),
        url: url.to_owned(),
        added_at: Utc::now(),
    };
    let before = policy(hub, community)?;
    hub.store().put_witness(community, &row)?;
    if hub.store().witnesses(community)?.quorum.is_none() {
        hub.store().set_witness_quorum(community, 1)?;
    }
    announce(hub, community, before)?;
    Ok(row)
}

/// Removes the witness of that name.
pub fn remove(hub: &Hub, community: Uuid, name: &str) -> Result<(), HubError> {
    let before = policy(hub, community)?;
    if !hub.store().remove_witness(community, name)? {
        return Err(HubError::Witness(format!("no witness named {name:?}")));
    }
    announce(hub, community, before)
}

/// How many witnesses must have cosigned a checkpoint before a device takes it.
pub fn set_quorum(hub: &Hub, community: Uuid, quorum: usize) -> Result<(), HubError> {
    let n = hub.store().witnesses(community)?.witnesses.len();
    if quorum == 0 || quorum > n {
        return Err(HubError::Witness(format!(
            "the quorum must be between 1 and the {n} witness(es)"
        )));
    }
    let before = policy(hub, community)?;
    hub.store().set_witness_quorum(community, quorum)?;
    announce(hub, community, before)
}

/// Tells the community's residents, with an urgent notice, that the witnesses or the quorum changed and
/// what the new fingerprint is. Devices adopt a new policy only when a notice they hold names its
/// fingerprint, so the office cannot change witnesses without every resident being told.
fn announce(hub: &Hub, community: Uuid, before: Option<WitnessPolicy>) -> Result<(), HubError> {
    let after = policy(hub, community)?;
    if after == before {
        return Ok(());
    }
    let lang = Lang::default();
    let body = match &after {
        Some(p) => message_args(
            lang,
            "hub-witness-notice-body",
            &[
                (
                    "names",
                    p.witnesses()
                        .iter()
                        .map(|w| w.name().to_owned())
                        .collect::<Vec<_>>()
                        .join("、")
                        .into(),
                ),
                ("quorum", (p.quorum() as i64).into()),
                ("fingerprint", p.fingerprint().into()),
            ],
        ),
        None => message(lang, "hub-witness-notice-none"),
    };
    crate::admin::notices::publish(
        hub,
        community,
        &NewNotice {
            title: message(lang, "hub-witness-notice-title"),
            body,
            urgency: Urgency::Urgent,
            pinned: false,
            expires_at: None,
            buildings: Vec::new(),
        },
    )?;
    Ok(())
}

pub fn list(hub: &Hub, community: Uuid) -> Result<WitnessSet, HubError> {
    Ok(hub.store().witnesses(community)?)
}

/// The policy a device of the community pins at join; `None` while the community has no witness.
pub fn policy(hub: &Hub, community: Uuid) -> Result<Option<WitnessPolicy>, HubError> {
    let set = hub.store().witnesses(community)?;
    if set.witnesses.is_empty() {
        return Ok(None);
    }
    let keys: Vec<&str> = set.witnesses.iter().map(|w| w.vkey.as_str()).collect();
    let quorum = set.quorum.unwrap_or(1).clamp(1, keys.len());
    WitnessPolicy::new(&keys, quorum)
        .map(Some)
        .map_err(|e| HubError::Witness(format!("stored witnesses: {e}")))
}
