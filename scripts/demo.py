#!/usr/bin/env python3
"""`make demo`: control live calls from C, Python and Go.

Redirect and hang up; read a call's state before acting on it; replace its
BXML inline with escaped caller text; pause and resume its recording;
confirm the hang-up by reading the state again; the event log of a
retried call; and from C, Python and Go, place an outbound call, find it
with listCalls, and mute one member of a conference. Last, the IVR
webhook app in each language answers calls the simulator plays
(scripts/demo_ivr.py).

It starts the bundled Voice API simulator on loopback, runs the examples
through libbwvoice, and prints what happened on both sides of the wire.

Environment (set by the Makefile): BWVOICE_SIM, EXE_DIR, BWVOICE_LIBRARY,
PKG_CONFIG_PATH, GO. Exits non-zero on any unexpected result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import demo_ivr

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "9900000"
# Loopback only: ignore any http_proxy in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


#: What a caller might say into a live-call example: it tries to end the
#: sentence and transfer the call. Each language's example builds the same
#: BXML of it.
CALLER_TEXT = "Thanks for calling. </SpeakSentence><Transfer>+15550100</Transfer> & 'bye'"


class Demo:
    """The simulator's address, the examples' environment, and a failure count."""

    def __init__(self, sim_url: str) -> None:
        self.sim = sim_url
        self.env = dict(
            os.environ,
            BW_BASE_URL=f"{sim_url}/api/v2",
            BW_TOKEN_URL=f"{sim_url}/api/v1/oauth2/token",
            BW_ACCOUNT_ID=ACCOUNT,
            BW_CLIENT_ID="client",
            BW_CLIENT_SECRET="secret",
            # For placing calls (examples/c/call_flow.c): the simulator takes any.
            BW_APPLICATION_ID="demo-application",
            BW_FROM="+19195550100",
            BW_TO="+19195550123",
            PYTHONPATH=str(ROOT / "bindings/python/src"),
        )
        self.failures = 0
        # The BXML each language's live-call example built, by language.
        self.documents: dict[str, str] = {}

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Calls the simulator's control API and returns the decoded JSON."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.sim + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with OPENER.open(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def new_call(self, state: str = "answered", recording: bool = False) -> str:
        """Creates a call on the simulator (optionally recording) and returns its id."""
        spec: dict[str, Any] = {"accountId": ACCOUNT, "state": state}
        if recording:
            spec["recording"] = True
        call = self.control("POST", "/sim/calls", spec)
        return str(call["callId"])

    def run(self, title: str, argv: list[str], want_rc: int = 0) -> None:
        """Runs one example program and checks its exit status."""
        print(f"\n▶ {title}")
        prog = argv[0]
        if prog == sys.executable:
            prog = "python3"
        elif os.path.isabs(prog):
            prog = os.path.relpath(prog, ROOT)
        shown = " ".join(a if a and " " not in a else repr(a) for a in [prog, *argv[1:]])
        print(f"  $ {shown}")
        proc = subprocess.run(
            argv, env=self.env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        for line in (proc.stdout + proc.stderr).strip().splitlines():
            print(f"    {line}")
        if proc.returncode != want_rc:
            print(f"  ✗ exit status {proc.returncode}, expected {want_rc}")
            self.failures += 1

    def expect(self, ok: bool, what: str) -> None:
        """Prints a check mark (or a cross, counted as a failure) for `what`."""
        print(f"  {'✓' if ok else '✗'} {what}")
        if not ok:
            self.failures += 1

    def webhooks(self, n: int) -> list[dict[str, Any]]:
        """Waits (bounded, server side) until n Redirect deliveries were made."""
        return list(self.control("GET", f"/sim/webhooks?wait={n}"))

    def show_deliveries(self, deliveries: list[dict[str, Any]]) -> None:
        """Prints each Redirect event delivery the simulator made."""
        for d in deliveries:
            event = json.loads(d["body"]) if d["body"] else {}
            which = "fallback" if d["fallback"] else "primary"
            result = d["status"] or d["error"]
            tag = f", tag={event['tag']!r}" if "tag" in event else ""
            print(
                f"    ↳ Redirect event → {which} {d['method']} {d['url']} → {result}"
                f" (eventType={event.get('eventType')}{tag})"
            )

    def state(self, call_id: str) -> dict[str, Any]:
        """The call's state as the simulator sees it."""
        return dict(self.control("GET", f"/sim/calls/{call_id}"))

    def live_call(self, title: str, argv: list[str], call_id: str) -> None:
        """Runs a live-call example on a recording call and checks what reached the server."""
        self.run(title, argv)
        st = self.state(call_id)
        bxml = st.get("bxml") or ""
        self.expect(
            "<SpeakSentence" in bxml and "<Transfer>" not in bxml,
            "the new BXML arrived with the caller's text escaped (no <Transfer> verb injected)",
        )
        self.documents[title] = bxml
        puts = [
            r["body"]
            for r in self.control("GET", f"/sim/requests?path_contains={call_id}/recording")
            if r["method"] == "PUT"
        ]
        self.expect(
            puts == ['{"state":"paused"}', '{"state":"recording"}'],
            f"recording paused then resumed: {puts}",
        )
        self.expect(
            st["state"] == "disconnected" and st["disconnectCause"] == "hangup",
            f"simulator: state={st['state']}, disconnectCause={st['disconnectCause']}",
        )


