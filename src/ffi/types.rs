//! The C ABI's data types and constants. cbindgen turns this file (and
//! `api.rs`) into `include/bwvoice.h`; every doc comment lands there.

use std::os::raw::{c_char, c_void};

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

/// `bw_modify_call_request.state`: not sent (Bandwidth treats the call as active).
pub const BW_CALL_STATE_UNSET: i32 = 0;
/// `bw_modify_call_request.state`: `"active"`; needs `redirect_url`.
pub const BW_CALL_STATE_ACTIVE: i32 = 1;
/// `bw_modify_call_request.state`: `"completed"`: hang up (or cancel an unanswered call).
pub const BW_CALL_STATE_COMPLETED: i32 = 2;

/// `bw_update_call_recording` state: pause an active recording.
pub const BW_RECORDING_STATE_PAUSED: i32 = 1;
/// `bw_update_call_recording` state: resume a paused recording.
pub const BW_RECORDING_STATE_RECORDING: i32 = 2;

/// Largest document `bw_update_call_bxml` sends, in bytes (Bandwidth's
/// documented maximum BXML size, 64 KB).
pub const BW_MAX_BXML_BYTES: usize = 65_536;

/// A `*_ms` time of `bw_call_state` that the server did not report.
pub const BW_TIME_ABSENT: i64 = i64::MIN;

/// Redirect method: not sent (Bandwidth's default is POST).
pub const BW_METHOD_UNSET: i32 = 0;
/// Redirect method `"GET"`: the event arrives as query parameters.
pub const BW_METHOD_GET: i32 = 1;
/// Redirect method `"POST"`: the event arrives as a JSON body.
pub const BW_METHOD_POST: i32 = 2;

/// `bw_client_config.tls_roots`: Mozilla's root certificates, built into the library.
pub const BW_TLS_ROOTS_BUNDLED: i32 = 0;
/// `bw_client_config.tls_roots`: the operating system's trust store.
pub const BW_TLS_ROOTS_SYSTEM: i32 = 1;

/// Connect timeout used when `bw_client_config.connect_timeout_ms` is 0.
pub const BW_DEFAULT_CONNECT_TIMEOUT_MS: u32 = 5_000;
/// Time budget of one call used when `bw_client_config.timeout_ms` is 0.
pub const BW_DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Attempts per call used when `bw_client_config.max_attempts` is 0.
pub const BW_DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Asynchronous calls running at once when `bw_client_config.max_concurrency` is 0.
pub const BW_DEFAULT_MAX_CONCURRENCY: u32 = 64;
/// Asynchronous calls queued at most when `bw_client_config.max_queued` is 0.
pub const BW_DEFAULT_MAX_QUEUED: u32 = 10_000;
/// Retry budget capacity when `bw_client_config.retry_budget` is 0.
pub const BW_DEFAULT_RETRY_BUDGET: u32 = 500;
/// `bw_client_config.retry_budget`: no retry budget (retries limited only
/// by `max_attempts` and the time budget).
pub const BW_RETRY_BUDGET_OFF: u32 = u32::MAX;

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

/// Size of `bw_stats.outcomes`: room for every status, present and future.
pub const BW_STATS_OUTCOMES: usize = 32;

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
    /// 503): repeating it yourself may repeat its effect. False when the
    /// request certainly had no effect (nothing sent, 4xx, 429, 503).
    pub maybe_applied: bool,
}

