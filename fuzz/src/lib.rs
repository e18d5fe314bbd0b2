//! The fuzz harness: entry points that take arbitrary bytes, run the
//! library's real code on them without a network, and panic when an
//! invariant breaks. The targets in `fuzz_targets/` call them under
//! libFuzzer; `tests/fuzz_inputs.rs` in the crate replays the committed
//! inputs (`corpus/`, `regressions/`) through them in `cargo test`. They
//! reach the library's internals through its `fuzzing` feature, and build
//! C strings and structs from fuzz bytes, which needs `unsafe`.
//!
//! Input formats (short inputs are padded with zeros):
//!
//! - [`modify_call`]: byte 0 flags (bit 0 client NULL, bit 1 req NULL, bit 2
//!   err NULL); bytes 1-2 a little-endian mask of NULL strings (bit i =
//!   string i); `state`, `redirect_method`, `redirect_fallback_method` as
//!   i32 LE; `timeout_ms` as u32 LE; then the strings `account_id`,
//!   `call_id`, `redirect_url`, `username`, `password`, `tag`,
//!   `redirect_fallback_url`, `fallback_username`, `fallback_password`
//!   separated by 0xFF. Each reaches C with a NUL appended, so an embedded
//!   NUL cuts it short exactly as it would in C.
//! - [`response`]: HTTP status u16 LE; "now" u64 LE seconds since the epoch;
//!   a flags byte (bit 0: the body was unreadable); the `Retry-After`
//!   value, 0xFF, the body.
//! - [`token_reply`]: a flags byte (bit 0: no body), then the body.
//! - [`replies`]: a kind byte (0 createCall, 1 conference, 2 member, 3 a
//!   page of calls), the `Link` header's value, 0xFF, the body.
//! - [`bxml_check`], [`bxml_build`]: the BXML checker and builder, in
//!   `bxml.rs`.
//! - [`callback`]: a callback's body or query string, the caller check and
//!   the challenge, in `callback.rs`.

// By path, so that tests/fuzz_inputs.rs, which includes this file, finds it too.
#[path = "bxml.rs"]
mod bxml;
pub use bxml::{bxml_build, bxml_check};
#[path = "callback.rs"]
mod callback;
pub use callback::callback;

use bwvoice::fuzzing::*;
use bwvoice::{
    Auth, Client, ClientConfig, Error, ModifyCallRequest, RedirectMethod, RequestedState, Status,
    MAX_CREDENTIAL_CHARS, MAX_TAG_CHARS,
};
use serde_json::{json, Map, Value};
use std::ffi::CStr;
use std::os::raw::c_char;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// The fuzz client's base URL. Nothing is ever sent to it.
const BASE: &str = "http://127.0.0.1:9/api/v2";

/// Every field name an error may carry from `bw_modify_call`.
const MODIFY_CALL_FIELDS: [&str; 16] = [
    "client",
    "account_id",
    "call_id",
    "req",
    "req.struct_size",
    "state",
    "redirect_url",
    "redirect_method",
    "username",
    "password",
    "tag",
    "redirect_fallback_url",
    "redirect_fallback_method",
    "fallback_username",
    "fallback_password",
    "timeout_ms",
];

/// The string arguments, in input order.
const STRINGS: [&str; 9] = [
    "account_id",
    "call_id",
    "redirect_url",
    "username",
    "password",
    "tag",
    "redirect_fallback_url",
    "fallback_username",
    "fallback_password",
];

/// Reads fixed-size fields, padding a short input with zeros.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }
}

fn fuzz_client() -> &'static bw_client {
    static CLIENT: OnceLock<bw_client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let config = ClientConfig {
            base_url: Some(BASE.into()),
            ..ClientConfig::new(Auth::Basic {
                username: "user".into(),
                password: "pass".into(),
            })
        };
        bw_client::new(Client::new(config).expect("fuzz client"))
    })
}