class CallFlow:
    """One language's call flow: two answered calls in a conference, then an example.

    The example places a call to `to`, finds it with listCalls and mutes the
    first member; `check` looks at what that example alone sent.
    """

    def __init__(self, demo: Demo, name: str, to: str, caller: str) -> None:
        self.demo, self.to, self.caller = demo, to, caller
        self.members = [demo.new_call(), demo.new_call()]
        spec = {"accountId": ACCOUNT, "name": name, "members": self.members}
        self.conference = str(demo.control("POST", "/sim/conferences", spec)["id"])
        self.answer_url = f"{demo.sim}/sim/app/{name}"

    def run(self, title: str, argv: list[str]) -> None:
        """Runs the example, noting where the simulator's logs stood."""
        self.requests = len(self.demo.control("GET", "/sim/requests"))
        self.hooks = len(self.demo.control("GET", "/sim/webhooks"))
        self.demo.run(title, argv)

    def check(self, tag: str | None = None) -> None:
        """One createCall, a filtered listCalls, the answer event, one member muted."""
        demo, api = self.demo, f"/api/v2/accounts/{ACCOUNT}"
        log = demo.control("GET", "/sim/requests")[self.requests :]
        created = [r for r in log if r["method"] == "POST" and r["path"] == f"{api}/calls"]
        body = json.loads(created[0]["body"]) if created else {}
        demo.expect(
            [r["status"] for r in created] == [201] and body.get("to") == self.to,
            f"one createCall to {body.get('to')} (201), answerUrl …{self.answer_url[-16:]}",
        )
        wanted = f"to={quote(self.to)}&from={quote(self.caller)}"
        listed = [r["path"] for r in log if r["path"].startswith(f"{api}/calls?")]
        demo.expect(
            bool(listed) and all(wanted in p for p in listed),
            f"listCalls filtered by to and from: {listed[0] if listed else None}",
        )
        answers = [
            json.loads(d["body"])
            for d in demo.webhooks(self.hooks + 1)[self.hooks :]
            if d["url"] == self.answer_url and d["eventType"] == "answer"
        ]
        demo.expect(
            len(answers) == 1 and (tag is None or answers[0].get("tag") == tag),
            f"the call was answered: answer event at the app URL, tag={tag!r}",
        )
        puts = [r["body"] for r in log if r["method"] == "PUT" and "/members/" in r["path"]]
        view = demo.control("GET", f"/sim/conferences/{self.conference}")
        mutes = {m["callId"]: m["mute"] for m in view["activeMembers"]}
        first, second = self.members
        demo.expect(
            puts == ['{"mute":true}'] and mutes == {first: True, second: False},
            f"updateConferenceMember sent {puts}: {first} muted, {second} not",
        )


