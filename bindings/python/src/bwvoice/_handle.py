"""The native client's lifetime, shared by ``Client`` and ``AsyncClient``.

The constructors' options as ``bw_client_config``, ``bw_client_new`` with
the event hook, the :class:`_Handle` that frees the client exactly once,
its counters, and the drain of hooked clients at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from typing import Any, Callable

from . import _ffi, events, stats
from ._convert import (
    c_bool,
    c_count,
    c_enum,
    c_millis,
    c_opt_str,
    c_path,
)
from .errors import ClientClosedError, from_native
from .events import OnEvent
from .stats import Stats

_TLS_ROOTS: dict[str, int] = {
    "bundled": _ffi.BW_TLS_ROOTS_BUNDLED,
    "system": _ffi.BW_TLS_ROOTS_SYSTEM,
}

#: This binding's name, which the library puts first in the User-Agent comment:
#: ``bwvoice/x.y.z (python[; suffix])``.
BINDING = "python"


def _client_config(
    *,
    username: object,
    password: object,
    client_id: object,
    client_secret: object,
    token_url: object,
    base_url: object,
    connect_timeout: object,
    timeout: object,
    max_attempts: object,
    retry_non_idempotent: object,
    tls_roots: object,
    ca_file: object,
    proxy: object,
    proxy_from_env: object,
    user_agent_suffix: object,
    retry_budget: object,
    allow_unknown_bxml_verbs: object = False,
    max_concurrency: object = None,
    max_queued: object = None,
) -> _ffi.bw_client_config:
    """The constructor's options as ``bw_client_config`` (without the event hook)."""
    return _ffi.bw_client_config(
        base_url=c_opt_str(base_url, "base_url"),
        username=c_opt_str(username, "username"),
        password=c_opt_str(password, "password"),
        client_id=c_opt_str(client_id, "client_id"),
        client_secret=c_opt_str(client_secret, "client_secret"),
        token_url=c_opt_str(token_url, "token_url"),
        connect_timeout_ms=c_millis(connect_timeout, "connect_timeout"),
        timeout_ms=c_millis(timeout, "timeout"),
        max_attempts=c_count(max_attempts, "max_attempts"),
        retry_non_idempotent=c_bool(retry_non_idempotent, "retry_non_idempotent"),
        tls_roots=c_enum(tls_roots, "tls_roots", _TLS_ROOTS, _ffi.BW_TLS_ROOTS_BUNDLED),
        ca_file=c_path(ca_file, "ca_file"),
        proxy=c_opt_str(proxy, "proxy"),
        proxy_from_env=c_bool(proxy_from_env, "proxy_from_env"),
        user_agent_suffix=c_opt_str(user_agent_suffix, "user_agent_suffix"),
        binding=BINDING.encode(),
        max_concurrency=c_count(max_concurrency, "max_concurrency"),
        max_queued=c_count(max_queued, "max_queued"),
        # 1 .. UINT32_MAX; UINT32_MAX is BW_RETRY_BUDGET_OFF, None (0) the default.
        retry_budget=c_count(retry_budget, "retry_budget"),
        allow_unknown_bxml_verbs=c_bool(allow_unknown_bxml_verbs, "allow_unknown_bxml_verbs"),
    )


def _stats(handle: _Handle) -> Stats:
    """``bw_client_stats`` of the handle's client, as :class:`Stats`."""
    out = _ffi.bw_stats()
    err = _ffi.bw_error()
    ptr = handle.acquire()
    try:
        status = _ffi.client_stats(ptr, out, err)
    finally:
        handle.release()
    if status != _ffi.BW_OK:
        raise from_native(err, status)
    return stats.from_native(out)


def _open(owner: str, arguments: dict[str, Any]) -> _Handle:
    """The native client of a constructor, from its ``locals()`` taken first thing.

    The constructors keep their explicit signatures (what callers, mypy and
    ``help()`` see) and hand their arguments on without listing them again; a
    parameter missing from :func:`_client_config` is a ``TypeError`` at once.
    """
    options = {name: value for name, value in arguments.items() if name != "self"}
    on_event = options.pop("on_event")
    return _new_handle(_client_config(**options), owner, on_event)


