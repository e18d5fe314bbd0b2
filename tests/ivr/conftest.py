"""What the IVR tests share: the apps' command lines, started and stopped.

Environment (set by ``make test-ivr``): EXE_DIR (the C app, and the Go one
built into EXE_DIR/go), BWVOICE_LIBRARY, BWVOICE_SIM, GO, and the Go build's
PKG_CONFIG_PATH / CGO_CFLAGS. With IVR_VALGRIND=1 the C app also runs under
valgrind, as one more language that must answer the same bytes.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bindings/python/src"))

import demo_ivr  # noqa: E402 -- found through the path above

EXE_DIR = Path(os.environ.get("EXE_DIR", ROOT / "target/examples")).resolve()
VALGRIND = [
    "valgrind",
    "-q",
    "--error-exitcode=97",
    "--leak-check=full",
    "--errors-for-leak-kinds=definite,indirect",
    "--show-leak-kinds=definite,indirect",
]


def variants() -> list[str]:
    """The apps to run: each language, and the C one under valgrind when asked for."""
    names = list(demo_ivr.LANGUAGES)
    if os.environ.get("IVR_VALGRIND") == "1":
        if shutil.which("valgrind") is None:
            raise RuntimeError("IVR_VALGRIND=1 but no valgrind in PATH")
        names.append("c-valgrind")
    return names


@pytest.fixture(scope="session")
def go_app() -> Path:
    """Builds the Go app once per run."""
    return demo_ivr.build_go_app(dict(os.environ), EXE_DIR)


def command(variant: str, *args: str) -> list[str]:
    """The command line of one variant."""
    if variant == "c-valgrind":
        return [*VALGRIND, *demo_ivr.app_command("c", EXE_DIR, *args)]
    return demo_ivr.app_command(variant, EXE_DIR, *args)


class Started:
    """Apps a test started; each is stopped at the end and must exit 0 with nothing on stderr."""

    def __init__(self) -> None:
        self.apps: list[demo_ivr.App] = []

    def __call__(self, variant: str, *args: str) -> demo_ivr.App:
        """Starts `variant` with `args`; returns it once it listens."""
        app = demo_ivr.App(command(variant, *args), demo_ivr.app_env())
        self.apps.append(app)
        return app

    def stop_all(self) -> list[str]:
        """Stops every app; what went wrong, if anything."""
        failures = []
        for app in self.apps:
            code, err = app.stop()
            if code != 0 or err.strip():
                failures.append(f"{app.argv}: exit {code}, stderr {err.strip()[-2000:]!r}")
        return failures


@pytest.fixture(scope="module")
def apps(go_app: Path) -> Iterator[dict[str, demo_ivr.App]]:
    """Every variant, started with credentials, by name; checked for a clean exit at the end."""
    started = Started()
    credentials = ["--username", demo_ivr.USERNAME, "--password", demo_ivr.PASSWORD]
    try:
        yield {variant: started(variant, *credentials) for variant in variants()}
    finally:
        failures = started.stop_all()
    assert not failures, failures


@pytest.fixture
def start(go_app: Path) -> Iterator[Started]:
    """Starts apps for one test and stops them after it."""
    started = Started()
    try:
        yield started
    finally:
        failures = started.stop_all()
    assert not failures, failures
