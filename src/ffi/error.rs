//! `bw_status` and `bw_error`: how every fallible function reports, and
//! the names of the statuses.

use super::boundary::ffi_value;
use crate::error::Status;
use std::os::raw::c_char;

/// Result of every fallible function: `BW_OK` (0) or one of the
/// `BW_ERR_*` codes. Values are stable forever and never reused.
pub type bw_status = i32;

/// Success.
pub const BW_OK: bw_status = 0;
/// An argument failed validation; nothing was sent. `bw_error.field` names it.
pub const BW_ERR_INVALID_ARGUMENT: bw_status = 1;
/// HTTP 401, or the OAuth2 token endpoint refused the client credentials.
pub const BW_ERR_UNAUTHORIZED: bw_status = 2;
/// HTTP 403: the credentials may not act on this account or call.
pub const BW_ERR_FORBIDDEN: bw_status = 3;
/// HTTP 404: the call is unknown or has already ended.
pub const BW_ERR_NOT_FOUND: bw_status = 4;
/// HTTP 409: the call cannot be modified in its current state (e.g. not yet answered).
pub const BW_ERR_CONFLICT: bw_status = 5;
/// HTTP 429: rate limited; `bw_error.retry_after_ms` says when to try again.
pub const BW_ERR_RATE_LIMITED: bw_status = 6;
/// HTTP 400 and any other 4xx (405, 415, ...): the request was rejected.
pub const BW_ERR_BAD_REQUEST: bw_status = 7;
/// HTTP 5xx.
pub const BW_ERR_SERVER: bw_status = 8;
/// The connect timeout or the call's total timeout expired.
pub const BW_ERR_TIMEOUT: bw_status = 9;
/// DNS failure, connection refused or unreachable, or the connection closed before a response.
pub const BW_ERR_CONNECT: bw_status = 10;
/// TLS certificate or handshake failure.
pub const BW_ERR_TLS: bw_status = 11;
/// A malformed or oversized response.
pub const BW_ERR_PROTOCOL: bw_status = 12;
/// A bug inside the library, caught at the API boundary. Please report it.
pub const BW_ERR_INTERNAL: bw_status = 13;
/// An asynchronous submit found the client's queue full (`max_queued`);
/// nothing was queued and the callback will not run.
pub const BW_ERR_BUSY: bw_status = 14;
/// An asynchronous call was cancelled (`bw_cancel`, or `bw_free` with the
/// call still queued) before it completed.
pub const BW_ERR_CANCELLED: bw_status = 15;

/// Size of `bw_error.field`, NUL included.
pub const BW_ERROR_FIELD_LEN: usize = 64;
/// Size of `bw_error.error_type`, NUL included.
pub const BW_ERROR_TYPE_LEN: usize = 128;
/// Size of `bw_error.error_id`, NUL included.
pub const BW_ERROR_ID_LEN: usize = 128;
/// Size of `bw_error.description` and `bw_error.message`, NUL included.
pub const BW_ERROR_TEXT_LEN: usize = 1024;

/// Details of a failure, written into memory the caller owns (stack is fine).
///
/// Initialise it with `BW_ERROR_INIT` (`bw_error err = BW_ERROR_INIT;`), then
/// pass a pointer to any function taking `bw_error *err` (or NULL if you only
/// want the status). The library clears it on entry and fills it on failure,
/// writing no more than `struct_size` bytes. Every string is NUL-terminated
/// UTF-8, truncated on a character boundary; nothing needs freeing. No
/// message ever contains a credential or token.
///
/// A `struct_size` this library does not know (0, or garbage from an
/// uninitialised variable) makes every function return
/// `BW_ERR_INVALID_ARGUMENT` at once, doing nothing and leaving the record
/// untouched.
#[repr(C)]
pub struct bw_error {
    /// `sizeof(bw_error)`, set by `BW_ERROR_INIT`; never changed by the library.
    pub struct_size: u32,
    /// The same value the function returned.
    pub status: bw_status,
    /// HTTP status of the final response; 0 if there was none.
    pub http_status: i32,
    /// HTTP attempts made, retries included; 0 if nothing was sent.
    pub attempts: u32,
    /// The server's `Retry-After` in milliseconds (capped at 30 s); -1 if absent.
    pub retry_after_ms: i64,
    /// For `BW_ERR_INVALID_ARGUMENT`: the offending argument or field, as named in this header.
    pub field: [c_char; BW_ERROR_FIELD_LEN],
    /// Bandwidth's error `type` (e.g. "validation"), if the server sent one.
    pub error_type: [c_char; BW_ERROR_TYPE_LEN],
    /// Bandwidth's error `description`, if the server sent one.
    pub description: [c_char; BW_ERROR_TEXT_LEN],
    /// Bandwidth's error `id`, if the server sent a non-empty one.
    pub error_id: [c_char; BW_ERROR_ID_LEN],
    /// A readable explanation, suitable for logs.
    pub message: [c_char; BW_ERROR_TEXT_LEN],
    // Layout 2 begins here: fields added in 0.2.0, after layout 1 (0.1.0's
    // fields). A program built with layout 1 never gets them written.
    /// The call failed, but the request may have reached the server and
    /// taken effect (a timeout or reset after it was sent, a 5xx other than
    /// 503; for `bw_create_call` a 503 too, which a proxy may send after the
    /// request reached it): repeating it yourself may repeat its effect.
    /// False when the request certainly had no effect (nothing sent, 4xx,
    /// 429, and 503 except for `bw_create_call`).
    pub maybe_applied: bool,
}

/// The name of a status, e.g. `"BW_ERR_NOT_FOUND"`; `"BW_ERR_UNKNOWN"` for
/// a value this version does not know. Static: never free it.
#[no_mangle]
pub extern "C" fn bw_status_str(status: bw_status) -> *const c_char {
    ffi_value!(c"BW_ERR_INTERNAL".as_ptr(), {
        let name = match Status::from_code(status) {
            Some(status) => status.c_name(),
            None if status == BW_OK => c"BW_OK",
            None => c"BW_ERR_UNKNOWN",
        };
        name.as_ptr()
    })
}
