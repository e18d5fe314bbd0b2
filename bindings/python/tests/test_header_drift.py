"""``bwvoice._bindings`` is generated from ``include/bwvoice.h``, and matches a C compiler."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bwvoice
from bwvoice import _bindings, _ffi, errors, events, stats
from simulator import REPO

HEADER = REPO / "include" / "bwvoice.h"
GENERATOR = REPO / "bindings" / "python" / "scripts" / "generate_bindings.py"


def header_text() -> str:
    """The header without comments."""
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def header_defines() -> dict[str, str]:
    """Every ``BW_*`` macro -> its replacement text (the C one where C++ differs)."""
    text = re.sub(r"#ifdef __cplusplus.*?#else", "", header_text(), flags=re.S)
    return dict(re.findall(r"^#define (BW_\w+)[ \t]+(.+?)\s*$", text, re.M))


def structs() -> dict[str, type[ctypes.Structure]]:
    """The generated structs that have fields (not the opaque types)."""
    return {
        name: value
        for name, value in vars(_bindings).items()
        if isinstance(value, type)
        and issubclass(value, ctypes.Structure)
        and "_fields_" in vars(value)
    }


def fields(struct: type[ctypes.Structure]) -> list[str]:
    return [field[0] for field in struct._fields_]


#: The growable structs' initialiser macros; constructing the ctypes struct
#: does what they do (checked against a C compiler below).
INIT_MACROS = {
    "BW_CLIENT_CONFIG_INIT": "bw_client_config",
    "BW_MODIFY_CALL_REQUEST_INIT": "bw_modify_call_request",
    "BW_CALL_OPTIONS_INIT": "bw_call_options",
    "BW_ERROR_INIT": "bw_error",
    "BW_STATS_INIT": "bw_stats",
    "BW_CREATE_CALL_REQUEST_INIT": "bw_create_call_request",
    "BW_MACHINE_DETECTION_INIT": "bw_machine_detection",
    "BW_LIST_CALLS_QUERY_INIT": "bw_list_calls_query",
    "BW_UPDATE_CONFERENCE_REQUEST_INIT": "bw_update_conference_request",
    "BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT": "bw_update_conference_member_request",
}
#: Growable structs the library allocates (or owns) and the caller only reads: no macro.
LIBRARY_ALLOCATED = {
    "bw_call_state",
    "bw_event",
    "bw_created_call",
    "bw_call_page",
    "bw_conference",
    "bw_conference_member",
    "bw_callback",
    "bw_callback_machine_detection",
    "bw_callback_transcription",
    "bw_callback_media_stream",
}
#: Structs that are not growable (no ``struct_size``): only ever inside another.
PLAIN = {"bw_key_value"}
#: Macros that are neither integers nor initialisers -> their text in the header.
SYMBOLIC = {"BW_TIME_ABSENT": "INT64_MIN", "BW_RETRY_BUDGET_OFF": "UINT32_MAX"}
#: The ``_async`` forms of the operations whose blocking form has an ``out`` before ``err``.
WITH_OUT = {
    "bw_get_call_state_async",
    "bw_create_call_async",
    "bw_list_calls_async",
    "bw_get_conference_async",
    "bw_get_conference_member_async",
}
#: Function pointer typedefs of the header, generated as ``CFUNCTYPE``s of the same name.
FUNCTION_TYPEDEFS = {"bw_completion_fn", "bw_event_fn"}


def test_bindings_are_generated_from_the_header() -> None:
    fresh = subprocess.run(
        [sys.executable, str(GENERATOR), "--stdout"], check=True, capture_output=True, text=True
    ).stdout
    committed = Path(_bindings.__file__).read_text()
    assert committed == fresh, "regenerate with `make python-bindings`"
    assert committed.startswith('"""The ctypes declarations of ``include/bwvoice.h``.')
    assert "do not edit" in committed.splitlines()[2]


