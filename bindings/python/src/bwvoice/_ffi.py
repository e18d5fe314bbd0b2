"""ctypes mirror of ``include/bwvoice.h`` and loading of ``libbwvoice``.

Everything here follows the header one to one: the ``BW_*`` constants, the
structs (same names, field names, order and C types) and the prototypes of
every exported function. ``tests/test_header_drift.py`` checks it against
the header and a C compiler's layout. Constructing one of the growable
structs the caller fills (those with a ``BW_*_INIT`` macro) sets its
``struct_size`` to its ``sizeof``, as the macro does. ``bw_call_state`` is
allocated by the library and only ever read here (through a pointer, then
freed with ``bw_call_state_free``); so is ``bw_event`` (valid during the
``on_event`` callback only). ``bw_xml_escape`` and ``bw_call_state_dup`` are
declared to mirror the header but not used by the binding: Python escapes
BXML text with the standard library (:func:`xml.sax.saxutils.escape`), and
copies a call state into a :class:`~bwvoice.CallState` at once.
``bw_completion_fn`` is the ``CFUNCTYPE`` of the asynchronous calls'
callback; the ``*_async`` functions take an instance of it, which the caller
keeps alive (``bwvoice.async_client`` keeps one for the whole process).
``bw_event_fn`` is the ``CFUNCTYPE`` of ``bw_client_config.on_event``; each
client makes one and keeps it until after ``bw_free`` (``bwvoice.events``).

The library is looked up, in order:

1. ``$BWVOICE_LIBRARY`` -- an explicit path; when set, nothing else is tried.
2. the copy bundled in this package (``bwvoice/libbwvoice.so``);
3. the system's ``libbwvoice.so.0`` (dynamic loader search path, then
   :func:`ctypes.util.find_library`).

Its ``bw_version_compatible(BW_VERSION_NUMBER)`` must hold: the library is
at least this package's version, with the same major (the soname
``libbwvoice.so.0`` covers every 0.x from 0.2.0 on; a newer library accepts
the structs of an older header). A library older than 0.2.0 (it has no
``bw_version_number``) is refused. Importing this module raises
:class:`ImportError` if no usable library is found.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Sequence
from typing import Any, Callable

from ._version import __version__

# --- constants (bwvoice.h) ---------------------------------------------------

# The header's version is the package version; the drift test compares them.
BW_VERSION_MAJOR, BW_VERSION_MINOR, BW_VERSION_PATCH = (int(p) for p in __version__.split("."))
BW_VERSION_STRING = __version__
BW_VERSION_NUMBER = (BW_VERSION_MAJOR << 16) | (BW_VERSION_MINOR << 8) | BW_VERSION_PATCH

BW_CALL_STATE_UNSET = 0
BW_CALL_STATE_ACTIVE = 1
BW_CALL_STATE_COMPLETED = 2

BW_RECORDING_STATE_PAUSED = 1
BW_RECORDING_STATE_RECORDING = 2

BW_MAX_BXML_BYTES = 65536

#: ``INT64_MIN``: a ``*_ms`` time of ``bw_call_state`` the server did not report.
BW_TIME_ABSENT = -(2**63)

BW_METHOD_UNSET = 0
BW_METHOD_GET = 1
BW_METHOD_POST = 2

BW_TLS_ROOTS_BUNDLED = 0
BW_TLS_ROOTS_SYSTEM = 1

BW_DEFAULT_CONNECT_TIMEOUT_MS = 5000
BW_DEFAULT_TIMEOUT_MS = 30000
BW_DEFAULT_MAX_ATTEMPTS = 3
BW_DEFAULT_MAX_CONCURRENCY = 64
BW_DEFAULT_MAX_QUEUED = 10000
BW_DEFAULT_RETRY_BUDGET = 500
#: ``UINT32_MAX``: ``bw_client_config.retry_budget`` for "no retry budget".
BW_RETRY_BUDGET_OFF = 0xFFFF_FFFF

BW_EVENT_ATTEMPT_END = 1
BW_EVENT_RETRY_SCHEDULED = 2
BW_EVENT_RETRY_DENIED = 3
BW_EVENT_TOKEN_FETCH = 4
BW_EVENT_CALL_END = 5

BW_STATS_OUTCOMES = 32

BW_ERROR_FIELD_LEN = 64
BW_ERROR_TYPE_LEN = 128
BW_ERROR_ID_LEN = 128
BW_ERROR_TEXT_LEN = 1024

BW_OK = 0
BW_ERR_INVALID_ARGUMENT = 1
BW_ERR_UNAUTHORIZED = 2
BW_ERR_FORBIDDEN = 3
BW_ERR_NOT_FOUND = 4
BW_ERR_CONFLICT = 5
BW_ERR_RATE_LIMITED = 6
BW_ERR_BAD_REQUEST = 7
BW_ERR_SERVER = 8
BW_ERR_TIMEOUT = 9
BW_ERR_CONNECT = 10
BW_ERR_TLS = 11
BW_ERR_PROTOCOL = 12
BW_ERR_INTERNAL = 13
BW_ERR_BUSY = 14
BW_ERR_CANCELLED = 15

# --- types -------------------------------------------------------------------

bw_status = ctypes.c_int32


class bw_queue(ctypes.Structure):
    """Opaque ``bw_queue``: completions collected for an event loop."""


class bw_client(ctypes.Structure):
    """Opaque client handle; only ever used through a pointer."""


class _Growable(ctypes.Structure):
    """A struct beginning with ``uint32_t struct_size``.

    Construction sets ``struct_size`` to ``ctypes.sizeof`` of the struct, like
    the header's ``BW_*_INIT`` macros, unless it is given explicitly; every
    other field starts at zero.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("struct_size", ctypes.sizeof(type(self)))
        super().__init__(*args, **kwargs)


