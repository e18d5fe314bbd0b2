"""The IVR webhook app (examples/*/ivr*) answering calls the simulator plays.

For each language's app, started with callback credentials: two inbound
calls through the simulator (``POST /sim/calls`` with an ``answerUrl``);
call A presses 9 (not an option) then 2 (goodbye), call B presses 1 (a
transfer, then the transfer's end). Each call's timeline is printed and
checked, and every language must have played the same calls.

``make demo`` runs it after the other sections (scripts/demo.py);
tests/ivr uses its pieces. Until the simulator plays calls (its
``/sim/calls/{id}/timeline``), it says so and returns.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("c", "cpp", "python", "go")
NAMES = {"c": "C", "cpp": "C++", "python": "Python", "go": "Go"}
USERNAME, PASSWORD = "ivr-user", "ivr-secret"
TRANSFER_TO = "+15550000100"
# Loopback only: ignore any http_proxy in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

WELCOME = "Welcome to bwvoice."
MENU_PROMPT = "Press 1 to talk to someone, or 2 to hear a message."
NOT_AN_OPTION = "Sorry, that is not an option."
GOODBYE = "Thank you for trying bwvoice. Goodbye."
CONNECTING = "Connecting you now."
ENDED = "Your call has ended. Goodbye."

#: What each call presses, in order: call A then call B.
CALLS: dict[str, list[str]] = {"A": ["9", "2"], "B": ["1"]}

#: The steps each call's timeline must hold, in this order (other entries
#: may come between): a callback is "callback EVENT STATUS", a verb
#: "verb NAME DETAIL", the end "end CAUSE". Every callback is challenged
#: first (401), then sent with the credentials.
EXPECTED: dict[str, list[str]] = {
    "A": [
        "callback initiate 401",
        "callback initiate 200",
        f"verb SpeakSentence {WELCOME}",
        "verb Gather 9",
        "callback gather 401",
        "callback gather 200",
        f"verb SpeakSentence {NOT_AN_OPTION}",
        "verb Gather 2",
        "callback gather 401",
        "callback gather 200",
        f"verb SpeakSentence {GOODBYE}",
        "verb Hangup",
        "end hangup",
    ],
    "B": [
        "callback initiate 401",
        "callback initiate 200",
        f"verb SpeakSentence {WELCOME}",
        "verb Gather 1",
        "callback gather 401",
        "callback gather 200",
        f"verb SpeakSentence {CONNECTING}",
        f"verb Transfer {TRANSFER_TO} answered",
        "callback transferComplete 401",
        "callback transferComplete 200",
        f"verb SpeakSentence {ENDED}",
        "verb Hangup",
        "end hangup",
    ],
}


def control(sim: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """Calls the simulator's control API: the status and the decoded JSON (None if not JSON)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(sim + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def plays_calls(sim: str) -> str | None:
    """``None`` when the simulator plays calls, else why not.

    An unknown call's timeline must be 404 with a JSON error other than the
    one every unknown route gets, and a held call's timeline must list
    entries.
    """
    status, body = control(sim, "GET", "/sim/calls/x/timeline")
    if status != 404 or not isinstance(body, dict) or "route" in str(body.get("error")):
        return f"GET /sim/calls/x/timeline answered {status} {body}: no timelines"
    status, call = control(sim, "POST", "/sim/calls", {})
    if status != 201 or not isinstance(call, dict):
        return f"POST /sim/calls answered {status} {call}"
    status, timeline = control(sim, "GET", f"/sim/calls/{call['callId']}/timeline")
    if status != 200 or not isinstance(timeline, dict) or "entries" not in timeline:
        return f"a call's timeline answered {status} {timeline}"
    return None


# --- the apps ----------------------------------------------------------------------------


def build_go_app(env: dict[str, str], exe_dir: Path) -> Path:
    """Builds bindings/go/examples/ivr into EXE_DIR/go/ivr (go build is incremental)."""
    out = exe_dir / "go" / "ivr"
    go = env.get("GO", "go")
    subprocess.run(
        [go, "build", "-o", str(out), "./examples/ivr"],
        cwd=ROOT / "bindings/go",
        env=env,
        check=True,
    )
    return out