def c_examples(demo: Demo, exe: Path) -> None:
    """The C examples: redirect, fallback, hang-up, 404 and 409."""
    app = f"{demo.sim}/sim/app"
    print("\n── C (examples/c) " + "─" * 50)

    call = demo.new_call()
    demo.run(
        'redirect an answered call to new BXML, tag "step-2"',
        [str(exe / "redirect"), call, f"{app}/step-2", "step-2"],
    )
    hooks = demo.webhooks(1)
    demo.show_deliveries(hooks)
    demo.expect(
        len(hooks) == 1
        and hooks[0]["status"] == 200
        and json.loads(hooks[0]["body"]).get("tag") == "step-2",
        "the Redirect event reached the app with the tag",
    )

    other = demo.new_call()
    demo.run(
        "redirect whose primary URL is down: the fallback gets the event",
        [str(exe / "redirect"), other, f"{app}/fail", "", f"{app}/fallback"],
    )
    hooks = demo.webhooks(3)[1:]
    demo.show_deliveries(hooks)
    demo.expect(
        len(hooks) == 2 and hooks[1]["fallback"] and hooks[1]["status"] == 200,
        "primary answered 503, fallback answered 200; the call stays up",
    )

    demo.run("hang up the first call", [str(exe / "hangup"), call])
    st = demo.state(call)
    demo.expect(
        st["state"] == "disconnected" and st["disconnectCause"] == "hangup",
        f"simulator: state={st['state']}, disconnectCause={st['disconnectCause']}",
    )

    demo.run(
        "hang it up again: Bandwidth answers 404 because the call has ended",
        [str(exe / "hangup"), call],
        want_rc=3,
    )

    ringing = demo.new_call("initiated")
    demo.run(
        "redirect a call that is still ringing: 409, it must be answered first",
        [str(exe / "redirect"), ringing, f"{app}/too-early"],
        want_rc=1,
    )
    demo.run(
        "read the ringing call's state first: the BXML update is not sent (no 409)",
        [str(exe / "live_call"), ringing],
        want_rc=4,
    )
    demo.run("hang up the ringing call: that cancels it", [str(exe / "hangup"), ringing])
    st = demo.state(ringing)
    demo.expect(st["disconnectCause"] == "cancel", f"disconnectCause={st['disconnectCause']}")
    demo.run("and hang up the second call", [str(exe / "hangup"), other])

    live = demo.new_call(recording=True)
    demo.live_call(
        "a recording call: state, inline BXML, pause/resume recording, hang-up, state",
        [str(exe / "live_call"), live, CALLER_TEXT],
        live,
    )

    flaky = demo.new_call()
    demo.control(
        "POST",
        "/sim/faults",
        {"match": flaky, "status": 503, "headers": {"Retry-After": "0"}},
    )
    demo.run(
        "a hang-up answered 503 once, with its event log (on_event) and counters",
        [str(exe / "event_log"), flaky],
    )
    st = demo.state(flaky)
    demo.expect(st["state"] == "disconnected", f"retried and hung up: state={st['state']}")

    c_call_flow(demo, exe)


def c_call_flow(demo: Demo, exe: Path) -> None:
    """createCall, listCalls and a conference member muted, from C (examples/c/call_flow.c)."""
    flow = CallFlow(demo, "c-demo", to="+19195550123", caller="+19195550100")
    flow.run(
        "place a call, find it with listCalls, then mute one of a conference's two calls",
        [str(exe / "call_flow"), flow.answer_url, flow.conference, *flow.members],
    )
    flow.check(tag="call-flow")


def python_examples(demo: Demo) -> None:
    """The Python examples: redirect, hang-up, 404, the live-call family."""
    print("\n── Python (bindings/python, examples/python) " + "─" * 23)
    py = sys.executable
    call = demo.new_call()
    before = len(demo.control("GET", "/sim/webhooks"))
    demo.run(
        "redirect from Python",
        [py, "examples/python/redirect.py", call, f"{demo.sim}/sim/app/from-python", "py"],
    )
    demo.show_deliveries(demo.webhooks(before + 1)[before:])
    demo.run("hang up from Python", [py, "examples/python/hangup.py", call])
    demo.run(
        "hang up again from Python: 404 explained",
        [py, "examples/python/hangup.py", call],
        want_rc=3,
    )
    live = demo.new_call(recording=True)
    demo.live_call(
        "the live-call family from Python",
        [py, "examples/python/live_call.py", live, CALLER_TEXT],
        live,
    )
    python_call_flow(demo)


