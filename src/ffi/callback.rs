//! `bw_callback`, library-owned: a Voice callback read by
//! `bw_callback_parse` (a POST's JSON body) or `bw_callback_parse_query`
//! (a GET's query string).
//! Its nested objects are in `callback_parts.rs`.

use super::boundary::{ffi_status, ffi_value, req_str};
use super::call_state::bw_key_value;
use super::callback_parts::{
    bw_callback_machine_detection, bw_callback_media_stream, bw_callback_transcription,
    machine_detection, stream, transcription,
};
use super::error::{bw_error, bw_status};
use super::view::{Arena, Owned};
use crate::callback::{
    parse_callback, parse_callback_query, too_large, Callback, CallbackEvent, MAX_CALLBACK_BYTES,
};
use crate::error::Error;
use std::os::raw::c_char;
use std::ptr;

/// What a callback reports (`bw_callback.event`): a `BW_CALLBACK_*`
/// value. Values are appended as Bandwidth adds events; treat one you do
/// not know like `BW_CALLBACK_UNKNOWN` and read `event_type`.
pub type bw_callback_event = i32;

/// Largest callback body `bw_callback_parse` reads, in bytes; a webhook
/// server may refuse a longer one (413) without reading it.
pub const BW_MAX_CALLBACK_BYTES: usize = 65_536;
/// An `eventType` this library does not know: read `event_type`.
pub const BW_CALLBACK_UNKNOWN: bw_callback_event = 0;
pub const BW_CALLBACK_ANSWER: bw_callback_event = 1;
pub const BW_CALLBACK_BRIDGE_COMPLETE: bw_callback_event = 2;
pub const BW_CALLBACK_BRIDGE_TARGET_COMPLETE: bw_callback_event = 3;
pub const BW_CALLBACK_CONFERENCE_CREATED: bw_callback_event = 4;
pub const BW_CALLBACK_CONFERENCE_REDIRECT: bw_callback_event = 5;
pub const BW_CALLBACK_CONFERENCE_MEMBER_JOIN: bw_callback_event = 6;
pub const BW_CALLBACK_CONFERENCE_MEMBER_EXIT: bw_callback_event = 7;
pub const BW_CALLBACK_CONFERENCE_COMPLETED: bw_callback_event = 8;
pub const BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE: bw_callback_event = 9;
pub const BW_CALLBACK_DISCONNECT: bw_callback_event = 10;
pub const BW_CALLBACK_DTMF: bw_callback_event = 11;
pub const BW_CALLBACK_GATHER: bw_callback_event = 12;
pub const BW_CALLBACK_INITIATE: bw_callback_event = 13;
pub const BW_CALLBACK_MACHINE_DETECTION_COMPLETE: bw_callback_event = 14;
/// `recordingComplete`, or `recordComplete` as the documentation spells it.
pub const BW_CALLBACK_RECORDING_COMPLETE: bw_callback_event = 15;
pub const BW_CALLBACK_RECORDING_AVAILABLE: bw_callback_event = 16;
pub const BW_CALLBACK_REDIRECT: bw_callback_event = 17;
pub const BW_CALLBACK_TRANSCRIPTION_AVAILABLE: bw_callback_event = 18;
pub const BW_CALLBACK_TRANSFER_ANSWER: bw_callback_event = 19;
pub const BW_CALLBACK_TRANSFER_COMPLETE: bw_callback_event = 20;
pub const BW_CALLBACK_TRANSFER_DISCONNECT: bw_callback_event = 21;
pub const BW_CALLBACK_MEDIA_STREAM_STARTED: bw_callback_event = 22;
pub const BW_CALLBACK_MEDIA_STREAM_STOPPED: bw_callback_event = 23;
pub const BW_CALLBACK_MEDIA_STREAM_REJECTED: bw_callback_event = 24;
/// `realTimeTranscription*`, also spelt `realtimeTranscription*`.
pub const BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED: bw_callback_event = 25;
pub const BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE: bw_callback_event = 26;
pub const BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED: bw_callback_event = 27;
pub const BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED: bw_callback_event = 28;

