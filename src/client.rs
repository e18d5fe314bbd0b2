//! The client: configuration, the live-call operations, and the one
//! pipeline they share (validate, authorize, send, retry, map the answer).

use crate::auth::{basic_header, Auth, TokenSource};
use crate::budget::{self, RetryBudget};
use crate::call_state::CallState;
use crate::endpoint::{check_service_url, server_of, Server, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL};
use crate::error::{Error, Status};
use crate::events::{error_type, Counters, Event, EventHook, EventKind, RetryReason, Stats};
use crate::jobs::{
    Cancel, Pool, PoolLimits, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_QUEUED, MAX_CONCURRENCY_LIMIT,
};
use crate::operation::{self, Operation, RecordingState};
use crate::redact::scrub;
use crate::request::ModifyCallRequest;
use crate::response::http_error;
use crate::retry::{self, backoff, is_retryable, DEFAULT_MAX_ATTEMPTS};
use crate::transport::{Failure, ProxyConfig, Request, TlsRoots, Transport, TransportOptions};
use std::time::{Duration, Instant};

/// Connect timeout when the configuration leaves it unset.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Total time budget of one call (all attempts and waits) when unset.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// `User-Agent` sent with every request (a suffix may follow).
pub const USER_AGENT: &str = concat!("bwvoice/", env!("CARGO_PKG_VERSION"));
const MAX_USER_AGENT_SUFFIX: usize = 128;
const MAX_BINDING: usize = 16;
/// Added to a 401 for Basic credentials from Bandwidth's own Voice API.
const BASIC_RETIRED: &str = "; Bandwidth retired Basic API-user credentials on 2026-12-02: \
     use OAuth2 client credentials (client_id and client_secret)";

/// Everything a [`Client`] needs; `None` fields take the documented default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The credentials.
    pub auth: Auth,
    /// Voice API base, default `https://voice.bandwidth.com/api/v2`.
    pub base_url: Option<String>,
    /// Default 5 s.
    pub connect_timeout: Option<Duration>,
    /// Budget for a whole call including retries, default 30 s.
    pub timeout: Option<Duration>,
    /// Attempts per call, first included; default 3, `Some(1)` never retries.
    pub max_attempts: Option<u32>,
    /// Also retry a redirect or a BXML replacement after a failure that may
    /// have reached the server (timeout, reset, 5xx other than 503). Off by
    /// default because a repeated redirect re-fires the customer's webhook
    /// and repeated BXML restarts the script.
    pub retry_non_idempotent: bool,
    /// Which certificate authorities to trust (verification is always on).
    pub tls_roots: TlsRoots,
    /// Direct, an explicit proxy, or the environment's.
    pub proxy: ProxyConfig,
    /// Appended to the User-Agent as `bwvoice/x.y.z (suffix)`.
    pub user_agent_suffix: Option<String>,
    /// For language bindings: their name (`python`, `go`), first in the
    /// User-Agent comment: `bwvoice/x.y.z (binding; suffix)`.
    pub binding: Option<String>,
    /// Asynchronous calls running at once (each on a worker thread);
    /// default 64, at most 4096.
    pub max_concurrency: Option<u32>,
    /// Asynchronous calls waiting to run; a submit beyond it is
    /// `Status::Busy`. Default 10,000.
    pub max_queued: Option<u32>,
    /// Capacity of the retry budget: retries cost tokens, successes refund
    /// some, an empty budget means one attempt per call. Default
    /// [`crate::DEFAULT_RETRY_BUDGET`], [`crate::RETRY_BUDGET_OFF`] for none.
    pub retry_budget: Option<u32>,
    /// Told of every attempt, retry, token fetch and call end.
    pub on_event: Option<EventHook>,
}

