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
