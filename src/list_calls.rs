//! "Get calls": the query's filters (validation, query string) and the
//! reply, a page of `callState` objects plus the `Link` to the next page.

use crate::call_state::{CallState, CallStateObject};
use crate::endpoint::push_query_value;
use crate::error::Error;
use crate::json::{malformed, parse_time};
use percent_encoding::percent_decode_str;

/// Most calls one page may hold (the spec's `pageSize` maximum; its
/// default is 1000).
pub const MAX_PAGE_SIZE: u32 = 10_000;
/// Longest `to`, `from` or `disconnect_cause` filter, in characters: an
/// E.164 number has at most 16, and a SIP URI or a cause far fewer than
/// this; the bound keeps the request line short.
pub const MAX_FILTER_CHARS: usize = 256;
/// Longest page token, in characters. Tokens are opaque and short; this
/// only stops a runaway value.
pub const MAX_PAGE_TOKEN_CHARS: usize = 4096;

/// The filters of "Get calls". `None` means "not set, not sent"; the
/// default lists every call Bandwidth still keeps (7 days after hang-up).
///
/// ```
/// use bwvoice::ListCallsQuery;
///
/// let query = ListCallsQuery {
///     to: Some("+19195551234".into()),
///     min_start_time: Some("2022-06-21T19:13:21Z".into()),
///     page_size: Some(10),
///     ..Default::default()
/// };
/// assert!(query.validate().is_ok());
/// assert_eq!(
///     query.to_query(),
///     "?to=%2B19195551234&minStartTime=2022-06-21T19%3A13%3A21Z&pageSize=10"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCallsQuery {
    /// Only calls to this number or SIP URI, as written (e.g. `+19195551234`;
    /// it is encoded here, so never pre-encoded).
    pub to: Option<String>,
    /// Only calls from this number or SIP URI.
    pub from: Option<String>,
    /// Only calls that started at or after this RFC 3339 time.
    pub min_start_time: Option<String>,
    /// Only calls that started at or before this RFC 3339 time.
    pub max_start_time: Option<String>,
    /// Only calls that ended for this cause (`hangup`, `busy`, …).
    pub disconnect_cause: Option<String>,
    /// At most this many calls (1 to [`MAX_PAGE_SIZE`]; Bandwidth's default 1000).
    pub page_size: Option<u32>,
    /// The page to read: a [`CallPage::next_page_token`], as it came.
    pub page_token: Option<String>,
}

impl ListCallsQuery {
    /// Checks every filter, so a bad query is never sent.
    pub fn validate(&self) -> Result<(), Error> {
        for (field, value) in [
            ("to", &self.to),
            ("from", &self.from),
            ("disconnect_cause", &self.disconnect_cause),
        ] {
            if let Some(value) = value {
                check_text(field, value, MAX_FILTER_CHARS)?;
            }
        }
        for (field, value) in [("to", &self.to), ("from", &self.from)] {
            // The spec's own examples show the number pre-encoded; encoded
            // again, it would match no call.
            if value.as_ref().is_some_and(|v| {
                v.get(..3)
                    .is_some_and(|head| head.eq_ignore_ascii_case("%2b"))
            }) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{field} is percent-encoded; pass the number as +1…, it is encoded for you"
                    ),
                ));
            }
        }
        let mut times = [None, None];
        for (slot, (field, value)) in times.iter_mut().zip([
            ("min_start_time", &self.min_start_time),
            ("max_start_time", &self.max_start_time),
        ]) {
            if let Some(value) = value {
                let instant = parse_time(value)
                    .map_err(|why| Error::invalid(field, format!("{field} {why}")))?;
                // RFC 3339 also allows a space there; ISO 8601, which
                // Bandwidth names, does not.
                if !matches!(value.as_bytes().get(10), Some(b'T' | b't')) {
                    return Err(Error::invalid(
                        field,
                        format!("{field} must separate date and time with T"),
                    ));
                }
                *slot = Some(instant);
            }
        }
        if let [Some(min), Some(max)] = times {
            if min > max {
                return Err(Error::invalid(
                    "min_start_time",
                    "min_start_time is later than max_start_time",
                ));
            }
        }
        if let Some(size) = self.page_size {
            if !(1..=MAX_PAGE_SIZE).contains(&size) {
                return Err(Error::invalid(
                    "page_size",
                    format!("page_size is {size}, not 1 to {MAX_PAGE_SIZE}"),
                ));
            }
        }
        if let Some(token) = &self.page_token {
            check_text("page_token", token, MAX_PAGE_TOKEN_CHARS)?;
        }
        Ok(())
    }

    /// The query string: `""` when nothing is set, else `?` and the set
    /// filters in the spec's order, each value percent-encoded.
    pub fn to_query(&self) -> String {
        let page_size = self.page_size.map(|n| n.to_string());
        let mut query = String::new();
        for (name, value) in [
            ("to", &self.to),
            ("from", &self.from),
            ("minStartTime", &self.min_start_time),
            ("maxStartTime", &self.max_start_time),
            ("disconnectCause", &self.disconnect_cause),
            ("pageSize", &page_size),
            ("pageToken", &self.page_token),
        ] {
            if let Some(value) = value {
                query.push(if query.is_empty() { '?' } else { '&' });
                query.push_str(name);
                query.push('=');
                push_query_value(&mut query, value);
            }
        }
        query
    }
}

