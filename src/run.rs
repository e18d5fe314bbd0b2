//! The one pipeline every operation goes through: the time budget starts,
//! attempts follow under the retry policy, and the observer hears of each
//! attempt, retry and the call's end.

use crate::attempt::{Answer, AttemptFailure};
use crate::cancel::Cancel;
use crate::client::Client;
use crate::config::CallOptions;
use crate::error::{Error, Status};
use crate::events::{error_type, Event, EventKind, RetryReason};
use crate::operation::{Operation, Repeat};
use crate::retry::{self, backoff, is_retryable};
use crate::transport::Failure;
use std::time::{Duration, Instant};

/// An operation whose time budget has started (see [`Client::start`]).
pub struct Started<T> {
    op: Operation<T>,
    began: Instant,
    deadline: Instant,
}

/// A call's attempts so far.
#[derive(Default)]
struct Progress {
    /// Attempts made, the one a stale token cost included.
    attempts: u32,
    /// Failed attempts that count against `max_attempts`.
    failed: u32,
    /// A stale token was replaced (at most once a call).
    refreshed_token: bool,
    /// Some attempt so far may have been applied.
    maybe_applied: bool,
    /// What the last attempt saw.
    last: Answer,
}

impl Client {
    /// Runs `op` now, on this thread.
    pub(crate) fn run<T>(&self, op: Operation<T>, opts: &CallOptions) -> Result<T, Error> {
        self.finish(self.start(op, opts)?, &Cancel::default())
    }

    /// Starts `op`'s time budget: from here the call ends within it, however
    /// long it waits to run (an asynchronous call waits in a queue).
    pub(crate) fn start<T>(
        &self,
        op: Operation<T>,
        opts: &CallOptions,
    ) -> Result<Started<T>, Error> {
        let timeout = match opts.timeout {
            Some(t) if t.is_zero() => {
                return Err(Error::invalid("timeout_ms", "timeout_ms is zero"))
            }
            Some(t) => t.min(self.settings.timeout),
            None => self.settings.timeout,
        };
        let now = Instant::now();
        Ok(Started {
            op,
            began: now,
            // A Rust caller may pass an absurd budget; do not overflow on it.
            deadline: now
                .checked_add(timeout)
                .unwrap_or(now + Duration::from_secs(86_400 * 365)),
        })
    }

    /// The one pipeline every operation goes through: attempts with auth,
    /// the retry policy within the time budget, and the answer read by the
    /// operation. Never sleeps past the deadline: when the next wait would
    /// cross it, the last error is returned at once. Once `cancel` is set no
    /// attempt starts and no wait continues (one already sent still runs to
    /// its answer).
    pub(crate) fn finish<T>(&self, started: Started<T>, cancel: &Cancel) -> Result<T, Error> {
        let mut progress = Progress::default();
        let result = self.attempt_until_done(&started, cancel, &mut progress);
        let mut end = self.event(EventKind::CallEnd, &started.op);
        end.duration = started.began.elapsed();
        end.attempt = progress.attempts;
        end.http_status = progress.last.http_status;
        end.connection_reused = progress.last.reused;
        if let Err(e) = &result {
            end.status = Some(e.status);
            end.http_status = e.http_status;
            end.error_type = error_type(Some(e.status), e.http_status);
        } else {
            self.budget.on_success();
        }
        self.emit(&end);
        result
    }

    /// Attempts until one succeeds, the retry policy gives up, or `cancel`
    /// is set; `progress` tells the call's end what happened.
    fn attempt_until_done<T>(
        &self,
        started: &Started<T>,
        cancel: &Cancel,
        progress: &mut Progress,
    ) -> Result<T, Error> {
        let (op, deadline) = (&started.op, started.deadline);
        let opt_in = self.settings.retry_non_idempotent;
        loop {
            if cancel.is_set() {
                return Err(progress.cancelled());
            }
            let failure = match self.attempt(op, deadline, progress) {
                Ok(value) => return Ok(value),
                Err(AttemptFailure::StaleToken(_)) if !progress.refreshed_token => {
                    // A 401 on a cached token (revoked, or expired early):
                    // fetch a new one and try once more. This retry is
                    // part of authenticating, not of the retry policy, so
                    // it counts against neither max_attempts nor the budget.
                    progress.refreshed_token = true;
                    let mut retry = self.event(EventKind::RetryScheduled, op);
                    retry.attempt = progress.attempts;
                    retry.retry_reason = Some(RetryReason::StaleToken);
                    self.emit(&retry);
                    continue;
                }
                Err(AttemptFailure::StaleToken(failure) | AttemptFailure::Other(failure)) => {
                    failure
                }
            };
            let retryable = is_retryable(&failure.error, failure.sent, op.repeat, opt_in);
            let error = progress.failed(failure, op.repeat);
            let wait = self.retry_wait(op, deadline, error, retryable, progress)?;
            if !cancel.sleep(wait) {
                return Err(progress.cancelled());
            }
        }
    }

