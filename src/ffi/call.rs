//! The live-call operations, each exported twice, blocking and `_async`,
//! over one path (see [`Invocation`]).

use super::boundary::{enum_error, ffi_status, req_str};
use super::call_options::{bw_call_options, Invocation};
use super::call_state::{bw_call_state, owned_call_state};
use super::client::bw_client;
use super::completion::bw_completion_fn;
use super::error::{bw_error, bw_status};
use super::modify_call_request::{bw_modify_call_request, modify_call_request};
use crate::call_state::CallState;
use crate::error::Error;
use crate::operation::{self, Operation, RecordingState};
use std::os::raw::{c_char, c_void};

/// `bw_update_call_recording` state: pause an active recording.
pub const BW_RECORDING_STATE_PAUSED: i32 = 1;
/// `bw_update_call_recording` state: resume a paused recording.
pub const BW_RECORDING_STATE_RECORDING: i32 = 2;

/// Largest document `bw_update_call_bxml` sends, in bytes (Bandwidth's
/// documented maximum BXML size, 64 KB).
pub const BW_MAX_BXML_BYTES: usize = 65_536;

/// Updates a live call ("Update active call"): redirects it to new BXML,
/// changes its tag, or ends it. Validates everything first; on
/// `BW_ERR_INVALID_ARGUMENT` nothing was sent. Blocks until the answer, an
/// error, or the time budget runs out. Not repeated after a failure the
/// server may have acted on (unless `retry_non_idempotent`), except a
/// hang-up (`state` completed), which is harmless to repeat.
///
/// # Safety
/// `client` is NULL or a live client; `account_id`/`call_id` are NULL or
/// NUL-terminated; `req` is NULL or a request of at least `req->struct_size`
/// bytes whose strings are NULL or NUL-terminated; `opts` is NULL or a
/// `bw_call_options` of at least `opts->struct_size` bytes; `err` is NULL or
/// a `bw_error` of at least `err->struct_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_modify_call(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    req: *const bw_modify_call_request,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run(update_call(&api, call_id, req)?, opts) }
    })
}

/// Hangs up a call (cancels it if not yet answered). Sends exactly
/// `{"state":"completed"}`. Safe to repeat: retried more eagerly than a redirect.
///
/// # Safety
/// As for `bw_modify_call`.
#[no_mangle]
pub unsafe extern "C" fn bw_hangup(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run(hangup(&api, call_id)?, opts) }
    })
}

/// Reads a call's state ("Get call state"): whether it is answered yet, and
/// why it ended. On success writes a new `bw_call_state` to `*out` (left
/// untouched on failure); free it with `bw_call_state_free`. Safe to
/// repeat: retried on timeouts and 5xx. A reply that is not a `callState`
/// (wrong JSON, a time that is not RFC 3339, a NUL in a string) is
/// `BW_ERR_PROTOCOL`; a 404 means the call is unknown or ended more than 7
/// days ago.
///
/// # Safety
/// As for `bw_hangup`; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_get_call_state(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    opts: *const bw_call_options,
    out: *mut *mut bw_call_state,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run_into(get_call_state(&api, call_id)?, opts, out, owned_call_state) }
    })
}

/// Replaces a live call's BXML with `bxml` ("Update call BXML"), without a
/// webhook round trip. The document must be well-formed XML whose root
/// element is `<Bxml>`, at most `BW_MAX_BXML_BYTES`; otherwise
/// `BW_ERR_INVALID_ARGUMENT` (field `bxml`, the message names the line and
/// column) and nothing is sent. Escape caller text with `bw_xml_escape`
/// first: well-formed BXML can still carry verbs injected through it. Like
/// a redirect, not repeated after a failure the server may have acted on
/// (a second one restarts the script). 409: the call is not answered yet.
///
/// # Safety
/// As for `bw_hangup`; `bxml` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_update_call_bxml(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    bxml: *const c_char,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run(update_call_bxml(&api, call_id, bxml)?, opts) }
    })
}

/// Pauses (`BW_RECORDING_STATE_PAUSED`) or resumes
/// (`BW_RECORDING_STATE_RECORDING`) the call's recording ("Update
/// recording"), e.g. while a caller reads a card number. Safe to repeat.
/// `BW_ERR_BAD_REQUEST` when the call has no recording in progress.
///
/// # Safety
/// As for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_update_call_recording(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    state: i32,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        unsafe { api.run(update_call_recording(&api, call_id, state)?, opts) }
    })
}

