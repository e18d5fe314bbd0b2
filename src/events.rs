//! What a client tells its observer: an event for each attempt's end,
//! each retry scheduled or refused, each token fetch and each call's end,
//! and counters of the same facts. Events carry facts about the exchange
//! (operation, method, URL template, ids, server, statuses, timings), never
//! a credential, token, header or body.

use crate::error::Status;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Which fact an [`Event`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// One HTTP exchange ended (answered, or failed).
    AttemptEnd,
    /// The retry policy will try again after `retry_delay`.
    RetryScheduled,
    /// A retry the policy allowed was refused: the retry budget is empty.
    RetryDenied,
    /// An OAuth2 token request ended.
    TokenFetch,
    /// The call ended; `status` is its outcome.
    CallEnd,
}

/// Why a call is retried, as a low-cardinality name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// 429.
    RateLimited,
    /// 503.
    Unavailable,
    /// Another 5xx (only for operations safe to repeat, or on opt-in).
    ServerError,
    /// The answer did not come in time.
    Timeout,
    /// No connection, or it broke.
    Connect,
    /// A 401 on a cached OAuth2 token: fetch a new one and try again.
    StaleToken,
}

impl RetryReason {
    /// Every reason, in the order of [`Stats::retries`].
    pub const ALL: [RetryReason; 6] = [
        RetryReason::RateLimited,
        RetryReason::Unavailable,
        RetryReason::ServerError,
        RetryReason::Timeout,
        RetryReason::Connect,
        RetryReason::StaleToken,
    ];

    /// The reason's name in events and logs, e.g. `rate_limited`.
    pub fn name(self) -> &'static str {
        match self {
            RetryReason::RateLimited => "rate_limited",
            RetryReason::Unavailable => "unavailable",
            RetryReason::ServerError => "server_error",
            RetryReason::Timeout => "timeout",
            RetryReason::Connect => "connect",
            RetryReason::StaleToken => "stale_token",
        }
    }
}

/// One fact about a call. Strings borrow from the call in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// What happened.
    pub kind: EventKind,
    /// The spec's operationId (`updateCall`, `getCallState`, …); `token`
    /// for a token fetch.
    pub operation: &'static str,
    /// `GET`, `POST` or `PUT` (OpenTelemetry `http.request.method`).
    pub method: &'static str,
    /// The path with placeholders, e.g. `/accounts/{accountId}/calls/{callId}`.
    pub url_template: &'static str,
    /// The call's account.
    pub account_id: &'a str,
    /// The call's id (a conference member's call id); empty for an
    /// operation on no one call (createCall, listCalls, a conference).
    pub call_id: &'a str,
    /// The conference's id; empty for an operation on no conference.
    pub conference_id: &'a str,
    /// OpenTelemetry `server.address`.
    pub server_address: &'a str,
    /// OpenTelemetry `server.port`.
    pub server_port: u16,
    /// 1 for the first attempt; `http.request.resend_count` is one less.
    pub attempt: u32,
    /// 0 when there was no response.
    pub http_status: u16,
    /// `None` on success.
    pub status: Option<Status>,
    /// OpenTelemetry `error.type`: the HTTP status code (`"503"`) for an
    /// error response, else the status's short name (`"timeout"`); empty
    /// on success.
    pub error_type: String,
    /// For `RetryScheduled` / `RetryDenied`.
    pub retry_reason: Option<RetryReason>,
    /// For `RetryScheduled`: the wait before the next attempt.
    pub retry_delay: Duration,
    /// How long the attempt, token fetch or whole call took.
    pub duration: Duration,
    /// The attempt went over a pooled connection (no TCP or TLS setup).
    pub connection_reused: bool,
}

/// The observer of a client's events. It runs on the thread making the call
/// (a worker thread for an asynchronous call) and must return quickly.
///
/// ```
/// use bwvoice::{Auth, ClientConfig, EventHook, EventKind};
/// use std::sync::Arc;
///
/// let config = ClientConfig {
///     on_event: Some(EventHook(Arc::new(|e| {
///         if e.kind == EventKind::RetryScheduled {
///             eprintln!("{} {}: retry in {:?} ({})", e.operation, e.call_id, e.retry_delay, e.error_type);
///         }
///     }))),
///     ..ClientConfig::new(Auth::OAuth2 {
///         client_id: "id".into(),
///         client_secret: "secret".into(),
///         token_url: None,
///     })
/// };
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct EventHook(pub Arc<dyn Fn(&Event) + Send + Sync>);

impl fmt::Debug for EventHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventHook")
    }
}

impl PartialEq for EventHook {
    fn eq(&self, other: &EventHook) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for EventHook {}

/// A client's counters: cheap (relaxed atomics), readable from any thread.
#[derive(Debug, Default)]
pub struct Counters {
    calls: AtomicU64,
    attempts: AtomicU64,
    retries: [AtomicU64; RetryReason::ALL.len()],
    retries_denied: AtomicU64,
    token_fetches: AtomicU64,
    connections_opened: AtomicU64,
    connections_reused: AtomicU64,
    /// Outcomes by C status code: 0 (success) to the highest status.
    outcomes: [AtomicU64; Status::ALL.len() + 1],
}

/// The client's counters at one moment ([`crate::Client::stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Calls ended, successful or not.
    pub calls: u64,
    /// HTTP attempts (token fetches not included).
    pub attempts: u64,
    /// Retries scheduled, by reason (in [`RetryReason::ALL`] order).
    pub retries: [u64; RetryReason::ALL.len()],
    /// Retries refused because the retry budget was empty.
    pub retries_denied: u64,
    /// Tokens left in the retry budget; `None` when it is off.
    pub retry_budget_tokens: Option<u32>,
    /// OAuth2 tokens requested.
    pub token_fetches: u64,
    /// Attempts that opened a new connection.
    pub connections_opened: u64,
    /// Attempts over a pooled connection.
    pub connections_reused: u64,
    /// Calls ended, by C status code (index 0: success).
    pub outcomes: [u64; Status::ALL.len() + 1],
}

impl Counters {
    pub fn count(&self, event: &Event) {
        let add = |counter: &AtomicU64| counter.fetch_add(1, Ordering::Relaxed);
        match event.kind {
            EventKind::AttemptEnd => {
                add(&self.attempts);
                add(if event.connection_reused {
                    &self.connections_reused
                } else {
                    &self.connections_opened
                });
            }
            EventKind::RetryScheduled => {
                if let Some(reason) = event.retry_reason {
                    add(&self.retries[reason as usize]);
                }
            }
            EventKind::RetryDenied => {
                add(&self.retries_denied);
            }
            EventKind::TokenFetch => {
                add(&self.token_fetches);
            }
            EventKind::CallEnd => {
                add(&self.calls);
                add(&self.outcomes[event.status.map_or(0, |s| s as usize)]);
            }
        };
    }

    pub fn snapshot(&self) -> Stats {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            calls: get(&self.calls),
            attempts: get(&self.attempts),
            retries: self.retries.each_ref().map(get),
            retries_denied: get(&self.retries_denied),
            retry_budget_tokens: None,
            token_fetches: get(&self.token_fetches),
            connections_opened: get(&self.connections_opened),
            connections_reused: get(&self.connections_reused),
            outcomes: self.outcomes.each_ref().map(get),
        }
    }
}

/// The OpenTelemetry `error.type` of a failure.
pub fn error_type(status: Option<Status>, http_status: u16) -> String {
    match status {
        None => String::new(),
        Some(_) if http_status >= 400 => http_status.to_string(),
        Some(status) => status
            .name()
            .trim_start_matches("BW_ERR_")
            .to_ascii_lowercase(),
    }
}
