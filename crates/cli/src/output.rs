//! Plain-text output for people (from Fluent, in the profile's language) and `--json` output for scripts.
use linli_core::*;
use linli_i18n::{message, message_args};
use serde::Serialize;

/// Prints `value` as JSON when asked, otherwise through `human`.
pub fn json_or<T: Serialize>(value: &T, json: bool, human: impl FnOnce(&T)) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        human(value);
    }
    Ok(())
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn joined(lang: Lang, info: &JoinInfo) {
    println!(
        "{}",
        message_args(
            lang,
            "cli-joined",
            &[
                ("community", info.community.name.clone().into()),
                ("building", info.household.building.clone().into()),
                ("unit", info.household.unit.clone().into()),
                ("room", info.household.room.clone().into()),
            ],
        )
    );
    if let Some(key) = &info.log_key {
        println!(
            "{}",
            message_args(lang, "cli-log-key-pinned", &[("key", key.clone().into())])
        );
    }
}

/// `linli verify`: what this device has verified of the hub's public record.
pub fn transparency(lang: Lang, t: &TransparencyView) {
    let Some(key) = &t.log_key else {
        println!("{}", message(lang, "cli-log-none"));
        return;
    };
    if let Some(f) = &t.failure {
        println!("{}", message(lang, "core-log-warning-title"));
        println!("{f}");
    }
    println!(
        "{}",
        message_args(lang, "cli-log-key", &[("key", key.clone().into())])
    );
    match (t.checkpoint_size, t.checked_at) {
        (Some(size), Some(at)) => println!(
            "{}",
            message_args(
                lang,
                "cli-log-checkpoint",
                &[("size", (size as i64).into()), ("at", when(at).into())]
            )
        ),
        _ => println!("{}", message(lang, "cli-log-never-checked")),
    }
    println!(
        "{}",
        message_args(
            lang,
            "cli-log-receipts",
            &[
                ("verified", t.receipts_verified.into()),
                ("total", t.receipts.into())
            ]
        )
    );
    if t.witnesses > 0 {
        println!(
            "{}",
            message_args(
                lang,
                "log-witnesses-policy",
                &[
                    ("quorum", (t.witness_quorum as i64).into()),
                    ("count", (t.witnesses as i64).into())
                ]
            )
        );
    }
    if let Some(w) = &t.unwitnessed {
        println!("{w}");
    }
}

pub fn synced(lang: Lang, o: &SyncOutcome) {
    println!(
        "{}",
        message_args(
            lang,
            "cli-synced",
            &[
                ("applied", o.applied.into()),
                ("rejected", o.rejected.into()),
                ("pulled", o.changes_pulled.into()),
            ],
        )
    );
}

pub fn status(lang: Lang, s: &SyncStatus, json: bool) -> anyhow::Result<()> {
    json_or(s, json, |s| {
        println!(
            "{}",
            message(lang, &format!("core-state-{}", s.state.as_str()))
        );
        println!(
            "{}",
            message_args(lang, "core-pending", &[("count", s.pending.into())])
        );
        match s.last_synced_at {
            Some(t) => println!(
                "{}",
                message_args(lang, "core-last-synced", &[("at", when(t).into())])
            ),
            None => println!("{}", message(lang, "core-never-synced")),
        }
        if let Some(e) = &s.last_error {
            println!("{e}");
        }
    })
}

fn nothing(lang: Lang, empty: bool) -> bool {
    if empty {
        println!("{}", message(lang, "cli-no-items"));
    }
    empty
}

pub fn categories(lang: Lang, cs: &[CategoryView]) {
    if nothing(lang, cs.is_empty()) {
        return;
    }
    for c in cs {
        println!("{:<16} {}", c.key, c.name);
    }
}

pub fn notices(lang: Lang, ns: &[NoticeView]) {
    if nothing(lang, ns.is_empty()) {
        return;
    }
    for n in ns {
        let mut marks = vec![message(
            lang,
            &format!("cli-urgency-{}", n.urgency.as_str()),
        )];
        marks.push(message(
            lang,
            if n.read {
                "cli-notice-read"
            } else {
                "cli-notice-unread"
            },
        ));
        if n.pending {
            marks.push(message(lang, "cli-pending-mark"));
        }
        println!(
            "{}  [{}]  {}  {}",
            n.id,
            marks.join(", "),
            when(n.published_at),
            n.title
        );
    }
}

