//! The exported C functions. Each converts its arguments, calls the safe
//! core, and reports through `bw_status` + `bw_error`.

use super::boundary::ErrorOut;
use super::boundary::{ffi_status, ffi_value, opt_str, req_ref, req_str};
use super::call_state::OwnedCallState;
use super::completion::{submit, Completion, Outcome};
use super::events;
use super::growable;
use super::queue::{Entry, Queue};
use super::types::*;
use crate::auth::Auth;
use crate::client::{CallOptions, Client, ClientConfig};
use crate::error::{Error, Status};
use crate::events::RetryReason;
use crate::jobs::Pool;
use crate::operation::{self, Operation, RecordingState};
use crate::request::{ModifyCallRequest, RedirectMethod, RequestedState};
use crate::transport::{ProxyConfig, TlsRoots};
use std::os::fd::AsRawFd;
use std::os::raw::{c_char, c_void};
use std::ptr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// An opaque Voice API client. Thread-safe: any number of threads may call
/// its operations on one client at once; they share its
/// connection pool and OAuth2 token. Free it with `bw_free` once every
/// call on it has returned.
pub struct bw_client {
    pub(crate) client: Arc<Client>,
    /// Started by the first asynchronous call, so a client used only
    /// synchronously has no threads.
    pool: OnceLock<Pool>,
}

impl bw_client {
    pub fn new(client: Client) -> bw_client {
        bw_client {
            client: Arc::new(client),
            pool: OnceLock::new(),
        }
    }

    fn pool(&self) -> &Pool {
        self.pool.get_or_init(|| self.client.new_pool())
    }
}

/// Creates a client from `cfg`. On success writes the new client to `*out`
/// (left untouched on failure). Free it with `bw_free`.
///
/// Fails with `BW_ERR_INVALID_ARGUMENT` for a NULL `cfg`/`out`, a
/// `cfg.struct_size` this library does not know (`BW_CLIENT_CONFIG_INIT`
/// sets it), fields of a newer header that this library lacks, missing or
/// mixed credentials, invalid URLs (including plain `http://` to a
/// non-loopback host), an unreadable `ca_file` or an invalid proxy.
///
/// # Safety
/// `cfg` is NULL or a `bw_client_config` of at least `cfg->struct_size`
/// bytes whose strings are NULL or NUL-terminated; `out` is NULL or
/// writable; `err` is NULL or a `bw_error` of at least `err->struct_size`
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_client_new(
    cfg: *const bw_client_config,
    out: *mut *mut bw_client,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let cfg = unsafe { growable::read(cfg) }?;
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        // SAFETY: caller contract above.
        let config = unsafe { client_config(&cfg) }?;
        let client = Box::new(bw_client::new(Client::new(config)?));
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { out.write(Box::into_raw(client)) };
        Ok(())
    })
}

/// Frees a client made by `bw_client_new`. NULL is a no-op. Call it only
/// after every blocking call on the client has returned, and only once.
///
/// Asynchronous calls still pending: queued ones complete with
/// `BW_ERR_CANCELLED` (never sent), running ones finish within their
/// budgets, their callbacks run, and then `bw_free` returns. Called from
/// inside a completion callback it cannot wait for that callback: it
/// cancels what is queued and returns at once, and the client's memory is
/// released when the last running call has completed. Either way the
/// pointer is invalid as soon as `bw_free` is called.
///
/// # Safety
/// `client` is NULL or a pointer returned by `bw_client_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_free(client: *mut bw_client) {
    ffi_value!((), {
        if !client.is_null() {
            // SAFETY: made by `Box::into_raw` in `bw_client_new`, freed once.
            drop(unsafe { Box::from_raw(client) });
        }
    })
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
        let args = unsafe { modify_call_args(client, account_id, call_id, req, opts) }?;
        args.client
            .modify_call(args.account_id, args.call_id, &args.request, &args.opts)
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
        let call = unsafe { call_args(client, account_id, call_id, opts) }?;
        call.client
            .hangup(call.account_id, call.call_id, &call.opts)
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
        let call = unsafe { call_args(client, account_id, call_id, opts) }?;
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        let state = call
            .client
            .get_call_state(call.account_id, call.call_id, &call.opts)?;
        let owned = OwnedCallState::new(state)?;
        // SAFETY: `out` is non-NULL and writable per the contract. The
        // view is the first field of the `#[repr(C)]` owner, so the
        // pointer converts back in `bw_call_state_free`.
        unsafe { out.write(Box::into_raw(owned).cast::<bw_call_state>()) };
        Ok(())
    })
}

