//! The transparency log for the office: handing an auditor the openings of the vote leaves, so the
//! auditor can recount every final tally option by option. Vote records name no one (a ballot tag,
//! option ids), but together they show how each ballot voted: give them only to the auditor the
//! office appoints.
use linli_proto::LogReceipt;
use uuid::Uuid;

use crate::error::HubError;
use crate::hub::Hub;

/// Every vote leaf's opening of the community's log (salt and record), oldest first.
pub fn vote_openings(hub: &Hub, community: Uuid) -> Result<Vec<LogReceipt>, HubError> {
    Ok(hub.store().log_vote_openings(community)?)
}
