//! What read-aloud (朗读) says for a notice, a report's timeline and a consultation: whole sentences in the
//! resident's language, built from the same views the screens show, so what is heard always matches what is seen.
//! Speaking them is the platform's job (`linli-speech`); this module only decides the words.
use chrono::{DateTime, Datelike, Local, Utc};
use linli_i18n::{message, message_args, Arg, Lang};
use linli_proto::{ActorRole, ReportEventKind, ReportStatus, Urgency};

use crate::views::{ConsultationStatus, ConsultationView, NoticeView, ReportView};

fn month_day(at: DateTime<Utc>) -> [(&'static str, Arg); 2] {
    let local = at.with_timezone(&Local);
    [
        ("month", Arg::Num(local.month() as f64)),
        ("day", Arg::Num(local.day() as f64)),
    ]
}

/// Trailing sentence punctuation is dropped before the messages add their own, so nothing is read twice.
fn sentence(text: &str) -> String {
    text.trim()
        .trim_end_matches(['。', '.', '！', '!', '？', '?', '；', ';'])
        .to_string()
}

fn status_words(lang: Lang, status: ReportStatus) -> String {
    message(lang, &format!("read-status-{}", status.as_str()))
}

/// A notice: its urgency, title, body and publication day.
pub fn notice(lang: Lang, n: &NoticeView) -> String {
    let urgency = match n.urgency {
        Urgency::Urgent => "urgent",
        Urgency::Important => "important",
        Urgency::Normal => "normal",
    };
    let [month, day] = month_day(n.published_at);
    message_args(
        lang,
        "read-notice",
        &[
            ("urgency", urgency.into()),
            ("title", sentence(&n.title).as_str().into()),
            ("body", sentence(&n.body).as_str().into()),
            month,
            day,
        ],
    )
}

/// A report: what it is about, where it stands, then its timeline oldest first, with what staff replied.
pub fn report(lang: Lang, r: &ReportView) -> String {
    let mut out = message_args(
        lang,
        "read-report",
        &[
            ("category", r.category_name.as_str().into()),
            ("text", sentence(&r.text).as_str().into()),
            ("status", status_words(lang, r.status).as_str().into()),
        ],
    );
    for e in &r.events {
        let who = match e.actor {
            ActorRole::Resident => "read-who-resident",
            ActorRole::Staff => "read-who-staff",
            ActorRole::Proxy => "read-who-proxy",
        };
        let what = match (e.kind, e.status) {
            (ReportEventKind::Status, Some(s)) => message_args(
                lang,
                "read-event-status",
                &[("status", status_words(lang, s).as_str().into())],
            ),
            (ReportEventKind::Status, None) => message(lang, "read-event-comment"),
            (ReportEventKind::Submitted, _) => message(lang, "read-event-submitted"),
            (ReportEventKind::Comment, _) => message(lang, "read-event-comment"),
            (ReportEventKind::Withdrawn, _) => message(lang, "read-event-withdrawn"),
            (ReportEventKind::Rated, _) => message(lang, "read-event-rated"),
            (ReportEventKind::Reopened, _) => message(lang, "read-event-reopened"),
        };
        // The report's own words were read above; later texts (replies, comments) are read in full.
        let said = match &e.text {
            Some(t) if !t.trim().is_empty() && e.kind != ReportEventKind::Submitted => {
                message_args(
                    lang,
                    "read-event-said",
                    &[("text", sentence(t).as_str().into())],
                )
            }
            _ => String::new(),
        };
        let [month, day] = month_day(e.at);
        out.push_str(&message_args(
            lang,
            "read-report-event",
            &[
                ("who", message(lang, who).into()),
                ("what", what.into()),
                ("text", said.into()),
                month,
                day,
            ],
        ));
    }
    out
}

/// A consultation: the question, whether and until when one can vote, the choices, the resident's own vote,
/// and the counts when they are visible.
pub fn consultation(lang: Lang, c: &ConsultationView) -> String {
    let sep = message(lang, "read-list-separator");
    let mut out = message_args(
        lang,
        "read-consultation",
        &[
            ("title", sentence(&c.title).as_str().into()),
            ("description", sentence(&c.description).as_str().into()),
        ],
    );
    out.push_str(&match c.status {
        ConsultationStatus::Open => {
            let [month, day] = month_day(c.closes_at);
            message_args(lang, "read-consultation-open", &[month, day])
        }
        ConsultationStatus::Upcoming => message(lang, "read-consultation-upcoming"),
        ConsultationStatus::Closed => message(lang, "read-consultation-closed"),
    });
    let labels: Vec<&str> = c.options.iter().map(|o| o.label.as_str()).collect();
    out.push_str(&message_args(
        lang,
        "read-consultation-options",
        &[("options", labels.join(&sep).into())],
    ));
    if let Some(mine) = &c.my_vote {
        let chosen: Vec<&str> = c
            .options
            .iter()
            .filter(|o| mine.contains(&o.id))
            .map(|o| o.label.as_str())
            .collect();
        out.push_str(&message_args(
            lang,
            "read-consultation-my-vote",
            &[("options", chosen.join(&sep).into())],
        ));
    }
    for o in &c.options {
        if let Some(votes) = o.votes {
            out.push_str(&message_args(
                lang,
                "read-consultation-result",
                &[
                    ("option", o.label.as_str().into()),
                    ("count", Arg::Num(votes as f64)),
                ],
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use linli_proto::{Address, ConsultationOption, ReportEvent, ResultsVisibility, VoteScope};
    use uuid::Uuid;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 15, h, 0, 0).unwrap()
    }

    fn notice_view(urgency: Urgency) -> NoticeView {
        NoticeView {
            id: Uuid::nil(),
            title: "停水通知".into(),
            body: "周六上午三号楼停水检修，请提前储水。".into(),
            urgency,
            pinned: false,
            published_at: at(2),
            expires_at: None,
            attachments: vec![],
            street: None,
            read: false,
            pending: false,
        }
    }

    #[test]
    fn a_notice_is_read_as_sentences_with_its_urgency_first() {
        let text = notice(Lang::ZhCn, &notice_view(Urgency::Urgent));
        assert!(
            text.starts_with("紧急通知。停水通知。周六上午三号楼停水检修，请提前储水。"),
            "{text}"
        );
        assert!(!text.contains("。。"), "{text}");
        assert!(text.contains("6月15日"), "{text}");
        let en = notice(Lang::EnUs, &notice_view(Urgency::Normal));
        assert!(en.starts_with("Notice. 停水通知."), "{en}");
    }

    #[test]
    fn a_report_reads_its_status_and_every_reply_in_order() {
        let ev = |kind, actor, status, text: Option<&str>, h| ReportEvent {
            id: Uuid::now_v7(),
            kind,
            actor,
            actor_name: None,
            status,
            text: text.map(str::to_string),
            satisfaction: None,
            at: at(h),
            receipts: vec![],
            actor_id: None,
            on_behalf_of: None,
            voice: None,
        };
        let r = ReportView {
            id: Uuid::nil(),
            category: "facilities".into(),
            category_name: "设施报修".into(),
            text: "楼道灯坏了".into(),
            address: Address::default(),
            location: None,
            photos: vec![],
            status: ReportStatus::InProgress,
            created_at: at(1),
            received_at: Some(at(1)),
            handling: None,
            events: vec![
                ev(
                    ReportEventKind::Submitted,
                    ActorRole::Resident,
                    None,
                    Some("楼道灯坏了"),
                    1,
                ),
                ev(
                    ReportEventKind::Status,
                    ActorRole::Staff,
                    Some(ReportStatus::Accepted),
                    None,
                    2,
                ),
                ev(
                    ReportEventKind::Status,
                    ActorRole::Staff,
                    Some(ReportStatus::InProgress),
                    Some("电工明天上午来"),
                    3,
                ),
            ],
            pending: false,
            can_withdraw: false,
            can_rate: false,
            can_reopen: false,
        };
        let text = report(Lang::ZhCn, &r);
        assert!(
            text.starts_with("您反映的问题：设施报修。楼道灯坏了。现在的状态：正在处理。"),
            "{text}"
        );
        let accepted = text.find("社区已受理").expect(&text);
        let reply = text.find("说：电工明天上午来。").expect(&text);
        assert!(accepted < reply, "{text}");
        assert_eq!(
            text.matches("楼道灯坏了").count(),
            1,
            "the report's own words are read once: {text}"
        );
    }

    #[test]
    fn a_consultation_reads_the_choices_my_vote_and_visible_counts() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let mut c = ConsultationView {
            id: Uuid::nil(),
            title: "加装电梯".into(),
            description: "三号楼是否加装电梯".into(),
            status: ConsultationStatus::Closed,
            options: vec![
                ConsultationOption {
                    id: a,
                    label: "同意".into(),
                    votes: Some(12),
                },
                ConsultationOption {
                    id: b,
                    label: "不同意".into(),
                    votes: Some(3),
                },
            ],
            max_choices: 1,
            opens_at: at(1),
            closes_at: at(5),
            vote_scope: VoteScope::PerResident,
            results_visibility: ResultsVisibility::Live,
            my_vote: Some(vec![b]),
            total_votes: Some(15),
            pending: false,
            verified_at_checkpoint: None,
        };
        let text = consultation(Lang::ZhCn, &c);
        for part in [
            "投票已经结束",
            "可以选择的有：同意；不同意",
            "您选择了：不同意",
            "同意，12 票",
            "不同意，3 票",
        ] {
            assert!(text.contains(part), "{part} missing in {text}");
        }
        c.options.iter_mut().for_each(|o| o.votes = None);
        c.my_vote = None;
        let hidden = consultation(Lang::ZhCn, &c);
        assert!(
            !hidden.contains(" 票") && !hidden.contains("您选择了"),
            "{hidden}"
        );
    }
}
