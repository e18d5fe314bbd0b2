"""Each documented error status of the new operations raises its exception class.

The statuses are the spec's for createCall, listCalls and the conference
operations; the simulator answers them through faults on each route (a
fault applies before auth and before the ids are looked up).
"""

from __future__ import annotations

from typing import Any

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

#: operation -> (route, method, args, kwargs).
OPERATIONS: dict[str, tuple[str, str, tuple[Any, ...], dict[str, Any]]] = {
    "create_call": ("calls", "POST", (ACCOUNT, CALL), {}),
    "list_calls": ("calls", "GET", (ACCOUNT, bwvoice.ListCallsQuery(page_size=5)), {}),
    "get_conference": ("conference", "GET", (ACCOUNT, "conf-1"), {}),
    "update_conference": (
        "conference",
        "POST",
        (ACCOUNT, "conf-1", bwvoice.UpdateConferenceRequest.end()),
        {},
    ),
    "update_conference_bxml": ("conference-bxml", "PUT", (ACCOUNT, "conf-1", "<Bxml/>"), {}),
    "get_conference_member": ("member", "GET", (ACCOUNT, "conf-1", "c-1"), {}),
    "update_conference_member": ("member", "PUT", (ACCOUNT, "conf-1", "c-1"), {"mute": True}),
}

STATUSES: dict[int, type[bwvoice.BandwidthError]] = {
    400: bwvoice.BadRequestError,
    401: bwvoice.AuthenticationError,
    403: bwvoice.ForbiddenError,
    404: bwvoice.NotFoundError,
    405: bwvoice.BadRequestError,
    415: bwvoice.BadRequestError,
    429: bwvoice.RateLimitedError,
    500: bwvoice.ServerError,
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_documented_status_maps_to_its_exception(
    sim: Simulator, kind: str, operation: str, status: int
) -> None:
    route, method, args, kwargs = OPERATIONS[operation]
    sim.fault(None, route=route, method=method, status=status, headers={"Retry-After": "0"})
    bw = Either(kind, sim, max_attempts=1)
    try:
        with pytest.raises(bwvoice.BandwidthError) as info:
            bw(operation, *args, **kwargs)
    finally:
        bw.close()
    err = info.value
    assert type(err) is STATUSES[status]
    assert (err.http_status, err.attempts) == (status, 1)
    assert err.maybe_applied is (status == 500)
    (req,) = sim.requests()
    assert (req["method"], req["status"]) == (method, status)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_wrong_credentials_are_an_authentication_error(
    sim: Simulator, kind: str, operation: str
) -> None:
    _, _, args, kwargs = OPERATIONS[operation]
    bw = Either(kind, sim, password="wrong")
    try:
        with pytest.raises(bwvoice.AuthenticationError) as info:
            bw(operation, *args, **kwargs)
    finally:
        bw.close()
    assert (info.value.http_status, info.value.maybe_applied) == (401, False)
