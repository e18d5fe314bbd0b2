"""examples/python/*.py work against the simulator and fail readably."""

from __future__ import annotations

import os
import subprocess
import sys

from simulator import ACCOUNT, CLIENT_ID, CLIENT_SECRET, PASSWORD, REPO, USERNAME, Simulator

EXAMPLES = REPO / "examples" / "python"


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BW_")} | {
        "PYTHONPATH": str(REPO / "bindings" / "python" / "src"),
        "BW_ACCOUNT_ID": ACCOUNT,
        **env,
    }
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        check=False,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_redirect_then_hangup_with_basic_auth(sim: Simulator) -> None:
    call_id = sim.create_call()
    creds = {"BW_BASE_URL": sim.api_url, "BW_USERNAME": USERNAME, "BW_PASSWORD": PASSWORD}
    url = f"{sim.url}/sim/app/demo"
    proc = run("redirect.py", call_id, url, "demo-1", **creds)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"redirected call {call_id} to {url} (tag 'demo-1')\n"
    assert sim.call(call_id)["tag"] == "demo-1"
    proc = run("hangup.py", call_id, **creds)
    assert (proc.returncode, proc.stdout) == (0, f"hung up call {call_id}\n")
    assert sim.call(call_id)["state"] == "disconnected"


def test_hangup_with_oauth2_from_the_environment(sim: Simulator) -> None:
    call_id = sim.create_call()
    proc = run(
        "hangup.py",
        BW_CALL_ID=call_id,
        BW_BASE_URL=sim.api_url,
        BW_TOKEN_URL=sim.token_url,
        BW_CLIENT_ID=CLIENT_ID,
        BW_CLIENT_SECRET=CLIENT_SECRET,
    )
    assert (proc.returncode, proc.stdout) == (0, f"hung up call {call_id}\n"), proc.stderr


def test_errors_exit_non_zero_with_status_and_message(sim: Simulator) -> None:
    creds = {"BW_BASE_URL": sim.api_url, "BW_USERNAME": USERNAME, "BW_PASSWORD": PASSWORD}
    proc = run("hangup.py", "c-unknown", **creds)
    assert proc.returncode == 3 and proc.stderr == ""
    assert proc.stdout.startswith("call c-unknown was already gone: HTTP 404: ")
    proc = run("hangup.py", "c-1", **{**creds, "BW_PASSWORD": "wrong"})
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("hangup failed: BW_ERR_UNAUTHORIZED: HTTP 401: ")
    proc = run("redirect.py", "c-1", "https://app.example/next")  # no credentials
    assert proc.returncode == 1
    assert proc.stderr.startswith("redirect failed: BW_ERR_INVALID_ARGUMENT: ")
    assert run("redirect.py").returncode == 2
