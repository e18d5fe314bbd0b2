//! Service URLs: checking the configured base/token URLs and building
//! each operation's URL with safely encoded ids.

use crate::error::Error;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::net::IpAddr;

/// Voice API base URL used when the configuration leaves it unset.
pub const DEFAULT_BASE_URL: &str = "https://voice.bandwidth.com/api/v2";
/// OAuth2 token endpoint used when the configuration leaves it unset.
pub const DEFAULT_TOKEN_URL: &str = "https://api.bandwidth.com/api/v1/oauth2/token";

/// Checks a service URL: absolute http(s), no credentials or fragments in
/// it, and plain http only to a loopback host so credentials never cross a
/// network in clear text. Returns it without a trailing slash.
pub fn check_service_url(field: &'static str, url: &str) -> Result<String, Error> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("{field} contains whitespace or control characters"),
        ));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| Error::invalid(field, format!("{field} must start with https://")))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain credentials"),
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(Error::invalid(
            field,
            format!("{field} must not have a query or fragment"),
        ));
    }
    let host = host_of(authority);
    if host.is_empty() {
        return Err(Error::invalid(field, format!("{field} has no host")));
    }
    if !host.is_ascii() {
        return Err(Error::invalid(
            field,
            format!("{field} has a non-ASCII host: write it in its ASCII (xn--) form"),
        ));
    }
    let port = authority
        .strip_prefix('[')
        .map_or(authority, |v6| {
            v6.split_once(']').map_or("", |(_, rest)| rest)
        })
        .rsplit_once(':')
        .map(|(_, port)| port);
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |n| n == 0)) {
        return Err(Error::invalid(
            field,
            format!("{field} has an invalid port (1-65535)"),
        ));
    }
    // Whatever else the HTTP client would refuse on every call, refuse now.
    if ureq::http::Uri::try_from(url).is_err() {
        return Err(Error::invalid(field, format!("{field} is not a valid URL")));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(Error::invalid(
                field,
                format!("{field} uses plain http to a non-loopback host; use https"),
            ))
        }
        _ => {
            return Err(Error::invalid(
                field,
                format!("{field} must use https (or http to a loopback host)"),
            ))
        }
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Where a service is, as events report it (OpenTelemetry `server.address`
/// and `server.port`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Server {
    pub address: String,
    pub port: u16,
}

/// The server a checked service URL addresses.
pub fn server_of(url: &str) -> Server {
    let uri = ureq::http::Uri::try_from(url).ok();
    let host = uri.as_ref().and_then(|u| u.host()).unwrap_or_default();
    let default_port = if url.starts_with("http://") { 80 } else { 443 };
    let port = uri
        .as_ref()
        .and_then(|u| u.port_u16())
        .unwrap_or(default_port);
    Server {
        address: host.trim_matches(['[', ']']).to_owned(),
        port,
    }
}

