//! Events to C: each core [`Event`] as a `bw_event` for the caller's
//! `on_event`, its strings NUL-terminated copies that live for the call.

use super::error::{bw_status, BW_OK};
use crate::events::{Event, EventHook, EventKind};
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::sync::Arc;

/// `bw_event.kind`: one HTTP exchange ended (answered, or failed).
pub const BW_EVENT_ATTEMPT_END: i32 = 1;
/// `bw_event.kind`: the call will be tried again after `retry_delay_ms`.
pub const BW_EVENT_RETRY_SCHEDULED: i32 = 2;
/// `bw_event.kind`: a retry was refused because the retry budget is empty.
pub const BW_EVENT_RETRY_DENIED: i32 = 3;
/// `bw_event.kind`: an OAuth2 token request ended.
pub const BW_EVENT_TOKEN_FETCH: i32 = 4;
/// `bw_event.kind`: the call ended; `status` is its outcome.
pub const BW_EVENT_CALL_END: i32 = 5;

/// One fact about a call, for logs, metrics and traces. Library-owned and
/// valid during the `on_event` call only; every string is NUL-terminated
/// (empty, never NULL, when there is nothing to say). It never holds a
/// credential, token, header or body. Names follow OpenTelemetry's HTTP
/// client conventions where one exists (see docs/observability.md).
#[repr(C)]
pub struct bw_event {
    /// `sizeof(bw_event)` of the library: fields may be appended later.
    pub struct_size: u32,
    /// `BW_EVENT_*`.
    pub kind: i32,
    /// The spec's operationId of the call (e.g. `updateCall`; the
    /// operations are listed at the top of this header), or `token`.
    pub operation: *const c_char,
    /// `http.request.method`: `GET`, `POST` or `PUT`.
    pub http_request_method: *const c_char,
    /// `url.template`, e.g. `/accounts/{accountId}/calls/{callId}`; empty for a token fetch.
    pub url_template: *const c_char,
    pub account_id: *const c_char,
    pub call_id: *const c_char,
    /// `server.address` and `server.port`.
    pub server_address: *const c_char,
    pub server_port: u32,
    /// 1 for the first attempt (`http.request.resend_count` is one less); 0 for a token fetch.
    pub attempt: u32,
    /// `http.response.status_code`; 0 when there was no response.
    pub http_response_status_code: i32,
    /// `BW_OK` or the failure's `BW_ERR_*`.
    pub status: bw_status,
    /// `error.type`: the HTTP status code (`"503"`) of an error response,
    /// else a short status name (`"timeout"`, `"connect"`); empty on success.
    pub error_type: *const c_char,
    /// For retry events: `rate_limited`, `unavailable`, `server_error`,
    /// `timeout`, `connect` or `stale_token`; empty otherwise.
    pub retry_reason: *const c_char,
    /// For `BW_EVENT_RETRY_SCHEDULED`: the wait before the retry.
    pub retry_delay_ms: u64,
    /// How long the attempt, token fetch or whole call took.
    pub duration_us: u64,
    /// The attempt used a pooled connection (no TCP or TLS setup).
    pub connection_reused: bool,
    /// The conference the operation acts on; empty for any other. (For a
    /// conference member, `call_id` is the member's call.)
    pub conference_id: *const c_char,
}

/// Receives each `bw_event`; see `bw_client_config.on_event`. It must
/// return quickly, and must not throw, `longjmp` or free the client.
pub type bw_event_fn = Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const bw_event)>;

/// The caller's `userdata`, usable from any thread.
struct UserData(*mut c_void);

// SAFETY: the contract of `bw_client_config.on_event`: it may be called
// with `event_userdata` on any thread making a call.
unsafe impl Send for UserData {}
// SAFETY: as above; the library only passes the pointer on.
unsafe impl Sync for UserData {}

impl UserData {
    // A method, so closures capture the wrapper rather than the raw pointer.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// A hook that calls `on_event` for the kinds in `mask` (0: all); `None`
/// when `on_event` is NULL.
pub fn hook(on_event: bw_event_fn, userdata: *mut c_void, mask: u32) -> Option<EventHook> {
    let on_event = on_event?;
    let userdata = UserData(userdata);
    Some(EventHook(Arc::new(move |e: &Event| {
        let kind = code(e.kind);
        if mask != 0 && mask & (1 << kind) == 0 {
            return;
        }
        // Ids and hosts have no NUL (validated); an empty string otherwise.
        let text = |s: &str| CString::new(s).unwrap_or_default();
        let (operation, method, template) =
            (text(e.operation), text(e.method), text(e.url_template));
        let (account, call, server) = (text(e.account_id), text(e.call_id), text(e.server_address));
        let conference = text(e.conference_id);
        let error_type = text(&e.error_type);
        let reason = text(e.retry_reason.map_or("", |r| r.name()));
        let event = bw_event {
            struct_size: std::mem::size_of::<bw_event>() as u32,
            kind,
            operation: operation.as_ptr(),
            http_request_method: method.as_ptr(),
            url_template: template.as_ptr(),
            account_id: account.as_ptr(),
            call_id: call.as_ptr(),
            server_address: server.as_ptr(),
            server_port: e.server_port.into(),
            attempt: e.attempt,
            http_response_status_code: e.http_status.into(),
            status: e.status.map_or(BW_OK, |s| s as i32),
            error_type: error_type.as_ptr(),
            retry_reason: reason.as_ptr(),
            retry_delay_ms: u64::try_from(e.retry_delay.as_millis()).unwrap_or(u64::MAX),
            duration_us: u64::try_from(e.duration.as_micros()).unwrap_or(u64::MAX),
            connection_reused: e.connection_reused,
            conference_id: conference.as_ptr(),
        };
        // SAFETY: the caller's callback with its userdata, as its contract
        // allows; `event` and its strings outlive the call.
        unsafe { on_event(userdata.get(), &event) };
    })))
}

/// The `BW_EVENT_*` of a kind.
fn code(kind: EventKind) -> i32 {
    match kind {
        EventKind::AttemptEnd => BW_EVENT_ATTEMPT_END,
        EventKind::RetryScheduled => BW_EVENT_RETRY_SCHEDULED,
        EventKind::RetryDenied => BW_EVENT_RETRY_DENIED,
        EventKind::TokenFetch => BW_EVENT_TOKEN_FETCH,
        EventKind::CallEnd => BW_EVENT_CALL_END,
    }
}
