"""The IVR app answering calls the simulator plays (scripts/demo_ivr.py's checks).

Each app, started with callback credentials, gets two inbound calls from
the simulator: call A presses 9 then 2, call B presses 1 and is
transferred. Their timelines must hold the expected steps in order, every
callback challenged first, and be the same in every language.

Skipped while the simulator does not play calls (no
``/sim/calls/{id}/timeline``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import demo_ivr
import pytest

from conftest import ROOT, Started, command, variants


@pytest.fixture(scope="module")
def sim() -> Iterator[str]:
    """The simulator's URL; skips the module when it does not play calls."""
    binary = os.environ.get("BWVOICE_SIM", str(ROOT / "target/release/bwvoice-sim"))
    simulator = demo_ivr.App([binary, "--port", "0"], dict(os.environ))
    try:
        why_not = demo_ivr.plays_calls(simulator.url)
        if why_not is not None:
            pytest.skip(f"the simulator does not play calls yet ({why_not})")
        yield simulator.url
    finally:
        simulator.stop()


@pytest.fixture(scope="module")
def played(sim: str, go_app: Path) -> dict[str, dict[str, Any]]:
    """Calls A and B played by each variant's app: the timelines by variant and call."""
    credentials = ["--username", demo_ivr.USERNAME, "--password", demo_ivr.PASSWORD]
    return {
        variant: demo_ivr.run_language(sim, command(variant, *credentials), demo_ivr.app_env())
        for variant in variants()
    }


@pytest.mark.parametrize("variant", variants())
@pytest.mark.parametrize("call", sorted(demo_ivr.CALLS))
def test_call_plays_as_expected(played: dict[str, dict[str, Any]], variant: str, call: str) -> None:
    """The expected steps in order, every callback challenged first, the call hung up."""
    timeline = played[variant][call]
    demo_ivr.show(timeline)  # shown when the test fails
    assert demo_ivr.problems(call, timeline) == []
    answers = [
        e.get("answer")
        for e in timeline["entries"]
        if e.get("kind") == "callback" and e.get("status") == 200
    ]
    assert all(a and a.startswith("<?xml") for a in answers), answers


def test_same_calls_in_every_language(played: dict[str, dict[str, Any]]) -> None:
    """Entry for entry (times, URLs and DTMF arrivals aside), every app played the same."""
    sequences = {
        variant: {call: demo_ivr.sequence(t) for call, t in timelines.items()}
        for variant, timelines in played.items()
    }
    first = sequences[demo_ivr.LANGUAGES[0]]
    assert all(s == first for s in sequences.values()), sequences


@pytest.mark.parametrize("variant", variants())
def test_refused_credentials_end_the_call(sim: str, start: Started, variant: str) -> None:
    """Credentials the app refuses (403 after the challenge): the call ends, callback-error."""
    app = start(variant, "--username", demo_ivr.USERNAME, "--password", "another-secret")
    spec = {
        "answerUrl": f"{app.url}/answer",
        "username": demo_ivr.USERNAME,
        "password": demo_ivr.PASSWORD,
    }
    status, call = demo_ivr.control(sim, "POST", "/sim/calls", spec)
    assert status == 201, call
    path = f"/sim/calls/{call['callId']}/timeline?wait=10"
    status, timeline = demo_ivr.control(sim, "GET", path)
    assert status == 200, timeline
    steps = [demo_ivr.step(e) for e in timeline["entries"]]
    assert steps[:2] == ["callback initiate 401", "callback initiate 403"], steps
    assert (timeline["state"], timeline["disconnectCause"]) == ("disconnected", "callback-error")


def contract_timeline(steps: list[dict[str, Any]], cause: str = "hangup") -> dict[str, Any]:
    """A timeline in the shape the simulator's contract gives, from entries without times."""
    entries = [{"at": "2026-12-08T10:00:00.000Z", "elapsedMs": i, **e} for i, e in enumerate(steps)]
    return {"callId": "c-1", "state": "disconnected", "disconnectCause": cause, "entries": entries}


def callback(event_type: str, status: int) -> dict[str, Any]:
    """A callback entry: challenged (401) or authorized."""
    return {
        "kind": "callback",
        "eventType": event_type,
        "status": status,
        "authorized": status != 401,
    }


def speak(text: str) -> dict[str, Any]:
    """A SpeakSentence entry."""
    return {"kind": "verb", "verb": "SpeakSentence", "text": text, "durationMs": 65 * len(text)}


def gather(digits: str) -> dict[str, Any]:
    """A Gather entry that got `digits`."""
    return {"kind": "verb", "verb": "Gather", "digits": digits, "outcome": "max-digits"}


def test_the_checks_read_the_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """The checks themselves, on call A as the contract describes it (no simulator needed)."""
    call_a = [
        callback("initiate", 401),
        callback("initiate", 200),
        speak(demo_ivr.WELCOME),
        {"kind": "dtmf", "digits": "9"},
        speak(demo_ivr.MENU_PROMPT),
        gather("9"),
        callback("gather", 401),
        callback("gather", 200),
        speak(demo_ivr.NOT_AN_OPTION),
        gather("2"),
        callback("gather", 401),
        callback("gather", 200),
        speak(demo_ivr.GOODBYE),
        {"kind": "verb", "verb": "Hangup"},
        {"kind": "end", "cause": "hangup"},
    ]
    timeline = contract_timeline(call_a)
    assert demo_ivr.problems("A", timeline) == []
    demo_ivr.show(timeline)
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == len(call_a)
    words = [" ".join(line.split()) for line in shown]
    assert words[0] == "0 ms callback initiate → 401 (no credentials)"
    assert words[5] == "5 ms verb Gather digits='9' outcome=max-digits"
    assert words[-1] == "14 ms end hangup"
    # DTMF arrivals and menu prompts depend on timing: not compared.
    assert demo_ivr.sequence(timeline) == demo_ivr.sequence(
        contract_timeline(call_a[:3] + call_a[5:])
    )
    missing_hangup = contract_timeline(call_a[:13] + call_a[14:])
    assert demo_ivr.problems("A", missing_hangup) == ["call A: no 'verb Hangup' in order"]
    unchallenged = contract_timeline(
        [callback("initiate", 200) | {"authorized": False}, *call_a[2:]]
    )
    assert any("authorized=False" in p for p in demo_ivr.problems("A", unchallenged))
    assert demo_ivr.problems("B", timeline) != []
    ended = contract_timeline(call_a, cause="callback-error")
    assert demo_ivr.problems("A", ended) == ["call A: state disconnected, cause callback-error"]