/// The host part of `host[:port]` or `[v6]:port`.
fn host_of(authority: &str) -> &str {
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a path id: non-empty (an empty call id would address the
/// create-call collection), not a dot-segment (a proxy or server that
/// normalises the path turns `calls/..` into the account itself) and free
/// of control characters. Everything else is percent-encoded, so no other
/// id can change the path.
pub fn check_id(field: &'static str, id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::invalid(field, format!("{field} is empty")));
    }
    if id == "." || id == ".." {
        return Err(Error::invalid(
            field,
            format!("{field} is the path segment {id:?}, which URL normalisation removes"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(())
}

/// `{base}/accounts/{account_id}`, the id percent-encoded as one path segment.
pub fn account_url(base: &str, account_id: &str) -> Result<String, Error> {
    check_id("account_id", account_id)?;
    let mut url = String::with_capacity(base.len() + account_id.len() + 64);
    url.push_str(base);
    url.push_str("/accounts/");
    push_segment(&mut url, account_id);
    Ok(url)
}

/// `{base}/accounts/{account_id}/calls/{call_id}` with both ids
/// percent-encoded as single path segments.
pub fn call_url(base: &str, account_id: &str, call_id: &str) -> Result<String, Error> {
    let mut url = account_url(base, account_id)?;
    check_id("call_id", call_id)?;
    url.push_str("/calls/");
    push_segment(&mut url, call_id);
    Ok(url)
}

/// `{base}/accounts/{account_id}/conferences/{conference_id}`.
pub fn conference_url(base: &str, account_id: &str, conference_id: &str) -> Result<String, Error> {
    let mut url = account_url(base, account_id)?;
    check_id("conference_id", conference_id)?;
    url.push_str("/conferences/");
    push_segment(&mut url, conference_id);
    Ok(url)
}

/// `{base}/accounts/{account_id}/conferences/{conference_id}/members/{member_id}`.
pub fn member_url(
    base: &str,
    account_id: &str,
    conference_id: &str,
    member_id: &str,
) -> Result<String, Error> {
    let mut url = conference_url(base, account_id, conference_id)?;
    check_id("member_id", member_id)?;
    url.push_str("/members/");
    push_segment(&mut url, member_id);
    Ok(url)
}

/// Everything but RFC 3986 unreserved characters is percent-encoded, so
/// an id is always exactly one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn push_segment(out: &mut String, segment: &str) {
    out.extend(utf8_percent_encode(segment, SEGMENT));
}

/// Appends `value` percent-encoded as one query component: the same set
/// as a segment, so `+ & = # %` and spaces keep their literal meaning
/// (a raw `+` would reach the server as a space).
pub(crate) fn push_query_value(out: &mut String, value: &str) {
    out.extend(utf8_percent_encode(value, SEGMENT));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_as_single_segments() {
        let url = call_url("https://h/api/v2", "99/00", "c-1?x#y%z é").unwrap();
        assert_eq!(
            url,
            "https://h/api/v2/accounts/99%2F00/calls/c-1%3Fx%23y%25z%20%C3%A9"
        );
        assert_eq!(
            call_url("https://h", "9900000", "c-abc_1.2~3").unwrap(),
            "https://h/accounts/9900000/calls/c-abc_1.2~3"
        );
    }

    #[test]
    fn empty_or_control_ids_are_refused() {
        assert_eq!(
            call_url("https://h", "", "c").unwrap_err().field,
            Some("account_id")
        );
        assert_eq!(
            call_url("https://h", "a", "").unwrap_err().field,
            Some("call_id")
        );
        assert_eq!(
            call_url("https://h", "a", "c\r\n").unwrap_err().field,
            Some("call_id")
        );
        for dots in [".", ".."] {
            let err = call_url("https://h", "a", dots).unwrap_err();
            assert_eq!(err.field, Some("call_id"));
            assert!(err.message.contains("normalisation"), "{}", err.message);
            assert_eq!(
                call_url("https://h", dots, "c").unwrap_err().field,
                Some("account_id")
            );
        }
        // Longer runs of dots and encoded dots are ordinary segments.
        assert_eq!(
            call_url("https://h", "a", "...").unwrap(),
            "https://h/accounts/a/calls/..."
        );
        assert_eq!(
            call_url("https://h", "a", "%2e%2e").unwrap(),
            "https://h/accounts/a/calls/%252e%252e"
        );
    }

    #[test]
    fn servers_of_urls() {
        let server = |address: &str, port| Server {
            address: address.into(),
            port,
        };
        assert_eq!(
            server_of("https://voice.bandwidth.com/api/v2"),
            server("voice.bandwidth.com", 443)
        );
        assert_eq!(
            server_of("http://127.0.0.1:8080/api"),
            server("127.0.0.1", 8080)
        );
        assert_eq!(server_of("http://[::1]:9/x"), server("::1", 9));
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://voice.bandwidth.com/api/v2/",
            "http://127.0.0.1:8080/api/v2",
            "http://127.9.9.9",
            "http://localhost:1/x",
            "http://[::1]:9/api",
        ] {
            check_service_url("base_url", ok).unwrap();
        }
        for bad in [
            "http://voice.bandwidth.com/api/v2",
            "http://10.0.0.1/api",
            "http://[::2]/",
            "ftp://127.0.0.1/",
            "127.0.0.1:80",
            "https://user:pw@host/",
            "https://host/a b",
            "https:///path",
            "https://host/api?x=1",
            "https://host:abc/",
            "https://host:0/",
            "https://host:65536/",
            "http://[::1]:x/",
            "https://bücher.example/",
            "https://ho^st/",
        ] {
            let err = check_service_url("base_url", bad).unwrap_err();
            assert_eq!(err.field, Some("base_url"), "{bad}");
        }
        assert_eq!(
            check_service_url("base_url", "https://h/api/v2/").unwrap(),
            "https://h/api/v2"
        );
    }
}
