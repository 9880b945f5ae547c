//! Ballot rules: when a vote counts and which choices are valid.
use chrono::{DateTime, Utc};
use linli_proto::ErrorCode;
use uuid::Uuid;

/// The consultation facts a ballot is judged against.
pub struct BallotWindow {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Whether a vote received at `now` (hub clock) can count.
pub fn window(w: &BallotWindow, now: DateTime<Utc>) -> Result<(), ErrorCode> {
    if w.closed_at.is_some() || now >= w.closes_at {
        Err(ErrorCode::ConsultationClosed)
    } else if now < w.opens_at {
        Err(ErrorCode::ConsultationNotOpen)
    } else {
        Ok(())
    }
}

/// 1..=max_choices distinct options, each belonging to the consultation.
pub fn choices(picked: &[Uuid], options: &[Uuid], max_choices: i32) -> Result<(), ErrorCode> {
    let max = usize::try_from(max_choices.max(1)).unwrap_or(1);
    let mut seen = std::collections::HashSet::new();
    if picked.is_empty()
        || picked.len() > max
        || !picked
            .iter()
            .all(|p| options.contains(p) && seen.insert(*p))
    {
        return Err(ErrorCode::InvalidChoice);
    }
    Ok(())
}

/// Results are shown live, or only once the consultation closed (by staff or by time).
pub fn results_visible(live: bool, w: &BallotWindow, now: DateTime<Utc>) -> bool {
    live || w.closed_at.is_some() || now >= w.closes_at
}
