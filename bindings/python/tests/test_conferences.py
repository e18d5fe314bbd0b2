"""Conferences and their members against the simulator: results, exact requests, 404s."""

from __future__ import annotations

import ctypes
import json
import logging
from datetime import datetime, timezone
from typing import Any

import pytest

import bwvoice
from bwvoice import _ffi
from helpers import Either, basic
from simulator import ACCOUNT, Simulator, quote


def conference_of_two(sim: Simulator, **fields: str) -> tuple[str, str, str]:
    """A conference of two answered calls: its id and the two call ids."""
    first, second = sim.create_call(), sim.create_call()
    view = sim.create_conference("room-1", [first, second], **fields)
    return str(view["id"]), first, second


def time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def sent(sim: Simulator, conference_id: str) -> list[tuple[str, str, str]]:
    """(method, path after the conference, body) of each request about the conference."""
    prefix = f"/api/v2/accounts/{ACCOUNT}/conferences/{quote(conference_id)}"
    return [
        (r["method"], r["path"][len(prefix) :], r["body"])
        for r in sim.requests(conference_id)
        if r["path"].startswith(prefix)
    ]


def test_every_field_of_a_conference_and_its_members(sim: Simulator, either: Either) -> None:
    conf, first, second = conference_of_two(
        sim,
        tag="team-a",
        conferenceEventUrl=f"{sim.url}/sim/app/conf-events",
        conferenceEventMethod="GET",
    )
    got = either("get_conference", ACCOUNT, conf)
    assert isinstance(got, bwvoice.Conference)
    view = sim.conference(conf)
    members_url = f"{sim.api_url}/accounts/{ACCOUNT}/conferences/{conf}/members"
    assert got == bwvoice.Conference(
        id=conf,
        name="room-1",
        created_time=time(view["createdTime"]),
        completed_time=None,
        conference_event_url=f"{sim.url}/sim/app/conf-events",
        conference_event_method="GET",
        tag="team-a",
        active_members=[
            bwvoice.ConferenceMember(
                call_id=call,
                conference_id=conf,
                member_url=f"{members_url}/{call}",
                mute=False,
                hold=False,
                call_ids_to_coach=[],
            )
            for call in (first, second)
        ],
    )
    assert got.created_time is not None and got.created_time.tzinfo is timezone.utc
    member = either("get_conference_member", ACCOUNT, conf, second)
    assert member == got.active_members[1]


def test_member_updates_reach_the_wire_and_the_member(sim: Simulator, either: Either) -> None:
    conf, coach, coached = conference_of_two(sim)
    either(
        "update_conference_member",
        ACCOUNT,
        conf,
        coach,
        mute=True,
        hold=False,
        call_ids_to_coach=[coached],
        timeout=10,
    )
    member = either("get_conference_member", ACCOUNT, conf, coach)
    assert (member.mute, member.hold, member.call_ids_to_coach) == (True, False, [coached])
    either("update_conference_member", ACCOUNT, conf, coach, call_ids_to_coach=())
    either("update_conference_member", ACCOUNT, conf, coach, hold=True)
    member = either("get_conference_member", ACCOUNT, conf, coach)
    assert (member.mute, member.hold, member.call_ids_to_coach) == (True, True, [])
    puts = [(path, body) for method, path, body in sent(sim, conf) if method == "PUT"]
    assert puts == [
        (f"/members/{coach}", f'{{"mute":true,"hold":false,"callIdsToCoach":["{coached}"]}}'),
        (f"/members/{coach}", '{"callIdsToCoach":[]}'),
        (f"/members/{coach}", '{"hold":true}'),
    ]


def test_a_redirect_sends_every_field_and_the_event_arrives(sim: Simulator, either: Either) -> None:
    conf, _, _ = conference_of_two(sim)
    request = bwvoice.UpdateConferenceRequest.redirect(
        f"{sim.url}/sim/app/conf-next",
        redirect_method="get",  # type: ignore[arg-type]  # case-insensitive
        username="cb-user",
        password="cb-secret",
        redirect_fallback_url=f"{sim.url}/sim/app/conf-fallback",
        redirect_fallback_method="POST",
        fallback_username="fb-user",
        fallback_password="fb-secret",
    )
    assert "cb-secret" not in repr(request) and "fb-secret" not in repr(request)
    either("update_conference", ACCOUNT, conf, request)
    ((method, path, body),) = sent(sim, conf)
    assert (method, path) == ("POST", "")
    assert json.loads(body) == {
        "redirectUrl": f"{sim.url}/sim/app/conf-next",
        "redirectMethod": "GET",
        "username": "cb-user",
        "password": "cb-secret",
        "redirectFallbackUrl": f"{sim.url}/sim/app/conf-fallback",
        "redirectFallbackMethod": "POST",
        "fallbackUsername": "fb-user",
        "fallbackPassword": "fb-secret",
    }
    (hook,) = sim.webhooks(wait=1)
    assert (hook["eventType"], hook["conferenceId"], hook["method"]) == (
        "conferenceRedirect",
        conf,
        "GET",
    )
    assert hook["url"].startswith(f"{sim.url}/sim/app/conf-next")


