"""create_call against the simulator: the result, the exact request, and never a second call."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any

import pytest

import bwvoice
from helpers import Either
from simulator import ACCOUNT, Simulator

TO, FROM = "+15555551212", "+15555550000"
CALLS_PATH = f"/api/v2/accounts/{ACCOUNT}/calls"


def placed(sim: Simulator) -> list[dict[str, Any]]:
    """Every createCall request the simulator received."""
    return [r for r in sim.requests() if r["method"] == "POST" and r["path"] == CALLS_PATH]


def request(sim: Simulator, **fields: Any) -> bwvoice.CreateCallRequest:
    """A request to TO from FROM, answered by the simulator's own app, plus ``fields``."""
    base: dict[str, Any] = {
        "to": TO,
        "from_": FROM,
        "application_id": "app-1",
        "answer_url": f"{sim.url}/sim/app/answer",
    }
    return bwvoice.CreateCallRequest(**{**base, **fields})


def test_every_field_of_the_created_call(sim: Simulator, either: Either) -> None:
    sim.configure(outbound="ring")  # the call stays as it was placed
    created = either(
        "create_call",
        ACCOUNT,
        request(
            sim,
            answer_url="https://app.example/answer",
            answer_method="GET",
            username="cb-user",
            password="cb-secret",
            answer_fallback_url="https://app.example/fallback",
            answer_fallback_method="POST",
            fallback_username="fb-user",
            fallback_password="fb-secret",
            disconnect_url="https://app.example/disconnect",
            disconnect_method="GET",
            call_timeout=45,
            callback_timeout=10.5,
            priority=2,
            tag="order-17",
        ),
    )
    assert isinstance(created, bwvoice.CreatedCall)
    assert created.call_id is not None and created.call_id.startswith("c-")
    view = sim.call(created.call_id)
    assert created.enqueued_time is not None
    assert created.enqueued_time.tzinfo is timezone.utc
    sent = datetime.fromisoformat(view["enqueuedTime"].replace("Z", "+00:00"))
    assert created.enqueued_time == sent
    assert created == bwvoice.CreatedCall(
        call_id=created.call_id,
        account_id=ACCOUNT,
        application_id="app-1",
        to=TO,
        from_=FROM,
        call_url=f"{sim.api_url}/accounts/{ACCOUNT}/calls/{created.call_id}",
        enqueued_time=created.enqueued_time,
        call_timeout=45.0,
        callback_timeout=10.5,
        priority=2,
        tag="order-17",
        answer_url="https://app.example/answer",
        answer_method="GET",
        answer_fallback_url="https://app.example/fallback",
        answer_fallback_method="POST",
        disconnect_url="https://app.example/disconnect",
        disconnect_method="GET",
        username="cb-user",
        password="*****",  # masked by the server, as production does
        fallback_username="fb-user",
        fallback_password="*****",
    )
    assert (view["state"], view["direction"], view["tag"]) == ("initiated", "outbound", "order-17")
    assert "*****" not in repr(created) and "password='***'" in repr(created)


def test_the_defaults_bandwidth_reports_and_the_answer_webhook(
    sim: Simulator, either: Either
) -> None:
    created = either("create_call", ACCOUNT, request(sim, tag="t-1"))
    assert (created.call_timeout, created.callback_timeout, created.priority) == (30.0, 15.0, 5)
    assert (created.answer_method, created.disconnect_url, created.password) == ("POST", None, None)
    assert sim.wait_call(created.call_id, "answered")["state"] == "answered"
    (hook,) = sim.webhooks(wait=1)
    assert (hook["eventType"], hook["url"], hook["callId"]) == (
        "answer",
        f"{sim.url}/sim/app/answer",
        created.call_id,
    )
    assert json.loads(hook["body"])["tag"] == "t-1"
    state = either("get_call_state", ACCOUNT, created.call_id)
    assert (state.state, state.direction, state.to, state.from_) == (
        "answered",
        "outbound",
        TO,
        FROM,
    )