def test_constants() -> None:
    defines = header_defines()
    integers = {k: v for k, v in defines.items() if re.fullmatch(r"-?\d+", v)}
    assert len(integers) > 20
    # Every other macro is one of these, each checked below.
    others = {"BW_VERSION_STRING", "BW_VERSION_NUMBER", *INIT_MACROS, *SYMBOLIC}
    assert set(defines) == set(integers) | others
    generated = {k for k in vars(_bindings) if k.startswith("BW_")}
    assert generated == set(defines) - set(INIT_MACROS)
    assert generated <= set(vars(_ffi))  # re-exported
    for macro, struct in INIT_MACROS.items():
        assert defines[macro] == f"{{ .struct_size = sizeof({struct}) }}", macro
    for macro, text in SYMBOLIC.items():
        assert defines[macro] == text, macro  # its value is checked by the C compiler
    assert _ffi.BW_TIME_ABSENT == -(2**63)
    assert _ffi.BW_RETRY_BUDGET_OFF == 2**32 - 1


def test_every_event_kind_and_retry_reason_is_mapped() -> None:
    """The binding names every ``BW_EVENT_*`` and every ``bw_stats.retries_*`` counter."""
    kinds = {v for k, v in vars(_ffi).items() if k.startswith("BW_EVENT_")}
    assert set(events._KINDS) == kinds == set(events._LEVELS)
    assert {f"BW_EVENT_{name.upper()}" for name in events._KINDS.values()} == {
        k for k in header_defines() if k.startswith("BW_EVENT_")
    }
    counters = [f for f in fields(_ffi.bw_stats) if f.startswith("retries_")]
    assert [f"retries_{r}" for r in stats.RETRY_REASONS] == [*counters[:-1]]
    assert counters[-1] == "retries_denied"
    # Every kind fits in the 32-bit mask; the outcomes cover every status.
    assert max(kinds) < 32
    assert max(errors.STATUS_CLASSES) < _ffi.BW_STATS_OUTCOMES


def test_version_string_is_the_package_version() -> None:
    (version,) = re.findall(r'#define BW_VERSION_STRING "([^"]+)"', header_text())
    assert version == bwvoice.__version__ == _ffi.BW_VERSION_STRING
    assert bwvoice.library_version() == f"bwvoice/{version}"


def test_version_number_is_major_minor_patch() -> None:
    expr = header_defines()["BW_VERSION_NUMBER"]
    for name in ("BW_VERSION_MAJOR", "BW_VERSION_MINOR", "BW_VERSION_PATCH"):
        expr = expr.replace(name, str(getattr(_ffi, name)))
    assert re.fullmatch(r"[\d\s()<|]+", expr), expr
    number = eval(expr)  # only digits, shifts, "|" and parentheses
    major, minor, patch = (int(p) for p in bwvoice.__version__.split("."))
    assert number == _ffi.BW_VERSION_NUMBER == major << 16 | minor << 8 | patch
    assert _ffi.PROTOTYPES["bw_version_number"] == (ctypes.c_uint32, [])
    assert _ffi.library_version_number() == number


def test_function_prototypes() -> None:
    text = header_text()
    assert set(re.findall(r"\b(bw_\w+)\s*\(", text)) == set(_ffi.PROTOTYPES)
    for name, (restype, argtypes) in _ffi.PROTOTYPES.items():
        assert getattr(_ffi.lib, name).restype is restype, name
        assert getattr(_ffi.lib, name).argtypes == argtypes, name


def test_function_pointer_typedefs() -> None:
    typedefs = re.findall(r"typedef\s+[\w ]+?\*?\s*\(\*(\w+)\)\(", header_text())
    assert set(typedefs) == FUNCTION_TYPEDEFS
    for name in FUNCTION_TYPEDEFS:
        fn_type = getattr(_ffi, name)
        assert fn_type._flags_ == ctypes.CFUNCTYPE(None)._flags_, name  # not PYFUNCTYPE
    # Every *_async function takes the callback, its userdata and the job id
    # just before `err`; so does no other function.
    tail = [_ffi.bw_completion_fn, ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint64)]
    for name, (_, argtypes) in _ffi.PROTOTYPES.items():
        assert (argtypes[-4:-1] == tail) == name.endswith("_async"), name
        if name.endswith("_async"):
            blocking = _ffi.PROTOTYPES[name.removesuffix("_async")][1]
            assert (
                argtypes == [*blocking[:-1], *tail, blocking[-1]]
                or (
                    name in WITH_OUT  # the result comes in the completion, no `out`
                    and argtypes == [*blocking[:-2], *tail, blocking[-1]]
                )
            ), name


