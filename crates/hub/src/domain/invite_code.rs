//! Invitation codes: short enough to read out and type, with no look-alike characters.
use rand::Rng;

/// No 0/O, 1/I/L: what staff read aloud is what the resident types.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const LEN: usize = 8;

/// A new random code in its stored (normalized) form, e.g. `ABCDEFGH`.
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// How a code is printed for people: `ABCD-EFGH`.
pub fn display(code: &str) -> String {
    if code.len() == LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

/// What the resident typed, in stored form: case-insensitive, dashes and spaces ignored.
/// `None` when it can't be a code at all (then it is simply wrong).
pub fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b)) {
        Some(code)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_normalize_to_themselves() {
        for _ in 0..100 {
            let c = generate();
            assert_eq!(normalize(&c).as_deref(), Some(c.as_str()));
            assert_eq!(
                normalize(&display(&c).to_lowercase()).as_deref(),
                Some(c.as_str())
            );
        }
    }

    /// 31⁸ ≈ 8.5 × 10¹¹ codes (39.6 bits), drawn from the OS-seeded generator: guessing is left to the
    /// redeem brakes (per address and hub-wide, see `api::throttle`), which allow about a million guesses a week.
    #[test]
    fn codes_have_enough_entropy_and_do_not_repeat() {
        let bits = (LEN as f64) * (ALPHABET.len() as f64).log2();
        assert!(bits > 39.0, "{bits} bits");
        let codes: std::collections::HashSet<_> = (0..20_000).map(|_| generate()).collect();
        assert_eq!(codes.len(), 20_000);
        // Every character of the alphabet shows up: nothing skews the draw.
        let used: std::collections::HashSet<_> = codes.iter().flat_map(|c| c.bytes()).collect();
        assert_eq!(used.len(), ALPHABET.len());
    }

    #[test]
    fn look_alikes_are_refused() {
        assert_eq!(normalize("ABCD-EFG0"), None);
        assert_eq!(normalize("ABC"), None);
    }
}