def test_every_field_reaches_the_wire_by_its_spec_name(sim: Simulator, either: Either) -> None:
    sim.configure(outbound="ring")
    detection = bwvoice.MachineDetection(
        mode="async",
        detection_timeout=15,
        silence_timeout=10,
        speech_threshold=10,
        speech_end_threshold=5,
        machine_speech_end_threshold=6,
        delay_result=True,
        callback_url="https://app.example/amd",
        callback_method="GET",
        username="md-user",
        password="md-secret",
        fallback_url="https://app.example/amd-fallback",
        fallback_method="post",  # type: ignore[arg-type]  # case-insensitive
        fallback_username="md-fb-user",
        fallback_password="md-fb-secret",
    )
    full = bwvoice.CreateCallRequest(
        to="sip:alice@example.com",
        from_=FROM,
        application_id="app-1",
        answer_url="https://app.example/answer",
        answer_method="get",  # type: ignore[arg-type]
        username="cb-user",
        password="cb-secret",
        answer_fallback_url="https://app.example/fallback",
        answer_fallback_method="POST",
        fallback_username="fb-user",
        fallback_password="fb-secret",
        disconnect_url="https://app.example/disconnect",
        disconnect_method="POST",
        privacy=True,
        display_name="Anonymous",
        uui="dGVzdA==;encoding=base64",
        call_timeout=45.5,
        callback_timeout=10,
        priority=1,
        tag="étape ☎",
        machine_detection=detection,
    )
    either("create_call", ACCOUNT, full, timeout=10)
    (req,) = placed(sim)
    assert req["headers"]["content-type"].startswith("application/json")
    assert json.loads(req["body"]) == {
        "to": "sip:alice@example.com",
        "from": FROM,
        "applicationId": "app-1",
        "answerUrl": "https://app.example/answer",
        "answerMethod": "GET",
        "username": "cb-user",
        "password": "cb-secret",
        "answerFallbackUrl": "https://app.example/fallback",
        "answerFallbackMethod": "POST",
        "fallbackUsername": "fb-user",
        "fallbackPassword": "fb-secret",
        "disconnectUrl": "https://app.example/disconnect",
        "disconnectMethod": "POST",
        "privacy": True,
        "displayName": "Anonymous",
        "uui": "dGVzdA==;encoding=base64",
        "callTimeout": 45.5,
        "callbackTimeout": 10,
        "priority": 1,
        "tag": "étape ☎",
        "machineDetection": {
            "mode": "async",
            "detectionTimeout": 15,
            "silenceTimeout": 10,
            "speechThreshold": 10,
            "speechEndThreshold": 5,
            "machineSpeechEndThreshold": 6,
            "delayResult": True,
            "callbackUrl": "https://app.example/amd",
            "callbackMethod": "GET",
            "username": "md-user",
            "password": "md-secret",
            "fallbackUrl": "https://app.example/amd-fallback",
            "fallbackMethod": "POST",
            "fallbackUsername": "md-fb-user",
            "fallbackPassword": "md-fb-secret",
        },
    }
    for secret in ("cb-secret", "fb-secret", "md-secret", "md-fb-secret"):
        assert secret not in repr(full)


def test_only_what_is_set_is_sent(sim: Simulator, either: Either) -> None:
    either("create_call", ACCOUNT, request(sim, privacy=False))
    (req,) = placed(sim)
    assert json.loads(req["body"]) == {
        "to": TO,
        "from": FROM,
        "applicationId": "app-1",
        "answerUrl": f"{sim.url}/sim/app/answer",
        "privacy": False,
    }


def test_the_request_is_frozen_keyword_only_and_compares_by_value(sim: Simulator) -> None:
    first = request(sim, tag="a")
    assert first == request(sim, tag="a") and hash(first) == hash(request(sim, tag="a"))
    with pytest.raises(AttributeError):
        first.tag = "b"  # type: ignore[misc]
    if sys.version_info >= (3, 10):  # dataclass(kw_only=True) is 3.10+
        with pytest.raises(TypeError):
            bwvoice.CreateCallRequest(TO, FROM, "app-1", "https://a/")


# --- never a second call ---------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [{"status": 500}, {"status": 503}, {"status": 502}, {"close": True}],
    ids=["500", "503", "502", "dropped"],
)
def test_never_sent_twice_once_it_may_have_placed_the_call(
    sim: Simulator, fault: dict[str, Any], kind: str
) -> None:
    sim.fault(None, route="calls", method="POST", **fault)
    bw = Either(kind, sim, retry_non_idempotent=True, max_attempts=5)
    try:
        with pytest.raises(bwvoice.BandwidthError) as info:
            bw("create_call", ACCOUNT, request(sim, tag="once"))
    finally:
        bw.close()
    err = info.value
    assert err.maybe_applied is True
    assert err.attempts == 1
    assert len(placed(sim)) == 1
    if "status" in fault:
        assert isinstance(err, bwvoice.ServerError)
        assert err.http_status == fault["status"]


def test_a_429_certainly_placed_nothing_and_is_retried(sim: Simulator, either: Either) -> None:
    sim.fault(None, route="calls", method="POST", status=429, headers={"Retry-After": "0"})
    created = either("create_call", ACCOUNT, request(sim))
    assert [r["status"] for r in placed(sim)] == [429, 201]
    assert sim.call(created.call_id)["direction"] == "outbound"
