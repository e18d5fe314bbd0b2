//! Checking who sends a callback. Bandwidth authenticates callbacks with
//! HTTP Basic, challenge first (RFC 7235): it sends the callback without
//! credentials, and only after a `401` carrying `WWW-Authenticate: Basic
//! realm="…"` sends it again with them. A `401` without that header ends
//! the exchange: the callback is never delivered.

use crate::error::Error;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use subtle::ConstantTimeEq;

/// What to answer a callback request, from its `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackAuth {
    /// The expected Basic credentials: handle the callback.
    Ok,
    /// No credentials, or not Basic ones: answer `401 Unauthorized` with
    /// `WWW-Authenticate:` [`challenge_header`], and Bandwidth sends the
    /// callback again with its credentials.
    Challenge,
    /// Basic credentials that are wrong or malformed: answer `403
    /// Forbidden`, without a challenge. A `401` with a challenge would
    /// invite Bandwidth to send the same credentials again; `403` says they
    /// were understood and refused (RFC 9110, 15.5.4), and ends it.
    Refused,
}

/// Standard base64 (RFC 4648), padding optional: some senders leave it out.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Checks a callback request's `Authorization` header (`None` when it has
/// none) against the credentials set for callbacks on the Voice
/// application, the call or the BXML verb.
///
/// The scheme's case and the whitespace around and between the parts do
/// not matter (`basic  dXNlcjpwYXNz `). Both the username and the password
/// are compared in constant time (as fixed-size SHA-256 digests), whatever
/// their lengths, so the answer's timing says nothing about either. Empty
/// expected credentials never match: they mean nothing was configured.
///
/// ```
/// use bwvoice::{check_callback_auth, CallbackAuth};
///
/// // "bw-user:s3cret", as Bandwidth sends it after the challenge.
/// let header = Some("Basic YnctdXNlcjpzM2NyZXQ=");
/// assert_eq!(check_callback_auth(header, "bw-user", "s3cret"), CallbackAuth::Ok);
/// assert_eq!(check_callback_auth(None, "bw-user", "s3cret"), CallbackAuth::Challenge);
/// assert_eq!(check_callback_auth(header, "bw-user", "other"), CallbackAuth::Refused);
/// ```
pub fn check_callback_auth(
    authorization: Option<&str>,
    username: &str,
    password: &str,
) -> CallbackAuth {
    check_bytes(
        authorization.map(str::as_bytes),
        username.as_bytes(),
        password.as_bytes(),
    )
}

/// [`check_callback_auth`] on bytes, as C hands a header over: a header
/// that is not UTF-8 is judged like any other.
pub(crate) fn check_bytes(
    authorization: Option<&[u8]>,
    username: &[u8],
    password: &[u8],
) -> CallbackAuth {
    let value = authorization.unwrap_or_default().trim_ascii();
    if value.is_empty() {
        return CallbackAuth::Challenge;
    }
    let (scheme, credentials) = match value.iter().position(u8::is_ascii_whitespace) {
        Some(at) => (&value[..at], value[at..].trim_ascii()),
        None => (value, &[][..]),
    };
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return CallbackAuth::Challenge;
    }
    // One token68: nothing, or a space inside, is malformed.
    if credentials.is_empty() || credentials.iter().any(u8::is_ascii_whitespace) {
        return CallbackAuth::Refused;
    }
    let Ok(decoded) = BASE64.decode(credentials) else {
        return CallbackAuth::Refused;
    };
    // RFC 7617: the user-id ends at the first colon.
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return CallbackAuth::Refused;
    };
    let user_matches = same(&decoded[..colon], username);
    let password_matches = same(&decoded[colon + 1..], password);
    let configured = !username.is_empty() && !password.is_empty();
    if bool::from(user_matches & password_matches) && configured {
        CallbackAuth::Ok
    } else {
        CallbackAuth::Refused
    }
}

/// Whether `a` and `b` are equal, in time that depends on their lengths
/// only through hashing them: the digests are compared without an early
/// exit.
fn same(a: &[u8], b: &[u8]) -> subtle::Choice {
    let digest = |bytes: &[u8]| ring::digest::digest(&ring::digest::SHA256, bytes);
    digest(a).as_ref().ct_eq(digest(b).as_ref())
}

