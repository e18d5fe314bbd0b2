//! The account's calls: `bw_create_call` and `bw_list_calls`, each
//! exported blocking and `_async` over one path (see [`Invocation`]).

use super::boundary::ffi_status;
use super::call_options::{bw_call_options, Invocation};
use super::call_page::{bw_call_page, owned_call_page};
use super::client::bw_client;
use super::completion::bw_completion_fn;
use super::create_call_request::{bw_create_call_request, create_call_request};
use super::created_call::{bw_created_call, owned_created_call};
use super::error::{bw_error, bw_status};
use super::list_calls_query::{bw_list_calls_query, list_calls_query};
use crate::create_call::CreatedCall;
use crate::error::Error;
use crate::list_calls::CallPage;
use crate::operation::{self, Operation};
use std::os::raw::{c_char, c_void};

/// Places an outbound call ("Create call") and writes what Bandwidth
/// answered to `*out` (free it with `bw_created_call_free`; untouched on
/// failure). Bandwidth queues the call, rings `to`, and once it is
/// answered fetches `answer_url` for its first BXML. Everything is
/// validated first; on `BW_ERR_INVALID_ARGUMENT` nothing was sent.
///
/// **Never sent twice once it may have reached Bandwidth**: a second
/// request would ring a second phone. It is retried only when it certainly
/// was not (no connection, 429), whatever `retry_non_idempotent` says. A
/// failure with `err->maybe_applied` set may have placed the call: look for
/// it with `bw_list_calls` (`to`, `from`, `min_start_time` just before the
/// attempt); a call state carries no tag, but the `tag` you set comes back
/// in the call's webhooks.
///
/// # Safety
/// `client` is NULL or a live client; `account_id` is NULL or
/// NUL-terminated; `req` is NULL or a request of at least
/// `req->struct_size` bytes whose strings are NULL or NUL-terminated and
/// whose `machine_detection` is NULL or valid likewise; `opts` is NULL or a
/// `bw_call_options` of at least `opts->struct_size` bytes; `out` is NULL
/// or writable; `err` is NULL or a `bw_error` of at least `err->struct_size`
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_create_call(
    client: *const bw_client,
    account_id: *const c_char,
    req: *const bw_create_call_request,
    opts: *const bw_call_options,
    out: *mut *mut bw_created_call,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run_into(create_call(&api, req)?, opts, out, owned_created_call) }
    })
}

/// Reads one page of the account's calls ("Get calls"), oldest first, into
/// `*out` (free it with `bw_call_page_free`; untouched on failure). `query`
/// NULL reads the first page unfiltered. To read the next page, call again
/// with the same query and `page_token` set to the page's
/// `next_page_token`, until it is NULL. Bandwidth keeps calls for 7 days
/// after they end. Safe to repeat. A page is read up to 32 MiB
/// (`BW_ERR_PROTOCOL` beyond: ask for a smaller `page_size`).
///
/// # Safety
/// As for `bw_create_call`; `query` is NULL or a query of at least
/// `query->struct_size` bytes whose strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bw_list_calls(
    client: *const bw_client,
    account_id: *const c_char,
    query: *const bw_list_calls_query,
    opts: *const bw_call_options,
    out: *mut *mut bw_call_page,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let api = unsafe { Invocation::new(client, account_id) }?;
        // SAFETY: caller contract above.
        unsafe { api.run_into(list_calls(&api, query)?, opts, out, owned_call_page) }
    })
}

/// The asynchronous form of `bw_create_call`: the result is a
/// `BW_RESULT_CREATED_CALL` (`bw_result_created_call`). See
/// `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_create_call` without `out`; `on_done` may be called with
/// `userdata` on any thread; `job_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bw_create_call_async(
    client: *const bw_client,
    account_id: *const c_char,
    req: *const bw_create_call_request,
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
        unsafe { api.submit(create_call(&api, req)?, opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_list_calls`: the result is a
/// `BW_RESULT_CALL_PAGE` (`bw_result_call_page`). See `bw_modify_call_async`.
///
/// # Safety
/// As for `bw_create_call_async`; `query` as for `bw_list_calls`.
#[no_mangle]
pub unsafe extern "C" fn bw_list_calls_async(
    client: *const bw_client,
    account_id: *const c_char,
    query: *const bw_list_calls_query,
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
        unsafe { api.submit(list_calls(&api, query)?, opts, on_done, userdata, job_id) }
    })
}

// --- each operation's own arguments, as an Operation ----------------------

/// # Safety
/// As `create_call_request` requires of `req`.
unsafe fn create_call(
    api: &Invocation,
    req: *const bw_create_call_request,
) -> Result<Operation<CreatedCall>, Error> {
    // SAFETY: caller contract above.
    let request = unsafe { create_call_request(req) }?;
    operation::create_call(api.base_url(), api.account_id, &request)
}

/// # Safety
/// As `list_calls_query` requires of `query`.
unsafe fn list_calls(
    api: &Invocation,
    query: *const bw_list_calls_query,
) -> Result<Operation<CallPage>, Error> {
    // SAFETY: caller contract above.
    let query = unsafe { list_calls_query(query) }?;
    operation::list_calls(api.base_url(), api.account_id, &query)
}
