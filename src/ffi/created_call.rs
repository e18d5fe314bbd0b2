//! `bw_created_call`, library-owned: what "Create call" answered.

use super::boundary::ffi_value;
use super::view::{Arena, Owned};
use crate::create_call::CreatedCall;
use crate::error::Error;
use std::os::raw::c_char;

/// The call Bandwidth queued, as `bw_create_call` read its answer (every
/// field of Bandwidth's `createCallResponse`). Allocated by the library and
/// read-only: free it with `bw_created_call_free`. Strings are
/// NUL-terminated UTF-8, NULL when not reported; numbers are 0 when not
/// reported. Methods are the server's text (`"POST"`, `"GET"`).
#[repr(C)]
pub struct bw_created_call {
    /// `sizeof(bw_created_call)` of the library that allocated it.
    pub struct_size: u32,
    /// The new call's id, for every later operation on it.
    pub call_id: *const c_char,
    pub account_id: *const c_char,
    pub application_id: *const c_char,
    pub to: *const c_char,
    pub from: *const c_char,
    /// The URL of the call (for `bw_modify_call` and the others).
    pub call_url: *const c_char,
    /// When the call entered the account's queue (RFC 3339).
    pub enqueued_time: *const c_char,
    /// `enqueued_time` in milliseconds since the Unix epoch, or `BW_TIME_ABSENT`.
    pub enqueued_time_ms: i64,
    /// Seconds the callee has to answer.
    pub call_timeout: f64,
    /// Seconds Bandwidth waits for each webhook answer.
    pub callback_timeout: f64,
    /// The call's place in the queue, 1 (first) to 5.
    pub priority: u32,
    pub tag: *const c_char,
    pub answer_url: *const c_char,
    pub answer_method: *const c_char,
    pub answer_fallback_url: *const c_char,
    pub answer_fallback_method: *const c_char,
    pub disconnect_url: *const c_char,
    pub disconnect_method: *const c_char,
    /// The webhook credentials as Bandwidth shows them (the passwords
    /// masked, as a rule).
    pub username: *const c_char,
    pub password: *const c_char,
    pub fallback_username: *const c_char,
    pub fallback_password: *const c_char,
}

/// `call` as a library-owned `bw_created_call`.
pub fn owned_created_call(call: CreatedCall) -> Result<Box<Owned<bw_created_call>>, Error> {
    const WHAT: &str = "createCall answer";
    let mut arena = Arena::default();
    let mut text = |field: &str, value| arena.text(WHAT, field, value);
    let call_id = text("callId", Some(call.call_id))?;
    let account_id = text("accountId", Some(call.account_id))?;
    let application_id = text("applicationId", Some(call.application_id))?;
    let to = text("to", Some(call.to))?;
    let from = text("from", Some(call.from))?;
    let call_url = text("callUrl", Some(call.call_url))?;
    let tag = text("tag", call.tag)?;
    let answer_url = text("answerUrl", Some(call.answer_url))?;
    let answer_method = text("answerMethod", call.answer_method)?;
    let answer_fallback_url = text("answerFallbackUrl", call.answer_fallback_url)?;
    let answer_fallback_method = text("answerFallbackMethod", call.answer_fallback_method)?;
    let disconnect_url = text("disconnectUrl", call.disconnect_url)?;
    let disconnect_method = text("disconnectMethod", call.disconnect_method)?;
    let username = text("username", call.username)?;
    let password = text("password", call.password)?;
    let fallback_username = text("fallbackUsername", call.fallback_username)?;
    let fallback_password = text("fallbackPassword", call.fallback_password)?;
    let (enqueued_time, enqueued_time_ms) = arena.time(WHAT, "enqueuedTime", call.enqueued_time)?;
    let view = bw_created_call {
        struct_size: std::mem::size_of::<bw_created_call>() as u32,
        call_id,
        account_id,
        application_id,
        to,
        from,
        call_url,
        enqueued_time,
        enqueued_time_ms,
        call_timeout: call.call_timeout.unwrap_or(0.0),
        callback_timeout: call.callback_timeout.unwrap_or(0.0),
        priority: call.priority.unwrap_or(0),
        tag,
        answer_url,
        answer_method,
        answer_fallback_url,
        answer_fallback_method,
        disconnect_url,
        disconnect_method,
        username,
        password,
        fallback_username,
        fallback_password,
    };
    Ok(Owned::new(view, arena))
}

/// Frees a `bw_created_call` from `bw_create_call`. NULL is a no-op.
///
/// # Safety
/// `call` is NULL or a pointer written by `bw_create_call`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_created_call_free(call: *mut bw_created_call) {
    ffi_value!((), {
        // SAFETY: caller contract above: from `Owned::into_raw`.
        unsafe { Owned::free(call) }
    })
}