class bw_event(ctypes.Structure):
    """One fact about a call, passed to ``on_event``; library-owned, read-only.

    Never constructed here: valid during the callback only, every string
    NUL-terminated (empty, never NULL, when there is nothing to say).
    ``struct_size`` is the library's ``sizeof(bw_event)``.
    """

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("kind", ctypes.c_int32),
        ("operation", ctypes.c_char_p),
        ("http_request_method", ctypes.c_char_p),
        ("url_template", ctypes.c_char_p),
        ("account_id", ctypes.c_char_p),
        ("call_id", ctypes.c_char_p),
        ("server_address", ctypes.c_char_p),
        ("server_port", ctypes.c_uint32),
        ("attempt", ctypes.c_uint32),
        ("http_response_status_code", ctypes.c_int32),
        ("status", bw_status),
        ("error_type", ctypes.c_char_p),
        ("retry_reason", ctypes.c_char_p),
        ("retry_delay_ms", ctypes.c_uint64),
        ("duration_us", ctypes.c_uint64),
        ("connection_reused", ctypes.c_bool),
    ]


EventPtr = ctypes.POINTER(bw_event)

#: ``void (*)(void *userdata, const bw_event *event)``: ``bw_client_config.on_event``,
#: called synchronously on the thread making the call (a library thread for an
#: asynchronous call). ``event`` is valid during the call only.
bw_event_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, EventPtr)


