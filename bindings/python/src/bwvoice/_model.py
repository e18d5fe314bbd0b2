"""What the request and result dataclasses share: their options and a repr without passwords."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

# slots and kw_only need Python 3.10; on 3.9 the classes have a __dict__ and
# also take their fields positionally (the required ones come first).
_NEW = sys.version_info >= (3, 10)
#: ``@dataclass(frozen=True, **REQUEST)``: a request the caller builds, keyword-only.
REQUEST: dict[str, Any] = {"slots": True, "kw_only": True} if _NEW else {}
#: ``@dataclass(frozen=True, **RESULT)``: a result copied from the library.
RESULT: dict[str, Any] = {"slots": True} if _NEW else {}


def redacted_repr(self: Any) -> str:
    """The dataclass's repr, every ``*password`` that is set shown as ``'***'``."""
    parts = []
    for item in dataclasses.fields(self):
        value = getattr(self, item.name)
        shown = "'***'" if item.name.endswith("password") and value is not None else repr(value)
        parts.append(f"{item.name}={shown}")
    return f"{type(self).__name__}({', '.join(parts)})"