def python_call_flow(demo: Demo) -> None:
    """Place a call, find it among the account's calls, mute a conference member."""
    flow = CallFlow(demo, "demo-room", to="+15555551212", caller="+15555550000")
    flow.run(
        "place a call, find it with iter_calls, mute a conference member (Python)",
        [
            sys.executable,
            "examples/python/call_flow.py",
            "--to",
            flow.to,
            "--from",
            flow.caller,
            "--application-id",
            "demo-app",
            flow.answer_url,
            flow.conference,
            *flow.members,
        ],
    )
    flow.check()


def go_examples(demo: Demo) -> None:
    """The Go examples: redirect, hang-up, 404, the live-call family."""
    print("\n── Go (bindings/go) " + "─" * 48)
    go = os.environ.get("GO", "go")
    call = demo.new_call()
    before = len(demo.control("GET", "/sim/webhooks"))
    gobin = ROOT / "target/examples/go"
    for name in ("redirect", "hangup", "livecall", "callflow"):
        subprocess.run(
            [go, "build", "-o", str(gobin / name), f"./examples/{name}"],
            cwd=ROOT / "bindings/go",
            env=demo.env,
            check=True,
        )
    demo.run(
        "redirect from Go",
        [
            str(gobin / "redirect"),
            "-call",
            call,
            "-url",
            f"{demo.sim}/sim/app/from-go",
            "-tag",
            "go",
        ],
    )
    demo.show_deliveries(demo.webhooks(before + 1)[before:])
    demo.run("hang up from Go", [str(gobin / "hangup"), "-call", call])
    demo.run(
        "hang up again from Go: 404 explained", [str(gobin / "hangup"), "-call", call], want_rc=3
    )
    live = demo.new_call(recording=True)
    demo.live_call(
        "the live-call family from Go",
        [str(gobin / "livecall"), "-call", live, "-text", CALLER_TEXT],
        live,
    )
    go_call_flow(demo)


def go_call_flow(demo: Demo) -> None:
    """Go: place a call and find it in the call list; mute a conference member."""
    flow = CallFlow(demo, "go-flow", to="+15550107000", caller="+15550108000")
    flow.run(
        "place a call, find it in the call list, mute a conference member (Go)",
        [
            str(ROOT / "target/examples/go/callflow"),
            "-to",
            flow.to,
            "-from",
            flow.caller,
            "-application",
            "app-go",
            "-url",
            flow.answer_url,
            "-tag",
            "go-flow",
            "-conference",
            flow.conference,
            "-call",
            flow.members[0],
            "-other",
            flow.members[1],
        ],
    )
    flow.check(tag="go-flow")


def main() -> int:
    """Runs the demo; returns the exit status."""
    sim_bin = os.environ.get("BWVOICE_SIM", str(ROOT / "target/release/bwvoice-sim"))
    exe = Path(os.environ.get("EXE_DIR", ROOT / "target/examples")).resolve()
    sim = subprocess.Popen([sim_bin, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        banner = sim.stdout.readline().strip()
        if not banner.startswith("listening on "):
            print(f"simulator did not start: {banner!r}")
            return 1
        demo = Demo(banner.removeprefix("listening on "))
        print(f"bwvoice demo: Voice API simulator at {demo.sim} (OAuth2 client credentials)")
        c_examples(demo, exe)
        python_examples(demo)
        go_examples(demo)
        documents = set(demo.documents.values())
        demo.expect(
            len(demo.documents) == 3 and len(documents) == 1,
            f"C, Python and Go built the same BXML, byte for byte: {sorted(documents)}",
        )
        demo_ivr.ivr_section(demo.sim, demo.env, demo.expect)
        tokens = demo.control("GET", "/sim/requests?path_contains=oauth2")
        api = demo.control("GET", "/sim/requests?path_contains=/api/v2/")
        print(
            f"\nsimulator saw {len(api)} Voice API requests and {len(tokens)} token requests "
            "(one per process: each example makes one client)"
        )
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    if demo.failures:
        print(f"\n✗ demo finished with {demo.failures} unexpected result(s)")
        return 1
    print("\n✓ demo finished: every result was as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