/// Frees a `bw_call_state` from `bw_get_call_state`, with all its strings.
/// NULL is a no-op.
///
/// # Safety
/// `state` is NULL or a pointer written by `bw_get_call_state`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_call_state_free(state: *mut bw_call_state) {
    ffi_value!((), {
        if !state.is_null() {
            // SAFETY: made by `Box::into_raw` of an `OwnedCallState` in
            // `bw_get_call_state` (its first field), freed once.
            drop(unsafe { Box::from_raw(state.cast::<OwnedCallState>()) });
        }
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
            Some(view) => match OwnedCallState::new(unsafe { OwnedCallState::read(view) }) {
                Ok(owned) => Box::into_raw(owned).cast::<bw_call_state>(),
                Err(_) => ptr::null_mut(),
            },
        }
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
        let (call, bxml) = unsafe {
            (
                call_args(client, account_id, call_id, opts)?,
                req_str(bxml, "bxml")?,
            )
        };
        call.client
            .update_call_bxml(call.account_id, call.call_id, bxml, &call.opts)
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
        let call = unsafe { call_args(client, account_id, call_id, opts) }?;
        call.client.update_call_recording(
            call.account_id,
            call.call_id,
            recording_state(state)?,
            &call.opts,
        )
    })
}

/// The asynchronous form of `bw_modify_call`: validates everything at once
/// and queues the call on the client's worker threads. `BW_OK`: `*job_id`
/// (if not NULL) is set before anything else happens, and `on_done` will be
/// called exactly once, on a library thread, never inside this function.
/// Any other status: nothing was queued and `on_done` will never be called
/// (`BW_ERR_BUSY`: `max_queued` calls are already waiting). The time budget
/// starts now, so time spent queued counts against it.
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
        let args = unsafe { modify_call_args(client, account_id, call_id, req, opts) }?;
        // SAFETY: `client` was checked non-NULL by the conversion.
        let handle = unsafe { &*client };
        let op = operation::update_call(
            args.client.base_url(),
            args.account_id,
            args.call_id,
            &args.request,
        )?;
        // SAFETY: caller contract above.
        unsafe { submit_async(handle, op, &args.opts, on_done, userdata, job_id) }
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
        let call = unsafe { call_args(client, account_id, call_id, opts) }?;
        let op = operation::hangup(call.client.base_url(), call.account_id, call.call_id)?;
        // SAFETY: `client` was checked non-NULL; caller contract above.
        unsafe { submit_async(&*client, op, &call.opts, on_done, userdata, job_id) }
    })
}

/// The asynchronous form of `bw_get_call_state`: the callback's `state`
/// holds the result (valid during the callback only; the library frees it).
/// See `bw_modify_call_async`.
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
        let call = unsafe { call_args(client, account_id, call_id, opts) }?;
        let op = operation::get_call_state(call.client.base_url(), call.account_id, call.call_id)?;
        // SAFETY: `client` was checked non-NULL; caller contract above.
        unsafe { submit_async(&*client, op, &call.opts, on_done, userdata, job_id) }
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
        let (call, bxml) = unsafe {
            (
                call_args(client, account_id, call_id, opts)?,
                req_str(bxml, "bxml")?,
            )
        };
        let op = operation::update_call_bxml(
            call.client.base_url(),
            call.account_id,
            call.call_id,
            bxml,
        )?;
        // SAFETY: `client` was checked non-NULL; caller contract above.
        unsafe { submit_async(&*client, op, &call.opts, on_done, userdata, job_id) }
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
        let call = unsafe { call_args(client, account_id, call_id, opts) }?;
        let op = operation::update_call_recording(
            call.client.base_url(),
            call.account_id,
            call.call_id,
            recording_state(state)?,
        )?;
        // SAFETY: `client` was checked non-NULL; caller contract above.
        unsafe { submit_async(&*client, op, &call.opts, on_done, userdata, job_id) }
    })
}

