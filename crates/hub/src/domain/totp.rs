//! Time-based one-time passwords (TOTP, RFC 6238) for the staff's optional second factor: HMAC-SHA1
//! over the number of 30-second steps since the epoch, dynamically truncated (RFC 4226) to 6 digits.
//! The secret is 160 random bits, given to the staff member's authenticator app once as base32 text
//! and an `otpauth://` URI.
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Steps either side of now a code is still accepted (clock drift, a code typed as it turned over).
pub const WINDOW: i64 = 1;
/// Bytes of a secret (160 bits, the size RFC 4226 recommends for HMAC-SHA1).
pub const SECRET_LEN: usize = 20;

/// A TOTP secret. Its `Debug` shows nothing, so it can't reach a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    pub fn generate() -> TotpSecret {
        let mut b = vec![0u8; SECRET_LEN];
        rand::rng().fill_bytes(&mut b);
        TotpSecret(b)
    }

    pub fn from_bytes(b: Vec<u8>) -> TotpSecret {
        TotpSecret(b)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as authenticator apps take it typed in: RFC 4648 base32, no padding.
    pub fn base32(&self) -> String {
        base32(&self.0)
    }

    /// The `otpauth://totp/…` URI an authenticator app reads (from a QR code or pasted).
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
            pct(issuer),
            pct(account),
            self.base32(),
            pct(issuer)
        )
    }
}

/// The step a Unix time falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP)
}

/// The HOTP value (RFC 4226) of `counter` with `digits` digits.
pub fn hotp(secret: &[u8], counter: i64, digits: u32) -> u32 {
    // HMAC accepts a key of any length, so `new_from_slice` cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&(counter as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[19] & 0x0f);
    let bin = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    bin % 10u32.pow(digits)
}

/// The 6-digit code of `step`, as the app shows it.
pub fn code(secret: &TotpSecret, step: i64) -> String {
    format!(
        "{:0width$}",
        hotp(&secret.0, step, DIGITS),
        width = DIGITS as usize
    )
}

/// The step whose code `given` is, within [`WINDOW`] steps of `now_step`; `None` for a wrong code.
/// Spaces are ignored (apps show `123 456`); the comparison takes the same time whatever matched.
pub fn verify(secret: &TotpSecret, given: &str, now_step: i64) -> Option<i64> {
    let given: String = given.chars().filter(|c| !c.is_whitespace()).collect();
    if given.len() != DIGITS as usize || !given.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut found = None;
    for step in now_step - WINDOW..=now_step + WINDOW {
        let want = code(secret, step);
        let same = want
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buf >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buf << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Percent-encodes everything but unreserved characters (names may be Chinese).
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, the SHA1 rows: the 20-byte ASCII key "12345678901234567890", 8 digits.
    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        let key = b"12345678901234567890";
        for (time, want) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(key, step_at(time), 8), want, "T = {time}");
            // Six digits are the last six of the eight.
            let six = code(&TotpSecret::from_bytes(key.to_vec()), step_at(time));
            assert_eq!(six, format!("{:06}", want % 1_000_000), "T = {time}");
        }
    }

    #[test]
    fn rfc_4226_appendix_d_hotp_vectors() {
        let key = b"12345678901234567890";
        let want = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, w) in want.into_iter().enumerate() {
            assert_eq!(hotp(key, counter as i64, 6), w);
        }
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_no_further() {
        let s = TotpSecret::generate();
        let now = step_at(1_765_000_000);
        assert_eq!(verify(&s, &code(&s, now), now), Some(now));
        assert_eq!(verify(&s, &code(&s, now - 1), now), Some(now - 1));
        assert_eq!(verify(&s, &code(&s, now + 1), now), Some(now + 1));
        let spaced = code(&s, now);
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert_eq!(verify(&s, &spaced, now), Some(now));
        for far in [now - 2, now + 2] {
            let c = code(&s, far);
            // A far step's code could equal a near one's by chance (one in a million each).
            if (now - 1..=now + 1).all(|n| code(&s, n) != c) {
                assert_eq!(verify(&s, &c, now), None);
            }
        }
        assert_eq!(verify(&s, "12345", now), None);
        assert_eq!(verify(&s, "abcdef", now), None);
    }

    #[test]
    fn base32_matches_rfc_4648_and_the_uri_names_the_parameters() {
        // RFC 4648 section 10, without padding.
        for (raw, want) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(raw.as_bytes()), want);
        }
        let s = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(s.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            s.uri("邻里", "a b"),
            "otpauth://totp/%E9%82%BB%E9%87%8C:a%20b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=%E9%82%BB%E9%87%8C&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(format!("{s:?}"), "TotpSecret(…)");
    }
}