impl ClientConfig {
    /// A configuration with these credentials and every default.
    pub fn new(auth: Auth) -> ClientConfig {
        ClientConfig {
            auth,
            base_url: None,
            connect_timeout: None,
            timeout: None,
            max_attempts: None,
            retry_non_idempotent: false,
            tls_roots: TlsRoots::default(),
            proxy: ProxyConfig::default(),
            user_agent_suffix: None,
            binding: None,
            max_concurrency: None,
            max_queued: None,
            retry_budget: None,
            on_event: None,
        }
    }
}

/// Settings of one call; the default takes the client's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// At most this long for this call, every attempt and wait included;
    /// the client's `timeout` still applies when it is shorter (so a
    /// caller's deadline passes straight through). Zero is invalid.
    pub timeout: Option<Duration>,
}

impl CallOptions {
    /// A call that ends within `timeout` (or the client's, if shorter).
    pub fn within(timeout: Duration) -> CallOptions {
        CallOptions {
            timeout: Some(timeout),
        }
    }
}

enum Authorization {
    Basic(String),
    // Boxed: the token cache is large next to a header string.
    OAuth2(Box<TokenSource>),
}

/// A Voice API client. Share it freely between threads: calls run
/// concurrently over one keep-alive connection pool and one token cache.
pub struct Client {
    transport: Transport,
    /// The credentials as they could appear in an echoed request, for
    /// scrubbing server text (see `redact`).
    secrets: Vec<String>,
    base_url: String,
    authorization: Authorization,
    timeout: Duration,
    max_attempts: u32,
    retry_non_idempotent: bool,
    /// Of the asynchronous calls.
    pool_limits: PoolLimits,
    budget: RetryBudget,
    on_event: Option<EventHook>,
    counters: Counters,
    /// The Voice API's, for events.
    api_server: Server,
}

