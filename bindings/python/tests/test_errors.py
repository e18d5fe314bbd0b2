"""Every failure maps to its exception class with the fields of a real response."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

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
