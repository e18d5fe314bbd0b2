"""Events: what a client reports about each attempt, retry, token fetch and call.

The library calls ``bw_client_config.on_event`` with a ``bw_event``,
synchronously on the thread making the call (a library worker thread for an
:class:`~bwvoice.AsyncClient` call). Each client gets its own
``bw_event_fn`` (an :class:`_EventSink`), kept by the client's handle until
after ``bw_free``. The sink copies the event into a frozen :class:`Event`,
logs it to the ``bwvoice`` logger and passes it to the user's ``on_event``
callable, if any. Nothing raised there reaches the library: the user's
exceptions are logged with :meth:`logging.Logger.exception`.

Cost: the C hook is installed with an ``event_mask`` of the kinds that will
be used at all, decided when the client is created (:func:`hook`): every
kind with ``on_event``; else the kinds whose log level the ``bwvoice``
logger has enabled then (DEBUG: all; WARNING: the two retry kinds only);
else none, and no hook at all. A call that succeeds at once then runs no
Python code in the callback by default.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable, Literal, Union

from . import _ffi

__all__ = ["LOGGER", "Event", "EventKind"]

#: The logger every client logs its events to (a :class:`logging.NullHandler`
#: is attached, as for any library: configure logging to see the records).
LOGGER = logging.getLogger("bwvoice")
LOGGER.addHandler(logging.NullHandler())

#: :attr:`Event.kind`: which fact the event reports.
EventKind = Literal["attempt_end", "retry_scheduled", "retry_denied", "token_fetch", "call_end"]

#: ``BW_EVENT_*`` -> :data:`EventKind`.
_KINDS: dict[int, EventKind] = {
    _ffi.BW_EVENT_ATTEMPT_END: "attempt_end",
    _ffi.BW_EVENT_RETRY_SCHEDULED: "retry_scheduled",
    _ffi.BW_EVENT_RETRY_DENIED: "retry_denied",
    _ffi.BW_EVENT_TOKEN_FETCH: "token_fetch",
    _ffi.BW_EVENT_CALL_END: "call_end",
}
#: ``BW_EVENT_*`` -> the level its log record has.
_LEVELS: dict[int, int] = {
    _ffi.BW_EVENT_ATTEMPT_END: logging.DEBUG,
    _ffi.BW_EVENT_RETRY_SCHEDULED: logging.WARNING,
    _ffi.BW_EVENT_RETRY_DENIED: logging.WARNING,
    _ffi.BW_EVENT_TOKEN_FETCH: logging.DEBUG,
    _ffi.BW_EVENT_CALL_END: logging.DEBUG,
}

#: A value of :meth:`Event.attributes` (OpenTelemetry attribute types).
AttributeValue = Union[str, int, float, bool]

# dataclass(slots=True) needs Python 3.10; on 3.9 the class has a __dict__.
_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


@dataclass(frozen=True, **_SLOTS)
class Event:
    """One fact about a call, copied from the library's ``bw_event``. Frozen.

    Given to a client's ``on_event`` callable and logged to the ``bwvoice``
    logger. It never holds a credential, token, header or body. ``None``
    means the library had nothing to say (an empty string or 0 in C).
    :meth:`attributes` gives the same fields under OpenTelemetry names.
    """

    #: ``"attempt_end"``, ``"retry_scheduled"``, ``"retry_denied"``,
    #: ``"token_fetch"`` or ``"call_end"``.
    kind: EventKind
    #: The API's operationId (``"updateCall"``, ``"createCall"``, ``"getConference"``...:
    #: the operations listed at the top of ``bwvoice.h``), or ``"token"``.
    operation: str
    #: ``"GET"``, ``"POST"`` or ``"PUT"`` (``http.request.method``).
    http_request_method: str
    #: ``"/accounts/{accountId}/calls/{callId}"``... (``url.template``); ``None``
    #: for a token fetch.
    url_template: str | None
    #: The call's account and id; ``None`` for a token fetch. ``call_id`` is
    #: the member's call for a conference member operation, ``None`` for an
    #: operation on no one call (createCall, listCalls, a conference).
    account_id: str | None
    call_id: str | None
    #: The host and port the request went to (``server.address``, ``server.port``).
    server_address: str | None
    server_port: int | None
    #: 1 for the first attempt (``http.request.resend_count`` is one less);
    #: ``None`` for a token fetch.
    attempt: int | None
    #: ``http.response.status_code``; ``None`` when there was no response.
    http_response_status_code: int | None
    #: ``"BW_OK"`` or the failure's status name, e.g. ``"BW_ERR_SERVER"``
    #: (as :attr:`bwvoice.BandwidthError.status`).
    status: str
    #: The numeric ``bw_status`` (``bwvoice.STATUS_CLASSES`` maps it to its exception).
    status_code: int
    #: ``error.type``: the HTTP status (``"503"``) of an error response, else a
    #: short status name (``"timeout"``, ``"connect"``); ``None`` on success.
    error_type: str | None
    #: For ``"retry_scheduled"`` / ``"retry_denied"``: ``"rate_limited"``,
    #: ``"unavailable"``, ``"server_error"``, ``"timeout"``, ``"connect"``,
    #: ``"stale_token"`` (or a newer value); else ``None``.
    retry_reason: str | None
    #: For ``"retry_scheduled"``: seconds to wait before the retry; else ``None``.
    retry_delay: float | None
    #: Seconds the attempt, token fetch or whole call took (microsecond precision).
    duration: float
    #: The attempt (for ``"call_end"``: the call's last attempt) used a pooled
    #: connection, with no TCP or TLS setup; ``False`` for the other kinds.
    connection_reused: bool
    #: The conference the operation acts on (``getConference``...); else ``None``.
    #: For a conference member, ``call_id`` is the member's call.
    conference_id: str | None = None

    def attributes(self) -> dict[str, AttributeValue]:
        """The event as flat OpenTelemetry-style attributes (the ``extra`` of its log record).

        OpenTelemetry's HTTP client names where one exists
        (``http.request.method``, ``url.template``, ``server.address``,
        ``server.port``, ``http.request.resend_count``,
        ``http.response.status_code``, ``error.type``), ``bwvoice.*`` for the
        rest. A key whose field is ``None`` is left out.
        """
        pairs: dict[str, AttributeValue | None] = {
            "bwvoice.event": self.kind,
            "bwvoice.operation": self.operation,
            "http.request.method": self.http_request_method,
            "url.template": self.url_template,
            "server.address": self.server_address,
            "server.port": self.server_port,
            "bwvoice.account_id": self.account_id,
            "bwvoice.call_id": self.call_id,
            "bwvoice.conference_id": self.conference_id,
            "bwvoice.attempt": self.attempt,
            "http.request.resend_count": None if self.attempt is None else self.attempt - 1,
            "http.response.status_code": self.http_response_status_code,
            "bwvoice.status": self.status,
            "error.type": self.error_type,
            "bwvoice.retry_reason": self.retry_reason,
            "bwvoice.retry_delay": self.retry_delay,
            "bwvoice.duration": self.duration,
            "bwvoice.connection_reused": self.connection_reused,
        }
        return {key: value for key, value in pairs.items() if value is not None}


def _text(raw: bytes | None) -> str | None:
    """A ``bw_event`` string as ``str``; ``None`` for an empty one."""
    return raw.decode("utf-8", "replace") if raw else None


def _has(view: _ffi.bw_event, name: str) -> bool:
    """Whether the library's ``bw_event`` has ``name`` (``struct_size`` covers it)."""
    member = getattr(_ffi.bw_event, name)
    return bool(view.struct_size >= member.offset + member.size)


