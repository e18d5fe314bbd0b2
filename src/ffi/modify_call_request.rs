//! `bw_modify_call_request`: the parameters of "Update active call", and
//! their conversion into the core's request.

use super::boundary::{enum_error, opt_str};
use super::growable;
use crate::error::Error;
use crate::request::{ModifyCallRequest, RedirectMethod, RequestedState};
use std::os::raw::c_char;

/// `bw_modify_call_request.state`: not sent (Bandwidth treats the call as active).
pub const BW_CALL_STATE_UNSET: i32 = 0;
/// `bw_modify_call_request.state`: `"active"`; needs `redirect_url`.
pub const BW_CALL_STATE_ACTIVE: i32 = 1;
/// `bw_modify_call_request.state`: `"completed"`: hang up (or cancel an unanswered call).
pub const BW_CALL_STATE_COMPLETED: i32 = 2;

/// Redirect method: not sent (Bandwidth's default is POST).
pub const BW_METHOD_UNSET: i32 = 0;
/// Redirect method `"GET"`: the event arrives as query parameters.
pub const BW_METHOD_GET: i32 = 1;
/// Redirect method `"POST"`: the event arrives as a JSON body.
pub const BW_METHOD_POST: i32 = 2;

/// Parameters of "Update active call". Initialise it with
/// `BW_MODIFY_CALL_REQUEST_INIT`: a NULL string means "not set, not sent",
/// and an initialised struct plus `redirect_url` is a valid redirect. The
/// library copies what it needs before returning.
#[repr(C)]
pub struct bw_modify_call_request {
    /// `sizeof(bw_modify_call_request)`, set by `BW_MODIFY_CALL_REQUEST_INIT`.
    pub struct_size: u32,
    /// `BW_CALL_STATE_UNSET`, `BW_CALL_STATE_ACTIVE` or `BW_CALL_STATE_COMPLETED`.
    pub state: i32,
    /// URL that will receive the Redirect event and answer with new BXML.
    /// Required unless `state` is `BW_CALL_STATE_COMPLETED` (then forbidden).
    /// Absolute http(s) or relative to the application's callback URL.
    pub redirect_url: *const c_char,
    /// `BW_METHOD_UNSET`, `BW_METHOD_GET` or `BW_METHOD_POST`. Forbidden when completing.
    pub redirect_method: i32,
    /// Basic auth user name for `redirect_url` (at most 1024 characters).
    pub username: *const c_char,
    /// Basic auth password for `redirect_url` (at most 1024 characters).
    pub password: *const c_char,
    /// Custom tag sent with this and later callbacks, at most 4096
    /// characters. NULL leaves the tag alone, `""` clears it.
    /// Forbidden when completing.
    pub tag: *const c_char,
    /// URL tried when `redirect_url` fails to answer.
    pub redirect_fallback_url: *const c_char,
    /// `BW_METHOD_UNSET`, `BW_METHOD_GET` or `BW_METHOD_POST`.
    pub redirect_fallback_method: i32,
    /// Basic auth user name for `redirect_fallback_url` (at most 1024 characters).
    pub fallback_username: *const c_char,
    /// Basic auth password for `redirect_fallback_url` (at most 1024 characters).
    pub fallback_password: *const c_char,
}

/// A `bw_modify_call_request` as the core's request, after the UTF-8 and
/// enum checks (shared with the fuzz harness).
///
/// # Safety
/// `req` is NULL or a request of at least `req->struct_size` bytes whose
/// strings are NULL or NUL-terminated.
pub unsafe fn modify_call_request(
    req: *const bw_modify_call_request,
) -> Result<ModifyCallRequest, Error> {
    // SAFETY: caller contract above.
    let req = unsafe { growable::read(req) }?;
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) }.map(|v| v.map(str::to_owned));
    Ok(ModifyCallRequest {
        state: match req.state {
            BW_CALL_STATE_UNSET => None,
            BW_CALL_STATE_ACTIVE => Some(RequestedState::Active),
            BW_CALL_STATE_COMPLETED => Some(RequestedState::Completed),
            other => return Err(enum_error("state", other)),
        },
        redirect_url: s(req.redirect_url, "redirect_url")?,
        redirect_method: method("redirect_method", req.redirect_method)?,
        username: s(req.username, "username")?,
        password: s(req.password, "password")?,
        tag: s(req.tag, "tag")?,
        redirect_fallback_url: s(req.redirect_fallback_url, "redirect_fallback_url")?,
        redirect_fallback_method: method("redirect_fallback_method", req.redirect_fallback_method)?,
        fallback_username: s(req.fallback_username, "fallback_username")?,
        fallback_password: s(req.fallback_password, "fallback_password")?,
    })
}

/// A `BW_METHOD_*` as the core's method, for every method field of every request.
pub fn method(field: &'static str, value: i32) -> Result<Option<RedirectMethod>, Error> {
    match value {
        BW_METHOD_UNSET => Ok(None),
        BW_METHOD_GET => Ok(Some(RedirectMethod::Get)),
        BW_METHOD_POST => Ok(Some(RedirectMethod::Post)),
        other => Err(enum_error(field, other)),
    }
}
