//! `bw_call_state`, library-owned: the C view of a [`CallState`] and the
//! strings it points into, in one allocation freed by `bw_call_state_free`.

use super::boundary::ffi_value;
use super::view::{Arena, Owned};
use crate::call_state::{CallState, Timestamp};
use crate::error::Error;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;

/// A `*_ms` time of a result (`bw_call_state`, `bw_conference`, …) that
/// the server did not report.
pub const BW_TIME_ABSENT: i64 = i64::MIN;

/// One key and its value, e.g. a STIR/SHAKEN property.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct bw_key_value {
    pub key: *const c_char,
    pub value: *const c_char,
}

/// A call's state as `bw_get_call_state` read it (Bandwidth's `callState`).
/// Allocated by the library and read-only: free it with
/// `bw_call_state_free`. Strings are NUL-terminated UTF-8 of any length,
/// never truncated, valid until the free; NULL means the server sent null
/// or nothing. Times come twice: the RFC 3339 text as sent and
/// milliseconds since the Unix epoch (`BW_TIME_ABSENT` when absent).
///
/// `state`, `direction` and `disconnect_cause` are the server's text:
/// Bandwidth may add values at any time, so treat an unknown one as
/// "other", not as an error. (`BW_CALL_STATE_*` are what
/// `bw_modify_call_request.state` asks for, not these.)
///
/// Later versions may append fields; the library fills `struct_size` with
/// the size it allocated, so a program built with a newer header checks
/// `struct_size > offsetof(bw_call_state, field)` before reading a field
/// an older library may lack.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct bw_call_state {
    /// `sizeof(bw_call_state)` of the library that allocated it.
    pub struct_size: u32,
    pub call_id: *const c_char,
    pub account_id: *const c_char,
    pub application_id: *const c_char,
    /// The A-leg's call id when this call is the B-leg of a `<Transfer>`.
    pub parent_call_id: *const c_char,
    /// E.164 number or SIP URI that received the call.
    pub to: *const c_char,
    /// E.164 number that made the call.
    pub from: *const c_char,
    /// `"inbound"` or `"outbound"`.
    pub direction: *const c_char,
    /// `"queued"`, `"initiated"`, `"answered"`, `"disconnected"`, or a newer value.
    pub state: *const c_char,
    /// When the call was queued (RFC 3339).
    pub enqueued_time: *const c_char,
    /// When the call was initiated; NULL while it is still queued.
    pub start_time: *const c_char,
    /// When the call was answered; NULL until then.
    pub answer_time: *const c_char,
    /// When the call ended; NULL until then.
    pub end_time: *const c_char,
    /// The last time the call's state changed.
    pub last_update: *const c_char,
    pub enqueued_time_ms: i64,
    pub start_time_ms: i64,
    pub answer_time_ms: i64,
    pub end_time_ms: i64,
    pub last_update_ms: i64,
    /// Why the call ended: `"hangup"`, `"busy"`, `"timeout"`, `"cancel"`,
    /// `"rejected"`, `"callback-error"`, `"invalid-bxml"`,
    /// `"application-error"`, `"account-limit"`, `"node-capacity-exceeded"`,
    /// `"error"`, `"unknown"`, or a newer value.
    pub disconnect_cause: *const c_char,
    /// Set when the call ended with an error: the explanation.
    pub error_message: *const c_char,
    /// Set when the call ended with an error: Bandwidth's id for it.
    pub error_id: *const c_char,
    /// The inbound INVITE's `Identity` header, if forwarded.
    pub identity: *const c_char,
    /// STIR/SHAKEN verification (`verstat`, `attestationIndicator`,
    /// `originatingId`, ...), sorted by key; `stir_shaken_len` pairs, 0 when
    /// absent. A value the server sent as a non-string is its JSON text.
    pub stir_shaken: *const bw_key_value,
    pub stir_shaken_len: usize,
}

/// Frees a `bw_call_state` from `bw_get_call_state`, with all its strings.
/// NULL is a no-op.
///
/// # Safety
/// `state` is NULL or a pointer written by `bw_get_call_state`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_call_state_free(state: *mut bw_call_state) {
    ffi_value!((), {
        // SAFETY: caller contract above: from `Owned::into_raw`.
        unsafe { OwnedCallState::free(state) }
    })
}

/// A copy of `state` that the caller owns (free it with
/// `bw_call_state_free`), e.g. to keep the state an asynchronous
/// completion received beyond its callback. NULL for NULL.
///
/// # Safety
/// `state` is NULL or a `bw_call_state` from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_call_state_dup(state: *const bw_call_state) -> *mut bw_call_state {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: caller contract above; `as_ref` handles NULL.
        match unsafe { state.as_ref() } {
            None => ptr::null_mut(),
            // SAFETY: a library-made view: every string is NULL or
            // NUL-terminated, `stir_shaken` holds `stir_shaken_len` pairs.
            Some(view) => match owned_call_state(unsafe { read(view) }) {
                Ok(owned) => owned.into_raw(),
                Err(_) => ptr::null_mut(),
            },
        }
    })
}

