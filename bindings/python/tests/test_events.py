"""Events, logging, ``on_event``, ``stats()`` and the retry budget, against the simulator.

Log records are read with ``caplog``; the ``bwvoice`` logger's level is set
*before* a client is created, since the client decides then which events
reach Python at all. Nothing here sleeps or bounds a duration: calls held
in flight are waited for through the simulator.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

import bwvoice
from helpers import basic, oauth2, run_python
from simulator import (
    ACCOUNT,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN_PATH,
    USERNAME,
    Simulator,
)

TEMPLATE = "/accounts/{accountId}/calls/{callId}"
#: A simulator fault answering 503 with ``Retry-After: 0`` (retried at once).
RETRY_NOW: dict[str, Any] = {"status": 503, "headers": {"Retry-After": "0"}}
REASONS = ["rate_limited", "unavailable", "server_error", "timeout", "connect", "stale_token"]
#: What a call answered ``RETRY_NOW`` once, then 200, logs: (level, event kind).
RETRIED_ONCE = [
    (logging.DEBUG, "attempt_end"),
    (logging.WARNING, "retry_scheduled"),
    (logging.DEBUG, "attempt_end"),
    (logging.DEBUG, "call_end"),
]
#: The kinds of its events, in order.
RETRIED_ONCE_KINDS = [kind for _, kind in RETRIED_ONCE]
#: What each event of a first attempt answered 503 says of it.
FIRST_ATTEMPT_503: dict[str, Any] = {
    "bwvoice.attempt": 1,
    "http.request.resend_count": 0,
    "http.response.status_code": 503,
    "bwvoice.status": "BW_ERR_SERVER",
    "error.type": "503",
}


@pytest.fixture(autouse=True)
def nothing_unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An exception escaping the ctypes callback would be reported as unraisable."""
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    yield
    assert unraisable == []


def retried_once(sim: Simulator) -> str:
    """A new call whose first request is answered ``RETRY_NOW``: it logs ``RETRIED_ONCE``."""
    call_id = sim.create_call()
    sim.fault(call_id, **RETRY_NOW)
    return call_id


def always_down(sim: Simulator) -> str:
    """A new call whose requests (the next 100) are all answered ``RETRY_NOW``."""
    down = sim.create_call()
    sim.fault(down, count=100, **RETRY_NOW)
    return down


