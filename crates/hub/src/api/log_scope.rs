//! Which community's transparency log a `/v1/log/…` request means. Each community keeps its own log, so
//! an auditor names it with `?community=ID`; a device's bearer token means its own community's; on a hub
//! holding one community that one. Otherwise the answer is 400 `community_required` (404
//! `community_not_found` for an unknown id), so nobody checks a proof against the wrong log by mistake.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use linli_proto::ErrorCode;
use uuid::Uuid;

use super::auth::TokenHash;
use super::{blocking, AppState};
use crate::error::ApiError;

/// The community whose log is meant.
pub struct LogCommunity(pub Uuid);

fn query_community(parts: &Parts) -> Result<Option<Uuid>, ApiError> {
    let Some(q) = parts.uri.query() else {
        return Ok(None);
    };
    for pair in q.split('&') {
        if let Some(v) = pair.strip_prefix("community=") {
            return Uuid::parse_str(v)
                .map(Some)
                .map_err(|_| ApiError(ErrorCode::CommunityNotFound));
        }
    }
    Ok(None)
}

impl FromRequestParts<AppState> for LogCommunity {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let named = query_community(parts)?;
        let token_hash = TokenHash::from_request_parts(parts, state)
            .await
            .ok()
            .map(|TokenHash(h)| h);
        let now = state.hub.now();
        let id = blocking(&state.hub, move |s| {
            if let Some(id) = named {
                return Ok(s
                    .community(id)?
                    .map(|c| c.id)
                    .ok_or(ErrorCode::CommunityNotFound));
            }
            if let Some(hash) = token_hash {
                if let Some(v) = s.authenticate(&hash, now)? {
                    return Ok(Ok(v.community_id));
                }
            }
            let all = s.communities()?;
            Ok(match all.as_slice() {
                [only] => Ok(only.id),
                _ => Err(ErrorCode::CommunityRequired),
            })
        })
        .await?;
        id.map(LogCommunity).map_err(ApiError)
    }
}
