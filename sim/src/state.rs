//! Shared simulator state: calls, conferences, request/webhook/app logs,
//! faults, tokens.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use crate::call::{Call, CallState};
use crate::conference::Conference;
use crate::ids::random_hex;
use crate::outbound::Outbound;
use crate::webhook::{self, Job};
use crate::Config;

/// The Voice API operations by path, so a fault can target just one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// `.../calls`: createCall and listCalls.
    Calls,
    /// `.../calls/{callId}`: getCallState and updateCall.
    Call,
    /// `.../calls/{callId}/bxml`: updateCallBxml.
    Bxml,
    /// `.../calls/{callId}/recording`: updateCallRecordingState.
    Recording,
    /// `.../conferences/{conferenceId}`: getConference and updateConference.
    Conference,
    /// `.../conferences/{conferenceId}/bxml`: updateConferenceBxml.
    ConferenceBxml,
    /// `.../conferences/{conferenceId}/members/{memberId}`:
    /// getConferenceMember and updateConferenceMember.
    Member,
}

/// One request to `/api/...` as the simulator received it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub method: String,
    /// Raw target, still percent-encoded, including any query.
    pub path: String,
    /// Lowercased names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Status answered; 0 if the connection was closed without an answer.
    pub status: u16,
}

/// One attempt to deliver a webhook (redirect, answer, disconnect,
/// conferenceRedirect).
#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    /// The event's `eventType`, e.g. `"answer"`.
    pub event_type: String,
    pub url: String,
    pub method: String,
    /// Headers the simulator set (lowercased), including `authorization`.
    pub headers: Vec<(String, String)>,
    /// JSON body for POST, empty for GET.
    pub body: String,
    /// Query string appended for GET, empty for POST.
    pub query: String,
    /// Response status; 0 if no response was received.
    pub status: u16,
    pub error: Option<String>,
    pub is_fallback: bool,
    /// The call the event is about; empty for a conference event.
    pub call_id: String,
    /// The conference a conferenceRedirect event is about.
    pub conference_id: Option<String>,
    /// What the receiver answered (the BXML of an answer or redirect), kept
    /// but not executed; at most 64 KiB.
    pub response: String,
}

/// An injected failure for the next `count` matching `/api` requests.
#[derive(Debug, Clone)]
pub struct Fault {
    /// A decoded id of the path (accountId, callId, conferenceId or
    /// memberId), or `"token"` for the token endpoint; `None` matches every
    /// `/api` request.
    pub match_id: Option<String>,
    /// Only requests with this method (case-insensitive); `None` = any.
    pub method: Option<String>,
    /// Only requests to this operation's path; `None` = any `/api` request.
    pub route: Option<Route>,
    pub count: u32,
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub delay: Duration,
    /// Read the request, then close the socket without answering.
    pub close: bool,
}

impl Default for Fault {
    fn default() -> Self {
        Fault {
            match_id: None,
            method: None,
            route: None,
            count: 1,
            status: None,
            headers: Vec::new(),
            body: None,
            content_type: None,
            delay: Duration::ZERO,
            close: false,
        }
    }
}

/// Which `/api` endpoint a request addressed; used to match faults.
pub enum Target {
    Token,
    Api {
        route: Route,
        account_id: String,
        /// The decoded ids after the account: callId, or conferenceId then
        /// memberId; empty for `.../calls`.
        ids: Vec<String>,
    },
    Other,
}

#[derive(Default)]
pub struct Inner {
    pub calls: HashMap<String, Call>,
    pub conferences: HashMap<String, Conference>,
    /// listCalls page tokens: token -> (accountId, seq of the last call shown).
    pub page_tokens: HashMap<String, (String, u64)>,
    /// What happens to calls placed with createCall.
    pub outbound: Outbound,
    pub requests: Vec<LoggedRequest>,
    pub webhooks: Vec<WebhookDelivery>,
    pub app_log: Vec<Value>,
    pub faults: VecDeque<Fault>,
    pub tokens: HashMap<String, Instant>,
    pub token_expires_in: u64,
    /// Bumped by reset so late log writes from before it are dropped.
    pub epoch: u64,
    pub shutdown: bool,
}

pub struct State {
    pub cfg: Config,
    /// `http://127.0.0.1:PORT`, used to build callUrl.
    pub base_url: String,
    inner: Mutex<Inner>,
    /// Signalled when a request or webhook is logged, when a call changes
    /// state, and on shutdown.
    changed: Condvar,
}

impl State {
    pub fn new(cfg: Config, base_url: String) -> State {
        let inner = Inner {
            token_expires_in: cfg.token_expires_in,
            ..Inner::default()
        };
        State {
            cfg,
            base_url,
            inner: Mutex::new(inner),
            changed: Condvar::new(),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        let mut inner = self.lock();
        let epoch = inner.epoch + 1;
        *inner = Inner {
            token_expires_in: self.cfg.token_expires_in,
            epoch,
            shutdown: inner.shutdown,
            ..Inner::default()
        };
    }

    pub fn shutdown(&self) {
        self.lock().shutdown = true;
        self.changed.notify_all();
    }

    /// Sleeps for `delay` without holding the lock; returns false (early)
    /// if the simulator shuts down.
    pub fn sleep(&self, delay: Duration) -> bool {
        let guard = self.lock();
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, delay, |i| !i.shutdown)
            .unwrap_or_else(|e| e.into_inner());
        !inner.shutdown
    }