/// `bw_modify_call` from arbitrary bytes down to the wire body, without
/// sending: the C argument conversion, validation, URL and JSON.
pub fn modify_call(data: &[u8]) {
    let mut input = Input(data);
    let [flags] = input.take::<1>();
    let null_mask = u16::from_le_bytes(input.take());
    let state = i32::from_le_bytes(input.take());
    let method = i32::from_le_bytes(input.take());
    let fallback_method = i32::from_le_bytes(input.take());
    let timeout_ms = u32::from_le_bytes(input.take());
    let mut pieces = input.0.split(|&b| b == 0xFF);
    // What C sees for each string: NULL, or the bytes up to the first NUL.
    let buffers: Vec<Option<Vec<u8>>> = (0..STRINGS.len())
        .map(|i| {
            let piece = pieces.next().unwrap_or_default();
            (null_mask & (1 << i) == 0).then(|| [piece, b"\0"].concat())
        })
        .collect();
    let ptr = |i: usize| -> *const c_char {
        buffers[i]
            .as_ref()
            .map_or(std::ptr::null(), |b| b.as_ptr().cast())
    };
    // Bit 3: a struct_size this library does not know (0, or between layouts).
    let size = std::mem::size_of::<bw_modify_call_request>() as u32;
    let struct_size = match flags & 24 {
        0 | 16 => size,
        8 => 0,
        _ => size - 8,
    };
    let req = bw_modify_call_request {
        struct_size,
        state,
        redirect_url: ptr(2),
        redirect_method: method,
        username: ptr(3),
        password: ptr(4),
        tag: ptr(5),
        redirect_fallback_url: ptr(6),
        redirect_fallback_method: fallback_method,
        fallback_username: ptr(7),
        fallback_password: ptr(8),
    };
    let opts = bw_call_options {
        struct_size: std::mem::size_of::<bw_call_options>() as u32,
        timeout_ms,
        flags: 0,
    };
    let client: *const bw_client = if flags & 1 != 0 {
        std::ptr::null()
    } else {
        fuzz_client()
    };
    let req_ptr: *const bw_modify_call_request = if flags & 2 != 0 {
        std::ptr::null()
    } else {
        &req
    };

    // The checks the conversion must fail, worked out independently.
    let text = |i: usize| {
        buffers[i].as_ref().map(|b| {
            let c = CStr::from_bytes_until_nul(b).expect("NUL appended");
            std::str::from_utf8(c.to_bytes())
        })
    };
    let mut expected = Vec::new();
    if client.is_null() {
        expected.push("client");
    }
    for (i, field) in STRINGS.iter().enumerate().take(2) {
        if !matches!(text(i), Some(Ok(_))) {
            expected.push(field);
        }
    }
    if req_ptr.is_null() {
        expected.push("req");
    } else if struct_size != size {
        expected.push("req.struct_size");
    } else {
        for (i, field) in STRINGS.iter().enumerate().skip(2) {
            if matches!(text(i), Some(Err(_))) {
                expected.push(field);
            }
        }
        for (field, value, max) in [
            ("state", state, 2),
            ("redirect_method", method, 2),
            ("redirect_fallback_method", fallback_method, 2),
        ] {
            if !(0..=max).contains(&value) {
                expected.push(field);
            }
        }
    }

    // SAFETY: every pointer is NULL or points into `buffers`, `req` or the
    // static client, all alive until this function returns; every string
    // buffer ends with a NUL.
    let converted = unsafe { modify_call_args(client, ptr(0), ptr(1), req_ptr, &opts) };
    let args = match converted {
        Err(e) => {
            assert!(
                e.field.is_some_and(|f| expected.contains(&f)),
                "conversion failed on {:?}, expected one of {expected:?}",
                e.field
            );
            return check_error(&e, flags & 4 != 0);
        }
        Ok(args) => args,
    };
    assert!(expected.is_empty(), "conversion accepted {expected:?}");
    let s = |i: usize| text(i).map(|t| t.expect("valid UTF-8").to_owned());
    let methods = [None, Some(RedirectMethod::Get), Some(RedirectMethod::Post)];
    let want = ModifyCallRequest {
        state: [
            None,
            Some(RequestedState::Active),
            Some(RequestedState::Completed),
        ][state as usize],
        redirect_url: s(2),
        redirect_method: methods[method as usize],
        username: s(3),
        password: s(4),
        tag: s(5),
        redirect_fallback_url: s(6),
        redirect_fallback_method: methods[fallback_method as usize],
        fallback_username: s(7),
        fallback_password: s(8),
    };
    assert_eq!(args.request, want, "a field was converted wrongly");
    assert_eq!(
        (args.account_id, args.call_id),
        (s(0).unwrap().as_str(), s(1).unwrap().as_str())
    );
    assert_eq!(args.opts.timeout.is_none(), timeout_ms == 0);
    check_prepared(&args, flags & 4 != 0);
}

