"""What reaches the wire: every parameter under its spec name, exactly."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

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


# -- get call state, update call BXML, update recording -------------------------

BXML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Bxml><SpeakSentence>Café ☎ &amp; co</SpeakSentence></Bxml>"
)


def test_get_call_state_is_a_get_without_a_body(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.get_call_state(ACCOUNT, call_id)
    (req,) = sim.requests()
    assert (req["method"], req["path"], req["status"]) == (
        "GET",
        f"/api/v2/accounts/{ACCOUNT}/calls/{call_id}",
        200,
    )
    assert req["body"] == ""
    assert "content-type" not in req["headers"]
    assert req["headers"]["authorization"].startswith("Basic ")
    assert req["headers"]["user-agent"] == "bwvoice/0.2.0 (python)"


def test_update_call_bxml_puts_the_document_as_is(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.update_call_bxml(ACCOUNT, call_id, BXML)
    (req,) = sim.requests()
    assert (req["method"], req["path"], req["status"]) == (
        "PUT",
        f"/api/v2/accounts/{ACCOUNT}/calls/{call_id}/bxml",
        204,
    )
    # The simulator answers 415 to any other media type: the library's one is accepted.
    assert req["headers"]["content-type"] == "application/xml; charset=utf-8"
    assert req["body"] == BXML
    assert req["headers"]["content-length"] == str(len(BXML.encode()))
    assert sim.call(call_id)["bxml"] == BXML


def test_pause_and_resume_recording_put_the_state(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call(recording=True)
    assert sim.call(call_id)["recording"] == "recording"
    client.pause_recording(ACCOUNT, call_id)
    assert sim.call(call_id)["recording"] == "paused"
    client.pause_recording(ACCOUNT, call_id)  # the same state again is fine
    client.resume_recording(ACCOUNT, call_id)
    assert sim.call(call_id)["recording"] == "recording"
    requests = sim.requests()
    assert [r["body"] for r in requests] == [
        '{"state":"paused"}',
        '{"state":"paused"}',
        '{"state":"recording"}',
    ]
    for req in requests:
        assert (req["method"], req["path"], req["status"]) == (
            "PUT",
            f"/api/v2/accounts/{ACCOUNT}/calls/{call_id}/recording",
            200,
        )
        assert req["headers"]["content-type"] == "application/json; charset=utf-8"


def test_a_recording_started_later_can_be_paused(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.start_recording(call_id)
    client.pause_recording(ACCOUNT, call_id)
    assert sim.call(call_id)["recording"] == "paused"


class Operation(NamedTuple):
    """An operation, its arguments after the call id, and the method, path suffix and body sent."""

    name: str
    args: tuple[str, ...]
    method: str
    suffix: str
    body: str

    def call(self, bw: bwvoice.Client, call_id: str, **kwargs: Any) -> object:
        """``bw.<name>(ACCOUNT, call_id, *args, **kwargs)``."""
        return getattr(bw, self.name)(ACCOUNT, call_id, *self.args, **kwargs)


OPERATIONS = [
    Operation("get_call_state", (), "GET", "", ""),
    Operation("update_call_bxml", ("<Bxml/>",), "PUT", "/bxml", "<Bxml/>"),
    Operation("pause_recording", (), "PUT", "/recording", '{"state":"paused"}'),
    Operation("resume_recording", (), "PUT", "/recording", '{"state":"recording"}'),
    Operation(
        "redirect",
        ("https://app.example/next",),
        "POST",
        "",
        '{"redirectUrl":"https://app.example/next"}',
    ),
    Operation("hangup", (), "POST", "", '{"state":"completed"}'),
]


every = pytest.mark.parametrize("op", OPERATIONS, ids=[op.name for op in OPERATIONS])


@every
def test_a_per_call_timeout_changes_nothing_on_the_wire(
    sim: Simulator, client: bwvoice.Client, op: Operation
) -> None:
    calls = [sim.create_call(recording=True) for _ in range(2)]
    op.call(client, calls[0], timeout=10)
    op.call(client, calls[1], timeout=None)
    sent = [(r["method"], r["path"], r["body"], r["status"] // 100) for r in sim.requests()]
    assert sent == [
        (op.method, f"/api/v2/accounts/{ACCOUNT}/calls/{c}{op.suffix}", op.body, 2) for c in calls
    ]


@every
def test_ids_with_reserved_and_non_ascii_characters(
    sim: Simulator, client: bwvoice.Client, op: Operation
) -> None:
    call_id = "c/1 ?#%é"
    sim.create_call(recording=True, callId=call_id)
    op.call(client, call_id)
    (req,) = sim.requests()
    assert req["status"] in (200, 204), req
    assert req["path"] == f"/api/v2/accounts/{ACCOUNT}/calls/c%2F1%20%3F%23%25%C3%A9{op.suffix}"
    assert (req["method"], req["body"]) == (op.method, op.body)
    assert sim.call(call_id)["callId"] == call_id
