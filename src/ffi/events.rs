//! Events to C: each core [`Event`] as a `bw_event` for the caller's
//! `on_event`, its strings NUL-terminated copies that live for the call.

use super::types::{
    bw_event, bw_event_fn, BW_EVENT_ATTEMPT_END, BW_EVENT_CALL_END, BW_EVENT_RETRY_DENIED,
    BW_EVENT_RETRY_SCHEDULED, BW_EVENT_TOKEN_FETCH, BW_OK,
};
use crate::events::{Event, EventHook, EventKind};
use std::ffi::CString;
use std::os::raw::c_void;
use std::sync::Arc;

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