/// Validation, URL and body of converted arguments, against rules
/// restated here independently of `request.rs` and `endpoint.rs`.
fn check_prepared(args: &ModifyCallArgs, err_null: bool) {
    let req = &args.request;
    let mut broken = Vec::new();
    for (field, id) in [("account_id", args.account_id), ("call_id", args.call_id)] {
        // `.` and `..` would vanish when a server normalises the path.
        if id.is_empty() || id == "." || id == ".." || id.chars().any(char::is_control) {
            broken.push(field);
        }
    }
    if req.state == Some(RequestedState::Completed) {
        for (field, set) in [
            ("redirect_url", req.redirect_url.is_some()),
            ("redirect_method", req.redirect_method.is_some()),
            ("tag", req.tag.is_some()),
        ] {
            if set {
                broken.push(field);
            }
        }
    } else if req.redirect_url.is_none() {
        broken.push("redirect_url");
    }
    for (field, url) in [
        ("redirect_url", &req.redirect_url),
        ("redirect_fallback_url", &req.redirect_fallback_url),
    ] {
        if url.as_deref().is_some_and(|u| !acceptable_url(u)) {
            broken.push(field);
        }
    }
    for (field, value, max) in [
        ("username", &req.username, MAX_CREDENTIAL_CHARS),
        ("password", &req.password, MAX_CREDENTIAL_CHARS),
        (
            "fallback_username",
            &req.fallback_username,
            MAX_CREDENTIAL_CHARS,
        ),
        (
            "fallback_password",
            &req.fallback_password,
            MAX_CREDENTIAL_CHARS,
        ),
        ("tag", &req.tag, MAX_TAG_CHARS),
    ] {
        if value.as_deref().is_some_and(|v| v.chars().count() > max) {
            broken.push(field);
        }
    }

    let prepared = match update_call(BASE, args.account_id, args.call_id, req) {
        Err(e) => {
            assert_eq!(e.status, Status::InvalidArgument);
            assert!(
                e.field.is_some_and(|f| broken.contains(&f)),
                "validation failed on {:?}, expected one of {broken:?}",
                e.field
            );
            return check_error(&e, err_null);
        }
        Ok(prepared) => prepared,
    };
    assert!(broken.is_empty(), "validation accepted {broken:?}");
    assert_eq!(prepared.repeat == Repeat::Idempotent, req.is_hangup());

    // The URL: the base, then exactly accounts/{id}/calls/{id}.
    let path = prepared
        .url
        .strip_prefix(BASE)
        .and_then(|p| p.strip_prefix("/accounts/"))
        .unwrap_or_else(|| panic!("URL {:?} does not start with the base", prepared.url));
    let segments: Vec<&str> = path.split('/').collect();
    assert_eq!(segments.len(), 3, "URL {:?}", prepared.url);
    assert_eq!(segments[1], "calls");
    assert_eq!(percent_decode(segments[0]), args.account_id.as_bytes());
    assert_eq!(percent_decode(segments[2]), args.call_id.as_bytes());

    // The body: a JSON object with exactly the fields set, spec names.
    let body = String::from_utf8(prepared.body.expect("a body").bytes).expect("UTF-8 body");
    let body: Value = serde_json::from_str(&body).expect("body is JSON");
    let mut want = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            want.insert(key.into(), value);
        }
    };
    let state = |s: RequestedState| {
        json!(if s == RequestedState::Active {
            "active"
        } else {
            "completed"
        })
    };
    let method = |m: RedirectMethod| {
        json!(if m == RedirectMethod::Get {
            "GET"
        } else {
            "POST"
        })
    };
    put("state", req.state.map(state));
    put("redirectUrl", req.redirect_url.as_ref().map(|v| json!(v)));
    put("redirectMethod", req.redirect_method.map(method));
    put("username", req.username.as_ref().map(|v| json!(v)));
    put("password", req.password.as_ref().map(|v| json!(v)));
    put("tag", req.tag.as_ref().map(|v| json!(v)));
    put(
        "redirectFallbackUrl",
        req.redirect_fallback_url.as_ref().map(|v| json!(v)),
    );
    put(
        "redirectFallbackMethod",
        req.redirect_fallback_method.map(method),
    );
    put(
        "fallbackUsername",
        req.fallback_username.as_ref().map(|v| json!(v)),
    );
    put(
        "fallbackPassword",
        req.fallback_password.as_ref().map(|v| json!(v)),
    );
    assert_eq!(body, Value::Object(want), "body {body}");
}

