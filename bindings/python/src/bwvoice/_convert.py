"""Python values as the C ABI's: strings, enums, numbers, optional booleans.

Only conversion: a value of the wrong Python type is a :class:`TypeError`,
and a value C cannot carry (a NUL, a lone surrogate, an unknown enum name,
a 0 that C would read as "not set", a number outside its C type) a
:class:`~bwvoice.ValidationError` naming the field. Every rule about the
values themselves is the library's.
"""

from __future__ import annotations

import ctypes
import math
import os
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from . import _ffi
from .errors import ValidationError, invalid

UINT32_MAX = 0xFFFF_FFFF

#: ``redirect_method``, ``answer_method``... of every request (case-insensitive).
RedirectMethod = Literal["GET", "POST"]

#: ``BW_METHOD_*`` by lower-case name (every ``*_method`` of a request).
METHODS: dict[str, int] = {"get": _ffi.BW_METHOD_GET, "post": _ffi.BW_METHOD_POST}


def c_str(value: object, field: str, name: str | None = None) -> bytes:
    """A required ``str`` as NUL-terminated UTF-8; ``name`` (default ``field``) for messages."""
    name = name or field
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise invalid(field, f"{name} contains a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(field, f"{name} is not valid Unicode (lone surrogate)") from None


def c_opt_str(value: object, field: str) -> bytes | None:
    """An optional ``str``: ``None`` becomes NULL (not sent / default)."""
    return None if value is None else c_str(value, field)


def c_path(value: object, field: str) -> bytes | None:
    """An optional ``str`` or ``os.PathLike[str]``."""
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return c_str(value, field)


def c_time(value: object, field: str) -> bytes | None:
    """An optional time: a ``str`` as it is, a ``datetime`` in ISO 8601 (the library checks it)."""
    if isinstance(value, datetime):
        # A naive datetime has no offset: the library refuses it as not RFC 3339.
        value = value.isoformat(timespec="milliseconds")
    return c_opt_str(value, field)


def c_str_list(value: object, field: str) -> tuple[object, int]:
    """A ``list``/``tuple`` of ``str`` as a ``const char *const *`` and its length.

    The array always has a slot, so an empty list is a non-NULL pointer
    (for ``call_ids_to_coach``: "coach no one", where NULL means "unchanged").
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{field} must be a list of str, not {type(value).__name__}")
    items = [c_str(item, field, f"{field}[{index}]") for index, item in enumerate(value)]
    array = (ctypes.c_char_p * max(len(items), 1))(*items)
    return array, len(items)


def c_enum(value: object, field: str, table: dict[str, int], unset: int) -> int:
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


def c_method(value: object, field: str) -> int:
    """An optional ``"GET"``/``"POST"`` (case-insensitive) as ``BW_METHOD_*``."""
    return c_enum(value, field, METHODS, _ffi.BW_METHOD_UNSET)


def c_flag(value: object, field: str) -> int:
    """An optional ``bool`` as ``BW_BOOL_UNSET``/``_FALSE``/``_TRUE``."""
    if value is None:
        return _ffi.BW_BOOL_UNSET
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be a bool, not {type(value).__name__}")
    return _ffi.BW_BOOL_TRUE if value else _ffi.BW_BOOL_FALSE


def c_bool(value: object, field: str) -> bool:
    """A required ``bool``."""
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be a bool, not {type(value).__name__}")
    return value


def _unset_zero(field: str) -> ValidationError:
    return invalid(field, f"{field} is 0, which the library reads as not set (None)")


def c_seconds(value: object, field: str) -> float:
    """Optional seconds (``int`` or ``float``) as a ``double``; 0.0 (not sent) if ``None``.

    The library checks the range; only 0, which C reads as "not set", is
    refused here.
    """
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{field} must be a number of seconds, not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:
        raise invalid(field, f"{field} is too large for a double") from None
    if seconds == 0:
        raise _unset_zero(field)
    return seconds


def c_u32(value: object, field: str) -> int:
    """An optional ``int`` as a ``uint32_t``; 0 (not sent) if ``None``.

    The library checks the range; only what ``uint32_t`` cannot carry (0
    means "not set") is refused here.
    """
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {type(value).__name__}")
    if value == 0:
        raise _unset_zero(field)
    if not 0 < value <= UINT32_MAX:
        raise invalid(field, f"{field} is {value}, outside 1 to {UINT32_MAX}")
    return value


def c_millis(value: object, field: str) -> int:
    """Optional seconds (int or float) as positive ``uint32_t`` milliseconds, 0 if ``None``."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{field} must be a number of seconds, not {type(value).__name__}")
    if (isinstance(value, float) and math.isnan(value)) or value <= 0:
        raise invalid(field, f"{field} must be a positive number of seconds (None: default)")
    # Round up: a positive value must never become 0, which C reads as "default".
    millis = math.ceil(value * 1000) if value <= UINT32_MAX else UINT32_MAX + 1
    if millis > UINT32_MAX:
        raise invalid(field, f"{field} is too large (at most {UINT32_MAX // 1000} seconds)")
    return millis


def c_count(value: object, field: str) -> int:
    """An optional positive ``uint32_t``, 0 if ``None``."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {type(value).__name__}")
    if not 1 <= value <= UINT32_MAX:
        raise invalid(field, f"{field} must be between 1 and {UINT32_MAX} (None: default)")
    return value


def c_call_options(timeout: object) -> _ffi.bw_call_options | None:
    """An operation's ``timeout`` as ``bw_call_options``; ``None`` (NULL) for the client's."""
    if timeout is None:
        return None
    return _ffi.bw_call_options(timeout_ms=c_millis(timeout, "timeout"))


def required(value: object, field: str) -> str:
    """A positional ``str`` argument that must not be ``None``."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    return value
