"""The ctypes declarations of ``include/bwvoice.h``.

Generated from the header by ``scripts/generate_bindings.py``; do not edit.
Regenerate with: python3 bindings/python/scripts/generate_bindings.py (make python-bindings)
"""

# The header's doc comments, as docstrings, have no one-line summary.
# ruff: noqa: D205

from __future__ import annotations

import ctypes
from typing import Any


class _Growable(ctypes.Structure):
    """A struct beginning with ``uint32_t struct_size`` that the caller fills.

    Construction sets ``struct_size`` to ``ctypes.sizeof`` of the struct, like
    the header's ``BW_*_INIT`` macros, unless it is given explicitly; every
    other field starts at zero.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("struct_size", ctypes.sizeof(type(self)))
        super().__init__(*args, **kwargs)


#: Version of this header; `bw_version()` returns "bwvoice/" BW_VERSION_STRING.
BW_VERSION_MAJOR = 0
BW_VERSION_MINOR = 2
BW_VERSION_PATCH = 0
BW_VERSION_STRING = "0.2.0"

#: `MAJOR << 16 | MINOR << 8 | PATCH`, as `bw_version_number()`; usable in `#if`.
BW_VERSION_NUMBER = (BW_VERSION_MAJOR << 16) | (BW_VERSION_MINOR << 8) | BW_VERSION_PATCH

#: Size of `bw_error.field`, NUL included.
BW_ERROR_FIELD_LEN = 64

#: Size of `bw_error.error_type`, NUL included.
BW_ERROR_TYPE_LEN = 128

#: Size of `bw_error.error_id`, NUL included.
BW_ERROR_ID_LEN = 128

#: Size of `bw_error.description` and `bw_error.message`, NUL included.
BW_ERROR_TEXT_LEN = 1024

#: `bw_client_config.tls_roots`: Mozilla's root certificates, built into the library.
BW_TLS_ROOTS_BUNDLED = 0

#: `bw_client_config.tls_roots`: the operating system's trust store.
BW_TLS_ROOTS_SYSTEM = 1

#: Connect timeout used when `bw_client_config.connect_timeout_ms` is 0.
BW_DEFAULT_CONNECT_TIMEOUT_MS = 5000

#: Time budget of one call used when `bw_client_config.timeout_ms` is 0.
BW_DEFAULT_TIMEOUT_MS = 30000

#: Attempts per call used when `bw_client_config.max_attempts` is 0.
BW_DEFAULT_MAX_ATTEMPTS = 3

#: Asynchronous calls running at once when `bw_client_config.max_concurrency` is 0.
BW_DEFAULT_MAX_CONCURRENCY = 64

#: Asynchronous calls queued at most when `bw_client_config.max_queued` is 0.
BW_DEFAULT_MAX_QUEUED = 10000

#: Retry budget capacity when `bw_client_config.retry_budget` is 0.
BW_DEFAULT_RETRY_BUDGET = 500

#: `bw_client_config.retry_budget`: no retry budget (retries limited only
#: by `max_attempts` and the time budget).
BW_RETRY_BUDGET_OFF = 2**32 - 1

#: Size of `bw_stats.outcomes`: room for every status, present and future.
BW_STATS_OUTCOMES = 32

#: For a `bw_*_async` call: run it on the calling thread, inside
#: `bw_*_async`, when the client could start it at once (nothing queued,
#: fewer than `max_concurrency` calls running); its callback then runs
#: before `bw_*_async` returns, on that thread. Otherwise it is queued as
#: usual. Saves the hand-over to a worker thread when few calls are in
#: flight; the caller's thread waits for the call meanwhile, so a callback
#: of such a call must not `bw_free` its client. Ignored by blocking calls.
BW_CALL_INLINE = 1

#: `bw_update_call_recording` state: pause an active recording.
BW_RECORDING_STATE_PAUSED = 1

#: `bw_update_call_recording` state: resume a paused recording.
BW_RECORDING_STATE_RECORDING = 2

#: Largest document `bw_update_call_bxml` sends, in bytes (Bandwidth's
#: documented maximum BXML size, 64 KB).
BW_MAX_BXML_BYTES = 65536

#: `bw_modify_call_request.state`: not sent (Bandwidth treats the call as active).
BW_CALL_STATE_UNSET = 0

#: `bw_modify_call_request.state`: `"active"`; needs `redirect_url`.
BW_CALL_STATE_ACTIVE = 1

#: `bw_modify_call_request.state`: `"completed"`: hang up (or cancel an unanswered call).
BW_CALL_STATE_COMPLETED = 2

#: Redirect method: not sent (Bandwidth's default is POST).
BW_METHOD_UNSET = 0

#: Redirect method `"GET"`: the event arrives as query parameters.
BW_METHOD_GET = 1

#: Redirect method `"POST"`: the event arrives as a JSON body.
BW_METHOD_POST = 2

#: A `*_ms` time of a result (`bw_call_state`, `bw_conference`, …) that
#: the server did not report.
BW_TIME_ABSENT = -(2**63)

#: An optional boolean of a request: not sent.
BW_BOOL_UNSET = 0

#: An optional boolean of a request: `false`.
BW_BOOL_FALSE = 1

#: An optional boolean of a request: `true`.
BW_BOOL_TRUE = 2

#: `bw_machine_detection.mode`: not sent (Bandwidth's default is async).
BW_MACHINE_DETECTION_UNSET = 0

#: `bw_machine_detection.mode`: the `answer` callback waits for the result.
BW_MACHINE_DETECTION_SYNC = 1

#: `bw_machine_detection.mode`: the result comes in a
#: `machineDetectionComplete` callback to `callback_url`.
BW_MACHINE_DETECTION_ASYNC = 2

#: `bw_update_conference_request.status`: not sent (active: a redirect).
BW_CONFERENCE_STATUS_UNSET = 0

#: `bw_update_conference_request.status`: `"active"`; needs `redirect_url`.
BW_CONFERENCE_STATUS_ACTIVE = 1

#: `bw_update_conference_request.status`: `"completed"`: end the
#: conference and remove every member (each goes on with its own BXML).
BW_CONFERENCE_STATUS_COMPLETED = 2

#: `bw_result_kind`: no value. A NULL result has this kind: a failure, or
#: an operation without a value (a redirect, a hang-up, BXML, recording).
BW_RESULT_NONE = 0

#: `bw_result_kind`: a `bw_call_state` (`bw_get_call_state_async`), read
#: with `bw_result_call_state`.
BW_RESULT_CALL_STATE = 1

#: `bw_result_kind`: a `bw_created_call` (`bw_create_call_async`), read
#: with `bw_result_created_call`.
BW_RESULT_CREATED_CALL = 2

#: `bw_result_kind`: a `bw_call_page` (`bw_list_calls_async`), read with
#: `bw_result_call_page`.
BW_RESULT_CALL_PAGE = 3

#: `bw_result_kind`: a `bw_conference` (`bw_get_conference_async`), read
#: with `bw_result_conference`.
BW_RESULT_CONFERENCE = 4

#: `bw_result_kind`: a `bw_conference_member`
#: (`bw_get_conference_member_async`), read with `bw_result_conference_member`.
BW_RESULT_CONFERENCE_MEMBER = 5

#: `bw_event.kind`: one HTTP exchange ended (answered, or failed).
BW_EVENT_ATTEMPT_END = 1

#: `bw_event.kind`: the call will be tried again after `retry_delay_ms`.
BW_EVENT_RETRY_SCHEDULED = 2

#: `bw_event.kind`: a retry was refused because the retry budget is empty.
BW_EVENT_RETRY_DENIED = 3

#: `bw_event.kind`: an OAuth2 token request ended.
BW_EVENT_TOKEN_FETCH = 4

#: `bw_event.kind`: the call ended; `status` is its outcome.
BW_EVENT_CALL_END = 5

#: Flag: let verbs this library does not know through unchecked, for verbs
#: Bandwidth adds before the library knows them. Without it they are
#: refused, so a typo such as `<SpeakSentance>` is caught.
BW_BXML_ALLOW_UNKNOWN_VERBS = 1

#: Largest callback body `bw_callback_parse` reads, in bytes; a webhook
#: server may refuse a longer one (413) without reading it.
BW_MAX_CALLBACK_BYTES = 65536


class bw_bxml(ctypes.Structure):
    """A BXML document being built, from `bw_bxml_new`. Each call checks its
    step against Bandwidth's rules (the element may go there, the attribute
    exists and its value is in range, the text is right) and on failure
    changes nothing, so the caller may go on. Text and attribute values are
    always escaped. Not thread-safe: use it from one thread at a time.
    """


class bw_client(ctypes.Structure):
    """An opaque Voice API client. Thread-safe: any number of threads may call
    its operations on one client at once; they share its
    connection pool and OAuth2 token. Free it with `bw_free` once every
    call on it has returned.
    """


class bw_queue(ctypes.Structure):
    """A queue of completions for an event loop (see `bw_queue_new`)."""


class bw_result(ctypes.Structure):
    """An asynchronous call's result: opaque, made by the library. The
    completion callback gets one valid during the call (NULL when there is
    no value); `bw_result_dup` keeps it longer, `bw_queue_next` hands one
    over. Read it with `bw_result_kind` and the getter of that kind; free an
    owned one with `bw_result_free`.
    """


# Result of every fallible function: `BW_OK` (0) or one of the
# `BW_ERR_*` codes. Values are stable forever and never reused.
bw_status = ctypes.c_int32


class bw_event(ctypes.Structure):
    """One fact about a call, for logs, metrics and traces. Library-owned and
    valid during the `on_event` call only; every string is NUL-terminated
    (empty, never NULL, when there is nothing to say). It never holds a
    credential, token, header or body. Names follow OpenTelemetry's HTTP
    client conventions where one exists (see docs/observability.md).
    """

    _fields_ = [
        # `sizeof(bw_event)` of the library: fields may be appended later.
        ("struct_size", ctypes.c_uint32),
        # `BW_EVENT_*`.
        ("kind", ctypes.c_int32),
        # The spec's operationId of the call (e.g. `updateCall`; the
        # operations are listed at the top of this header), or `token`.
        ("operation", ctypes.c_char_p),
        # `http.request.method`: `GET`, `POST` or `PUT`.
        ("http_request_method", ctypes.c_char_p),
        # `url.template`, e.g. `/accounts/{accountId}/calls/{callId}`; empty for a token fetch.
        ("url_template", ctypes.c_char_p),
        ("account_id", ctypes.c_char_p),
        ("call_id", ctypes.c_char_p),
        # `server.address` and `server.port`.
        ("server_address", ctypes.c_char_p),
        ("server_port", ctypes.c_uint32),
        # 1 for the first attempt (`http.request.resend_count` is one less); 0 for a token fetch.
        ("attempt", ctypes.c_uint32),
        # `http.response.status_code`; 0 when there was no response.
        ("http_response_status_code", ctypes.c_int32),
        # `BW_OK` or the failure's `BW_ERR_*`.
        ("status", bw_status),
        # `error.type`: the HTTP status code (`"503"`) of an error response,
        # else a short status name (`"timeout"`, `"connect"`); empty on success.
        ("error_type", ctypes.c_char_p),
        # For retry events: `rate_limited`, `unavailable`, `server_error`,
        # `timeout`, `connect` or `stale_token`; empty otherwise.
        ("retry_reason", ctypes.c_char_p),
        # For `BW_EVENT_RETRY_SCHEDULED`: the wait before the retry.
        ("retry_delay_ms", ctypes.c_uint64),
        # How long the attempt, token fetch or whole call took.
        ("duration_us", ctypes.c_uint64),
        # The attempt used a pooled connection (no TCP or TLS setup).
        ("connection_reused", ctypes.c_bool),
        # The conference the operation acts on; empty for any other. (For a
        # conference member, `call_id` is the member's call.)
        ("conference_id", ctypes.c_char_p),
    ]


# Receives each `bw_event`; see `bw_client_config.on_event`. It must
# return quickly, and must not throw, `longjmp` or free the client.
bw_event_fn = ctypes.CFUNCTYPE(
    None,
    ctypes.c_void_p,  # userdata
    ctypes.POINTER(bw_event),  # event
)


class bw_client_config(_Growable):
    """Client settings. Initialise it with `BW_CLIENT_CONFIG_INIT`, then set
    what you need: a zero or NULL field means the documented default. The
    library copies everything it needs; the struct and its strings may be
    freed once `bw_client_new` returns.

    Give exactly one kind of credentials: `username` + `password` (Basic) or
    `client_id` + `client_secret` (OAuth2 client credentials).
    """

    _fields_ = [
        # `sizeof(bw_client_config)`, set by `BW_CLIENT_CONFIG_INIT`.
        ("struct_size", ctypes.c_uint32),
        # Voice API base URL. NULL: `https://voice.bandwidth.com/api/v2`.
        # Plain `http://` is accepted only for loopback hosts (local simulators).
        ("base_url", ctypes.c_char_p),
        # Basic auth user name (Bandwidth "API user").
        ("username", ctypes.c_char_p),
        # Basic auth password.
        ("password", ctypes.c_char_p),
        # OAuth2 client id.
        ("client_id", ctypes.c_char_p),
        # OAuth2 client secret.
        ("client_secret", ctypes.c_char_p),
        # OAuth2 token endpoint. NULL: `https://api.bandwidth.com/api/v1/oauth2/token`.
        ("token_url", ctypes.c_char_p),
        # Connect timeout in milliseconds (DNS, TCP, TLS). 0: `BW_DEFAULT_CONNECT_TIMEOUT_MS`.
        ("connect_timeout_ms", ctypes.c_uint32),
        # Total time budget of one call in milliseconds, retries and waits
        # included. 0: `BW_DEFAULT_TIMEOUT_MS`. Calls always end within it.
        ("timeout_ms", ctypes.c_uint32),
        # Attempts per call, the first included. 0: `BW_DEFAULT_MAX_ATTEMPTS`.
        # 1 disables retries.
        ("max_attempts", ctypes.c_uint32),
        # Also retry a redirect or a BXML replacement (of a call or a
        # conference) after a failure the server may have acted on (timeout,
        # connection reset, 5xx other than 503). Off by default: a repeated
        # redirect fires your webhook twice, repeated BXML restarts the
        # script. Reads, hang-ups, recording changes and member updates are
        # always retried; `bw_create_call` never is, whatever this says.
        ("retry_non_idempotent", ctypes.c_bool),
        # Which CAs to trust: `BW_TLS_ROOTS_BUNDLED` (0) or `BW_TLS_ROOTS_SYSTEM`.
        # Certificate verification cannot be switched off.
        ("tls_roots", ctypes.c_int32),
        # Path of a PEM file whose CA certificates are trusted instead of `tls_roots`.
        ("ca_file", ctypes.c_char_p),
        # HTTP proxy URL, e.g. `http://user:pass@proxy.example:3128`; the
        # library asks it to open a tunnel (`CONNECT`). NULL: none.
        ("proxy", ctypes.c_char_p),
        # Take the proxy from the environment when the client is created: the
        # first valid one of `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` (or their
        # lowercase forms), skipping hosts listed in `NO_PROXY`. Off by default:
        # the environment is never used implicitly.
        ("proxy_from_env", ctypes.c_bool),
        # Appended to the User-Agent: `bwvoice/<version> (<suffix>)`. NULL: none.
        ("user_agent_suffix", ctypes.c_char_p),
        # Asynchronous calls running at once, each on a library thread
        # (started as needed). 0: `BW_DEFAULT_MAX_CONCURRENCY`; at most 4096.
        ("max_concurrency", ctypes.c_uint32),
        # Asynchronous calls waiting for a free thread; a submit beyond it is
        # `BW_ERR_BUSY`. 0: `BW_DEFAULT_MAX_QUEUED`.
        ("max_queued", ctypes.c_uint32),
        # Capacity of the retry budget (see docs/retries.md): retries
        # draw from it, successes refill it, and when it is empty calls are
        # not retried. 0: `BW_DEFAULT_RETRY_BUDGET`; `BW_RETRY_BUDGET_OFF`:
        # no budget.
        ("retry_budget", ctypes.c_uint32),
        # Called for every attempt's end, retry scheduled or refused, token
        # fetch and call end, on the thread making the call (a library thread
        # for an asynchronous call). NULL: no events (the counters of
        # `bw_client_stats` are kept either way).
        ("on_event", bw_event_fn),
        # Passed to `on_event`.
        ("event_userdata", ctypes.c_void_p),
        # Which events reach `on_event`: `1 << BW_EVENT_*` bits, e.g.
        # `1 << BW_EVENT_RETRY_SCHEDULED | 1 << BW_EVENT_RETRY_DENIED` for a
        # warnings-only log that costs nothing on calls that succeed at once.
        # 0: every event.
        ("event_mask", ctypes.c_uint32),
        # For language bindings: their name (`python`, `go`), which leads the
        # User-Agent comment: `bwvoice/<version> (<binding>; <suffix>)`. Lower-case
        # letters, digits, `+`, `-`, `.`; at most 16. NULL: none (a C program).
        ("binding", ctypes.c_char_p),
        # Let BXML verbs this library does not know through the check
        # `bw_update_call_bxml` and `bw_update_conference_bxml` make (verbs
        # Bandwidth added after this version); known verbs are checked either
        # way. Off by default, so a typo such as `<SpeakSentance>` fails
        # before it reaches a live call.
        ("allow_unknown_bxml_verbs", ctypes.c_bool),
    ]


class bw_error(_Growable):
    """Details of a failure, written into memory the caller owns (stack is fine).

    Initialise it with `BW_ERROR_INIT` (`bw_error err = BW_ERROR_INIT;`), then
    pass a pointer to any function taking `bw_error *err` (or NULL if you only
    want the status). The library clears it on entry and fills it on failure,
    writing no more than `struct_size` bytes. Every string is NUL-terminated
    UTF-8, truncated on a character boundary; nothing needs freeing. No
    message ever contains a credential or token.

    A `struct_size` this library does not know (0, or garbage from an
    uninitialised variable) makes every function return
    `BW_ERR_INVALID_ARGUMENT` at once, doing nothing and leaving the record
    untouched.
    """

    _fields_ = [
        # `sizeof(bw_error)`, set by `BW_ERROR_INIT`; never changed by the library.
        ("struct_size", ctypes.c_uint32),
        # The same value the function returned.
        ("status", bw_status),
        # HTTP status of the final response; 0 if there was none.
        ("http_status", ctypes.c_int32),
        # HTTP attempts made, retries included; 0 if nothing was sent.
        ("attempts", ctypes.c_uint32),
        # The server's `Retry-After` in milliseconds (capped at 30 s); -1 if absent.
        ("retry_after_ms", ctypes.c_int64),
        # For `BW_ERR_INVALID_ARGUMENT`: the offending argument or field, as named in this header.
        ("field", ctypes.c_char * BW_ERROR_FIELD_LEN),
        # Bandwidth's error `type` (e.g. "validation"), if the server sent one.
        ("error_type", ctypes.c_char * BW_ERROR_TYPE_LEN),
        # Bandwidth's error `description`, if the server sent one.
        ("description", ctypes.c_char * BW_ERROR_TEXT_LEN),
        # Bandwidth's error `id`, if the server sent a non-empty one.
        ("error_id", ctypes.c_char * BW_ERROR_ID_LEN),
        # A readable explanation, suitable for logs.
        ("message", ctypes.c_char * BW_ERROR_TEXT_LEN),
        # The call failed, but the request may have reached the server and
        # taken effect (a timeout or reset after it was sent, a 5xx other than
        # 503; for `bw_create_call` a 503 too, which a proxy may send after the
        # request reached it): repeating it yourself may repeat its effect.
        # False when the request certainly had no effect (nothing sent, 4xx,
        # 429, and 503 except for `bw_create_call`).
        ("maybe_applied", ctypes.c_bool),
    ]


class bw_stats(_Growable):
    """A client's counters, written by `bw_client_stats` into memory the caller
    owns. Initialise it with `BW_STATS_INIT`; the library writes no more
    than `struct_size` bytes.
    """

    _fields_ = [
        # `sizeof(bw_stats)`, set by `BW_STATS_INIT`.
        ("struct_size", ctypes.c_uint32),
        # Calls ended (blocking and asynchronous).
        ("calls", ctypes.c_uint64),
        # HTTP attempts to the Voice API.
        ("attempts", ctypes.c_uint64),
        # Retries scheduled, in total and by reason.
        ("retries", ctypes.c_uint64),
        ("retries_rate_limited", ctypes.c_uint64),
        ("retries_unavailable", ctypes.c_uint64),
        ("retries_server_error", ctypes.c_uint64),
        ("retries_timeout", ctypes.c_uint64),
        ("retries_connect", ctypes.c_uint64),
        ("retries_stale_token", ctypes.c_uint64),
        # Retries refused because the retry budget was empty.
        ("retries_denied", ctypes.c_uint64),
        # Tokens left in the retry budget; -1 when it is off.
        ("retry_budget_tokens", ctypes.c_int64),
        # OAuth2 token requests.
        ("token_fetches", ctypes.c_uint64),
        # Attempts that opened a connection, and that reused a pooled one.
        ("connections_opened", ctypes.c_uint64),
        ("connections_reused", ctypes.c_uint64),
        # Asynchronous calls waiting, and running, right now.
        ("jobs_queued", ctypes.c_uint64),
        ("jobs_running", ctypes.c_uint64),
        # Calls ended by status: `outcomes[BW_OK]` succeeded,
        # `outcomes[BW_ERR_NOT_FOUND]` ended with a 404, and so on.
        ("outcomes", ctypes.c_uint64 * BW_STATS_OUTCOMES),
    ]


class bw_modify_call_request(_Growable):
    """Parameters of "Update active call". Initialise it with
    `BW_MODIFY_CALL_REQUEST_INIT`: a NULL string means "not set, not sent",
    and an initialised struct plus `redirect_url` is a valid redirect. The
    library copies what it needs before returning.
    """

    _fields_ = [
        # `sizeof(bw_modify_call_request)`, set by `BW_MODIFY_CALL_REQUEST_INIT`.
        ("struct_size", ctypes.c_uint32),
        # `BW_CALL_STATE_UNSET`, `BW_CALL_STATE_ACTIVE` or `BW_CALL_STATE_COMPLETED`.
        ("state", ctypes.c_int32),
        # URL that will receive the Redirect event and answer with new BXML.
        # Required unless `state` is `BW_CALL_STATE_COMPLETED` (then forbidden).
        # Absolute http(s) or relative to the application's callback URL.
        ("redirect_url", ctypes.c_char_p),
        # `BW_METHOD_UNSET`, `BW_METHOD_GET` or `BW_METHOD_POST`. Forbidden when completing.
        ("redirect_method", ctypes.c_int32),
        # Basic auth user name for `redirect_url` (at most 1024 characters).
        ("username", ctypes.c_char_p),
        # Basic auth password for `redirect_url` (at most 1024 characters).
        ("password", ctypes.c_char_p),
        # Custom tag sent with this and later callbacks, at most 4096
        # characters. NULL leaves the tag alone, `""` clears it.
        # Forbidden when completing.
        ("tag", ctypes.c_char_p),
        # URL tried when `redirect_url` fails to answer.
        ("redirect_fallback_url", ctypes.c_char_p),
        # `BW_METHOD_UNSET`, `BW_METHOD_GET` or `BW_METHOD_POST`.
        ("redirect_fallback_method", ctypes.c_int32),
        # Basic auth user name for `redirect_fallback_url` (at most 1024 characters).
        ("fallback_username", ctypes.c_char_p),
        # Basic auth password for `redirect_fallback_url` (at most 1024 characters).
        ("fallback_password", ctypes.c_char_p),
    ]


class bw_call_options(_Growable):
    """Settings of one call, taken by every operation. Pass NULL for the
    client's settings, or initialise it with `BW_CALL_OPTIONS_INIT`.
    """

    _fields_ = [
        # `sizeof(bw_call_options)`, set by `BW_CALL_OPTIONS_INIT`.
        ("struct_size", ctypes.c_uint32),
        # At most this many milliseconds for this call, every attempt and
        # wait included; the client's `timeout_ms` still applies when it is
        # shorter. 0: the client's.
        ("timeout_ms", ctypes.c_uint32),
        # `BW_CALL_*` bits; 0 for none.
        ("flags", ctypes.c_uint32),
    ]


class bw_key_value(ctypes.Structure):
    """One key and its value, e.g. a STIR/SHAKEN property."""

    _fields_ = [
        ("key", ctypes.c_char_p),
        ("value", ctypes.c_char_p),
    ]


class bw_call_state(ctypes.Structure):
    """A call's state as `bw_get_call_state` read it (Bandwidth's `callState`).
    Allocated by the library and read-only: free it with
    `bw_call_state_free`. Strings are NUL-terminated UTF-8 of any length,
    never truncated, valid until the free; NULL means the server sent null
    or nothing. Times come twice: the RFC 3339 text as sent and
    milliseconds since the Unix epoch (`BW_TIME_ABSENT` when absent).

    `state`, `direction` and `disconnect_cause` are the server's text:
    Bandwidth may add values at any time, so treat an unknown one as
    "other", not as an error. (`BW_CALL_STATE_*` are what
    `bw_modify_call_request.state` asks for, not these.)

    Later versions may append fields; the library fills `struct_size` with
    the size it allocated, so a program built with a newer header checks
    `struct_size > offsetof(bw_call_state, field)` before reading a field
    an older library may lack.
    """

    _fields_ = [
        # `sizeof(bw_call_state)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        ("call_id", ctypes.c_char_p),
        ("account_id", ctypes.c_char_p),
        ("application_id", ctypes.c_char_p),
        # The A-leg's call id when this call is the B-leg of a `<Transfer>`.
        ("parent_call_id", ctypes.c_char_p),
        # E.164 number or SIP URI that received the call.
        ("to", ctypes.c_char_p),
        # E.164 number that made the call.
        ("from", ctypes.c_char_p),
        # `"inbound"` or `"outbound"`.
        ("direction", ctypes.c_char_p),
        # `"queued"`, `"initiated"`, `"answered"`, `"disconnected"`, or a newer value.
        ("state", ctypes.c_char_p),
        # When the call was queued (RFC 3339).
        ("enqueued_time", ctypes.c_char_p),
        # When the call was initiated; NULL while it is still queued.
        ("start_time", ctypes.c_char_p),
        # When the call was answered; NULL until then.
        ("answer_time", ctypes.c_char_p),
        # When the call ended; NULL until then.
        ("end_time", ctypes.c_char_p),
        # The last time the call's state changed.
        ("last_update", ctypes.c_char_p),
        ("enqueued_time_ms", ctypes.c_int64),
        ("start_time_ms", ctypes.c_int64),
        ("answer_time_ms", ctypes.c_int64),
        ("end_time_ms", ctypes.c_int64),
        ("last_update_ms", ctypes.c_int64),
        # Why the call ended: `"hangup"`, `"busy"`, `"timeout"`, `"cancel"`,
        # `"rejected"`, `"callback-error"`, `"invalid-bxml"`,
        # `"application-error"`, `"account-limit"`, `"node-capacity-exceeded"`,
        # `"error"`, `"unknown"`, or a newer value.
        ("disconnect_cause", ctypes.c_char_p),
        # Set when the call ended with an error: the explanation.
        ("error_message", ctypes.c_char_p),
        # Set when the call ended with an error: Bandwidth's id for it.
        ("error_id", ctypes.c_char_p),
        # The inbound INVITE's `Identity` header, if forwarded.
        ("identity", ctypes.c_char_p),
        # STIR/SHAKEN verification (`verstat`, `attestationIndicator`,
        # `originatingId`, ...), sorted by key; `stir_shaken_len` pairs, 0 when
        # absent. A value the server sent as a non-string is its JSON text.
        ("stir_shaken", ctypes.POINTER(bw_key_value)),
        ("stir_shaken_len", ctypes.c_size_t),
    ]


# Called once when an asynchronous call completes, on a library thread
# (never inside the submit): `status` is what the blocking form would have
# returned, `err` its full `bw_error` (never NULL; cleared on success),
# `result` the operation's result (see `bw_result`; NULL on failure and
# for operations without a value). `err` and `result` are valid during
# the call only: copy what you need, or keep `result` with
# `bw_result_dup`. The callback must return quickly and must not throw or
# longjmp: while it runs, its thread carries no other call (see
# docs/async.md).
bw_completion_fn = ctypes.CFUNCTYPE(
    None,
    ctypes.c_void_p,  # userdata
    ctypes.c_uint64,  # job_id
    bw_status,  # status
    ctypes.POINTER(bw_error),  # err
    ctypes.POINTER(bw_result),  # result
)


class bw_machine_detection(_Growable):
    """Answering-machine detection for `bw_create_call_request.machine_detection`.
    Initialise it with `BW_MACHINE_DETECTION_INIT`; NULL strings and zero
    numbers are not sent. Every time is in whole seconds: Bandwidth
    processes decimals incorrectly, so a fraction is refused.
    """

    _fields_ = [
        # `sizeof(bw_machine_detection)`, set by `BW_MACHINE_DETECTION_INIT`.
        ("struct_size", ctypes.c_uint32),
        # `BW_MACHINE_DETECTION_UNSET`, `_SYNC` or `_ASYNC`.
        ("mode", ctypes.c_int32),
        # Seconds for the whole detection; then the result is `timeout`.
        ("detection_timeout", ctypes.c_double),
        # Seconds without speech before the result is `silence`.
        ("silence_timeout", ctypes.c_double),
        # Seconds of speech from which the speaker counts as a machine.
        ("speech_threshold", ctypes.c_double),
        # Seconds of silence that end the callee's speech.
        ("speech_end_threshold", ctypes.c_double),
        # Seconds of silence that end a machine's message (default: `speech_end_threshold`).
        ("machine_speech_end_threshold", ctypes.c_double),
        # `BW_BOOL_*`: wait until a machine's message ends before reporting it.
        ("delay_result", ctypes.c_int32),
        # Where the `machineDetectionComplete` callback goes (async mode).
        ("callback_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `callback_url`.
        ("callback_method", ctypes.c_int32),
        # Basic auth user name for `callback_url` (at most 1024 characters).
        ("username", ctypes.c_char_p),
        # Basic auth password for `callback_url` (at most 1024 characters).
        ("password", ctypes.c_char_p),
        # Tried when `callback_url` fails to answer.
        ("fallback_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `fallback_url`.
        ("fallback_method", ctypes.c_int32),
        # Basic auth user name for `fallback_url`.
        ("fallback_username", ctypes.c_char_p),
        # Basic auth password for `fallback_url`.
        ("fallback_password", ctypes.c_char_p),
    ]


class bw_create_call_request(_Growable):
    """Parameters of "Create call". Initialise it with
    `BW_CREATE_CALL_REQUEST_INIT` and set the four required strings; a NULL
    string, a zero number and `BW_*_UNSET` mean "not set, not sent". The
    library copies what it needs before returning.
    """

    _fields_ = [
        # `sizeof(bw_create_call_request)`, set by `BW_CREATE_CALL_REQUEST_INIT`.
        ("struct_size", ctypes.c_uint32),
        # Required: the number to call (E.164, `+15555551212`) or a SIP URI
        # (`sip:user@host`).
        ("to", ctypes.c_char_p),
        # Required: a Bandwidth number of the account (E.164), even with `privacy`.
        ("from", ctypes.c_char_p),
        # Required: the application of the `from` number.
        ("application_id", ctypes.c_char_p),
        # Required: where Bandwidth fetches the first BXML once the call is
        # answered (absolute http(s); https when `username` is set).
        ("answer_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `answer_url`.
        ("answer_method", ctypes.c_int32),
        # Basic auth user name for `answer_url` (at most 1024 characters).
        ("username", ctypes.c_char_p),
        # Basic auth password for `answer_url` (at most 1024 characters).
        ("password", ctypes.c_char_p),
        # Tried when `answer_url` fails to answer.
        ("answer_fallback_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `answer_fallback_url`.
        ("answer_fallback_method", ctypes.c_int32),
        # Basic auth user name for `answer_fallback_url`.
        ("fallback_username", ctypes.c_char_p),
        # Basic auth password for `answer_fallback_url`.
        ("fallback_password", ctypes.c_char_p),
        # Where the `disconnect` event goes when the call ends.
        ("disconnect_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `disconnect_url`.
        ("disconnect_method", ctypes.c_int32),
        # `BW_BOOL_*`: hide the calling number.
        ("privacy", ctypes.c_int32),
        # Caller name shown (at most 256 characters, no control characters);
        # with `privacy`, one of `Restricted`, `Anonymous`, `Private`, `Unavailable`.
        ("display_name", ctypes.c_char_p),
        # User-To-User headers for a SIP `to`: comma-separated values, each
        # ending in `;encoding=jwt`, `base64` or `hex`; at most 350 characters.
        ("uui", ctypes.c_char_p),
        # Seconds the callee has to answer once ringing, 1 to 300 (default 30).
        ("call_timeout", ctypes.c_double),
        # Seconds Bandwidth waits for each webhook answer, 1 to 25 (default 15).
        ("callback_timeout", ctypes.c_double),
        # 1 (first) to 5 (default): the order of the account's queued calls.
        ("priority", ctypes.c_uint32),
        # Sent with every callback of the call, at most 4096 characters.
        ("tag", ctypes.c_char_p),
        # Answering-machine detection; NULL for none.
        ("machine_detection", ctypes.POINTER(bw_machine_detection)),
    ]


class bw_created_call(ctypes.Structure):
    """The call Bandwidth queued, as `bw_create_call` read its answer (every
    field of Bandwidth's `createCallResponse`). Allocated by the library and
    read-only: free it with `bw_created_call_free`. Strings are
    NUL-terminated UTF-8, NULL when not reported; numbers are 0 when not
    reported. Methods are the server's text (`"POST"`, `"GET"`).
    """

    _fields_ = [
        # `sizeof(bw_created_call)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        # The new call's id, for every later operation on it.
        ("call_id", ctypes.c_char_p),
        ("account_id", ctypes.c_char_p),
        ("application_id", ctypes.c_char_p),
        ("to", ctypes.c_char_p),
        ("from", ctypes.c_char_p),
        # The URL of the call (for `bw_modify_call` and the others).
        ("call_url", ctypes.c_char_p),
        # When the call entered the account's queue (RFC 3339).
        ("enqueued_time", ctypes.c_char_p),
        # `enqueued_time` in milliseconds since the Unix epoch, or `BW_TIME_ABSENT`.
        ("enqueued_time_ms", ctypes.c_int64),
        # Seconds the callee has to answer.
        ("call_timeout", ctypes.c_double),
        # Seconds Bandwidth waits for each webhook answer.
        ("callback_timeout", ctypes.c_double),
        # The call's place in the queue, 1 (first) to 5.
        ("priority", ctypes.c_uint32),
        ("tag", ctypes.c_char_p),
        ("answer_url", ctypes.c_char_p),
        ("answer_method", ctypes.c_char_p),
        ("answer_fallback_url", ctypes.c_char_p),
        ("answer_fallback_method", ctypes.c_char_p),
        ("disconnect_url", ctypes.c_char_p),
        ("disconnect_method", ctypes.c_char_p),
        # The webhook credentials as Bandwidth shows them (the passwords
        # masked, as a rule).
        ("username", ctypes.c_char_p),
        ("password", ctypes.c_char_p),
        ("fallback_username", ctypes.c_char_p),
        ("fallback_password", ctypes.c_char_p),
    ]


class bw_list_calls_query(_Growable):
    """Which calls `bw_list_calls` reads. Initialise it with
    `BW_LIST_CALLS_QUERY_INIT`; NULL and 0 mean "no filter". Every filter
    is kept as it is when reading the next page: change only `page_token`.
    """

    _fields_ = [
        # `sizeof(bw_list_calls_query)`, set by `BW_LIST_CALLS_QUERY_INIT`.
        ("struct_size", ctypes.c_uint32),
        # Only calls to this number or SIP URI.
        ("to", ctypes.c_char_p),
        # Only calls from this number.
        ("from", ctypes.c_char_p),
        # Only calls started at or after this time (RFC 3339).
        ("min_start_time", ctypes.c_char_p),
        # Only calls started at or before this time (RFC 3339).
        ("max_start_time", ctypes.c_char_p),
        # Only calls that ended this way (`hangup`, `busy`, …).
        ("disconnect_cause", ctypes.c_char_p),
        # At most this many calls, 1 to 10000; 0: Bandwidth's default (1000).
        ("page_size", ctypes.c_uint32),
        # The page to read: NULL for the first, else the previous page's
        # `next_page_token`.
        ("page_token", ctypes.c_char_p),
    ]


class bw_call_page(ctypes.Structure):
    """One page of the account's calls, oldest first, as `bw_list_calls` read
    it. Allocated by the library and read-only: free it with
    `bw_call_page_free`. Each call is a `bw_call_state`, read as that type's
    documentation says.
    """

    _fields_ = [
        # `sizeof(bw_call_page)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        # `calls_len` pointers to calls (NULL when there are none): an array
        # of pointers, so that a program built with an older header, whose
        # `bw_call_state` is smaller, still finds each call.
        ("calls", ctypes.POINTER(ctypes.POINTER(bw_call_state))),
        ("calls_len", ctypes.c_size_t),
        # Set `bw_list_calls_query.page_token` to this to read the next page;
        # NULL on the last page.
        ("next_page_token", ctypes.c_char_p),
    ]


class bw_conference_member(ctypes.Structure):
    """A conference member as Bandwidth reports it. Allocated by the library
    and read-only (`bw_conference_member_free` for one from
    `bw_get_conference_member`; those in a `bw_conference` go with it).
    Strings are NUL-terminated UTF-8, NULL when not reported.
    """

    _fields_ = [
        # `sizeof(bw_conference_member)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        # The member's call; also its member id.
        ("call_id", ctypes.c_char_p),
        ("conference_id", ctypes.c_char_p),
        # The URL of this member (for reading and updating it).
        ("member_url", ctypes.c_char_p),
        # `BW_BOOL_TRUE` when muted (it still hears the others), `BW_BOOL_FALSE`
        # when not, `BW_BOOL_UNSET` when not reported.
        ("mute", ctypes.c_int32),
        # `BW_BOOL_TRUE` when on hold (it neither hears nor speaks), as `mute`.
        ("hold", ctypes.c_int32),
        # The calls this member coaches: `call_ids_to_coach_len` strings
        # (NULL when none).
        ("call_ids_to_coach", ctypes.POINTER(ctypes.c_char_p)),
        ("call_ids_to_coach_len", ctypes.c_size_t),
    ]


class bw_conference(ctypes.Structure):
    """A conference as "Get conference information" reads it, with its active
    members. Allocated by the library and read-only: free it with
    `bw_conference_free`. Times come as RFC 3339 text and as milliseconds
    since the Unix epoch (`BW_TIME_ABSENT` when absent).
    """

    _fields_ = [
        # `sizeof(bw_conference)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        ("id", ctypes.c_char_p),
        # The name the application gave it in `<Conference>`.
        ("name", ctypes.c_char_p),
        ("created_time", ctypes.c_char_p),
        ("created_time_ms", ctypes.c_int64),
        # When it ended; NULL while it goes on.
        ("completed_time", ctypes.c_char_p),
        ("completed_time_ms", ctypes.c_int64),
        # Where its events go, and with which method (`"GET"`, `"POST"`).
        ("conference_event_url", ctypes.c_char_p),
        ("conference_event_method", ctypes.c_char_p),
        ("tag", ctypes.c_char_p),
        # `active_members_len` pointers to members (NULL when none); pointers,
        # as `bw_call_page.calls`, so the members' struct can grow.
        ("active_members", ctypes.POINTER(ctypes.POINTER(bw_conference_member))),
        ("active_members_len", ctypes.c_size_t),
    ]


class bw_update_conference_request(_Growable):
    """Parameters of "Update conference". Initialise it with
    `BW_UPDATE_CONFERENCE_REQUEST_INIT`: NULL strings and `*_UNSET` are not
    sent. Either set `redirect_url` (new BXML for the conference from a
    `conferenceRedirect` webhook) or `status` completed (then no redirect
    field may be set).
    """

    _fields_ = [
        # `sizeof(bw_update_conference_request)`, set by `BW_UPDATE_CONFERENCE_REQUEST_INIT`.
        ("struct_size", ctypes.c_uint32),
        # `BW_CONFERENCE_STATUS_UNSET`, `_ACTIVE` or `_COMPLETED`.
        ("status", ctypes.c_int32),
        # URL that receives the `conferenceRedirect` event and answers with BXML.
        ("redirect_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `redirect_url`.
        ("redirect_method", ctypes.c_int32),
        # Basic auth user name for `redirect_url` (at most 1024 characters).
        ("username", ctypes.c_char_p),
        # Basic auth password for `redirect_url` (at most 1024 characters).
        ("password", ctypes.c_char_p),
        # Tried when `redirect_url` fails to answer.
        ("redirect_fallback_url", ctypes.c_char_p),
        # `BW_METHOD_*` for `redirect_fallback_url`.
        ("redirect_fallback_method", ctypes.c_int32),
        # Basic auth user name for `redirect_fallback_url`.
        ("fallback_username", ctypes.c_char_p),
        # Basic auth password for `redirect_fallback_url`.
        ("fallback_password", ctypes.c_char_p),
    ]


class bw_update_conference_member_request(_Growable):
    """Parameters of "Update conference member". Initialise it with
    `BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT`; what is left unset is not
    sent and does not change.
    """

    _fields_ = [
        # `sizeof(bw_update_conference_member_request)`, set by
        # `BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT`.
        ("struct_size", ctypes.c_uint32),
        # `BW_BOOL_TRUE` mutes (the member still hears the others),
        # `BW_BOOL_FALSE` unmutes, `BW_BOOL_UNSET` leaves it.
        ("mute", ctypes.c_int32),
        # `BW_BOOL_TRUE` holds (the member neither hears nor speaks),
        # `BW_BOOL_FALSE` resumes, `BW_BOOL_UNSET` leaves it.
        ("hold", ctypes.c_int32),
        # The calls this member coaches (hears, and is heard by, alone):
        # `call_ids_to_coach_len` call ids. NULL leaves the list as it is; a
        # non-NULL pointer with length 0 empties it. It does not add those
        # calls to the conference.
        ("call_ids_to_coach", ctypes.POINTER(ctypes.c_char_p)),
        ("call_ids_to_coach_len", ctypes.c_size_t),
    ]


# What a BXML document is for: `BW_BXML_RESPONSE`, `BW_BXML_UPDATE_CALL`
# or `BW_BXML_UPDATE_CONFERENCE`.
bw_bxml_kind = ctypes.c_int32

# What a callback reports (`bw_callback.event`): a `BW_CALLBACK_*`
# value. Values are appended as Bandwidth adds events; treat one you do
# not know like `BW_CALLBACK_UNKNOWN` and read `event_type`.
bw_callback_event = ctypes.c_int32


class bw_callback_machine_detection(ctypes.Structure):
    """Answering machine detection's result (`bw_callback.machine_detection_result`)."""

    _fields_ = [
        # `sizeof(bw_callback_machine_detection)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        # `"human"`, `"answering-machine"`, `"silence"`, `"timeout"`, `"error"`, or newer.
        ("value", ctypes.c_char_p),
        # How long detection took, ISO 8601 (`"PT4.98S"`); NULL when not sent.
        ("duration", ctypes.c_char_p),
    ]


class bw_callback_transcription(ctypes.Structure):
    """A transcription: a recording's (`id`, `status`, `url`, `completed_time`)
    or a real-time one (also `name`, `start_time`, `duration`,
    `destination`, `stabilized`, `tracks`). Strings NULL and times
    `BW_TIME_ABSENT` when not sent.
    """

    _fields_ = [
        # `sizeof(bw_callback_transcription)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        ("id", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        # `"available"`, `"error"`, `"timeout"`, `"failed"`, … or newer.
        ("status", ctypes.c_char_p),
        ("url", ctypes.c_char_p),
        ("completed_time", ctypes.c_char_p),
        ("completed_time_ms", ctypes.c_int64),
        ("start_time", ctypes.c_char_p),
        ("start_time_ms", ctypes.c_int64),
        # ISO 8601 (`"PT1M52.2S"`).
        ("duration", ctypes.c_char_p),
        ("destination", ctypes.c_char_p),
        # `BW_BOOL_TRUE`, `BW_BOOL_FALSE`, or `BW_BOOL_UNSET` when not sent.
        ("stabilized", ctypes.c_int32),
        # `"inbound"`, `"outbound"`: `tracks_len` strings (NULL when none).
        ("tracks", ctypes.POINTER(ctypes.c_char_p)),
        ("tracks_len", ctypes.c_size_t),
    ]


class bw_callback_media_stream(ctypes.Structure):
    """A media stream (`<StartStream>`)."""

    _fields_ = [
        # `sizeof(bw_callback_media_stream)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        ("id", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        # Where the media goes (`"wss://…"`).
        ("destination", ctypes.c_char_p),
        # `"WebSocket"` (JSON `type`).
        ("stream_type", ctypes.c_char_p),
        ("start_time", ctypes.c_char_p),
        ("start_time_ms", ctypes.c_int64),
        # How long it ran, ISO 8601.
        ("duration", ctypes.c_char_p),
        # `"inbound"`, `"outbound"`: `tracks_len` strings (NULL when none).
        ("tracks", ctypes.POINTER(ctypes.c_char_p)),
        ("tracks_len", ctypes.c_size_t),
    ]


class bw_callback(ctypes.Structure):
    """One Voice callback, from `bw_callback_parse` or
    `bw_callback_parse_query`. Allocated by the library and read-only: free
    it with `bw_callback_free`. Strings are NUL-terminated UTF-8 of any
    length, NULL when the callback did not carry the field (or sent null);
    times come as the RFC 3339 text sent and as milliseconds since the Unix
    epoch (`BW_TIME_ABSENT` when absent); nested objects are pointers, NULL
    when absent. Text Bandwidth documents as a set of values (`direction`,
    `cause`, `status`, …) is as sent: new values may come at any time.

    Later versions may append fields; `struct_size` is the size the library
    allocated, so check `struct_size > offsetof(bw_callback, field)` before
    reading a field an older library may lack.
    """

    _fields_ = [
        # `sizeof(bw_callback)` of the library that allocated it.
        ("struct_size", ctypes.c_uint32),
        # `BW_CALLBACK_*`, from `event_type`.
        ("event", bw_callback_event),
        # `eventType` as sent; never NULL.
        ("event_type", ctypes.c_char_p),
        ("event_time", ctypes.c_char_p),
        ("event_time_ms", ctypes.c_int64),
        ("account_id", ctypes.c_char_p),
        ("application_id", ctypes.c_char_p),
        # The call (for conference member events: the member's call).
        ("call_id", ctypes.c_char_p),
        ("call_url", ctypes.c_char_p),
        # For the B-leg of a `<Transfer>`: the A-leg's call id.
        ("parent_call_id", ctypes.c_char_p),
        ("conference_id", ctypes.c_char_p),
        # The conference's name.
        ("name", ctypes.c_char_p),
        # The caller: E.164, a SIP URI, or `"Private"`, `"Anonymous"`,
        # `"Restricted"`, `"Unavailable"`: text, not a number.
        ("from", ctypes.c_char_p),
        ("to", ctypes.c_char_p),
        # `"inbound"` or `"outbound"`.
        ("direction", ctypes.c_char_p),
        ("tag", ctypes.c_char_p),
        ("enqueued_time", ctypes.c_char_p),
        ("enqueued_time_ms", ctypes.c_int64),
        ("start_time", ctypes.c_char_p),
        ("start_time_ms", ctypes.c_int64),
        ("answer_time", ctypes.c_char_p),
        ("answer_time_ms", ctypes.c_int64),
        ("end_time", ctypes.c_char_p),
        ("end_time_ms", ctypes.c_int64),
        # `gather`: the digits (empty on a timeout).
        ("digits", ctypes.c_char_p),
        # `dtmf`: the digit.
        ("digit", ctypes.c_char_p),
        # `gather`: the digit that ended it (empty when none).
        ("terminating_digit", ctypes.c_char_p),
        # `"hangup"`, `"busy"`, `"timeout"`, …, `"closed"` (streams), or newer.
        ("cause", ctypes.c_char_p),
        ("error_message", ctypes.c_char_p),
        ("error_id", ctypes.c_char_p),
        # `disconnect`: the SIP status of a rejected outbound INVITE; -1 when absent.
        ("sip_response_code", ctypes.c_int32),
        # The recording's channels; -1 when absent.
        ("channels", ctypes.c_int32),
        ("machine_detection_result", ctypes.POINTER(bw_callback_machine_detection)),
        ("recording_id", ctypes.c_char_p),
        ("media_url", ctypes.c_char_p),
        # The recording's length, ISO 8601.
        ("duration", ctypes.c_char_p),
        # `"wav"` or `"mp3"`.
        ("file_format", ctypes.c_char_p),
        # The recording's state: `"complete"`, `"partial"`, `"error"`, or newer.
        ("status", ctypes.c_char_p),
        # `transcriptionAvailable`'s transcription (the documentation's
        # real-time transcription examples use this name too).
        ("transcription", ctypes.POINTER(bw_callback_transcription)),
        ("transfer_caller_id", ctypes.c_char_p),
        ("transfer_to", ctypes.c_char_p),
        # `initiate`: the Diversion header's parameters (`origTo`, `reason`,
        # …), sorted by key; `diversion_len` pairs.
        ("diversion", ctypes.POINTER(bw_key_value)),
        ("diversion_len", ctypes.c_size_t),
        # `initiate`: STIR/SHAKEN (`verstat`, `attestationIndicator`, …), sorted by key.
        ("stir_shaken", ctypes.POINTER(bw_key_value)),
        ("stir_shaken_len", ctypes.c_size_t),
        # `initiate`: the `User-To-User` header.
        ("uui", ctypes.c_char_p),
        ("sip_call_id", ctypes.c_char_p),
        # `initiate`: the INVITE's `X-` headers (lower-case names), sorted.
        ("sip_headers", ctypes.POINTER(bw_key_value)),
        ("sip_headers_len", ctypes.c_size_t),
        ("media_stream", ctypes.POINTER(bw_callback_media_stream)),
        # `mediaStreamRejected`: the stream already running under that name.
        ("original_media_stream", ctypes.POINTER(bw_callback_media_stream)),
        ("real_time_transcription", ctypes.POINTER(bw_callback_transcription)),
        # `realTimeTranscriptionRejected`: the one already running under that name.
        ("original_transcription", ctypes.POINTER(bw_callback_transcription)),
        # `mediaStreamRejected`: why.
        ("reason", ctypes.c_char_p),
    ]


# The verdict of `bw_callback_check_auth`: a `BW_CALLBACK_AUTH_*` value.
bw_callback_auth = ctypes.c_int32

#: Success.
BW_OK = 0

#: An argument failed validation; nothing was sent. `bw_error.field` names it.
BW_ERR_INVALID_ARGUMENT = 1

#: HTTP 401, or the OAuth2 token endpoint refused the client credentials.
BW_ERR_UNAUTHORIZED = 2

#: HTTP 403: the credentials may not act on this account or call.
BW_ERR_FORBIDDEN = 3

#: HTTP 404: the call is unknown or has already ended.
BW_ERR_NOT_FOUND = 4

#: HTTP 409: the call cannot be modified in its current state (e.g. not yet answered).
BW_ERR_CONFLICT = 5

#: HTTP 429: rate limited; `bw_error.retry_after_ms` says when to try again.
BW_ERR_RATE_LIMITED = 6

#: HTTP 400 and any other 4xx (405, 415, ...): the request was rejected.
BW_ERR_BAD_REQUEST = 7

#: HTTP 5xx.
BW_ERR_SERVER = 8

#: The connect timeout or the call's total timeout expired.
BW_ERR_TIMEOUT = 9

#: DNS failure, connection refused or unreachable, or the connection closed before a response.
BW_ERR_CONNECT = 10

#: TLS certificate or handshake failure.
BW_ERR_TLS = 11

#: A malformed or oversized response.
BW_ERR_PROTOCOL = 12

#: A bug inside the library, caught at the API boundary. Please report it.
BW_ERR_INTERNAL = 13

#: An asynchronous submit found the client's queue full (`max_queued`);
#: nothing was queued and the callback will not run.
BW_ERR_BUSY = 14

#: An asynchronous call was cancelled (`bw_cancel`, or `bw_free` with the
#: call still queued) before it completed.
BW_ERR_CANCELLED = 15

#: The answer to a webhook: a `<Response>` of any verbs.
BW_BXML_RESPONSE = 1

#: For `bw_update_call_bxml`: a `<Bxml>` of any verbs.
BW_BXML_UPDATE_CALL = 2

#: For `bw_update_conference_bxml`: a `<Bxml>` of the verbs a conference
#: plays (`<SpeakSentence>`, `<PlayAudio>` and the recording verbs).
BW_BXML_UPDATE_CONFERENCE = 3

#: An `eventType` this library does not know: read `event_type`.
BW_CALLBACK_UNKNOWN = 0
BW_CALLBACK_ANSWER = 1
BW_CALLBACK_BRIDGE_COMPLETE = 2
BW_CALLBACK_BRIDGE_TARGET_COMPLETE = 3
BW_CALLBACK_CONFERENCE_CREATED = 4
BW_CALLBACK_CONFERENCE_REDIRECT = 5
BW_CALLBACK_CONFERENCE_MEMBER_JOIN = 6
BW_CALLBACK_CONFERENCE_MEMBER_EXIT = 7
BW_CALLBACK_CONFERENCE_COMPLETED = 8
BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE = 9
BW_CALLBACK_DISCONNECT = 10
BW_CALLBACK_DTMF = 11
BW_CALLBACK_GATHER = 12
BW_CALLBACK_INITIATE = 13
BW_CALLBACK_MACHINE_DETECTION_COMPLETE = 14

#: `recordingComplete`, or `recordComplete` as the documentation spells it.
BW_CALLBACK_RECORDING_COMPLETE = 15
BW_CALLBACK_RECORDING_AVAILABLE = 16
BW_CALLBACK_REDIRECT = 17
BW_CALLBACK_TRANSCRIPTION_AVAILABLE = 18
BW_CALLBACK_TRANSFER_ANSWER = 19
BW_CALLBACK_TRANSFER_COMPLETE = 20
BW_CALLBACK_TRANSFER_DISCONNECT = 21
BW_CALLBACK_MEDIA_STREAM_STARTED = 22
BW_CALLBACK_MEDIA_STREAM_STOPPED = 23
BW_CALLBACK_MEDIA_STREAM_REJECTED = 24

#: `realTimeTranscription*`, also spelt `realtimeTranscription*`.
BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED = 25
BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE = 26
BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED = 27
BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED = 28

#: The expected credentials: handle the callback.
BW_CALLBACK_AUTH_OK = 1

#: No credentials, or not Basic ones: answer `401 Unauthorized` with the
#: header `WWW-Authenticate:` and the value of `bw_callback_challenge`.
#: Bandwidth then sends the callback again with its credentials.
BW_CALLBACK_AUTH_CHALLENGE = 2

#: Basic credentials that are wrong or malformed: answer `403 Forbidden`.
BW_CALLBACK_AUTH_REFUSED = 3


#: Every exported function: name -> (restype, argtypes).
PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {
    # The name of a status, e.g. `"BW_ERR_NOT_FOUND"`; `"BW_ERR_UNKNOWN"` for
    # a value this version does not know. Static: never free it.
    "bw_status_str": (
        ctypes.c_char_p,
        [
            bw_status,  # status
        ],
    ),
    # The library's version, `"bwvoice/<major>.<minor>.<patch>"`, e.g.
    # `"bwvoice/0.2.0"`; matches `BW_VERSION_STRING`. Static: never free it.
    "bw_version": (
        ctypes.c_char_p,
        [],
    ),
    # The library's version as one number, `MAJOR << 16 | MINOR << 8 | PATCH`
    # (0.2.0 is `0x000200`); equals `BW_VERSION_NUMBER` of the header it was
    # built with. To check a loaded library at run time, use
    # `bw_version_compatible(BW_VERSION_NUMBER)`.
    "bw_version_number": (
        ctypes.c_uint32,
        [],
    ),
    # Whether this library serves a program built against the header of
    # version `header_version` (pass `BW_VERSION_NUMBER`): the same major, and
    # not older than that header. Check it once at startup; the Python and Go
    # bindings do.
    "bw_version_compatible": (
        ctypes.c_bool,
        [
            ctypes.c_uint32,  # header_version
        ],
    ),
    # Creates a client from `cfg`. On success writes the new client to `*out`
    # (left untouched on failure). Free it with `bw_free`.
    #
    # Fails with `BW_ERR_INVALID_ARGUMENT` for a NULL `cfg`/`out`, a
    # `cfg.struct_size` this library does not know (`BW_CLIENT_CONFIG_INIT`
    # sets it), fields of a newer header that this library lacks, missing or
    # mixed credentials, invalid URLs (including plain `http://` to a
    # non-loopback host), an unreadable `ca_file` or an invalid proxy.
    #
    # # Safety
    # `cfg` is NULL or a `bw_client_config` of at least `cfg->struct_size`
    # bytes whose strings are NULL or NUL-terminated; `out` is NULL or
    # writable; `err` is NULL or a `bw_error` of at least `err->struct_size`
    # bytes.
    "bw_client_new": (
        bw_status,
        [
            ctypes.POINTER(bw_client_config),  # cfg
            ctypes.POINTER(ctypes.POINTER(bw_client)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a client made by `bw_client_new`. NULL is a no-op. Call it only
    # after every blocking call on the client has returned, and only once.
    #
    # Asynchronous calls still pending: queued ones complete with
    # `BW_ERR_CANCELLED` (never sent), running ones finish within their
    # budgets, their callbacks run, and then `bw_free` returns. Called from
    # inside a completion callback it cannot wait for that callback: it
    # cancels what is queued and returns at once, and the client's memory is
    # released when the last running call has completed. Either way the
    # pointer is invalid as soon as `bw_free` is called.
    #
    # # Safety
    # `client` is NULL or a pointer returned by `bw_client_new`, not yet freed.
    "bw_free": (
        None,
        [
            ctypes.POINTER(bw_client),  # client
        ],
    ),
    # Cancels asynchronous call `job_id`. Queued: it is never sent and its
    # callback runs with `BW_ERR_CANCELLED`. Already running: best effort — no
    # further attempt starts and no retry wait continues, but a request already
    # sent runs to its answer and may take effect (the callback then reports
    # that answer, or `BW_ERR_CANCELLED` with `maybe_applied` set). Either way
    # the callback still runs exactly once. `BW_ERR_NOT_FOUND`: no such call is
    # pending (it has completed, or never existed).
    #
    # # Safety
    # `client` is NULL or a live client; `err` as for `bw_hangup`.
    "bw_cancel": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_uint64,  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Copies the client's counters into `*out` (initialise it with
    # `BW_STATS_INIT`). Cheap (atomic reads), from any thread, at any time;
    # the counters only grow, so two snapshots subtract into a rate.
    #
    # # Safety
    # `client` is NULL or a live client; `out` is NULL or a `bw_stats` of at
    # least `out->struct_size` bytes; `err` as for `bw_hangup`.
    "bw_client_stats": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.POINTER(bw_stats),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Updates a live call ("Update active call"): redirects it to new BXML,
    # changes its tag, or ends it. Validates everything first; on
    # `BW_ERR_INVALID_ARGUMENT` nothing was sent. Blocks until the answer, an
    # error, or the time budget runs out. Not repeated after a failure the
    # server may have acted on (unless `retry_non_idempotent`), except a
    # hang-up (`state` completed), which is harmless to repeat.
    #
    # # Safety
    # `client` is NULL or a live client; `account_id`/`call_id` are NULL or
    # NUL-terminated; `req` is NULL or a request of at least `req->struct_size`
    # bytes whose strings are NULL or NUL-terminated; `opts` is NULL or a
    # `bw_call_options` of at least `opts->struct_size` bytes; `err` is NULL or
    # a `bw_error` of at least `err->struct_size` bytes.
    "bw_modify_call": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.POINTER(bw_modify_call_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Hangs up a call (cancels it if not yet answered). Sends exactly
    # `{"state":"completed"}`. Safe to repeat: retried more eagerly than a redirect.
    #
    # # Safety
    # As for `bw_modify_call`.
    "bw_hangup": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Reads a call's state ("Get call state"): whether it is answered yet, and
    # why it ended. On success writes a new `bw_call_state` to `*out` (left
    # untouched on failure); free it with `bw_call_state_free`. Safe to
    # repeat: retried on timeouts and 5xx. A reply that is not a `callState`
    # (wrong JSON, a time that is not RFC 3339, a NUL in a string) is
    # `BW_ERR_PROTOCOL`; a 404 means the call is unknown or ended more than 7
    # days ago.
    #
    # # Safety
    # As for `bw_hangup`; `out` is NULL or writable.
    "bw_get_call_state": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(ctypes.POINTER(bw_call_state)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Replaces a live call's BXML with `bxml` ("Update call BXML"), without a
    # webhook round trip. The document must be well-formed XML whose root
    # element is `<Bxml>`, at most `BW_MAX_BXML_BYTES`; otherwise
    # `BW_ERR_INVALID_ARGUMENT` (field `bxml`, the message names the line and
    # column) and nothing is sent. Escape caller text with `bw_xml_escape`
    # first: well-formed BXML can still carry verbs injected through it. Like
    # a redirect, not repeated after a failure the server may have acted on
    # (a second one restarts the script). 409: the call is not answered yet.
    #
    # # Safety
    # As for `bw_hangup`; `bxml` is NULL or NUL-terminated.
    "bw_update_call_bxml": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.c_char_p,  # bxml
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Pauses (`BW_RECORDING_STATE_PAUSED`) or resumes
    # (`BW_RECORDING_STATE_RECORDING`) the call's recording ("Update
    # recording"), e.g. while a caller reads a card number. Safe to repeat.
    # `BW_ERR_BAD_REQUEST` when the call has no recording in progress.
    #
    # # Safety
    # As for `bw_hangup`.
    "bw_update_call_recording": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.c_int32,  # state
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_modify_call`: validates everything at once
    # and queues the call on the client's worker threads. `BW_OK`: `*job_id`
    # (if not NULL) is set before anything else happens, and `on_done` will be
    # called exactly once, on a library thread, never inside this function.
    # Any other status: nothing was queued and `on_done` will never be called
    # (`BW_ERR_BUSY`: `max_queued` calls are already waiting). The time budget
    # starts now, so time spent queued counts against it. Every `_async`
    # function works this way; the result reaches `on_done` as a `bw_result`.
    #
    # # Safety
    # As for `bw_modify_call`; `on_done` may be called with `userdata` on any
    # thread; `job_id` is NULL or writable.
    "bw_modify_call_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.POINTER(bw_modify_call_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_hangup`; see `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_modify_call_async`.
    "bw_hangup_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_get_call_state`: the result is a
    # `BW_RESULT_CALL_STATE` (`bw_result_call_state`). See
    # `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_modify_call_async`.
    "bw_get_call_state_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_update_call_bxml` (the document is checked
    # before this returns); see `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_modify_call_async`; `bxml` is NULL or NUL-terminated.
    "bw_update_call_bxml_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.c_char_p,  # bxml
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_update_call_recording`; see
    # `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_modify_call_async`.
    "bw_update_call_recording_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # call_id
            ctypes.c_int32,  # state
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a `bw_call_state` from `bw_get_call_state`, with all its strings.
    # NULL is a no-op.
    #
    # # Safety
    # `state` is NULL or a pointer written by `bw_get_call_state`, not yet freed.
    "bw_call_state_free": (
        None,
        [
            ctypes.POINTER(bw_call_state),  # state
        ],
    ),
    # A copy of `state` that the caller owns (free it with
    # `bw_call_state_free`), e.g. to keep the state an asynchronous
    # completion received beyond its callback. NULL for NULL.
    #
    # # Safety
    # `state` is NULL or a `bw_call_state` from this library, not yet freed.
    "bw_call_state_dup": (
        ctypes.POINTER(bw_call_state),
        [
            ctypes.POINTER(bw_call_state),  # state
        ],
    ),
    # Places an outbound call ("Create call") and writes what Bandwidth
    # answered to `*out` (free it with `bw_created_call_free`; untouched on
    # failure). Bandwidth queues the call, rings `to`, and once it is
    # answered fetches `answer_url` for its first BXML. Everything is
    # validated first; on `BW_ERR_INVALID_ARGUMENT` nothing was sent.
    #
    # **Never sent twice once it may have reached Bandwidth**: a second
    # request would ring a second phone. It is retried only when it certainly
    # was not (no connection, 429), whatever `retry_non_idempotent` says. A
    # failure with `err->maybe_applied` set may have placed the call: look for
    # it with `bw_list_calls` (`to`, `from`, `min_start_time` just before the
    # attempt); a call state carries no tag, but the `tag` you set comes back
    # in the call's webhooks.
    #
    # # Safety
    # `client` is NULL or a live client; `account_id` is NULL or
    # NUL-terminated; `req` is NULL or a request of at least
    # `req->struct_size` bytes whose strings are NULL or NUL-terminated and
    # whose `machine_detection` is NULL or valid likewise; `opts` is NULL or a
    # `bw_call_options` of at least `opts->struct_size` bytes; `out` is NULL
    # or writable; `err` is NULL or a `bw_error` of at least `err->struct_size`
    # bytes.
    "bw_create_call": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.POINTER(bw_create_call_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(ctypes.POINTER(bw_created_call)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Reads one page of the account's calls ("Get calls"), oldest first, into
    # `*out` (free it with `bw_call_page_free`; untouched on failure). `query`
    # NULL reads the first page unfiltered. To read the next page, call again
    # with the same query and `page_token` set to the page's
    # `next_page_token`, until it is NULL. Bandwidth keeps calls for 7 days
    # after they end. Safe to repeat. A page is read up to 32 MiB
    # (`BW_ERR_PROTOCOL` beyond: ask for a smaller `page_size`).
    #
    # # Safety
    # As for `bw_create_call`; `query` is NULL or a query of at least
    # `query->struct_size` bytes whose strings are NULL or NUL-terminated.
    "bw_list_calls": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.POINTER(bw_list_calls_query),  # query
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(ctypes.POINTER(bw_call_page)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_create_call`: the result is a
    # `BW_RESULT_CREATED_CALL` (`bw_result_created_call`). See
    # `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_create_call` without `out`; `on_done` may be called with
    # `userdata` on any thread; `job_id` is NULL or writable.
    "bw_create_call_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.POINTER(bw_create_call_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_list_calls`: the result is a
    # `BW_RESULT_CALL_PAGE` (`bw_result_call_page`). See `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_create_call_async`; `query` as for `bw_list_calls`.
    "bw_list_calls_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.POINTER(bw_list_calls_query),  # query
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a `bw_created_call` from `bw_create_call`. NULL is a no-op.
    #
    # # Safety
    # `call` is NULL or a pointer written by `bw_create_call`, not yet freed.
    "bw_created_call_free": (
        None,
        [
            ctypes.POINTER(bw_created_call),  # call
        ],
    ),
    # Frees a `bw_call_page` from `bw_list_calls`, with every call in it.
    # NULL is a no-op.
    #
    # # Safety
    # `page` is NULL or a pointer written by `bw_list_calls`, not yet freed.
    "bw_call_page_free": (
        None,
        [
            ctypes.POINTER(bw_call_page),  # page
        ],
    ),
    # Reads a conference and its active members ("Get conference
    # information") into `*out` (free it with `bw_conference_free`; untouched
    # on failure). Safe to repeat. 404: unknown, or ended long ago.
    #
    # # Safety
    # `client` is NULL or a live client; `account_id` and `conference_id` are
    # NULL or NUL-terminated; `opts` is NULL or a `bw_call_options` of at
    # least `opts->struct_size` bytes; `out` is NULL or writable; `err` is
    # NULL or a `bw_error` of at least `err->struct_size` bytes.
    "bw_get_conference": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(ctypes.POINTER(bw_conference)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Redirects a conference to new BXML (`redirect_url` answers a
    # `conferenceRedirect` webhook) or ends it (`status` completed: every
    # member leaves and goes on with its own BXML) ("Update conference").
    # Validated first; on `BW_ERR_INVALID_ARGUMENT` nothing was sent. A
    # redirect is not repeated after a failure the server may have acted on
    # (unless `retry_non_idempotent`); ending is.
    #
    # # Safety
    # As for `bw_get_conference` without `out`; `req` is NULL or a request of
    # at least `req->struct_size` bytes whose strings are NULL or NUL-terminated.
    "bw_update_conference": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.POINTER(bw_update_conference_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Replaces a conference's BXML with `bxml` ("Update conference BXML"),
    # checked as for `bw_update_call_bxml` (well-formed, `<Bxml>` root, at
    # most `BW_MAX_BXML_BYTES`). Not repeated after a failure the server may
    # have acted on.
    #
    # # Safety
    # As for `bw_get_conference` without `out`; `bxml` is NULL or NUL-terminated.
    "bw_update_conference_bxml": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.c_char_p,  # bxml
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Reads one member of a conference ("Get conference member") into `*out`
    # (free it with `bw_conference_member_free`; untouched on failure). Safe
    # to repeat.
    #
    # # Safety
    # As for `bw_get_conference`; `member_id` is NULL or NUL-terminated.
    "bw_get_conference_member": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.c_char_p,  # member_id
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(ctypes.POINTER(bw_conference_member)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Mutes or unmutes, holds or resumes a member, or sets the calls it
    # coaches ("Update conference member"). Safe to repeat: it sets states.
    # A request that changes nothing (everything unset) is
    # `BW_ERR_INVALID_ARGUMENT` with field `req`; more than 20 coached calls
    # (a conference's most) with field `call_ids_to_coach_len`.
    #
    # # Safety
    # As for `bw_get_conference_member` without `out`; `req` is NULL or a
    # request of at least `req->struct_size` bytes whose `call_ids_to_coach`
    # is NULL or `call_ids_to_coach_len` NUL-terminated strings.
    "bw_update_conference_member": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.c_char_p,  # member_id
            ctypes.POINTER(bw_update_conference_member_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_get_conference`: the result is a
    # `BW_RESULT_CONFERENCE` (`bw_result_conference`). See `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_get_conference` without `out`; `on_done` may be called with
    # `userdata` on any thread; `job_id` is NULL or writable.
    "bw_get_conference_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_update_conference`; see `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_update_conference`; `on_done` may be called with `userdata`
    # on any thread; `job_id` is NULL or writable.
    "bw_update_conference_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.POINTER(bw_update_conference_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_update_conference_bxml` (the document is
    # checked before this returns); see `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_update_conference_bxml`; `on_done` may be called with
    # `userdata` on any thread; `job_id` is NULL or writable.
    "bw_update_conference_bxml_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.c_char_p,  # bxml
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_get_conference_member`: the result is a
    # `BW_RESULT_CONFERENCE_MEMBER` (`bw_result_conference_member`). See
    # `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_get_conference_member` without `out`; `on_done` may be called
    # with `userdata` on any thread; `job_id` is NULL or writable.
    "bw_get_conference_member_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.c_char_p,  # member_id
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The asynchronous form of `bw_update_conference_member`; see
    # `bw_modify_call_async`.
    #
    # # Safety
    # As for `bw_update_conference_member`; `on_done` may be called with
    # `userdata` on any thread; `job_id` is NULL or writable.
    "bw_update_conference_member_async": (
        bw_status,
        [
            ctypes.POINTER(bw_client),  # client
            ctypes.c_char_p,  # account_id
            ctypes.c_char_p,  # conference_id
            ctypes.c_char_p,  # member_id
            ctypes.POINTER(bw_update_conference_member_request),  # req
            ctypes.POINTER(bw_call_options),  # opts
            bw_completion_fn,  # on_done
            ctypes.c_void_p,  # userdata
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a `bw_conference` from `bw_get_conference`, with its members.
    # NULL is a no-op.
    #
    # # Safety
    # `conference` is NULL or a pointer written by `bw_get_conference`, not yet freed.
    "bw_conference_free": (
        None,
        [
            ctypes.POINTER(bw_conference),  # conference
        ],
    ),
    # Frees a `bw_conference_member` from `bw_get_conference_member`. NULL is
    # a no-op. Never free a member of a `bw_conference`.
    #
    # # Safety
    # `member` is NULL or a pointer written by `bw_get_conference_member`, not yet freed.
    "bw_conference_member_free": (
        None,
        [
            ctypes.POINTER(bw_conference_member),  # member
        ],
    ),
    # The kind of `result`: `BW_RESULT_NONE` for NULL, else `BW_RESULT_*`.
    # Values are stable; a newer library may return a kind this header does
    # not name (for an operation this program does not call).
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_kind": (
        ctypes.c_int32,
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # The call state in `result`, valid as long as `result` is (copy it with
    # `bw_call_state_dup` to keep it beyond). NULL unless the kind is
    # `BW_RESULT_CALL_STATE`.
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_call_state": (
        ctypes.POINTER(bw_call_state),
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # The created call in `result`, valid as long as `result` is. NULL unless
    # the kind is `BW_RESULT_CREATED_CALL`.
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_created_call": (
        ctypes.POINTER(bw_created_call),
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # The page of calls in `result`, valid as long as `result` is. NULL unless
    # the kind is `BW_RESULT_CALL_PAGE`.
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_call_page": (
        ctypes.POINTER(bw_call_page),
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # The conference in `result`, valid as long as `result` is. NULL unless
    # the kind is `BW_RESULT_CONFERENCE`.
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_conference": (
        ctypes.POINTER(bw_conference),
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # The conference member in `result`, valid as long as `result` is. NULL
    # unless the kind is `BW_RESULT_CONFERENCE_MEMBER`.
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_conference_member": (
        ctypes.POINTER(bw_conference_member),
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # A result the caller owns, equal to `result` (cheap: the value is shared,
    # not copied); free it with `bw_result_free`. NULL for NULL. Use it to
    # keep a completion's result beyond the callback.
    #
    # # Safety
    # `result` is NULL or a live `bw_result`.
    "bw_result_dup": (
        ctypes.POINTER(bw_result),
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # Frees a result from `bw_result_dup` or `bw_queue_next`. NULL is a no-op.
    # Never free the one a completion callback receives.
    #
    # # Safety
    # `result` is NULL or a result the caller owns, not yet freed.
    "bw_result_free": (
        None,
        [
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # Creates a completion queue: an alternative to handling completions on
    # library threads, for event loops (epoll, libuv, asyncio). Submit with
    # `on_done = bw_queue_completion` and `userdata` = the queue; the
    # completion is then queued instead, `bw_queue_fd` becomes readable, and
    # the loop takes it with `bw_queue_next` on its own thread. One queue may
    # serve any number of clients: job ids are unique in the process. Free it
    # with `bw_queue_free` once every call submitted with it has completed
    # (e.g. after `bw_free` of those clients).
    #
    # # Safety
    # `out` is NULL or writable; `err` as for `bw_hangup`.
    "bw_queue_new": (
        bw_status,
        [
            ctypes.POINTER(ctypes.POINTER(bw_queue)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The file descriptor to wait on: readable while completions wait in
    # `queue`, not readable once `bw_queue_next` has taken the last one. Do not
    # read or close it. -1 for NULL.
    #
    # # Safety
    # `queue` is NULL or a live queue.
    "bw_queue_fd": (
        ctypes.c_int32,
        [
            ctypes.POINTER(bw_queue),  # queue
        ],
    ),
    # A `bw_completion_fn` that queues the completion on the `bw_queue` given
    # as `userdata` (copying `err`, and keeping `result` as `bw_result_dup` does).
    # Pass it as `on_done`; it is not meant to be called directly.
    #
    # # Safety
    # `userdata` is a live `bw_queue`; `err` a `bw_error` and `result` NULL or
    # a `bw_result`, both from this library.
    "bw_queue_completion": (
        None,
        [
            ctypes.c_void_p,  # userdata
            ctypes.c_uint64,  # job_id
            bw_status,  # status
            ctypes.POINTER(bw_error),  # err
            ctypes.POINTER(bw_result),  # result
        ],
    ),
    # Takes the oldest queued completion: its job id, status, error record
    # (cleared on success; NULL `err` to skip it) and its result, which the
    # caller now owns (free it with `bw_result_free`; NULL when there is none;
    # NULL `result` frees it at once).
    # False, writing nothing, when the queue is empty. Safe from any thread;
    # each completion is taken once.
    #
    # # Safety
    # `queue` is NULL or a live queue; `job_id`, `status`, `result` are NULL or
    # writable; `err` is NULL or a `bw_error` of at least `err->struct_size` bytes.
    "bw_queue_next": (
        ctypes.c_bool,
        [
            ctypes.POINTER(bw_queue),  # queue
            ctypes.POINTER(ctypes.c_uint64),  # job_id
            ctypes.POINTER(bw_status),  # status
            ctypes.POINTER(ctypes.POINTER(bw_result)),  # result
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a queue and any completion still in it. NULL is a no-op. Only once
    # no call submitted with it is pending.
    #
    # # Safety
    # `queue` is NULL or a queue from `bw_queue_new`, not yet freed.
    "bw_queue_free": (
        None,
        [
            ctypes.POINTER(bw_queue),  # queue
        ],
    ),
    # Starts a document of `kind` (its root, `<Response>` or `<Bxml>`, is
    # implicit) and writes it to `*out`; free it with `bw_bxml_free`. `flags`
    # is 0 or `BW_BXML_ALLOW_UNKNOWN_VERBS`.
    #
    # # Safety
    # `out` is NULL or writable; `err` as for `bw_hangup`.
    "bw_bxml_new": (
        bw_status,
        [
            bw_bxml_kind,  # kind
            ctypes.c_uint32,  # flags
            ctypes.POINTER(ctypes.POINTER(bw_bxml)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Opens `element` (a verb, or a child element such as `<PhoneNumber>`)
    # inside the element open now, or at the root.
    #
    # # Safety
    # `bxml` is NULL or a live builder; `element` is NULL or NUL-terminated;
    # `err` as for `bw_hangup`.
    "bw_bxml_open": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.c_char_p,  # element
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Sets attribute `name` of the element open now to `value`, before its
    # text or children. Attributes are written in Bandwidth's order whatever
    # order they are set in.
    #
    # # Safety
    # As for `bw_bxml_open`; `name` and `value` are NULL or NUL-terminated.
    "bw_bxml_attr": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.c_char_p,  # name
            ctypes.c_char_p,  # value
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Adds `text` to the element open now, escaped: it can never become
    # markup.
    #
    # # Safety
    # As for `bw_bxml_open`; `text` is NULL or NUL-terminated.
    "bw_bxml_text": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.c_char_p,  # text
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Adds SSML to the `<SpeakSentence>` open now: text and the SSML tags
    # Bandwidth's text-to-speech takes (`<break>`, `<emphasis>`, `<lang>`,
    # `<p>`, `<phoneme>`, `<prosody>`, `<s>`, `<say-as>`, `<sub>`) with their
    # attributes. Anything else is refused (field `fragment`); what is taken
    # is written anew from what was parsed.
    #
    # # Safety
    # As for `bw_bxml_open`; `fragment` is NULL or NUL-terminated.
    "bw_bxml_ssml": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.c_char_p,  # fragment
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Closes the element open now, once it is complete (its required text,
    # its children, its own rules such as Gather's `repeatCount`).
    #
    # # Safety
    # As for `bw_bxml_open`.
    "bw_bxml_close": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Adds the verbs of `json`, a JSON list of nodes, inside the element open
    # now (or at the root): a string is text, `{"ssml": "…"}` is SSML, and
    # `["Element", {"attr": value, …}, node, …]` is an element with its
    # attributes (strings, numbers, booleans; `null` leaves one out) and its
    # content. The same checks as the calls above; on any error nothing is
    # added.
    #
    # # Safety
    # As for `bw_bxml_open`; `json` is NULL or NUL-terminated.
    "bw_bxml_append_json": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.c_char_p,  # json
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Renders the document once every element is closed, as `bw_xml_escape`
    # writes its result: the NUL-terminated text to `out` when `out_size`
    # bytes suffice, `*needed` set to the size required. Pass `out` NULL and
    # `out_size` 0 to ask for the size. The same document renders to the same
    # bytes from every language.
    #
    # # Safety
    # `bxml` is NULL or a live builder; `out` is NULL or has `out_size`
    # writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
    "bw_bxml_render": (
        bw_status,
        [
            ctypes.POINTER(bw_bxml),  # bxml
            ctypes.POINTER(ctypes.c_char),  # out
            ctypes.c_size_t,  # out_size
            ctypes.POINTER(ctypes.c_size_t),  # needed
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Builds the document of `kind` whose verbs `json` describes (the form
    # `bw_bxml_append_json` takes) and renders it as `bw_bxml_render` does:
    # `bw_bxml_new`, `bw_bxml_append_json` and `bw_bxml_render` in one call,
    # for bindings that build a tree in their own language. A buffer of
    # `BW_MAX_BXML_BYTES + 1` bytes always suffices.
    #
    # # Safety
    # `json` is NULL or NUL-terminated; `out`, `needed` and `err` as for
    # `bw_bxml_render`.
    "bw_bxml_render_json": (
        bw_status,
        [
            bw_bxml_kind,  # kind
            ctypes.c_uint32,  # flags
            ctypes.c_char_p,  # json
            ctypes.POINTER(ctypes.c_char),  # out
            ctypes.c_size_t,  # out_size
            ctypes.POINTER(ctypes.c_size_t),  # needed
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a builder; NULL is ignored.
    #
    # # Safety
    # `bxml` is NULL or a builder from `bw_bxml_new`, not yet freed.
    "bw_bxml_free": (
        None,
        [
            ctypes.POINTER(bw_bxml),  # bxml
        ],
    ),
    # Checks `document` as BXML of `kind` by the rules `bw_bxml` builds with:
    # at most 64 KB, well-formed, the root `kind` needs, every element where
    # it may be, every attribute known with its value in range, required
    # text, and rules across attributes. `BW_OK`, or
    # `BW_ERR_INVALID_ARGUMENT` (field `bxml`) whose message names the first
    # problem's element or attribute and its line and column. For testing the
    # BXML a webhook handler returns; `bw_update_call_bxml` and
    # `bw_update_conference_bxml` run the same check before sending.
    #
    # # Safety
    # `document` is NULL or NUL-terminated; `err` as for `bw_hangup`.
    "bw_bxml_check": (
        bw_status,
        [
            ctypes.c_char_p,  # document
            bw_bxml_kind,  # kind
            ctypes.c_uint32,  # flags
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Escapes `text` for BXML: as element text or inside a quoted attribute
    # value (`& < > " '`, tab, newline and carriage return become references),
    # so caller-supplied text cannot close a verb or open another. Writes the
    # NUL-terminated result to `out` when `out_size` bytes suffice and sets
    # `*needed` to the size required, NUL included. Pass `out` NULL (and
    # `out_size` 0) to ask for the size; a buffer too small is
    # `BW_ERR_INVALID_ARGUMENT` (field `out_size`) with nothing written but
    # `*needed`. Text XML cannot carry at all (control characters other than
    # tab/newline/CR, U+FFFE, U+FFFF) or that is not UTF-8 is
    # `BW_ERR_INVALID_ARGUMENT` (field `text`).
    #
    # # Safety
    # `text` is NULL or NUL-terminated; `out` is NULL or has `out_size`
    # writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
    "bw_xml_escape": (
        bw_status,
        [
            ctypes.c_char_p,  # text
            ctypes.POINTER(ctypes.c_char),  # out
            ctypes.c_size_t,  # out_size
            ctypes.POINTER(ctypes.c_size_t),  # needed
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Reads the JSON body of a callback POST: `body_len` bytes at `body`
    # (no NUL needed), at most 65,536. On success writes a new `bw_callback`
    # to `*out`; on failure `*out` is NULL and the status is
    # `BW_ERR_INVALID_ARGUMENT` with `err->field` naming what is wrong:
    # `body` (not JSON, not an object, too large), `event_type` (missing),
    # or the member whose value is of the wrong type, a repeated key, a time
    # that is not RFC 3339, or holds a NUL character. Unknown fields are
    # ignored; an unknown `eventType` is `BW_CALLBACK_UNKNOWN` with every
    # field this library knows.
    #
    # # Safety
    # `body` is NULL or has `body_len` readable bytes; `out` is NULL or
    # writable; `err` as for `bw_hangup`.
    "bw_callback_parse": (
        bw_status,
        [
            ctypes.c_char_p,  # body
            ctypes.c_size_t,  # body_len
            ctypes.POINTER(ctypes.POINTER(bw_callback)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Reads the query string of a callback GET (with or without its `?`):
    # the same fields, percent-decoded; numbers and booleans from text, an
    # empty value of a field that is not text taken as absent, nested
    # objects from dotted names (`diversion.origTo=…`), `tracks` from
    # comma-separated text. Results and errors as `bw_callback_parse`, field
    # `query` for the whole.
    #
    # # Safety
    # `query` is NULL or NUL-terminated; `out` and `err` as for
    # `bw_callback_parse`.
    "bw_callback_parse_query": (
        bw_status,
        [
            ctypes.c_char_p,  # query
            ctypes.POINTER(ctypes.POINTER(bw_callback)),  # out
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # Frees a `bw_callback` with everything it points to. NULL is a no-op.
    #
    # # Safety
    # `callback` is NULL or from `bw_callback_parse` / `_query`, not yet freed.
    "bw_callback_free": (
        None,
        [
            ctypes.POINTER(bw_callback),  # callback
        ],
    ),
    # Checks a callback request's `Authorization` header (`authorization`
    # NULL when the request has none) against the credentials you set for
    # callbacks, and writes the verdict to `*verdict`: `BW_CALLBACK_AUTH_OK`,
    # `_CHALLENGE` (no or non-Basic credentials: answer 401 with the
    # challenge) or `_REFUSED` (wrong or malformed Basic credentials: answer
    # 403). The scheme's case and surrounding whitespace do not matter; both
    # username and password are compared in constant time. A NULL or empty
    # `username` or `password` is `BW_ERR_INVALID_ARGUMENT` (nothing to check
    # against); on any error `*verdict` is `BW_CALLBACK_AUTH_REFUSED`. No
    # message ever holds a credential.
    #
    # # Safety
    # `authorization`, `username` and `password` are NULL or NUL-terminated;
    # `verdict` is NULL or writable; `err` as for `bw_hangup`.
    "bw_callback_check_auth": (
        bw_status,
        [
            ctypes.c_char_p,  # authorization
            ctypes.c_char_p,  # username
            ctypes.c_char_p,  # password
            ctypes.POINTER(bw_callback_auth),  # verdict
            ctypes.POINTER(bw_error),  # err
        ],
    ),
    # The `WWW-Authenticate` value to send with the `401` that asks
    # Bandwidth for its credentials: `Basic realm="…"`, the realm's `"` and
    # `\` escaped (`""` is a fine realm). Written as `bw_xml_escape` writes:
    # the NUL-terminated text to `out` when `out_size` bytes suffice,
    # `*needed` set to the size required; `out` NULL and `out_size` 0 ask for
    # the size. A realm with control characters or anything but ASCII is
    # `BW_ERR_INVALID_ARGUMENT` (field `realm`).
    #
    # # Safety
    # `realm` is NULL or NUL-terminated; `out` is NULL or has `out_size`
    # writable bytes; `needed` is NULL or writable; `err` as for `bw_hangup`.
    "bw_callback_challenge": (
        bw_status,
        [
            ctypes.c_char_p,  # realm
            ctypes.POINTER(ctypes.c_char),  # out
            ctypes.c_size_t,  # out_size
            ctypes.POINTER(ctypes.c_size_t),  # needed
            ctypes.POINTER(bw_error),  # err
        ],
    ),
}