class bw_client_config(_Growable):
    """Client settings; zero/NULL fields mean the documented default."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("base_url", ctypes.c_char_p),
        ("username", ctypes.c_char_p),
        ("password", ctypes.c_char_p),
        ("client_id", ctypes.c_char_p),
        ("client_secret", ctypes.c_char_p),
        ("token_url", ctypes.c_char_p),
        ("connect_timeout_ms", ctypes.c_uint32),
        ("timeout_ms", ctypes.c_uint32),
        ("max_attempts", ctypes.c_uint32),
        ("retry_non_idempotent", ctypes.c_bool),
        ("tls_roots", ctypes.c_int32),
        ("ca_file", ctypes.c_char_p),
        ("proxy", ctypes.c_char_p),
        ("proxy_from_env", ctypes.c_bool),
        ("user_agent_suffix", ctypes.c_char_p),
        ("max_concurrency", ctypes.c_uint32),
        ("max_queued", ctypes.c_uint32),
        ("retry_budget", ctypes.c_uint32),
        ("on_event", bw_event_fn),
        ("event_userdata", ctypes.c_void_p),
        ("event_mask", ctypes.c_uint32),
        ("binding", ctypes.c_char_p),
    ]


class bw_error(_Growable):
    """Details of a failure, filled by the library into caller-owned memory."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("status", bw_status),
        ("http_status", ctypes.c_int32),
        ("attempts", ctypes.c_uint32),
        ("retry_after_ms", ctypes.c_int64),
        ("field", ctypes.c_char * BW_ERROR_FIELD_LEN),
        ("error_type", ctypes.c_char * BW_ERROR_TYPE_LEN),
        ("description", ctypes.c_char * BW_ERROR_TEXT_LEN),
        ("error_id", ctypes.c_char * BW_ERROR_ID_LEN),
        ("message", ctypes.c_char * BW_ERROR_TEXT_LEN),
        ("maybe_applied", ctypes.c_bool),
    ]


class bw_modify_call_request(_Growable):
    """Parameters of "Update active call"; NULL strings are not sent."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("state", ctypes.c_int32),
        ("redirect_url", ctypes.c_char_p),
        ("redirect_method", ctypes.c_int32),
        ("username", ctypes.c_char_p),
        ("password", ctypes.c_char_p),
        ("tag", ctypes.c_char_p),
        ("redirect_fallback_url", ctypes.c_char_p),
        ("redirect_fallback_method", ctypes.c_int32),
        ("fallback_username", ctypes.c_char_p),
        ("fallback_password", ctypes.c_char_p),
    ]


class bw_call_options(_Growable):
    """Settings of one call; a NULL pointer means the client's settings."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("timeout_ms", ctypes.c_uint32),
    ]


class bw_key_value(ctypes.Structure):
    """One key and its value (a STIR/SHAKEN property); not growable."""

    _fields_ = [
        ("key", ctypes.c_char_p),
        ("value", ctypes.c_char_p),
    ]


class bw_call_state(ctypes.Structure):
    """A call's state, allocated by ``bw_get_call_state``; read-only.

    Never constructed here: the library allocates it and sets
    ``struct_size`` to the size it allocated; free it with
    ``bw_call_state_free``.
    """

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("call_id", ctypes.c_char_p),
        ("account_id", ctypes.c_char_p),
        ("application_id", ctypes.c_char_p),
        ("parent_call_id", ctypes.c_char_p),
        ("to", ctypes.c_char_p),
        ("from", ctypes.c_char_p),
        ("direction", ctypes.c_char_p),
        ("state", ctypes.c_char_p),
        ("enqueued_time", ctypes.c_char_p),
        ("start_time", ctypes.c_char_p),
        ("answer_time", ctypes.c_char_p),
        ("end_time", ctypes.c_char_p),
        ("last_update", ctypes.c_char_p),
        ("enqueued_time_ms", ctypes.c_int64),
        ("start_time_ms", ctypes.c_int64),
        ("answer_time_ms", ctypes.c_int64),
        ("end_time_ms", ctypes.c_int64),
        ("last_update_ms", ctypes.c_int64),
        ("disconnect_cause", ctypes.c_char_p),
        ("error_message", ctypes.c_char_p),
        ("error_id", ctypes.c_char_p),
        ("identity", ctypes.c_char_p),
        ("stir_shaken", ctypes.POINTER(bw_key_value)),
        ("stir_shaken_len", ctypes.c_size_t),
    ]


