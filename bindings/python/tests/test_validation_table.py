"""createCall, listCalls and the conference operations refuse bad input before sending.

Each row is one bad field: the library (or, for what C cannot carry, the
binding) raises ``ValidationError`` naming it, and the simulator receives
nothing. Wrong Python types are ``TypeError`` before any C call.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from typing import Any, Callable

import pytest

import bwvoice
from helpers import Either
from simulator import ACCOUNT, Simulator

CALL = bwvoice.CreateCallRequest(
    to="+15555551212",
    from_="+15555550000",
    application_id="app-1",
    answer_url="https://app.example/answer",
)
MD = bwvoice.MachineDetection(callback_url="https://app.example/amd")


def call(**fields: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return "create_call", (ACCOUNT, dataclasses.replace(CALL, **fields)), {}


def detection(**fields: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return call(machine_detection=dataclasses.replace(MD, **fields))


def query(**fields: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return "list_calls", (ACCOUNT, bwvoice.ListCallsQuery(**fields)), {}


def conference(
    request: bwvoice.UpdateConferenceRequest,
) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return "update_conference", (ACCOUNT, "conf-1", request), {}


def member(**kwargs: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return "update_conference_member", (ACCOUNT, "conf-1", "c-1"), kwargs


HTTP_URL = "http://app.example/answer"
COACHED = [f"c-{n}" for n in range(21)]

#: (field, (operation, args, kwargs)): one bad field each.
ROWS: list[tuple[str, tuple[str, tuple[Any, ...], dict[str, Any]]]] = [
    # createCall: numbers and URIs
    ("to", call(to="5551212")),
    ("to", call(to="+0123456")),
    ("to", call(to="+1234567890123456")),
    ("to", call(to="sip:host-without-user")),
    ("to", call(to="")),
    ("from", call(from_="sip:alice@example.com")),
    ("from", call(from_="+1 555 0000")),
    ("application_id", call(application_id="")),
    ("account_id", ("create_call", ("", CALL), {})),
    # createCall: webhooks and credentials
    ("answer_url", call(answer_url="/relative/answer")),
    ("answer_url", call(answer_url="ftp://app.example/answer")),
    ("answer_url", call(answer_url=HTTP_URL, username="u", password="p")),
    (
        "answer_fallback_url",
        call(answer_fallback_url=HTTP_URL, fallback_username="u", fallback_password="p"),
    ),
    ("username", call(password="p")),
    ("password", call(username="u")),
    ("password", call(username="u", password="p" * 1025)),
    ("disconnect_url", call(disconnect_url="not a url")),
    # createCall: ranges
    ("call_timeout", call(call_timeout=0)),
    ("call_timeout", call(call_timeout=0.5)),
    ("call_timeout", call(call_timeout=301)),
    ("call_timeout", call(call_timeout=math.nan)),
    ("call_timeout", call(call_timeout=-1)),
    ("callback_timeout", call(callback_timeout=0.99)),
    ("callback_timeout", call(callback_timeout=25.5)),
    ("callback_timeout", call(callback_timeout=math.inf)),
    ("priority", call(priority=0)),
    ("priority", call(priority=6)),
    ("priority", call(priority=-1)),
    ("priority", call(priority=2**32)),
    # createCall: privacy, display name, uui, tag
    ("display_name", call(privacy=True, display_name="Alice")),
    ("display_name", call(display_name="x" * 257)),
    ("display_name", call(display_name="Al\x07ice")),
    ("uui", call(to="sip:a@example.com", uui="dGVzdA==")),
    ("uui", call(to="sip:a@example.com", uui="zz;encoding=hex")),
    ("uui", call(to="sip:a@example.com", uui="x" * 340 + ";encoding=hex")),
    ("tag", call(tag="t" * 4097)),
    ("tag", call(tag="a\x00b")),
    ("answer_method", call(answer_method="PUT")),
    # createCall: machine detection (whole seconds, async needs a callback URL)
    ("machine_detection.detection_timeout", detection(detection_timeout=1.5)),
    ("machine_detection.silence_timeout", detection(silence_timeout=0)),
    ("machine_detection.speech_threshold", detection(speech_threshold=0.5)),
    ("machine_detection.speech_end_threshold", detection(speech_end_threshold=-2)),
    ("machine_detection.machine_speech_end_threshold", detection(machine_speech_end_threshold=2.5)),
    ("machine_detection.callback_url", detection(callback_url=None)),
    ("machine_detection.callback_url", detection(mode="sync")),
    ("machine_detection.callback_url", detection(callback_url="relative")),
    ("machine_detection.password", detection(username="u")),
    ("machine_detection.mode", detection(mode="fast")),
    # listCalls
    ("page_size", query(page_size=0)),
    ("page_size", query(page_size=10001)),
    ("min_start_time", query(min_start_time="yesterday")),
    ("min_start_time", query(min_start_time=datetime(2024, 1, 1))),  # naive: no offset
    ("max_start_time", query(max_start_time="2024-01-01 10:00:00Z")),
    (
        "min_start_time",
        query(min_start_time="2024-02-01T00:00:00Z", max_start_time="2024-01-01T00:00:00Z"),
    ),
    ("to", query(to="%2B15555551212")),
    ("disconnect_cause", query(disconnect_cause="")),
    ("page_token", query(page_token="")),
    ("account_id", ("list_calls", ("", None), {})),
    # conferences
    ("conference_id", ("get_conference", (ACCOUNT, ""), {})),
    ("account_id", ("get_conference", ("", "conf-1"), {})),
    (
        "redirect_url",
        conference(bwvoice.UpdateConferenceRequest(status="completed", redirect_url=HTTP_URL)),
    ),
    (
        "redirect_method",
        conference(bwvoice.UpdateConferenceRequest(status="completed", redirect_method="GET")),
    ),
    ("redirect_url", conference(bwvoice.UpdateConferenceRequest())),
    ("redirect_url", conference(bwvoice.UpdateConferenceRequest(status="active"))),
    (
        "username",
        conference(bwvoice.UpdateConferenceRequest.redirect(HTTP_URL, username="u" * 1025)),
    ),
    ("status", conference(bwvoice.UpdateConferenceRequest(status="paused"))),  # type: ignore[arg-type]
    ("bxml", ("update_conference_bxml", (ACCOUNT, "conf-1", "<Verbs/>"), {})),
    ("bxml", ("update_conference_bxml", (ACCOUNT, "conf-1", "<Bxml>"), {})),
    ("member_id", ("get_conference_member", (ACCOUNT, "conf-1", ""), {})),
    # members
    ("req", member()),
    # The C ABI checks the count before reading the array, under the C field's name.
    ("call_ids_to_coach_len", member(call_ids_to_coach=COACHED)),
    ("call_ids_to_coach", member(call_ids_to_coach=["c-1", ""])),
    ("call_ids_to_coach", member(call_ids_to_coach=["c-1", "c\x002"])),
    ("timeout", ("get_conference", (ACCOUNT, "conf-1"), {"timeout": 0})),
]


@pytest.mark.parametrize(("field", "row"), ROWS, ids=[f"{i}-{r[0]}" for i, r in enumerate(ROWS)])
def test_each_bad_field_is_refused_and_nothing_is_sent(
    sim: Simulator, either: Either, field: str, row: tuple[str, tuple[Any, ...], dict[str, Any]]
) -> None:
    operation, args, kwargs = row
    runs: list[Callable[[], Any]] = [lambda: either(operation, *args, **kwargs)]
    if operation == "list_calls":  # and the other way of reading calls
        runs.append(lambda: either.all_calls(*args, **kwargs))
    for run in runs:
        with pytest.raises(bwvoice.ValidationError) as info:
            run()
        err = info.value
        assert (err.field, err.status, err.http_status, err.attempts) == (
            field,
            "BW_ERR_INVALID_ARGUMENT",
            None,
            0,
        )
    assert sim.requests() == []


BAD_TYPES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("create_call", (ACCOUNT, {"to": "+15555551212"}), {}),
    ("create_call", (ACCOUNT, None), {}),
    call(to=None),
    call(from_=15555550000),
    call(privacy="yes"),
    call(call_timeout="30"),
    call(priority=2.0),
    call(priority=True),
    call(machine_detection={"mode": "sync"}),
    detection(delay_result=1),
    detection(detection_timeout="15"),
    ("list_calls", (ACCOUNT, {"page_size": 10}), {}),
    query(page_size="10"),
    query(min_start_time=1700000000),
    query(from_=b"+15555550000"),
    ("update_conference", (ACCOUNT, "conf-1", "end"), {}),
    ("update_conference", (ACCOUNT, "conf-1", None), {}),
    ("update_conference_bxml", (ACCOUNT, "conf-1", b"<Bxml/>"), {}),
    ("get_conference", (ACCOUNT, None), {}),
    ("get_conference_member", (ACCOUNT, "conf-1", 7), {}),
    member(mute=1),
    member(hold="no"),
    member(call_ids_to_coach="c-1"),
    member(call_ids_to_coach=[1, 2]),
    member(call_ids_to_coach={"c-1"}),
]


@pytest.mark.parametrize("row", BAD_TYPES, ids=[str(i) for i in range(len(BAD_TYPES))])
def test_wrong_python_types_raise_type_error_before_any_c_call(
    sim: Simulator, either: Either, row: tuple[str, tuple[Any, ...], dict[str, Any]]
) -> None:
    operation, args, kwargs = row
    with pytest.raises(TypeError):
        either(operation, *args, **kwargs)
    assert sim.requests() == []


def test_a_redirect_needs_a_url() -> None:
    with pytest.raises(TypeError):
        bwvoice.UpdateConferenceRequest.redirect(None)  # type: ignore[arg-type]