/// Non-empty, no control characters, at most `max` characters.
fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, format!("{field} is empty")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{field} contains control characters"),
        ));
    }
    crate::request::check_length(field, value, max)
}

/// One page of "Get calls": its calls, oldest first, and the token of the
/// next page, `None` on the last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallPage {
    /// Each call's state, read by the same rules as "Get call state".
    pub calls: Vec<CallState>,
    /// Pass it as [`ListCallsQuery::page_token`], with the same filters, for
    /// the next page.
    pub next_page_token: Option<String>,
}

impl CallPage {
    /// Reads a 200 answer: a JSON array of `callState` objects, and the
    /// value of its `Link` header (several `Link` fields joined with `,`).
    /// A malformed element or `Link` is `Status::Protocol`: a page is never
    /// returned short, nor as the last when it is not.
    pub(crate) fn parse(body: &[u8], link: Option<&str>) -> Result<CallPage, Error> {
        let malformed_list = |why: &str| malformed("call list", why);
        if body.trim_ascii_start().first() != Some(&b'[') {
            return Err(malformed_list("the body is not a JSON array"));
        }
        let objects: Vec<CallStateObject> =
            serde_json::from_slice(body).map_err(|e| malformed_list(&e.to_string()))?;
        let calls = objects
            .into_iter()
            .enumerate()
            .map(|(index, object)| {
                object
                    .into_state()
                    .map_err(|why| malformed_list(&format!("item {index}: {why}")))
            })
            .collect::<Result<_, _>>()?;
        let next_page_token = match link {
            Some(link) => next_page_token(link)?,
            None => None,
        };
        Ok(CallPage {
            calls,
            next_page_token,
        })
    }
}

/// The `pageToken` of the first link whose `rel` includes `next` (RFC 8288),
/// percent-decoded; `None` when no link is `next`.
fn next_page_token(header: &str) -> Result<Option<String>, Error> {
    let bad = |why: &str| malformed("Link header", why);
    let links = parse_links(header).map_err(bad)?;
    let Some(target) = links.into_iter().find_map(|(target, rel)| {
        rel.split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("next"))
            .then_some(target)
    }) else {
        return Ok(None);
    };
    let query = target.split('#').next().unwrap_or_default();
    let raw = query
        .split_once('?')
        .and_then(|(_, query)| {
            query.split('&').find_map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode_str(name).decode_utf8().ok()? == "pageToken").then_some(value)
            })
        })
        .ok_or_else(|| bad("the next link has no pageToken"))?;
    // A literal `+` stays a `+`: tokens are base64-like, never spaced.
    let token = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| bad("the next link's pageToken is not UTF-8"))?;
    check_text("page_token", &token, MAX_PAGE_TOKEN_CHARS).map_err(|e| {
        bad(&format!(
            "the next link's pageToken is unusable: {}",
            e.message
        ))
    })?;
    Ok(Some(token.into_owned()))
}

/// Each link of a `Link` value as (target, rel): `#link-value`, where
/// link-value = `<URI-Reference> *( OWS ";" OWS token [ "=" ( token /
/// quoted-string ) ] )`. Parameter names are case-insensitive; a second
/// `rel` is ignored (RFC 8288 §3.3); a link without one has rel "".
fn parse_links(header: &str) -> Result<Vec<(&str, String)>, &'static str> {
    let mut links = Vec::new();
    let mut rest = header;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Ok(links);
        }
        let (target, after) = rest
            .strip_prefix('<')
            .and_then(|r| r.split_once('>'))
            .ok_or("a link does not start with <URI>")?;
        rest = after;
        let mut rel = None;
        loop {
            rest = rest.trim_start_matches([' ', '\t']);
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let after = after.trim_start_matches([' ', '\t']);
            let name_len = after.find(|c| !is_token_char(c)).unwrap_or(after.len());
            if name_len == 0 {
                return Err("a link parameter has no name");
            }
            let name = &after[..name_len];
            rest = after[name_len..].trim_start_matches([' ', '\t']);
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                (value, rest) = param_value(after.trim_start_matches([' ', '\t']))?;
            }
            if name.eq_ignore_ascii_case("rel") && rel.is_none() {
                rel = Some(value);
            }
        }
        if !(rest.is_empty() || rest.starts_with(',')) {
            return Err("a link is followed by neither , nor ;");
        }
        links.push((target, rel.unwrap_or_default()));
    }
}

/// A token or a quoted-string (with its `\` escapes undone), and the rest.
fn param_value(text: &str) -> Result<(String, &str), &'static str> {
    let Some(quoted) = text.strip_prefix('"') else {
        let len = text.find(|c| !is_token_char(c)).unwrap_or(text.len());
        return Ok((text[..len].to_owned(), &text[len..]));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &quoted[at + 1..])),
            '\\' => value.push(chars.next().ok_or("a quoted string ends in \\")?.1),
            c => value.push(c),
        }
    }
    Err("a quoted string is not closed")
}

/// RFC 9110 `tchar`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

// The tests are a file of their own to keep this one short.
#[cfg(test)]
mod tests;