def test_struct_fields() -> None:
    found = structs()
    assert set(found) == {
        "bw_client_config",
        "bw_error",
        "bw_modify_call_request",
        "bw_call_options",
        "bw_call_state",
        "bw_key_value",
        "bw_event",
        "bw_stats",
        "bw_create_call_request",
        "bw_machine_detection",
        "bw_created_call",
        "bw_list_calls_query",
        "bw_call_page",
        "bw_conference_member",
        "bw_conference",
        "bw_update_conference_request",
        "bw_update_conference_member_request",
        "bw_callback",
        "bw_callback_machine_detection",
        "bw_callback_transcription",
        "bw_callback_media_stream",
    }
    assert set(found) == set(INIT_MACROS.values()) | LIBRARY_ALLOCATED | PLAIN
    for name, struct in found.items():
        if name in PLAIN:
            assert "struct_size" not in fields(struct), name
            continue
        assert struct._fields_[0] == ("struct_size", ctypes.c_uint32), name
    # Only the structs the caller fills set their own size on construction.
    for name, struct in found.items():
        assert issubclass(struct, _bindings._Growable) == (name in INIT_MACROS.values())
    assert "timeout_ms" not in fields(_ffi.bw_modify_call_request)
    assert fields(_ffi.bw_error) == [
        "struct_size",
        "status",
        "http_status",
        "attempts",
        "retry_after_ms",
        "field",
        "error_type",
        "description",
        "error_id",
        "message",
        "maybe_applied",
    ]
    assert _ffi.bw_error._fields_[-1] == ("maybe_applied", ctypes.c_bool)
    # Layout 3 of the config: appended after max_queued, in this order.
    assert fields(_ffi.bw_client_config)[-7:] == [
        "max_queued",
        "retry_budget",
        "on_event",
        "event_userdata",
        "event_mask",
        "binding",
        "allow_unknown_bxml_verbs",
    ]


def test_struct_layout_matches_the_c_compiler(tmp_path: Path) -> None:
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler")
    found = structs()
    lines = [
        "#include <stdio.h>",
        "#include <stddef.h>",
        '#include "bwvoice.h"',
        "int main(void) {",
    ]
    for name, struct in found.items():
        lines.append(f'printf("{name} %zu %zu\\n", sizeof({name}), _Alignof({name}));')
        for field in fields(struct):
            lines.append(f'printf("{name}.{field} %zu\\n", offsetof({name}, {field}));')
    for macro, name in INIT_MACROS.items():
        lines.append(f"{{ {name} v = {macro};")
        lines.append(f'printf("{macro} %u\\n", (unsigned)v.struct_size); }}')
    lines.append('printf("BW_VERSION_NUMBER %lu\\n", (unsigned long)BW_VERSION_NUMBER);')
    for macro in SYMBOLIC:
        lines.append(f'printf("{macro} %lld\\n", (long long){macro});')
    lines.append("return 0; }")
    (tmp_path / "layout.c").write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run(
        [cc, "-std=c11", "-I", str(HEADER.parent), str(tmp_path / "layout.c"), "-o", str(exe)],
        check=True,
    )
    measured = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    ours = []
    for name, struct in found.items():
        ours.append(f"{name} {ctypes.sizeof(struct)} {ctypes.alignment(struct)}")
        ours += [f"{name}.{field} {getattr(struct, field).offset}" for field in fields(struct)]
    ours += [f"{macro} {getattr(_ffi, name)().struct_size}" for macro, name in INIT_MACROS.items()]
    ours.append(f"BW_VERSION_NUMBER {_ffi.BW_VERSION_NUMBER}")
    ours += [f"{macro} {getattr(_ffi, macro)}" for macro in SYMBOLIC]
    assert measured.splitlines() == ours
