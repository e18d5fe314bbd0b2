"""examples/python/*.py work against the simulator and fail readably."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from typing import Any

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
    declaration = '<?xml version="1.0" encoding="UTF-8"?>'
    bxml = f'{declaration}<Bxml><SpeakSentence voice="julie">{escaped}</SpeakSentence></Bxml>'
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


def call_flow_args(sim: Simulator, *members: str) -> list[str]:
    return [
        "--to",
        "+15555551212",
        "--from",
        "+15555550000",
        "--application-id",
        "app-1",
        f"{sim.url}/sim/app/call-flow",
        *members,
    ]


def test_call_flow_places_finds_and_mutes(sim: Simulator) -> None:
    caller: dict[str, Any] = {"from": "+15555550000"}  # `from` is a Python keyword
    earlier = sim.create_call(to="+15555551212", **caller)
    first, second = sim.create_call(), sim.create_call()
    conf = str(sim.create_conference("standup", [first, second])["id"])
    proc = run("call_flow.py", *call_flow_args(sim, conf, first, second), **oauth2_env(sim))
    assert (proc.returncode, proc.stderr) == (0, "")
    lines = proc.stdout.splitlines()
    placed = [r for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/calls")]
    (created,) = placed  # exactly one createCall
    body = json.loads(created["body"])
    assert body["tag"].startswith("call-flow-")
    call_id = lines[0].split()[2]
    assert lines[0] == f"placed call {call_id} to +15555551212 (tag {body['tag']})"
    assert sim.wait_call(call_id, "answered")["state"] == "answered"
    # A call placed a moment earlier between the same numbers is listed too:
    # to, from and the time narrow the search; the id (or, in the call's
    # webhooks, its tag) tells which one is new.
    assert lines[1] == "2 outbound call(s) from +15555550000 to +15555551212 since then:"
    assert lines[2].startswith(f"  {earlier} ")
    assert lines[3].startswith(f"  {call_id} ") and lines[3].endswith(" <- the new call")
    assert lines[4:] == [
        f"conference standup ({conf}): members {first}, {second}",
        f"muted {first}",
        f"member {first}: mute=True, hold=False, coaching no one",
        f"member {second}: mute=False, hold=False, coaching no one",
    ]
    members = {m["callId"]: m["mute"] for m in sim.conference(conf)["activeMembers"]}
    assert members == {first: True, second: False}


def test_call_flow_errors(sim: Simulator) -> None:
    creds = oauth2_env(sim)
    proc = run("call_flow.py", *call_flow_args(sim, "conf-unknown", "c-1", "c-2"), **creds)
    assert proc.returncode == 3 and proc.stderr == ""
    assert proc.stdout.splitlines()[-1].startswith(
        "conference conf-unknown or its member is unknown: HTTP 404: "
    )
    args = call_flow_args(sim, "conf-1", "c-1", "c-2")
    args[1] = "5551212"  # not E.164: refused before anything is sent
    sim.reset()
    proc = run("call_flow.py", *args, **creds)
    assert proc.returncode == 1
    assert proc.stderr.startswith("call_flow failed: BW_ERR_INVALID_ARGUMENT: to must be")
    assert [r for r in sim.requests() if "/api/v2/" in r["path"]] == []
    sim.fault(None, route="calls", method="POST", status=500)
    proc = run("call_flow.py", *call_flow_args(sim, "conf-unknown", "c-1", "c-2"), **creds)
    assert proc.returncode == 3
    assert proc.stdout.startswith("createCall failed after it may have reached Bandwidth (")
    assert "0 outbound call(s)" in proc.stdout  # the 500 placed nothing here: not resent
    assert run("call_flow.py", "--to", "+15555551212").returncode == 2