/// Cancels asynchronous call `job_id`. Queued: it is never sent and its
/// callback runs with `BW_ERR_CANCELLED`. Already running: best effort — no
/// further attempt starts and no retry wait continues, but a request already
/// sent runs to its answer and may take effect (the callback then reports
/// that answer, or `BW_ERR_CANCELLED` with `maybe_applied` set). Either way
/// the callback still runs exactly once. `BW_ERR_NOT_FOUND`: no such call is
/// pending (it has completed, or never existed).
///
/// # Safety
/// `client` is NULL or a live client; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_cancel(
    client: *const bw_client,
    job_id: u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let client = unsafe { req_ref(client, "client") }?;
        let pending = client.pool.get().is_some_and(|pool| pool.cancel(job_id));
        if pending {
            Ok(())
        } else {
            Err(Error::new(
                Status::NotFound,
                format!("job {job_id} is not pending: it has completed, or never existed"),
            ))
        }
    })
}

/// A queue of completions for an event loop (see `bw_queue_new`).
pub struct bw_queue {
    inner: Queue,
}

/// Creates a completion queue: an alternative to handling completions on
/// library threads, for event loops (epoll, libuv, asyncio). Submit with
/// `on_done = bw_queue_completion` and `userdata` = the queue; the
/// completion is then queued instead, `bw_queue_fd` becomes readable, and
/// the loop takes it with `bw_queue_next` on its own thread. One queue may
/// serve any number of clients: job ids are unique in the process. Free it
/// with `bw_queue_free` once every call submitted with it has completed
/// (e.g. after `bw_free` of those clients).
///
/// # Safety
/// `out` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_new(out: *mut *mut bw_queue, err: *mut bw_error) -> bw_status {
    ffi_status!(err, {
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        let inner = Queue::new().map_err(|e| {
            Error::new(
                Status::Internal,
                format!("cannot make the queue's socket pair: {e}"),
            )
        })?;
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { out.write(Box::into_raw(Box::new(bw_queue { inner }))) };
        Ok(())
    })
}

/// The file descriptor to wait on: readable while completions wait in
/// `queue`, not readable once `bw_queue_next` has taken the last one. Do not
/// read or close it. -1 for NULL.
///
/// # Safety
/// `queue` is NULL or a live queue.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_fd(queue: *const bw_queue) -> i32 {
    ffi_value!(-1, {
        // SAFETY: caller contract above; `as_ref` handles NULL.
        unsafe { queue.as_ref() }.map_or(-1, |q| q.inner.watch().as_raw_fd())
    })
}

/// A `bw_completion_fn` that queues the completion on the `bw_queue` given
/// as `userdata` (copying `err`, and `state` as with `bw_call_state_dup`).
/// Pass it as `on_done`; it is not meant to be called directly.
///
/// # Safety
/// `userdata` is a live `bw_queue`; `err` a `bw_error` and `state` NULL or
/// a `bw_call_state`, both from this library.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_completion(
    userdata: *mut c_void,
    job_id: u64,
    status: bw_status,
    err: *const bw_error,
    state: *const bw_call_state,
) {
    ffi_value!((), {
        // SAFETY: caller contract above (the library passes its own records).
        let (queue, err) = unsafe { (&*userdata.cast::<bw_queue>(), std::ptr::read(err)) };
        queue.inner.push(Entry {
            job_id,
            status,
            err: Box::new(err),
            // SAFETY: as above.
            state: unsafe { bw_call_state_dup(state) },
        });
    })
}