pub fn notice_detail(lang: Lang, n: &NoticeView) {
    println!("{}", n.title);
    println!(
        "[{}] {}",
        message(lang, &format!("cli-urgency-{}", n.urgency.as_str())),
        when(n.published_at)
    );
    println!();
    println!("{}", n.body);
}

fn status_name(lang: Lang, s: ReportStatus) -> String {
    message(lang, &format!("cli-status-{}", s.as_str()))
}

pub fn reports(lang: Lang, rs: &[ReportView]) {
    if nothing(lang, rs.is_empty()) {
        return;
    }
    for r in rs {
        let pending = if r.pending {
            format!(" ({})", message(lang, "cli-pending-mark"))
        } else {
            String::new()
        };
        println!(
            "{}  [{}{}]  {}  {}",
            r.id,
            status_name(lang, r.status),
            pending,
            r.category_name,
            r.text
        );
    }
}

pub fn report_detail(lang: Lang, r: &ReportView) {
    reports(lang, std::slice::from_ref(r));
    for e in &r.events {
        let mut what: Vec<String> = Vec::new();
        if let Some(s) = e.status {
            what.push(status_name(lang, s));
        }
        if let Some(s) = e.satisfaction {
            what.push(message(lang, &format!("cli-satisfaction-{}", s.as_str())));
        }
        if let Some(t) = &e.text {
            what.push(t.clone());
        }
        println!(
            "  {}  {}  {}",
            when(e.at),
            message(lang, &format!("cli-event-{}", event_kind(e.kind))),
            what.join(" — ")
        );
    }
}

fn event_kind(k: ReportEventKind) -> &'static str {
    match k {
        ReportEventKind::Submitted => "submitted",
        ReportEventKind::Status => "status",
        ReportEventKind::Comment => "comment",
        ReportEventKind::Withdrawn => "withdrawn",
        ReportEventKind::Rated => "rated",
        ReportEventKind::Reopened => "reopened",
    }
}

pub fn consultations(lang: Lang, cs: &[ConsultationView]) {
    if nothing(lang, cs.is_empty()) {
        return;
    }
    for c in cs {
        let status = match c.status {
            ConsultationStatus::Open => "cli-consultation-open",
            ConsultationStatus::Closed => "cli-consultation-closed",
            ConsultationStatus::Upcoming => "cli-consultation-upcoming",
        };
        let pending = if c.pending {
            format!(" ({})", message(lang, "cli-pending-mark"))
        } else {
            String::new()
        };
        println!(
            "{}  [{}{}]  {}",
            c.id,
            message(lang, status),
            pending,
            c.title
        );
        for o in &c.options {
            let mine = c.my_vote.as_ref().is_some_and(|v| v.contains(&o.id));
            let votes = o
                .votes
                .map(|v| {
                    format!(
                        "  {}",
                        message_args(lang, "cli-votes", &[("count", v.into())])
                    )
                })
                .unwrap_or_default();
            let mark = if mine {
                format!("  ← {}", message(lang, "cli-my-vote"))
            } else {
                String::new()
            };
            println!("    {}  {}{votes}{mark}", o.id, o.label);
        }
    }
}

pub fn messages(lang: Lang, ms: &[ResidentMessage]) {
    if nothing(lang, ms.is_empty()) {
        return;
    }
    for m in ms {
        println!("#{}  {}  {}: {}", m.id, when(m.at), m.title, m.text);
    }
}

pub fn home(lang: Lang, h: &HomeSummary) {
    if let Some(c) = &h.community {
        println!("{}  {}  {}", c.name, c.phone, c.hours);
    }
    notices(lang, &h.urgent_notices);
    consultations(lang, &h.open_consultations);
    reports(lang, &h.reports_awaiting);
    println!(
        "{}",
        message_args(lang, "core-pending", &[("count", h.pending.into())])
    );
}