/// One Voice callback, from `bw_callback_parse` or
/// `bw_callback_parse_query`. Allocated by the library and read-only: free
/// it with `bw_callback_free`. Strings are NUL-terminated UTF-8 of any
/// length, NULL when the callback did not carry the field (or sent null);
/// times come as the RFC 3339 text sent and as milliseconds since the Unix
/// epoch (`BW_TIME_ABSENT` when absent); nested objects are pointers, NULL
/// when absent. Text Bandwidth documents as a set of values (`direction`,
/// `cause`, `status`, …) is as sent: new values may come at any time.
///
/// Later versions may append fields; `struct_size` is the size the library
/// allocated, so check `struct_size > offsetof(bw_callback, field)` before
/// reading a field an older library may lack.
#[repr(C)]
pub struct bw_callback {
    /// `sizeof(bw_callback)` of the library that allocated it.
    pub struct_size: u32,
    /// `BW_CALLBACK_*`, from `event_type`.
    pub event: bw_callback_event,
    /// `eventType` as sent; never NULL.
    pub event_type: *const c_char,
    pub event_time: *const c_char,
    pub event_time_ms: i64,
    pub account_id: *const c_char,
    pub application_id: *const c_char,
    /// The call (for conference member events: the member's call).
    pub call_id: *const c_char,
    pub call_url: *const c_char,
    /// For the B-leg of a `<Transfer>`: the A-leg's call id.
    pub parent_call_id: *const c_char,
    pub conference_id: *const c_char,
    /// The conference's name.
    pub name: *const c_char,
    /// The caller: E.164, a SIP URI, or `"Private"`, `"Anonymous"`,
    /// `"Restricted"`, `"Unavailable"`: text, not a number.
    pub from: *const c_char,
    pub to: *const c_char,
    /// `"inbound"` or `"outbound"`.
    pub direction: *const c_char,
    pub tag: *const c_char,
    pub enqueued_time: *const c_char,
    pub enqueued_time_ms: i64,
    pub start_time: *const c_char,
    pub start_time_ms: i64,
    pub answer_time: *const c_char,
    pub answer_time_ms: i64,
    pub end_time: *const c_char,
    pub end_time_ms: i64,
    /// `gather`: the digits (empty on a timeout).
    pub digits: *const c_char,
    /// `dtmf`: the digit.
    pub digit: *const c_char,
    /// `gather`: the digit that ended it (empty when none).
    pub terminating_digit: *const c_char,
    /// `"hangup"`, `"busy"`, `"timeout"`, …, `"closed"` (streams), or newer.
    pub cause: *const c_char,
    pub error_message: *const c_char,
    pub error_id: *const c_char,
    /// `disconnect`: the SIP status of a rejected outbound INVITE; -1 when absent.
    pub sip_response_code: i32,
    /// The recording's channels; -1 when absent.
    pub channels: i32,
    pub machine_detection_result: *const bw_callback_machine_detection,
    pub recording_id: *const c_char,
    pub media_url: *const c_char,
    /// The recording's length, ISO 8601.
    pub duration: *const c_char,
    /// `"wav"` or `"mp3"`.
    pub file_format: *const c_char,
    /// The recording's state: `"complete"`, `"partial"`, `"error"`, or newer.
    pub status: *const c_char,
    /// `transcriptionAvailable`'s transcription (the documentation's
    /// real-time transcription examples use this name too).
    pub transcription: *const bw_callback_transcription,
    pub transfer_caller_id: *const c_char,
    pub transfer_to: *const c_char,
    /// `initiate`: the Diversion header's parameters (`origTo`, `reason`,
    /// …), sorted by key; `diversion_len` pairs.
    pub diversion: *const bw_key_value,
    pub diversion_len: usize,
    /// `initiate`: STIR/SHAKEN (`verstat`, `attestationIndicator`, …), sorted by key.
    pub stir_shaken: *const bw_key_value,
    pub stir_shaken_len: usize,
    /// `initiate`: the `User-To-User` header.
    pub uui: *const c_char,
    pub sip_call_id: *const c_char,
    /// `initiate`: the INVITE's `X-` headers (lower-case names), sorted.
    pub sip_headers: *const bw_key_value,
    pub sip_headers_len: usize,
    pub media_stream: *const bw_callback_media_stream,
    /// `mediaStreamRejected`: the stream already running under that name.
    pub original_media_stream: *const bw_callback_media_stream,
    pub real_time_transcription: *const bw_callback_transcription,
    /// `realTimeTranscriptionRejected`: the one already running under that name.
    pub original_transcription: *const bw_callback_transcription,
    /// `mediaStreamRejected`: why.
    pub reason: *const c_char,
}

