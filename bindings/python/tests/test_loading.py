"""Where the native library is loaded from, and what happens when it is not found."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bwvoice
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
    code = "import bwvoice; print(bwvoice.LIBRARY_PATH)"
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_library_lists_every_place_tried(package_copy: Path) -> None:
    proc = import_in(package_copy, None)
    assert proc.returncode != 0
    assert "ImportError: bwvoice: cannot load the native library" in proc.stderr
    assert f"bundled copy {package_copy / 'bwvoice' / 'libbwvoice.so'}: no such file" in proc.stderr
    assert "system library libbwvoice.so.0: " in proc.stderr
    assert "BWVOICE_LIBRARY" in proc.stderr


def test_explicit_path_is_the_only_place_tried(package_copy: Path) -> None:
    shutil.copy(bwvoice.LIBRARY_PATH, package_copy / "bwvoice" / "libbwvoice.so")
    proc = import_in(package_copy, "/nonexistent/libbwvoice.so")
    assert proc.returncode != 0
    assert "$BWVOICE_LIBRARY /nonexistent/libbwvoice.so: no such file" in proc.stderr
    assert "bundled copy" not in proc.stderr


def test_bundled_copy_is_used_without_the_variable(package_copy: Path) -> None:
    bundled = package_copy / "bwvoice" / "libbwvoice.so"
    shutil.copy(bwvoice.LIBRARY_PATH, bundled)
    proc = import_in(package_copy, None)
    assert (proc.returncode, proc.stdout.strip()) == (0, str(bundled)), proc.stderr
    proc = import_in(package_copy, bwvoice.LIBRARY_PATH)
    assert (proc.returncode, proc.stdout.strip()) == (0, bwvoice.LIBRARY_PATH), proc.stderr


def test_library_of_another_version_is_refused(package_copy: Path) -> None:
    (package_copy / "bwvoice" / "_version.py").write_text('__version__ = "9.8.7"\n')
    proc = import_in(package_copy, bwvoice.LIBRARY_PATH)
    assert proc.returncode != 0
    assert "is 'bwvoice/0.1.0', but this package needs 'bwvoice/9.8.7'" in proc.stderr


def test_not_a_bwvoice_library_is_refused(package_copy: Path) -> None:
    libc = ctypes.util.find_library("c")
    if libc is None:
        pytest.skip("no libc to load")
    proc = import_in(package_copy, libc)
    assert proc.returncode != 0
    assert f"bwvoice: {libc} ($BWVOICE_LIBRARY) is not libbwvoice" in proc.stderr
