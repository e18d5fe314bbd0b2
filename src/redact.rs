//! Keeping secrets out of error text. Servers and proxies sometimes echo
//! the request in an error body; whatever of it reaches an [`crate::Error`]
//! passes through [`scrub`] first.

/// Replaces what stands for a secret.
pub const REDACTED: &str = "<redacted>";

/// `text` with every occurrence of a secret, and the value after any
/// `Authorization` (header or JSON key), replaced by [`REDACTED`], and
/// control characters replaced by spaces (server text must not forge log
/// lines or terminal escapes).
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    redact_authorization(&out)
}

/// `Authorization: Basic abc` -> `Authorization: Basic <redacted>`, also
/// `"authorization":"Bearer abc"` and `Proxy-Authorization`, any case.
fn redact_authorization(text: &str) -> String {
    const KEY: &str = "authorization";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find(KEY) {
        let mut i = search + found + KEY.len();
        let bytes = text.as_bytes();
        let skip = |i: &mut usize, f: fn(u8) -> bool| {
            while *i < bytes.len() && f(bytes[*i]) {
                *i += 1;
            }
        };
        // A header (`Authorization:`) or a key (`"authorization":`, `=`)
        // must follow, not prose.
        skip(&mut i, |b| matches!(b, b'"' | b'\''));
        if !(i < bytes.len() && matches!(bytes[i], b':' | b'=')) {
            search = i;
            continue;
        }
        // Separators, then an optional scheme word followed by spaces.
        skip(&mut i, |b| {
            matches!(b, b' ' | b'\t' | b'"' | b'\'' | b':' | b'=')
        });
        let word_start = i;
        skip(&mut i, |b| b.is_ascii_alphabetic());
        if i < bytes.len() && bytes[i] == b' ' {
            skip(&mut i, |b| b == b' ');
        } else {
            i = word_start; // no scheme: the value starts here
        }
        let value_start = i;
        skip(&mut i, |b| {
            !matches!(b, b' ' | b'"' | b'\'' | b',' | b';' | b'}' | b'<')
        });
        if i > value_start {
            out.push_str(&text[copied..value_start]);
            out.push_str(REDACTED);
            copied = i;
        }
        search = i.max(search + found + KEY.len());
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_authorization_values_are_removed() {
        let secrets = ["pw-Hq7xR2", "dXNlcjpwdy1IcTd4UjI="];
        for (echo, want) in [
            (
                "bad request: Authorization: Basic dXNlcjpwdy1IcTd4UjI=",
                "bad request: Authorization: Basic <redacted>",
            ),
            (
                r#"{"headers":{"authorization":"Bearer t0k3n.x-y"}}"#,
                r#"{"headers":{"authorization":"Bearer <redacted>"}}"#,
            ),
            ("AUTHORIZATION=abc;next", "AUTHORIZATION=<redacted>;next"),
            (
                "Proxy-Authorization: Basic eHl6",
                "Proxy-Authorization: Basic <redacted>",
            ),
            ("password pw-Hq7xR2 echoed", "password <redacted> echoed"),
            ("line\r\nX-Forged: 1\u{1b}[2J", "line  X-Forged: 1 [2J"),
            ("no authorization here", "no authorization here"),
            ("Authorization:", "Authorization:"),
        ] {
            assert_eq!(scrub(echo, &secrets), want, "{echo:?}");
        }
    }

    #[test]
    fn scrubbing_never_splits_a_character() {
        let text = "é authorization: Bearer ünïcode-tökén ü";
        assert_eq!(scrub(text, &[]), "é authorization: Bearer <redacted> ü");
    }
}
