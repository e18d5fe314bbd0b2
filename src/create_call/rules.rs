//! The rules of a create-call request that are more than a range: numbers,
//! URIs, webhook URLs, credentials, display names and `uui` values.

use crate::error::Error;
use crate::request::{check_length, check_url, MAX_CREDENTIAL_CHARS};

/// Longest URL the spec allows in a create-call request.
const MAX_URL_CHARS: usize = 2048;
/// Longest caller display name.
const MAX_DISPLAY_NAME_CHARS: usize = 256;
/// Longest `uui`, parameters and separators included.
const MAX_UUI_CHARS: usize = 350;
/// The only display names allowed when `privacy` is true.
const PRIVATE_DISPLAY_NAMES: [&str; 4] = ["Restricted", "Anonymous", "Private", "Unavailable"];

pub(super) fn check_to(to: &str) -> Result<(), Error> {
    if is_e164(to) || is_sip_uri(to) {
        return Ok(());
    }
    Err(Error::invalid(
        "to",
        "to must be an E.164 number (+ and 2 to 15 digits, the first not 0) or a SIP URI (sip:user@host or sips:user@host, no spaces)",
    ))
}

pub(super) fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    // A country code and at least one more digit: no number is shorter.
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn is_sip_uri(uri: &str) -> bool {
    let rest =
        strip_prefix_ignore_case(uri, "sip:").or_else(|| strip_prefix_ignore_case(uri, "sips:"));
    let Some((user, host)) = rest.and_then(|r| r.split_once('@')) else {
        return false;
    };
    !user.is_empty()
        && !host.is_empty()
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

pub(super) fn check_identifier(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, format!("{field} is empty")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(())
}

/// An absolute http(s) URL of at most 2048 characters: Bandwidth has no
/// BXML document to resolve a relative one against. `https_for` names the
/// credentials that, when set, require https.
pub(super) fn check_webhook_url(
    field: &'static str,
    url: &str,
    https_for: Option<&str>,
) -> Result<(), Error> {
    check_url(field, url)?;
    let https = strip_prefix_ignore_case(url, "https://");
    let after_scheme = https.or_else(|| strip_prefix_ignore_case(url, "http://"));
    let host = after_scheme.and_then(|rest| rest.split(['/', '?', '#']).next());
    if host.is_none_or(str::is_empty) {
        return Err(Error::invalid(
            field,
            format!("{field} must be an absolute http or https URL (http://host/...)"),
        ));
    }
    if let (Some(credentials), None) = (https_for, https) {
        return Err(Error::invalid(
            field,
            format!("{field} must use https when Basic credentials ({credentials}) are set"),
        ));
    }
    check_length(field, url, MAX_URL_CHARS)
}

/// Basic credentials come as a pair: a password alone, or a user name
/// alone, cannot be sent as Basic authentication.
pub(super) fn check_credentials(
    (user_field, user): (&'static str, &Option<String>),
    (password_field, password): (&'static str, &Option<String>),
) -> Result<(), Error> {
    match (user, password) {
        (None, Some(_)) => Err(Error::invalid(
            user_field,
            format!("{user_field} is required with {password_field}"),
        )),
        (Some(user), None) => {
            check_length(user_field, user, MAX_CREDENTIAL_CHARS)?;
            Err(Error::invalid(
                password_field,
                format!("{password_field} is required with {user_field}"),
            ))
        }
        (Some(user), Some(password)) => {
            check_length(user_field, user, MAX_CREDENTIAL_CHARS)?;
            check_length(password_field, password, MAX_CREDENTIAL_CHARS)
        }
        (None, None) => Ok(()),
    }
}

pub(super) fn check_display_name(name: &str, privacy: bool) -> Result<(), Error> {
    check_length("display_name", name, MAX_DISPLAY_NAME_CHARS)?;
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "display_name",
            "display_name contains control characters",
        ));
    }
    if privacy && !PRIVATE_DISPLAY_NAMES.contains(&name) {
        return Err(Error::invalid(
            "display_name",
            "display_name must be Restricted, Anonymous, Private or Unavailable when privacy is true",
        ));
    }
    Ok(())
}