class bw_stats(_Growable):
    """A client's counters, filled by ``bw_client_stats`` into caller-owned memory."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("calls", ctypes.c_uint64),
        ("attempts", ctypes.c_uint64),
        ("retries", ctypes.c_uint64),
        ("retries_rate_limited", ctypes.c_uint64),
        ("retries_unavailable", ctypes.c_uint64),
        ("retries_server_error", ctypes.c_uint64),
        ("retries_timeout", ctypes.c_uint64),
        ("retries_connect", ctypes.c_uint64),
        ("retries_stale_token", ctypes.c_uint64),
        ("retries_denied", ctypes.c_uint64),
        ("retry_budget_tokens", ctypes.c_int64),
        ("token_fetches", ctypes.c_uint64),
        ("connections_opened", ctypes.c_uint64),
        ("connections_reused", ctypes.c_uint64),
        ("jobs_queued", ctypes.c_uint64),
        ("jobs_running", ctypes.c_uint64),
        ("outcomes", ctypes.c_uint64 * BW_STATS_OUTCOMES),
    ]


ClientPtr = ctypes.POINTER(bw_client)
QueuePtr = ctypes.POINTER(bw_queue)
CallStatePtr = ctypes.POINTER(bw_call_state)
_OptionsPtr = ctypes.POINTER(bw_call_options)
_ErrorPtr = ctypes.POINTER(bw_error)
_JobIdPtr = ctypes.POINTER(ctypes.c_uint64)

#: ``void (*)(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
#: const bw_call_state *state)``: called once per asynchronous call, on a library
#: thread. ``err`` and ``state`` (NULL unless a call state was read) are valid
#: during the call only.
bw_completion_fn = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.c_uint64, bw_status, _ErrorPtr, CallStatePtr
)
#: What every operation takes first: ``client, account_id, call_id``.
_CALL = [ClientPtr, ctypes.c_char_p, ctypes.c_char_p]
#: What every ``*_async`` function takes after its blocking form's arguments
#: (``err`` excluded): ``on_done, userdata, job_id``.
_ASYNC_TAIL = [bw_completion_fn, ctypes.c_void_p, _JobIdPtr]
_RequestPtr = ctypes.POINTER(bw_modify_call_request)

#: Every exported function: name -> (restype, argtypes).
PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {
    "bw_client_new": (
        bw_status,
        [ctypes.POINTER(bw_client_config), ctypes.POINTER(ClientPtr), _ErrorPtr],
    ),
    "bw_free": (None, [ClientPtr]),
    "bw_modify_call": (bw_status, [*_CALL, _RequestPtr, _OptionsPtr, _ErrorPtr]),
    "bw_hangup": (bw_status, [*_CALL, _OptionsPtr, _ErrorPtr]),
    "bw_get_call_state": (
        bw_status,
        [*_CALL, _OptionsPtr, ctypes.POINTER(CallStatePtr), _ErrorPtr],
    ),
    "bw_call_state_free": (None, [CallStatePtr]),
    # Declared to mirror the header; not used by the binding (see the module docstring).
    "bw_call_state_dup": (CallStatePtr, [CallStatePtr]),
    "bw_update_call_bxml": (bw_status, [*_CALL, ctypes.c_char_p, _OptionsPtr, _ErrorPtr]),
    "bw_update_call_recording": (bw_status, [*_CALL, ctypes.c_int32, _OptionsPtr, _ErrorPtr]),
    "bw_modify_call_async": (
        bw_status,
        [*_CALL, _RequestPtr, _OptionsPtr, *_ASYNC_TAIL, _ErrorPtr],
    ),
    "bw_hangup_async": (bw_status, [*_CALL, _OptionsPtr, *_ASYNC_TAIL, _ErrorPtr]),
    "bw_get_call_state_async": (bw_status, [*_CALL, _OptionsPtr, *_ASYNC_TAIL, _ErrorPtr]),
    "bw_update_call_bxml_async": (
        bw_status,
        [*_CALL, ctypes.c_char_p, _OptionsPtr, *_ASYNC_TAIL, _ErrorPtr],
    ),
    "bw_update_call_recording_async": (
        bw_status,
        [*_CALL, ctypes.c_int32, _OptionsPtr, *_ASYNC_TAIL, _ErrorPtr],
    ),
    "bw_cancel": (bw_status, [ClientPtr, ctypes.c_uint64, _ErrorPtr]),
    "bw_queue_new": (bw_status, [ctypes.POINTER(QueuePtr), _ErrorPtr]),
    "bw_queue_fd": (ctypes.c_int32, [QueuePtr]),
    "bw_queue_completion": (
        None,
        [ctypes.c_void_p, ctypes.c_uint64, bw_status, _ErrorPtr, CallStatePtr],
    ),
    "bw_queue_next": (
        ctypes.c_bool,
        [QueuePtr, _JobIdPtr, ctypes.POINTER(bw_status), ctypes.POINTER(CallStatePtr), _ErrorPtr],
    ),
    "bw_queue_free": (None, [QueuePtr]),
    "bw_client_stats": (bw_status, [ClientPtr, ctypes.POINTER(bw_stats), _ErrorPtr]),
    # Declared to mirror the header; never called (see the module docstring).
    "bw_xml_escape": (
        bw_status,
        [
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_char),
            ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_size_t),
            _ErrorPtr,
        ],
    ),
    "bw_status_str": (ctypes.c_char_p, [bw_status]),
    "bw_version": (ctypes.c_char_p, []),
    "bw_version_number": (ctypes.c_uint32, []),
    "bw_version_compatible": (ctypes.c_bool, [ctypes.c_uint32]),
}

# --- loading -------------------------------------------------------------------

if sys.platform == "darwin":  # pragma: no cover - Linux is what CI runs
    LIBRARY_FILE, SYSTEM_NAME = "libbwvoice.dylib", "libbwvoice.0.dylib"
elif sys.platform == "win32":  # pragma: no cover
    LIBRARY_FILE, SYSTEM_NAME = "bwvoice.dll", "bwvoice.dll"
else:
    # The soname follows the major version (scripts/install.sh, build.rs).
    LIBRARY_FILE, SYSTEM_NAME = "libbwvoice.so", f"libbwvoice.so.{BW_VERSION_MAJOR}"

ENV_VAR = "BWVOICE_LIBRARY"


def _candidates() -> list[tuple[str, str]]:
    """Where to look, in order, as (description, path or loader name)."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return [(f"${ENV_VAR}", explicit)]
    here = os.path.dirname(os.path.abspath(__file__))
    found = [("bundled copy", os.path.join(here, LIBRARY_FILE)), ("system library", SYSTEM_NAME)]
    located = ctypes.util.find_library("bwvoice")
    if located and located != SYSTEM_NAME:
        found.append(("system library (ctypes.util.find_library)", located))
    return found


