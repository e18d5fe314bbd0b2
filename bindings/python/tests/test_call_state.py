"""get_call_state: the typed, frozen CallState and its conversion from bw_call_state."""

from __future__ import annotations

import copy
import ctypes
import dataclasses
import json
import pickle
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import bwvoice
from bwvoice import _ffi
from simulator import ACCOUNT, REPO, Simulator

UTC = timezone.utc

#: Every attribute of CallState, in order (the README's table).
FIELDS = [
    "call_id",
    "account_id",
    "application_id",
    "parent_call_id",
    "to",
    "from_",
    "direction",
    "state",
    "enqueued_time",
    "start_time",
    "answer_time",
    "end_time",
    "last_update",
    "disconnect_cause",
    "error_message",
    "error_id",
    "identity",
    "stir_shaken",
]
TIMES = ["enqueued_time", "start_time", "answer_time", "end_time", "last_update"]

#: The spec's example ``callState`` (the library's unit tests read the same
#: file), with values at the edges: STIR/SHAKEN values that are not strings, a
#: time with an offset and one before 1970, an error with non-ASCII text.
SPEC_EXAMPLE: dict[str, Any] = {
    **json.loads((REPO / "tests" / "data" / "call_state_example.json").read_text("utf-8")),
    "stirShaken": {
        "verstat": "TN-Validation-Passed",
        "attestationIndicator": "A",
        "originatingId": "abc123",
        "score": 5,
        "passed": True,
    },
    "startTime": "2022-06-16T15:15:07.1+02:00",
    "disconnectCause": "error",
    "errorMessage": "Call failed: ☎ unreachable",
    "errorId": "e-4a07",
    "lastUpdate": "1969-12-31T23:59:59.999Z",
}


def utc(text: str | None) -> datetime | None:
    """An RFC 3339 time of the simulator as an aware UTC datetime."""
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def served(sim: Simulator, call_id: str, body: dict[str, Any] | str) -> None:
    """The next GET of ``call_id`` is answered 200 with ``body``."""
    text = body if isinstance(body, str) else json.dumps(body)
    sim.fault(call_id, method="GET", route="call", status=200, body=text)


def assert_time(value: datetime | None) -> datetime:
    assert isinstance(value, datetime)
    assert value.tzinfo is UTC and value.utcoffset() == timedelta(0)
    return value


