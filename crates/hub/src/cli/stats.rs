//! `linli-hub admin [--community C] [--staff ID] stats --from --to [--by] [--every] [--json]`: the
//! statistics the console's screen shows, from the same `linli_hub::admin::statistics` function. Without
//! `--staff` the figures are the community's as its head sees them (the admin CLI runs on the hub's
//! own machine); with it, that member's scope.
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use clap::{Args, ValueEnum};
use linli_hub::admin::monthly_report::label;
use linli_hub::admin::statistics::{statistics, Statistics, StatsRow};
use linli_hub::domain::staff_scope::StaffRole;
use linli_hub::store::statistics::{GroupBy, TrendEvery};
use linli_hub::store::Staff;
use linli_hub::Hub;
use uuid::Uuid;

use super::{hub_err, lang, msg, print_json, refused, JsonFlag};

#[derive(Args)]
pub struct StatsArgs {
    /// First day (YYYY-MM-DD, China Standard Time) or instant (RFC 3339) of the period.
    #[arg(long)]
    from: String,
    /// Last day of the period (YYYY-MM-DD, counted whole) or the instant it ends before (RFC 3339).
    #[arg(long)]
    to: String,
    #[arg(long, value_enum, default_value = "category")]
    by: By,
    /// The trend's step; by default weeks for up to 92 days, months beyond.
    #[arg(long, value_enum)]
    every: Option<Every>,
    #[command(flatten)]
    out: JsonFlag,
}

#[derive(Clone, Copy, ValueEnum)]
enum By {
    Category,
    Building,
    Grid,
    Status,
    Source,
    Community,
}

#[derive(Clone, Copy, ValueEnum)]
enum Every {
    Week,
    Month,
}

/// A day in China Standard Time (its start, or with `end` the next day's start), or an instant.
fn instant(s: &str, end: bool) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let d = if end { d + Duration::days(1) } else { d };
        let cst = FixedOffset::east_opt(8 * 3600).ok_or_else(|| refused("hub-bad-time", s))?;
        return cst
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| refused("hub-bad-time", s));
    }
    super::parse_time(s)
}

pub fn run(
    hub: &Hub,
    staff: Option<Staff>,
    community: Uuid,
    args: StatsArgs,
) -> anyhow::Result<()> {
    let staff = staff.unwrap_or_else(|| Staff {
        id: Uuid::nil(),
        community_id: community,
        name: String::new(),
        data_officer: false,
        role: StaffRole::Head,
        created_at: hub.now(),
    });
    let by = match args.by {
        By::Category => GroupBy::Category,
        By::Building => GroupBy::Building,
        By::Grid => GroupBy::Grid,
        By::Status => GroupBy::Status,
        By::Source => GroupBy::Source,
        By::Community => GroupBy::Community,
    };
    let every = args.every.map(|e| match e {
        Every::Week => TrendEvery::Week,
        Every::Month => TrendEvery::Month,
    });
    let (from, to) = (instant(&args.from, false)?, instant(&args.to, true)?);
    let s = statistics(hub, &staff, from, to, by, every).map_err(hub_err)?;
    if args.out.json {
        return print_json(&s);
    }
    print_text(&s);
    Ok(())
}

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn hours(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
}

fn line(name: &str, r: &StatsRow) -> String {
    let c = &r.counts;
    [
        name.to_owned(),
        c.total.to_string(),
        c.resolved.to_string(),
        c.overdue_now.to_string(),
        pct(r.response_rate),
        pct(r.resolution_rate),
        pct(r.satisfaction_rate),
        pct(r.on_time_rate),
        hours(c.median_hours_to_accept),
        hours(c.p90_hours_to_accept),
        hours(c.median_hours_to_resolve),
        hours(c.p90_hours_to_resolve),
    ]
    .join("\t")
}

fn print_text(s: &Statistics) {
    let t = |id: &str| linli_i18n::message(lang(), id);
    let first = match s.by {
        GroupBy::Category => "stats-col-category",
        GroupBy::Building => "stats-col-building",
        GroupBy::Grid => "stats-col-grid",
        GroupBy::Status | GroupBy::Source | GroupBy::Community => "stats-col-group",
    };
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    println!(
        "{}",
        msg(
            "stats-cli-header",
            &[
                (
                    "from",
                    s.from
                        .with_timezone(&cst)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                        .into()
                ),
                (
                    "to",
                    s.to.with_timezone(&cst)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                        .into()
                ),
                ("by", t(first).into()),
            ]
        )
    );
    let header: Vec<String> = [
        first,
        "stats-col-total",
        "stats-col-resolved",
        "stats-col-overdue-now",
        "stats-col-response-rate",
        "stats-col-resolution-rate",
        "stats-col-satisfaction-rate",
        "stats-col-on-time-rate",
        "stats-col-median-accept-hours",
        "stats-col-p90-accept-hours",
        "stats-col-median-hours",
        "stats-col-p90-hours",
    ]
    .iter()
    .map(|id| t(id))
    .collect();
    println!("{}", header.join("\t"));
    for r in &s.rows {
        println!("{}", line(&label(r, lang()), r));
    }
    println!("{}", line(&t("stats-cli-total"), &s.total));
    println!("\n{}", t("stats-cli-trend"));
    for r in &s.trend {
        println!("{}", line(&r.counts.key, r));
    }
    println!("\n{}", t("stats-cli-notices"));
    for n in &s.notice_reach {
        let share = (n.households > 0).then(|| n.read_within_day as f64 / n.households as f64);
        println!(
            "{}\t{}\t{}/{}\t{}",
            n.building,
            n.notices,
            n.read_within_day,
            n.households,
            pct(share)
        );
    }
    println!("\n{}", t("stats-cli-turnout"));
    for c in &s.turnout {
        let share = (c.households > 0).then(|| c.voted as f64 / c.households as f64);
        println!("{}\t{}/{}\t{}", c.title, c.voted, c.households, pct(share));
    }
}
