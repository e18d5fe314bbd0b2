"""The :class:`Client`: a thin wrapper over ``bw_client``.

The binding only converts types and maps errors. Every rule about the
values themselves (empty ids, URL syntax, tag length, credentials...) is
checked by the native library, which raises :class:`~bwvoice.ValidationError`
before anything is sent. The binding itself raises:

* :class:`TypeError` for a value of the wrong Python type (e.g. ``None`` or
  ``bytes`` as a call id);
* :class:`~bwvoice.ValidationError` (with ``field`` set) for values C cannot
  carry: strings containing NUL or lone surrogates, unknown enum names,
  durations or counts that are not positive or do not fit in ``uint32_t``
  (the C ABI reads 0 as "use the default").

Every operation takes a keyword-only ``timeout`` (seconds): at most that long
for this call, every attempt and wait included; the client's ``timeout``
still applies when it is shorter. ``None``: the client's.

Every client logs its events (attempts, retries, token fetches, call ends)
to the ``bwvoice`` logger and passes them to its ``on_event`` callable, if
any (see :mod:`bwvoice.events`); :meth:`Client.stats` reads its counters.
"""

from __future__ import annotations

import atexit
import math
import os
import threading
import weakref
from types import TracebackType
from typing import Any, Callable, Literal

from . import _ffi, call_state, events, stats
from .call_state import CallState
from .errors import ClientClosedError, InternalError, from_native, invalid
from .events import OnEvent
from .stats import Stats

__all__ = ["RETRY_BUDGET_OFF", "Client", "RedirectMethod", "RequestedState", "TlsRoots"]

#: ``state`` of :meth:`Client.modify_call` (case-insensitive): the state to
#: ask for, not one :meth:`Client.get_call_state` reports (see :class:`CallState`).
RequestedState = Literal["active", "completed"]
#: ``redirect_method`` / ``redirect_fallback_method`` (case-insensitive).
RedirectMethod = Literal["GET", "POST"]
#: ``tls_roots`` of :class:`Client` (case-insensitive).
TlsRoots = Literal["bundled", "system"]

_STATES: dict[str, int] = {
    "active": _ffi.BW_CALL_STATE_ACTIVE,
    "completed": _ffi.BW_CALL_STATE_COMPLETED,
}
_METHODS: dict[str, int] = {"get": _ffi.BW_METHOD_GET, "post": _ffi.BW_METHOD_POST}
_TLS_ROOTS: dict[str, int] = {
    "bundled": _ffi.BW_TLS_ROOTS_BUNDLED,
    "system": _ffi.BW_TLS_ROOTS_SYSTEM,
}
_UINT32_MAX = 0xFFFF_FFFF

#: ``retry_budget=RETRY_BUDGET_OFF``: no retry budget; retries are limited by
#: ``max_attempts`` and the time budget only (the C ``BW_RETRY_BUDGET_OFF``,
#: ``UINT32_MAX``).
RETRY_BUDGET_OFF: int = _ffi.BW_RETRY_BUDGET_OFF

#: This binding's name, which the library puts first in the User-Agent comment:
#: ``bwvoice/x.y.z (python[; suffix])``.
BINDING = "python"


# --- conversions ---------------------------------------------------------------


def _c_str(value: object, field: str) -> bytes:
    """A required ``str`` as NUL-terminated UTF-8."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise invalid(field, f"{field} contains a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(field, f"{field} is not valid Unicode (lone surrogate)") from None


def _c_opt_str(value: object, field: str) -> bytes | None:
    """An optional ``str``: ``None`` becomes NULL (not sent / default)."""
    return None if value is None else _c_str(value, field)


def _c_path(value: object, field: str) -> bytes | None:
    """An optional ``str`` or ``os.PathLike[str]``."""
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return _c_str(value, field)


def _c_enum(value: object, field: str, table: dict[str, int], unset: int) -> int:
    """An optional case-insensitive enum name as its C constant."""
    if value is None:
        return unset
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    code = table.get(value.lower())
    if code is None:
        names = " or ".join(repr(name) for name in table)
        raise invalid(field, f"{field} must be {names}, not {value!r}")
    return code


def _c_millis(value: object, field: str) -> int:
    """Optional seconds (int or float) as positive ``uint32_t`` milliseconds, 0 if ``None``."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{field} must be a number of seconds, not {type(value).__name__}")
    if (isinstance(value, float) and math.isnan(value)) or value <= 0:
        raise invalid(field, f"{field} must be a positive number of seconds (None: default)")
    # Round up: a positive value must never become 0, which C reads as "default".
    millis = math.ceil(value * 1000) if value <= _UINT32_MAX else _UINT32_MAX + 1
    if millis > _UINT32_MAX:
        raise invalid(field, f"{field} is too large (at most {_UINT32_MAX // 1000} seconds)")
    return millis