/// Takes the oldest queued completion: its job id, status, error record
/// (cleared on success; NULL `err` to skip it) and, for a call state, the
/// state, which the caller now owns (free it with `bw_call_state_free`).
/// False, writing nothing, when the queue is empty. Safe from any thread;
/// each completion is taken once.
///
/// # Safety
/// `queue` is NULL or a live queue; `job_id`, `status`, `state` are NULL or
/// writable; `err` is NULL or a `bw_error` of at least `err->struct_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_next(
    queue: *mut bw_queue,
    job_id: *mut u64,
    status: *mut bw_status,
    state: *mut *mut bw_call_state,
    err: *mut bw_error,
) -> bool {
    ffi_value!(false, {
        // SAFETY: caller contract above; `as_ref` handles NULL.
        let Some(queue) = (unsafe { queue.as_ref() }) else {
            return false;
        };
        // SAFETY: caller contract: `err` is NULL or a writable `bw_error`.
        let Some(out) = (unsafe { ErrorOut::new(err) }) else {
            return false;
        };
        let Some(mut entry) = queue.inner.pop() else {
            return false;
        };
        // SAFETY: each pointer is NULL or writable per the contract.
        unsafe {
            if !job_id.is_null() {
                job_id.write(entry.job_id);
            }
            if !status.is_null() {
                status.write(entry.status);
            }
            if !state.is_null() {
                state.write(std::mem::replace(&mut entry.state, ptr::null_mut()));
            }
        }
        out.put(&entry.err);
        true
    })
}

/// Frees a queue and any completion still in it. NULL is a no-op. Only once
/// no call submitted with it is pending.
///
/// # Safety
/// `queue` is NULL or a queue from `bw_queue_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_free(queue: *mut bw_queue) {
    ffi_value!((), {
        if !queue.is_null() {
            // SAFETY: made by `Box::into_raw` in `bw_queue_new`, freed once.
            drop(unsafe { Box::from_raw(queue) });
        }
    })
}

/// Copies the client's counters into `*out` (initialise it with
/// `BW_STATS_INIT`). Cheap (atomic reads), from any thread, at any time;
/// the counters only grow, so two snapshots subtract into a rate.
///
/// # Safety
/// `client` is NULL or a live client; `out` is NULL or a `bw_stats` of at
/// least `out->struct_size` bytes; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_client_stats(
    client: *const bw_client,
    out: *mut bw_stats,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let client = unsafe { req_ref(client, "client") }?;
        let s = client.client.stats();
        let (queued, running) = client.pool.get().map_or((0, 0), Pool::pending);
        let by = |reason: RetryReason| s.retries[reason as usize];
        let mut outcomes = [0; BW_STATS_OUTCOMES];
        outcomes[..s.outcomes.len()].copy_from_slice(&s.outcomes);
        let stats = bw_stats {
            struct_size: std::mem::size_of::<bw_stats>() as u32,
            calls: s.calls,
            attempts: s.attempts,
            retries: s.retries.iter().sum(),
            retries_rate_limited: by(RetryReason::RateLimited),
            retries_unavailable: by(RetryReason::Unavailable),
            retries_server_error: by(RetryReason::ServerError),
            retries_timeout: by(RetryReason::Timeout),
            retries_connect: by(RetryReason::Connect),
            retries_stale_token: by(RetryReason::StaleToken),
            retries_denied: s.retries_denied,
            retry_budget_tokens: s.retry_budget_tokens.map_or(-1, i64::from),
            token_fetches: s.token_fetches,
            connections_opened: s.connections_opened,
            connections_reused: s.connections_reused,
            jobs_queued: queued as u64,
            jobs_running: running as u64,
            outcomes,
        };
        // SAFETY: caller contract above.
        unsafe { growable::write(out, &stats) }
    })
}

