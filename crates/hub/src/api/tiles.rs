//! Each community's log as static tiles (C2SP tlog-tiles): `/log/{community}/checkpoint` and
//! `/log/{community}/tile/…`, so mirrors and auditors can copy a whole log with plain HTTP caching.
//! Every tile is immutable once it exists (a partial tile names its width), so tiles are served
//! with a year's `immutable` cache lifetime; only the checkpoint changes.
//!
//! - `tile/<L>/<N>[.p/<W>]`: the hashes (32 bytes each, concatenated) of the complete subtrees of
//!   height 8·L numbered 256·N … 256·N + W − 1 (W = 256 unless partial).
//! - `tile/entries/<N>[.p/<W>]`: those leaves (level 0), each as a big-endian u16 length and the
//!   leaf's bytes; a leaf's hash is SHA-256(0x00 ‖ bytes) as in RFC 6962.
//!
//! `<N>` is written in groups of three digits, all but the last prefixed with `x` (`x001/x234/067`).
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use linli_proto::ErrorCode;
use uuid::Uuid;

use super::{blocking, AppState};
use crate::error::ApiError;

/// Leaves (or hashes) per full tile: tile height 8.
pub const TILE_WIDTH: u64 = 256;
const TILE_HEIGHT: u8 = 8;
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A tile's coordinates: `level` is `None` for an entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TilePath {
    pub level: Option<u8>,
    pub index: u64,
    pub width: u64,
}

/// A decimal without sign or leading zeros.
fn canonical(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// Parses the part after `tile/`; `None` for anything that is not a tile path in canonical form.
pub fn parse_tile_path(rest: &str) -> Option<TilePath> {
    let mut parts: Vec<&str> = rest.split('/').collect();
    let level = match parts.first()? {
        &"entries" => None,
        l => Some(u8::try_from(canonical(l)?).ok().filter(|l| *l < 8)?),
    };
    parts.remove(0);
    let mut width = TILE_WIDTH;
    if parts.len() >= 2 && parts[parts.len() - 2].ends_with(".p") {
        width = canonical(parts.pop()?)?;
        if width == 0 || width >= TILE_WIDTH {
            return None;
        }
        let last = parts.pop()?;
        parts.push(last.strip_suffix(".p")?);
    }
    let (last, groups) = parts.split_last()?;
    let mut index: u64 = 0;
    for g in groups {
        let digits = g.strip_prefix('x')?;
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
    }
    if last.len() != 3 || !last.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    index = index.checked_mul(1000)?.checked_add(last.parse().ok()?)?;
    // One spelling per tile: no leading `x000` groups.
    if groups.first().is_some_and(|g| *g == "x000") {
        return None;
    }
    Some(TilePath {
        level,
        index,
        width,
    })
}

/// The path of a tile, as [`parse_tile_path`] reads it (for clients and tests).
pub fn tile_path(t: TilePath) -> String {
    let mut n = t.index;
    let mut s = format!("{:03}", n % 1000);
    while n >= 1000 {
        n /= 1000;
        s = format!("x{:03}/{s}", n % 1000);
    }
    let level = t.level.map_or("entries".to_owned(), |l| l.to_string());
    let partial = if t.width == TILE_WIDTH {
        String::new()
    } else {
        format!(".p/{}", t.width)
    };
    format!("tile/{level}/{s}{partial}")
}

/// `GET /log/{community}/checkpoint`: the latest checkpoint with its witnesses' cosignatures.
pub async fn checkpoint(
    State(state): State<AppState>,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(community) = path.map_err(|_| ApiError(ErrorCode::CommunityNotFound))?;
    blocking(&state.hub, move |s| {
        s.community(community)?
            .ok_or(ErrorCode::CommunityNotFound)?;
        Ok(())
    })
    .await?;
    let hub = state.hub.clone();
    let note = match crate::api::request_id::spawn_blocking_in_span(move || {
        hub.witnessed_checkpoint(community)
    })
    .await
    {
        Ok(r) => r?,
        Err(_) => return Err(ApiError(ErrorCode::Internal)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        note,
    )
        .into_response())
}

/// `GET /log/{community}/tile/{path}`: one hash tile or entry bundle.
pub async fn tile(
    State(state): State<AppState>,
    path: Result<Path<(Uuid, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((community, rest)) = path.map_err(|_| ApiError(ErrorCode::NotFound))?;
    let t = parse_tile_path(&rest).ok_or(ApiError(ErrorCode::NotFound))?;
    let start = t
        .index
        .checked_mul(TILE_WIDTH)
        .ok_or(ApiError(ErrorCode::NotFound))?;
    let body: Vec<u8> = match t.level {
        Some(level) => {
            let (_, hashes) = blocking(&state.hub, move |s| {
                s.community(community)?
                    .ok_or(ErrorCode::CommunityNotFound)?;
                s.log_level_hashes(community, level * TILE_HEIGHT, start, t.width)
            })
            .await?;
            hashes.concat()
        }
        None => {
            let end = start
                .checked_add(t.width)
                .ok_or(ApiError(ErrorCode::NotFound))?;
            let (_, leaves) = blocking(&state.hub, move |s| {
                s.community(community)?
                    .ok_or(ErrorCode::CommunityNotFound)?;
                s.log_leaves(community, start, end)
            })
            .await?;
            if leaves.len() as u64 != t.width {
                return Err(ApiError(ErrorCode::NotFound));
            }
            let mut bundle = Vec::with_capacity(leaves.iter().map(|l| l.len() + 2).sum());
            for leaf in leaves {
                let len = u16::try_from(leaf.len()).map_err(|_| ApiError(ErrorCode::Internal))?;
                bundle.extend_from_slice(&len.to_be_bytes());
                bundle.extend_from_slice(&leaf);
            }
            bundle
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_round_trip_in_one_spelling() {
        for t in [
            TilePath {
                level: Some(0),
                index: 0,
                width: 256,
            },
            TilePath {
                level: Some(1),
                index: 1_234_067,
                width: 7,
            },
            TilePath {
                level: None,
                index: 999,
                width: 255,
            },
            TilePath {
                level: None,
                index: 1000,
                width: 256,
            },
        ] {
            assert_eq!(
                parse_tile_path(&tile_path(t)["tile/".len()..]),
                Some(t),
                "{t:?}"
            );
        }
        assert_eq!(
            tile_path(TilePath {
                level: Some(1),
                index: 1_234_067,
                width: 7
            }),
            "tile/1/x001/x234/067.p/7"
        );
        for bad in [
            "0/1",
            "0/0001",
            "00/000",
            "8/000",
            "0/x000/001",
            "0/000.p/256",
            "0/000.p/0",
            "0/000.p/07",
            "entries/abc",
            "0/x12/000",
            "0",
        ] {
            assert_eq!(parse_tile_path(bad), None, "{bad}");
        }
    }
}
