//! `bw_queue`: completions collected for an event loop instead of handled on
//! library threads. The library's threads push; the loop waits on a file
//! descriptor that is readable exactly while completions wait, and takes
//! them one by one on its own thread.

use super::call_state::OwnedCallState;
use super::types::{bw_call_state, bw_error, bw_status};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, MutexGuard};

/// One completion, copied out of the callback's arguments.
pub struct Entry {
    pub job_id: u64,
    pub status: bw_status,
    pub err: Box<bw_error>,
    /// Owned by the entry until taken.
    pub state: *mut bw_call_state,
}

// SAFETY: `state` is an owned allocation that only moves with the entry.
unsafe impl Send for Entry {}

impl Drop for Entry {
    fn drop(&mut self) {
        if !self.state.is_null() {
            // SAFETY: made by `bw_call_state_dup` (an `OwnedCallState`), owned here.
            drop(unsafe { Box::from_raw(self.state.cast::<OwnedCallState>()) });
        }
    }
}

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
