//! `bw_update_conference_request`: the parameters of "Update conference".

use super::boundary::{enum_error, opt_str};
use super::growable;
use super::modify_call_request::method;
use crate::conference::{ConferenceStatus, UpdateConferenceRequest};
use crate::error::Error;
use std::os::raw::c_char;

/// `bw_update_conference_request.status`: not sent (active: a redirect).
pub const BW_CONFERENCE_STATUS_UNSET: i32 = 0;
/// `bw_update_conference_request.status`: `"active"`; needs `redirect_url`.
pub const BW_CONFERENCE_STATUS_ACTIVE: i32 = 1;
/// `bw_update_conference_request.status`: `"completed"`: end the
/// conference and remove every member (each goes on with its own BXML).
pub const BW_CONFERENCE_STATUS_COMPLETED: i32 = 2;

/// Parameters of "Update conference". Initialise it with
/// `BW_UPDATE_CONFERENCE_REQUEST_INIT`: NULL strings and `*_UNSET` are not
/// sent. Either set `redirect_url` (new BXML for the conference from a
/// `conferenceRedirect` webhook) or `status` completed (then no redirect
/// field may be set).
#[repr(C)]
pub struct bw_update_conference_request {
    /// `sizeof(bw_update_conference_request)`, set by `BW_UPDATE_CONFERENCE_REQUEST_INIT`.
    pub struct_size: u32,
    /// `BW_CONFERENCE_STATUS_UNSET`, `_ACTIVE` or `_COMPLETED`.
    pub status: i32,
    /// URL that receives the `conferenceRedirect` event and answers with BXML.
    pub redirect_url: *const c_char,
    /// `BW_METHOD_*` for `redirect_url`.
    pub redirect_method: i32,
    /// Basic auth user name for `redirect_url` (at most 1024 characters).
    pub username: *const c_char,
    /// Basic auth password for `redirect_url` (at most 1024 characters).
    pub password: *const c_char,
    /// Tried when `redirect_url` fails to answer.
    pub redirect_fallback_url: *const c_char,
    /// `BW_METHOD_*` for `redirect_fallback_url`.
    pub redirect_fallback_method: i32,
    /// Basic auth user name for `redirect_fallback_url`.
    pub fallback_username: *const c_char,
    /// Basic auth password for `redirect_fallback_url`.
    pub fallback_password: *const c_char,
}

/// A `bw_update_conference_request` as the core's request.
///
/// # Safety
/// `req` is NULL or a request of at least `req->struct_size` bytes whose
/// strings are NULL or NUL-terminated.
pub unsafe fn update_conference_request(
    req: *const bw_update_conference_request,
) -> Result<UpdateConferenceRequest, Error> {
    // SAFETY: caller contract above.
    let req = unsafe { growable::read(req) }?;
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) }.map(|v| v.map(str::to_owned));
    Ok(UpdateConferenceRequest {
        status: match req.status {
            BW_CONFERENCE_STATUS_UNSET => None,
            BW_CONFERENCE_STATUS_ACTIVE => Some(ConferenceStatus::Active),
            BW_CONFERENCE_STATUS_COMPLETED => Some(ConferenceStatus::Completed),
            other => return Err(enum_error("status", other)),
        },
        redirect_url: s(req.redirect_url, "redirect_url")?,
        redirect_method: method("redirect_method", req.redirect_method)?,
        username: s(req.username, "username")?,
        password: s(req.password, "password")?,
        redirect_fallback_url: s(req.redirect_fallback_url, "redirect_fallback_url")?,
        redirect_fallback_method: method("redirect_fallback_method", req.redirect_fallback_method)?,
        fallback_username: s(req.fallback_username, "fallback_username")?,
        fallback_password: s(req.fallback_password, "fallback_password")?,
    })
}