/// Escapes `text` for BXML: as element text or inside a quoted attribute
/// value (`& < > " '`, tab, newline and carriage return become references),
/// so caller-supplied text cannot close a verb or open another. Writes the
/// NUL-terminated result to `out` when `out_size` bytes suffice and sets
/// `*needed` to the size required, NUL included. Pass `out` NULL (and
/// `out_size` 0) to ask for the size; a buffer too small is
/// `BW_ERR_INVALID_ARGUMENT` (field `out_size`) with nothing written but
/// `*needed`. Text XML cannot carry at all (control characters other than
/// tab/newline/CR, U+FFFE, U+FFFF) or that is not UTF-8 is
/// `BW_ERR_INVALID_ARGUMENT` (field `text`).
///
/// # Safety
/// `text` is NULL or NUL-terminated; `out` is NULL or has `out_size`
/// writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_xml_escape(
    text: *const c_char,
    out: *mut c_char,
    out_size: usize,
    needed: *mut usize,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let text = unsafe { req_str(text, "text") }?;
        if needed.is_null() {
            return Err(Error::invalid("needed", "needed is NULL"));
        }
        let escaped = crate::bxml::escape(text)?;
        let size = escaped.len() + 1;
        // SAFETY: `needed` is non-NULL and writable per the contract.
        unsafe { needed.write(size) };
        if out.is_null() && out_size == 0 {
            return Ok(());
        }
        if out.is_null() || out_size < size {
            return Err(Error::invalid(
                "out_size",
                format!("out_size is {out_size}; the escaped text needs {size} bytes"),
            ));
        }
        // SAFETY: `out` has at least `size` writable bytes (checked above),
        // and `escaped` is a fresh string, so they cannot overlap.
        unsafe {
            ptr::copy_nonoverlapping(escaped.as_ptr().cast::<c_char>(), out, escaped.len());
            out.add(escaped.len()).write(0);
        }
        Ok(())
    })
}

/// The name of a status, e.g. `"BW_ERR_NOT_FOUND"`; `"BW_ERR_UNKNOWN"` for
/// a value this version does not know. Static: never free it.
#[no_mangle]
pub extern "C" fn bw_status_str(status: bw_status) -> *const c_char {
    ffi_value!(c"BW_ERR_INTERNAL".as_ptr(), {
        let name = match Status::from_code(status) {
            Some(status) => status.c_name(),
            None if status == BW_OK => c"BW_OK",
            None => c"BW_ERR_UNKNOWN",
        };
        name.as_ptr()
    })
}

/// The library's version, `"bwvoice/<major>.<minor>.<patch>"`, e.g.
/// `"bwvoice/0.2.0"`; matches `BW_VERSION_STRING`. Static: never free it.
#[no_mangle]
pub extern "C" fn bw_version() -> *const c_char {
    ffi_value!(c"bwvoice".as_ptr(), {
        concat!("bwvoice/", env!("CARGO_PKG_VERSION"), "\0")
            .as_ptr()
            .cast()
    })
}

/// The library's version as one number, `MAJOR << 16 | MINOR << 8 | PATCH`
/// (0.2.0 is `0x000200`); equals `BW_VERSION_NUMBER` of the header it was
/// built with. To check a loaded library at run time, use
/// `bw_version_compatible(BW_VERSION_NUMBER)`.
#[no_mangle]
pub extern "C" fn bw_version_number() -> u32 {
    ffi_value!(0, { crate::version::number() })
}

/// Whether this library serves a program built against the header of
/// version `header_version` (pass `BW_VERSION_NUMBER`): the same major, and
/// not older than that header. Check it once at startup; the Python and Go
/// bindings do.
#[no_mangle]
pub extern "C" fn bw_version_compatible(header_version: u32) -> bool {
    ffi_value!(false, { crate::version::compatible(header_version) })
}

