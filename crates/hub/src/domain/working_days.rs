//! 办理时限: a category's time limit counts working days (Monday to Friday) in the community's time,
//! China Standard Time (UTC+8); the promised date is the end of the last working day.
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, TimeZone, Utc, Weekday};

/// The offices keep China Standard Time; the hub's clock is UTC.
fn china() -> FixedOffset {
    // 8 hours east is within FixedOffset's range, so this never fails.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("utc"))
}

fn working(d: Weekday) -> bool {
    !matches!(d, Weekday::Sat | Weekday::Sun)
}

/// The end (23:59:59 local) of the `days`-th working day after `from`'s local date.
pub fn deadline_after(from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let tz = china();
    let mut date = from.with_timezone(&tz).date_naive();
    let mut left = days;
    while left > 0 {
        date += Duration::days(1);
        if working(date.weekday()) {
            left -= 1;
        }
    }
    let end = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    match tz.from_local_datetime(&end).single() {
        Some(t) => t.with_timezone(&Utc),
        None => from + Duration::days(i64::from(days)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn weekends_do_not_count() {
        // Thursday 3 Dec 2026, 10:00 in Beijing: 3 working days end on Tuesday 8 Dec.
        let from = at("2026-12-03T10:00:00+08:00");
        assert_eq!(deadline_after(from, 3), at("2026-12-08T23:59:59+08:00"));
        // Saturday: the first working day is Monday.
        let sat = at("2026-12-05T09:00:00+08:00");
        assert_eq!(deadline_after(sat, 1), at("2026-12-07T23:59:59+08:00"));
        // Late on Sunday UTC is already Monday in Beijing.
        let sun_utc = at("2026-12-06T20:00:00Z");
        assert_eq!(deadline_after(sun_utc, 1), at("2026-12-08T23:59:59+08:00"));
    }
}