def app_command(language: str, exe_dir: Path, *args: str) -> list[str]:
    """The command line of one language's app (the Go one built first)."""
    if language == "c":
        return [str(exe_dir / "ivr"), *args]
    if language == "cpp":
        return [str(exe_dir / "ivr-cpp"), *args]
    if language == "python":
        return [sys.executable, str(ROOT / "examples/python/ivr.py"), *args]
    if language == "go":
        return [str(exe_dir / "go" / "ivr"), *args]
    raise ValueError(f"no IVR app in {language}")


def app_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the apps run in: the Python one finds the binding and the library."""
    base = dict(os.environ if env is None else env)
    base["PYTHONPATH"] = str(ROOT / "bindings/python/src")
    library = ROOT / "target/release/libbwvoice.so"
    base.setdefault("BWVOICE_LIBRARY", str(library))
    return base


class App:
    """One running app: started, its URL read from its first line, stopped with SIGTERM."""

    def __init__(self, argv: list[str], env: dict[str, str], wait: float = 60.0) -> None:
        self.argv = argv
        self.proc = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
        )
        self.url = self._banner(wait)

    def _banner(self, wait: float) -> str:
        """Reads "listening on URL" within `wait` seconds, or stops the app and raises."""
        assert self.proc.stdout is not None
        line = b""
        deadline = time.monotonic() + wait
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    break
                chunk = os.read(self.proc.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
        text = line.decode(errors="replace").strip()
        if not text.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=30)
            raise RuntimeError(f"{self.argv[0]} did not start: {text!r} {err.decode()[-2000:]}")
        return text.removeprefix("listening on ")

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit status and what it wrote on stderr."""
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err.decode(errors="replace")


# --- played calls ------------------------------------------------------------------------


def play_call(sim: str, app_url: str, presses: list[str]) -> dict[str, Any]:
    """Places an inbound call answered by the app, presses the digits, returns its timeline."""
    spec = {
        "from": "+15551110000",
        "to": "+15552220000",
        "answerUrl": f"{app_url}/answer",
        "username": USERNAME,
        "password": PASSWORD,
    }
    status, call = control(sim, "POST", "/sim/calls", spec)
    if status != 201 or not isinstance(call, dict):
        raise RuntimeError(f"POST /sim/calls answered {status}: {call}")
    call_id = call["callId"]
    for digits in presses:  # buffered: each Gather takes what it needs
        status, body = control(sim, "POST", f"/sim/calls/{call_id}/dtmf", {"digits": digits})
        if status >= 300:
            raise RuntimeError(f"dtmf {digits} answered {status}: {body}")
    status, timeline = control(sim, "GET", f"/sim/calls/{call_id}/timeline?wait=10")
    if status != 200 or not isinstance(timeline, dict):
        raise RuntimeError(f"timeline answered {status}: {timeline}")
    return timeline


def step(entry: dict[str, Any]) -> str:
    """An entry in the words of EXPECTED: "callback gather 200", "verb Gather 9", "end hangup"."""
    kind = entry.get("kind")
    if kind == "callback":
        return f"callback {entry.get('eventType')} {entry.get('status') or entry.get('error')}"
    if kind == "verb":
        verb = entry.get("verb")
        if verb in ("SpeakSentence", "PlayAudio"):
            detail = entry.get("text") or entry.get("url") or ""
        elif verb == "Gather":
            detail = entry.get("digits") or ""
        elif verb == "Transfer":
            detail = f"{entry.get('to')} {entry.get('outcome')}"
        else:
            detail = ""
        return f"verb {verb} {detail}".rstrip()
    if kind == "end":
        return f"end {entry.get('cause')}"
    return f"{kind} {entry.get('digits', '')}".rstrip()


def sequence(timeline: dict[str, Any]) -> list[str]:
    """The steps that must match across languages: without DTMF arrivals and menu prompts.

    When the digits arrive (before or during the Gather's prompt) is a race
    between the test and the simulator, so neither is compared.
    """
    return [
        s
        for s in map(step, timeline.get("entries", []))
        if not s.startswith("dtmf") and s != f"verb SpeakSentence {MENU_PROMPT}"
    ]


