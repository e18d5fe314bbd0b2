//! `bw_create_call_request` and `bw_machine_detection`: the parameters of
//! "Create call", and their conversion into the core's request.

use super::boundary::{enum_error, opt_str, req_str};
use super::growable;
use super::modify_call_request::method;
use crate::create_call::{CreateCallRequest, MachineDetection, MachineDetectionMode};
use crate::error::Error;
use std::os::raw::c_char;

/// An optional boolean of a request: not sent.
pub const BW_BOOL_UNSET: i32 = 0;
/// An optional boolean of a request: `false`.
pub const BW_BOOL_FALSE: i32 = 1;
/// An optional boolean of a request: `true`.
pub const BW_BOOL_TRUE: i32 = 2;

/// `bw_machine_detection.mode`: not sent (Bandwidth's default is async).
pub const BW_MACHINE_DETECTION_UNSET: i32 = 0;
/// `bw_machine_detection.mode`: the `answer` callback waits for the result.
pub const BW_MACHINE_DETECTION_SYNC: i32 = 1;
/// `bw_machine_detection.mode`: the result comes in a
/// `machineDetectionComplete` callback to `callback_url`.
pub const BW_MACHINE_DETECTION_ASYNC: i32 = 2;

/// Answering-machine detection for `bw_create_call_request.machine_detection`.
/// Initialise it with `BW_MACHINE_DETECTION_INIT`; NULL strings and zero
/// numbers are not sent. Every time is in whole seconds: Bandwidth
/// processes decimals incorrectly, so a fraction is refused.
#[repr(C)]
pub struct bw_machine_detection {
    /// `sizeof(bw_machine_detection)`, set by `BW_MACHINE_DETECTION_INIT`.
    pub struct_size: u32,
    /// `BW_MACHINE_DETECTION_UNSET`, `_SYNC` or `_ASYNC`.
    pub mode: i32,
    /// Seconds for the whole detection; then the result is `timeout`.
    pub detection_timeout: f64,
    /// Seconds without speech before the result is `silence`.
    pub silence_timeout: f64,
    /// Seconds of speech from which the speaker counts as a machine.
    pub speech_threshold: f64,
    /// Seconds of silence that end the callee's speech.
    pub speech_end_threshold: f64,
    /// Seconds of silence that end a machine's message (default: `speech_end_threshold`).
    pub machine_speech_end_threshold: f64,
    /// `BW_BOOL_*`: wait until a machine's message ends before reporting it.
    pub delay_result: i32,
    /// Where the `machineDetectionComplete` callback goes (async mode).
    pub callback_url: *const c_char,
    /// `BW_METHOD_*` for `callback_url`.
    pub callback_method: i32,
    /// Basic auth user name for `callback_url` (at most 1024 characters).
    pub username: *const c_char,
    /// Basic auth password for `callback_url` (at most 1024 characters).
    pub password: *const c_char,
    /// Tried when `callback_url` fails to answer.
    pub fallback_url: *const c_char,
    /// `BW_METHOD_*` for `fallback_url`.
    pub fallback_method: i32,
    /// Basic auth user name for `fallback_url`.
    pub fallback_username: *const c_char,
    /// Basic auth password for `fallback_url`.
    pub fallback_password: *const c_char,
}

/// Parameters of "Create call". Initialise it with
/// `BW_CREATE_CALL_REQUEST_INIT` and set the four required strings; a NULL
/// string, a zero number and `BW_*_UNSET` mean "not set, not sent". The
/// library copies what it needs before returning.
#[repr(C)]
pub struct bw_create_call_request {
    /// `sizeof(bw_create_call_request)`, set by `BW_CREATE_CALL_REQUEST_INIT`.
    pub struct_size: u32,
    /// Required: the number to call (E.164, `+15555551212`) or a SIP URI
    /// (`sip:user@host`).
    pub to: *const c_char,
    /// Required: a Bandwidth number of the account (E.164), even with `privacy`.
    pub from: *const c_char,
    /// Required: the application of the `from` number.
    pub application_id: *const c_char,
    /// Required: where Bandwidth fetches the first BXML once the call is
    /// answered (absolute http(s); https when `username` is set).
    pub answer_url: *const c_char,
    /// `BW_METHOD_*` for `answer_url`.
    pub answer_method: i32,
    /// Basic auth user name for `answer_url` (at most 1024 characters).
    pub username: *const c_char,
    /// Basic auth password for `answer_url` (at most 1024 characters).
    pub password: *const c_char,
    /// Tried when `answer_url` fails to answer.
    pub answer_fallback_url: *const c_char,
    /// `BW_METHOD_*` for `answer_fallback_url`.
    pub answer_fallback_method: i32,
    /// Basic auth user name for `answer_fallback_url`.
    pub fallback_username: *const c_char,
    /// Basic auth password for `answer_fallback_url`.
    pub fallback_password: *const c_char,
    /// Where the `disconnect` event goes when the call ends.
    pub disconnect_url: *const c_char,
    /// `BW_METHOD_*` for `disconnect_url`.
    pub disconnect_method: i32,
    /// `BW_BOOL_*`: hide the calling number.
    pub privacy: i32,
    /// Caller name shown (at most 256 characters, no control characters);
    /// with `privacy`, one of `Restricted`, `Anonymous`, `Private`, `Unavailable`.
    pub display_name: *const c_char,
    /// User-To-User headers for a SIP `to`: comma-separated values, each
    /// ending in `;encoding=jwt`, `base64` or `hex`; at most 350 characters.
    pub uui: *const c_char,
    /// Seconds the callee has to answer once ringing, 1 to 300 (default 30).
    pub call_timeout: f64,
    /// Seconds Bandwidth waits for each webhook answer, 1 to 25 (default 15).
    pub callback_timeout: f64,
    /// 1 (first) to 5 (default): the order of the account's queued calls.
    pub priority: u32,
    /// Sent with every callback of the call, at most 4096 characters.
    pub tag: *const c_char,
    /// Answering-machine detection; NULL for none.
    pub machine_detection: *const bw_machine_detection,
}

