//! The conference operations, each exported blocking and `_async` over one
//! path (see [`Invocation`]). A member's id is its call id.

use super::boundary::{ffi_status, req_str};
use super::call_options::{bw_call_options, Invocation};
use super::client::bw_client;
use super::completion::bw_completion_fn;
use super::conference_info::{bw_conference, bw_conference_member, owned_conference, owned_member};
use super::error::{bw_error, bw_status};
use super::update_conference_member_request::{
    bw_update_conference_member_request, update_conference_member_request,
};
use super::update_conference_request::{bw_update_conference_request, update_conference_request};
use crate::conference::{Conference, ConferenceMember};
use crate::error::Error;
use crate::operation::{self, Operation};
use std::os::raw::{c_char, c_void};

/// Reads a conference and its active members ("Get conference
/// information") into `*out` (free it with `bw_conference_free`; untouched
/// on failure). Safe to repeat. 404: unknown, or ended long ago.
///
/// # Safety
/// `client` is NULL or a live client; `account_id` and `conference_id` are
/// NULL or NUL-terminated; `opts` is NULL or a `bw_call_options` of at
/// least `opts->struct_size` bytes; `out` is NULL or writable; `err` is
/// NULL or a `bw_error` of at least `err->struct_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_get_conference(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    opts: *const bw_call_options,
    out: *mut *mut bw_conference,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe {
            api.run_into(
                get_conference(&api, conference_id)?,
                opts,
                out,
                owned_conference,
            )
        }
    })
}

/// Redirects a conference to new BXML (`redirect_url` answers a
/// `conferenceRedirect` webhook) or ends it (`status` completed: every
/// member leaves and goes on with its own BXML) ("Update conference").
/// Validated first; on `BW_ERR_INVALID_ARGUMENT` nothing was sent. A
/// redirect is not repeated after a failure the server may have acted on
/// (unless `retry_non_idempotent`); ending is.
///
/// # Safety
/// As for `bw_get_conference` without `out`; `req` is NULL or a request of
/// at least `req->struct_size` bytes whose strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_update_conference(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    req: *const bw_update_conference_request,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run(update_conference(&api, conference_id, req)?, opts) }
    })
}

/// Replaces a conference's BXML with `bxml` ("Update conference BXML"),
/// checked as for `bw_update_call_bxml` (well-formed, `<Bxml>` root, at
/// most `BW_MAX_BXML_BYTES`). Not repeated after a failure the server may
/// have acted on.
///
/// # Safety
/// As for `bw_get_conference` without `out`; `bxml` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_update_conference_bxml(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    bxml: *const c_char,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run(update_conference_bxml(&api, conference_id, bxml)?, opts) }
    })
}

/// Reads one member of a conference ("Get conference member") into `*out`
/// (free it with `bw_conference_member_free`; untouched on failure). Safe
/// to repeat.
///
/// # Safety
/// As for `bw_get_conference`; `member_id` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_get_conference_member(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    member_id: *const c_char,
    opts: *const bw_call_options,
    out: *mut *mut bw_conference_member,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        let op = unsafe { get_conference_member(&api, conference_id, member_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run_into(op, opts, out, owned_member) }
    })
}

/// Mutes or unmutes, holds or resumes a member, or sets the calls it
/// coaches ("Update conference member"). Safe to repeat: it sets states.
/// A request that changes nothing (everything unset) is
/// `BW_ERR_INVALID_ARGUMENT` with field `req`; more than 20 coached calls
/// (a conference's most) with field `call_ids_to_coach_len`.
///
/// # Safety
/// As for `bw_get_conference_member` without `out`; `req` is NULL or a
/// request of at least `req->struct_size` bytes whose `call_ids_to_coach`
/// is NULL or `call_ids_to_coach_len` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn bw_update_conference_member(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    member_id: *const c_char,
    req: *const bw_update_conference_member_request,
    opts: *const bw_call_options,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        let op = unsafe { update_conference_member(&api, conference_id, member_id, req) }?;
        // SAFETY: caller contract above.
        unsafe { api.run(op, opts) }
    })
}

