"""Reading the structs the library allocates (``bw_call_state``, ``bw_conference``...).

Each carries the library's own ``struct_size``: a field beyond it (from a
library older than this header) reads as absent. Strings are UTF-8, ``NULL``
is ``None``; times are read from their ``*_ms`` twin (``BW_TIME_ABSENT``:
``None``) as timezone-aware UTC :class:`~datetime.datetime`.
"""

from __future__ import annotations

import ctypes
from datetime import datetime, timedelta, timezone
from typing import Any

from . import _ffi

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def has(view: ctypes.Structure, name: str) -> bool:
    """Whether the library allocated ``name`` (``struct_size`` covers it)."""
    member = getattr(type(view), name)
    size: int = view.struct_size  # every such struct has one
    return bool(size >= member.offset + member.size)


def field(view: ctypes.Structure, name: str) -> Any:
    """The field's value, or ``None`` when the library did not allocate it."""
    return getattr(view, name) if has(view, name) else None


def text(view: ctypes.Structure, name: str) -> str | None:
    raw: bytes | None = field(view, name)
    return None if raw is None else raw.decode("utf-8")


def time(view: ctypes.Structure, name: str) -> datetime | None:
    millis: int | None = field(view, f"{name}_ms")
    # The library refuses times outside the years 1-9999 (UTC), which datetime holds.
    if millis is None or millis == _ffi.BW_TIME_ABSENT:
        return None
    return EPOCH + timedelta(milliseconds=millis)


def number(view: ctypes.Structure, name: str) -> Any:
    """A number the library reports as 0 when the server did not: ``None`` then."""
    return field(view, name) or None


def flag(view: ctypes.Structure, name: str) -> bool | None:
    """A ``BW_BOOL_*`` as ``True``/``False``, ``None`` when not reported."""
    value = field(view, name)
    if value == _ffi.BW_BOOL_TRUE:
        return True
    return False if value == _ffi.BW_BOOL_FALSE else None


def items(view: ctypes.Structure, name: str) -> list[Any]:
    """The ``name_len`` elements of the array ``name`` (empty when NULL)."""
    pointer = field(view, name)
    length = field(view, f"{name}_len")
    if not pointer or not length:
        return []
    return [pointer[index] for index in range(length)]


def structs(view: ctypes.Structure, name: str) -> list[Any]:
    """The structs an array of pointers ``name`` points to (``bw_call_page.calls``)."""
    return [pointer.contents for pointer in items(view, name)]


def texts(view: ctypes.Structure, name: str) -> list[str]:
    """An array of strings as ``str``."""
    return [raw.decode("utf-8") for raw in items(view, name)]