/// Reads the JSON body of a callback POST: `body_len` bytes at `body`
/// (no NUL needed), at most 65,536. On success writes a new `bw_callback`
/// to `*out`; on failure `*out` is NULL and the status is
/// `BW_ERR_INVALID_ARGUMENT` with `err->field` naming what is wrong:
/// `body` (not JSON, not an object, too large), `event_type` (missing),
/// or the member whose value is of the wrong type, a repeated key, a time
/// that is not RFC 3339, or holds a NUL character. Unknown fields are
/// ignored; an unknown `eventType` is `BW_CALLBACK_UNKNOWN` with every
/// field this library knows.
///
/// # Safety
/// `body` is NULL or has `body_len` readable bytes; `out` is NULL or
/// writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_callback_parse(
    body: *const c_char,
    body_len: usize,
    out: *mut *mut bw_callback,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { clear(out) };
        if body.is_null() {
            return Err(Error::invalid("body", "body is NULL"));
        }
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        if body_len > MAX_CALLBACK_BYTES {
            return Err(too_large("body", body_len));
        }
        // SAFETY: `body` has `body_len` readable bytes (contract above).
        let bytes = unsafe { std::slice::from_raw_parts(body.cast::<u8>(), body_len) };
        let owned = owned_callback(parse_callback(bytes)?)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { out.write(owned.into_raw()) };
        Ok(())
    })
}

/// Reads the query string of a callback GET (with or without its `?`):
/// the same fields, percent-decoded; numbers and booleans from text, an
/// empty value of a field that is not text taken as absent, nested
/// objects from dotted names (`diversion.origTo=…`), `tracks` from
/// comma-separated text. Results and errors as `bw_callback_parse`, field
/// `query` for the whole.
///
/// # Safety
/// `query` is NULL or NUL-terminated; `out` and `err` as for
/// `bw_callback_parse`.
#[no_mangle]
pub unsafe extern "C" fn bw_callback_parse_query(
    query: *const c_char,
    out: *mut *mut bw_callback,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        unsafe { clear(out) };
        // SAFETY: caller contract above.
        let query = unsafe { req_str(query, "query") }?;
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        let owned = owned_callback(parse_callback_query(query)?)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { out.write(owned.into_raw()) };
        Ok(())
    })
}

/// Frees a `bw_callback` with everything it points to. NULL is a no-op.
///
/// # Safety
/// `callback` is NULL or from `bw_callback_parse` / `_query`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_callback_free(callback: *mut bw_callback) {
    ffi_value!((), {
        // SAFETY: caller contract above: from `Owned::into_raw`.
        unsafe { Owned::free(callback) }
    })
}

/// Sets `*out` to NULL when `out` is not NULL.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn clear(out: *mut *mut bw_callback) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { out.write(ptr::null_mut()) };
    }
}

/// The `BW_CALLBACK_*` value of `event`.
pub(crate) fn event_code(event: CallbackEvent) -> bw_callback_event {
    CallbackEvent::ALL
        .iter()
        .position(|e| *e == event)
        .map_or(BW_CALLBACK_UNKNOWN, |i| i as bw_callback_event + 1)
}

pub(super) const WHAT: &str = "callback";

/// `callback` as a library-owned `bw_callback`.
pub fn owned_callback(callback: Callback) -> Result<Box<Owned<bw_callback>>, Error> {
    let mut arena = Arena::default();
    let view = callback_view(&mut arena, callback)?;
    Ok(Owned::new(view, arena))
}

fn pairs(
    arena: &mut Arena,
    field: &str,
    pairs: Vec<(String, String)>,
) -> Result<(*const bw_key_value, usize), Error> {
    let mut out = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        out.push(bw_key_value {
            key: arena.text(WHAT, field, Some(key))?,
            value: arena.text(WHAT, field, Some(value))?,
        });
    }
    Ok(arena.list(out))
}

fn number(value: Option<u32>) -> i32 {
    // The parser keeps only values up to i32::MAX.
    value.map_or(-1, |v| i32::try_from(v).unwrap_or(i32::MAX))
}

