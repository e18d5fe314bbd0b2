"""The growable structs' ``struct_size`` and the library's version number."""

from __future__ import annotations

import ctypes
import re

import pytest

from bwvoice import _ffi
from simulator import REPO

GROWABLE = (_ffi.bw_client_config, _ffi.bw_modify_call_request, _ffi.bw_error)


@pytest.mark.parametrize("struct", GROWABLE, ids=lambda s: s.__name__)
def test_construction_sets_struct_size_to_sizeof(struct: type[ctypes.Structure]) -> None:
    assert struct().struct_size == ctypes.sizeof(struct) > 0
    # Keyword fields do not disturb it; an explicit size is kept as given.
    assert struct(**{struct._fields_[1][0]: 1}).struct_size == ctypes.sizeof(struct)
    assert struct(struct_size=7).struct_size == 7


def test_library_version_number_is_the_headers() -> None:
    header = (REPO / "include" / "bwvoice.h").read_text()
    parts = {
        name: int(value)
        for name, value in re.findall(r"#define BW_VERSION_(MAJOR|MINOR|PATCH) (\d+)", header)
    }
    expected = parts["MAJOR"] << 16 | parts["MINOR"] << 8 | parts["PATCH"]
    assert _ffi.library_version_number() == expected == _ffi.BW_VERSION_NUMBER
    assert _ffi.lib.bw_version_number() == expected


def test_unknown_config_size_is_rejected_by_the_library() -> None:
    cfg = _ffi.bw_client_config(struct_size=0, username=b"u", password=b"p")
    err = _ffi.bw_error()
    ptr = _ffi.ClientPtr()
    assert _ffi.client_new(cfg, ptr, err) == _ffi.BW_ERR_INVALID_ARGUMENT
    assert not ptr
    assert err.struct_size == ctypes.sizeof(_ffi.bw_error)
    assert (err.status, err.field) == (_ffi.BW_ERR_INVALID_ARGUMENT, b"cfg.struct_size")


def test_unknown_error_size_is_rejected_and_nothing_written() -> None:
    cfg = _ffi.bw_client_config(username=b"u", password=b"p")
    err = _ffi.bw_error(struct_size=0, status=-5, message=b"untouched")
    ptr = _ffi.ClientPtr()
    assert _ffi.client_new(cfg, ptr, err) == _ffi.BW_ERR_INVALID_ARGUMENT
    assert not ptr
    assert (err.struct_size, err.status, err.message) == (0, -5, b"untouched")
