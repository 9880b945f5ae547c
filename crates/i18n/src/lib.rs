//! The resident's language. Every user-visible string of the hub, the core and the CLI comes from the Fluent
//! files in `locales/<lang>/*.ftl`, embedded at build time; the app's UI reads the same files.
//!
//! zh-CN is the default and en-US the fallback: a message missing in the asked language falls back to the
//! other, and the test in this crate fails whenever the two languages don't define the same messages.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use linli_proto::ErrorCode;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

include!(concat!(env!("OUT_DIR"), "/ftl_files.rs"));

/// The languages Linli speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en-US")]
    EnUs,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::EnUs];

    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::EnUs => "en-US",
        }
    }

    /// Accepts "zh-CN", "zh", "zh_CN.UTF-8", "en", "en-US", … case-insensitively.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if s.starts_with("en") {
            Some(Lang::EnUs)
        } else {
            None
        }
    }

    /// The language of the person at the terminal (`LC_ALL`, `LC_MESSAGES`, `LANG`; zh-CN when none
    /// names a supported one): what command-line programs answer in.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find_map(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    /// The first supported language of an HTTP `Accept-Language` header, zh-CN when none is.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::default();
        };
        let mut tags: Vec<(f32, &str)> = header
            .split(',')
            .map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next().unwrap_or("").trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q, tag)
            })
            .collect();
        // Stable sort keeps header order among equal weights.
        tags.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        tags.iter()
            .find_map(|(_, t)| Lang::parse(t))
            .unwrap_or_default()
    }

    fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::EnUs,
            Lang::EnUs => Lang::ZhCn,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

struct Bundles {
    by_lang: HashMap<Lang, FluentBundle<FluentResource>>,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        let mut by_lang = HashMap::new();
        for lang in Lang::ALL {
            let langid: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Without this, U+2068/U+2069 marks end up around every argument, in tests and in read-aloud.
            bundle.set_use_isolating(false);
            for (file_lang, _name, source) in FTL_FILES {
                if *file_lang != lang.tag() {
                    continue;
                }
                // A syntax error in one message keeps the rest of the file: the parser recovers per entry,
                // and `every_file_parses` below fails the build's tests when that happens.
                let resource = match FluentResource::try_new((*source).to_owned()) {
                    Ok(r) => r,
                    Err((r, _errors)) => r,
                };
                bundle.add_resource_overriding(resource);
            }
            by_lang.insert(lang, bundle);
        }
        Bundles { by_lang }
    })
}

fn format_in(lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = bundles().by_lang.get(&lang)?;
    let message = bundle.get_message(id)?;
    let pattern = message.value()?;
    let mut errors = vec![];
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// A message in `lang`, falling back to the other language, then to the id itself (so a missing message shows
/// up visibly instead of as an empty string).
pub fn message(lang: Lang, id: &str) -> String {
    format_in(lang, id, None)
        .or_else(|| format_in(lang.other(), id, None))
        .unwrap_or_else(|| id.to_owned())
}

/// A message with named arguments, e.g. `message_args(lang, "pending-count", &[("count", 3.into())])`.
pub fn message_args(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Str(s) => fluent_args.set(*name, FluentValue::from(s.clone())),
            Arg::Num(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    format_in(lang, id, Some(&fluent_args))
        .or_else(|| format_in(lang.other(), id, Some(&fluent_args)))
        .unwrap_or_else(|| id.to_owned())
}

/// A Fluent argument: text or a number (numbers select plural forms).
#[derive(Debug, Clone)]
pub enum Arg {
    Str(String),
    Num(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(n as f64)
    }
}

/// The message id for an error code: `consultation_closed` → `error-consultation-closed`.
pub fn error_message_id(code: ErrorCode) -> String {
    format!("error-{}", code.as_str().replace('_', "-"))
}

/// What the hub or the device tells the resident when `code` happens, in their language.
pub fn error_message(lang: Lang, code: ErrorCode) -> String {
    message(lang, &error_message_id(code))
}

/// Every message id defined in `lang`, for completeness checks.
pub fn message_ids(lang: Lang) -> Vec<String> {
    let mut ids = Vec::new();
    for (file_lang, _name, source) in FTL_FILES {
        if *file_lang != lang.tag() {
            continue;
        }
        let resource = match fluent_syntax::parser::parse(*source) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        for entry in resource.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                ids.push(m.id.name.to_owned());
            }
        }
    }
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_file_parses() {
        for (lang, name, source) in FTL_FILES {
            if let Err((_, errors)) = fluent_syntax::parser::parse(*source) {
                panic!("{lang}/{name}: {errors:?}");
            }
        }
    }

    #[test]
    fn both_languages_define_the_same_messages_per_file() {
        let files = |lang: Lang| -> BTreeSet<&str> {
            FTL_FILES
                .iter()
                .filter(|(l, _, _)| *l == lang.tag())
                .map(|(_, n, _)| *n)
                .collect()
        };
        assert_eq!(
            files(Lang::ZhCn),
            files(Lang::EnUs),
            "the same .ftl files in both languages"
        );
        let zh: BTreeSet<String> = message_ids(Lang::ZhCn).into_iter().collect();
        let en: BTreeSet<String> = message_ids(Lang::EnUs).into_iter().collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing in en-US: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
    }

    #[test]
    fn no_duplicate_ids_within_a_language() {
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            let unique: BTreeSet<_> = ids.iter().collect();
            assert_eq!(ids.len(), unique.len(), "duplicate message ids in {lang}");
        }
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        for lang in Lang::ALL {
            for code in ErrorCode::all() {
                let id = error_message_id(code);
                assert!(
                    format_in(lang, &id, None).is_some(),
                    "{lang}: no message {id}"
                );
            }
        }
    }

    #[test]
    fn late_vote_reads_plainly() {
        assert_eq!(
            error_message(Lang::ZhCn, ErrorCode::ConsultationClosed),
            "投票已截止，未计入"
        );
        assert_eq!(
            error_message(Lang::EnUs, ErrorCode::ConsultationClosed),
            "Voting had closed; your vote was not counted"
        );
    }

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(Lang::from_accept_language(None), Lang::ZhCn);
        assert_eq!(
            Lang::from_accept_language(Some("en-US,en;q=0.9")),
            Lang::EnUs
        );
        assert_eq!(
            Lang::from_accept_language(Some("fr;q=1, zh-CN;q=0.8, en;q=0.5")),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::ZhCn);
    }

    #[test]
    fn unknown_message_shows_its_id_and_args_have_no_isolation_marks() {
        assert_eq!(message(Lang::EnUs, "no-such-message"), "no-such-message");
        let text = message_args(
            Lang::ZhCn,
            "error-field-too-long-detail",
            &[("field", "text".into()), ("max", 2000i64.into())],
        );
        assert!(!text.contains('\u{2068}'), "{text:?}");
        assert!(text.contains("2000"), "{text:?}");
    }
}
