//! `linli://join?hub=…&code=…`: the link in the QR code on the office's printed invitation slip. Opening one
//! fills the Join screen (the resident still checks and presses 加入: a link alone never joins a hub), so
//! anything else that arrives the same way — another app's link, a hub that isn't a web address, a code that
//! can't be one — is refused with a plain reason instead of half-filling the form.
use serde::Serialize;
use url::Url;

/// The scheme the app registers (tauri.conf.json's deep-link plugin, the `.deb`'s desktop entry).
pub const SCHEME: &str = "linli";

/// Longer than any slip's link; a longer argument is not read further.
const MAX_LEN: usize = 2048;

/// Same alphabet as the hub's invitation codes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 8;

/// A well-formed join link: what the Join screen is filled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinLink {
    /// The hub's address as printed, without a trailing slash.
    pub hub: String,
    /// The invitation code in the form the slip shows it, `ABCD-EFGH`.
    pub code: String,
}

/// Why a link was refused; each has its message in both locales (`join-link-refused-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JoinLinkError {
    /// Not a `linli://join` link at all (another scheme, another action, unreadable).
    #[error("not a Linli join link")]
    Foreign,
    /// The hub is missing, or not an http(s) address with a host.
    #[error("the link's hub is not an http(s) address")]
    BadHub,
    /// The code is missing or cannot be an invitation code.
    #[error("the link's invitation code is malformed")]
    BadCode,
}

impl JoinLinkError {
    /// The stable reason the window receives; its message id is `join-link-refused-<reason>`.
    pub fn reason(self) -> &'static str {
        match self {
            JoinLinkError::Foreign => "foreign",
            JoinLinkError::BadHub => "bad_hub",
            JoinLinkError::BadCode => "bad_code",
        }
    }
}

/// What the window is told about a link that arrived: fill Join with it, or say why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkOffer {
    Join { hub: String, code: String },
    Refused { reason: &'static str },
}

impl From<Result<JoinLink, JoinLinkError>> for LinkOffer {
    fn from(r: Result<JoinLink, JoinLinkError>) -> Self {
        match r {
            Ok(JoinLink { hub, code }) => LinkOffer::Join { hub, code },
            Err(e) => LinkOffer::Refused { reason: e.reason() },
        }
    }
}

/// Reads a join link. Parameters other than `hub` and `code` are ignored (a later slip may carry more);
/// `hub` or `code` given twice is refused, as the two could disagree.
pub fn parse(link: &str) -> Result<JoinLink, JoinLinkError> {
    let link = link.trim();
    if link.len() > MAX_LEN {
        return Err(JoinLinkError::Foreign);
    }
    let url = Url::parse(link).map_err(|_| JoinLinkError::Foreign)?;
    if url.scheme() != SCHEME {
        return Err(JoinLinkError::Foreign);
    }
    // `linli://join?…` has the action as its host; `linli:join?…` as its path.
    let action = match url.host_str() {
        Some(host) if url.path().is_empty() || url.path() == "/" => host,
        Some(_) => return Err(JoinLinkError::Foreign),
        None => url.path(),
    };
    if !action.eq_ignore_ascii_case("join") || url.fragment().is_some() {
        return Err(JoinLinkError::Foreign);
    }
    let mut hub = None;
    let mut code = None;
    for (key, value) in url.query_pairs() {
        let slot = match key.as_ref() {
            "hub" => &mut hub,
            "code" => &mut code,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(if key == "hub" {
                JoinLinkError::BadHub
            } else {
                JoinLinkError::BadCode
            });
        }
    }
    let hub = hub_address(hub.as_deref().ok_or(JoinLinkError::BadHub)?)?;
    let code = invitation_code(code.as_deref().ok_or(JoinLinkError::BadCode)?)?;
    Ok(JoinLink { hub, code })
}

