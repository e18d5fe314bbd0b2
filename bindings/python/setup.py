"""Builds libbwvoice with cargo (repository root: ../..) and bundles it in the package.

All metadata is in pyproject.toml. The wheel is platform-specific but not tied
to a Python version or ABI (py3-none-<platform>): the library is loaded with ctypes.
"""

import json
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CARGO_TOML = HERE.parent.parent / "Cargo.toml"
SHARED_LIBRARY = (".so", ".dylib", ".dll")


class BuildPyWithLibrary(build_py):
    """build_py, plus `cargo build --release -p bwvoice` and a copy of the cdylib."""

    def run(self) -> None:
        """Copies the Python sources, then builds and copies the library."""
        super().run()
        command = ["cargo", "build", "--release", "-p", "bwvoice", "--locked"]
        command += ["--manifest-path", str(CARGO_TOML), "--message-format=json-render-diagnostics"]
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        built = [
            name
            for msg in map(json.loads, filter(None, output.splitlines()))
            if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "bwvoice"
            for name in msg["filenames"]
            if name.endswith(SHARED_LIBRARY)
        ]
        if len(built) != 1:
            raise RuntimeError(f"expected one shared libbwvoice from cargo, got {built}")
        package = (HERE / "src" if self.editable_mode else Path(self.build_lib)) / "bwvoice"
        package.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], package / Path(built[0]).name)


class NativeDistribution(Distribution):
    """Carries native code: the wheel is platform-specific (installed to platlib)."""

    def has_ext_modules(self) -> bool:
        """Always: the package bundles a native library."""
        return True


class PlatformWheel(bdist_wheel):
    """Tags the wheel py3-none-<platform>."""

    def get_tag(self) -> "tuple[str, str, str]":
        """Any Python 3, no ABI, this platform."""
        return "py3", "none", super().get_tag()[2]


setup(
    distclass=NativeDistribution,
    cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel},
)
