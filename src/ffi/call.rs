//! The call operations: each exported twice, blocking and `_async`, over
//! one path. An operation's own C arguments become an [`Operation`] in one
//! function (e.g. [`update_call_bxml`]); [`Call`] converts what every
//! operation shares and either runs the operation now ([`Call::run`]) or
//! queues it ([`Call::submit`]).

use super::boundary::{enum_error, ffi_status, req_ref, req_str};
use super::call_state::{bw_call_state, OwnedCallState};
use super::client::bw_client;
use super::completion::{self, bw_completion_fn, Completion};
use super::error::{bw_error, bw_status};
use super::growable;
use super::modify_call_request::{bw_modify_call_request, modify_call_request};
use super::result::IntoResult;
use crate::call_state::CallState;
use crate::client::{CallOptions, Client};
use crate::error::Error;
use crate::operation::{self, Operation, RecordingState};
use std::os::raw::{c_char, c_void};
use std::time::Duration;

/// `bw_update_call_recording` state: pause an active recording.
pub const BW_RECORDING_STATE_PAUSED: i32 = 1;
/// `bw_update_call_recording` state: resume a paused recording.
pub const BW_RECORDING_STATE_RECORDING: i32 = 2;

/// Largest document `bw_update_call_bxml` sends, in bytes (Bandwidth's
/// documented maximum BXML size, 64 KB).
pub const BW_MAX_BXML_BYTES: usize = 65_536;

/// Settings of one call, taken by every operation. Pass NULL for the
/// client's settings, or initialise it with `BW_CALL_OPTIONS_INIT`.
#[repr(C)]
pub struct bw_call_options {
    /// `sizeof(bw_call_options)`, set by `BW_CALL_OPTIONS_INIT`.
    pub struct_size: u32,
    /// At most this many milliseconds for this call, every attempt and
    /// wait included; the client's `timeout_ms` still applies when it is
    /// shorter. 0: the client's.
    pub timeout_ms: u32,
}

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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        call.run(unsafe { update_call(&call, req) }?)
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        call.run(hangup(&call)?)
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        let owned = OwnedCallState::new(call.run(get_call_state(&call)?)?)?;
        // SAFETY: `out` is non-NULL and writable per the contract. The
        // view is the first field of the `#[repr(C)]` owner, so the
        // pointer converts back in `bw_call_state_free`.
        unsafe { out.write(Box::into_raw(owned).cast::<bw_call_state>()) };
        Ok(())
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        call.run(unsafe { update_call_bxml(&call, bxml) }?)
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        call.run(update_call_recording(&call, state)?)
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        unsafe { call.submit(update_call(&call, req)?, on_done, userdata, job_id) }
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        unsafe { call.submit(hangup(&call)?, on_done, userdata, job_id) }
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        unsafe { call.submit(get_call_state(&call)?, on_done, userdata, job_id) }
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        unsafe { call.submit(update_call_bxml(&call, bxml)?, on_done, userdata, job_id) }
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
        let call = unsafe { Call::new(client, account_id, call_id, opts) }?;
        // SAFETY: caller contract above.
        unsafe {
            call.submit(
                update_call_recording(&call, state)?,
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
/// `req` is NULL or a request of at least `req->struct_size` bytes whose
/// strings are NULL or NUL-terminated.
unsafe fn update_call(
    call: &Call,
    req: *const bw_modify_call_request,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let request = unsafe { modify_call_request(req) }?;
    operation::update_call(call.base_url(), call.account_id, call.call_id, &request)
}

fn hangup(call: &Call) -> Result<Operation<()>, Error> {
    operation::hangup(call.base_url(), call.account_id, call.call_id)
}

fn get_call_state(call: &Call) -> Result<Operation<CallState>, Error> {
    operation::get_call_state(call.base_url(), call.account_id, call.call_id)
}

/// # Safety
/// `bxml` is NULL or NUL-terminated.
unsafe fn update_call_bxml(call: &Call, bxml: *const c_char) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let bxml = unsafe { req_str(bxml, "bxml") }?;
    operation::update_call_bxml(call.base_url(), call.account_id, call.call_id, bxml)
}

fn update_call_recording(call: &Call, state: i32) -> Result<Operation<()>, Error> {
    let state = match state {
        BW_RECORDING_STATE_PAUSED => RecordingState::Paused,
        BW_RECORDING_STATE_RECORDING => RecordingState::Recording,
        other => return Err(enum_error("state", other)),
    };
    operation::update_call_recording(call.base_url(), call.account_id, call.call_id, state)
}

// --- what every operation shares -----------------------------------------

/// What every call operation takes first, after the NULL, UTF-8 and
/// struct-size checks.
pub struct Call<'a> {
    pub handle: &'a bw_client,
    pub account_id: &'a str,
    pub call_id: &'a str,
    pub opts: CallOptions,
}

impl<'a> Call<'a> {
    /// Converts the arguments every operation shares, in the order they
    /// are checked: `client`, `account_id`, `call_id`, `opts`.
    ///
    /// # Safety
    /// Each pointer is NULL or valid for `'a`, each string NUL-terminated,
    /// `opts` at least `opts->struct_size` bytes.
    pub unsafe fn new(
        client: *const bw_client,
        account_id: *const c_char,
        call_id: *const c_char,
        opts: *const bw_call_options,
    ) -> Result<Call<'a>, Error> {
        // SAFETY: caller contract above, for each pointer.
        let (handle, account_id, call_id) = unsafe {
            (
                req_ref(client, "client")?,
                req_str(account_id, "account_id")?,
                req_str(call_id, "call_id")?,
            )
        };
        let opts = if opts.is_null() {
            CallOptions::default()
        } else {
            // SAFETY: caller contract above.
            let opts = unsafe { growable::read(opts) }?;
            CallOptions {
                timeout: (opts.timeout_ms != 0)
                    .then(|| Duration::from_millis(opts.timeout_ms.into())),
            }
        };
        Ok(Call {
            handle,
            account_id,
            call_id,
            opts,
        })
    }

    fn client(&self) -> &Client {
        &self.handle.client
    }

    fn base_url(&self) -> &str {
        self.client().base_url()
    }

    /// Runs `op` now, on this thread: the blocking form.
    fn run<T>(&self, op: Operation<T>) -> Result<T, Error> {
        self.client().run(op, &self.opts)
    }

    /// Starts `op`'s budget and queues it on the client's pool: the
    /// asynchronous form.
    ///
    /// # Safety
    /// `on_done` may be called with `userdata` on any thread; `job_id` is
    /// NULL or writable.
    unsafe fn submit<T: IntoResult>(
        &self,
        op: Operation<T>,
        on_done: bw_completion_fn,
        userdata: *mut c_void,
        job_id: *mut u64,
    ) -> Result<(), Error> {
        let done = Completion::new(on_done, userdata)
            .ok_or_else(|| Error::invalid("on_done", "on_done is NULL"))?;
        let started = self.client().start(op, &self.opts)?;
        let (pool, client) = (self.handle.pool(), &self.handle.client);
        // SAFETY: forwarded from the caller.
        unsafe { completion::submit(pool, client, started, done, job_id) }
    }
}