/// The asynchronous form of `bw_get_conference`: the result is a
/// `BW_RESULT_CONFERENCE` (`bw_result_conference`). See `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_get_conference` without `out`; `on_done` may be called with
/// `userdata` on any thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_get_conference_async(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
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
        let op = unsafe { get_conference(&api, conference_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.submit(op, opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_update_conference`; see `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_update_conference`; `on_done` may be called with `userdata`
/// on any thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_update_conference_async(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    req: *const bw_update_conference_request,
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
        let op = unsafe { update_conference(&api, conference_id, req) }?;
        // SAFETY: caller contract above.
        unsafe { api.submit(op, opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_update_conference_bxml` (the document is
/// checked before this returns); see `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_update_conference_bxml`; `on_done` may be called with
/// `userdata` on any thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_update_conference_bxml_async(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
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
        let op = unsafe { update_conference_bxml(&api, conference_id, bxml) }?;
        // SAFETY: caller contract above.
        unsafe { api.submit(op, opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_get_conference_member`: the result is a
/// `BW_RESULT_CONFERENCE_MEMBER` (`bw_result_conference_member`). See
/// `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_get_conference_member` without `out`; `on_done` may be called
/// with `userdata` on any thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_get_conference_member_async(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    member_id: *const c_char,
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
        let op = unsafe { get_conference_member(&api, conference_id, member_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.submit(op, opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_update_conference_member`; see
/// `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_update_conference_member`; `on_done` may be called with
/// `userdata` on any thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_update_conference_member_async(
    client: *const bw_client,
    account_id: *const c_char,
    conference_id: *const c_char,
    member_id: *const c_char,
    req: *const bw_update_conference_member_request,
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
        let op = unsafe { update_conference_member(&api, conference_id, member_id, req) }?;
        // SAFETY: caller contract above.
        unsafe { api.submit(op, opts, on_done, userdata, job_id) }
    })
}

// --- each operation's own arguments, as an Operation ----------------------

/// # Safety
/// `conference_id` is NULL or NUL-terminated.
unsafe fn get_conference(
    api: &Invocation,
    conference_id: *const c_char,
) -> Result<Operation<Conference>, Error> {
    // SAFETY: caller contract above.
    let conference_id = unsafe { req_str(conference_id, "conference_id") }?;
    operation::get_conference(api.base_url(), api.account_id, conference_id)
}

/// # Safety
/// `conference_id` is NULL or NUL-terminated; `req` as
/// `update_conference_request` requires.
unsafe fn update_conference(
    api: &Invocation,
    conference_id: *const c_char,
    req: *const bw_update_conference_request,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let (conference_id, request) = unsafe {
        (
            req_str(conference_id, "conference_id")?,
            update_conference_request(req)?,
        )
    };
    operation::update_conference(api.base_url(), api.account_id, conference_id, &request)
}

/// # Safety
/// `conference_id` and `bxml` are NULL or NUL-terminated.
unsafe fn update_conference_bxml(
    api: &Invocation,
    conference_id: *const c_char,
    bxml: *const c_char,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let (conference_id, bxml) = unsafe {
        (
            req_str(conference_id, "conference_id")?,
            req_str(bxml, "bxml")?,
        )
    };
    let unknown = api.client().settings.unknown_bxml_verbs;
    operation::update_conference_bxml(api.base_url(), api.account_id, conference_id, bxml, unknown)
}

/// # Safety
/// `conference_id` and `member_id` are NULL or NUL-terminated.
unsafe fn get_conference_member(
    api: &Invocation,
    conference_id: *const c_char,
    member_id: *const c_char,
) -> Result<Operation<ConferenceMember>, Error> {
    // SAFETY: caller contract above.
    let (conference_id, member_id) = unsafe {
        (
            req_str(conference_id, "conference_id")?,
            req_str(member_id, "member_id")?,
        )
    };
    operation::get_conference_member(api.base_url(), api.account_id, conference_id, member_id)
}

/// # Safety
/// `conference_id` and `member_id` are NULL or NUL-terminated; `req` as
/// `update_conference_member_request` requires.
unsafe fn update_conference_member(
    api: &Invocation,
    conference_id: *const c_char,
    member_id: *const c_char,
    req: *const bw_update_conference_member_request,
) -> Result<Operation<()>, Error> {
    // SAFETY: caller contract above.
    let (conference_id, member_id, request) = unsafe {
        (
            req_str(conference_id, "conference_id")?,
            req_str(member_id, "member_id")?,
            update_conference_member_request(req)?,
        )
    };
    let base = api.base_url();
    operation::update_conference_member(base, api.account_id, conference_id, member_id, &request)
}
