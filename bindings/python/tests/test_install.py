"""`pip install bindings/python` in a fresh virtualenv builds and bundles the library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import ACCOUNT, PASSWORD, REPO, USERNAME, Simulator


@pytest.mark.slow
def test_pip_install_bundles_the_library(tmp_path: Path, sim: Simulator) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BWVOICE_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV")
    }
    # Reuse the repository's build: cargo then only relinks if anything changed.
    env["CARGO_TARGET_DIR"] = str(REPO / "target")
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            str(REPO / "bindings" / "python"),
        ],
        check=True,
        env=env,
        cwd=tmp_path,
        timeout=900,
    )
    del env["CARGO_TARGET_DIR"]
    call_id = sim.create_call()
    script = f"""
import pathlib, sys, bwvoice
print(bwvoice.__version__)
here = pathlib.Path(bwvoice.__file__).parent
assert pathlib.Path(bwvoice.LIBRARY_PATH) == here / "libbwvoice.so", bwvoice.LIBRARY_PATH
assert (here / "py.typed").is_file()
assert here.is_relative_to(pathlib.Path(sys.prefix)), here
with bwvoice.Client(username={USERNAME!r}, password={PASSWORD!r}, base_url={sim.api_url!r}) as bw:
    bw.hangup({ACCOUNT!r}, {call_id!r})
"""
    proc = subprocess.run(
        [python, "-c", script],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "0.2.0\n", "")
    assert sim.call(call_id)["state"] == "disconnected"
