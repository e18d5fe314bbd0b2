//! Shared simulator state: calls, request/webhook/app logs, faults, tokens.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::Config;

/// Lifecycle of a simulated call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Initiated,
    Answered,
    Disconnected,
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Initiated => "initiated",
            CallState::Answered => "answered",
            CallState::Disconnected => "disconnected",
        }
    }
}

/// State of a call's recording (the spec's `recordingStateEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingState {
    Recording,
    Paused,
}

impl RecordingState {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordingState::Recording => "recording",
            RecordingState::Paused => "paused",
        }
    }
}

/// The operations on one call, so a fault can target just one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// `.../calls/{callId}`: getCallState and updateCall.
    Call,
    /// `.../calls/{callId}/bxml`: updateCallBxml.
    Bxml,
    /// `.../calls/{callId}/recording`: updateCallRecordingState.
    Recording,
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

/// One attempt to deliver a Redirect callback.
#[derive(Debug, Clone)]
pub struct WebhookDelivery {
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
    pub call_id: String,
}

/// An injected failure for the next `count` matching `/api` requests.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Decoded accountId or callId of the path, or `"token"` for the token
    /// endpoint; `None` matches every `/api` request.
    pub match_id: Option<String>,
    /// Only requests with this method (case-insensitive); `None` = any.
    pub method: Option<String>,
    /// Only requests to this call operation; `None` = any `/api` request.
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

#[derive(Debug, Clone)]
pub struct Call {
    pub account_id: String,
    pub call_id: String,
    pub application_id: String,
    pub from: String,
    pub to: String,
    pub direction: String,
    pub state: CallState,
    pub start_time: String,
    pub answer_time: Option<String>,
    pub end_time: Option<String>,
    pub disconnect_cause: Option<String>,
    pub error_message: Option<String>,
    pub error_id: Option<String>,
    pub last_update: String,
    pub tag: Option<String>,
    /// `None` when no recording is in progress.
    pub recording: Option<RecordingState>,
    /// The latest document sent with updateCallBxml.
    pub bxml: Option<String>,
}

impl Call {
    pub fn new(account_id: &str, call_id: String, state: CallState) -> Call {
        let now = now_rfc3339();
        let mut call = Call {
            account_id: account_id.to_string(),
            call_id,
            application_id: "04e88489-df02-4e34-a0ee-27a91849555f".into(),
            from: "+19195551234".into(),
            to: "+19195554321".into(),
            direction: "outbound".into(),
            state: CallState::Initiated,
            start_time: now.clone(),
            answer_time: None,
            end_time: None,
            disconnect_cause: None,
            error_message: None,
            error_id: None,
            last_update: now,
            tag: None,
            recording: None,
            bxml: None,
        };
        match state {
            CallState::Initiated => {}
            CallState::Answered => call.answer(),
            CallState::Disconnected => call.end("hangup", None),
        }
        call
    }

    pub fn answer(&mut self) {
        let now = now_rfc3339();
        self.state = CallState::Answered;
        self.answer_time = Some(now.clone());
        self.last_update = now;
    }

    /// Records that the call was modified (tag, recording, BXML).
    pub fn touch(&mut self) {
        self.last_update = now_rfc3339();
    }

    /// Starts a recording the way a `<StartRecording>` verb would.
    pub fn start_recording(&mut self) -> Result<(), &'static str> {
        if self.state != CallState::Answered {
            return Err("call is not in state 'answered'");
        }
        if self.recording.is_some() {
            return Err("call already has a recording");
        }
        self.recording = Some(RecordingState::Recording);
        self.touch();
        Ok(())
    }

    /// Hangs up; a recording in progress stops with the call.
    pub fn end(&mut self, cause: &str, error: Option<String>) {
        let now = now_rfc3339();
        self.state = CallState::Disconnected;
        self.recording = None;
        self.end_time = Some(now.clone());
        self.disconnect_cause = Some(cause.to_string());
        self.error_id = error.as_ref().map(|_| uuid());
        self.error_message = error;
        self.last_update = now;
    }

    /// The spec's `callState` shape (what `GET /api/v2/.../calls/{id}` returns).
    pub fn to_json(&self) -> Value {
        json!({
            "applicationId": self.application_id,
            "accountId": self.account_id,
            "callId": self.call_id,
            "parentCallId": null,
            "to": self.to,
            "from": self.from,
            "direction": self.direction,
            "state": self.state.as_str(),
            "stirShaken": null,
            "identity": null,
            "enqueuedTime": self.start_time,
            "startTime": self.start_time,
            "answerTime": self.answer_time,
            "endTime": self.end_time,
            "disconnectCause": self.disconnect_cause,
            "errorMessage": self.error_message,
            "errorId": self.error_id,
            "lastUpdate": self.last_update,
        })
    }

    /// The control view (`/sim/calls/{id}`, `Simulator::call`): `callState`
    /// plus what the Voice API does not show back.
    pub fn control_json(&self) -> Value {
        let mut v = self.to_json();
        v["tag"] = json!(self.tag);
        v["recording"] = json!(self.recording.map(RecordingState::as_str));
        v["bxml"] = json!(self.bxml);
        v
    }
}

/// Which `/api` endpoint a request addressed; used to match faults.
pub enum Target {
    Token,
    Call {
        account_id: String,
        call_id: String,
        route: Route,
    },
    Other,
}

#[derive(Default)]
pub struct Inner {
    pub calls: HashMap<String, Call>,
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
    /// Signalled when a webhook is logged and on shutdown.
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
    pub fn log_webhook(&self, epoch: u64, d: WebhookDelivery, end_call: bool) {
        let mut inner = self.lock();
        if inner.epoch != epoch {
            return;
        }
        if end_call {
            if let Some(call) = inner.calls.get_mut(&d.call_id) {
                if call.state != CallState::Disconnected {
                    let msg = d.error.clone().unwrap_or_default();
                    call.end(
                        "callback-error",
                        Some(format!("Callback delivery failed: {msg}")),
                    );
                }
            }
        }
        inner.webhooks.push(d);
        drop(inner);
        self.changed.notify_all();
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
                    Target::Call {
                        account_id,
                        call_id,
                        ..
                    },
                ) => m == account_id || m == call_id,
                (Some(_), Target::Other) => false,
            };
            let route = match (f.route, target) {
                (None, _) => true,
                (Some(r), Target::Call { route, .. }) => r == *route,
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

/// Non-cryptographic randomness from std's per-process random hash keys;
/// good enough for opaque test ids and tokens.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish()
}

pub fn random_hex(len: usize) -> String {
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(len);
    s
}

pub fn uuid() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-4{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[16..20],
        &h[20..]
    )
}

/// Bandwidth-style call id: `c-` + 8 hex + `-` + uuid.
pub fn new_call_id() -> String {
    format!("c-{}-{}", random_hex(8), uuid())
}

/// Current UTC time as RFC 3339 with milliseconds, e.g. `2022-06-16T13:15:07.160Z`.
pub fn now_rfc3339() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil-from-days (Howard Hinnant), valid for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis()
    )
}
