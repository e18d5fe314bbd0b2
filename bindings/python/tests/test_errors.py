"""Every failure maps to its exception class with the fields of a real response."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import bwvoice
from bwvoice import _ffi
from simulator import ACCOUNT, PASSWORD, USERNAME, Simulator


@pytest.fixture
def once(sim: Simulator) -> Iterator[bwvoice.Client]:
    """A client that makes a single attempt per call (no retries)."""
    with bwvoice.Client(
        username=USERNAME, password=PASSWORD, base_url=sim.api_url, max_attempts=1
    ) as bw:
        yield bw


def expect(
    exc_type: type[bwvoice.BandwidthError], call: Any, *args: Any, **kwargs: Any
) -> bwvoice.BandwidthError:
    """Runs ``call``; checks it raises exactly ``exc_type`` and returns the error."""
    with pytest.raises(bwvoice.BandwidthError) as info:
        call(*args, **kwargs)
    err = info.value
    assert type(err) is exc_type
    assert str(err) == err.message != ""
    assert err.status == _ffi.status_str(err.status_code)
    return err


def test_not_found_carries_bandwidths_error_body(sim: Simulator, client: bwvoice.Client) -> None:
    err = expect(bwvoice.NotFoundError, client.hangup, ACCOUNT, "c-no-such-call")
    assert (err.status, err.status_code, err.http_status) == ("BW_ERR_NOT_FOUND", 4, 404)
    assert err.error_type == "not-found"
    assert err.description == "The requested call was not found"
    assert isinstance(err.error_id, str) and err.error_id
    assert (err.retry_after, err.field, err.attempts) == (None, None, 1)
    assert err.maybe_applied is False  # a 404 certainly had no effect


def test_redirect_of_unanswered_call_is_a_conflict(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call(state="initiated")
    err = expect(bwvoice.ConflictError, client.redirect, ACCOUNT, call_id, f"{sim.url}/sim/app/x")
    assert (err.status, err.http_status, err.error_type) == ("BW_ERR_CONFLICT", 409, "conflict")
    assert err.description == "Call is not yet answered"


def test_server_validation_error_is_a_bad_request(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    body = '{"type":"validation","description":"redirectUrl is unreachable","id":"e-42"}'
    sim.fault(call_id, status=400, body=body)
    err = expect(bwvoice.BadRequestError, client.redirect, ACCOUNT, call_id, "https://a.example/")
    assert (err.status, err.http_status) == ("BW_ERR_BAD_REQUEST", 400)
    assert (err.error_type, err.description, err.error_id) == (
        "validation",
        "redirectUrl is unreachable",
        "e-42",
    )
    assert err.field is None  # only set for errors raised before sending


def test_wrong_password_is_an_authentication_error(sim: Simulator) -> None:
    with bwvoice.Client(username=USERNAME, password="wrong", base_url=sim.api_url) as bw:
        err = expect(bwvoice.AuthenticationError, bw.hangup, ACCOUNT, sim.create_call())
    assert (err.status, err.http_status) == ("BW_ERR_UNAUTHORIZED", 401)
    assert err.error_type == "authentication-error"
    assert err.error_id is None  # the server sent "id": null
    assert "wrong" not in err.message


def test_rate_limit_reports_retry_after_in_seconds(sim: Simulator, once: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, status=429, headers={"Retry-After": "1"})
    err = expect(bwvoice.RateLimitedError, once.hangup, ACCOUNT, call_id)
    assert (err.status, err.http_status, err.attempts) == ("BW_ERR_RATE_LIMITED", 429, 1)
    assert err.retry_after == 1.0 and isinstance(err.retry_after, float)


def test_forbidden(sim: Simulator, once: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, status=403)
    err = expect(bwvoice.ForbiddenError, once.hangup, ACCOUNT, call_id)
    assert (err.status, err.http_status) == ("BW_ERR_FORBIDDEN", 403)


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_is_a_server_error(sim: Simulator, once: bwvoice.Client, status: int) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, status=status)
    err = expect(bwvoice.ServerError, once.hangup, ACCOUNT, call_id)
    assert (err.status, err.http_status, err.attempts) == ("BW_ERR_SERVER", status, 1)
    assert err.error_type is not None and err.error_id is not None


def test_html_error_body_leaves_bandwidth_fields_empty(
    sim: Simulator, once: bwvoice.Client
) -> None:
    call_id = sim.create_call()
    sim.fault(
        call_id, status=502, body="<html><h1>Bad Gateway</h1></html>", contentType="text/html"
    )
    err = expect(bwvoice.ServerError, once.hangup, ACCOUNT, call_id)
    assert err.http_status == 502
    assert (err.error_type, err.description, err.error_id) == (None, None, None)
    assert "non-JSON" in err.message


def test_unexpected_3xx_is_a_protocol_error(sim: Simulator, once: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, status=302, headers={"Location": f"{sim.api_url}/elsewhere"})
    err = expect(bwvoice.ProtocolError, once.hangup, ACCOUNT, call_id)
    assert (err.status, err.http_status) == ("BW_ERR_PROTOCOL", 302)


@pytest.mark.parametrize("where", ["client", "call"])
def test_timeout(sim: Simulator, where: str) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, delayMs=5000)
    with bwvoice.Client(
        username=USERNAME,
        password=PASSWORD,
        base_url=sim.api_url,
        timeout=0.2 if where == "client" else None,
    ) as bw:
        err = expect(
            bwvoice.BandwidthTimeoutError,
            bw.redirect,
            ACCOUNT,
            call_id,
            f"{sim.url}/sim/app/x",
            timeout=0.2 if where == "call" else None,
        )
    assert isinstance(err, TimeoutError)
    assert (err.status, err.http_status, err.attempts) == ("BW_ERR_TIMEOUT", None, 1)


def test_connection_refused(refused_url: str) -> None:
    with bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=refused_url) as bw:
        err = expect(bwvoice.BandwidthConnectionError, bw.hangup, ACCOUNT, "c-1")
    assert isinstance(err, ConnectionError)
    assert err.status == "BW_ERR_CONNECT"
    assert err.http_status is None and err.attempts >= 1


def test_connection_closed_before_response(sim: Simulator, once: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, close=True)
    expect(bwvoice.BandwidthConnectionError, once.hangup, ACCOUNT, call_id)


def test_tls_failure(sim: Simulator) -> None:
    # The simulator speaks plain HTTP: a TLS handshake with it fails.
    https = sim.api_url.replace("http://", "https://")
    with bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=https) as bw:
        err = expect(bwvoice.TLSError, bw.hangup, ACCOUNT, "c-1")
    assert isinstance(err, ConnectionError)
    assert err.status == "BW_ERR_TLS"


def test_status_table_covers_every_status() -> None:
    codes = {v for k, v in vars(_ffi).items() if k.startswith("BW_ERR_")}
    assert set(bwvoice.STATUS_CLASSES) == codes
    for code, cls in bwvoice.STATUS_CLASSES.items():
        err = cls("boom")
        assert (err.status_code, err.status) == (code, _ffi.status_str(code))
        assert err.status.startswith("BW_ERR_") and err.status != "BW_ERR_UNKNOWN"
    builtin = {
        bwvoice.ValidationError: ValueError,
        bwvoice.BandwidthTimeoutError: TimeoutError,
        bwvoice.BandwidthConnectionError: ConnectionError,
        bwvoice.TLSError: ConnectionError,
    }
    for cls, base in builtin.items():
        assert issubclass(cls, base) and issubclass(cls, bwvoice.BandwidthError)


def test_unknown_status_falls_back_to_the_base_class() -> None:
    err = _ffi.bw_error(message=b"from the future", retry_after_ms=-1)
    exc = bwvoice.errors.from_native(err, 99)
    assert type(exc) is bwvoice.BandwidthError
    assert (exc.status, exc.status_code, exc.message) == ("BW_ERR_UNKNOWN", 99, "from the future")


def test_maybe_applied_is_carried_from_bw_error() -> None:
    for flag in (False, True):
        err = _ffi.bw_error(message=b"reset", retry_after_ms=-1, maybe_applied=flag)
        exc = bwvoice.errors.from_native(err, _ffi.BW_ERR_CONNECT)
        assert exc.maybe_applied is flag
    assert bwvoice.BandwidthError("boom").maybe_applied is False


def test_nothing_sent_is_never_maybe_applied(client: bwvoice.Client) -> None:
    with pytest.raises(bwvoice.ValidationError) as info:
        client.hangup(ACCOUNT, "")
    assert (info.value.attempts, info.value.maybe_applied) == (0, False)


def test_errors_survive_pickling(sim: Simulator, client: bwvoice.Client) -> None:
    err = expect(bwvoice.NotFoundError, client.hangup, ACCOUNT, "c-gone")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is bwvoice.NotFoundError
    assert copy.__dict__ == err.__dict__ and str(copy) == str(err)


# -- get call state, update call BXML, update recording -------------------------

#: The live-call operations added with ``bw_call_options``: name -> call.
LIVE: dict[str, Callable[..., None]] = {
    "get_call_state": lambda bw, call_id, **kw: bw.get_call_state(ACCOUNT, call_id, **kw),
    "update_call_bxml": lambda bw, call_id, **kw: bw.update_call_bxml(
        ACCOUNT, call_id, "<Bxml><Hangup/></Bxml>", **kw
    ),
    "pause_recording": lambda bw, call_id, **kw: bw.pause_recording(ACCOUNT, call_id, **kw),
    "resume_recording": lambda bw, call_id, **kw: bw.resume_recording(ACCOUNT, call_id, **kw),
}
#: Each one's HTTP method and the simulator's fault ``route`` for it.
ROUTE: dict[str, dict[str, Any]] = {
    "get_call_state": {"method": "GET", "route": "call"},
    "update_call_bxml": {"method": "PUT", "route": "bxml"},
    "pause_recording": {"method": "PUT", "route": "recording"},
    "resume_recording": {"method": "PUT", "route": "recording"},
}
#: Safe to repeat: retried after failures the server may have acted on.
SAFE = {"get_call_state", "pause_recording", "resume_recording"}
#: Every operation, the older ones included.
EVERY: dict[str, Callable[..., None]] = {
    **LIVE,
    "redirect": lambda bw, call_id, **kw: bw.redirect(
        ACCOUNT, call_id, "https://app.example/next", **kw
    ),
    "modify_call": lambda bw, call_id, **kw: bw.modify_call(
        ACCOUNT, call_id, state="completed", **kw
    ),
    "hangup": lambda bw, call_id, **kw: bw.hangup(ACCOUNT, call_id, **kw),
}

live = pytest.mark.parametrize("op", list(LIVE))
every = pytest.mark.parametrize("op", list(EVERY))


@live
def test_unknown_call_is_not_found(sim: Simulator, client: bwvoice.Client, op: str) -> None:
    err = expect(bwvoice.NotFoundError, LIVE[op], client, "c-no-such-call")
    assert (err.status, err.http_status, err.error_type, err.attempts) == (
        "BW_ERR_NOT_FOUND",
        404,
        "not-found",
        1,
    )
    assert err.maybe_applied is False


@live
def test_call_of_another_account_is_not_found(
    sim: Simulator, client: bwvoice.Client, op: str
) -> None:
    call_id = sim.create_call(account_id="7700000", recording=True)
    err = expect(bwvoice.NotFoundError, LIVE[op], client, call_id)
    assert err.http_status == 404


@pytest.mark.parametrize("op", sorted(set(LIVE) - {"get_call_state"}))
def test_ended_call_is_not_found(sim: Simulator, client: bwvoice.Client, op: str) -> None:
    call_id = sim.create_call(recording=True)
    client.hangup(ACCOUNT, call_id)
    err = expect(bwvoice.NotFoundError, LIVE[op], client, call_id)
    assert (err.http_status, err.description) == (404, "The call has already ended")
    # Its state can still be read.
    assert client.get_call_state(ACCOUNT, call_id).state == "disconnected"


def test_bxml_of_an_unanswered_call_is_a_conflict(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call(state="initiated")
    err = expect(bwvoice.ConflictError, LIVE["update_call_bxml"], client, call_id)
    assert (err.status, err.http_status, err.error_type) == ("BW_ERR_CONFLICT", 409, "conflict")
    assert (err.description, err.attempts, err.maybe_applied) == (
        "Call is not yet answered",
        1,
        False,
    )
    assert sim.call(call_id)["bxml"] is None


@pytest.mark.parametrize("op", ["pause_recording", "resume_recording"])
@pytest.mark.parametrize("state", ["answered", "initiated"])
def test_recording_without_one_in_progress_is_a_bad_request(
    sim: Simulator, client: bwvoice.Client, op: str, state: str
) -> None:
    call_id = sim.create_call(state=state)
    err = expect(bwvoice.BadRequestError, LIVE[op], client, call_id)
    assert (err.status, err.http_status, err.error_type) == (
        "BW_ERR_BAD_REQUEST",
        400,
        "validation",
    )
    assert err.description == "No recording is in progress on this call"
    assert err.field is None and err.attempts == 1


@live
def test_415_is_not_reachable_through_the_library(
    sim: Simulator, client: bwvoice.Client, op: str
) -> None:
    # The simulator answers 415 to a wrong media type, as Bandwidth does; the
    # library always sends the right one, so only an injected 415 is seen.
    LIVE[op](client, sim.create_call(recording=True))
    assert [r["status"] // 100 for r in sim.requests()] == [2]
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, status=415, **ROUTE[op])
    err = expect(bwvoice.BadRequestError, LIVE[op], client, call_id)
    assert (err.status, err.http_status) == ("BW_ERR_BAD_REQUEST", 415)


@live
def test_wrong_password_is_an_authentication_error_for_every_operation(
    sim: Simulator, op: str
) -> None:
    call_id = sim.create_call(recording=True)
    with bwvoice.Client(username=USERNAME, password="wrong", base_url=sim.api_url) as bw:
        err = expect(bwvoice.AuthenticationError, LIVE[op], bw, call_id)
    assert (err.status, err.http_status, err.error_type) == (
        "BW_ERR_UNAUTHORIZED",
        401,
        "authentication-error",
    )
    assert "wrong" not in err.message


@live
def test_forbidden_for_every_operation(sim: Simulator, once: bwvoice.Client, op: str) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, status=403, **ROUTE[op])
    err = expect(bwvoice.ForbiddenError, LIVE[op], once, call_id)
    assert (err.status, err.http_status) == ("BW_ERR_FORBIDDEN", 403)


@live
@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_are_retried_by_every_operation(
    sim: Simulator, client: bwvoice.Client, op: str, status: int
) -> None:
    # Both certainly had no effect: even the BXML update is repeated.
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, status=status, **ROUTE[op])
    LIVE[op](client, call_id)
    first, second = sim.requests()
    assert (first["status"], second["status"] // 100) == (status, 2)
    assert (first["method"], first["path"], first["body"]) == (
        second["method"],
        second["path"],
        second["body"],
    )


@live
def test_rate_limit_when_retries_are_off(sim: Simulator, once: bwvoice.Client, op: str) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, status=429, headers={"Retry-After": "1"}, **ROUTE[op])
    err = expect(bwvoice.RateLimitedError, LIVE[op], once, call_id)
    assert (err.http_status, err.retry_after, err.attempts, err.maybe_applied) == (
        429,
        1.0,
        1,
        False,
    )


@live
def test_500_is_retried_only_when_the_operation_is_safe_to_repeat(
    sim: Simulator, client: bwvoice.Client, op: str
) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, status=500, **ROUTE[op])
    if op in SAFE:
        LIVE[op](client, call_id)
        assert [r["status"] // 100 for r in sim.requests()] == [5, 2]
        return
    # The server may have acted on it: a second document would restart the script.
    err = expect(bwvoice.ServerError, LIVE[op], client, call_id)
    assert (err.status, err.http_status, err.attempts, err.maybe_applied) == (
        "BW_ERR_SERVER",
        500,
        1,
        True,
    )
    assert len(sim.requests()) == 1


@live
def test_500_every_time_is_a_server_error(sim: Simulator, client: bwvoice.Client, op: str) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, count=3, status=500, **ROUTE[op])
    err = expect(bwvoice.ServerError, LIVE[op], client, call_id)
    attempts = 3 if op in SAFE else 1
    assert (err.http_status, err.attempts, err.maybe_applied) == (500, attempts, True)
    assert err.error_type == "internal-server-error" and err.error_id is not None
    assert len(sim.requests()) == attempts


def test_bxml_update_is_not_repeated_after_a_reset(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, close=True, **ROUTE["update_call_bxml"])
    err = expect(bwvoice.BandwidthConnectionError, LIVE["update_call_bxml"], client, call_id)
    assert (err.attempts, err.maybe_applied) == (1, True)
    assert len(sim.requests()) == 1


@pytest.mark.parametrize("op", ["get_call_state", "pause_recording"])
def test_safe_operations_are_repeated_after_a_reset(
    sim: Simulator, client: bwvoice.Client, op: str
) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, close=True, **ROUTE[op])
    LIVE[op](client, call_id)
    assert [r["status"] // 100 for r in sim.requests()] == [0, 2]


def test_garbage_call_state_is_a_protocol_error(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    sim.fault(None, method="GET", status=200, body="{oops")
    err = expect(bwvoice.ProtocolError, client.get_call_state, ACCOUNT, call_id)
    assert (err.status, err.http_status, err.attempts) == ("BW_ERR_PROTOCOL", 200, 1)
    assert err.message.startswith("malformed call state: ")


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        ("[]", "application/json", "not a JSON object"),
        ("<html>ok</html>", "text/html", "not a JSON object"),
        ('{"state":5}', "application/json", "invalid type"),
        ('{"answerTime":"yesterday"}', "application/json", "answerTime is not an RFC 3339"),
        ('{"callId":"c-\\u0000"}', "application/json", "callId contains a NUL character"),
    ],
)
def test_replies_that_are_not_a_call_state_are_protocol_errors(
    sim: Simulator, client: bwvoice.Client, body: str, content_type: str, why: str
) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, method="GET", status=200, body=body, contentType=content_type)
    err = expect(bwvoice.ProtocolError, client.get_call_state, ACCOUNT, call_id)
    assert why in err.message


@every
def test_a_short_per_call_timeout_cuts_every_operation_short(sim: Simulator, op: str) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, delayMs=5000)
    with bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=sim.api_url) as bw:
        err = expect(bwvoice.BandwidthTimeoutError, EVERY[op], bw, call_id, timeout=0.2)
    assert isinstance(err, TimeoutError)
    assert (err.status, err.http_status, err.attempts) == ("BW_ERR_TIMEOUT", None, 1)
    assert err.maybe_applied is True  # the request was sent


@every
def test_a_per_call_timeout_cannot_extend_the_clients(sim: Simulator, op: str) -> None:
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, delayMs=5000)
    with bwvoice.Client(
        username=USERNAME, password=PASSWORD, base_url=sim.api_url, timeout=0.2
    ) as bw:
        err = expect(bwvoice.BandwidthTimeoutError, EVERY[op], bw, call_id, timeout=60)
    assert (err.status, err.attempts) == ("BW_ERR_TIMEOUT", 1)