def _c_count(value: object, field: str) -> int:
    """An optional positive ``uint32_t``, 0 if ``None``."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {type(value).__name__}")
    if not 1 <= value <= _UINT32_MAX:
        raise invalid(field, f"{field} must be between 1 and {_UINT32_MAX} (None: default)")
    return value


def _c_call_options(timeout: object) -> _ffi.bw_call_options | None:
    """An operation's ``timeout`` as ``bw_call_options``; ``None`` (NULL) for the client's."""
    if timeout is None:
        return None
    return _ffi.bw_call_options(timeout_ms=_c_millis(timeout, "timeout"))


def _c_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be a bool, not {type(value).__name__}")
    return value


# --- arguments shared by Client and AsyncClient ---------------------------------------


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
    max_concurrency: object = None,
    max_queued: object = None,
) -> _ffi.bw_client_config:
    """The constructor's options as ``bw_client_config`` (without the event hook)."""
    return _ffi.bw_client_config(
        base_url=_c_opt_str(base_url, "base_url"),
        username=_c_opt_str(username, "username"),
        password=_c_opt_str(password, "password"),
        client_id=_c_opt_str(client_id, "client_id"),
        client_secret=_c_opt_str(client_secret, "client_secret"),
        token_url=_c_opt_str(token_url, "token_url"),
        connect_timeout_ms=_c_millis(connect_timeout, "connect_timeout"),
        timeout_ms=_c_millis(timeout, "timeout"),
        max_attempts=_c_count(max_attempts, "max_attempts"),
        retry_non_idempotent=_c_bool(retry_non_idempotent, "retry_non_idempotent"),
        tls_roots=_c_enum(tls_roots, "tls_roots", _TLS_ROOTS, _ffi.BW_TLS_ROOTS_BUNDLED),
        ca_file=_c_path(ca_file, "ca_file"),
        proxy=_c_opt_str(proxy, "proxy"),
        proxy_from_env=_c_bool(proxy_from_env, "proxy_from_env"),
        user_agent_suffix=_c_opt_str(user_agent_suffix, "user_agent_suffix"),
        binding=BINDING.encode(),
        max_concurrency=_c_count(max_concurrency, "max_concurrency"),
        max_queued=_c_count(max_queued, "max_queued"),
        # 1 .. UINT32_MAX; UINT32_MAX is BW_RETRY_BUDGET_OFF, None (0) the default.
        retry_budget=_c_count(retry_budget, "retry_budget"),
    )


# Each operation's C arguments between the client and ``err`` (for the
# asynchronous form: and ``on_done``), from its Python arguments in the order
# of the methods' signatures. Client and AsyncClient call these positionally:
# keywords or ``locals()`` here would cost on every call.


def _modify_call_args(  # noqa: PLR0917 (positional on purpose, see above)
    account_id: object,
    call_id: object,
    state: object,
    redirect_url: object,
    redirect_method: object,
    username: object,
    password: object,
    tag: object,
    redirect_fallback_url: object,
    redirect_fallback_method: object,
    fallback_username: object,
    fallback_password: object,
    timeout: object,
) -> tuple[bytes, bytes, _ffi.bw_modify_call_request, _ffi.bw_call_options | None]:
    """``modify_call`` (and ``redirect``): ``account_id, call_id, req, opts``."""
    account, call = _c_str(account_id, "account_id"), _c_str(call_id, "call_id")
    req = _ffi.bw_modify_call_request(
        state=_c_enum(state, "state", _STATES, _ffi.BW_CALL_STATE_UNSET),
        redirect_url=_c_opt_str(redirect_url, "redirect_url"),
        redirect_method=_c_enum(redirect_method, "redirect_method", _METHODS, _ffi.BW_METHOD_UNSET),
        username=_c_opt_str(username, "username"),
        password=_c_opt_str(password, "password"),
        tag=_c_opt_str(tag, "tag"),
        redirect_fallback_url=_c_opt_str(redirect_fallback_url, "redirect_fallback_url"),
        redirect_fallback_method=_c_enum(
            redirect_fallback_method, "redirect_fallback_method", _METHODS, _ffi.BW_METHOD_UNSET
        ),
        fallback_username=_c_opt_str(fallback_username, "fallback_username"),
        fallback_password=_c_opt_str(fallback_password, "fallback_password"),
    )
    return account, call, req, _c_call_options(timeout)