def _new_handle(cfg: _ffi.bw_client_config, owner: str, on_event: OnEvent | None) -> _Handle:
    """``bw_client_new(cfg)`` with the event hook, owned by a new :class:`_Handle`.

    Raises on failure. The hook's ``bw_event_fn`` (none when nothing would
    use the events, see :func:`bwvoice.events.hook`) is kept by the handle
    until the native client has been freed.
    """
    callback, mask = events.hook(on_event)
    if callback is not None:
        cfg.on_event, cfg.event_mask = callback, mask
    ptr = _ffi.ClientPtr()
    err = _ffi.bw_error()
    status = _ffi.client_new(cfg, ptr, err)
    if status != _ffi.BW_OK:
        raise from_native(err, status)
    handle = _Handle(ptr, _ffi.free, owner, keep=callback)
    if callback is not None:
        _HOOKED.add(handle)
    return handle


#: Handles of the clients with an event callback (see :func:`_drain_at_exit`).
_HOOKED: weakref.WeakSet[_Handle] = weakref.WeakSet()


def _drain_at_exit() -> None:
    """At interpreter exit: closes every client with an event callback and waits for it.

    An event of a call still in flight (e.g. in a daemon thread) must not
    reach Python once the interpreter is finalizing: the thread would be
    ended inside the library's frames, which aborts the process. atexit
    runs before that, while every thread still runs, so this waits for
    those calls to end (within their time budgets) and frees their clients.
    """
    handles = list(_HOOKED)
    for handle in handles:
        handle.close()
    for handle in handles:
        handle.wait_freed()


atexit.register(_drain_at_exit)


# --- lifetime ------------------------------------------------------------------


class _Handle:
    """Owns one native ``bw_client`` and frees it exactly once.

    It counts calls in flight (a blocking call, or the submission of an
    asynchronous one) and frees the client when it is closed and no call is
    using it.

    Kept separate from the clients so the ``weakref.finalize`` callback does
    not keep the client alive. ``keep`` (the client's ``bw_event_fn``) is
    dropped only once ``free`` has returned: the library may call it until then.
    """

    __slots__ = (
        "__weakref__",
        "_closed",
        "_free",
        "_freed",
        "_inflight",
        "_keep",
        "_lock",
        "_owner",
        "_ptr",
    )

    def __init__(
        self,
        ptr: Any,
        free: Callable[[Any], None],
        owner: str = "bwvoice.Client",
        *,
        keep: object = None,
    ) -> None:
        self._owner = owner
        self._keep = keep
        self._lock = threading.Lock()
        self._ptr: Any = ptr
        self._free = free
        self._inflight = 0
        self._closed = False
        self._freed = threading.Event()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def freed(self) -> bool:
        """``True`` once the native client has been freed (``bw_free`` returned)."""
        return self._freed.is_set()

    def acquire(self) -> Any:
        """Registers a call in flight and returns the pointer it may use."""
        with self._lock:
            if self._closed:
                raise ClientClosedError(f"this {self._owner} is closed")
            self._inflight += 1
            return self._ptr

    def release(self) -> None:
        """Ends a call; frees the client if it was closed meanwhile."""
        with self._lock:
            self._inflight -= 1
            ptr = self._take_if_idle()
        if ptr is not None:
            self._free_now(ptr)

    def close(self) -> None:
        """Closes; frees now if idle, else when the last call returns."""
        with self._lock:
            self._closed = True
            ptr = self._take_if_idle()
        if ptr is not None:
            self._free_now(ptr)

    def wait_freed(self) -> None:
        """Blocks until the native client has been freed (after :meth:`close`)."""
        self._freed.wait()

    def _take_if_idle(self) -> Any:
        if self._closed and self._inflight == 0 and self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            return ptr
        return None

    def _free_now(self, ptr: Any) -> None:
        try:
            self._free(ptr)
        finally:
            # After bw_free no event can come (every event of an asynchronous
            # call precedes its completion), so the callback may go.
            self._keep = None
            self._freed.set()