/// The asynchronous form of `bw_modify_call`: validates everything at once
/// and queues the call on the client's worker threads. `BW_OK`: `*job_id`
/// (if not NULL) is set before anything else happens, and `on_done` will be
/// called exactly once, on a library thread, never inside this function.
/// Any other status: nothing was queued and `on_done` will never be called
/// (`BW_ERR_BUSY`: `max_queued` calls are already waiting). The time budget
/// starts now, so time spent queued counts against it. Every `_async`
/// function works this way; the result reaches `on_done` as a `bw_result`.
///
/// # Safety
/// As for `bw_modify_call`; `on_done` may be called with `userdata` on any
/// thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_modify_call_async(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    req: *const bw_modify_call_request,
    opts: *const bw_call_options,
    on_done: bw_completion_fn,
    userdata: *mut c_void,
    job_id: *mut u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe {
            api.submit(
                update_call(&api, call_id, req)?,
                opts,
                on_done,
                userdata,
                job_id,
            )
        }
    })
}

/// The asynchronous form of `bw_hangup`; see `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_modify_call_async`.
#[no_mangle]
pub unsafe extern "C" fn bw_hangup_async(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    opts: *const bw_call_options,
    on_done: bw_completion_fn,
    userdata: *mut c_void,
    job_id: *mut u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.submit(hangup(&api, call_id)?, opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_get_call_state`: the result is a
/// `BW_RESULT_CALL_STATE` (`bw_result_call_state`). See
/// `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_modify_call_async`.
#[no_mangle]
pub unsafe extern "C" fn bw_get_call_state_async(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    opts: *const bw_call_options,
    on_done: bw_completion_fn,
    userdata: *mut c_void,
    job_id: *mut u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe {
            api.submit(
                get_call_state(&api, call_id)?,
                opts,
                on_done,
                userdata,
                job_id,
            )
        }
    })
}

/// The asynchronous form of `bw_update_call_bxml` (the document is checked
/// before this returns); see `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_modify_call_async`; `bxml` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_update_call_bxml_async(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    bxml: *const c_char,
    opts: *const bw_call_options,
    on_done: bw_completion_fn,
    userdata: *mut c_void,
    job_id: *mut u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe {
            api.submit(
                update_call_bxml(&api, call_id, bxml)?,
                opts,
                on_done,
                userdata,
                job_id,
            )
        }
    })
}

/// The asynchronous form of `bw_update_call_recording`; see
/// `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_modify_call_async`.
#[no_mangle]
pub unsafe extern "C" fn bw_update_call_recording_async(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    state: i32,
    opts: *const bw_call_options,
    on_done: bw_completion_fn,
    userdata: *mut c_void,
    job_id: *mut u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe {
            api.submit(
                update_call_recording(&api, call_id, state)?,
                opts,
                on_done,
                userdata,
                job_id,
            )
        }
    })
}

// --- each operation's own arguments, as an Operation ----------------------

/// "Update active call" from a `bw_modify_call_request`.
///
/// # Safety
/// `call_id` is NULL or NUL-terminated; `req` is NULL or a request of at
/// least `req->struct_size` bytes whose strings are NULL or NUL-terminated.
unsafe fn update_call(
    api: &Invocation,
    call_id: *const c_char,
    req: *const bw_modify_call_request,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let (call_id, request) = unsafe { (req_str(call_id, "call_id")?, modify_call_request(req)?) };
    operation::update_call(api.base_url(), api.account_id, call_id, &request)
}

/// # Safety
/// `call_id` is NULL or NUL-terminated.
unsafe fn hangup(api: &Invocation, call_id: *const c_char) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let call_id = unsafe { req_str(call_id, "call_id") }?;
    operation::hangup(api.base_url(), api.account_id, call_id)
}

/// # Safety
/// `call_id` is NULL or NUL-terminated.
unsafe fn get_call_state(
    api: &Invocation,
    call_id: *const c_char,
) -> Result<Operation<CallState>, Error> {
    // SAFETY: caller contract above.
    let call_id = unsafe { req_str(call_id, "call_id") }?;
    operation::get_call_state(api.base_url(), api.account_id, call_id)
}

/// # Safety
/// `call_id` and `bxml` are NULL or NUL-terminated.
unsafe fn update_call_bxml(
    api: &Invocation,
    call_id: *const c_char,
    bxml: *const c_char,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let (call_id, bxml) = unsafe { (req_str(call_id, "call_id")?, req_str(bxml, "bxml")?) };
    let unknown = api.client().settings.unknown_bxml_verbs;
    operation::update_call_bxml(api.base_url(), api.account_id, call_id, bxml, unknown)
}

/// # Safety
/// `call_id` is NULL or NUL-terminated.
unsafe fn update_call_recording(
    api: &Invocation,
    call_id: *const c_char,
    state: i32,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let call_id = unsafe { req_str(call_id, "call_id") }?;
    let state = match state {
        BW_RECORDING_STATE_PAUSED => RecordingState::Paused,
        BW_RECORDING_STATE_RECORDING => RecordingState::Recording,
        other => return Err(enum_error("state", other)),
    };
    operation::update_call_recording(api.base_url(), api.account_id, call_id, state)
}
