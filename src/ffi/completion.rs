//! Asynchronous calls from C: a started operation queued on the client's
//! pool, reported once through the caller's `bw_completion_fn`.

use super::boundary::{panic_error, record};
use super::call_state::OwnedCallState;
use super::types::{bw_call_state, bw_completion_fn, bw_error, bw_status, BW_OK};
use crate::call_state::CallState;
use crate::client::{Client, Started};
use crate::error::Error;
use crate::jobs::{Cancel, Pool, Report, Task};
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// The caller's callback and its `userdata`.
pub struct Completion {
    on_done:
        unsafe extern "C" fn(*mut c_void, u64, bw_status, *const bw_error, *const bw_call_state),
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

    fn call(&self, id: u64, result: Result<Option<&bw_call_state>, &Error>) {
        let (status, err, state) = match result {
            Ok(state) => (BW_OK, record(None), state.map_or(std::ptr::null(), |s| s)),
            Err(e) => (e.status as bw_status, record(Some(e)), std::ptr::null()),
        };
        // SAFETY: the caller's callback, as its contract allows; `err` and
        // `state` outlive the call.
        unsafe { (self.on_done)(self.userdata, id, status, &err, state) };
    }
}

/// What an operation's success looks like to C.
pub trait Outcome: Send + Sized + 'static {
    fn deliver(self, completion: &Completion, id: u64);
}

impl Outcome for () {
    fn deliver(self, completion: &Completion, id: u64) {
        completion.call(id, Ok(None));
    }
}

impl Outcome for CallState {
    fn deliver(self, completion: &Completion, id: u64) {
        match OwnedCallState::new(self) {
            Ok(owned) => completion.call(id, Ok(Some(&owned.view))),
            Err(e) => completion.call(id, Err(&e)),
        }
    }
}

struct CallTask<T> {
    client: Arc<Client>,
    started: Started<T>,
    completion: Completion,
}

impl<T: Outcome> Task for CallTask<T> {
    fn run(self: Box<Self>, id: u64, cancel: &Cancel) -> Report {
        let CallTask {
            client,
            started,
            completion,
        } = *self;
        let result = catch_unwind(AssertUnwindSafe(|| client.finish(started, cancel)))
            .unwrap_or_else(|panic| Err(panic_error(panic)));
        Box::new(move || match result {
            Ok(value) => value.deliver(&completion, id),
            Err(e) => completion.call(id, Err(&e)),
        })
    }

    fn skip(self: Box<Self>, id: u64, error: Error) {
        self.completion.call(id, Err(&error));
    }
}

/// Queues `started` on `pool`; `job_id` (if non-NULL) is written before
/// the callback can run. On failure nothing is queued and the callback will
/// never run.
///
/// # Safety
/// `job_id` is NULL or writable.
pub unsafe fn submit<T: Outcome>(
    pool: &Pool,
    client: &Arc<Client>,
    started: Started<T>,
    completion: Completion,
    job_id: *mut u64,
) -> Result<(), Error> {
    let task = Box::new(CallTask {
        client: Arc::clone(client),
        started,
        completion,
    });
    pool.submit(task, |id| {
        if !job_id.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { job_id.write(id) };
        }
    })
    .map(|_| ())
    .map_err(|(error, _unrun)| error)
}