def test_state_before_and_after_answer_and_hang_up(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call("initiated")
    ringing = client.get_call_state(ACCOUNT, call_id)
    assert (ringing.state, ringing.answer_time, ringing.end_time) == ("initiated", None, None)
    assert ringing.disconnect_cause is None
    start = assert_time(ringing.start_time)
    assert assert_time(ringing.enqueued_time) <= start

    sim.answer(call_id)
    answered = client.get_call_state(ACCOUNT, call_id)
    assert (answered.state, answered.end_time, answered.disconnect_cause) == (
        "answered",
        None,
        None,
    )
    answer = assert_time(answered.answer_time)
    assert answer >= start
    assert assert_time(answered.last_update) >= assert_time(ringing.last_update)

    client.hangup(ACCOUNT, call_id)
    ended = client.get_call_state(ACCOUNT, call_id)
    assert (ended.state, ended.disconnect_cause) == ("disconnected", "hangup")
    assert ended.answer_time == answer
    end = assert_time(ended.end_time)
    assert end >= answer
    assert ended.last_update == end

    # Every time is the simulator's own, to the millisecond.
    view = sim.call(call_id)
    spec = {"enqueued_time": "enqueuedTime", "start_time": "startTime"}
    spec |= {"answer_time": "answerTime", "end_time": "endTime", "last_update": "lastUpdate"}
    for attribute, key in spec.items():
        assert getattr(ended, attribute) == utc(view[key]), attribute


@pytest.mark.parametrize(("direction", "cause"), [("outbound", "cancel"), ("inbound", "rejected")])
def test_hang_up_before_answer(
    sim: Simulator, client: bwvoice.Client, direction: str, cause: str
) -> None:
    call_id = sim.create_call("initiated", direction=direction)
    client.hangup(ACCOUNT, call_id)
    state = client.get_call_state(ACCOUNT, call_id)
    assert (state.state, state.direction, state.disconnect_cause) == (
        "disconnected",
        direction,
        cause,
    )
    assert state.answer_time is None
    assert_time(state.end_time)


def test_attributes_are_the_simulators_and_nullable_ones_are_none(
    sim: Simulator, client: bwvoice.Client
) -> None:
    call_id = sim.create_call(recording=True)
    state = client.get_call_state(ACCOUNT, call_id)
    view = sim.call(call_id)
    assert (state.call_id, state.account_id, state.application_id) == (
        call_id,
        ACCOUNT,
        view["applicationId"],
    )
    assert (state.to, state.from_, state.direction) == (view["to"], view["from"], "outbound")
    assert (state.parent_call_id, state.identity) == (None, None)
    assert (state.error_message, state.error_id, state.disconnect_cause) == (None, None, None)
    assert state.stir_shaken == {}
    assert [f.name for f in dataclasses.fields(bwvoice.CallState)] == FIELDS


def test_every_field_of_a_full_reply(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    served(sim, call_id, SPEC_EXAMPLE)
    state = client.get_call_state(ACCOUNT, call_id)
    assert state == bwvoice.CallState(
        call_id="c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
        account_id="9900000",
        application_id="04e88489-df02-4e34-a0ee-27a91849555f",
        parent_call_id="c-25ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
        to="+19195551234",
        from_="+19195554321",
        direction="inbound",
        state="disconnected",
        enqueued_time=datetime(2022, 6, 16, 13, 15, 7, 160000, tzinfo=UTC),
        # "+02:00" in the reply: converted to UTC.
        start_time=datetime(2022, 6, 16, 13, 15, 7, 100000, tzinfo=UTC),
        answer_time=datetime(2022, 6, 16, 13, 15, 18, 126000, tzinfo=UTC),
        end_time=datetime(2022, 6, 16, 13, 15, 18, 314000, tzinfo=UTC),
        # Before the epoch: negative milliseconds.
        last_update=datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
        disconnect_cause="error",
        error_message="Call failed: ☎ unreachable",
        error_id="e-4a07",
        identity=SPEC_EXAMPLE["identity"],
        stir_shaken={
            "attestationIndicator": "A",
            "originatingId": "abc123",
            "passed": "true",  # non-strings: their JSON text
            "score": "5",
            "verstat": "TN-Validation-Passed",
        },
    )
    assert list(state.stir_shaken) == sorted(state.stir_shaken)  # sorted by key
    for name in TIMES:
        assert_time(getattr(state, name))


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        json.dumps({key: None for key in SPEC_EXAMPLE}),
    ],
    ids=["empty", "all-null"],
)
def test_absent_and_null_fields_are_none(sim: Simulator, client: bwvoice.Client, body: str) -> None:
    call_id = sim.create_call()
    served(sim, call_id, body)
    state = client.get_call_state(ACCOUNT, call_id)
    for name in FIELDS[:-1]:
        assert getattr(state, name) is None, name
    assert state.stir_shaken == {}


