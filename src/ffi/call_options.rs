//! `bw_call_options`, and [`Invocation`]: what every operation's C function
//! shares. An operation's own C arguments become an [`Operation`] in one
//! function beside its exports (e.g. `update_call_bxml` in `call.rs`); the
//! invocation then runs it now ([`Invocation::run`]) or queues it
//! ([`Invocation::submit`]), so the blocking and `_async` forms share one
//! path. Arguments are checked in the order the C function takes them.

use super::boundary::{req_ref, req_str};
use super::client::bw_client;
use super::completion::{self, bw_completion_fn, Completion};
use super::growable;
use super::result::IntoResult;
use super::view::Owned;
use crate::client::{CallOptions, Client};
use crate::error::Error;
use crate::operation::Operation;
use std::os::raw::{c_char, c_void};
use std::time::Duration;

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
    // Layout 2 begins here: flags, added after 0.2.0 (layout 1 is
    // struct_size and timeout_ms).
    /// `BW_CALL_*` bits; 0 for none.
    pub flags: u32,
}

/// For a `bw_*_async` call: run it on the calling thread, inside
/// `bw_*_async`, when the client could start it at once (nothing queued,
/// fewer than `max_concurrency` calls running); its callback then runs
/// before `bw_*_async` returns, on that thread. Otherwise it is queued as
/// usual. Saves the hand-over to a worker thread when few calls are in
/// flight; the caller's thread waits for the call meanwhile, so a callback
/// of such a call must not `bw_free` its client. Ignored by blocking calls.
pub const BW_CALL_INLINE: u32 = 1;
/// Every `BW_CALL_*` bit this library knows.
const KNOWN_FLAGS: u32 = BW_CALL_INLINE;

/// The client and account every operation takes first, after the NULL
/// and UTF-8 checks.
pub struct Invocation<'a> {
    pub handle: &'a bw_client,
    pub account_id: &'a str,
}

impl<'a> Invocation<'a> {
    /// # Safety
    /// Each pointer is NULL or valid for `'a`, the string NUL-terminated.
    pub unsafe fn new(
        client: *const bw_client,
        account_id: *const c_char,
    ) -> Result<Invocation<'a>, Error> {
        // SAFETY: caller contract above, for each pointer.
        let (handle, account_id) = unsafe {
            (
                req_ref(client, "client")?,
                req_str(account_id, "account_id")?,
            )
        };
        Ok(Invocation { handle, account_id })
    }

    pub fn client(&self) -> &Client {
        &self.handle.client
    }

    pub fn base_url(&self) -> &str {
        self.client().base_url()
    }

    /// Runs `op` now, on this thread: the blocking form.
    ///
    /// # Safety
    /// `opts` is NULL or at least `opts->struct_size` bytes.
    pub unsafe fn run<T>(
        &self,
        op: Operation<T>,
        opts: *const bw_call_options,
    ) -> Result<T, Error> {
        // SAFETY: caller contract above.
        let opts = unsafe { call_options(opts) }?;
        self.client().run(op, &opts)
    }

    /// Runs `op` now and hands its value to C in `*out` (untouched on
    /// failure), as the library-owned view `own` makes.
    ///
    /// # Safety
    /// As for [`Invocation::run`]; `out` is NULL or writable.
    pub unsafe fn run_into<T, V>(
        &self,
        op: Operation<T>,
        opts: *const bw_call_options,
        out: *mut *mut V,
        own: fn(T) -> Result<Box<Owned<V>>, Error>,
    ) -> Result<(), Error> {
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        // SAFETY: caller contract above.
        let owned = own(unsafe { self.run(op, opts) }?)?;
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { out.write(owned.into_raw()) };
        Ok(())
    }

    /// Starts `op`'s budget and queues it on the client's pool: the
    /// asynchronous form.
    ///
    /// # Safety
    /// `opts` is NULL or at least `opts->struct_size` bytes; `on_done` may
    /// be called with `userdata` on any thread; `job_id` is NULL or writable.
    pub unsafe fn submit<T: IntoResult>(
        &self,
        op: Operation<T>,
        opts: *const bw_call_options,
        on_done: bw_completion_fn,
        userdata: *mut c_void,
        job_id: *mut u64,
    ) -> Result<(), Error> {
        // SAFETY: caller contract above.
        let (opts, flags) = unsafe { call_options_and_flags(opts) }?;
        let done = Completion::new(on_done, userdata)
            .ok_or_else(|| Error::invalid("on_done", "on_done is NULL"))?;
        let started = self.client().start(op, &opts)?;
        let (pool, client) = (self.handle.pool(), &self.handle.client);
        let inline = flags & BW_CALL_INLINE != 0;
        // SAFETY: forwarded from the caller.
        unsafe { completion::submit(pool, client, started, done, job_id, inline) }
    }
}

/// `opts` as the core's options (NULL: the client's).
///
/// # Safety
/// `opts` is NULL or at least `opts->struct_size` bytes.
pub unsafe fn call_options(opts: *const bw_call_options) -> Result<CallOptions, Error> {
    // SAFETY: caller contract above.
    unsafe { call_options_and_flags(opts) }.map(|(opts, _)| opts)
}

/// `opts` as the core's options and its `BW_CALL_*` flags, checked.
///
/// # Safety
/// As for [`call_options`].
unsafe fn call_options_and_flags(
    opts: *const bw_call_options,
) -> Result<(CallOptions, u32), Error> {
    if opts.is_null() {
        return Ok((CallOptions::default(), 0));
    }
    // SAFETY: caller contract above.
    let opts = unsafe { growable::read(opts) }?;
    if opts.flags & !KNOWN_FLAGS != 0 {
        let unknown = opts.flags & !KNOWN_FLAGS;
        return Err(Error::invalid(
            "opts.flags",
            format!("opts.flags has unknown bits {unknown:#x}"),
        ));
    }
    let timeout = (opts.timeout_ms != 0).then(|| Duration::from_millis(opts.timeout_ms.into()));
    Ok((CallOptions { timeout }, opts.flags))
}
