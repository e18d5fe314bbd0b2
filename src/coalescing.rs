//! Writing each request in one piece, and noting per request what went
//! out and whether a new connection was opened for it.
//!
//! ureq's `unversioned` API is exempt from semver, so Cargo.toml pins ureq
//! to one minor version.

use std::cell::Cell;
use std::time::Duration;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, NextTimeout, Transport as UreqTransport,
};

/// Wraps every connection (after TLS, so it sees plaintext) in a
/// [`CoalescingTransport`].
#[derive(Debug)]
pub struct Coalescing;

impl Connector<Box<dyn UreqTransport>> for Coalescing {
    type Out = CoalescingTransport;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<Box<dyn UreqTransport>>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            OPENED.set(true);
        }
        Ok(chained.map(|inner| CoalescingTransport {
            inner,
            pending: Vec::new(),
        }))
    }
}

/// Sends the request head and body in one write. ureq transmits them
/// separately: two TCP segments (two TLS records) per call, each waking the
/// server, where libcurl and Go's net/http send one. Output is held back
/// until ureq waits for the response (or it grows past `FLUSH_AT`), then
/// written at once. Nothing is reordered or dropped: every byte is written
/// before any read. (ureq reaches `await_input` through the trait's default
/// `maybe_await_input`, which reads nothing before it while the input
/// buffer is empty, as it always is when a request starts.)
#[derive(Debug)]
pub struct CoalescingTransport {
    inner: Box<dyn UreqTransport>,
    pending: Vec<u8>,
}

/// Rounds a timeout down to whole milliseconds (never to zero). ureq sets
/// SO_SNDTIMEO / SO_RCVTIMEO again whenever the value differs from the last
/// one, and the remaining budget differs on every call by microseconds:
/// two setsockopt per call. Rounded, consecutive calls agree and none is
/// needed; a timeout can fire up to 1 ms early, never late.
fn whole_millis(mut timeout: NextTimeout) -> NextTimeout {
    use ureq::unversioned::transport::time::Duration as D;
    if let D::Exact(d) = timeout.after {
        if d >= Duration::from_millis(1) {
            timeout.after = D::Exact(Duration::from_millis(d.as_millis() as u64));
        }
    }
    timeout
}

/// Held-back output above which it is written without waiting.
const FLUSH_AT: usize = 64 * 1024;

/// How much of the request on the current thread has been written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// No byte: the server cannot have seen the request. A request fits one
    /// write, and a failed write queues nothing.
    Nothing,
    /// Some bytes (a body larger than `FLUSH_AT`, still being written).
    Part,
    /// All of it: ureq is waiting for the answer.
    All,
}

thread_local! {
    /// ureq runs a request on the caller's thread, so a thread-local ties
    /// the state to the request in flight.
    static WRITTEN: Cell<Written> = const { Cell::new(Written::Nothing) };
    /// The request on this thread opened a connection (none was pooled).
    static OPENED: Cell<bool> = const { Cell::new(false) };
}

/// Resets [`written`] and [`opened_connection`]; call before each request.
pub fn start_request() {
    WRITTEN.set(Written::Nothing);
    OPENED.set(false);
}

/// Whether the current thread's last request opened a new connection.
pub fn opened_connection() -> bool {
    OPENED.get()
}

/// How much of the current thread's last request was written.
pub fn written() -> Written {
    WRITTEN.get()
}

impl CoalescingTransport {
    fn flush(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = whole_millis(timeout);
        let mut sent = 0;
        while sent < self.pending.len() {
            let output = self.inner.buffers().output();
            let n = output.len().min(self.pending.len() - sent);
            output[..n].copy_from_slice(&self.pending[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
            if WRITTEN.get() == Written::Nothing {
                WRITTEN.set(Written::Part);
            }
        }
        self.pending.clear();
        Ok(())
    }
}

impl UreqTransport for CoalescingTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let output = &self.inner.buffers().output()[..amount];
        self.pending.extend_from_slice(output);
        if self.pending.len() >= FLUSH_AT {
            self.flush(timeout)?;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.flush(timeout)?;
        WRITTEN.set(Written::All);
        self.inner.await_input(whole_millis(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::time::Duration as D;

    fn after(d: D) -> D {
        let timeout = NextTimeout {
            after: d,
            reason: ureq::Timeout::Global,
            per_read: None,
            per_write: None,
        };
        whole_millis(timeout).after
    }

    #[test]
    fn timeouts_round_down_to_whole_milliseconds_but_never_to_zero() {
        let ms = Duration::from_millis;
        let us = Duration::from_micros;
        assert_eq!(after(D::Exact(us(1_700))), D::Exact(ms(1)));
        assert_eq!(after(D::Exact(us(29_999_999))), D::Exact(ms(29_999)));
        assert_eq!(after(D::Exact(ms(5))), D::Exact(ms(5)));
        assert_eq!(after(D::Exact(us(999))), D::Exact(us(999)));
        assert_eq!(after(D::NotHappening), D::NotHappening);
    }
}
