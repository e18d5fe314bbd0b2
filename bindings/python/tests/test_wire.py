"""What reaches the wire: every parameter under its spec name, exactly."""

from __future__ import annotations

import json

import pytest

import bwvoice
from simulator import ACCOUNT, PASSWORD, USERNAME, Simulator


def only_body(sim: Simulator) -> str:
    """The body of the single /api request made so far."""
    (req,) = sim.requests()
    assert req["status"] == 200, req
    return str(req["body"])


def test_modify_call_sends_every_parameter_by_its_spec_name(
    sim: Simulator, client: bwvoice.Client
) -> None:
    call_id = sim.create_call()
    client.modify_call(
        ACCOUNT,
        call_id,
        state="active",
        redirect_url=f"{sim.url}/sim/app/next",
        redirect_method="GET",
        username="cb-user",
        password="cb-pass",
        tag="step-2",
        redirect_fallback_url=f"{sim.url}/sim/app/fallback",
        redirect_fallback_method="POST",
        fallback_username="fb-user",
        fallback_password="fb-pass",
        timeout=10,
    )
    (req,) = sim.requests()
    assert req["method"] == "POST"
    assert req["path"] == f"/api/v2/accounts/{ACCOUNT}/calls/{call_id}"
    assert json.loads(req["body"]) == {
        "state": "active",
        "redirectUrl": f"{sim.url}/sim/app/next",
        "redirectMethod": "GET",
        "username": "cb-user",
        "password": "cb-pass",
        "tag": "step-2",
        "redirectFallbackUrl": f"{sim.url}/sim/app/fallback",
        "redirectFallbackMethod": "POST",
        "fallbackUsername": "fb-user",
        "fallbackPassword": "fb-pass",
    }
    assert sim.call(call_id)["tag"] == "step-2"


def test_redirect_sends_only_the_url_and_leaves_the_tag_alone(
    sim: Simulator, client: bwvoice.Client
) -> None:
    call_id = sim.create_call()
    client.redirect(ACCOUNT, call_id, f"{sim.url}/sim/app/a", tag="keep-me")
    client.redirect(ACCOUNT, call_id, f"{sim.url}/sim/app/b")
    last = sim.requests()[-1]
    assert last["status"] == 200
    assert last["body"] == f'{{"redirectUrl":"{sim.url}/sim/app/b"}}'
    assert sim.call(call_id)["tag"] == "keep-me"


def test_empty_tag_is_sent_and_clears_the_tag(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.redirect(ACCOUNT, call_id, f"{sim.url}/sim/app/a", tag="step-1")
    assert sim.call(call_id)["tag"] == "step-1"
    client.redirect(ACCOUNT, call_id, f"{sim.url}/sim/app/b", tag="")
    last = sim.requests()[-1]
    assert json.loads(last["body"]) == {"redirectUrl": f"{sim.url}/sim/app/b", "tag": ""}
    assert sim.call(call_id)["tag"] is None


def test_enum_names_are_case_insensitive(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.modify_call(
        ACCOUNT,
        call_id,
        state="Active",  # type: ignore[arg-type]
        redirect_url="https://app.example/next",
        redirect_method="get",  # type: ignore[arg-type]
    )
    assert json.loads(only_body(sim)) == {
        "state": "active",
        "redirectUrl": "https://app.example/next",
        "redirectMethod": "GET",
    }


def test_unicode_reaches_the_wire_intact(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.redirect(ACCOUNT, call_id, "https://app.example/next", tag="étape-2 ☎")
    assert json.loads(only_body(sim))["tag"] == "étape-2 ☎"
    assert sim.call(call_id)["tag"] == "étape-2 ☎"


def test_hangup_sends_exactly_state_completed(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.hangup(ACCOUNT, call_id)
    assert only_body(sim) == '{"state":"completed"}'
    assert sim.call(call_id)["state"] == "disconnected"


def test_basic_auth_and_json_content_type(sim: Simulator, client: bwvoice.Client) -> None:
    client.hangup(ACCOUNT, sim.create_call())
    (req,) = sim.requests()
    assert req["headers"]["authorization"].startswith("Basic ")
    assert req["headers"]["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [(None, "bwvoice/0.2.0 (python)"), ("myapp/1.2", "bwvoice/0.2.0 (python; myapp/1.2)")],
)
def test_user_agent_names_the_python_binding(
    sim: Simulator, suffix: str | None, expected: str
) -> None:
    with bwvoice.Client(
        username=USERNAME, password=PASSWORD, base_url=sim.api_url, user_agent_suffix=suffix
    ) as bw:
        bw.hangup(ACCOUNT, sim.create_call())
    (req,) = sim.requests()
    assert req["headers"]["user-agent"] == expected