/// Client settings. Initialise it with `BW_CLIENT_CONFIG_INIT`, then set
/// what you need: a zero or NULL field means the documented default. The
/// library copies everything it needs; the struct and its strings may be
/// freed once `bw_client_new` returns.
///
/// Give exactly one kind of credentials: `username` + `password` (Basic) or
/// `client_id` + `client_secret` (OAuth2 client credentials).
#[repr(C)]
pub struct bw_client_config {
    /// `sizeof(bw_client_config)`, set by `BW_CLIENT_CONFIG_INIT`.
    pub struct_size: u32,
    /// Voice API base URL. NULL: `https://voice.bandwidth.com/api/v2`.
    /// Plain `http://` is accepted only for loopback hosts (local simulators).
    pub base_url: *const c_char,
    /// Basic auth user name (Bandwidth "API user").
    pub username: *const c_char,
    /// Basic auth password.
    pub password: *const c_char,
    /// OAuth2 client id.
    pub client_id: *const c_char,
    /// OAuth2 client secret.
    pub client_secret: *const c_char,
    /// OAuth2 token endpoint. NULL: `https://api.bandwidth.com/api/v1/oauth2/token`.
    pub token_url: *const c_char,
    /// Connect timeout in milliseconds (DNS, TCP, TLS). 0: `BW_DEFAULT_CONNECT_TIMEOUT_MS`.
    pub connect_timeout_ms: u32,
    /// Total time budget of one call in milliseconds, retries and waits
    /// included. 0: `BW_DEFAULT_TIMEOUT_MS`. Calls always end within it.
    pub timeout_ms: u32,
    /// Attempts per call, the first included. 0: `BW_DEFAULT_MAX_ATTEMPTS`.
    /// 1 disables retries.
    pub max_attempts: u32,
    /// Also retry a redirect or a BXML replacement after a failure the
    /// server may have acted on (timeout, connection reset, 5xx other than
    /// 503). Off by default: a repeated redirect fires your webhook twice,
    /// repeated BXML restarts the script. Hang-ups, call-state reads and
    /// recording changes are always retried.
    pub retry_non_idempotent: bool,
    /// Which CAs to trust: `BW_TLS_ROOTS_BUNDLED` (0) or `BW_TLS_ROOTS_SYSTEM`.
    /// Certificate verification cannot be switched off.
    pub tls_roots: i32,
    /// Path of a PEM file whose CA certificates are trusted instead of `tls_roots`.
    pub ca_file: *const c_char,
    /// HTTP proxy URL, e.g. `http://user:pass@proxy.example:3128`; the
    /// library asks it to open a tunnel (`CONNECT`). NULL: none.
    pub proxy: *const c_char,
    /// Take the proxy from the environment when the client is created: the
    /// first valid one of `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` (or their
    /// lowercase forms), skipping hosts listed in `NO_PROXY`. Off by default:
    /// the environment is never used implicitly.
    pub proxy_from_env: bool,
    /// Appended to the User-Agent: `bwvoice/<version> (<suffix>)`. NULL: none.
    pub user_agent_suffix: *const c_char,
    // Layout 2 begins here: fields added in 0.2.0 for the asynchronous
    // calls. A program built with layout 1 gets their defaults.
    /// Asynchronous calls running at once, each on a library thread
    /// (started as needed). 0: `BW_DEFAULT_MAX_CONCURRENCY`; at most 4096.
    pub max_concurrency: u32,
    /// Asynchronous calls waiting for a free thread; a submit beyond it is
    /// `BW_ERR_BUSY`. 0: `BW_DEFAULT_MAX_QUEUED`.
    pub max_queued: u32,
    // Layout 3 begins here: fields added in 0.2.0 for observability, and the
    // bindings' name for the User-Agent.
    /// Capacity of the retry budget (see the README, "Retries"): retries
    /// draw from it, successes refill it, and when it is empty calls are
    /// not retried. 0: `BW_DEFAULT_RETRY_BUDGET`; `BW_RETRY_BUDGET_OFF`:
    /// no budget.
    pub retry_budget: u32,
    /// Called for every attempt's end, retry scheduled or refused, token
    /// fetch and call end, on the thread making the call (a library thread
    /// for an asynchronous call). NULL: no events (the counters of
    /// `bw_client_stats` are kept either way).
    pub on_event: bw_event_fn,
    /// Passed to `on_event`.
    pub event_userdata: *mut c_void,
    /// Which events reach `on_event`: `1 << BW_EVENT_*` bits, e.g.
    /// `1 << BW_EVENT_RETRY_SCHEDULED | 1 << BW_EVENT_RETRY_DENIED` for a
    /// warnings-only log that costs nothing on calls that succeed at once.
    /// 0: every event.
    pub event_mask: u32,
    /// For language bindings: their name (`python`, `go`), which leads the
    /// User-Agent comment: `bwvoice/<version> (<binding>; <suffix>)`. Lower-case
    /// letters, digits, `+`, `-`, `.`; at most 16. NULL: none (a C program).
    pub binding: *const c_char,
}

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

/// Settings of one call, taken by every operation. Pass NULL for the
/// client's settings, or initialise it with `BW_CALL_OPTIONS_INIT`.
#[repr(C)]
pub struct bw_call_options {
    /// `sizeof(bw_call_options)`, set by `BW_CALL_OPTIONS_INIT`.
    pub struct_size: u32,
    /// At most this many milliseconds for this call, every attempt and
    /// wait included; the client's `timeout_ms` still applies when it is
    /// shorter. 0: the client's.
    pub timeout_ms: u32,
}

/// One key and its value, e.g. a STIR/SHAKEN property.
#[repr(C)]
pub struct bw_key_value {
    pub key: *const c_char,
    pub value: *const c_char,
}