    /// One attempt, told to the observer when it ends.
    fn attempt<T>(
        &self,
        op: &Operation<T>,
        deadline: Instant,
        progress: &mut Progress,
    ) -> Result<T, AttemptFailure> {
        progress.attempts += 1;
        let began = Instant::now();
        progress.last = Answer::default();
        let result = self.exchange(op, deadline, &mut progress.last);
        let mut ended = self.event(EventKind::AttemptEnd, op);
        ended.attempt = progress.attempts;
        ended.duration = began.elapsed();
        ended.http_status = progress.last.http_status;
        ended.connection_reused = progress.last.reused;
        if let Err(AttemptFailure::StaleToken(f) | AttemptFailure::Other(f)) = &result {
            ended.status = Some(f.error.status);
            ended.error_type = error_type(Some(f.error.status), f.error.http_status);
        }
        self.emit(&ended);
        result
    }

    /// How long to wait before retrying after `error`; or, when no retry
    /// follows (attempts used up, not `retryable`, past the time budget,
    /// or refused by the retry budget), the error that ends the call.
    fn retry_wait<T>(
        &self,
        op: &Operation<T>,
        deadline: Instant,
        error: Error,
        retryable: bool,
        progress: &Progress,
    ) -> Result<Duration, Error> {
        let attempts = progress.attempts;
        if progress.failed >= self.settings.max_attempts || !retryable {
            return Err(give_up(error, attempts, ""));
        }
        let wait = error
            .retry_after
            .unwrap_or_else(|| backoff(progress.failed));
        if Instant::now() + wait >= deadline {
            let why = "; the next retry would pass the time budget";
            return Err(give_up(error, attempts, why));
        }
        let mut retry = self.event(EventKind::RetryScheduled, op);
        retry.attempt = attempts;
        retry.retry_reason = Some(retry_reason(&error));
        retry.retry_delay = wait;
        retry.status = Some(error.status);
        retry.http_status = error.http_status;
        retry.error_type = error_type(Some(error.status), error.http_status);
        if !self.budget.try_retry(error.status == Status::Timeout) {
            retry.kind = EventKind::RetryDenied;
            self.emit(&retry);
            let why = "; no retry: the client's retry budget is exhausted by recent failures";
            return Err(give_up(error, attempts, why));
        }
        self.emit(&retry);
        Ok(wait)
    }

    /// Counts `event` and tells the observer, if any.
    pub(crate) fn emit(&self, event: &Event) {
        self.counters.count(event);
        if let Some(hook) = &self.settings.on_event {
            (hook.0)(event);
        }
    }

    /// An event about `op` with everything but the facts of this moment.
    pub(crate) fn event<'a, T>(&'a self, kind: EventKind, op: &'a Operation<T>) -> Event<'a> {
        Event {
            kind,
            operation: op.name,
            method: op.method.as_str(),
            url_template: op.template,
            account_id: &op.account_id,
            call_id: &op.call_id,
            conference_id: &op.conference_id,
            server_address: &self.settings.api_server.address,
            server_port: self.settings.api_server.port,
            attempt: 0,
            http_status: 0,
            status: None,
            error_type: String::new(),
            retry_reason: None,
            retry_delay: Duration::ZERO,
            duration: Duration::ZERO,
            connection_reused: false,
        }
    }
}

impl Progress {
    /// Counts a failed attempt; its error, told what the call has done.
    fn failed(&mut self, failure: Failure, repeat: Repeat) -> Error {
        let Failure { mut error, sent } = failure;
        self.maybe_applied |= retry::maybe_applied(&error, sent, repeat);
        self.failed += 1;
        error.attempts = self.attempts;
        error.maybe_applied = self.maybe_applied;
        error
    }