/// Bandwidth's URL rule: non-empty, no whitespace or control characters,
/// and a scheme (RFC 3986 syntax) only if it is http or https.
fn acceptable_url(url: &str) -> bool {
    let scheme_ok = match url.split_once(':') {
        Some((scheme, _))
            if scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            ["http", "https"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s))
        }
        _ => true,
    };
    !url.is_empty() && scheme_ok && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Decodes a path segment, panicking on anything but RFC 3986 unreserved
/// characters and `%XX` escapes (so `/ ? # %` can never change the URL).
fn percent_decode(segment: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = segment.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: Vec<u8> = bytes.by_ref().take(2).collect();
            let hex = std::str::from_utf8(&hex).expect("ASCII escape");
            assert!(
                hex.len() == 2 && hex.bytes().all(|h| h.is_ascii_hexdigit()),
                "{segment:?}"
            );
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
        } else {
            assert!(
                b.is_ascii_alphanumeric() || b"-._~".contains(&b),
                "{segment:?}"
            );
            out.push(b);
        }
    }
    out
}

/// The error side of an HTTP response: status mapping, `Retry-After` and
/// the error body, as the transport hands them over.
pub fn response(data: &[u8]) {
    let mut input = Input(data);
    let code = u16::from_le_bytes(input.take());
    let now = u64::from_le_bytes(input.take()) % (1 << 40);
    let [flags] = input.take::<1>();
    let (value, body) = match input.0.iter().position(|&b| b == 0xFF) {
        Some(i) => (&input.0[..i], &input.0[i + 1..]),
        None => (input.0, &[][..]),
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now);
    // What transport.rs does with the header: only a value that is
    // visible ASCII (`HeaderValue::to_str`) reaches the parser.
    let header = ureq::http::HeaderValue::from_bytes(value)
        .ok()
        .and_then(|v| v.to_str().ok().map(str::to_owned));
    let retry_after = header.as_deref().and_then(|v| parse_retry_after(v, now));
    if let Some(delay) = retry_after {
        assert!(delay <= MAX_RETRY_AFTER, "{delay:?}");
    }
    if let Some(Ok(secs)) = header.as_deref().map(|v| v.trim().parse::<u64>()) {
        let want = Duration::from_secs(secs).min(MAX_RETRY_AFTER);
        assert_eq!(retry_after, Some(want));
    }
    let body = (flags & 1 == 0).then_some(body);
    let err = http_error(code, retry_after, body, &[], "call");
    assert_eq!(
        err.status,
        Status::from_http(code).unwrap_or(Status::Protocol)
    );
    assert_eq!((err.http_status, err.retry_after), (code, retry_after));
    assert!(
        err.message.starts_with(&format!("HTTP {code}: ")),
        "{}",
        err.message
    );
    let parsed = body.and_then(parse_error_body);
    for text in [&err.error_type, &err.description, &err.error_id]
        .into_iter()
        .flatten()
    {
        assert!(!text.is_empty() && text.chars().count() <= MAX_FIELD_CHARS);
        // Server text must not forge log lines or terminal escapes.
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    match &parsed {
        Some(p) => {
            let fields = [
                (&p.error_type, &err.error_type),
                (&p.description, &err.description),
                (&p.id, &err.error_id),
            ];
            for (sent, kept) in fields {
                assert_eq!(sent.is_some(), kept.is_some(), "{sent:?} -> {kept:?}");
                let (Some(sent), Some(kept)) = (sent, kept) else {
                    continue;
                };
                // Control characters become spaces; the text changes in no
                // other way unless an Authorization value was redacted.
                let spaced: String = sent
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                if !spaced.to_ascii_lowercase().contains("authorization") {
                    assert_eq!(kept, &spaced);
                }
            }
        }
        // Any other body is described, never echoed.
        None => assert!(err.message.len() < 200, "{}", err.message),
    }
    check_error(&err, false);
}

/// The OAuth2 token reply parser and what is derived from its result.
pub fn token_reply(data: &[u8]) {
    let (flags, body) = data.split_first().unwrap_or((&0, &[]));
    let body = (flags & 1 == 0).then_some(body);
    match parse_token_reply(body) {
        Ok((token, expires_in)) => {
            assert!(!token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()));
            // The token becomes a header value: it must not break the request.
            assert!(ureq::http::HeaderValue::from_str(&format!("Bearer {token}")).is_ok());
            assert!(expires_in > 0);
            let lifetime = Duration::from_secs(expires_in).min(Duration::from_secs(24 * 3600));
            let refresh = refresh_after(expires_in);
            assert!(refresh >= lifetime / 2 && refresh < lifetime, "{refresh:?}");
        }
        Err(why) => check_error(&Error::new(Status::Protocol, why), false),
    }
    if let Some(code) = oauth_error_code(body) {
        assert!(code.len() <= 64 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    }
}

/// An error as C sees it, through the real `fill_error`: a field name
/// for validation errors, a message, and every string NUL-terminated UTF-8.
fn check_error(e: &Error, err_null: bool) {
    assert!(!e.message.is_empty(), "{e:?}");
    if e.status == Status::InvalidArgument {
        assert!(
            e.field.is_some_and(|f| MODIFY_CALL_FIELDS.contains(&f)),
            "{e:?}"
        );
    }
    if err_null {
        // SAFETY: NULL is always allowed.
        let out = unsafe { ErrorOut::new(std::ptr::null_mut()) }.expect("NULL is fine");
        assert_eq!(out.fill(e), e.status as i32);
        return;
    }
    // Whatever the caller's memory held before, the record comes out clean.
    let mut record = bw_error {
        struct_size: std::mem::size_of::<bw_error>() as u32,
        status: -7,
        http_status: -7,
        retry_after_ms: -7,
        attempts: 7,
        field: [0x7F; BW_ERROR_FIELD_LEN],
        error_type: [-1; BW_ERROR_TYPE_LEN],
        description: [-1; BW_ERROR_TEXT_LEN],
        error_id: [0x7F; BW_ERROR_ID_LEN],
        message: [-1; BW_ERROR_TEXT_LEN],
        maybe_applied: true,
    };
    // SAFETY: a whole `bw_error` of this layout, alive until the end.
    let out = unsafe { ErrorOut::new(&mut record) }.expect("a known size");
    out.clear();
    assert_eq!(out.fill(e), e.status as i32);
    assert_eq!(record.status, e.status as i32);
    assert_eq!(c_text(&record.field), e.field.unwrap_or(""));
    for text in [
        &record.error_type[..],
        &record.description,
        &record.error_id,
    ] {
        c_text(text);
    }
    let message = c_text(&record.message);
    assert!(!message.is_empty() && e.message.starts_with(&message));
}

/// A fixed-size C string: it must hold a NUL, and valid UTF-8 before it.
fn c_text(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf.iter().map(|&c| c as u8).collect();
    let text = CStr::from_bytes_until_nul(&bytes).expect("NUL-terminated");
    text.to_str().expect("valid UTF-8").to_owned()
}

/// The readers of a 2xx answer from a hostile server: createCall's, a
/// conference's, a member's and a page of calls with its `Link` header,
/// each through to its C view. Input: a kind byte, the `Link` value, 0xFF,
/// the body. Anything but a reply of the spec's shape is `Protocol`, with a
/// clean message; nothing panics.
pub fn replies(data: &[u8]) {
    let (kind, rest) = data.split_first().unwrap_or((&0, &[]));
    let (link, body) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    // What transport.rs does with the header: only visible ASCII reaches the reader.
    let link = ureq::http::HeaderValue::from_bytes(link)
        .ok()
        .and_then(|v| v.to_str().ok().map(str::to_owned));
    if let Err(e) = read_reply(*kind, body, link.as_deref()) {
        assert_eq!(e.status, Status::Protocol, "{e:?}");
        assert!(e.message.starts_with("malformed "), "{}", e.message);
        assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
        check_error(&e, false);
    }
}