/// The `WWW-Authenticate` value that asks Bandwidth for its credentials:
/// `Basic realm="…"`, the realm's `"` and `\` escaped. The realm is any
/// text you like (Bandwidth's own example is empty); control characters and
/// anything but ASCII are refused (field `realm`), as header values cannot
/// safely carry them.
///
/// ```
/// assert_eq!(bwvoice::challenge_header("voice")?, r#"Basic realm="voice""#);
/// assert_eq!(bwvoice::challenge_header(r#"a "b" \c"#)?, r#"Basic realm="a \"b\" \\c""#);
/// # Ok::<(), bwvoice::Error>(())
/// ```
pub fn challenge_header(realm: &str) -> Result<String, Error> {
    let mut header = String::with_capacity(realm.len() + 16);
    header.push_str("Basic realm=\"");
    for (at, c) in realm.char_indices() {
        if c.is_control() || !c.is_ascii() {
            let what = if c.is_control() {
                "a control character"
            } else {
                "a character that is not ASCII"
            };
            return Err(Error::invalid(
                "realm",
                format!("realm has {what} at byte {at}; a header value cannot carry it"),
            ));
        }
        if c == '"' || c == '\\' {
            header.push('\\');
        }
        header.push(c);
    }
    header.push('"');
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallbackAuth::{Challenge, Ok, Refused};

    fn basic(user_pass: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_pass)
        )
    }

    #[test]
    fn every_verdict() {
        let cases = [
            (None, Challenge),
            (Some(String::new()), Challenge),
            (Some("   \t ".into()), Challenge),
            (Some("Bearer abc.def".into()), Challenge),
            (Some("Digest username=\"bw\"".into()), Challenge),
            (Some("Basicabc".into()), Challenge),
            (Some(basic("bw:pa:ss")), Ok),
            (Some("basic Ync6cGE6c3M=".into()), Ok),
            (Some("BASIC Ync6cGE6c3M=".into()), Ok),
            (Some("  Basic \t  Ync6cGE6c3M=  ".into()), Ok),
            (Some("Basic Ync6cGE6c3M".into()), Ok),
            (Some("Basic".into()), Refused),
            (Some("Basic    ".into()), Refused),
            (Some("Basic Ync6 cGE6c3M=".into()), Refused),
            (Some("Basic !!!not-base64!!!".into()), Refused),
            (Some("Basic YnctcGEtc3M=".into()), Refused),
            (Some(basic("bw:pa:sS")), Refused),
            (Some(basic("bw:pa:s")), Refused),
            (Some(basic("bw:pa:sss")), Refused),
            (Some(basic("Bw:pa:ss")), Refused),
            (Some(basic(":pa:ss")), Refused),
            (Some(basic("bw:")), Refused),
        ];
        for (header, want) in cases {
            let header = header.as_deref();
            assert_eq!(
                check_callback_auth(header, "bw", "pa:ss"),
                want,
                "{header:?}"
            );
        }
    }

    #[test]
    fn empty_expected_credentials_never_match() {
        assert_eq!(check_callback_auth(Some(&basic(":")), "", ""), Refused);
        assert_eq!(check_callback_auth(Some(&basic("u:")), "u", ""), Refused);
        assert_eq!(check_callback_auth(Some(&basic(":p")), "", "p"), Refused);
        assert_eq!(check_callback_auth(None, "", ""), Challenge);
    }

    #[test]
    fn headers_that_are_not_utf8_are_judged_too() {
        assert_eq!(check_bytes(Some(b"Basic \xff\xfe"), b"u", b"p"), Refused);
        assert_eq!(check_bytes(Some(b"\xffBasic"), b"u", b"p"), Challenge);
        assert_eq!(check_bytes(Some(b"Basic dTpw"), b"u", b"p"), Ok);
    }

    #[test]
    fn challenges() {
        assert_eq!(challenge_header("").unwrap(), "Basic realm=\"\"");
        assert_eq!(
            challenge_header("Voice app, room \"B\" \\ 2").unwrap(),
            "Basic realm=\"Voice app, room \\\"B\\\" \\\\ 2\""
        );
        for (realm, why) in [
            ("a\r\nSet-Cookie: x", "a control character at byte 1"),
            ("tab\there", "a control character at byte 3"),
            ("nul\0", "a control character at byte 3"),
            ("del\u{7f}", "a control character at byte 3"),
            ("café", "not ASCII at byte 3"),
        ] {
            let err = challenge_header(realm).unwrap_err();
            assert_eq!(err.field, Some("realm"));
            assert!(err.message.contains(why), "{realm:?}: {}", err.message);
        }
    }
}