    /// The error of a call cancelled now.
    fn cancelled(&self) -> Error {
        let mut error = Error::new(
            Status::Cancelled,
            if self.attempts == 0 {
                "cancelled before it was sent".to_owned()
            } else {
                format!("cancelled after {} attempt(s)", self.attempts)
            },
        );
        error.attempts = self.attempts;
        error.maybe_applied = self.maybe_applied;
        error
    }
}

/// `error` as the outcome of a call that made `attempts`; `why` says why
/// no retry followed, when the retry policy alone does not.
fn give_up(mut error: Error, attempts: u32, why: &str) -> Error {
    if attempts > 1 || !why.is_empty() {
        error.message = format!("{} (attempts: {attempts}{why})", error.message);
    }
    error
}

/// The low-cardinality reason a failure is retried.
fn retry_reason(error: &Error) -> RetryReason {
    match (error.status, error.http_status) {
        (Status::RateLimited, _) => RetryReason::RateLimited,
        (_, 503) => RetryReason::Unavailable,
        (Status::Timeout, _) => RetryReason::Timeout,
        (Status::Server, _) => RetryReason::ServerError,
        _ => RetryReason::Connect,
    }
}

/// Cancelling a call through the one pipeline (`start` / `finish` with a
/// `Cancel`), as the asynchronous forms do: a call waiting to retry stops at
/// once, and nothing more is sent. Against the simulator on loopback.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Auth;
    use crate::config::ClientConfig;
    use crate::operation;
    use bwvoice_sim::{CallState as SimCall, Config, Fault, Simulator};
    use std::thread;

    const ACCOUNT: &str = "9900000";

    fn client_of(sim: &Simulator) -> Client {
        let auth = Auth::Basic {
            username: "user".into(),
            password: "pass".into(),
        };
        let config = ClientConfig {
            base_url: Some(sim.api_url()),
            ..ClientConfig::new(auth)
        };
        Client::new(config).expect("client")
    }

    #[test]
    fn a_call_waiting_to_retry_stops_when_cancelled() {
        let sim = Simulator::start(Config::default()).expect("simulator");
        let call = sim.create_call(ACCOUNT, SimCall::Answered);
        // A 429 asking for a 25 s wait: without the cancel the call would sleep.
        sim.add_fault(Fault {
            status: Some(429),
            headers: vec![("Retry-After".into(), "25".into())],
            ..Fault::default()
        });
        let client = client_of(&sim);
        let op = operation::get_call_state(client.base_url(), ACCOUNT, &call).unwrap();
        let started = client.start(op, &CallOptions::default()).unwrap();
        let cancel = Cancel::default();
        let err = thread::scope(|scope| {
            scope.spawn(|| {
                // Once the first attempt was answered 429, the call is waiting.
                let waiting = sim.wait_requests(Duration::from_secs(10), |log| {
                    log.iter().any(|r| r.status == 429)
                });
                assert!(waiting, "the first attempt never arrived");
                cancel.set();
            });
            client.finish(started, &cancel).unwrap_err()
        });
        assert_eq!(err.status, Status::Cancelled, "{err}");
        assert_eq!((err.attempts, err.maybe_applied), (1, false), "{err}");
        assert!(err.message.contains("after 1 attempt"), "{}", err.message);
        assert_eq!(sim.requests().len(), 1, "nothing sent after the cancel");
    }

    #[test]
    fn a_cancelled_call_sends_nothing() {
        let sim = Simulator::start(Config::default()).expect("simulator");
        let call = sim.create_call(ACCOUNT, SimCall::Answered);
        let client = client_of(&sim);
        let op = operation::update_call_bxml(
            client.base_url(),
            ACCOUNT,
            &call,
            "<Bxml/>",
            crate::bxml::UnknownVerbs::Refuse,
        )
        .unwrap();
        let started = client.start(op, &CallOptions::default()).unwrap();
        let cancel = Cancel::default();
        cancel.set();
        let err = client.finish(started, &cancel).unwrap_err();
        assert_eq!((err.status, err.attempts), (Status::Cancelled, 0), "{err}");
        assert!(sim.requests().is_empty());
    }
}
