//! The report lifecycle: which status changes staff and residents may make, and when.
use chrono::{DateTime, Duration, Utc};
use linli_proto::{limits, ErrorCode, ReportStatus, Satisfaction};

fn rank(s: ReportStatus) -> u8 {
    match s {
        ReportStatus::Submitted => 0,
        ReportStatus::Accepted => 1,
        ReportStatus::InProgress => 2,
        ReportStatus::Resolved => 3,
        ReportStatus::Rejected | ReportStatus::Withdrawn => 4,
    }
}

/// Staff move a report forward only: submitted → accepted → in_progress → resolved (steps may be
/// skipped), or reject it before it is resolved. Resolved, rejected and withdrawn reports are final
/// for staff; only the resident can reopen a resolved one.
pub fn staff_transition(
    from: ReportStatus,
    to: ReportStatus,
    reply: Option<&str>,
) -> Result<(), ErrorCode> {
    let final_state = matches!(
        from,
        ReportStatus::Resolved | ReportStatus::Rejected | ReportStatus::Withdrawn
    );
    match to {
        _ if final_state => Err(ErrorCode::InvalidTransition),
        ReportStatus::Submitted | ReportStatus::Withdrawn => Err(ErrorCode::InvalidTransition),
        ReportStatus::Rejected => {
            if reply.map(str::trim).unwrap_or("").is_empty() {
                Err(ErrorCode::ReasonRequired)
            } else {
                Ok(())
            }
        }
        _ if rank(to) > rank(from) => Ok(()),
        _ => Err(ErrorCode::InvalidTransition),
    }
}

/// A resident may withdraw only before the office accepted it.
pub fn withdraw(from: ReportStatus) -> Result<(), ErrorCode> {
    if from == ReportStatus::Submitted {
        Ok(())
    } else {
        Err(ErrorCode::ReportNotWithdrawable)
    }
}

/// Rating is for resolved reports.
pub fn rate(from: ReportStatus) -> Result<(), ErrorCode> {
    if from == ReportStatus::Resolved {
        Ok(())
    } else {
        Err(ErrorCode::ReportNotRatable)
    }
}

/// Reopen: resolved, rated unsatisfied, and within `REOPEN_DAYS` of the resolution (hub clock).
pub fn reopen(
    from: ReportStatus,
    rating: Option<Satisfaction>,
    resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ErrorCode> {
    let in_window = resolved_at
        .map(|r| now - r <= Duration::days(limits::REOPEN_DAYS))
        .unwrap_or(false);
    if from == ReportStatus::Resolved && rating == Some(Satisfaction::Unsatisfied) && in_window {
        Ok(())
    } else {
        Err(ErrorCode::ReportNotReopenable)
    }
}

/// Comments are welcome until the report was withdrawn.
pub fn comment(from: ReportStatus) -> Result<(), ErrorCode> {
    if from == ReportStatus::Withdrawn {
        Err(ErrorCode::InvalidTransition)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;

    #[test]
    fn staff_moves_forward_only() {
        assert!(staff_transition(Submitted, Accepted, None).is_ok());
        assert!(staff_transition(Accepted, Resolved, None).is_ok());
        assert_eq!(
            staff_transition(InProgress, Accepted, None),
            Err(ErrorCode::InvalidTransition)
        );
        assert_eq!(
            staff_transition(Resolved, InProgress, None),
            Err(ErrorCode::InvalidTransition)
        );
        assert_eq!(
            staff_transition(Submitted, Rejected, Some(" ")),
            Err(ErrorCode::ReasonRequired)
        );
        assert!(staff_transition(Submitted, Rejected, Some("不属于本社区")).is_ok());
    }

    #[test]
    fn reopen_needs_unsatisfied_within_window() {
        let now = Utc::now();
        let ok = reopen(Resolved, Some(Satisfaction::Unsatisfied), Some(now), now);
        assert!(ok.is_ok());
        let late = reopen(
            Resolved,
            Some(Satisfaction::Unsatisfied),
            Some(now - Duration::days(8)),
            now,
        );
        assert_eq!(late, Err(ErrorCode::ReportNotReopenable));
        let happy = reopen(Resolved, Some(Satisfaction::Satisfied), Some(now), now);
        assert_eq!(happy, Err(ErrorCode::ReportNotReopenable));
    }
}
