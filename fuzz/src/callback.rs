//! Callbacks: the body and query-string readers, the caller check and the
//! challenge, each through its C function. Input: byte 0 picks the target
//! (modulo 3), the rest is its input:
//!
//! - 0, [`callback`] on a body: the bytes are the body, in a buffer of
//!   exactly their length. Success gives a view whose every string is
//!   NUL-terminated UTF-8 and agrees with the Rust reader; failure is
//!   `BW_ERR_INVALID_ARGUMENT` naming a known field, with a short message
//!   on one line, and `out` NULL.
//! - 1, a query string: the bytes up to the first NUL (C's view of them).
//! - 2, the caller check: the header, 0xFF, the username, 0xFF, the
//!   password, 0xFF, the realm. The verdict agrees with the scheme, a
//!   header built from the credentials is accepted, and the challenge
//!   escapes the realm so that it reads back whole.

use bwvoice::fuzzing::*;
use bwvoice::{check_callback_auth, parse_callback, parse_callback_query, Callback, CallbackEvent};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr::{null, null_mut};

/// Every field a callback error may name.
const FIELDS: [&str; 48] = [
    "body",
    "query",
    "out",
    "event_type",
    "event_time",
    "account_id",
    "application_id",
    "call_id",
    "call_url",
    "parent_call_id",
    "conference_id",
    "name",
    "from",
    "to",
    "direction",
    "tag",
    "enqueued_time",
    "start_time",
    "answer_time",
    "end_time",
    "digits",
    "digit",
    "terminating_digit",
    "cause",
    "error_message",
    "error_id",
    "sip_response_code",
    "machine_detection_result",
    "recording_id",
    "media_url",
    "duration",
    "file_format",
    "channels",
    "status",
    "transcription",
    "transfer_caller_id",
    "transfer_to",
    "diversion",
    "stir_shaken",
    "uui",
    "sip_call_id",
    "sip_headers",
    "media_stream",
    "original_media_stream",
    "real_time_transcription",
    "original_transcription",
    "reason",
    "realm",
];

pub fn callback(data: &[u8]) {
    let (mode, rest) = data.split_first().unwrap_or((&0, &[]));
    match mode % 3 {
        0 => body(rest),
        1 => query(rest),
        _ => auth(rest),
    }
}

fn body(bytes: &[u8]) {
    let exact = bytes.to_vec();
    let mut out: *mut bw_callback = std::ptr::dangling_mut();
    let mut err = zeroed_error();
    // SAFETY: `exact` has `len` bytes; `out` and `err` are writable.
    let status =
        unsafe { bw_callback_parse(exact.as_ptr().cast(), exact.len(), &mut out, &mut err) };
    judge(status, out, &err, parse_callback(bytes));
}

fn query(bytes: &[u8]) {
    let cut = bytes.split(|&b| b == 0).next().unwrap_or_default();
    let text = CString::new(cut).expect("cut at the first NUL");
    let mut out: *mut bw_callback = std::ptr::dangling_mut();
    let mut err = zeroed_error();
    // SAFETY: a NUL-terminated string; writable `out` and `err`.
    let status = unsafe { bw_callback_parse_query(text.as_ptr(), &mut out, &mut err) };
    match std::str::from_utf8(cut) {
        Ok(q) => judge(status, out, &err, parse_callback_query(q)),
        Err(_) => {
            assert_eq!(status, BW_ERR_INVALID_ARGUMENT);
            assert_eq!(c_text(&err.field), "query");
            assert!(out.is_null());
        }
    }
}

/// An empty `bw_error` of this library's layout.
fn zeroed_error() -> bw_error {
    // SAFETY: every field of `bw_error` is an integer, a bool or a byte
    // array, all valid as zero.
    let mut err: bw_error = unsafe { std::mem::zeroed() };
    err.struct_size = std::mem::size_of::<bw_error>() as u32;
    err
}

/// Checks the C outcome against the Rust reader's, then frees the view.
fn judge(
    status: bw_status,
    out: *mut bw_callback,
    err: &bw_error,
    rust: Result<Callback, bwvoice::Error>,
) {
    match rust {
        Err(e) => {
            assert_eq!(status, BW_ERR_INVALID_ARGUMENT, "{e:?}");
            assert!(out.is_null());
            let field = c_text(&err.field);
            assert!(FIELDS.contains(&field.as_str()), "{field}");
            assert_eq!(Some(field.as_str()), e.field);
            let message = c_text(&err.message);
            assert!(!message.is_empty() && message.len() < 400, "{message}");
            assert!(!message.chars().any(char::is_control), "{message:?}");
        }
        Ok(cb) => {
            assert_eq!(status, BW_OK, "{}", c_text(&err.message));
            // SAFETY: a view the library just made; freed right after.
            unsafe {
                check_view(&*out, &cb);
                bw_callback_free(out);
            }
        }
    }
}

