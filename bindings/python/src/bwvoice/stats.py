"""The :class:`Stats` returned by :meth:`bwvoice.Client.stats`.

A typed, immutable copy of the library's ``bw_stats``: the client's
counters since it was created (they only grow, so two snapshots subtract
into a rate), plus the retry budget's tokens and the asynchronous calls
queued and running right now.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import _ffi

__all__ = ["Stats"]

#: The reasons of ``bw_stats.retries_<reason>``, in the struct's order.
RETRY_REASONS = (
    "rate_limited",
    "unavailable",
    "server_error",
    "timeout",
    "connect",
    "stale_token",
)

# dataclass(slots=True) needs Python 3.10; on 3.9 the class has a __dict__.
_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


@dataclass(frozen=True, **_SLOTS)
class Stats:
    """A snapshot of a client's counters. Frozen (and slotted on 3.10+).

    ``retries_by_reason`` and ``outcomes`` are fresh ``dict`` objects typed
    ``Mapping``: treat them as read-only (they are left out of ``hash()``;
    equality compares them).
    """

    #: Calls ended (blocking and asynchronous), failures included.
    calls: int
    #: HTTP attempts to the Voice API, retries included (token requests not).
    attempts: int
    #: Retries scheduled.
    retries: int
    #: Retries scheduled by reason: every one of ``"rate_limited"``,
    #: ``"unavailable"``, ``"server_error"``, ``"timeout"``, ``"connect"``,
    #: ``"stale_token"``, zeros included.
    retries_by_reason: Mapping[str, int] = field(hash=False)
    #: Retries refused because the retry budget was empty.
    retries_denied: int
    #: Tokens left in the retry budget; ``None`` when it is off.
    retry_budget_tokens: int | None
    #: OAuth2 token requests.
    token_fetches: int
    #: Attempts that opened a connection.
    connections_opened: int
    #: Attempts that reused a pooled connection.
    connections_reused: int
    #: Asynchronous calls waiting for a worker right now (0 for a ``Client``).
    jobs_queued: int
    #: Asynchronous calls running right now (0 for a ``Client``).
    jobs_running: int
    #: Calls ended, by status name (``"BW_OK"``, ``"BW_ERR_NOT_FOUND"``, ...):
    #: only the statuses that occurred, in status order.
    outcomes: Mapping[str, int] = field(hash=False)


def _status_name(code: int) -> str:
    name = _ffi.status_str(code)
    return name if name != "BW_ERR_UNKNOWN" else f"BW_ERR_UNKNOWN({code})"


def from_native(view: _ffi.bw_stats) -> Stats:
    """Copies a ``bw_stats`` filled by ``bw_client_stats``."""
    tokens = int(view.retry_budget_tokens)
    return Stats(
        calls=view.calls,
        attempts=view.attempts,
        retries=view.retries,
        retries_by_reason={r: int(getattr(view, f"retries_{r}")) for r in RETRY_REASONS},
        retries_denied=view.retries_denied,
        retry_budget_tokens=None if tokens < 0 else tokens,
        token_fetches=view.token_fetches,
        connections_opened=view.connections_opened,
        connections_reused=view.connections_reused,
        jobs_queued=view.jobs_queued,
        jobs_running=view.jobs_running,
        outcomes={
            _status_name(code): int(count) for code, count in enumerate(view.outcomes) if count
        },
    )