def _declare(lib: ctypes.CDLL) -> None:
    """Sets ``restype``/``argtypes`` of every function from :data:`PROTOTYPES`."""
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _load(candidates: Sequence[tuple[str, str]]) -> tuple[ctypes.CDLL, str]:
    """Loads the first candidate that opens; ImportError lists every failure."""
    failures: list[str] = []
    for where, name in candidates:
        if os.sep in name and not os.path.exists(name):
            failures.append(f"  - {where} {name}: no such file")
            continue
        try:
            # CDLL (not PyDLL): the GIL is released during every foreign call.
            lib = ctypes.CDLL(name)
        except OSError as exc:
            failures.append(f"  - {where} {name}: {exc}")
            continue
        needed = f"this package needs bwvoice {__version__} or a later {BW_VERSION_MAJOR}.x"
        if hasattr(lib, "bw_version") and not hasattr(lib, "bw_version_number"):
            lib.bw_version.restype, lib.bw_version.argtypes = ctypes.c_char_p, []
            old = (lib.bw_version() or b"?").decode("utf-8", "replace")
            raise ImportError(
                f"bwvoice: {name} ({where}) is {old}, older than 0.2.0 (it has no "
                f"bw_version_number), but {needed}; install a newer libbwvoice"
            )
        try:
            _declare(lib)
        except AttributeError as exc:
            raise ImportError(f"bwvoice: {name} ({where}) is not libbwvoice: {exc}") from None
        if not lib.bw_version_compatible(BW_VERSION_NUMBER):
            number = int(lib.bw_version_number())
            found = f"{number >> 16}.{(number >> 8) & 0xFF}.{number & 0xFF}"
            raise ImportError(
                f"bwvoice: {name} ({where}) is bwvoice {found}, but {needed}; "
                f"install matching versions"
            )
        return lib, name
    raise ImportError(
        f"bwvoice: cannot load the native library {LIBRARY_FILE}. Tried:\n"
        + "\n".join(failures)
        + f"\nInstall the package with pip (it bundles the library), or set "
        f"{ENV_VAR} to the path of {LIBRARY_FILE} (built by `make build`)."
    )