/// A number of seconds in `1..=max`; decimals allowed.
pub(super) fn check_range(field: &'static str, seconds: f64, max: f64) -> Result<(), Error> {
    if !seconds.is_finite() {
        return Err(Error::invalid(
            field,
            format!("{field} is not a finite number"),
        ));
    }
    if !(1.0..=max).contains(&seconds) {
        return Err(Error::invalid(
            field,
            format!("{field} must be between 1 and {max} seconds"),
        ));
    }
    Ok(())
}

/// A positive whole number of seconds (the spec warns that Bandwidth
/// processes decimal machine detection values incorrectly).
pub(super) fn check_whole_seconds(field: &'static str, seconds: f64) -> Result<(), Error> {
    if !seconds.is_finite() {
        return Err(Error::invalid(
            field,
            format!("{field} is not a finite number"),
        ));
    }
    if seconds.fract() != 0.0 {
        return Err(Error::invalid(
            field,
            format!(
                "{field} must be a whole number of seconds (Bandwidth mishandles decimals here)"
            ),
        ));
    }
    if seconds < 1.0 {
        return Err(Error::invalid(field, format!("{field} must be at least 1")));
    }
    Ok(())
}

/// RFC 7433 values as Bandwidth takes them: `data[;name=value]...;encoding=E`
/// with E one of jwt, base64, hex and `data` in that encoding; values
/// separated by commas, no spaces.
pub(super) fn check_uui(uui: &str) -> Result<(), Error> {
    let invalid = |why: String| Err(Error::invalid("uui", why));
    check_length("uui", uui, MAX_UUI_CHARS)?;
    if uui.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid("uui contains whitespace or control characters".into());
    }
    for (index, value) in uui.split(',').enumerate() {
        let n = index + 1;
        let mut parts = value.split(';');
        let data = parts.next().unwrap_or_default();
        let params: Vec<&str> = parts.collect();
        let encoding = params
            .last()
            .and_then(|p| p.split_once('='))
            .filter(|(name, _)| name.eq_ignore_ascii_case("encoding"))
            .map(|(_, encoding)| encoding);
        let Some(encoding) = encoding else {
            return invalid(format!(
                "uui value {n} must end with ;encoding=jwt, ;encoding=base64 or ;encoding=hex"
            ));
        };
        for param in &params[..params.len() - 1] {
            let well_formed = param.split_once('=').is_some_and(|(name, value)| {
                is_token(name) && is_token(value) && !name.eq_ignore_ascii_case("encoding")
            });
            if !well_formed {
                return invalid(format!("uui value {n} has a malformed parameter"));
            }
        }
        let fits = match encoding.to_ascii_lowercase().as_str() {
            "jwt" => is_jwt(data),
            "base64" => is_base64(data),
            "hex" => {
                !data.is_empty()
                    && data.len().is_multiple_of(2)
                    && data.bytes().all(|b| b.is_ascii_hexdigit())
            }
            _ => {
                return invalid(format!(
                    "uui value {n}: the encoding must be jwt, base64 or hex"
                ))
            }
        };
        if !fits {
            return invalid(format!("uui value {n} is not valid {encoding}"));
        }
    }
    Ok(())
}

/// An RFC 3261 token (parameter names and values).
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
}

/// Standard base64, padded or not.
fn is_base64(data: &str) -> bool {
    let unpadded = data.trim_end_matches('=');
    let padding = data.len() - unpadded.len();
    !unpadded.is_empty()
        && padding <= 2
        && (padding == 0 || data.len().is_multiple_of(4))
        && unpadded.len() % 4 != 1
        && unpadded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// A compact JWS: header.payload.signature, each unpadded base64url (the
/// signature is empty for an unsecured token).
fn is_jwt(data: &str) -> bool {
    let parts: Vec<&str> = data.split('.').collect();
    let base64url = |part: &str| {
        part.len() % 4 != 1
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    parts.len() == 3
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && parts.iter().all(|p| base64url(p))
}