/// A string of a view: NULL, or NUL-terminated UTF-8.
///
/// # Safety
/// `p` is NULL or a string of a live view.
unsafe fn text<'a>(p: *const c_char) -> Option<&'a str> {
    // SAFETY: forwarded.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8"))
}

/// # Safety
/// `p` is NULL or points to `len` pairs of a live view.
unsafe fn pairs(p: *const bw_key_value, len: usize) -> Vec<(String, String)> {
    if p.is_null() {
        assert_eq!(len, 0);
        return Vec::new();
    }
    // SAFETY: forwarded.
    let items = unsafe { std::slice::from_raw_parts(p, len) };
    items
        .iter()
        // SAFETY: strings of the same view.
        .map(|kv| unsafe {
            (
                text(kv.key).unwrap().to_owned(),
                text(kv.value).unwrap().to_owned(),
            )
        })
        .collect()
}

/// # Safety
/// `p` is NULL or points to `len` strings of a live view.
unsafe fn texts(p: *const *const c_char, len: usize) -> Vec<String> {
    if p.is_null() {
        assert_eq!(len, 0);
        return Vec::new();
    }
    // SAFETY: forwarded.
    let items = unsafe { std::slice::from_raw_parts(p, len) };
    // SAFETY: strings of the same view.
    items
        .iter()
        .map(|&t| unsafe { text(t) }.unwrap().to_owned())
        .collect()
}

/// # Safety
/// `text` and `ms` are a time of a live view.
unsafe fn time(t: *const c_char, ms: i64, want: &Option<bwvoice::Timestamp>) {
    // SAFETY: forwarded.
    let got = unsafe { text(t) };
    assert_eq!(got, want.as_ref().map(|w| w.text.as_str()));
    assert_eq!(ms, want.as_ref().map_or(BW_TIME_ABSENT, |w| w.unix_ms));
}

/// The view says what the Rust reader read, field by field.
///
/// # Safety
/// `v` is a live view.
unsafe fn check_view(v: &bw_callback, cb: &Callback) {
    // SAFETY: every pointer below belongs to `v`.
    unsafe {
        assert_eq!(v.struct_size as usize, std::mem::size_of::<bw_callback>());
        assert_eq!(text(v.event_type), Some(cb.event_type.as_str()));
        let code = CallbackEvent::ALL
            .iter()
            .position(|e| *e == CallbackEvent::from_name(&cb.event_type))
            .map_or(BW_CALLBACK_UNKNOWN, |i| i as i32 + 1);
        assert_eq!(v.event, code);
        for (got, want) in [
            (v.account_id, &cb.account_id),
            (v.call_id, &cb.call_id),
            (v.from, &cb.from),
            (v.to, &cb.to),
            (v.tag, &cb.tag),
            (v.digits, &cb.digits),
            (v.cause, &cb.cause),
            (v.reason, &cb.reason),
            (v.uui, &cb.uui),
            (v.status, &cb.status),
        ] {
            assert_eq!(text(got), want.as_deref());
        }
        time(v.event_time, v.event_time_ms, &cb.event_time);
        time(v.start_time, v.start_time_ms, &cb.start_time);
        time(v.end_time, v.end_time_ms, &cb.end_time);
        assert_eq!(v.channels, cb.channels.map_or(-1, |c| c as i32));
        assert_eq!(
            v.sip_response_code,
            cb.sip_response_code.map_or(-1, |c| c as i32)
        );
        assert_eq!(pairs(v.diversion, v.diversion_len), cb.diversion);
        assert_eq!(pairs(v.stir_shaken, v.stir_shaken_len), cb.stir_shaken);
        assert_eq!(pairs(v.sip_headers, v.sip_headers_len), cb.sip_headers);
        assert_eq!(
            v.machine_detection_result.is_null(),
            cb.machine_detection_result.is_none()
        );
        if let (Some(md), Some(want)) = (
            v.machine_detection_result.as_ref(),
            &cb.machine_detection_result,
        ) {
            assert_eq!(text(md.value), want.value.as_deref());
            assert_eq!(text(md.duration), want.duration.as_deref());
        }
        for (got, want) in [
            (v.transcription, &cb.transcription),
            (v.real_time_transcription, &cb.real_time_transcription),
            (v.original_transcription, &cb.original_transcription),
        ] {
            assert_eq!(got.is_null(), want.is_none());
            if let (Some(t), Some(w)) = (got.as_ref(), want) {
                assert_eq!(
                    t.struct_size as usize,
                    std::mem::size_of::<bw_callback_transcription>()
                );
                assert_eq!(text(t.id), w.id.as_deref());
                assert_eq!(text(t.url), w.url.as_deref());
                time(t.completed_time, t.completed_time_ms, &w.completed_time);
                assert_eq!(texts(t.tracks, t.tracks_len), w.tracks);
            }
        }
        for (got, want) in [
            (v.media_stream, &cb.media_stream),
            (v.original_media_stream, &cb.original_media_stream),
        ] {
            assert_eq!(got.is_null(), want.is_none());
            if let (Some(s), Some(w)) = (got.as_ref(), want) {
                assert_eq!(text(s.stream_type), w.stream_type.as_deref());
                time(s.start_time, s.start_time_ms, &w.start_time);
                assert_eq!(texts(s.tracks, s.tracks_len), w.tracks);
            }
        }
    }
}