lib, LIBRARY_PATH = _load(_candidates())

# --- the functions ------------------------------------------------------------
#
# The library's own functions: no Python wrapper sits between. ``argtypes``
# (:data:`PROTOTYPES`) checks every argument; a pointer parameter takes the
# struct or pointer variable it points to (ctypes passes it by reference) or
# None (NULL). The arguments are the header's, ``err`` last:
#
#   operation(client, account_id, call_id, <its own>, opts, err)
#   operation_async(client, account_id, call_id, <its own>, opts,
#                   on_done, userdata, job_id, err)
#
# ``<its own>``: ``req`` (modify_call), ``bxml`` (update_call_bxml), ``state``
# (update_call_recording) or nothing; ``get_call_state`` takes ``out`` (a
# ``CallStatePtr``, freed with :data:`call_state_free`) after ``opts``.
# ``on_done`` is a ``bw_completion_fn``, ``userdata`` an int (or None for
# NULL), ``job_id`` a ``ctypes.c_uint64`` (written before the callback can run).

client_new: Callable[[bw_client_config, Any, bw_error], int] = lib.bw_client_new
free: Callable[[Any], None] = lib.bw_free
modify_call: Callable[..., int] = lib.bw_modify_call
hangup: Callable[..., int] = lib.bw_hangup
get_call_state: Callable[..., int] = lib.bw_get_call_state
update_call_bxml: Callable[..., int] = lib.bw_update_call_bxml
update_call_recording: Callable[..., int] = lib.bw_update_call_recording
modify_call_async: Callable[..., int] = lib.bw_modify_call_async
hangup_async: Callable[..., int] = lib.bw_hangup_async
get_call_state_async: Callable[..., int] = lib.bw_get_call_state_async
update_call_bxml_async: Callable[..., int] = lib.bw_update_call_bxml_async
update_call_recording_async: Callable[..., int] = lib.bw_update_call_recording_async
#: A NULL ``CallStatePtr`` is a no-op.
call_state_free: Callable[[Any], None] = lib.bw_call_state_free
call_state_dup: Callable[[Any], Any] = lib.bw_call_state_dup
cancel: Callable[[Any, int, bw_error], int] = lib.bw_cancel
queue_new: Callable[[Any, bw_error], int] = lib.bw_queue_new
#: The descriptor to wait on.
queue_fd: Callable[[Any], int] = lib.bw_queue_fd
#: ``(queue, job_id, status, state, err)``: ``c_uint64``, ``bw_status``, ``CallStatePtr``.
queue_next: Callable[[Any, Any, Any, Any, bw_error], bool] = lib.bw_queue_next
client_stats: Callable[[Any, bw_stats, bw_error], int] = lib.bw_client_stats
_bw_status_str: Callable[[int], bytes | None] = lib.bw_status_str

#: ``bw_queue_completion`` as an ``on_done``: queues the completion on the
#: ``bw_queue`` given as ``userdata`` instead of calling into Python.
QUEUE_COMPLETION = bw_completion_fn(
    ctypes.cast(lib.bw_queue_completion, ctypes.c_void_p).value or 0
)


def status_str(status: int) -> str:
    """``bw_status_str(status)`` as ``str``."""
    return (_bw_status_str(status) or b"BW_ERR_UNKNOWN").decode("ascii", "replace")


def library_version() -> str:
    """``bw_version()``, e.g. ``"bwvoice/0.2.0"``."""
    return str(lib.bw_version().decode("utf-8"))


def library_version_number() -> int:
    """``bw_version_number()``, e.g. ``0x000200`` for 0.2.0."""
    return int(lib.bw_version_number())