    /// Logs a request with status 0; returns a handle for `set_status`.
    pub fn log_request(&self, req: LoggedRequest) -> (u64, usize) {
        let mut inner = self.lock();
        inner.requests.push(req);
        let handle = (inner.epoch, inner.requests.len() - 1);
        drop(inner);
        self.changed.notify_all();
        handle
    }

    /// Waits until `done` holds for the request log (true) or `timeout`
    /// passes or the simulator stops (false).
    pub fn wait_requests(
        &self,
        timeout: Duration,
        done: impl Fn(&[LoggedRequest]) -> bool,
    ) -> bool {
        let guard = self.lock();
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |i| !done(&i.requests) && !i.shutdown)
            .unwrap_or_else(|e| e.into_inner());
        done(&inner.requests)
    }

    pub fn set_status(&self, (epoch, idx): (u64, usize), status: u16) {
        let mut inner = self.lock();
        if inner.epoch == epoch {
            if let Some(r) = inner.requests.get_mut(idx) {
                r.status = status;
            }
        }
        drop(inner);
        // Waiters may be waiting for an answer, not just a request.
        self.changed.notify_all();
    }

    /// Records a delivery attempt; `end_call` ends the call in the same step so
    /// a test that waited for the delivery also sees the resulting state.
    /// Returns the call's disconnect event when that ended it.
    pub fn log_webhook(&self, epoch: u64, d: WebhookDelivery, end_call: bool) -> Option<Job> {
        let mut inner = self.lock();
        if inner.epoch != epoch {
            return None;
        }
        let mut disconnect = None;
        if end_call {
            if let Some(call) = inner.calls.get_mut(&d.call_id) {
                if call.state != CallState::Disconnected {
                    let msg = d.error.clone().unwrap_or_default();
                    call.end(
                        "callback-error",
                        Some(format!("Callback delivery failed: {msg}")),
                    );
                    disconnect = webhook::disconnect_job(call, epoch, &self.base_url);
                }
            }
        }
        inner.webhooks.push(d);
        drop(inner);
        self.changed.notify_all();
        disconnect
    }

    /// Wakes the waiters after a change they may wait for (a call's state).
    pub fn notify(&self) {
        self.changed.notify_all();
    }

    /// Waits until `done` holds for the call or `timeout` passes; returns
    /// the call's control view either way (`None` at once: unknown call).
    pub fn wait_call(
        &self,
        call_id: &str,
        timeout: Duration,
        done: impl Fn(&Call) -> bool,
    ) -> Option<Value> {
        let guard = self.lock();
        let pending = |i: &Inner| i.calls.get(call_id).is_some_and(|c| !done(c));
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |i| pending(i) && !i.shutdown)
            .unwrap_or_else(|e| e.into_inner());
        inner.calls.get(call_id).map(Call::control_json)
    }

    pub fn wait_webhooks(&self, n: usize, timeout: Duration) -> Vec<WebhookDelivery> {
        let guard = self.lock();
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |i| i.webhooks.len() < n && !i.shutdown)
            .unwrap_or_else(|e| e.into_inner());
        inner.webhooks.clone()
    }

    /// Takes one use of the first fault matching `method` on `target`, if any.
    pub fn take_fault(&self, method: &str, target: &Target) -> Option<Fault> {
        let matches = |f: &Fault| {
            let id = match (&f.match_id, target) {
                (None, _) => true,
                (Some(m), Target::Token) => m == "token",
                (
                    Some(m),
                    Target::Api {
                        account_id, ids, ..
                    },
                ) => m == account_id || ids.contains(m),
                (Some(_), Target::Other) => false,
            };
            let route = match (f.route, target) {
                (None, _) => true,
                (Some(r), Target::Api { route, .. }) => r == *route,
                (Some(_), _) => false,
            };
            id && route
                && f.method
                    .as_ref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        };
        let mut inner = self.lock();
        let pos = inner.faults.iter().position(matches)?;
        let fault = inner.faults[pos].clone();
        inner.faults[pos].count -= 1;
        if inner.faults[pos].count == 0 {
            inner.faults.remove(pos);
        }
        Some(fault)
    }

    pub fn add_fault(&self, fault: Fault) {
        if fault.count > 0 {
            self.lock().faults.push_back(fault);
        }
    }

    pub fn issue_token(&self) -> (String, u64) {
        let mut inner = self.lock();
        let expires_in = inner.token_expires_in;
        let mut token = random_hex(40);
        while inner.tokens.contains_key(&token) {
            token = random_hex(40);
        }
        let expiry = Instant::now() + Duration::from_secs(expires_in);
        inner.tokens.insert(token.clone(), expiry);
        (token, expires_in)
    }

    pub fn check_token(&self, token: &str) -> Result<(), &'static str> {
        match self.lock().tokens.get(token) {
            None => Err("Invalid access token"),
            Some(expiry) if Instant::now() >= *expiry => Err("Access token expired"),
            Some(_) => Ok(()),
        }
    }
}
