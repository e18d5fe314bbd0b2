"""Every callback of tests/data/callbacks/ parses to its X.expected.json, field by field.

The directory is walked, so a file added there is tested with no change here;
its README gives the format. Python's times are ``datetime`` values only, so
the ``X_ms`` of a time is checked and its text is not.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import bwvoice

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "callbacks"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
INPUTS = sorted(
    p
    for p in CORPUS.iterdir()
    if p.suffix == ".query" or (p.suffix == ".json" and not p.name.endswith(".expected.json"))
)


def _expected_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")


def _view(value: Any) -> Any:
    """The corpus's form of a parsed value: present fields only, C's names."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for item in dataclasses.fields(value):
            name = "from" if item.name == "from_" else item.name
            got = getattr(value, item.name)
            if isinstance(got, bwvoice.CallbackEvent):
                out[name] = got.name
            elif isinstance(got, datetime):
                # Milliseconds from the datetime's own fields: no float rounding.
                out[name + "_ms"] = (got - EPOCH) // timedelta(milliseconds=1)
            elif isinstance(got, Mapping):
                if got:
                    out[name] = [[k, v] for k, v in got.items()]
            elif isinstance(got, tuple):
                if got:
                    out[name] = list(got)
            elif got is not None:
                out[name] = _view(got)
        return out
    return value


def _drop_time_text(expected: dict[str, Any]) -> dict[str, Any]:
    """Python keeps no time's text: leave it out of what is compared."""
    out: dict[str, Any] = {}
    for key, value in expected.items():
        if f"{key}_ms" in expected:
            continue
        out[key] = _drop_time_text(value) if isinstance(value, dict) else value
    return out


def _diff(path: str, got: Any, want: Any, out: list[str]) -> None:
    if isinstance(got, dict) and isinstance(want, dict):
        for key in sorted(set(got) | set(want)):
            at = f"{path}.{key}" if path else key
            if key not in want:
                out.append(f"{at}: got {got[key]!r}, expected absent")
            elif key not in got:
                out.append(f"{at}: absent, expected {want[key]!r}")
            else:
                _diff(at, got[key], want[key], out)
    elif got != want or type(got) is not type(want):
        out.append(f"{path}: got {got!r}, expected {want!r}")


def test_the_corpus_is_there() -> None:
    assert len(INPUTS) >= 40, INPUTS


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_corpus_callback_parses_as_expected(path: Path) -> None:
    expected_path = _expected_path(path)
    assert expected_path.exists(), f"{path.name}: no {expected_path.name}"
    want = _drop_time_text(json.loads(expected_path.read_text(encoding="utf-8")))
    if path.suffix == ".query":
        # The file's final newline is not part of the query string.
        parsed = bwvoice.parse_callback_query(path.read_text(encoding="utf-8").rstrip("\r\n"))
    else:
        parsed = bwvoice.parse_callback(path.read_bytes())
    problems: list[str] = []
    _diff("", _view(parsed), want, problems)
    assert not problems, "\n".join(f"{path.name}: {p}" for p in problems)
