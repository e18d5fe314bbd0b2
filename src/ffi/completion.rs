//! Asynchronous calls from C: `bw_completion_fn`, and a started operation
//! queued on the client's pool and reported once through it.

use super::boundary::{panic_error, record};
use super::error::{bw_error, bw_status, BW_OK};
use super::result::{bw_result, IntoResult};
use crate::client::{Client, Started};
use crate::error::Error;
use crate::jobs::{Cancel, Pool, Report, Task};
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

/// Called once when an asynchronous call completes, on a library thread
/// (never inside the submit): `status` is what the blocking form would have
/// returned, `err` its full `bw_error` (never NULL; cleared on success),
/// `result` the operation's result (see `bw_result`; NULL on failure and
/// for operations without a value). `err` and `result` are valid during
/// the call only: copy what you need, or keep `result` with
/// `bw_result_dup`. The callback must return quickly and must not throw or
/// longjmp: while it runs, its thread carries no other call (see
/// docs/async.md).
pub type bw_completion_fn = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        job_id: u64,
        status: bw_status,
        err: *const bw_error,
        result: *const bw_result,
    ),
>;

/// The caller's callback and its `userdata`.
pub struct Completion {
    on_done: unsafe extern "C" fn(*mut c_void, u64, bw_status, *const bw_error, *const bw_result),
    userdata: *mut c_void,
}

// SAFETY: the API contract of every `*_async` function: the callback may be
// called with `userdata` on any thread.
unsafe impl Send for Completion {}

impl Completion {
    /// `None` for a NULL callback.
    pub fn new(on_done: bw_completion_fn, userdata: *mut c_void) -> Option<Completion> {
        on_done.map(|on_done| Completion { on_done, userdata })
    }

    fn call(&self, id: u64, outcome: Result<Option<bw_result>, Error>) {
        let (status, err, result) = match &outcome {
            Ok(result) => (
                BW_OK,
                record(None),
                result.as_ref().map_or(ptr::null(), |r| r),
            ),
            Err(e) => (e.status as bw_status, record(Some(e)), ptr::null()),
        };
        // SAFETY: the caller's callback, as its contract allows; `err` and
        // `result` outlive the call.
        unsafe { (self.on_done)(self.userdata, id, status, &err, result) };
    }
}

struct CallTask<T> {
    client: Arc<Client>,
    started: Started<T>,
    completion: Completion,
}

impl<T: IntoResult> Task for CallTask<T> {
    fn run(self: Box<Self>, id: u64, cancel: &Cancel) -> Report {
        let CallTask {
            client,
            started,
            completion,
        } = *self;
        let outcome = catch_unwind(AssertUnwindSafe(|| client.finish(started, cancel)))
            .unwrap_or_else(|panic| Err(panic_error(panic)));
        Box::new(move || completion.call(id, outcome.and_then(IntoResult::into_result)))
    }

    fn skip(self: Box<Self>, id: u64, error: Error) {
        self.completion.call(id, Err(error));
    }
}

/// Queues `started` on `pool`, or with `inline` runs it on this thread
/// when the pool could start it at once ([`Pool::submit_inline`]); `job_id`
/// (if non-NULL) is written before the callback can run. On failure
/// nothing is queued and the callback will never run.
///
/// # Safety
/// `job_id` is NULL or writable.
pub unsafe fn submit<T: IntoResult>(
    pool: &Pool,
    client: &Arc<Client>,
    started: Started<T>,
    completion: Completion,
    job_id: *mut u64,
    inline: bool,
) -> Result<(), Error> {
    let task = Box::new(CallTask {
        client: Arc::clone(client),
        started,
        completion,
    });
    let on_id = |id| {
        if !job_id.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { job_id.write(id) };
        }
    };
    let submitted = if inline {
        pool.submit_inline(task, on_id)
    } else {
        pool.submit(task, on_id)
    };
    submitted.map(|_| ()).map_err(|(error, _unrun)| error)
}
