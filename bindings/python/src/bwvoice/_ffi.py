"""Loading of ``libbwvoice`` and its functions, declared from ``_bindings``.

The declarations (``BW_*`` constants, structs, callback types and the
``PROTOTYPES`` of every exported function) are generated from
``include/bwvoice.h`` into ``bwvoice._bindings`` and re-exported here, so
the package refers to all of it as ``_ffi.<name>``. ``bw_call_state``,
``bw_event`` and ``bw_result`` are allocated by the library and only ever
read here; the structs the caller fills construct with their
``struct_size`` set, as the header's ``BW_*_INIT`` macros do.

``bw_xml_escape``, the ``bw_bxml`` builder (``bw_bxml_new``, ``_open``,
``_attr``... ``_free``), ``bw_call_state_dup`` and ``bw_result_dup`` are
declared but not used by the binding: :mod:`bwvoice.bxml` hands a whole
document to ``bw_bxml_render_json`` (one foreign call instead of one per
element and attribute), and a call state (also the one in an asynchronous
call's result) is copied into a :class:`~bwvoice.CallState` at once.
The ``*_async`` functions take a ``bw_completion_fn``, which the caller
keeps alive (``bwvoice.async_client`` passes the library's own
``bw_queue_completion``); each client keeps its ``bw_event_fn`` until after
``bw_free`` (``bwvoice.events``).

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

from . import _bindings
from ._bindings import *  # noqa: F403 (the declarations, as _ffi.<name>)

#: The pointers the binding makes itself (``ctypes.POINTER`` returns the same type each time).
ClientPtr = ctypes.POINTER(_bindings.bw_client)
QueuePtr = ctypes.POINTER(_bindings.bw_queue)
CallStatePtr = ctypes.POINTER(_bindings.bw_call_state)
ResultPtr = ctypes.POINTER(_bindings.bw_result)
CreatedCallPtr = ctypes.POINTER(_bindings.bw_created_call)
CallPagePtr = ctypes.POINTER(_bindings.bw_call_page)
ConferencePtr = ctypes.POINTER(_bindings.bw_conference)
ConferenceMemberPtr = ctypes.POINTER(_bindings.bw_conference_member)
CallbackPtr = ctypes.POINTER(_bindings.bw_callback)

# --- loading -------------------------------------------------------------------

if sys.platform == "darwin":  # pragma: no cover - Linux is what CI runs
    LIBRARY_FILE, SYSTEM_NAME = "libbwvoice.dylib", "libbwvoice.0.dylib"
elif sys.platform == "win32":  # pragma: no cover
    LIBRARY_FILE, SYSTEM_NAME = "bwvoice.dll", "bwvoice.dll"
else:
    # The soname follows the major version (scripts/install.sh, build.rs).
    LIBRARY_FILE, SYSTEM_NAME = "libbwvoice.so", f"libbwvoice.so.{_bindings.BW_VERSION_MAJOR}"

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
    for name, (restype, argtypes) in _bindings.PROTOTYPES.items():
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
        # The version of the header the declarations were generated from.
        version, major = _bindings.BW_VERSION_STRING, _bindings.BW_VERSION_MAJOR
        needed = f"this package needs bwvoice {version} or a later {major}.x"
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
        if not lib.bw_version_compatible(_bindings.BW_VERSION_NUMBER):
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
# The account-wide and conference operations drop ``call_id`` for their own
# ids: ``create_call(client, account_id, req, opts, out, err)``,
# ``list_calls(client, account_id, query, opts, out, err)``,
# ``get_conference(client, account_id, conference_id, opts, out, err)``,
# ``get_conference_member(client, account_id, conference_id, member_id, opts,
# out, err)``; each ``out`` a ``*Ptr`` freed with its ``*_free``.
# ``on_done`` is a ``bw_completion_fn``, ``userdata`` an int (or None for
# NULL), ``job_id`` a ``ctypes.c_uint64`` (written before the callback can run).

client_new: Callable[[_bindings.bw_client_config, Any, _bindings.bw_error], int] = lib.bw_client_new
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
create_call: Callable[..., int] = lib.bw_create_call
list_calls: Callable[..., int] = lib.bw_list_calls
get_conference: Callable[..., int] = lib.bw_get_conference
update_conference: Callable[..., int] = lib.bw_update_conference
update_conference_bxml: Callable[..., int] = lib.bw_update_conference_bxml
get_conference_member: Callable[..., int] = lib.bw_get_conference_member
update_conference_member: Callable[..., int] = lib.bw_update_conference_member
create_call_async: Callable[..., int] = lib.bw_create_call_async
list_calls_async: Callable[..., int] = lib.bw_list_calls_async
get_conference_async: Callable[..., int] = lib.bw_get_conference_async
update_conference_async: Callable[..., int] = lib.bw_update_conference_async
update_conference_bxml_async: Callable[..., int] = lib.bw_update_conference_bxml_async
get_conference_member_async: Callable[..., int] = lib.bw_get_conference_member_async
update_conference_member_async: Callable[..., int] = lib.bw_update_conference_member_async
#: The results' frees; NULL is a no-op for each.
created_call_free: Callable[[Any], None] = lib.bw_created_call_free
call_page_free: Callable[[Any], None] = lib.bw_call_page_free
conference_free: Callable[[Any], None] = lib.bw_conference_free
conference_member_free: Callable[[Any], None] = lib.bw_conference_member_free
#: A NULL ``CallStatePtr`` is a no-op.
call_state_free: Callable[[Any], None] = lib.bw_call_state_free
call_state_dup: Callable[[Any], Any] = lib.bw_call_state_dup
#: ``BW_RESULT_*`` of a ``ResultPtr``; ``BW_RESULT_NONE`` for NULL.
result_kind: Callable[[Any], int] = lib.bw_result_kind
#: The ``CallStatePtr`` in a result (NULL unless ``BW_RESULT_CALL_STATE``), valid until its free.
result_call_state: Callable[[Any], Any] = lib.bw_result_call_state
#: The other kinds' getters, alike (NULL unless the result is of that kind).
result_created_call: Callable[[Any], Any] = lib.bw_result_created_call
result_call_page: Callable[[Any], Any] = lib.bw_result_call_page
result_conference: Callable[[Any], Any] = lib.bw_result_conference
result_conference_member: Callable[[Any], Any] = lib.bw_result_conference_member
result_dup: Callable[[Any], Any] = lib.bw_result_dup
#: A NULL ``ResultPtr`` is a no-op.
result_free: Callable[[Any], None] = lib.bw_result_free
cancel: Callable[[Any, int, _bindings.bw_error], int] = lib.bw_cancel
queue_new: Callable[[Any, _bindings.bw_error], int] = lib.bw_queue_new
#: The descriptor to wait on.
queue_fd: Callable[[Any], int] = lib.bw_queue_fd
#: ``(queue, job_id, status, result, err)``: ``c_uint64``, ``bw_status``, ``ResultPtr``
#: (the caller owns the result it writes: :data:`result_free`).
queue_next: Callable[[Any, Any, Any, Any, _bindings.bw_error | None], bool] = lib.bw_queue_next
client_stats: Callable[[Any, _bindings.bw_stats, _bindings.bw_error], int] = lib.bw_client_stats
_bw_status_str: Callable[[int], bytes | None] = lib.bw_status_str
#: ``bwvoice.bxml``'s one call per document: ``(kind, flags, json, out, out_size, needed,
#: err)``, ``out`` a ``c_char`` array, ``needed`` a ``c_size_t``.
bxml_render_json: Callable[..., int] = lib.bw_bxml_render_json
#: ``(document, kind, flags, err)``.
bxml_check: Callable[..., int] = lib.bw_bxml_check
#: Reading a Voice callback (:mod:`bwvoice.callback`): ``(body, body_len, out, err)`` and
#: ``(query, out, err)``, ``out`` a ``CallbackPtr`` freed with :data:`callback_free`.
callback_parse: Callable[..., int] = lib.bw_callback_parse
callback_parse_query: Callable[..., int] = lib.bw_callback_parse_query
callback_free: Callable[[Any], None] = lib.bw_callback_free
#: ``(authorization, username, password, verdict, err)``, ``verdict`` a ``bw_callback_auth``.
callback_check_auth: Callable[..., int] = lib.bw_callback_check_auth
#: ``(realm, out, out_size, needed, err)``, as :data:`bxml_render_json` writes.
callback_challenge: Callable[..., int] = lib.bw_callback_challenge

#: ``bw_queue_completion`` as an ``on_done``: queues the completion on the
#: ``bw_queue`` given as ``userdata`` instead of calling into Python.
QUEUE_COMPLETION = _bindings.bw_completion_fn(
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