/// A call's state as `bw_get_call_state` read it (Bandwidth's `callState`).
/// Allocated by the library and read-only: free it with
/// `bw_call_state_free`. Strings are NUL-terminated UTF-8 of any length,
/// never truncated, valid until the free; NULL means the server sent null
/// or nothing. Times come twice: the RFC 3339 text as sent and
/// milliseconds since the Unix epoch (`BW_TIME_ABSENT` when absent).
///
/// `state`, `direction` and `disconnect_cause` are the server's text:
/// Bandwidth may add values at any time, so treat an unknown one as
/// "other", not as an error. (`BW_CALL_STATE_*` are what
/// `bw_modify_call_request.state` asks for, not these.)
///
/// Later versions may append fields; the library fills `struct_size` with
/// the size it allocated, so a program built with a newer header checks
/// `struct_size > offsetof(bw_call_state, field)` before reading a field
/// an older library may lack.
#[repr(C)]
pub struct bw_call_state {
    /// `sizeof(bw_call_state)` of the library that allocated it.
    pub struct_size: u32,
    pub call_id: *const c_char,
    pub account_id: *const c_char,
    pub application_id: *const c_char,
    /// The A-leg's call id when this call is the B-leg of a `<Transfer>`.
    pub parent_call_id: *const c_char,
    /// E.164 number or SIP URI that received the call.
    pub to: *const c_char,
    /// E.164 number that made the call.
    pub from: *const c_char,
    /// `"inbound"` or `"outbound"`.
    pub direction: *const c_char,
    /// `"queued"`, `"initiated"`, `"answered"`, `"disconnected"`, or a newer value.
    pub state: *const c_char,
    /// When the call was queued (RFC 3339).
    pub enqueued_time: *const c_char,
    /// When the call was initiated; NULL while it is still queued.
    pub start_time: *const c_char,
    /// When the call was answered; NULL until then.
    pub answer_time: *const c_char,
    /// When the call ended; NULL until then.
    pub end_time: *const c_char,
    /// The last time the call's state changed.
    pub last_update: *const c_char,
    pub enqueued_time_ms: i64,
    pub start_time_ms: i64,
    pub answer_time_ms: i64,
    pub end_time_ms: i64,
    pub last_update_ms: i64,
    /// Why the call ended: `"hangup"`, `"busy"`, `"timeout"`, `"cancel"`,
    /// `"rejected"`, `"callback-error"`, `"invalid-bxml"`,
    /// `"application-error"`, `"account-limit"`, `"node-capacity-exceeded"`,
    /// `"error"`, `"unknown"`, or a newer value.
    pub disconnect_cause: *const c_char,
    /// Set when the call ended with an error: the explanation.
    pub error_message: *const c_char,
    /// Set when the call ended with an error: Bandwidth's id for it.
    pub error_id: *const c_char,
    /// The inbound INVITE's `Identity` header, if forwarded.
    pub identity: *const c_char,
    /// STIR/SHAKEN verification (`verstat`, `attestationIndicator`,
    /// `originatingId`, ...), sorted by key; `stir_shaken_len` pairs, 0 when
    /// absent. A value the server sent as a non-string is its JSON text.
    pub stir_shaken: *const bw_key_value,
    pub stir_shaken_len: usize,
}

/// Called once when an asynchronous call completes, on a library thread
/// (never inside the submit): `status` is what the blocking form would have
/// returned, `err` its full `bw_error` (never NULL; cleared on success),
/// `state` the result of `bw_get_call_state_async` (NULL otherwise and on
/// failure). `err` and `state` are valid during the call only: copy what
/// you need. The callback must return quickly and must not throw or
/// longjmp: while it runs, its thread carries no other call (see the
/// README, "Asynchronous calls").
pub type bw_completion_fn = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        job_id: u64,
        status: bw_status,
        err: *const bw_error,
        state: *const bw_call_state,
    ),
>;

/// One fact about a call, for logs, metrics and traces. Library-owned and
/// valid during the `on_event` call only; every string is NUL-terminated
/// (empty, never NULL, when there is nothing to say). It never holds a
/// credential, token, header or body. Names follow OpenTelemetry's HTTP
/// client conventions where one exists (see the README, "Observability").
#[repr(C)]
pub struct bw_event {
    /// `sizeof(bw_event)` of the library: fields may be appended later.
    pub struct_size: u32,
    /// `BW_EVENT_*`.
    pub kind: i32,
    /// The spec's operationId (`updateCall`, `getCallState`,
    /// `updateCallBxml`, `updateCallRecordingState`), or `token`.
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
}

/// Receives each `bw_event`; see `bw_client_config.on_event`. It must
/// return quickly, and must not throw, `longjmp` or free the client.
pub type bw_event_fn = Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const bw_event)>;

/// A client's counters, written by `bw_client_stats` into memory the caller
/// owns. Initialise it with `BW_STATS_INIT`; the library writes no more
/// than `struct_size` bytes.
#[repr(C)]
pub struct bw_stats {
    /// `sizeof(bw_stats)`, set by `BW_STATS_INIT`.
    pub struct_size: u32,
    /// Calls ended (blocking and asynchronous).
    pub calls: u64,
    /// HTTP attempts to the Voice API.
    pub attempts: u64,
    /// Retries scheduled, in total and by reason.
    pub retries: u64,
    pub retries_rate_limited: u64,
    pub retries_unavailable: u64,
    pub retries_server_error: u64,
    pub retries_timeout: u64,
    pub retries_connect: u64,
    pub retries_stale_token: u64,
    /// Retries refused because the retry budget was empty.
    pub retries_denied: u64,
    /// Tokens left in the retry budget; -1 when it is off.
    pub retry_budget_tokens: i64,
    /// OAuth2 token requests.
    pub token_fetches: u64,
    /// Attempts that opened a connection, and that reused a pooled one.
    pub connections_opened: u64,
    pub connections_reused: u64,
    /// Asynchronous calls waiting, and running, right now.
    pub jobs_queued: u64,
    pub jobs_running: u64,
    /// Calls ended by status: `outcomes[BW_OK]` succeeded,
    /// `outcomes[BW_ERR_NOT_FOUND]` ended with a 404, and so on.
    pub outcomes: [u64; BW_STATS_OUTCOMES],
}
