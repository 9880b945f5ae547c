//! Residents' text shown on a staff member's terminal (`linli-hub admin … list/show`). Text is stored as
//! the resident typed it; on the way to a terminal, control characters (escape sequences can clear the
//! screen, retitle the window, rewrite earlier lines with `\r`, or forge a tab-separated column) and
//! bidirectional overrides (which make text read differently from what it is) become visible `\u{…}`
//! escapes. `--json` output needs none of this: JSON escapes control characters itself.

/// Whether `c` must not reach a terminal as is.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// One line of a listing: newlines become spaces, every other control character an escape.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push(' '),
            c if unsafe_char(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// A block of text: keeps its newlines, escapes every other control character.
pub fn block(s: &str) -> String {
    s.split('\n').map(one_line).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_become_visible() {
        let hostile = "漏水\x1b[2J\x1b]0;pwned\x07\rOK\tcol\u{202E}txt.exe";
        let line = one_line(hostile);
        assert!(!line.chars().any(unsafe_char), "{line}");
        assert!(line.starts_with("漏水\\u{1b}[2J"), "{line}");
        assert!(line.contains("\\u{202e}"), "{line}");
        assert_eq!(one_line("第一行\n第二行"), "第一行 第二行");
        assert_eq!(block("第一行\n第二\r行"), "第一行\n第二\\u{d}行");
        assert_eq!(one_line("楼道灯坏了 (3F)"), "楼道灯坏了 (3F)");
    }
}