def from_native(view: _ffi.bw_event) -> Event | None:
    """Copies a library-owned ``bw_event``; ``None`` for a kind this binding does not know."""
    kind = _KINDS.get(view.kind)
    if kind is None or not _has(view, "connection_reused"):  # pragma: no cover - newer/older
        return None
    return Event(
        kind=kind,
        operation=_text(view.operation) or "",
        http_request_method=_text(view.http_request_method) or "",
        url_template=_text(view.url_template),
        account_id=_text(view.account_id),
        call_id=_text(view.call_id),
        server_address=_text(view.server_address),
        server_port=view.server_port or None,
        attempt=view.attempt or None,
        http_response_status_code=view.http_response_status_code or None,
        status=_ffi.status_str(view.status),
        status_code=view.status,
        error_type=_text(view.error_type),
        retry_reason=_text(view.retry_reason),
        retry_delay=(
            view.retry_delay_ms / 1000.0 if view.kind == _ffi.BW_EVENT_RETRY_SCHEDULED else None
        ),
        duration=view.duration_us / 1_000_000.0,
        connection_reused=bool(view.connection_reused),
        conference_id=_text(view.conference_id) if _has(view, "conference_id") else None,
    )


# --- log records -------------------------------------------------------------------


def _call(event: Event) -> str:
    """``updateCall of call c-1``, ``getConference of conference conf-1``, or the operation."""
    if event.conference_id is not None:
        member = "" if event.call_id is None else f" member {event.call_id}"
        return f"{event.operation} of conference {event.conference_id}{member}"
    if event.call_id is None:
        return event.operation
    return f"{event.operation} of call {event.call_id}"


def _answer(event: Event) -> str:
    """``HTTP 200``, ``HTTP 503 (BW_ERR_SERVER)``, ``OK`` or ``no response (BW_ERR_TIMEOUT)``."""
    code = event.http_response_status_code
    if event.status_code == _ffi.BW_OK:
        return "OK" if code is None else f"HTTP {code}"
    return f"{'no response' if code is None else f'HTTP {code}'} ({event.status})"


