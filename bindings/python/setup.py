"""Builds libbwvoice with cargo and bundles it in the package.

All metadata is in pyproject.toml. The wheel is platform-specific but not tied
to a Python version or ABI (py3-none-<platform>): the library is loaded with ctypes.

The Rust sources are the repository root (../..) in a checkout and rust/ in an
sdist, which carries them as `cargo package` lays them out. With
BWVOICE_PREBUILT_LIBRARY=/path/to/libbwvoice.so that library is bundled
instead and cargo is not needed (scripts/dist.sh: the manylinux wheel).

setuptools rather than maturin: maturin's binding modes (pyo3, cffi, uniffi,
bin) each assume another binding model than a cdylib loaded with ctypes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
REPO_CARGO_TOML = HERE.parent.parent / "Cargo.toml"
SDIST_CARGO_TOML = HERE / "rust" / "Cargo.toml"
SHARED_LIBRARY = (".so", ".dylib", ".dll")
PREBUILT_ENV = "BWVOICE_PREBUILT_LIBRARY"
NO_CARGO = (
    "Building bwvoice from source needs Rust's cargo, which is not on PATH: install "
    "Rust from https://rustup.rs and try again. The prebuilt manylinux wheel "
    "(pip install --only-binary=bwvoice bwvoice) needs no Rust at all."
)


def _cargo() -> str:
    """The cargo command, or a clear error when there is none."""
    cargo = shutil.which("cargo")
    if cargo is None:
        raise SystemExit(f"error: {NO_CARGO}")
    return cargo


def _cargo_build() -> Path:
    """`cargo build --release -p bwvoice`; returns the shared library it wrote."""
    manifest = SDIST_CARGO_TOML if SDIST_CARGO_TOML.is_file() else REPO_CARGO_TOML
    command = [_cargo(), "build", "--release", "-p", "bwvoice", "--locked"]
    command += ["--manifest-path", str(manifest), "--message-format=json-render-diagnostics"]
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
    return Path(built[0])


class BuildPyWithLibrary(build_py):
    """build_py, plus the shared library: built with cargo, or the prebuilt one."""

    def run(self) -> None:
        """Copies the Python sources, then builds (or takes) and copies the library."""
        super().run()
        prebuilt = os.environ.get(PREBUILT_ENV)
        if prebuilt:
            library = Path(prebuilt)
            if not (library.is_file() and library.name.endswith(SHARED_LIBRARY)):
                raise SystemExit(f"error: {PREBUILT_ENV}={prebuilt} is not a libbwvoice.so")
        else:
            library = _cargo_build()
        package = (HERE / "src" if self.editable_mode else Path(self.build_lib)) / "bwvoice"
        package.mkdir(parents=True, exist_ok=True)
        shutil.copy2(library, package / library.name)


class SdistWithRust(sdist):
    """sdist, plus the Rust crate as `cargo package` makes it, unpacked as rust/.

    The .crate holds exactly what building the library needs (Cargo.toml's
    `include`), with a Cargo.toml that no longer refers to the workspace or to
    path-only dev-dependencies, and the Cargo.lock.
    """

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        """The Python files (setuptools' list), then rust/ from the packaged crate."""
        super().make_release_tree(base_dir, files)
        if SDIST_CARGO_TOML.is_file():  # an sdist made from an sdist
            shutil.copytree(SDIST_CARGO_TOML.parent, Path(base_dir) / "rust")
            return
        with tempfile.TemporaryDirectory() as target:
            command = [_cargo(), "package", "--no-verify", "--allow-dirty", "--locked"]
            command += ["-p", "bwvoice", "--manifest-path", str(REPO_CARGO_TOML)]
            subprocess.run([*command, "--target-dir", target], check=True)
            (crate,) = (Path(target) / "package").glob("bwvoice-*.crate")
            _unpack_crate(crate, Path(base_dir) / "rust")


def _unpack_crate(crate: Path, dest: Path) -> None:
    """Extracts the regular files of a .crate, without its top directory, into dest."""
    with tarfile.open(crate, "r:gz") as tar:
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts[1:]
            if not member.isfile() or not parts or ".." in parts:
                continue
            path = dest.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            with source, path.open("wb") as out:
                shutil.copyfileobj(source, out)
            path.chmod(0o755 if member.mode & 0o111 else 0o644)


class NativeDistribution(Distribution):
    """Carries native code: the wheel is platform-specific (installed to platlib)."""

    def has_ext_modules(self) -> bool:
        """Always: the package bundles a native library."""
        return True


class PlatformWheel(bdist_wheel):
    """Tags the wheel py3-none-<platform>."""

    def get_tag(self) -> tuple[str, str, str]:
        """Any Python 3, no ABI, this platform."""
        return "py3", "none", super().get_tag()[2]


setup(
    distclass=NativeDistribution,
    cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel, "sdist": SdistWithRust},
)