/// An http(s) address with a host and no credentials in it (a slip never carries a password).
fn hub_address(raw: &str) -> Result<String, JoinLinkError> {
    let url = Url::parse(raw.trim()).map_err(|_| JoinLinkError::BadHub)?;
    let web = matches!(url.scheme(), "http" | "https");
    if !web || url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() {
        return Err(JoinLinkError::BadHub);
    }
    if url.password().is_some() || url.query().is_some() || url.fragment().is_some() {
        return Err(JoinLinkError::BadHub);
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The hub's rule: eight letters or digits from its alphabet, case and dashes or spaces not counting.
fn invitation_code(raw: &str) -> Result<String, JoinLinkError> {
    let code: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err(JoinLinkError::BadCode);
    }
    Ok(format!("{}-{}", &code[..4], &code[4..]))
}

/// The link among a command line's arguments (`linli-app %u` from the desktop entry, or a second start
/// forwarded by single-instance): the first argument after the program that looks like a link at all, so a
/// foreign one is refused rather than silently ignored. `None` when there is none (a plain start).
pub fn in_args<S: AsRef<str>>(args: &[S]) -> Option<Result<JoinLink, JoinLinkError>> {
    args.iter()
        .skip(1)
        .map(AsRef::as_ref)
        .find(|a| {
            a.contains("://")
                || a.get(..SCHEME.len() + 1)
                    .is_some_and(|p| p.eq_ignore_ascii_case("linli:"))
        })
        .map(parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(hub: &str, code: &str) -> Result<JoinLink, JoinLinkError> {
        Ok(JoinLink {
            hub: hub.to_owned(),
            code: code.to_owned(),
        })
    }

    #[test]
    fn a_slips_link_gives_hub_and_code() {
        assert_eq!(
            parse("linli://join?hub=https%3A%2F%2Fhub.example.org%2F&code=ABCD-EFGH"),
            ok("https://hub.example.org", "ABCD-EFGH")
        );
        assert_eq!(
            parse("linli://join?hub=http://127.0.0.1:8787&code=abcdefgh"),
            ok("http://127.0.0.1:8787", "ABCD-EFGH")
        );
        assert_eq!(
            parse("  LINLI:join?code=abcd efgh&hub=https://hub.example.org/linli&v=2 "),
            ok("https://hub.example.org/linli", "ABCD-EFGH")
        );
        assert_eq!(
            parse("linli://join/?hub=https://h.example&code=ABCD-EFGH"),
            ok("https://h.example", "ABCD-EFGH")
        );
    }

    #[test]
    fn foreign_links_are_refused() {
        for link in [
            "https://hub.example.org/join?hub=https://h.example&code=ABCD-EFGH",
            "linli://vote?hub=https://h.example&code=ABCD-EFGH",
            "linli://join/extra?hub=https://h.example&code=ABCD-EFGH",
            "linli://join?hub=https://h.example&code=ABCD-EFGH#x",
            "linlix://join?hub=https://h.example&code=ABCD-EFGH",
            "join?hub=https://h.example&code=ABCD-EFGH",
            "",
            "://",
        ] {
            assert_eq!(parse(link), Err(JoinLinkError::Foreign), "{link}");
        }
        let long = format!(
            "linli://join?hub=https://h.example&code=ABCD-EFGH&x={}",
            "a".repeat(MAX_LEN)
        );
        assert_eq!(parse(&long), Err(JoinLinkError::Foreign));
    }

    #[test]
    fn a_hub_that_is_not_a_web_address_is_refused() {
        for hub in [
            "",
            "file:///etc/passwd",
            "ftp://hub.example.org",
            "javascript:alert(1)",
            "hub.example.org",
            "https://",
            "https://user:secret@hub.example.org",
            "https://hub.example.org/?next=elsewhere",
        ] {
            let link = format!("linli://join?hub={}&code=ABCD-EFGH", urlencode(hub));
            assert_eq!(parse(&link), Err(JoinLinkError::BadHub), "{hub}");
        }
        assert_eq!(
            parse("linli://join?code=ABCD-EFGH"),
            Err(JoinLinkError::BadHub)
        );
        assert_eq!(
            parse("linli://join?hub=https://a.example&hub=https://b.example&code=ABCD-EFGH"),
            Err(JoinLinkError::BadHub)
        );
    }

    #[test]
    fn a_code_that_cannot_be_one_is_refused() {
        for code in [
            "",
            "ABCD",
            "ABCD-EFGH-J",
            "ABCD-EF0H",
            "ABCD-EFG1",
            "邻里邻里邻里邻里",
            "ABCD_EFGH",
        ] {
            let link = format!(
                "linli://join?hub=https://h.example&code={}",
                urlencode(code)
            );
            assert_eq!(parse(&link), Err(JoinLinkError::BadCode), "{code}");
        }
        assert_eq!(
            parse("linli://join?hub=https://h.example"),
            Err(JoinLinkError::BadCode)
        );
        assert_eq!(
            parse("linli://join?hub=https://h.example&code=ABCD-EFGH&code=JKMN-PQRS"),
            Err(JoinLinkError::BadCode)
        );
    }

    #[test]
    fn the_link_is_found_among_arguments() {
        assert_eq!(in_args(&["linli-app"]), None);
        assert_eq!(in_args(&["linli-app", "--verbose"]), None);
        assert_eq!(
            in_args(&[
                "/usr/bin/linli-app",
                "linli://join?hub=https://h.example&code=ABCD-EFGH"
            ]),
            Some(ok("https://h.example", "ABCD-EFGH"))
        );
        assert_eq!(
            in_args(&["linli-app", "https://evil.example/join"]),
            Some(Err(JoinLinkError::Foreign))
        );
        assert_eq!(
            in_args(&["linli-app", "linli:nonsense"]),
            Some(Err(JoinLinkError::Foreign))
        );
        // The program's own path is never taken for a link.
        assert_eq!(
            in_args(&["linli://join?hub=https://h.example&code=ABCD-EFGH"]),
            None
        );
    }

    #[test]
    fn the_window_gets_a_reason_it_has_words_for() {
        use linli_i18n::{message, Lang};
        for e in [
            JoinLinkError::Foreign,
            JoinLinkError::BadHub,
            JoinLinkError::BadCode,
        ] {
            let offer = LinkOffer::from(Err(e));
            assert_eq!(offer, LinkOffer::Refused { reason: e.reason() });
            let id = format!("join-link-refused-{}", e.reason());
            for lang in [Lang::ZhCn, Lang::EnUs] {
                assert_ne!(message(lang, &id), id, "{id} missing in {lang:?}");
            }
        }
        let json =
            serde_json::to_value(LinkOffer::from(ok("https://h.example", "ABCD-EFGH"))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "join", "hub": "https://h.example", "code": "ABCD-EFGH"})
        );
    }

    fn urlencode(s: &str) -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }
}