def _cause(event: Event) -> str:
    """``unavailable: 503`` or ``stale_token``: why a retry was wanted."""
    reason = event.retry_reason or "unknown reason"
    return reason if event.error_type is None else f"{reason}: {event.error_type}"


def _message(event: Event) -> tuple[str, tuple[object, ...]]:
    """The log message (``%`` format and arguments) of an event."""
    millis = event.duration * 1000
    if event.kind == "attempt_end":
        return "%s: attempt %d %s %s: %s in %.1f ms%s", (
            _call(event),
            event.attempt or 0,
            event.http_request_method,
            event.url_template,
            _answer(event),
            millis,
            " (pooled connection)" if event.connection_reused else "",
        )
    if event.kind == "retry_scheduled":
        return "%s: attempt %d failed (%s); retrying in %.3f s", (
            _call(event),
            event.attempt or 0,
            _cause(event),
            event.retry_delay or 0.0,
        )
    if event.kind == "retry_denied":
        return "%s: attempt %d failed (%s); not retried: the retry budget is exhausted", (
            _call(event),
            event.attempt or 0,
            _cause(event),
        )
    if event.kind == "token_fetch":
        return "OAuth2 token request to %s%s: %s in %.1f ms", (
            event.server_address,
            "" if event.call_id is None else f" (for call {event.call_id})",
            _answer(event),
            millis,
        )
    return "%s ended: %s after %d attempt(s) in %.1f ms", (
        _call(event),
        event.status,
        event.attempt or 0,
        millis,
    )


def _log(code: int, event: Event) -> None:
    level = _LEVELS[code]
    if LOGGER.isEnabledFor(level):
        message, args = _message(event)
        LOGGER.log(level, message, *args, extra=event.attributes())


# --- the C hook ----------------------------------------------------------------------

#: A client's ``on_event`` argument.
OnEvent = Callable[[Event], object]


class _EventSink:
    """The ``bw_event_fn`` of one client: copies, logs, calls ``on_event``.

    Holds no reference to its client (a client's finalizer must not be kept
    alive by its own callback).
    """

    __slots__ = ("_on_event",)

    def __init__(self, on_event: OnEvent | None) -> None:
        self._on_event = on_event

    def __call__(self, userdata: int | None, event: Any) -> None:
        # Nothing may escape into the library (ctypes would print and drop it).
        try:
            self._handle(event.contents)
        except KeyboardInterrupt:
            if _INTERRUPTS.in_call:
                # Ctrl-C during a blocking call: raised once the call returns.
                _INTERRUPTS.caught = True
            else:  # an asynchronous call's worker thread: nobody to raise it to
                with contextlib.suppress(BaseException):
                    LOGGER.exception("bwvoice: KeyboardInterrupt while handling an event")
        except BaseException:
            with contextlib.suppress(BaseException):
                LOGGER.exception("bwvoice: handling an event failed")

    def _handle(self, view: _ffi.bw_event) -> None:
        code = int(view.kind)
        event = from_native(view)
        if event is None:  # pragma: no cover - a kind from a newer library
            return
        try:
            _log(code, event)
        except Exception:  # a handler or filter that raises: on_event still gets the event
            with contextlib.suppress(Exception):
                LOGGER.exception("bwvoice: logging an event failed")
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                LOGGER.exception("bwvoice: the on_event callable %r raised", self._on_event)


class _Interrupts(threading.local):
    """Per thread: inside a blocking call; a KeyboardInterrupt caught by its callback."""

    in_call = False
    caught = False


_INTERRUPTS = _Interrupts()


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Around a blocking call: a KeyboardInterrupt raised in its event callbacks is raised after.

    A signal handler runs in whatever Python code the main thread runs, so
    Ctrl-C during a blocking call may surface inside an event callback, where
    it cannot propagate (it would only be printed). The callback notes it
    and this raises it once the call has returned, as without a callback.
    """
    state = _INTERRUPTS
    outer = state.in_call, state.caught
    state.in_call, state.caught = True, False
    try:
        yield
        caught = state.caught
    finally:
        state.in_call, state.caught = outer
    if caught:
        raise KeyboardInterrupt


def hook(on_event: OnEvent | None) -> tuple[Any, int]:
    """The ``bw_event_fn`` and ``event_mask`` for a new client; ``(None, 0)``: no hook.

    With ``on_event``, every kind; else the kinds whose level :data:`LOGGER`
    has enabled now (a later change of level applies to clients created after it).
    """
    if on_event is not None and not callable(on_event):
        raise TypeError(f"on_event must be callable, not {type(on_event).__name__}")
    mask = 0
    for code, level in _LEVELS.items():
        if on_event is not None or LOGGER.isEnabledFor(level):
            mask |= 1 << code
    if mask == 0:  # 0 would mean "every event" to the library: install nothing
        return None, 0
    return _ffi.bw_event_fn(_EventSink(on_event)), mask