fn scopes(list: &[linli_proto::ProxyScope]) -> String {
    list.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn proxy_invite(lang: Lang, inv: &ProxyInviteView) {
    println!(
        "{}",
        message_args(
            lang,
            "cli-proxy-invite",
            &[
                ("scopes", scopes(&inv.scopes).into()),
                ("days", inv.days.into()),
                ("until", when(inv.code_expires_at).into()),
            ],
        )
    );
}

pub fn proxy_accepted(lang: Lang, g: &ProxyGrantView) {
    println!(
        "{}",
        message_args(
            lang,
            "cli-proxy-accepted",
            &[
                (
                    "address",
                    g.principal_address.clone().unwrap_or_default().into()
                ),
                ("principal", g.principal.to_string().into()),
                ("scopes", scopes(&g.scopes).into()),
                ("until", when(g.expires_at).into()),
            ],
        )
    );
}

pub fn proxy_grants(lang: Lang, list: &[ProxyGrantView]) {
    if list.is_empty() {
        println!("{}", message(lang, "cli-no-items"));
    }
    for g in list {
        let role = match g.role {
            ProxyRole::Principal => "cli-proxy-role-principal",
            ProxyRole::Proxy => "cli-proxy-role-proxy",
        };
        println!(
            "{}  {}  {}  {}  {}  {}",
            g.id,
            message(
                lang,
                &format!("cli-proxy-status-{}", g.status.as_str().replace('_', "-"))
            ),
            message_args(
                lang,
                role,
                &[
                    (
                        "name",
                        g.proxy_name
                            .clone()
                            .unwrap_or_else(|| g.proxy.to_string())
                            .into()
                    ),
                    (
                        "address",
                        g.principal_address.clone().unwrap_or_default().into()
                    ),
                ],
            ),
            scopes(&g.scopes),
            when(g.expires_at),
            g.principal,
        );
    }
}

pub fn proxy_activity(lang: Lang, acts: &[ProxyActView]) {
    if acts.is_empty() {
        println!("{}", message(lang, "cli-no-items"));
    }
    for a in acts {
        println!(
            "{}  {} {}  {}",
            when(a.at),
            a.proxy_name.clone().unwrap_or_else(|| a.proxy.to_string()),
            a.title,
            a.target.map(|t| t.to_string()).unwrap_or_default(),
        );
    }
}

/// The privacy notice, section by section, and what this device agreed to.
pub fn privacy(lang: Lang, s: &PrivacyStatus) {
    println!(
        "{} ({})",
        message(lang, "privacy-title"),
        message_args(
            lang,
            "privacy-version",
            &[("version", (s.current_version as i64).into())]
        )
    );
    println!("{}\n", message(lang, "privacy-intro"));
    for id in linli_core::privacy::NOTICE_SECTIONS {
        println!("{}", message(lang, &format!("privacy-{id}-title")));
        println!("{}\n", message(lang, &format!("privacy-{id}")));
    }
    if let (Some(v), Some(at)) = (s.agreed_version, s.agreed_at) {
        println!(
            "{}",
            message_args(
                lang,
                "privacy-agreed-on",
                &[("version", (v as i64).into()), ("date", when(at).into())]
            )
        );
    }
    if s.must_ask && s.agreed_version.is_some() {
        println!("{}", message(lang, "privacy-changed"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Message ids built at run time exist in both languages.
    #[test]
    fn generated_ids_exist() {
        for lang in Lang::ALL {
            let mut ids: Vec<String> = [
                ReportStatus::Submitted,
                ReportStatus::Accepted,
                ReportStatus::InProgress,
                ReportStatus::Resolved,
                ReportStatus::Rejected,
                ReportStatus::Withdrawn,
            ]
            .iter()
            .map(|s| format!("cli-status-{}", s.as_str()))
            .collect();
            ids.extend(
                [Urgency::Normal, Urgency::Important, Urgency::Urgent]
                    .iter()
                    .map(|u| format!("cli-urgency-{}", u.as_str())),
            );
            ids.extend(
                [
                    SyncState::Idle,
                    SyncState::Syncing,
                    SyncState::Offline,
                    SyncState::Error,
                ]
                .iter()
                .map(|s| format!("core-state-{}", s.as_str())),
            );
            for k in [
                ReportEventKind::Submitted,
                ReportEventKind::Status,
                ReportEventKind::Comment,
                ReportEventKind::Withdrawn,
                ReportEventKind::Rated,
                ReportEventKind::Reopened,
            ] {
                ids.push(format!("cli-event-{}", event_kind(k)));
            }
            for s in [
                Satisfaction::Satisfied,
                Satisfaction::Basic,
                Satisfaction::Unsatisfied,
            ] {
                ids.push(format!("cli-satisfaction-{}", s.as_str()));
            }
            for id in ids {
                assert_ne!(message(lang, &id), id, "{lang}");
            }
        }
    }
}