fn auth(rest: &[u8]) {
    let mut parts = rest.split(|&b| b == 0xFF);
    let mut next = || {
        let part = parts.next().unwrap_or_default();
        CString::new(part.split(|&b| b == 0).next().unwrap_or_default()).expect("no NUL")
    };
    let (header, username, password, realm) = (next(), next(), next(), next());
    let verdict_of = |header: Option<&CStr>| {
        let mut verdict = 0;
        // SAFETY: NUL-terminated strings; writable `verdict`.
        let status = unsafe {
            bw_callback_check_auth(
                header.map_or(null(), CStr::as_ptr),
                username.as_ptr(),
                password.as_ptr(),
                &mut verdict,
                null_mut(),
            )
        };
        (status, verdict)
    };
    let configured = !username.as_bytes().is_empty() && !password.as_bytes().is_empty();
    for header in [None, Some(header.as_c_str())] {
        let (status, verdict) = verdict_of(header);
        if !configured {
            assert_eq!(
                (status, verdict),
                (BW_ERR_INVALID_ARGUMENT, BW_CALLBACK_AUTH_REFUSED)
            );
            continue;
        }
        assert_eq!(status, BW_OK);
        let value = header.map_or(&[][..], |h| h.to_bytes()).trim_ascii();
        let basic = value.len() >= 5
            && value[..5].eq_ignore_ascii_case(b"basic")
            && value.get(5).is_none_or(u8::is_ascii_whitespace);
        let want_challenge = !basic;
        assert_eq!(
            verdict == BW_CALLBACK_AUTH_CHALLENGE,
            want_challenge,
            "{value:?}"
        );
        // The Rust API agrees on UTF-8 text.
        if let (Ok(h), Ok(u), Ok(p)) = (
            header.map(|h| h.to_str()).transpose(),
            username.to_str(),
            password.to_str(),
        ) {
            let rust = check_callback_auth(h, u, p);
            let code = match rust {
                bwvoice::CallbackAuth::Ok => BW_CALLBACK_AUTH_OK,
                bwvoice::CallbackAuth::Challenge => BW_CALLBACK_AUTH_CHALLENGE,
                bwvoice::CallbackAuth::Refused => BW_CALLBACK_AUTH_REFUSED,
            };
            assert_eq!(code, verdict);
        }
    }
    // The header Bandwidth would send is accepted (RFC 7617: no colon in the user).
    if configured && !username.as_bytes().contains(&b':') {
        let mut pair = username.as_bytes().to_vec();
        pair.push(b':');
        pair.extend_from_slice(password.as_bytes());
        let header = CString::new(format!("Basic {}", base64(&pair))).expect("ASCII");
        assert_eq!(verdict_of(Some(&header)), (BW_OK, BW_CALLBACK_AUTH_OK));
    }
    challenge(&realm);
}

fn challenge(realm: &CStr) {
    let mut needed = 0usize;
    let mut buf = vec![0 as c_char; realm.to_bytes().len() * 2 + 16];
    // SAFETY: `buf` has the size given; writable `needed`.
    let status = unsafe {
        bw_callback_challenge(
            realm.as_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut needed,
            null_mut(),
        )
    };
    let printable = realm.to_bytes().iter().all(|b| (0x20..0x7f).contains(b));
    assert_eq!(status == BW_OK, printable, "{realm:?}");
    if status != BW_OK {
        return;
    }
    // SAFETY: the library NUL-terminated it within `buf`.
    let header = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .expect("ASCII");
    assert_eq!(needed, header.len() + 1);
    let quoted = header
        .strip_prefix("Basic realm=\"")
        .and_then(|h| h.strip_suffix('"'))
        .expect(header);
    let mut unescaped = Vec::new();
    let mut chars = quoted.bytes();
    while let Some(b) = chars.next() {
        match b {
            b'\\' => unescaped.push(chars.next().expect("an escape is followed by its byte")),
            b'"' => panic!("an unescaped quote in {header}"),
            b => unescaped.push(b),
        }
    }
    assert_eq!(unescaped, realm.to_bytes());
}

/// Standard base64 with padding, as Bandwidth encodes credentials.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A fixed-size C string of `bw_error`.
fn c_text(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf.iter().map(|&c| c as u8).collect();
    CStr::from_bytes_until_nul(&bytes)
        .expect("NUL-terminated")
        .to_str()
        .expect("UTF-8")
        .to_owned()
}