impl Client {
    /// A client for `config`, checked first: an invalid setting is
    /// [`Status::InvalidArgument`] naming it in [`Error::field`].
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let base_url = check_service_url(
            "base_url",
            config.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
        )?;
        let mut secrets = Vec::new();
        let authorization = match &config.auth {
            Auth::Basic { username, password } => {
                let header = basic_header("username", username, "password", password)?;
                secrets.extend([password.clone(), credential(&header).to_owned()]);
                Authorization::Basic(header)
            }
            Auth::OAuth2 {
                client_id,
                client_secret,
                token_url,
            } => {
                if client_secret.is_empty() {
                    return Err(Error::invalid("client_secret", "client_secret is empty"));
                }
                let basic = basic_header("client_id", client_id, "client_secret", client_secret)?;
                secrets.extend([client_secret.clone(), credential(&basic).to_owned()]);
                let token_url = check_service_url(
                    "token_url",
                    token_url.as_deref().unwrap_or(DEFAULT_TOKEN_URL),
                )?;
                Authorization::OAuth2(Box::new(TokenSource::new(
                    token_url,
                    basic,
                    secrets.clone(),
                )))
            }
        };
        let user_agent = user_agent(
            config.binding.as_deref(),
            config.user_agent_suffix.as_deref(),
        )?;
        let positive = |field: &'static str, value: Option<Duration>, default| match value {
            Some(d) if d.is_zero() => Err(Error::invalid(field, format!("{field} is zero"))),
            Some(d) => Ok(d),
            None => Ok(default),
        };
        let connect_timeout = positive(
            "connect_timeout_ms",
            config.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let timeout = positive("timeout_ms", config.timeout, DEFAULT_TIMEOUT)?;
        let max_attempts = match config.max_attempts {
            Some(0) => return Err(Error::invalid("max_attempts", "max_attempts is zero")),
            Some(n) => n,
            None => DEFAULT_MAX_ATTEMPTS,
        };
        let max_concurrency = match config.max_concurrency {
            Some(n) if n == 0 || n > MAX_CONCURRENCY_LIMIT => {
                return Err(Error::invalid(
                    "max_concurrency",
                    format!("max_concurrency must be 1-{MAX_CONCURRENCY_LIMIT}"),
                ))
            }
            Some(n) => n,
            None => DEFAULT_MAX_CONCURRENCY,
        };
        let max_queued = match config.max_queued {
            Some(0) => return Err(Error::invalid("max_queued", "max_queued is zero")),
            Some(n) => n,
            None => DEFAULT_MAX_QUEUED,
        };
        let budget = match config.retry_budget {
            Some(0) => return Err(Error::invalid("retry_budget", "retry_budget is zero")),
            Some(budget::OFF) => None,
            Some(capacity) => Some(capacity),
            None => Some(budget::DEFAULT_CAPACITY),
        };
        let transport = Transport::new(&TransportOptions {
            connect_timeout,
            tls_roots: &config.tls_roots,
            proxy: &config.proxy,
            user_agent: &user_agent,
        })?;
        Ok(Client {
            transport,
            secrets,
            api_server: server_of(&base_url),
            base_url,
            authorization,
            timeout,
            max_attempts,
            retry_non_idempotent: config.retry_non_idempotent,
            pool_limits: PoolLimits {
                max_concurrency,
                max_queued,
            },
            budget: RetryBudget::new(budget),
            on_event: config.on_event,
            counters: Counters::default(),
        })
    }

    /// The client's counters so far (cheap; any thread).
    pub fn stats(&self) -> Stats {
        Stats {
            retry_budget_tokens: self.budget.tokens(),
            ..self.counters.snapshot()
        }
    }

    /// Counts `event` and tells the observer, if any.
    fn emit(&self, event: &Event) {
        self.counters.count(event);
        if let Some(hook) = &self.on_event {
            (hook.0)(event);
        }
    }

    /// An event about `op` with everything but the facts of this moment.
    fn event<'a, T>(&'a self, kind: EventKind, op: &'a Operation<T>) -> Event<'a> {
        Event {
            kind,
            operation: op.name,
            method: op.method.as_str(),
            url_template: op.template,
            account_id: &op.account_id,
            call_id: &op.call_id,
            server_address: &self.api_server.address,
            server_port: self.api_server.port,
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

    /// A pool for this client's asynchronous calls, sized by its configuration.
    pub(crate) fn new_pool(&self) -> Pool {
        Pool::new(self.pool_limits)
    }

    /// The Voice API base URL, for building operations.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Updates a live call: redirect it to new BXML, change its tag, or end
    /// it ("Update active call"). A redirect is not repeated after a failure
    /// that may have been applied; a hang-up is.
    pub fn modify_call(
        &self,
        account_id: &str,
        call_id: &str,
        request: &ModifyCallRequest,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        let op = operation::update_call(&self.base_url, account_id, call_id, request)?;
        self.run(op, opts)
    }

    /// Ends a call (cancels it if not yet answered): `{"state":"completed"}`.
    pub fn hangup(&self, account_id: &str, call_id: &str, opts: &CallOptions) -> Result<(), Error> {
        self.run(
            operation::hangup(&self.base_url, account_id, call_id)?,
            opts,
        )
    }

    /// Reads a call's state ("Get call state"). Safe to repeat.
    ///
    /// ```no_run
    /// # fn show(client: &bwvoice::Client) -> Result<(), bwvoice::Error> {
    /// use bwvoice::CallOptions;
    /// use std::time::Duration;
    ///
    /// let state = client.get_call_state("9900000", "c-1234", &CallOptions::within(Duration::from_secs(2)))?;
    /// if state.state.as_deref() == Some("disconnected") {
    ///     println!("ended: {:?}", state.disconnect_cause);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_call_state(
        &self,
        account_id: &str,
        call_id: &str,
        opts: &CallOptions,
    ) -> Result<CallState, Error> {
        let op = operation::get_call_state(&self.base_url, account_id, call_id)?;
        self.run(op, opts)
    }

    /// Replaces a live call's BXML with `document` ("Update call BXML"),
    /// which must be well-formed XML with a `<Bxml>` root of at most
    /// [`crate::MAX_BXML_BYTES`]. Like a redirect, not repeated after a
    /// failure that may have been applied: a second one restarts the script.
    pub fn update_call_bxml(
        &self,
        account_id: &str,
        call_id: &str,
        document: &str,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        let op = operation::update_call_bxml(&self.base_url, account_id, call_id, document)?;
        self.run(op, opts)
    }

    /// Pauses or resumes a call's recording ("Update recording"). Safe to repeat.
    pub fn update_call_recording(
        &self,
        account_id: &str,
        call_id: &str,
        state: RecordingState,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        let op = operation::update_call_recording(&self.base_url, account_id, call_id, state)?;
        self.run(op, opts)
    }

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
            Some(t) => t.min(self.timeout),
            None => self.timeout,
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
        let mut last = Answer::default();
        let mut attempts = 0;
        let result = self.attempts(&started, cancel, &mut attempts, &mut last);
        let mut end = self.event(EventKind::CallEnd, &started.op);
        end.duration = started.began.elapsed();
        end.attempt = attempts;
        end.http_status = last.http_status;
        end.connection_reused = last.reused;
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

    /// The attempts of one call; `attempts` and `last` tell the call's end
    /// event how many there were and what the last one saw.
    fn attempts<T>(
        &self,
        started: &Started<T>,
        cancel: &Cancel,
        attempts: &mut u32,
        last: &mut Answer,
    ) -> Result<T, Error> {
        let (op, deadline) = (&started.op, started.deadline);
        let idempotent = op.idempotent || self.retry_non_idempotent;
        // Failed attempts that count against max_attempts.
        let mut failed = 0;
        let mut refreshed_token = false;
        // Some attempt so far may have been applied.
        let mut maybe_applied = false;
        let cancelled = |attempts: u32, maybe_applied: bool| {
            let mut error = Error::new(
                Status::Cancelled,
                if attempts == 0 {
                    "cancelled before it was sent".to_owned()
                } else {
                    format!("cancelled after {attempts} attempt(s)")
                },
            );
            error.attempts = attempts;
            error.maybe_applied = maybe_applied;
            Err(error)
        };
        loop {
            if cancel.is_set() {
                return cancelled(*attempts, maybe_applied);
            }
            *attempts += 1;
            let attempts = *attempts;
            let began = Instant::now();
            *last = Answer::default();
            let result = self.exchange(op, deadline, last);
            let mut ended = self.event(EventKind::AttemptEnd, op);
            ended.attempt = attempts;
            ended.duration = began.elapsed();
            ended.http_status = last.http_status;
            ended.connection_reused = last.reused;
            if let Err(AttemptFailure::StaleToken(f) | AttemptFailure::Other(f)) = &result {
                ended.status = Some(f.error.status);
                ended.error_type = error_type(Some(f.error.status), f.error.http_status);
            }
            self.emit(&ended);
            let failure = match result {
                Ok(value) => return Ok(value),
                Err(AttemptFailure::StaleToken(_)) if !refreshed_token => {
                    // A 401 on a cached token (revoked, or expired early):
                    // fetch a new one and try once more. This retry is
                    // part of authenticating, not of the retry policy, so
                    // it counts against neither max_attempts nor the budget.
                    refreshed_token = true;
                    let mut retry = self.event(EventKind::RetryScheduled, op);
                    retry.attempt = attempts;
                    retry.retry_reason = Some(RetryReason::StaleToken);
                    self.emit(&retry);
                    continue;
                }
                Err(AttemptFailure::StaleToken(failure) | AttemptFailure::Other(failure)) => {
                    failure
                }
            };
            let Failure { mut error, sent } = failure;
            maybe_applied |= retry::maybe_applied(&error, sent);
            error.attempts = attempts;
            error.maybe_applied = maybe_applied;
            failed += 1;
            let give_up = |mut error: Error, why: &str| {
                if attempts > 1 || !why.is_empty() {
                    error.message = format!("{} (attempts: {attempts}{why})", error.message);
                }
                Err(error)
            };
            if failed >= self.max_attempts || !is_retryable(&error, sent, idempotent) {
                return give_up(error, "");
            }
            let wait = error.retry_after.unwrap_or_else(|| backoff(failed));
            if Instant::now() + wait >= deadline {
                return give_up(error, "; the next retry would pass the time budget");
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
                return give_up(
                    error,
                    "; no retry: the client's retry budget is exhausted by recent failures",
                );
            }
            self.emit(&retry);
            if !cancel.sleep(wait) {
                return cancelled(attempts, maybe_applied);
            }
        }
    }

    /// One attempt: the outcome, with what the transport saw of it in `answer`.
    fn exchange<T>(
        &self,
        op: &Operation<T>,
        deadline: Instant,
        answer: &mut Answer,
    ) -> Result<T, AttemptFailure> {
        let bearer;
        let authorization: &str = match &self.authorization {
            Authorization::Basic(header) => header,
            Authorization::OAuth2(tokens) => {
                let on_fetch = |took: Duration, error: Option<&Error>| {
                    let mut fetch = self.event(EventKind::TokenFetch, op);
                    fetch.operation = "token";
                    fetch.method = "POST";
                    fetch.url_template = "";
                    fetch.server_address = &tokens.server.address;
                    fetch.server_port = tokens.server.port;
                    fetch.duration = took;
                    if let Some(e) = error {
                        fetch.status = Some(e.status);
                        fetch.http_status = e.http_status;
                        fetch.error_type = error_type(Some(e.status), e.http_status);
                    }
                    self.emit(&fetch);
                };
                bearer = tokens
                    .bearer(&self.transport, deadline, &on_fetch)
                    .map_err(AttemptFailure::Other)?;
                &bearer
            }
        };
        if Instant::now() >= deadline {
            return Err(AttemptFailure::Other(Failure {
                error: Error::new(
                    Status::Timeout,
                    "the call's time budget ran out before the request could be sent",
                ),
                sent: false,
            }));
        }
        let mut headers = vec![("Authorization", authorization)];
        if let Some(body) = &op.body {
            headers.push(("Content-Type", body.content_type));
        }
        let request = Request {
            method: op.method,
            url: &op.url,
            headers: &headers,
            body: op.body.as_ref().map(|b| b.bytes.as_slice()),
        };
        let outcome = self.transport.send(&request, deadline);
        answer.reused = !Transport::opened_connection();
        let reply = outcome.map_err(AttemptFailure::Other)?;
        answer.http_status = reply.status;
        // Everything an echoing server could put into text we report;
        // gathered only on the way to an error.
        let secrets = || {
            let mut secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
            secrets.push(credential(authorization));
            secrets.extend(op.secrets.iter().map(String::as_str));
            secrets
        };
        if (200..300).contains(&reply.status) {
            return (op.read)(reply.body.as_deref()).map_err(|mut error| {
                // The server answered 2xx, so it acted; only the answer
                // could not be read. The reader's message may quote it.
                error.http_status = reply.status;
                error.message = scrub(&error.message, &secrets());
                AttemptFailure::Other(Failure { error, sent: true })
            });
        }
        let mut error = http_error(
            reply.status,
            reply.retry_after,
            reply.body.as_deref(),
            &secrets(),
        );
        if reply.status == 401
            && matches!(self.authorization, Authorization::Basic(_))
            && self.base_url == DEFAULT_BASE_URL
        {
            error.message.push_str(BASIC_RETIRED);
        }
        let failure = Failure { error, sent: true };
        match &self.authorization {
            Authorization::OAuth2(tokens) if reply.status == 401 => {
                tokens.invalidate(authorization);
                Err(AttemptFailure::StaleToken(failure))
            }
            _ => Err(AttemptFailure::Other(failure)),
        }
    }
}

