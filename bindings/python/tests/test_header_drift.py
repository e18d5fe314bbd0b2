"""The ctypes declarations in ``bwvoice._ffi`` match ``include/bwvoice.h``."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import bwvoice
from bwvoice import _ffi
from simulator import REPO

HEADER = REPO / "include" / "bwvoice.h"


def header_text() -> str:
    """The header without comments."""
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def c_type(decl: str) -> Any:
    """The ctypes type for a C type as written in the header."""
    decl = " ".join(decl.replace("*", " * ").split())
    array = re.fullmatch(r"char \[(\w+)\]", decl)
    if array:
        return ctypes.c_char * int(getattr(_ffi, array.group(1)))
    pointer = re.fullmatch(r"(?:const )?(?:struct )?(\w+) \*( \*)?", decl)
    if pointer and pointer.group(1) != "char":
        target = ctypes.POINTER(getattr(_ffi, pointer.group(1)))
        return ctypes.POINTER(target) if pointer.group(2) else target
    scalars = {
        "void": None,
        "bool": ctypes.c_bool,
        "int32_t": ctypes.c_int32,
        "uint32_t": ctypes.c_uint32,
        "int64_t": ctypes.c_int64,
        "bw_status": _ffi.bw_status,
        "const char *": ctypes.c_char_p,
    }
    return scalars[decl]


def header_structs() -> dict[str, list[tuple[str, str]]]:
    """Struct name -> [(field, C type)] in declaration order."""
    structs = {}
    for name, body in re.findall(r"typedef struct (\w+) \{(.*?)\} \1;", header_text(), re.S):
        fields = []
        for decl in body.split(";"):
            m = re.fullmatch(r"\s*(.+?)\s*\b(\w+)(\[\w+\])?\s*", decl)
            if m:
                fields.append((m.group(2), m.group(1) + (f" {m.group(3)}" if m.group(3) else "")))
        structs[name] = fields
    return structs


def test_integer_constants() -> None:
    defines = re.findall(r"#define (BW_\w+) (-?\d+)\s*$", header_text(), re.M)
    assert len(defines) > 20
    for name, value in defines:
        assert getattr(_ffi, name, None) == int(value), name
    mirrored = {k for k in vars(_ffi) if k.startswith("BW_") and not k.endswith("_H")}
    assert mirrored == {name for name, _ in defines}


def test_version_string_is_the_package_version() -> None:
    (version,) = re.findall(r'#define BW_VERSION_STRING "([^"]+)"', header_text())
    assert version == bwvoice.__version__
    assert bwvoice.library_version() == f"bwvoice/{version}"


def test_function_prototypes() -> None:
    text = header_text()
    assert set(re.findall(r"\b(bw_\w+)\s*\(", text)) == set(_ffi.PROTOTYPES)
    found = re.findall(r"^([\w ]+?\*?)\s*\b(bw_\w+)\(([^)]*)\);", text, re.M)
    assert {name for _, name, _ in found} == set(_ffi.PROTOTYPES)
    for ret, name, params in found:
        restype, argtypes = _ffi.PROTOTYPES[name]
        assert c_type(ret) is restype, name
        c_params = [] if params.strip() == "void" else [p.strip() for p in params.split(",")]
        c_types = [c_type(re.sub(r"\w+$", "", p)) for p in c_params]
        assert argtypes == c_types, name
        assert getattr(_ffi.lib, name).argtypes == argtypes


def test_struct_fields_names_order_and_types() -> None:
    structs = header_structs()
    assert set(structs) == {"bw_client_config", "bw_error", "bw_modify_call_request"}
    for name, fields in structs.items():
        declared = getattr(_ffi, name)._fields_
        assert [f for f, _ in declared] == [f for f, _ in fields], name
        for (field, ctype), (_, decl) in zip(declared, fields):
            expected = c_type(decl)
            if isinstance(expected, type) and issubclass(expected, ctypes.Array):
                assert (ctype._type_, ctype._length_) == (expected._type_, expected._length_)
            else:
                assert ctype is expected, f"{name}.{field}"


def test_struct_layout_matches_the_c_compiler(tmp_path: Path) -> None:
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler")
    structs = header_structs()
    lines = [
        "#include <stdio.h>",
        "#include <stddef.h>",
        '#include "bwvoice.h"',
        "int main(void) {",
    ]
    for name, fields in structs.items():
        lines.append(f'printf("{name} %zu %zu\\n", sizeof({name}), _Alignof({name}));')
        for field, _ in fields:
            lines.append(f'printf("{name}.{field} %zu\\n", offsetof({name}, {field}));')
    lines.append("return 0; }")
    (tmp_path / "layout.c").write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run(
        [cc, "-std=c11", "-I", str(HEADER.parent), str(tmp_path / "layout.c"), "-o", str(exe)],
        check=True,
    )
    measured = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    ours = []
    for name, fields in structs.items():
        struct = getattr(_ffi, name)
        ours.append(f"{name} {ctypes.sizeof(struct)} {ctypes.alignment(struct)}")
        ours += [f"{name}.{field} {getattr(struct, field).offset}" for field, _ in fields]
    assert measured.splitlines() == ours