def test_end_sends_exactly_status_completed_and_ends_it(sim: Simulator, either: Either) -> None:
    conf, first, _ = conference_of_two(sim)
    either("update_conference", ACCOUNT, conf, bwvoice.UpdateConferenceRequest.end())
    assert sent(sim, conf) == [("POST", "", '{"status":"completed"}')]
    ended = either("get_conference", ACCOUNT, conf)
    assert ended.completed_time is not None and ended.active_members == []
    assert sim.call(first)["state"] == "answered"  # the members' calls go on
    # An ended conference is gone for changes (404), as a hung-up call is.
    with pytest.raises(bwvoice.NotFoundError):
        either("update_conference", ACCOUNT, conf, bwvoice.UpdateConferenceRequest.end())
    with pytest.raises(bwvoice.NotFoundError):
        either("update_conference_member", ACCOUNT, conf, first, mute=True)


def test_update_conference_bxml_sends_the_document_as_it_is(sim: Simulator, either: Either) -> None:
    conf, _, _ = conference_of_two(sim)
    bxml = "<Bxml><SpeakSentence>Welcome &amp; hello</SpeakSentence></Bxml>"
    either("update_conference_bxml", ACCOUNT, conf, bxml)
    assert sent(sim, conf) == [("PUT", "/bxml", bxml)]
    assert sim.conference(conf)["bxml"] == bxml


UNKNOWN = "conf-unknown"
END = bwvoice.UpdateConferenceRequest.end()


@pytest.mark.parametrize(
    ("operation", "args", "kwargs"),
    [
        ("get_conference", (ACCOUNT, UNKNOWN), {}),
        ("update_conference", (ACCOUNT, UNKNOWN, END), {}),
        ("update_conference_bxml", (ACCOUNT, UNKNOWN, "<Bxml/>"), {}),
        ("get_conference_member", (ACCOUNT, UNKNOWN, "c-1"), {}),
        ("update_conference_member", (ACCOUNT, UNKNOWN, "c-1"), {"mute": True}),
        ("get_conference", ("9900001", "{conf}"), {}),  # another account's
        ("get_conference_member", (ACCOUNT, "{conf}", "c-not-a-member"), {}),
        ("update_conference_member", (ACCOUNT, "{conf}", "c-not-a-member"), {"hold": True}),
    ],
)
def test_unknown_conferences_and_members_are_not_found(
    sim: Simulator, either: Either, operation: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    conf, _, _ = conference_of_two(sim)
    args = tuple(conf if a == "{conf}" else a for a in args)
    with pytest.raises(bwvoice.NotFoundError) as info:
        either(operation, *args, **kwargs)
    assert (info.value.http_status, info.value.maybe_applied) == (404, False)


# --- what the binding does around the calls ---------------------------------------------


@pytest.mark.parametrize(
    ("operation", "free"),
    [
        ("create_call", "created_call_free"),
        ("list_calls", "call_page_free"),
        ("get_conference", "conference_free"),
        ("get_conference_member", "conference_member_free"),
    ],
)
def test_each_native_result_is_freed_once_copied(
    sim: Simulator,
    client: bwvoice.Client,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
    free: str,
) -> None:
    conf, first, _ = conference_of_two(sim)
    args: dict[str, tuple[Any, ...]] = {
        "create_call": (
            ACCOUNT,
            bwvoice.CreateCallRequest(
                to="+15555551212",
                from_="+15555550000",
                application_id="app-1",
                answer_url=f"{sim.url}/sim/app/answer",
            ),
        ),
        "list_calls": (ACCOUNT,),
        "get_conference": (ACCOUNT, conf),
        "get_conference_member": (ACCOUNT, conf, first),
    }
    freed: list[int | None] = []
    real = getattr(_ffi, free)

    def spy(pointer: Any) -> None:
        freed.append(ctypes.cast(pointer, ctypes.c_void_p).value)
        real(pointer)

    monkeypatch.setattr(_ffi, free, spy)
    result = getattr(client, operation)(*args[operation])
    (address,) = freed
    assert address  # a real result, freed after the copy that is returned
    assert result is not None
    sim.fault(None, status=404)
    with pytest.raises(bwvoice.NotFoundError):
        getattr(client, operation)(*args[operation])
    assert freed[1:] == [None]  # a failure allocates nothing: free(NULL)


def test_events_name_the_conference(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bwvoice")
    conf, first, _ = conference_of_two(sim)
    seen: list[bwvoice.Event] = []
    with basic(sim, on_event=seen.append) as bw:
        bw.get_conference_member(ACCOUNT, conf, first)
        bw.list_calls(ACCOUNT)
    member_end, list_end = (e for e in seen if e.kind == "call_end")
    assert (member_end.operation, member_end.conference_id, member_end.call_id) == (
        "getConferenceMember",
        conf,
        first,
    )
    assert member_end.attributes()["bwvoice.conference_id"] == conf
    assert member_end.url_template == (
        "/accounts/{accountId}/conferences/{conferenceId}/members/{memberId}"
    )
    assert (list_end.operation, list_end.conference_id, list_end.call_id) == (
        "listCalls",
        None,
        None,
    )
    assert "bwvoice.conference_id" not in list_end.attributes()
    ended = [r.getMessage() for r in caplog.records if " ended: " in r.getMessage()]
    assert ended[0].startswith(f"getConferenceMember of conference {conf} member {first} ended: ")
    assert ended[1].startswith("listCalls ended: BW_OK")