def _call_args(
    account_id: object, call_id: object, timeout: object
) -> tuple[bytes, bytes, _ffi.bw_call_options | None]:
    """``hangup`` and ``get_call_state``: ``account_id, call_id, opts``."""
    account, call = _c_str(account_id, "account_id"), _c_str(call_id, "call_id")
    return account, call, _c_call_options(timeout)


def _bxml_args(
    account_id: object, call_id: object, bxml: object, timeout: object
) -> tuple[bytes, bytes, bytes, _ffi.bw_call_options | None]:
    """``update_call_bxml``: ``account_id, call_id, bxml, opts``."""
    account, call = _c_str(account_id, "account_id"), _c_str(call_id, "call_id")
    return account, call, _c_str(bxml, "bxml"), _c_call_options(timeout)


def _recording_args(
    account_id: object, call_id: object, state: int, timeout: object
) -> tuple[bytes, bytes, int, _ffi.bw_call_options | None]:
    """``pause_recording``, ``resume_recording``: ``account_id, call_id, state, opts``."""
    account, call = _c_str(account_id, "account_id"), _c_str(call_id, "call_id")
    return account, call, state, _c_call_options(timeout)


def _required(value: object, field: str) -> str:
    """A positional ``str`` argument that must not be ``None``."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    return value


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


# --- the client ----------------------------------------------------------------


class Client:
    """A Bandwidth Voice API client for live calls.

    It redirects calls, hangs them up, reads their state, replaces their
    BXML and pauses or resumes their recording.

    Give exactly one kind of credentials: ``username`` + ``password`` (HTTP
    Basic, a Bandwidth "API user") or ``client_id`` + ``client_secret``
    (OAuth2 client credentials; the token is fetched once and shared).
    ``None`` anywhere means the library's documented default:

    * ``base_url`` -- ``https://voice.bandwidth.com/api/v2`` (plain
      ``http://`` only for loopback hosts, e.g. a local simulator);
    * ``token_url`` -- ``https://api.bandwidth.com/api/v1/oauth2/token``;
    * ``connect_timeout`` -- 5 s; ``timeout`` -- 30 s for a whole call,
      retries included (both in seconds, int or float); an operation's own
      ``timeout`` can only shorten it;
    * ``max_attempts`` -- 3 (1 disables retries);
    * ``retry_non_idempotent`` -- also retry a redirect or a BXML replacement
      after a failure the server may have acted on (your webhook may then
      fire twice, the new script restart);
    * ``tls_roots`` -- ``"bundled"`` (Mozilla's roots) or ``"system"``;
      ``ca_file`` -- a PEM file of CAs trusted instead;
    * ``proxy`` -- an ``http://`` proxy URL; ``proxy_from_env`` -- use
      ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` instead;
    * ``user_agent_suffix`` -- added after ``python; `` in the User-Agent;
    * ``retry_budget`` -- capacity of the retry budget (the token bucket every
      retry draws from and every success refills, so that an outage does not
      multiply the load by ``max_attempts``); ``None``: 500;
      :data:`bwvoice.RETRY_BUDGET_OFF`: no budget;
    * ``on_event`` -- a callable given a :class:`~bwvoice.Event` for every
      attempt's end, retry scheduled or refused, token fetch and call end,
      synchronously on the thread making the call. It must return quickly;
      an exception it raises is logged (``logger.exception``) and ignored.

    Every event is also logged to the ``bwvoice`` logger: DEBUG for
    attempts, token fetches and call ends, WARNING for retries scheduled and
    refused, each record's ``extra`` being :meth:`Event.attributes()
    <bwvoice.Event.attributes>`. Without ``on_event`` only the kinds whose
    level the logger has enabled *when the client is created* reach Python
    at all (a call that succeeds at once then costs no callback): a later
    change of level applies to clients created after it.
    :meth:`stats` reads the client's counters.

    Thread-safe: share one client between threads; calls run concurrently
    (the GIL is released while the library works). Use it as a context
    manager or call :meth:`close`. Failures raise
    :class:`~bwvoice.BandwidthError` subclasses.
    """

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        base_url: str | None = None,
        connect_timeout: float | None = None,
        timeout: float | None = None,
        max_attempts: int | None = None,
        retry_non_idempotent: bool = False,
        tls_roots: TlsRoots = "bundled",
        ca_file: str | os.PathLike[str] | None = None,
        proxy: str | None = None,
        proxy_from_env: bool = False,
        user_agent_suffix: str | None = None,
        retry_budget: int | None = None,
        on_event: OnEvent | None = None,
    ) -> None:
        self._handle = _open("bwvoice.Client", locals())  # first: locals() is the arguments
        # Frees the native client on close(), garbage collection or exit.
        self._finalizer = weakref.finalize(self, self._handle.close)

    # -- lifetime --

    def close(self) -> None:
        """Releases the native client. Idempotent.

        Calls already in flight finish normally (the native client is freed
        when the last one returns); new calls raise
        :class:`~bwvoice.ClientClosedError`.
        """
        self._finalizer()

    @property
    def closed(self) -> bool:
        """``True`` once :meth:`close` was called."""
        return self._handle.closed

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<bwvoice.Client{' (closed)' if self.closed else ''}>"

    # -- counters --

    def stats(self) -> Stats:
        """A snapshot of the client's counters (:class:`~bwvoice.Stats`).

        Cheap (atomic reads in the library), from any thread, at any time;
        the counters only grow, so two snapshots subtract into a rate.
        Raises :class:`~bwvoice.ClientClosedError` once the client is closed.
        """
        return _stats(self._handle)

    # -- calls --

    def modify_call(
        self,
        account_id: str,
        call_id: str,
        *,
        state: RequestedState | None = None,
        redirect_url: str | None = None,
        redirect_method: RedirectMethod | None = None,
        username: str | None = None,
        password: str | None = None,
        tag: str | None = None,
        redirect_fallback_url: str | None = None,
        redirect_fallback_method: RedirectMethod | None = None,
        fallback_username: str | None = None,
        fallback_password: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """Updates a live call ("Update active call" of the Voice API).

        Redirects the call to the BXML served at ``redirect_url``, changes its
        ``tag``, or ends it with ``state="completed"``. A parameter left at
        ``None`` is not sent; ``tag=""`` clears the call's tag.

        ``redirect_method`` / ``redirect_fallback_method``: ``"GET"`` or
        ``"POST"``; ``username``/``password`` (and the ``fallback_`` pair)
        authenticate Bandwidth's request to your URLs; ``timeout`` (seconds)
        caps the client's time budget for this call (the shorter applies).

        Blocks until Bandwidth answers (the GIL is released meanwhile). Not
        repeated after a failure the server may have acted on (unless the
        client has ``retry_non_idempotent``), except a hang-up. Raises a
        :class:`~bwvoice.BandwidthError` subclass on failure, e.g.
        :class:`~bwvoice.NotFoundError` if the call has ended.
        """
        account, call, req, opts = _modify_call_args(
            account_id,
            call_id,
            state,
            redirect_url,
            redirect_method,
            username,
            password,
            tag,
            redirect_fallback_url,
            redirect_fallback_method,
            fallback_username,
            fallback_password,
            timeout,
        )
        self._run(_ffi.modify_call, account, call, req, opts)

    def redirect(
        self,
        account_id: str,
        call_id: str,
        redirect_url: str,
        *,
        redirect_method: RedirectMethod | None = None,
        username: str | None = None,
        password: str | None = None,
        tag: str | None = None,
        redirect_fallback_url: str | None = None,
        redirect_fallback_method: RedirectMethod | None = None,
        fallback_username: str | None = None,
        fallback_password: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """Redirects a live call to the BXML served at ``redirect_url``.

        Same as :meth:`modify_call` with ``redirect_url`` (``state`` is not
        sent: Bandwidth keeps the call active). Bandwidth then requests
        ``redirect_url`` with a Redirect event and runs the BXML it returns.
        """
        account, call, req, opts = _modify_call_args(
            account_id,
            call_id,
            None,
            _required(redirect_url, "redirect_url"),
            redirect_method,
            username,
            password,
            tag,
            redirect_fallback_url,
            redirect_fallback_method,
            fallback_username,
            fallback_password,
            timeout,
        )
        self._run(_ffi.modify_call, account, call, req, opts)

    def hangup(self, account_id: str, call_id: str, *, timeout: float | None = None) -> None:
        """Hangs up a call (cancels it if not yet answered).

        Sends exactly ``{"state":"completed"}``. Safe to repeat; the library
        retries it more eagerly than a redirect. ``timeout``: as for
        :meth:`modify_call`.
        """
        account, call, opts = _call_args(account_id, call_id, timeout)
        self._run(_ffi.hangup, account, call, opts)

    def get_call_state(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> CallState:
        """Reads a call's state ("Get call state").

        Is it answered yet (new BXML or a redirect before that is a 409), did
        a hang-up land, why did it end? Returns a frozen
        :class:`~bwvoice.CallState`; the native result is freed before this
        returns. Safe to repeat: the library retries it on timeouts, resets
        and 5xx. Raises :class:`~bwvoice.NotFoundError` for an unknown call
        (or one that ended more than 7 days ago) and
        :class:`~bwvoice.ProtocolError` for a reply that is not a
        ``callState`` (or holds a time :class:`~datetime.datetime` cannot
        represent). ``timeout``: as for :meth:`modify_call`.
        """
        account, call, opts = _call_args(account_id, call_id, timeout)
        out = _ffi.CallStatePtr()
        try:
            self._run(_ffi.get_call_state, account, call, opts, out)
            if not out:
                raise InternalError("bw_get_call_state succeeded without a call state")
            return call_state.from_native(out.contents)
        finally:
            _ffi.call_state_free(out)  # NULL (a failure) is a no-op

    def update_call_bxml(
        self, account_id: str, call_id: str, bxml: str, *, timeout: float | None = None
    ) -> None:
        """Replaces a live call's BXML with ``bxml`` ("Update call BXML").

        Bandwidth runs the new document at once, without a webhook round
        trip. The library checks it first: well-formed XML without a DTD,
        root element ``<Bxml>``, at most 65536 bytes of UTF-8; otherwise
        :class:`~bwvoice.ValidationError` (``field == "bxml"``, the message
        names the line and column) and nothing is sent.

        Escape caller-supplied text before putting it in the document: a
        well-formed document can still carry verbs injected through it. Use
        the standard library (the binding has no escaping function of its own)::

            from xml.sax.saxutils import escape, quoteattr

            text = escape(user_text, {'"': "&quot;", "'": "&apos;"})
            bxml = f"<Bxml><SpeakSentence>{text}</SpeakSentence></Bxml>"
            bxml = f"<Bxml><Redirect redirectUrl={quoteattr(url)}/></Bxml>"

        Like a redirect, not repeated after a failure the server may have
        acted on (a second document restarts the script), unless the client
        has ``retry_non_idempotent``. Raises :class:`~bwvoice.ConflictError`
        (409) if the call is not answered yet, :class:`~bwvoice.NotFoundError`
        if it is unknown or has ended. ``timeout``: as for :meth:`modify_call`.
        """
        account, call, document, opts = _bxml_args(account_id, call_id, bxml, timeout)
        self._run(_ffi.update_call_bxml, account, call, document, opts)

    def pause_recording(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> None:
        """Pauses the call's recording ("Update recording", ``{"state":"paused"}``).

        E.g. while a caller reads a card number. Safe to repeat (pausing a
        paused recording is fine): retried on timeouts and 5xx. Raises
        :class:`~bwvoice.BadRequestError` when the call has no recording in
        progress, :class:`~bwvoice.NotFoundError` if it is unknown or has
        ended. ``timeout``: as for :meth:`modify_call`.
        """
        account, call, state, opts = _recording_args(
            account_id, call_id, _ffi.BW_RECORDING_STATE_PAUSED, timeout
        )
        self._run(_ffi.update_call_recording, account, call, state, opts)

    def resume_recording(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> None:
        """Resumes the call's paused recording (``{"state":"recording"}``).

        As :meth:`pause_recording`.
        """
        account, call, state, opts = _recording_args(
            account_id, call_id, _ffi.BW_RECORDING_STATE_RECORDING, timeout
        )
        self._run(_ffi.update_call_recording, account, call, state, opts)

    def _run(self, function: Callable[..., int], *args: Any) -> None:
        """Calls ``function(client, *args, err)`` on the native client; raises on failure."""
        err = _ffi.bw_error()
        ptr = self._handle.acquire()
        try:
            with events.deferred_interrupts():
                status = function(ptr, *args, err)
        finally:
            self._handle.release()
        if status != _ffi.BW_OK:
            raise from_native(err, status)