/// A `bw_call_state` and what it points into.
pub type OwnedCallState = Owned<bw_call_state>;

/// `state` as a library-owned `bw_call_state`.
pub fn owned_call_state(state: CallState) -> Result<Box<OwnedCallState>, Error> {
    let mut arena = Arena::default();
    let view = call_state_view(&mut arena, state)?;
    Ok(Owned::new(view, arena))
}

/// The core value back from a view this library made.
///
/// # Safety
/// Every string of `view` is NULL or NUL-terminated UTF-8, and
/// `stir_shaken` points to `stir_shaken_len` pairs (or is NULL).
pub(super) unsafe fn read(view: &bw_call_state) -> CallState {
    // SAFETY: forwarded from the caller, one string at a time.
    let text = |p: *const c_char| {
        unsafe { p.as_ref() }.map(|_| {
            // SAFETY: as above.
            unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
        })
    };
    let time = |p: *const c_char, unix_ms: i64| text(p).map(|text| Timestamp { text, unix_ms });
    let pairs: &[bw_key_value] = if view.stir_shaken.is_null() {
        &[]
    } else {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(view.stir_shaken, view.stir_shaken_len) }
    };
    CallState {
        application_id: text(view.application_id),
        account_id: text(view.account_id),
        call_id: text(view.call_id),
        parent_call_id: text(view.parent_call_id),
        to: text(view.to),
        from: text(view.from),
        direction: text(view.direction),
        state: text(view.state),
        stir_shaken: pairs
            .iter()
            .map(|p| {
                (
                    text(p.key).unwrap_or_default(),
                    text(p.value).unwrap_or_default(),
                )
            })
            .collect(),
        identity: text(view.identity),
        enqueued_time: time(view.enqueued_time, view.enqueued_time_ms),
        start_time: time(view.start_time, view.start_time_ms),
        answer_time: time(view.answer_time, view.answer_time_ms),
        end_time: time(view.end_time, view.end_time_ms),
        disconnect_cause: text(view.disconnect_cause),
        error_message: text(view.error_message),
        error_id: text(view.error_id),
        last_update: time(view.last_update, view.last_update_ms),
    }
}

/// The C view of `state`, its strings kept in `arena` (also used for each
/// call of a `bw_call_page`).
pub fn call_state_view(arena: &mut Arena, state: CallState) -> Result<bw_call_state, Error> {
    const WHAT: &str = "call state";
    let mut text = |field: &str, value| arena.text(WHAT, field, value);
    let call_id = text("callId", state.call_id)?;
    let account_id = text("accountId", state.account_id)?;
    let application_id = text("applicationId", state.application_id)?;
    let parent_call_id = text("parentCallId", state.parent_call_id)?;
    let to = text("to", state.to)?;
    let from = text("from", state.from)?;
    let direction = text("direction", state.direction)?;
    let call_state = text("state", state.state)?;
    let disconnect_cause = text("disconnectCause", state.disconnect_cause)?;
    let error_message = text("errorMessage", state.error_message)?;
    let error_id = text("errorId", state.error_id)?;
    let identity = text("identity", state.identity)?;
    let (enqueued_time, enqueued_time_ms) =
        arena.time(WHAT, "enqueuedTime", state.enqueued_time)?;
    let (start_time, start_time_ms) = arena.time(WHAT, "startTime", state.start_time)?;
    let (answer_time, answer_time_ms) = arena.time(WHAT, "answerTime", state.answer_time)?;
    let (end_time, end_time_ms) = arena.time(WHAT, "endTime", state.end_time)?;
    let (last_update, last_update_ms) = arena.time(WHAT, "lastUpdate", state.last_update)?;
    let mut pairs = Vec::with_capacity(state.stir_shaken.len());
    for (key, value) in state.stir_shaken {
        pairs.push(bw_key_value {
            key: arena.text(WHAT, "stirShaken", Some(key))?,
            value: arena.text(WHAT, "stirShaken", Some(value))?,
        });
    }
    let (stir_shaken, stir_shaken_len) = arena.list(pairs);
    Ok(bw_call_state {
        struct_size: std::mem::size_of::<bw_call_state>() as u32,
        call_id,
        account_id,
        application_id,
        parent_call_id,
        to,
        from,
        direction,
        state: call_state,
        enqueued_time,
        start_time,
        answer_time,
        end_time,
        last_update,
        enqueued_time_ms,
        start_time_ms,
        answer_time_ms,
        end_time_ms,
        last_update_ms,
        disconnect_cause,
        error_message,
        error_id,
        identity,
        stir_shaken,
        stir_shaken_len,
    })
}