/// The credential of an `Authorization` value (`Basic abc` -> `abc`).
fn credential(authorization: &str) -> &str {
    authorization
        .split_once(' ')
        .map_or(authorization, |(_, credential)| credential)
}

/// `bwvoice/x.y.z`, then `(binding; suffix)` with whichever of the two is set.
fn user_agent(binding: Option<&str>, suffix: Option<&str>) -> Result<String, Error> {
    if let Some(name) = binding {
        let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b);
        if name.is_empty() || name.len() > MAX_BINDING || !name.bytes().all(allowed) {
            return Err(Error::invalid(
                "binding",
                "binding must be 1-16 lower-case letters, digits, '+', '-' or '.'",
            ));
        }
    }
    if let Some(suffix) = suffix {
        let printable = suffix.bytes().all(|b| (b' '..=b'~').contains(&b));
        if suffix.is_empty() || !printable || suffix.len() > MAX_USER_AGENT_SUFFIX {
            return Err(Error::invalid(
                "user_agent_suffix",
                "user_agent_suffix must be 1-128 printable ASCII characters",
            ));
        }
    }
    let comment: Vec<&str> = [binding, suffix].into_iter().flatten().collect();
    Ok(if comment.is_empty() {
        USER_AGENT.to_owned()
    } else {
        format!("{USER_AGENT} ({})", comment.join("; "))
    })
}

