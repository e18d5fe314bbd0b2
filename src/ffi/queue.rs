//! `bw_queue`: completions collected for an event loop instead of handled on
//! library threads. The library's threads push; the loop waits on a file
//! descriptor that is readable exactly while completions wait, and takes
//! them one by one on its own thread.

use super::boundary::{ffi_status, ffi_value, ErrorOut};
use super::error::{bw_error, bw_status};
use super::result::bw_result;
use crate::error::{Error, Status};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::raw::c_void;
use std::os::unix::net::UnixStream;
use std::ptr;
use std::sync::{Mutex, MutexGuard};

/// One completion, copied out of the callback's arguments.
pub struct Entry {
    pub job_id: u64,
    pub status: bw_status,
    pub err: Box<bw_error>,
    /// Owned by the entry until taken.
    pub result: Option<Box<bw_result>>,
}

/// The completions and the descriptor pair that signals them.
pub struct Queue {
    entries: Mutex<VecDeque<Entry>>,
    /// A byte is written here when the queue stops being empty ...
    wake: UnixStream,
    /// ... and read from here when it becomes empty again: this end is the
    /// descriptor the loop waits on.
    watch: UnixStream,
}

impl Queue {
    pub fn new() -> std::io::Result<Queue> {
        let (wake, watch) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        watch.set_nonblocking(true)?;
        Ok(Queue {
            entries: Mutex::new(VecDeque::new()),
            wake,
            watch,
        })
    }

    pub fn watch(&self) -> &UnixStream {
        &self.watch
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn push(&self, entry: Entry) {
        let mut entries = self.lock();
        entries.push_back(entry);
        if entries.len() == 1 {
            // Full buffer: a byte is already waiting, which is all it takes.
            let _ = (&self.wake).write(&[1]);
        }
    }

    pub fn pop(&self) -> Option<Entry> {
        let mut entries = self.lock();
        let entry = entries.pop_front();
        if entries.is_empty() {
            let mut sink = [0u8; 64];
            loop {
                match (&self.watch).read(&mut sink) {
                    Ok(n) if n > 0 => continue,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    _ => break,
                }
            }
        }
        entry
    }
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
/// as `userdata` (copying `err`, and keeping `result` as `bw_result_dup` does).
/// Pass it as `on_done`; it is not meant to be called directly.
///
/// # Safety
/// `userdata` is a live `bw_queue`; `err` a `bw_error` and `result` NULL or
/// a `bw_result`, both from this library.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_completion(
    userdata: *mut c_void,
    job_id: u64,
    status: bw_status,
    err: *const bw_error,
    result: *const bw_result,
) {
    ffi_value!((), {
        // SAFETY: caller contract above (the library passes its own records).
        let (queue, err) = unsafe { (&*userdata.cast::<bw_queue>(), std::ptr::read(err)) };
        queue.inner.push(Entry {
            job_id,
            status,
            err: Box::new(err),
            // SAFETY: as above.
            result: unsafe { result.as_ref() }.map(|r| Box::new(r.clone())),
        });
    })
}

/// Takes the oldest queued completion: its job id, status, error record
/// (cleared on success; NULL `err` to skip it) and its result, which the
/// caller now owns (free it with `bw_result_free`; NULL when there is none;
/// NULL `result` frees it at once).
/// False, writing nothing, when the queue is empty. Safe from any thread;
/// each completion is taken once.
///
/// # Safety
/// `queue` is NULL or a live queue; `job_id`, `status`, `result` are NULL or
/// writable; `err` is NULL or a `bw_error` of at least `err->struct_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_queue_next(
    queue: *mut bw_queue,
    job_id: *mut u64,
    status: *mut bw_status,
    result: *mut *mut bw_result,
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
            if !result.is_null() {
                result.write(entry.result.take().map_or(ptr::null_mut(), Box::into_raw));
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