/// The C view of `cb`, its strings and nested structs kept in `arena`.
fn callback_view(arena: &mut Arena, cb: Callback) -> Result<bw_callback, Error> {
    let (event_time, event_time_ms) = arena.time(WHAT, "eventTime", cb.event_time)?;
    let (enqueued_time, enqueued_time_ms) = arena.time(WHAT, "enqueuedTime", cb.enqueued_time)?;
    let (start_time, start_time_ms) = arena.time(WHAT, "startTime", cb.start_time)?;
    let (answer_time, answer_time_ms) = arena.time(WHAT, "answerTime", cb.answer_time)?;
    let (end_time, end_time_ms) = arena.time(WHAT, "endTime", cb.end_time)?;
    let (diversion, diversion_len) = pairs(arena, "diversion", cb.diversion)?;
    let (stir_shaken, stir_shaken_len) = pairs(arena, "stirShaken", cb.stir_shaken)?;
    let (sip_headers, sip_headers_len) = pairs(arena, "sipHeaders", cb.sip_headers)?;
    let mut text = |field: &str, value: Option<String>| arena.text(WHAT, field, value);
    let event_type = text("eventType", Some(cb.event_type))?;
    let account_id = text("accountId", cb.account_id)?;
    let application_id = text("applicationId", cb.application_id)?;
    let call_id = text("callId", cb.call_id)?;
    let call_url = text("callUrl", cb.call_url)?;
    let parent_call_id = text("parentCallId", cb.parent_call_id)?;
    let conference_id = text("conferenceId", cb.conference_id)?;
    let name = text("name", cb.name)?;
    let from = text("from", cb.from)?;
    let to = text("to", cb.to)?;
    let direction = text("direction", cb.direction)?;
    let tag = text("tag", cb.tag)?;
    let digits = text("digits", cb.digits)?;
    let digit = text("digit", cb.digit)?;
    let terminating_digit = text("terminatingDigit", cb.terminating_digit)?;
    let cause = text("cause", cb.cause)?;
    let error_message = text("errorMessage", cb.error_message)?;
    let error_id = text("errorId", cb.error_id)?;
    let recording_id = text("recordingId", cb.recording_id)?;
    let media_url = text("mediaUrl", cb.media_url)?;
    let duration = text("duration", cb.duration)?;
    let file_format = text("fileFormat", cb.file_format)?;
    let status = text("status", cb.status)?;
    let transfer_caller_id = text("transferCallerId", cb.transfer_caller_id)?;
    let transfer_to = text("transferTo", cb.transfer_to)?;
    let uui = text("uui", cb.uui)?;
    let sip_call_id = text("sipCallId", cb.sip_call_id)?;
    let reason = text("reason", cb.reason)?;
    Ok(bw_callback {
        struct_size: std::mem::size_of::<bw_callback>() as u32,
        event: event_code(cb.event),
        event_type,
        event_time,
        event_time_ms,
        account_id,
        application_id,
        call_id,
        call_url,
        parent_call_id,
        conference_id,
        name,
        from,
        to,
        direction,
        tag,
        enqueued_time,
        enqueued_time_ms,
        start_time,
        start_time_ms,
        answer_time,
        answer_time_ms,
        end_time,
        end_time_ms,
        digits,
        digit,
        terminating_digit,
        cause,
        error_message,
        error_id,
        sip_response_code: number(cb.sip_response_code),
        channels: number(cb.channels),
        machine_detection_result: machine_detection(arena, cb.machine_detection_result)?,
        recording_id,
        media_url,
        duration,
        file_format,
        status,
        transcription: transcription(arena, "transcription", cb.transcription)?,
        transfer_caller_id,
        transfer_to,
        diversion,
        diversion_len,
        stir_shaken,
        stir_shaken_len,
        uui,
        sip_call_id,
        sip_headers,
        sip_headers_len,
        media_stream: stream(arena, "mediaStream", cb.media_stream)?,
        original_media_stream: stream(arena, "originalMediaStream", cb.original_media_stream)?,
        real_time_transcription: transcription(
            arena,
            "realTimeTranscription",
            cb.real_time_transcription,
        )?,
        original_transcription: transcription(
            arena,
            "originalTranscription",
            cb.original_transcription,
        )?,
        reason,
    })
}

#[cfg(test)]
mod tests;