def logs(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bwvoice"]


def extra(record: logging.LogRecord) -> dict[str, Any]:
    """The record's event attributes: every attribute with a dot (LogRecord's own have none)."""
    return {k: v for k, v in vars(record).items() if "." in k}


def kinds(records: list[logging.LogRecord]) -> list[tuple[int, str]]:
    return [(r.levelno, extra(r)["bwvoice.event"]) for r in records]


def server(sim: Simulator) -> dict[str, Any]:
    url = urllib.parse.urlsplit(sim.url)
    return {"server.address": url.hostname, "server.port": url.port}


def call_attributes(call_id: str, **more: Any) -> dict[str, Any]:
    """The attributes every event of ``hangup(ACCOUNT, call_id)`` has."""
    return {
        "bwvoice.operation": "updateCall",
        "http.request.method": "POST",
        "url.template": TEMPLATE,
        "bwvoice.account_id": ACCOUNT,
        "bwvoice.call_id": call_id,
        **more,
    }


def without_duration(attributes: dict[str, Any]) -> dict[str, Any]:
    duration = attributes.pop("bwvoice.duration")
    assert isinstance(duration, float) and duration >= 0
    return attributes


# -- logging --------------------------------------------------------------------------


def test_a_503_then_200_logs_each_attempt_at_debug_and_the_retry_at_warning(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bwvoice")
    call_id = retried_once(sim)
    with basic(sim) as bw:
        bw.hangup(ACCOUNT, call_id)
    records = logs(caplog)
    assert kinds(records) == RETRIED_ONCE
    first, retry, second, end = (without_duration(extra(r)) for r in records)
    common = {**call_attributes(call_id), **server(sim)}
    assert first == {
        **common,
        "bwvoice.event": "attempt_end",
        **FIRST_ATTEMPT_503,
        "bwvoice.connection_reused": False,
    }
    assert retry == {
        **common,
        "bwvoice.event": "retry_scheduled",
        **FIRST_ATTEMPT_503,
        "bwvoice.retry_reason": "unavailable",
        "bwvoice.retry_delay": 0.0,  # Retry-After: 0
        "bwvoice.connection_reused": False,
    }
    assert second == {
        **common,
        "bwvoice.event": "attempt_end",
        "bwvoice.attempt": 2,
        "http.request.resend_count": 1,
        "http.response.status_code": 200,
        "bwvoice.status": "BW_OK",  # no error.type on success
        "bwvoice.connection_reused": True,
    }
    assert end == {**second, "bwvoice.event": "call_end"}
    messages = [r.getMessage() for r in records]
    assert messages[1] == (
        f"updateCall of call {call_id}: attempt 1 failed (unavailable: 503); retrying in 0.000 s"
    )
    assert messages[0].startswith(f"updateCall of call {call_id}: attempt 1 POST {TEMPLATE}: ")
    assert "HTTP 503 (BW_ERR_SERVER)" in messages[0]
    assert messages[3].startswith(f"updateCall of call {call_id} ended: BW_OK after 2 attempt(s)")


def test_an_empty_retry_budget_logs_the_denied_retry(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bwvoice")
    down = always_down(sim)
    with basic(sim, retry_budget=10, max_attempts=3) as bw:
        # A retry costs 5 tokens: the first call's two retries empty the budget.
        with pytest.raises(bwvoice.ServerError) as first:
            bw.hangup(ACCOUNT, down)
        assert first.value.attempts == 3
        assert kinds(logs(caplog)) == [(logging.WARNING, "retry_scheduled")] * 2
        caplog.clear()
        with pytest.raises(bwvoice.ServerError) as second:
            bw.hangup(ACCOUNT, down)
        stats = bw.stats()
    err = second.value
    assert err.attempts == 1
    assert "retry budget is exhausted" in err.message
    (denied,) = logs(caplog)  # the logger is at WARNING: no attempt records
    assert denied.levelno == logging.WARNING
    assert without_duration(extra(denied)) == {
        **call_attributes(down),
        **server(sim),
        "bwvoice.event": "retry_denied",
        **FIRST_ATTEMPT_503,
        "bwvoice.retry_reason": "unavailable",
        "bwvoice.connection_reused": False,  # only an attempt (or call) end says
    }
    assert denied.getMessage() == (
        f"updateCall of call {down}: attempt 1 failed (unavailable: 503); "
        "not retried: the retry budget is exhausted"
    )
    assert (stats.retries, stats.retries_denied, stats.retry_budget_tokens) == (2, 1, 0)
    assert stats.outcomes == {"BW_ERR_SERVER": 2}
    assert len(sim.requests(down)) == 4


def test_the_mask_follows_the_loggers_level_when_the_client_is_created(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """At WARNING a call that succeeds at once reaches no Python code at all.

    The logger is lowered to DEBUG *after* the client was made: had the
    library called the binding for the attempt and the call end, the binding
    (which checks the level per event) would now log them. It logs nothing,
    so the library never called it; the retry still reaches Python.
    """
    caplog.set_level(logging.WARNING, logger="bwvoice")
    warnings_only = basic(sim)
    caplog.set_level(logging.ERROR, logger="bwvoice")
    silent = basic(sim)  # nothing enabled for any event: no hook at all
    caplog.set_level(logging.DEBUG, logger="bwvoice")
    with warnings_only, silent:
        warnings_only.hangup(ACCOUNT, sim.create_call())
        assert logs(caplog) == []
        retried = sim.create_call()
        sim.fault(retried, **RETRY_NOW)
        warnings_only.hangup(ACCOUNT, retried)
        assert kinds(logs(caplog)) == [(logging.WARNING, "retry_scheduled")]
        caplog.clear()
        retried = sim.create_call()
        sim.fault(retried, **RETRY_NOW)
        silent.hangup(ACCOUNT, retried)
        assert logs(caplog) == []
        # A client created now, at DEBUG, hears everything.
        with basic(sim) as debug:
            debug.hangup(ACCOUNT, sim.create_call())
        assert kinds(logs(caplog)) == [(logging.DEBUG, "attempt_end"), (logging.DEBUG, "call_end")]
        assert silent.stats().retries == warnings_only.stats().retries == 1  # counted anyway


def test_records_and_events_never_hold_a_secret(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bwvoice")
    seen: list[bwvoice.Event] = []
    with basic(sim, on_event=seen.append) as bw:
        ok, retried, refused = (sim.create_call() for _ in range(3))
        sim.fault(retried, **RETRY_NOW)
        sim.fault(refused, status=401)
        bw.hangup(ACCOUNT, ok)
        bw.redirect(ACCOUNT, retried, f"{sim.url}/sim/app/x", username="u", password="hook-pw")
        with pytest.raises(bwvoice.AuthenticationError):
            bw.get_call_state(ACCOUNT, refused)
        with pytest.raises(bwvoice.NotFoundError):
            bw.hangup(ACCOUNT, "c-missing")
    with oauth2(sim, on_event=seen.append) as bw:
        bw.get_call_state(ACCOUNT, ok)
        sim.fault(None, status=401, route="call")  # the cached token is refused once
        bw.get_call_state(ACCOUNT, ok)
    refused_client = oauth2(sim, on_event=seen.append, client_secret="wrong")
    with refused_client as bw, pytest.raises(bwvoice.AuthenticationError):
        bw.hangup(ACCOUNT, ok)
    assert {e.kind for e in seen} == {
        "attempt_end",
        "retry_scheduled",
        "token_fetch",
        "call_end",
    }
    assert any(e.retry_reason == "stale_token" for e in seen)
    assert sum(e.kind == "token_fetch" for e in seen) == 3
    headers = [r["headers"].get("authorization", "") for r in sim.requests()]
    credentials = {h.split(" ", 1)[1] for h in headers if " " in h}
    assert base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode() == "dXNlcjpwYXNz"
    assert "dXNlcjpwYXNz" in credentials  # the Basic credential
    assert any(h.startswith("Bearer ") for h in headers)  # OAuth2 tokens
    secrets = {PASSWORD, CLIENT_SECRET, "wrong", "hook-pw", *credentials}
    records = logs(caplog)
    assert len(records) == len(seen)  # every event was logged (the logger is at DEBUG)
    texts = [caplog.handler.format(r) + json.dumps(extra(r)) for r in records]
    texts += [repr(e) + json.dumps(dataclasses.asdict(e)) for e in seen]
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text)
    for record in records:
        for value in extra(record).values():
            assert all(secret not in str(value) for secret in secrets)


# -- on_event -----------------------------------------------------------------------------


def test_on_event_gets_the_events_in_order_on_the_calling_thread(sim: Simulator) -> None:
    seen: list[tuple[bwvoice.Event, int]] = []
    call_id = retried_once(sim)
    with basic(sim, on_event=lambda e: seen.append((e, threading.get_ident()))) as bw:
        bw.hangup(ACCOUNT, call_id)
    assert {thread for _, thread in seen} == {threading.get_ident()}
    events = [e for e, _ in seen]
    assert [e.kind for e in events] == RETRIED_ONCE_KINDS
    first, retry, second, end = events
    port = urllib.parse.urlsplit(sim.url).port
    assert dataclasses.replace(first, duration=0.0) == bwvoice.Event(
        kind="attempt_end",
        operation="updateCall",
        http_request_method="POST",
        url_template=TEMPLATE,
        account_id=ACCOUNT,
        call_id=call_id,
        conference_id=None,
        server_address="127.0.0.1",
        server_port=port,
        attempt=1,
        http_response_status_code=503,
        status="BW_ERR_SERVER",
        status_code=bwvoice.ServerError.default_status_code,
        error_type="503",
        retry_reason=None,
        retry_delay=None,
        duration=0.0,
        connection_reused=False,
    )
    assert (retry.attempt, retry.retry_reason, retry.retry_delay) == (1, "unavailable", 0.0)
    assert (second.attempt, second.http_response_status_code, second.status) == (2, 200, "BW_OK")
    assert (second.error_type, second.status_code, second.connection_reused) == (None, 0, True)
    assert (end.status, end.attempt, end.operation) == ("BW_OK", 2, "updateCall")
    assert all(isinstance(e.duration, float) and e.duration >= 0 for e in events)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.attempt = 3  # type: ignore[misc]
    assert hash(first) == hash(dataclasses.replace(first))
    assert first.attributes()["http.request.resend_count"] == 0


def test_a_token_fetch_event(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bwvoice")
    seen: list[bwvoice.Event] = []
    call_id = sim.create_call()
    with oauth2(sim, on_event=seen.append) as bw:
        bw.get_call_state(ACCOUNT, call_id)
    fetch = seen[0]
    assert (fetch.kind, fetch.operation) == ("token_fetch", "token")
    assert fetch.http_request_method == "POST"
    assert (fetch.url_template, fetch.attempt, fetch.status) == (None, None, "BW_OK")
    assert (fetch.server_address, fetch.call_id) == ("127.0.0.1", call_id)
    assert [e.kind for e in seen[1:]] == ["attempt_end", "call_end"]
    assert seen[1].operation == "getCallState" and seen[1].http_request_method == "GET"
    record = logs(caplog)[0]
    assert record.getMessage().startswith(
        f"OAuth2 token request to 127.0.0.1 (for call {call_id}): OK in "
    )
    assert "url.template" not in extra(record) and "bwvoice.attempt" not in extra(record)
    assert len(sim.requests(TOKEN_PATH)) == 1


def test_an_exception_in_on_event_is_logged_and_the_call_goes_on(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bwvoice")
    calls: list[str] = []

    def broken(event: bwvoice.Event) -> None:
        calls.append(event.kind)
        raise RuntimeError(f"broken observer ({event.kind})")

    call_id = retried_once(sim)
    with basic(sim, on_event=broken) as bw:
        bw.hangup(ACCOUNT, call_id)  # succeeds
        assert bw.stats().outcomes == {"BW_OK": 1}
    assert calls == RETRIED_ONCE_KINDS
    errors = [r for r in logs(caplog) if r.levelno == logging.ERROR]
    assert len(errors) == 4
    for record, kind in zip(errors, calls):
        assert record.getMessage().startswith("bwvoice: the on_event callable ")
        assert record.exc_info is not None and record.exc_info[0] is RuntimeError
        assert str(record.exc_info[1]) == f"broken observer ({kind})"
    assert sim.call(call_id)["state"] == "disconnected"


def test_a_keyboard_interrupt_in_on_event_is_raised_when_the_call_returns(
    sim: Simulator,
) -> None:
    """Ctrl-C during a blocking call is not lost in the callback: the call raises it."""
    call_id = retried_once(sim)
    proc = run_python(
        f"""
        import signal
        import bwvoice
        seen = []

        def observe(event):
            seen.append(event.kind)
            if len(seen) == 1:
                signal.raise_signal(signal.SIGINT)  # Ctrl-C, handled in this callback

        bw = bwvoice.Client(username={USERNAME!r}, password={PASSWORD!r},
                            base_url={sim.api_url!r}, on_event=observe)
        try:
            bw.hangup({ACCOUNT!r}, {call_id!r})
        except KeyboardInterrupt:
            print("interrupted after", *seen)
        bw.close()
        print(bw.closed, bw._handle.freed)
        """
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == [
        "interrupted after attempt_end retry_scheduled attempt_end call_end",
        "True True",  # the client was released and freed
    ]
    assert sim.call(call_id)["state"] == "disconnected"  # the call itself went on


def test_close_during_a_call_keeps_its_events_coming_until_it_ends(sim: Simulator) -> None:
    """The client's callback outlives close(): the native client is freed first, then it goes."""
    seen: list[str] = []
    bw = basic(sim, on_event=lambda e: seen.append(e.kind))
    call_id = sim.create_call()
    sim.fault(call_id, delayMs=300)
    worker = threading.Thread(target=bw.hangup, args=(ACCOUNT, call_id))
    worker.start()
    sim.requests(call_id, wait=1)  # the call is in flight inside the library
    bw.close()
    assert not bw._handle.freed and bw._handle._keep is not None
    worker.join()
    assert seen == ["attempt_end", "call_end"]  # delivered after close()
    assert bw._handle.freed and bw._handle._keep is None


def test_on_event_must_be_callable(sim: Simulator) -> None:
    with pytest.raises(TypeError, match="on_event must be callable"):
        basic(sim, on_event="print")
    with pytest.raises(TypeError, match="on_event must be callable"):
        bwvoice.AsyncClient(username=USERNAME, password=PASSWORD, on_event=1)  # type: ignore[arg-type]


def test_exit_waits_for_a_call_in_flight_whose_events_reach_python(sim: Simulator) -> None:
    """A call in a daemon thread still delivers its last event before the interpreter exits.

    An event arriving while the interpreter finalizes would end the thread
    inside the library and abort the process; the binding waits at exit instead.
    """
    call_id = sim.create_call()
    sim.fault(call_id, delayMs=500)
    proc = run_python(
        f"""
        import json, threading, urllib.request
        import bwvoice

        def show(event):
            if event.kind == "call_end":
                print(event.kind, event.status, flush=True)

        bw = bwvoice.Client(username={USERNAME!r}, password={PASSWORD!r},
                            base_url={sim.api_url!r}, on_event=show)
        threading.Thread(target=bw.hangup, args=({ACCOUNT!r}, {call_id!r}), daemon=True).start()
        while not json.load(urllib.request.urlopen({sim.url!r} + "/sim/requests")):
            pass
        print("exiting", flush=True)
        """
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert sorted(proc.stdout.splitlines()) == ["call_end BW_OK", "exiting"]


# -- stats() and the retry budget ---------------------------------------------------------


def test_stats_add_up_after_calls_from_sixteen_threads(sim: Simulator) -> None:
    ok, retried, missing = 48, 16, 16
    calls = [sim.create_call() for _ in range(ok + retried)]
    for call_id in calls[ok:]:
        sim.fault(call_id, **RETRY_NOW)
    calls += [f"c-missing-{i}" for i in range(missing)]
    errors: list[BaseException] = []
    start = threading.Barrier(16)
    with basic(sim) as bw:
        assert bw.stats() == bwvoice.Stats(
            calls=0,
            attempts=0,
            retries=0,
            retries_by_reason=dict.fromkeys(REASONS, 0),
            retries_denied=0,
            retry_budget_tokens=500,
            token_fetches=0,
            connections_opened=0,
            connections_reused=0,
            jobs_queued=0,
            jobs_running=0,
            outcomes={},
        )

        def work(chunk: list[str]) -> None:
            start.wait()
            for call_id in chunk:
                try:
                    bw.hangup(ACCOUNT, call_id)
                except bwvoice.NotFoundError:
                    pass
                except BaseException as exc:  # reported to the main thread
                    errors.append(exc)

        threads = [threading.Thread(target=work, args=(calls[i::16],)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stats = bw.stats()
    assert errors == []
    total = ok + retried + missing
    assert (stats.calls, stats.attempts, stats.retries) == (total, total + retried, retried)
    assert stats.retries_by_reason["unavailable"] == retried
    assert sum(stats.retries_by_reason.values()) == stats.retries
    assert stats.outcomes == {"BW_OK": ok + retried, "BW_ERR_NOT_FOUND": missing}
    assert stats.connections_opened + stats.connections_reused == stats.attempts
    assert (stats.retries_denied, stats.token_fetches) == (0, 0)
    assert (stats.jobs_queued, stats.jobs_running) == (0, 0)
    # 16 retries took 5 tokens each; at most the 64 successes put one back each.
    assert stats.retry_budget_tokens is not None
    assert 500 - 5 * retried <= stats.retry_budget_tokens <= 500 - 5 * retried + ok + retried
    assert len(sim.requests("/api/v2/")) == stats.attempts
    with pytest.raises(dataclasses.FrozenInstanceError):
        stats.calls = 0  # type: ignore[misc]
    hash(stats)  # the mappings are left out of the hash


def test_retry_budget_option(sim: Simulator) -> None:
    assert bwvoice.RETRY_BUDGET_OFF == 2**32 - 1
    call_id = retried_once(sim)
    with basic(sim, retry_budget=10) as bw:
        bw.get_call_state(ACCOUNT, call_id)
        assert bw.stats().retry_budget_tokens == 10 - 5 + 1  # a retry, then a success
    with basic(sim) as bw:
        assert bw.stats().retry_budget_tokens == 500
    down = always_down(sim)
    with basic(sim, retry_budget=bwvoice.RETRY_BUDGET_OFF, max_attempts=2) as bw:
        for _ in range(5):  # 5 retries would empty a budget of 20
            with pytest.raises(bwvoice.ServerError) as info:
                bw.get_call_state(ACCOUNT, down)
            assert info.value.attempts == 2
        stats = bw.stats()
    assert (stats.retry_budget_tokens, stats.retries, stats.retries_denied) == (None, 5, 0)


def test_stats_of_a_closed_client_raise(sim: Simulator) -> None:
    bw = basic(sim)
    bw.close()
    with pytest.raises(bwvoice.ClientClosedError):
        bw.stats()


# -- AsyncClient ------------------------------------------------------------------------------


def test_async_client_logs_and_reports_events_on_its_worker_thread(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bwvoice")
    call_id = retried_once(sim)
    seen: list[tuple[str, int, bwvoice.Stats | None]] = []
    holder: list[bwvoice.AsyncClient] = []

    def observe(event: bwvoice.Event) -> None:
        # At the call's end its job is still running on this worker thread.
        snapshot = holder[0].stats() if event.kind == "call_end" else None
        seen.append((event.kind, threading.get_ident(), snapshot))

    async def main() -> bwvoice.Stats:
        async with bwvoice.AsyncClient(
            username=USERNAME, password=PASSWORD, base_url=sim.api_url, on_event=observe
        ) as bw:
            holder.append(bw)
            await bw.hangup(ACCOUNT, call_id)
            return bw.stats()

    stats = asyncio.run(main())
    loop_thread = threading.get_ident()
    assert [kind for kind, _, _ in seen] == RETRIED_ONCE_KINDS
    assert loop_thread not in {thread for _, thread, _ in seen}
    at_end = seen[-1][2]
    assert at_end is not None
    assert (at_end.jobs_running, at_end.jobs_queued, at_end.calls) == (1, 0, 1)
    assert (stats.calls, stats.attempts, stats.retries, stats.outcomes) == (1, 2, 1, {"BW_OK": 1})
    records = logs(caplog)
    assert kinds(records) == RETRIED_ONCE
    assert extra(records[1])["bwvoice.retry_reason"] == "unavailable"
    assert extra(records[1])["bwvoice.call_id"] == call_id
    assert all(r.thread != loop_thread for r in records)


def test_async_client_default_mask_and_retry_budget(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bwvoice")
    down = always_down(sim)

    async def main() -> tuple[list[int], bwvoice.Stats]:
        async with bwvoice.AsyncClient(
            username=USERNAME, password=PASSWORD, base_url=sim.api_url, retry_budget=5
        ) as bw:
            caplog.set_level(logging.DEBUG, logger="bwvoice")  # too late for this client
            await bw.hangup(ACCOUNT, sim.create_call())
            attempts = []
            for _ in range(2):
                try:
                    await bw.hangup(ACCOUNT, down)
                except bwvoice.ServerError as err:
                    attempts.append(err.attempts)
            return attempts, bw.stats()

    attempts, stats = asyncio.run(main())
    # The budget of 5 pays for one retry (5 tokens): the next ones are refused.
    assert attempts == [2, 1]
    assert kinds(logs(caplog)) == [
        (logging.WARNING, "retry_scheduled"),
        (logging.WARNING, "retry_denied"),
        (logging.WARNING, "retry_denied"),
    ]
    assert (stats.retries, stats.retries_denied, stats.retry_budget_tokens) == (1, 2, 0)
