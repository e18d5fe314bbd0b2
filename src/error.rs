//! Error kinds and the error value every fallible operation returns.

use std::ffi::CStr;
use std::fmt;
use std::time::Duration;

/// What went wrong, as a stable category. The numeric values are the C ABI's
/// `bw_status` codes: they never change and are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum Status {
    /// Input failed validation; nothing was sent.
    InvalidArgument = 1,
    /// HTTP 401, or the OAuth2 token endpoint refused the credentials.
    Unauthorized = 2,
    /// HTTP 403.
    Forbidden = 3,
    /// HTTP 404: the call is unknown or has already ended.
    NotFound = 4,
    /// HTTP 409: the call cannot be modified in its current state.
    Conflict = 5,
    /// HTTP 429.
    RateLimited = 6,
    /// HTTP 400 and any other 4xx.
    BadRequest = 7,
    /// HTTP 5xx.
    Server = 8,
    /// The connect or total timeout expired.
    Timeout = 9,
    /// DNS failure, connection refused or reset before a response.
    Connect = 10,
    /// TLS certificate or handshake failure.
    Tls = 11,
    /// Malformed or oversized response.
    Protocol = 12,
    /// A bug caught at the boundary.
    Internal = 13,
    /// The client's queue of asynchronous calls is full; nothing was queued.
    Busy = 14,
    /// An asynchronous call was cancelled (by the caller, or because the
    /// client was freed) before it completed.
    Cancelled = 15,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 15] = [
        Status::InvalidArgument,
        Status::Unauthorized,
        Status::Forbidden,
        Status::NotFound,
        Status::Conflict,
        Status::RateLimited,
        Status::BadRequest,
        Status::Server,
        Status::Timeout,
        Status::Connect,
        Status::Tls,
        Status::Protocol,
        Status::Internal,
        Status::Busy,
        Status::Cancelled,
    ];

    /// The status with this C code, if there is one.
    pub(crate) fn from_code(code: i32) -> Option<Status> {
        Status::ALL.into_iter().find(|s| *s as i32 == code)
    }

    /// The C name of the status, e.g. `BW_ERR_NOT_FOUND` (`bw_status_str`
    /// returns the same static string).
    pub(crate) fn c_name(self) -> &'static CStr {
        match self {
            Status::InvalidArgument => c"BW_ERR_INVALID_ARGUMENT",
            Status::Unauthorized => c"BW_ERR_UNAUTHORIZED",
            Status::Forbidden => c"BW_ERR_FORBIDDEN",
            Status::NotFound => c"BW_ERR_NOT_FOUND",
            Status::Conflict => c"BW_ERR_CONFLICT",
            Status::RateLimited => c"BW_ERR_RATE_LIMITED",
            Status::BadRequest => c"BW_ERR_BAD_REQUEST",
            Status::Server => c"BW_ERR_SERVER",
            Status::Timeout => c"BW_ERR_TIMEOUT",
            Status::Connect => c"BW_ERR_CONNECT",
            Status::Tls => c"BW_ERR_TLS",
            Status::Protocol => c"BW_ERR_PROTOCOL",
            Status::Internal => c"BW_ERR_INTERNAL",
            Status::Busy => c"BW_ERR_BUSY",
            Status::Cancelled => c"BW_ERR_CANCELLED",
        }
    }

    /// The C name of the status, e.g. `BW_ERR_NOT_FOUND`, as `bw_status_str` returns it.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("BW_ERR_UNKNOWN")
    }

    /// The status an HTTP error response maps to (`None` for 2xx).
    pub fn from_http(code: u16) -> Option<Status> {
        Some(match code {
            200..=299 => return None,
            401 => Status::Unauthorized,
            403 => Status::Forbidden,
            404 => Status::NotFound,
            409 => Status::Conflict,
            429 => Status::RateLimited,
            400..=499 => Status::BadRequest,
            500..=599 => Status::Server,
            // 1xx/3xx are never a valid final answer here: redirects are not
            // followed because they could carry credentials elsewhere.
            _ => Status::Protocol,
        })
    }
}

/// A failed operation: the status plus whatever detail is known.
///
/// Messages never contain credentials, tokens or the Authorization header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    /// What kind of failure.
    pub status: Status,
    /// HTTP status of the final response, 0 when there was none.
    pub http_status: u16,
    /// Bandwidth's error `type`, when the server sent one.
    pub error_type: Option<String>,
    /// Bandwidth's error `description`, when the server sent one.
    pub description: Option<String>,
    /// Bandwidth's error `id`, when the server sent a non-empty one.
    pub error_id: Option<String>,
    /// The server's `Retry-After`, when present and parseable.
    pub retry_after: Option<Duration>,
    /// For validation errors: the offending argument or field (C name).
    pub field: Option<&'static str>,
    /// How many HTTP attempts were made (0 when nothing was sent).
    pub attempts: u32,
    /// The request may have reached the server and taken effect, although
    /// the call failed: repeating it may repeat its effect.
    pub maybe_applied: bool,
    /// A readable, credential-free explanation.
    pub message: String,
}

impl Error {
    /// An error with only a status and a message.
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            http_status: 0,
            error_type: None,
            description: None,
            error_id: None,
            retry_after: None,
            field: None,
            attempts: 0,
            maybe_applied: false,
            message: message.into(),
        }
    }

    /// A validation failure naming the offending argument.
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error {
            field: Some(field),
            ..Error::new(Status::InvalidArgument, message)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.name(), self.message)
    }
}

impl std::error::Error for Error {}