/// # Safety
/// Strings in `cfg` are NULL or NUL-terminated.
unsafe fn client_config(cfg: &bw_client_config) -> Result<ClientConfig, Error> {
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) };
    let owned = |v: Option<&str>| v.map(str::to_owned);
    let basic = (s(cfg.username, "username")?, s(cfg.password, "password")?);
    let oauth = (
        s(cfg.client_id, "client_id")?,
        s(cfg.client_secret, "client_secret")?,
    );
    let auth = match (basic, oauth) {
        ((Some(username), Some(password)), (None, None)) => Auth::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        },
        ((None, None), (Some(client_id), Some(client_secret))) => Auth::OAuth2 {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            token_url: owned(s(cfg.token_url, "token_url")?),
        },
        ((None, None), (None, None)) => {
            return Err(Error::invalid(
                "username",
                "no credentials: set username+password or client_id+client_secret",
            ))
        }
        ((Some(_), None), _) => return Err(Error::invalid("password", "password is NULL")),
        ((None, Some(_)), _) => return Err(Error::invalid("username", "username is NULL")),
        (_, (Some(_), None)) => {
            return Err(Error::invalid("client_secret", "client_secret is NULL"))
        }
        (_, (None, Some(_))) => return Err(Error::invalid("client_id", "client_id is NULL")),
        _ => {
            return Err(Error::invalid(
                "client_id",
                "give either username+password or client_id+client_secret, not both",
            ))
        }
    };
    let tls_roots = match (cfg.tls_roots, s(cfg.ca_file, "ca_file")?) {
        (BW_TLS_ROOTS_BUNDLED, None) => TlsRoots::Bundled,
        (BW_TLS_ROOTS_SYSTEM, None) => TlsRoots::System,
        (BW_TLS_ROOTS_BUNDLED, Some(path)) => TlsRoots::PemFile(path.into()),
        (BW_TLS_ROOTS_SYSTEM, Some(_)) => {
            return Err(Error::invalid(
                "ca_file",
                "ca_file replaces the trust store: leave tls_roots at BW_TLS_ROOTS_BUNDLED",
            ))
        }
        (other, _) => return Err(enum_error("tls_roots", other)),
    };
    let proxy = match (s(cfg.proxy, "proxy")?, cfg.proxy_from_env) {
        (None, false) => ProxyConfig::Direct,
        (None, true) => ProxyConfig::FromEnvironment,
        (Some(url), false) => ProxyConfig::Url(url.to_owned()),
        (Some(_), true) => {
            return Err(Error::invalid(
                "proxy",
                "set proxy or proxy_from_env, not both",
            ))
        }
    };
    let millis = |ms: u32| (ms != 0).then(|| Duration::from_millis(ms.into()));
    Ok(ClientConfig {
        auth,
        base_url: owned(s(cfg.base_url, "base_url")?),
        connect_timeout: millis(cfg.connect_timeout_ms),
        timeout: millis(cfg.timeout_ms),
        max_attempts: (cfg.max_attempts != 0).then_some(cfg.max_attempts),
        retry_non_idempotent: cfg.retry_non_idempotent,
        tls_roots,
        proxy,
        user_agent_suffix: owned(s(cfg.user_agent_suffix, "user_agent_suffix")?),
        binding: owned(s(cfg.binding, "binding")?),
        max_concurrency: (cfg.max_concurrency != 0).then_some(cfg.max_concurrency),
        max_queued: (cfg.max_queued != 0).then_some(cfg.max_queued),
        retry_budget: (cfg.retry_budget != 0).then_some(cfg.retry_budget),
        on_event: events::hook(cfg.on_event, cfg.event_userdata, cfg.event_mask),
    })
}

/// The arguments every operation shares, after the NULL and UTF-8 checks.
pub(crate) struct CallArgs<'a> {
    pub client: &'a Client,
    pub account_id: &'a str,
    pub call_id: &'a str,
    pub opts: CallOptions,
}

/// Converts the arguments every operation shares.
///
/// # Safety
/// Each pointer is NULL or valid for `'a`, each string NUL-terminated,
/// `opts` at least `opts->struct_size` bytes.
pub(crate) unsafe fn call_args<'a>(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    opts: *const bw_call_options,
) -> Result<CallArgs<'a>, Error> {
    // SAFETY: caller contract above, for each pointer.
    let (client, account_id, call_id) = unsafe {
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
            timeout: (opts.timeout_ms != 0).then(|| Duration::from_millis(opts.timeout_ms.into())),
        }
    };
    Ok(CallArgs {
        client: &client.client,
        account_id,
        call_id,
        opts,
    })
}

