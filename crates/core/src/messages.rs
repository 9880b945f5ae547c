//! Messages for the resident in their language: titles and texts for refused changes (the reason from
//! `linli_i18n::error_message`, e.g. "投票已截止，未计入") and the core's own strings (`locales/*/core.ftl`).
use crate::store::messages::MessageRow;
use crate::views::ResidentMessage;
use linli_i18n::Lang;
use linli_proto::ErrorCode;

/// "Your vote was not counted", "Your report could not be submitted", … by op kind.
pub fn rejected_title(lang: Lang, op_kind: &str) -> String {
    linli_i18n::message(
        lang,
        &format!("core-rejected-{}", op_kind.replace('_', "-")),
    )
}

/// The reason, from the hub's error code; an unknown code reads as a generic refusal.
pub fn reason(lang: Lang, code: &str) -> String {
    match ErrorCode::parse(code) {
        Some(c) => linli_i18n::error_message(lang, c),
        None => linli_i18n::message(lang, "core-rejected-unknown-reason"),
    }
}

pub fn render(lang: Lang, row: MessageRow) -> ResidentMessage {
    if row.op_kind == crate::sync::RESTORE_MESSAGE_KIND {
        return ResidentMessage {
            id: row.id,
            at: row.at,
            title: linli_i18n::message(lang, "core-hub-restored-title"),
            text: crate::sync::restore_message_text(lang, row.target.as_deref()),
            code: row.code,
            op_kind: row.op_kind,
            target: None,
        };
    }
    if row.op_kind == crate::transparency::MESSAGE_KIND {
        return ResidentMessage {
            id: row.id,
            at: row.at,
            title: linli_i18n::message(lang, "core-log-warning-title"),
            text: crate::transparency::LogProblem::parse(&row.code)
                .map(|p| p.message(lang))
                .unwrap_or_else(|| reason(lang, &row.code)),
            code: row.code,
            op_kind: row.op_kind,
            target: row.target.filter(|t| !t.is_empty()),
        };
    }
    ResidentMessage {
        id: row.id,
        at: row.at,
        title: rejected_title(lang, &row.op_kind),
        text: reason(lang, &row.code),
        code: row.code,
        op_kind: row.op_kind,
        target: row.target,
    }
}

/// One line for notifications and the CLI: "title: reason".
pub fn one_line(lang: Lang, op_kind: &str, code: &str) -> String {
    linli_i18n::message_args(
        lang,
        "core-rejected-line",
        &[
            ("title", rejected_title(lang, op_kind).into()),
            ("reason", reason(lang, code).into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CoreError;

    /// Ids built at run time (`core-error-<code>`, `core-rejected-<kind>`) must exist in both languages.
    #[test]
    fn every_generated_message_id_exists() {
        let errors = [
            CoreError::NewerDatabase { found: 2, known: 1 },
            CoreError::Corrupt(String::new()),
            CoreError::NotJoined,
            CoreError::AlreadyJoined,
            CoreError::Offline(String::new()),
            CoreError::Protocol(String::new()),
            CoreError::BadHubUrl(String::new()),
            CoreError::Io(std::io::Error::other("x")),
            CoreError::Db(rusqlite::Error::InvalidQuery),
            CoreError::StorageFull(String::new()),
        ];
        let kinds = [
            "create_report",
            "comment_report",
            "withdraw_report",
            "rate_report",
            "reopen_report",
            "cast_vote",
            "mark_notice_read",
        ];
        for lang in Lang::ALL {
            for e in &errors {
                let text = e.user_message(lang);
                assert!(!text.starts_with("core-error-"), "{lang}: {text}");
            }
            for kind in kinds {
                let title = rejected_title(lang, kind);
                assert!(!title.starts_with("core-rejected-"), "{lang}: {title}");
            }
            assert_eq!(
                one_line(Lang::ZhCn, "cast_vote", "consultation_closed"),
                "您的投票没有计入：投票已截止，未计入"
            );
            assert!(!reason(lang, "no_such_code").is_empty());
        }
    }
}