/// A `bw_create_call_request` as the core's request, after the UTF-8 and
/// enum checks.
///
/// # Safety
/// `req` is NULL or a request of at least `req->struct_size` bytes whose
/// strings are NULL or NUL-terminated, and whose `machine_detection` is
/// NULL or valid likewise.
pub unsafe fn create_call_request(
    req: *const bw_create_call_request,
) -> Result<CreateCallRequest, Error> {
    // SAFETY: caller contract above.
    let req = unsafe { growable::read(req) }?;
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) }.map(|v| v.map(str::to_owned));
    // SAFETY: as above.
    let required = |ptr, field| unsafe { req_str(ptr, field) }.map(str::to_owned);
    Ok(CreateCallRequest {
        to: required(req.to, "to")?,
        from: required(req.from, "from")?,
        application_id: required(req.application_id, "application_id")?,
        answer_url: required(req.answer_url, "answer_url")?,
        answer_method: method("answer_method", req.answer_method)?,
        username: s(req.username, "username")?,
        password: s(req.password, "password")?,
        answer_fallback_url: s(req.answer_fallback_url, "answer_fallback_url")?,
        answer_fallback_method: method("answer_fallback_method", req.answer_fallback_method)?,
        fallback_username: s(req.fallback_username, "fallback_username")?,
        fallback_password: s(req.fallback_password, "fallback_password")?,
        disconnect_url: s(req.disconnect_url, "disconnect_url")?,
        disconnect_method: method("disconnect_method", req.disconnect_method)?,
        privacy: optional_bool("privacy", req.privacy)?,
        display_name: s(req.display_name, "display_name")?,
        uui: s(req.uui, "uui")?,
        call_timeout: number(req.call_timeout),
        callback_timeout: number(req.callback_timeout),
        priority: (req.priority != 0).then_some(req.priority),
        tag: s(req.tag, "tag")?,
        machine_detection: if req.machine_detection.is_null() {
            None
        } else {
            // SAFETY: caller contract above.
            Some(unsafe { machine_detection(req.machine_detection) }?)
        },
    })
}

/// # Safety
/// `md` is a `bw_machine_detection` of at least `md->struct_size` bytes
/// whose strings are NULL or NUL-terminated.
unsafe fn machine_detection(md: *const bw_machine_detection) -> Result<MachineDetection, Error> {
    // SAFETY: caller contract above.
    let md = unsafe { growable::read(md) }?;
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) }.map(|v| v.map(str::to_owned));
    Ok(MachineDetection {
        mode: match md.mode {
            BW_MACHINE_DETECTION_UNSET => None,
            BW_MACHINE_DETECTION_SYNC => Some(MachineDetectionMode::Sync),
            BW_MACHINE_DETECTION_ASYNC => Some(MachineDetectionMode::Async),
            other => return Err(enum_error("machine_detection.mode", other)),
        },
        detection_timeout: number(md.detection_timeout),
        silence_timeout: number(md.silence_timeout),
        speech_threshold: number(md.speech_threshold),
        speech_end_threshold: number(md.speech_end_threshold),
        machine_speech_end_threshold: number(md.machine_speech_end_threshold),
        delay_result: optional_bool("machine_detection.delay_result", md.delay_result)?,
        callback_url: s(md.callback_url, "machine_detection.callback_url")?,
        callback_method: method("machine_detection.callback_method", md.callback_method)?,
        username: s(md.username, "machine_detection.username")?,
        password: s(md.password, "machine_detection.password")?,
        fallback_url: s(md.fallback_url, "machine_detection.fallback_url")?,
        fallback_method: method("machine_detection.fallback_method", md.fallback_method)?,
        fallback_username: s(md.fallback_username, "machine_detection.fallback_username")?,
        fallback_password: s(md.fallback_password, "machine_detection.fallback_password")?,
    })
}

/// A number of a request: 0 is "not sent" (no such field may be 0).
fn number(value: f64) -> Option<f64> {
    (value != 0.0).then_some(value)
}

/// A `BW_BOOL_*` as an optional boolean.
pub fn optional_bool(field: &'static str, value: i32) -> Result<Option<bool>, Error> {
    match value {
        BW_BOOL_UNSET => Ok(None),
        BW_BOOL_FALSE => Ok(Some(false)),
        BW_BOOL_TRUE => Ok(Some(true)),
        other => Err(enum_error(field, other)),
    }
}