/// `bw_modify_call`'s arguments after the NULL, UTF-8 and enum checks.
pub struct ModifyCallArgs<'a> {
    pub client: &'a Client,
    pub account_id: &'a str,
    pub call_id: &'a str,
    pub request: ModifyCallRequest,
    pub opts: CallOptions,
}

/// Converts `bw_modify_call`'s arguments (shared with the fuzz harness).
///
/// # Safety
/// As for `bw_modify_call`: each pointer is NULL or valid for `'a`, each
/// string NUL-terminated.
pub unsafe fn modify_call_args<'a>(
    client: *const bw_client,
    account_id: *const c_char,
    call_id: *const c_char,
    req: *const bw_modify_call_request,
    opts: *const bw_call_options,
) -> Result<ModifyCallArgs<'a>, Error> {
    // SAFETY: caller contract above, for each pointer.
    let (call, req) = unsafe {
        (
            call_args(client, account_id, call_id, opts)?,
            growable::read(req)?,
        )
    };
    Ok(ModifyCallArgs {
        client: call.client,
        account_id: call.account_id,
        call_id: call.call_id,
        // SAFETY: caller contract above.
        request: unsafe { modify_call_request(&req) }?,
        opts: call.opts,
    })
}

/// # Safety
/// Strings in `req` are NULL or NUL-terminated.
unsafe fn modify_call_request(req: &bw_modify_call_request) -> Result<ModifyCallRequest, Error> {
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) }.map(|v| v.map(str::to_owned));
    Ok(ModifyCallRequest {
        state: match req.state {
            BW_CALL_STATE_UNSET => None,
            BW_CALL_STATE_ACTIVE => Some(RequestedState::Active),
            BW_CALL_STATE_COMPLETED => Some(RequestedState::Completed),
            other => return Err(enum_error("state", other)),
        },
        redirect_url: s(req.redirect_url, "redirect_url")?,
        redirect_method: method("redirect_method", req.redirect_method)?,
        username: s(req.username, "username")?,
        password: s(req.password, "password")?,
        tag: s(req.tag, "tag")?,
        redirect_fallback_url: s(req.redirect_fallback_url, "redirect_fallback_url")?,
        redirect_fallback_method: method("redirect_fallback_method", req.redirect_fallback_method)?,
        fallback_username: s(req.fallback_username, "fallback_username")?,
        fallback_password: s(req.fallback_password, "fallback_password")?,
    })
}

/// Starts `op`'s budget and queues it on `client`'s pool.
///
/// # Safety
/// As for `bw_modify_call_async`: `on_done` may be called with `userdata`
/// on any thread; `job_id` is NULL or writable.
unsafe fn submit_async<T: Outcome>(
    client: &bw_client,
    op: Operation<T>,
    opts: &CallOptions,
    on_done: bw_completion_fn,
    userdata: *mut c_void,
    job_id: *mut u64,
) -> Result<(), Error> {
    let completion = Completion::new(on_done, userdata)
        .ok_or_else(|| Error::invalid("on_done", "on_done is NULL"))?;
    let started = client.client.start(op, opts)?;
    // SAFETY: forwarded from the caller.
    unsafe { submit(client.pool(), &client.client, started, completion, job_id) }
}

fn recording_state(value: i32) -> Result<RecordingState, Error> {
    match value {
        BW_RECORDING_STATE_PAUSED => Ok(RecordingState::Paused),
        BW_RECORDING_STATE_RECORDING => Ok(RecordingState::Recording),
        other => Err(enum_error("state", other)),
    }
}

fn method(field: &'static str, value: i32) -> Result<Option<RedirectMethod>, Error> {
    match value {
        BW_METHOD_UNSET => Ok(None),
        BW_METHOD_GET => Ok(Some(RedirectMethod::Get)),
        BW_METHOD_POST => Ok(Some(RedirectMethod::Post)),
        other => Err(enum_error(field, other)),
    }
}

fn enum_error(field: &'static str, value: i32) -> Error {
    Error::invalid(field, format!("{field} has unknown value {value}"))
}