def test_unknown_values_are_kept_not_rejected(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    newer = {
        "state": "transferring",
        "direction": "sideways",
        "disconnectCause": "solar-flare",
        "brandNewField": [1, 2],
    }
    served(sim, call_id, newer)
    state = client.get_call_state(ACCOUNT, call_id)
    assert (state.state, state.direction, state.disconnect_cause) == (
        "transferring",
        "sideways",
        "solar-flare",
    )


def test_times_at_the_edges_of_datetime(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    served(
        sim, call_id, {"endTime": "9999-12-31T23:59:59.999Z", "startTime": "0001-01-01T00:00:00Z"}
    )
    state = client.get_call_state(ACCOUNT, call_id)
    assert state.end_time == datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
    assert state.start_time == datetime(1, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "text"),
    [("answerTime", "0000-06-16T13:15:18Z"), ("lastUpdate", "9999-12-31T23:30:00-01:00")],
)
def test_time_outside_years_1_to_9999_is_a_protocol_error(
    sim: Simulator, client: bwvoice.Client, key: str, text: str
) -> None:
    call_id = sim.create_call()
    served(sim, call_id, {key: text})
    with pytest.raises(bwvoice.ProtocolError, match=f"{key} is outside the years 1-9999"):
        client.get_call_state(ACCOUNT, call_id)


def test_call_state_is_frozen_hashable_and_copyable(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    served(sim, call_id, SPEC_EXAMPLE)
    state = client.get_call_state(ACCOUNT, call_id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.state = "answered"  # type: ignore[misc]
    assert hash(state) == hash(dataclasses.replace(state, stir_shaken={}))
    assert state != dataclasses.replace(state, stir_shaken={})
    assert pickle.loads(pickle.dumps(state)) == state
    assert copy.deepcopy(state) == state
    assert dataclasses.asdict(state)["from_"] == "+19195554321"
    assert hasattr(state, "__dict__") == (sys.version_info < (3, 10))  # slots from 3.10


def test_each_read_is_a_fresh_copy(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    served(sim, call_id, SPEC_EXAMPLE)
    first = client.get_call_state(ACCOUNT, call_id)
    served(sim, call_id, SPEC_EXAMPLE)
    second = client.get_call_state(ACCOUNT, call_id)
    assert first == second and first.stir_shaken is not second.stir_shaken


class FreeSpy:
    """Wraps ``_ffi.call_state_free``, recording the address of each pointer freed."""

    def __init__(self) -> None:
        self.freed: list[int | None] = []
        self._free = _ffi.call_state_free

    def __call__(self, state: Any) -> None:
        self.freed.append(ctypes.cast(state, ctypes.c_void_p).value)
        self._free(state)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (json.dumps(SPEC_EXAMPLE), None),
        # Refused by the library: nothing was allocated (free(NULL) is a no-op).
        ("{oops", bwvoice.ProtocolError),
    ],
    ids=["ok", "library-error"],
)
def test_the_native_state_is_always_freed(
    sim: Simulator,
    client: bwvoice.Client,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    error: type[Exception] | None,
) -> None:
    spy = FreeSpy()
    monkeypatch.setattr(_ffi, "call_state_free", spy)
    call_id = sim.create_call()
    served(sim, call_id, body)
    if error is None:
        client.get_call_state(ACCOUNT, call_id)
    else:
        with pytest.raises(error):
            client.get_call_state(ACCOUNT, call_id)
    (address,) = spy.freed
    assert (address is None) == (body == "{oops")


def test_fields_an_older_library_did_not_allocate_are_not_read() -> None:
    # The header's rule: read a field only when struct_size covers it. A view
    # built here stands for a library whose bw_call_state ends before answer_time.
    keys = (_ffi.bw_key_value * 1)(_ffi.bw_key_value(b"verstat", b"TN-Validation-Passed"))
    view = _ffi.bw_call_state(
        struct_size=_ffi.bw_call_state.answer_time.offset,
        call_id=b"c-1",
        state=b"answered",
        answer_time=b"2022-06-16T13:15:18.126Z",
        answer_time_ms=1_655_385_318_126,
        disconnect_cause=b"hangup",
        stir_shaken=keys,
        stir_shaken_len=1,
    )
    state = bwvoice.call_state.from_native(view)
    assert (state.call_id, state.state) == ("c-1", "answered")
    assert (state.answer_time, state.disconnect_cause, state.stir_shaken) == (None, None, {})
    view.struct_size = ctypes.sizeof(_ffi.bw_call_state)
    whole = bwvoice.call_state.from_native(view)
    assert whole.answer_time == datetime(2022, 6, 16, 13, 15, 18, 126000, tzinfo=UTC)
    assert whole.stir_shaken == {"verstat": "TN-Validation-Passed"}
    assert whole.disconnect_cause == "hangup"
