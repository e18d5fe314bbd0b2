"""examples/python/*.py work against the simulator and fail readably."""

from __future__ import annotations

import importlib.util
import os
import subprocess

from helpers import SOURCE, python
from simulator import ACCOUNT, CLIENT_ID, CLIENT_SECRET, REPO, Simulator

EXAMPLES = REPO / "examples" / "python"


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BW_")} | {
        "PYTHONPATH": SOURCE,
        "BW_ACCOUNT_ID": ACCOUNT,
        **env,
    }
    return python(str(EXAMPLES / script), *args, env=full_env)


def oauth2_env(sim: Simulator) -> dict[str, str]:
    """The examples' environment: OAuth2 client credentials against the simulator."""
    return {
        "BW_BASE_URL": sim.api_url,
        "BW_TOKEN_URL": sim.token_url,
        "BW_CLIENT_ID": CLIENT_ID,
        "BW_CLIENT_SECRET": CLIENT_SECRET,
    }


def test_redirect_then_hangup(sim: Simulator) -> None:
    call_id = sim.create_call()
    creds = oauth2_env(sim)
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
    proc = run("hangup.py", **oauth2_env(sim), BW_CALL_ID=call_id)
    assert (proc.returncode, proc.stdout) == (0, f"hung up call {call_id}\n"), proc.stderr


def test_errors_exit_non_zero_with_status_and_message(sim: Simulator) -> None:
    creds = oauth2_env(sim)
    proc = run("hangup.py", "c-unknown", **creds)
    assert proc.returncode == 3 and proc.stderr == ""
    assert proc.stdout.startswith("call c-unknown was already gone: HTTP 404: ")
    proc = run("hangup.py", "c-1", **{**creds, "BW_CLIENT_SECRET": "wrong"})
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(
        "hangup failed: BW_ERR_UNAUTHORIZED: token request failed: HTTP 401: "
    )
    proc = run("redirect.py", "c-1", "https://app.example/next")  # no credentials
    assert proc.returncode == 1
    assert proc.stderr.startswith("redirect failed: BW_ERR_INVALID_ARGUMENT: ")
    assert run("redirect.py").returncode == 2


def test_live_call_speaks_escaped_text_pauses_the_recording_and_hangs_up(
    sim: Simulator,
) -> None:
    call_id = sim.create_call(recording=True)
    creds = oauth2_env(sim)
    text = "Bye </SpeakSentence><Transfer><PhoneNumber>+15550100</PhoneNumber></Transfer> & 'ok'"
    proc = run("live_call.py", call_id, text, **creds)
    assert (proc.returncode, proc.stderr) == (0, "")
    escaped = (
        "Bye &lt;/SpeakSentence&gt;&lt;Transfer&gt;&lt;PhoneNumber&gt;+15550100"
        "&lt;/PhoneNumber&gt;&lt;/Transfer&gt; &amp; &apos;ok&apos;"
    )
    bxml = f"<Bxml><SpeakSentence>{escaped}</SpeakSentence></Bxml>"
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"call {call_id} is answered (outbound call from +")
    assert lines[1:] == [
        f"caller text: {text}",
        f"new BXML:    {bxml}",
        "recording paused",
        "recording resumed",
        f"hung up call {call_id}",
        f"call {call_id} is now disconnected (disconnect cause: hangup)",
    ]
    view = sim.call(call_id)
    assert view["bxml"] == bxml  # one <SpeakSentence>, no <Transfer> verb
    assert (view["state"], view["disconnectCause"]) == ("disconnected", "hangup")
    path = f"/api/v2/accounts/{ACCOUNT}/calls/{call_id}"
    assert [(r["method"], r["path"], r["body"]) for r in sim.requests("/api/v2/")] == [
        ("GET", path, ""),
        ("PUT", f"{path}/bxml", bxml),
        ("PUT", f"{path}/recording", '{"state":"paused"}'),
        ("PUT", f"{path}/recording", '{"state":"recording"}'),
        ("POST", path, '{"state":"completed"}'),
        ("GET", path, ""),
    ]


def test_live_call_default_text_tries_to_inject_a_transfer(sim: Simulator) -> None:
    call_id = sim.create_call(recording=True)
    proc = run("live_call.py", **oauth2_env(sim), BW_CALL_ID=call_id)
    assert proc.returncode == 0, proc.stderr
    assert "caller text: Thanks for calling. </SpeakSentence><Transfer>" in proc.stdout
    assert "&lt;/SpeakSentence&gt;&lt;Transfer&gt;" in sim.call(call_id)["bxml"]


def test_live_call_of_an_unanswered_call_exits_4_before_any_change(sim: Simulator) -> None:
    call_id = sim.create_call("initiated", recording=False)
    creds = oauth2_env(sim)
    proc = run("live_call.py", call_id, **creds)
    assert (proc.returncode, proc.stderr) == (4, "")
    assert proc.stdout.splitlines() == [
        f"call {call_id} is initiated (outbound call from +19195551234 to +19195554321)",
        f"call {call_id} is not answered: new BXML would be refused with HTTP 409 Conflict; "
        "try again once it is answered",
    ]
    assert [r["method"] for r in sim.requests("/api/v2/")] == ["GET"]
    assert (sim.call(call_id)["state"], sim.call(call_id)["bxml"]) == ("initiated", None)


def test_live_call_errors_exit_1(sim: Simulator) -> None:
    creds = oauth2_env(sim)
    proc = run("live_call.py", "c-unknown", **creds)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("live_call failed: BW_ERR_NOT_FOUND: HTTP 404: ")
    no_recording = sim.create_call()
    proc = run("live_call.py", no_recording, **creds)
    assert proc.returncode == 1
    assert proc.stderr.startswith("live_call failed: BW_ERR_BAD_REQUEST: HTTP 400: ")
    assert "No recording is in progress on this call" in proc.stderr
    proc = run("live_call.py", "c-1")  # no credentials
    assert proc.returncode == 1
    assert proc.stderr.startswith("live_call failed: BW_ERR_INVALID_ARGUMENT: ")
    assert run("live_call.py").returncode == 2


def test_otel_events_traces_each_call_or_says_what_is_missing(sim: Simulator) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, status=503, headers={"Retry-After": "0"})
    creds = oauth2_env(sim)
    proc = run("otel_events.py", call_id, **creds)
    assert (proc.returncode, proc.stderr) == (0, "")
    if importlib.util.find_spec("opentelemetry") is None:
        # The test environment has no OpenTelemetry: the example only says so.
        assert proc.stdout == (
            "otel_events: opentelemetry-api is not installed, so there is nothing to trace "
            "with; pip install opentelemetry-api opentelemetry-sdk and run it again\n"
        )
        assert sim.requests() == []
        return
    assert proc.stdout.count('"name": "GET /accounts/{accountId}/calls/{callId}"') == 2
    assert '"name": "bwvoice.retry_scheduled"' in proc.stdout
    assert '"http.request.resend_count": 1' in proc.stdout
    assert f"call {call_id} is answered\n2 calls, 3 attempts, 1 retries, " in proc.stdout
