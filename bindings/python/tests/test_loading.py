"""Where the native library is loaded from, and what happens when it is not found."""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import bwvoice
from bwvoice import _ffi
from helpers import python
from simulator import REPO

PACKAGE = REPO / "bindings" / "python" / "src" / "bwvoice"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the package source without any bundled library; returns its parent."""
    shutil.copytree(
        PACKAGE, tmp_path / "bwvoice", ignore=shutil.ignore_patterns("libbwvoice*", "__pycache__")
    )
    return tmp_path


def import_in(path: Path, env_library: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BWVOICE_LIBRARY", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(path)
    if env_library is not None:
        env["BWVOICE_LIBRARY"] = env_library
    return python("-c", "import bwvoice; print(bwvoice.LIBRARY_PATH)", env=env)


def import_fails(path: Path, env_library: str | None) -> str:
    """Imports as :func:`import_in`, which must fail; returns its standard error."""
    proc = import_in(path, env_library)
    assert proc.returncode != 0
    return proc.stderr


def test_missing_library_lists_every_place_tried(package_copy: Path) -> None:
    stderr = import_fails(package_copy, None)
    assert "ImportError: bwvoice: cannot load the native library" in stderr
    assert f"bundled copy {package_copy / 'bwvoice' / 'libbwvoice.so'}: no such file" in stderr
    assert "system library libbwvoice.so.0: " in stderr
    assert "BWVOICE_LIBRARY" in stderr


def test_explicit_path_is_the_only_place_tried(package_copy: Path) -> None:
    shutil.copy(bwvoice.LIBRARY_PATH, package_copy / "bwvoice" / "libbwvoice.so")
    stderr = import_fails(package_copy, "/nonexistent/libbwvoice.so")
    assert "$BWVOICE_LIBRARY /nonexistent/libbwvoice.so: no such file" in stderr
    assert "bundled copy" not in stderr


def test_bundled_copy_is_used_without_the_variable(package_copy: Path) -> None:
    bundled = package_copy / "bwvoice" / "libbwvoice.so"
    shutil.copy(bwvoice.LIBRARY_PATH, bundled)
    proc = import_in(package_copy, None)
    assert (proc.returncode, proc.stdout.strip()) == (0, str(bundled)), proc.stderr
    proc = import_in(package_copy, bwvoice.LIBRARY_PATH)
    assert (proc.returncode, proc.stdout.strip()) == (0, bwvoice.LIBRARY_PATH), proc.stderr


#: Every exported function but the version ones (which the fakes implement).
VERSION_FUNCTIONS = ("bw_version", "bw_version_number", "bw_version_compatible")
STUBS = tuple(name for name in _ffi.PROTOTYPES if name not in VERSION_FUNCTIONS)

MAJOR, MINOR, PATCH = (int(p) for p in bwvoice.__version__.split("."))


def fake_version(package_copy: Path, version: str) -> None:
    """Makes the copied package claim ``version`` (its minimum library version).

    The minimum is the version of the header its declarations were generated
    from: ``BW_VERSION_*`` of ``_bindings.py``.
    """
    (package_copy / "bwvoice" / "_version.py").write_text(f'__version__ = "{version}"\n')
    bindings = package_copy / "bwvoice" / "_bindings.py"
    text = bindings.read_text()
    for part, value in zip(("MAJOR", "MINOR", "PATCH"), version.split(".")):
        text, found = re.subn(
            rf"^BW_VERSION_{part} = \d+$", f"BW_VERSION_{part} = {value}", text, flags=re.M
        )
        assert found == 1, part
    text, found = re.subn(
        r'^BW_VERSION_STRING = ".*"$', f'BW_VERSION_STRING = "{version}"', text, flags=re.M
    )
    assert found == 1
    bindings.write_text(text)


def fake_library(tmp_path: Path, version: str, *, has_version_number: bool = True) -> str:
    """A shared library exporting every ``bw_*`` symbol; only the version ones work."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler")
    major, minor, patch = (int(p) for p in version.split("."))
    source = [f'const char *bw_version(void) {{ return "bwvoice/{version}"; }}']
    source += [f"int {name}(void) {{ return 13; }}" for name in STUBS]
    if has_version_number:
        number = (major << 16) | (minor << 8) | patch
        source.append(f"unsigned bw_version_number(void) {{ return {number}u; }}")
        # As a real library of that version answers (see bw_version_compatible).
        source.append(
            "_Bool bw_version_compatible(unsigned h) "
            f"{{ return h >> 16 == {major}u && h <= {number}u && h >= 0x200u; }}"
        )
    (tmp_path / "fake.c").write_text("\n".join(source) + "\n")
    library = tmp_path / "libfake.so"
    subprocess.run(
        [cc, "-shared", "-fPIC", str(tmp_path / "fake.c"), "-o", str(library)], check=True
    )
    return str(library)


@pytest.mark.parametrize(
    "needed", [f"{MAJOR}.{MINOR}.{PATCH + 1}", f"{MAJOR}.{MINOR + 1}.0", f"{MAJOR + 1}.0.0"]
)
def test_library_older_than_the_package_is_refused(package_copy: Path, needed: str) -> None:
    fake_version(package_copy, needed)
    stderr = import_fails(package_copy, bwvoice.LIBRARY_PATH)
    major = needed.partition(".")[0]
    assert (
        f"bwvoice: {bwvoice.LIBRARY_PATH} ($BWVOICE_LIBRARY) is bwvoice {bwvoice.__version__}, "
        f"but this package needs bwvoice {needed} or a later {major}.x; install matching versions"
    ) in stderr


def test_newer_library_of_the_same_major_is_accepted(package_copy: Path, tmp_path: Path) -> None:
    library = fake_library(tmp_path, f"{MAJOR}.{MINOR + 1}.0")
    proc = import_in(package_copy, library)
    assert (proc.returncode, proc.stdout.strip()) == (0, library), proc.stderr


def test_library_of_a_newer_major_is_refused(package_copy: Path, tmp_path: Path) -> None:
    newer = f"{MAJOR + 1}.0.0"
    library = fake_library(tmp_path, newer)
    stderr = import_fails(package_copy, library)
    assert (
        f"bwvoice: {library} ($BWVOICE_LIBRARY) is bwvoice {newer}, but this package needs "
        f"bwvoice {bwvoice.__version__} or a later {MAJOR}.x"
    ) in stderr


def test_library_without_a_version_number_is_older_than_0_2_0(
    package_copy: Path, tmp_path: Path
) -> None:
    library = fake_library(tmp_path, "0.1.0", has_version_number=False)
    stderr = import_fails(package_copy, library)
    assert (
        f"ImportError: bwvoice: {library} ($BWVOICE_LIBRARY) is bwvoice/0.1.0, older than 0.2.0 "
        f"(it has no bw_version_number), but this package needs bwvoice {bwvoice.__version__}"
    ) in stderr


def test_fake_library_of_this_version_loads(package_copy: Path, tmp_path: Path) -> None:
    # The fakes above are refused for their version only, not for a missing symbol.
    library = fake_library(tmp_path, bwvoice.__version__)
    proc = import_in(package_copy, library)
    assert (proc.returncode, proc.stdout.strip()) == (0, library), proc.stderr


def test_not_a_bwvoice_library_is_refused(package_copy: Path) -> None:
    libc = ctypes.util.find_library("c")
    if libc is None:
        pytest.skip("no libc to load")
    stderr = import_fails(package_copy, libc)
    assert f"bwvoice: {libc} ($BWVOICE_LIBRARY) is not libbwvoice" in stderr
