"""The :class:`CallState` returned by :meth:`bwvoice.Client.get_call_state`.

A typed, immutable copy of the library's ``bw_call_state`` (Bandwidth's
``callState``): every string decoded to ``str``, every time converted to a
timezone-aware UTC :class:`~datetime.datetime`, ``NULL`` to ``None``. The
native struct is freed as soon as it has been copied.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import _ffi, _view

__all__ = ["CallState"]

# dataclass(slots=True) needs Python 3.10; on 3.9 the class has a __dict__.
_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


@dataclass(frozen=True, **_SLOTS)
class CallState:
    """A call's state as "Get call state" reported it. Frozen (and slotted on 3.10+).

    Every attribute is ``None`` when the server sent ``null`` or nothing.
    ``state``, ``direction`` and ``disconnect_cause`` are the server's text,
    never checked against a list: Bandwidth may add values, so treat an
    unknown one as "other". Known values:

    * ``state`` -- ``"queued"``, ``"initiated"``, ``"answered"``, ``"disconnected"``;
    * ``direction`` -- ``"inbound"``, ``"outbound"``;
    * ``disconnect_cause`` -- ``"hangup"``, ``"busy"``, ``"timeout"``,
      ``"cancel"``, ``"rejected"``, ``"callback-error"``, ``"invalid-bxml"``,
      ``"application-error"``, ``"account-limit"``,
      ``"node-capacity-exceeded"``, ``"error"``, ``"unknown"``.

    The ``*_time`` attributes and ``last_update`` are timezone-aware UTC
    :class:`~datetime.datetime` values with millisecond precision.
    ``from_`` is the API's ``from`` (a Python keyword). ``stir_shaken`` maps
    each STIR/SHAKEN property (``verstat``, ``attestationIndicator``,
    ``originatingId``, ...) to its value, sorted by key, empty when absent; a
    value the server sent as a non-string is its JSON text. It is a fresh
    ``dict`` owned by this object and typed ``Mapping``: treat it as read-only
    (it is left out of ``hash()``; equality compares it).
    """

    #: The call's id.
    call_id: str | None
    #: The account the call belongs to.
    account_id: str | None
    #: The application that handles the call's callbacks.
    application_id: str | None
    #: The A-leg's call id when this call is the B-leg of a ``<Transfer>``.
    parent_call_id: str | None
    #: E.164 number or SIP URI that received the call.
    to: str | None
    #: E.164 number that made the call (the API's ``from``).
    from_: str | None
    #: ``"inbound"``, ``"outbound"``, or a newer value.
    direction: str | None
    #: ``"queued"``, ``"initiated"``, ``"answered"``, ``"disconnected"``, or a newer value.
    state: str | None
    #: When the call was queued.
    enqueued_time: datetime | None
    #: When the call was initiated; ``None`` while it is queued.
    start_time: datetime | None
    #: When the call was answered; ``None`` until then.
    answer_time: datetime | None
    #: When the call ended; ``None`` until then.
    end_time: datetime | None
    #: The last time the call's state changed.
    last_update: datetime | None
    #: Why the call ended (``"hangup"``, ``"cancel"``, ...); ``None`` while it is up.
    disconnect_cause: str | None
    #: When the call ended with an error: the explanation.
    error_message: str | None
    #: When the call ended with an error: Bandwidth's id for it.
    error_id: str | None
    #: The inbound INVITE's ``Identity`` header, if forwarded.
    identity: str | None
    #: STIR/SHAKEN verification, sorted by key; empty when absent.
    stir_shaken: Mapping[str, str] = field(hash=False)


def _pairs(view: _ffi.bw_call_state) -> dict[str, str]:
    return {
        pair.key.decode("utf-8"): pair.value.decode("utf-8")
        for pair in _view.items(view, "stir_shaken")
    }


def from_native(view: _ffi.bw_call_state) -> CallState:
    """Copies a library-allocated ``bw_call_state`` (which the caller then frees)."""
    return CallState(
        call_id=_view.text(view, "call_id"),
        account_id=_view.text(view, "account_id"),
        application_id=_view.text(view, "application_id"),
        parent_call_id=_view.text(view, "parent_call_id"),
        to=_view.text(view, "to"),
        from_=_view.text(view, "from"),
        direction=_view.text(view, "direction"),
        state=_view.text(view, "state"),
        enqueued_time=_view.time(view, "enqueued_time"),
        start_time=_view.time(view, "start_time"),
        answer_time=_view.time(view, "answer_time"),
        end_time=_view.time(view, "end_time"),
        last_update=_view.time(view, "last_update"),
        disconnect_cause=_view.text(view, "disconnect_cause"),
        error_message=_view.text(view, "error_message"),
        error_id=_view.text(view, "error_id"),
        identity=_view.text(view, "identity"),
        stir_shaken=_pairs(view),
    )