def problems(name: str, timeline: dict[str, Any]) -> list[str]:
    """What is wrong with call `name`'s timeline (empty: as expected)."""
    found: list[str] = []
    steps = [step(e) for e in timeline.get("entries", [])]
    at = 0
    for want in EXPECTED[name]:
        while at < len(steps) and steps[at] != want:
            at += 1
        if at == len(steps):
            found.append(f"call {name}: no {want!r} in order")
            break
        at += 1
    for entry in timeline.get("entries", []):
        if entry.get("kind") != "callback":
            continue
        want_auth = entry.get("status") != 401
        if bool(entry.get("authorized")) != want_auth:
            found.append(f"call {name}: {step(entry)} authorized={entry.get('authorized')}")
    if timeline.get("state") != "disconnected" or timeline.get("disconnectCause") != "hangup":
        found.append(
            f"call {name}: state {timeline.get('state')}, cause {timeline.get('disconnectCause')}"
        )
    return found


def show(timeline: dict[str, Any]) -> None:
    """Prints a timeline, one line per entry: elapsed ms, kind, event or verb, detail."""
    for entry in timeline.get("entries", []):
        kind = entry.get("kind", "?")
        if kind == "callback":
            auth = "authorized" if entry.get("authorized") else "no credentials"
            result = entry.get("status") or entry.get("error")
            what = f"{entry.get('eventType')} → {result} ({auth}) {entry.get('url', '')}"
        elif kind == "verb":
            what = step(entry).removeprefix("verb ")
            if entry.get("verb") == "Gather":
                what = f"Gather digits={entry.get('digits')!r} outcome={entry.get('outcome')}"
            if entry.get("simulated") is False:
                what += " (not simulated)"
        elif kind == "dtmf":
            what = f"caller pressed {entry.get('digits')}"
        else:
            what = step(entry).removeprefix(f"{kind} ")
        print(f"    {entry.get('elapsedMs', 0):>6} ms  {kind:<8} {what}")


def run_language(sim: str, argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Starts one language's app, plays calls A and B, stops it; the timelines by call."""
    app = App(argv, env)
    try:
        return {name: play_call(sim, app.url, presses) for name, presses in CALLS.items()}
    finally:
        app.stop()


def ivr_section(sim: str, env: dict[str, str], expect: Callable[[bool, str], None]) -> None:
    """`make demo`'s IVR section: each language's app answers two played calls."""
    print("\n── IVR webhook apps (examples/c, examples/cpp, examples/python, Go) " + "─" * 10)
    why_not = plays_calls(sim)
    if why_not is not None:
        print(f"  the simulator does not play calls yet, so this section is skipped ({why_not})")
        return
    exe_dir = Path(env.get("EXE_DIR", ROOT / "target/examples")).resolve()
    build_go_app(env, exe_dir)
    credentials = ["--username", USERNAME, "--password", PASSWORD, "--transfer-to", TRANSFER_TO]
    sequences: dict[str, dict[str, list[str]]] = {}
    for language in LANGUAGES:
        argv = app_command(language, exe_dir, *credentials)
        try:
            timelines = run_language(sim, argv, app_env(env))
        except RuntimeError as err:  # the app did not start, or the simulator said no
            expect(False, f"{NAMES[language]}: {err}")
            continue
        sequences[language] = {}
        for name, timeline in timelines.items():
            print(f"\n▶ {NAMES[language]}: call {name} presses {' then '.join(CALLS[name])}")
            show(timeline)
            found = problems(name, timeline)
            expect(not found, f"call {name} played as expected" + "".join(f"; {p}" for p in found))
            sequences[language][name] = sequence(timeline)
    same = len(sequences) == len(LANGUAGES) and all(
        s == sequences[LANGUAGES[0]] for s in sequences.values()
    )
    expect(same, "C, C++, Python and Go played the same calls, entry for entry")
