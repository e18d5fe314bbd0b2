"""listCalls: the :class:`ListCallsQuery` and the :class:`CallPage` it reads.

Paging itself is :meth:`bwvoice.Client.iter_calls` (and its asynchronous
twin): it reads page after page until ``next_page_token`` is ``None``, and
refuses a token it already followed (:class:`Tokens`), so a server that
hands out the same pages forever cannot make it loop forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import _ffi, _model, _view, call_state
from ._convert import c_opt_str, c_str, c_time, c_u32
from .call_state import CallState
from .errors import ProtocolError

__all__ = ["CallPage", "ListCallsQuery"]


@dataclass(frozen=True, **_model.REQUEST)
class ListCallsQuery:
    """Which calls "Get calls" reads. Frozen, keyword-only; ``None`` is "no filter".

    ``min_start_time`` / ``max_start_time`` are RFC 3339 text or a
    timezone-aware :class:`~datetime.datetime` (a naive one has no offset,
    which the library refuses). ``page_size``: 1 to 10000 (Bandwidth's
    default 1000). ``page_token``: the page to read, a
    :attr:`CallPage.next_page_token`; ``None`` for the first.
    """

    #: Only calls to this number or SIP URI, as written (``"+1..."``, never pre-encoded).
    to: str | None = None
    #: Only calls from this number (the API's ``from``).
    from_: str | None = None
    #: Only calls started at or after this time.
    min_start_time: str | datetime | None = None
    #: Only calls started at or before this time.
    max_start_time: str | datetime | None = None
    #: Only calls that ended this way (``"hangup"``, ``"busy"``, ...).
    disconnect_cause: str | None = None
    page_size: int | None = None
    page_token: str | None = None


@dataclass(frozen=True, **_model.RESULT)
class CallPage:
    """One page of the account's calls, oldest first. Frozen.

    ``calls`` is a fresh ``list`` owned by this object (left out of
    ``hash()``). ``next_page_token`` reads the next page (as
    ``ListCallsQuery.page_token``, the other filters unchanged); ``None`` on
    the last page.
    """

    calls: list[CallState] = field(hash=False)
    next_page_token: str | None


def to_native(query: object) -> _ffi.bw_list_calls_query:
    """A :class:`ListCallsQuery` (``None``: every call, first page) as ``bw_list_calls_query``."""
    if query is None:
        return _ffi.bw_list_calls_query()
    if not isinstance(query, ListCallsQuery):
        raise TypeError(f"query must be a ListCallsQuery, not {type(query).__name__}")
    native = _ffi.bw_list_calls_query(
        to=c_opt_str(query.to, "to"),
        min_start_time=c_time(query.min_start_time, "min_start_time"),
        max_start_time=c_time(query.max_start_time, "max_start_time"),
        disconnect_cause=c_opt_str(query.disconnect_cause, "disconnect_cause"),
        page_size=c_u32(query.page_size, "page_size"),
        page_token=c_opt_str(query.page_token, "page_token"),
    )
    setattr(native, "from", c_opt_str(query.from_, "from"))  # `from` is a Python keyword
    return native


def from_native(view: _ffi.bw_call_page) -> CallPage:
    """Copies a library-allocated ``bw_call_page`` (which the caller then frees)."""
    return CallPage(
        calls=[call_state.from_native(call) for call in _view.structs(view, "calls")],
        next_page_token=_view.text(view, "next_page_token"),
    )


class Tokens:
    """The page tokens followed so far: one the server gives again is refused.

    Following a token twice would read the same pages again, for ever if the
    server keeps linking back; :meth:`follow` raises
    :class:`~bwvoice.ProtocolError` instead.
    """

    def __init__(self, first: bytes | None) -> None:
        self._followed = set() if first is None else {first}

    def follow(self, token: str) -> bytes:
        """``token`` as the next query's ``page_token``, unless it was followed before."""
        raw = c_str(token, "page_token")
        if raw in self._followed:
            raise ProtocolError(
                f"listCalls: after {len(self._followed)} page(s) the server linked to a page "
                "already read (the same page token again); stopping instead of reading the "
                "same pages forever"
            )
        self._followed.add(raw)
        return raw