/// An operation whose time budget has started (see [`Client::start`]).
pub struct Started<T> {
    op: Operation<T>,
    began: Instant,
    deadline: Instant,
}

/// What an attempt's event reports beside its outcome.
#[derive(Default)]
struct Answer {
    http_status: u16,
    reused: bool,
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

enum AttemptFailure {
    /// The API refused a cached bearer token (it may have been revoked).
    StaleToken(Failure),
    Other(Failure),
}

/// Cancelling a call through the one pipeline (`start` / `finish` with a
/// `Cancel`), as the asynchronous forms do: a call waiting to retry stops at
/// once, and nothing more is sent. Against the simulator on loopback.
#[cfg(test)]
mod tests {
    use super::*;
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
    fn the_user_agent_names_the_binding_then_the_suffix() {
        let v = USER_AGENT;
        for (binding, suffix, want) in [
            (None, None, v.to_owned()),
            (Some("go"), None, format!("{v} (go)")),
            (None, Some("app/1.2"), format!("{v} (app/1.2)")),
            (
                Some("python"),
                Some("app/1.2"),
                format!("{v} (python; app/1.2)"),
            ),
        ] {
            assert_eq!(user_agent(binding, suffix).unwrap(), want);
        }
        for (binding, suffix, field) in [
            (Some(""), None, "binding"),
            (Some("Python"), None, "binding"),
            (Some("a; b"), None, "binding"),
            (Some("x".repeat(17).as_str()), None, "binding"),
            (None, Some(""), "user_agent_suffix"),
            (Some("go"), Some("x\r\nX-Evil: 1"), "user_agent_suffix"),
            (None, Some("x".repeat(129).as_str()), "user_agent_suffix"),
        ] {
            let err = user_agent(binding, suffix).unwrap_err();
            assert_eq!(err.field, Some(field), "{binding:?} {suffix:?}");
        }
    }

    #[test]
    fn a_cancelled_call_sends_nothing() {
        let sim = Simulator::start(Config::default()).expect("simulator");
        let call = sim.create_call(ACCOUNT, SimCall::Answered);
        let client = client_of(&sim);
        let op = operation::update_call_bxml(client.base_url(), ACCOUNT, &call, "<Bxml/>").unwrap();
        let started = client.start(op, &CallOptions::default()).unwrap();
        let cancel = Cancel::default();
        cancel.set();
        let err = client.finish(started, &cancel).unwrap_err();
        assert_eq!((err.status, err.attempts), (Status::Cancelled, 0), "{err}");
        assert!(sim.requests().is_empty());
    }
}
