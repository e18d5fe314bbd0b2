"""AsyncClient against the real simulator: results, errors, concurrency, cancellation, shutdown.

Coroutines run under ``asyncio.run`` inside plain test functions (no plugin).
A call is held in flight by a simulator ``delayMs`` fault on the call id
``slow``; the tests wait for it with the simulator's own ``wait=`` (server
side), never by sleeping.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import inspect
import json
import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import bwvoice
from bwvoice import _completions, _ffi
from helpers import Background, run_python
from simulator import ACCOUNT, PASSWORD, USERNAME, Simulator

#: A fault on this call id holds its requests for a minute: calls to it stay
#: running until their own (few seconds) budget ends.
SLOW = "slow"
HOLD = {"delayMs": 60_000}
HELD_TIMEOUT = 3  # seconds: the budget of a held call


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test if anything was printed as unraisable, warned or logged by asyncio.

    An exception escaping the ctypes callback would be reported through
    ``sys.unraisablehook``; a future left with an unretrieved exception, or a
    callback on a closed loop, through asyncio's logger or a warning.
    """
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    caplog.set_level(logging.WARNING, logger="asyncio")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()  # finalizers, "never retrieved" reports
    assert unraisable == []
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []


def new_client(sim: Simulator, **options: Any) -> bwvoice.AsyncClient:
    return bwvoice.AsyncClient(
        username=USERNAME, password=PASSWORD, base_url=sim.api_url, **options
    )


@pytest.fixture
def abw(sim: Simulator) -> Iterator[bwvoice.AsyncClient]:
    """An AsyncClient of the simulator, closed after the test."""
    bw = new_client(sim)
    yield bw
    asyncio.run(bw.aclose())


def hold_slow_calls(sim: Simulator) -> None:
    """Creates the answered call ``slow`` and holds its next requests for a minute."""
    sim.create_call(callId=SLOW)
    sim.fault(SLOW, count=10, **HOLD)


async def arrived(sim: Simulator, path_contains: str, count: int = 1) -> None:
    """Returns once the simulator has received ``count`` matching requests (waits server-side)."""
    await asyncio.to_thread(sim.requests, path_contains, wait=count)


async def one_loop_turn() -> None:
    """Lets every task created so far run up to its first ``await``: each has submitted its call.

    Not a timed wait: asyncio runs the ready tasks in the order they were created.
    """
    await asyncio.sleep(0)


def threads_now() -> int:
    """The process's thread count (``Threads:`` of ``/proc/self/status``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads: line")


# --- every operation ------------------------------------------------------------


def test_every_operation_works(sim: Simulator, abw: bwvoice.AsyncClient) -> None:
    call_id = sim.create_call(recording=True)
    other = sim.create_call()

    async def main() -> bwvoice.CallState:
        await abw.redirect(ACCOUNT, call_id, f"{sim.url}/sim/app/next", tag="step-2")
        await abw.modify_call(
            ACCOUNT,
            other,
            state="active",
            redirect_url=f"{sim.url}/sim/app/other",
            redirect_method="GET",
            tag="",
            timeout=10,
        )
        await abw.update_call_bxml(ACCOUNT, call_id, "<Bxml><Pause duration='1'/></Bxml>")
        await abw.pause_recording(ACCOUNT, call_id)
        assert sim.call(call_id)["recording"] == "paused"
        await abw.resume_recording(ACCOUNT, call_id, timeout=5)
        state = await abw.get_call_state(ACCOUNT, call_id)
        await abw.hangup(ACCOUNT, call_id)
        await abw.modify_call(ACCOUNT, other, state="completed")
        return state

    state = asyncio.run(main())
    assert isinstance(state, bwvoice.CallState)
    assert (state.call_id, state.account_id, state.state) == (call_id, ACCOUNT, "answered")
    assert state.last_update is not None and state.last_update.tzinfo is not None
    seen = sim.call(call_id)
    assert (seen["tag"], seen["bxml"], seen["recording"]) == (
        "step-2",
        "<Bxml><Pause duration='1'/></Bxml>",
        None,  # the recording stopped with the call
    )
    assert sim.call(call_id)["state"] == sim.call(other)["state"] == "disconnected"

    def body(text: str) -> object:
        return json.loads(text) if text.startswith("{") else text

    sent = [(r["method"], r["path"].rsplit("/", 1)[-1], body(r["body"])) for r in sim.requests()]
    assert sent == [
        ("POST", call_id, {"redirectUrl": f"{sim.url}/sim/app/next", "tag": "step-2"}),
        (
            "POST",
            other,
            {
                "state": "active",
                "redirectUrl": f"{sim.url}/sim/app/other",
                "redirectMethod": "GET",
                "tag": "",
            },
        ),
        ("PUT", "bxml", "<Bxml><Pause duration='1'/></Bxml>"),
        ("PUT", "recording", {"state": "paused"}),
        ("PUT", "recording", {"state": "recording"}),
        ("GET", call_id, ""),
        ("POST", call_id, {"state": "completed"}),
        ("POST", other, {"state": "completed"}),
    ]


# --- errors ----------------------------------------------------------------------


def error_fields(err: bwvoice.BandwidthError) -> tuple[Any, ...]:
    """What must not differ between the blocking and the asynchronous client."""
    return (
        type(err),
        err.status,
        err.status_code,
        err.http_status,
        err.error_type,
        err.description,
        err.retry_after,
        err.field,
        err.attempts,
        err.maybe_applied,
    )


#: name -> (simulator setup returning the call id, method, extra args, client options)
ERROR_CASES: dict[str, tuple[Any, str, tuple[Any, ...], dict[str, Any]]] = {
    "404-hangup": (lambda sim: "c-no-such-call", "hangup", (), {}),
    "404-state": (lambda sim: "c-no-such-call", "get_call_state", (), {}),
    "409-redirect": (
        lambda sim: sim.create_call(state="initiated"),
        "redirect",
        ("https://app.example/next",),
        {},
    ),
    "409-bxml": (
        lambda sim: sim.create_call(state="initiated"),
        "update_call_bxml",
        ("<Bxml/>",),
        {},
    ),
    "400-no-recording": (lambda sim: sim.create_call(), "pause_recording", (), {}),
    "400-server-validation": (
        lambda sim: fault(sim, sim.create_call(), status=400),
        "redirect",
        ("https://app.example/next",),
        {},
    ),
    "401": (lambda sim: sim.create_call(), "resume_recording", (), {"password": "wrong"}),
    "429": (
        lambda sim: fault(sim, sim.create_call(), status=429, headers={"Retry-After": "1"}),
        "hangup",
        (),
        {"max_attempts": 1},
    ),
    "protocol": (
        lambda sim: fault(sim, sim.create_call(), method="GET", status=200, body="{oops"),
        "get_call_state",
        (),
        {},
    ),
}


def fault(sim: Simulator, call_id: str, **answer: Any) -> str:
    sim.fault(call_id, **answer)
    return call_id


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors_map_like_the_blocking_client(sim: Simulator, case: str) -> None:
    setup, method, args, options = ERROR_CASES[case]
    config = {"username": USERNAME, "password": PASSWORD, "base_url": sim.api_url, **options}

    with bwvoice.Client(**config) as bw, pytest.raises(bwvoice.BandwidthError) as blocking:
        getattr(bw, method)(ACCOUNT, setup(sim), *args)

    async def main() -> None:
        async with bwvoice.AsyncClient(**config) as abw:
            await getattr(abw, method)(ACCOUNT, setup(sim), *args, timeout=10)

    with pytest.raises(bwvoice.BandwidthError) as asynchronous:
        asyncio.run(main())
    assert error_fields(asynchronous.value) == error_fields(blocking.value)
    assert str(asynchronous.value) == asynchronous.value.message != ""
    expected = {
        "404-hangup": bwvoice.NotFoundError,
        "404-state": bwvoice.NotFoundError,
        "409-redirect": bwvoice.ConflictError,
        "409-bxml": bwvoice.ConflictError,
        "400-no-recording": bwvoice.BadRequestError,
        "400-server-validation": bwvoice.BadRequestError,
        "401": bwvoice.AuthenticationError,
        "429": bwvoice.RateLimitedError,
        "protocol": bwvoice.ProtocolError,
    }[case]
    assert type(asynchronous.value) is expected
    if case.startswith("4"):
        assert asynchronous.value.http_status == int(case[:3])


def test_not_found_carries_bandwidths_error_body(sim: Simulator, abw: bwvoice.AsyncClient) -> None:
    with pytest.raises(bwvoice.NotFoundError) as info:
        asyncio.run(abw.hangup(ACCOUNT, "c-no-such-call"))
    err = info.value
    assert (err.status, err.http_status, err.error_type) == ("BW_ERR_NOT_FOUND", 404, "not-found")
    assert err.description == "The requested call was not found"
    assert isinstance(err.error_id, str) and err.error_id
    assert (err.attempts, err.maybe_applied) == (1, False)


#: name -> (exception, field, method, arguments after the account id, keyword arguments)
INVALID_CALLS: dict[str, tuple[type[Exception], str | None, str, tuple[Any, ...], Any]] = {
    "empty call id (library)": (bwvoice.ValidationError, "call_id", "hangup", ("",), {}),
    "tag too long (library)": (
        bwvoice.ValidationError,
        "tag",
        "redirect",
        ("c-1", "https://app.example/"),
        {"tag": "x" * 4097},
    ),
    "redirect without url (library)": (
        bwvoice.ValidationError,
        "redirect_url",
        "modify_call",
        ("c-1",),
        {"state": "active"},
    ),
    "malformed bxml (library)": (
        bwvoice.ValidationError,
        "bxml",
        "update_call_bxml",
        ("c-1", "<Bxml><Speak>"),
        {},
    ),
    "NUL in call id (binding)": (
        bwvoice.ValidationError,
        "call_id",
        "get_call_state",
        ("c\0",),
        {},
    ),
    "unknown method (binding)": (
        bwvoice.ValidationError,
        "redirect_method",
        "redirect",
        ("c-1", "https://app.example/"),
        {"redirect_method": "PUT"},
    ),
    "zero timeout (binding)": (
        bwvoice.ValidationError,
        "timeout",
        "pause_recording",
        ("c-1",),
        {"timeout": 0},
    ),
    "None call id (binding)": (TypeError, None, "resume_recording", (None,), {}),
    "None redirect url (binding)": (TypeError, None, "redirect", ("c-1", None), {}),
}


def test_invalid_arguments_raise_at_once_and_nothing_is_sent(sim: Simulator) -> None:
    hold_slow_calls(sim)

    async def main() -> None:
        # One worker, held by a slow call: an invalid call is refused before it
        # is queued, not after waiting for the worker.
        async with new_client(sim, max_concurrency=1) as bw:
            held = asyncio.create_task(bw.hangup(ACCOUNT, SLOW, timeout=HELD_TIMEOUT))
            await arrived(sim, SLOW)
            for name, (exc, field, method, args, kwargs) in INVALID_CALLS.items():
                with pytest.raises(exc) as info:
                    await getattr(bw, method)(ACCOUNT, *args, **kwargs)
                if field is not None:
                    err = info.value
                    assert isinstance(err, bwvoice.ValidationError), name
                    assert (err.field, err.attempts, err.maybe_applied) == (field, 0, False), name
                assert not held.done(), name
            with pytest.raises(bwvoice.BandwidthTimeoutError):
                await held

    asyncio.run(main())
    assert [r["path"].rsplit("/", 1)[-1] for r in sim.requests()] == [SLOW]
    assert _completions._COMPLETIONS.waiting == {}


@pytest.mark.parametrize(
    ("options", "exc", "field"),
    [
        ({"max_concurrency": 0}, bwvoice.ValidationError, "max_concurrency"),
        ({"max_concurrency": 4097}, bwvoice.ValidationError, "max_concurrency"),
        ({"max_concurrency": 1.5}, TypeError, None),
        ({"max_queued": 0}, bwvoice.ValidationError, "max_queued"),
        ({"max_queued": True}, TypeError, None),
        ({"max_queued": 2**32}, bwvoice.ValidationError, "max_queued"),
        ({"timeout": -1}, bwvoice.ValidationError, "timeout"),
        ({"client_id": "c", "client_secret": "s"}, bwvoice.ValidationError, None),  # mixed
    ],
)
def test_invalid_options_are_refused(
    sim: Simulator, options: dict[str, Any], exc: type[Exception], field: str | None
) -> None:
    with pytest.raises(exc) as info:
        new_client(sim, **options)
    if field is not None:
        assert getattr(info.value, "field", None) == field


def test_largest_max_concurrency_is_accepted(sim: Simulator) -> None:
    bw = new_client(sim, max_concurrency=4096, max_queued=1)
    asyncio.run(bw.aclose())


#: Every operation, with the same name on both clients.
OPERATIONS = (
    "modify_call",
    "redirect",
    "hangup",
    "get_call_state",
    "update_call_bxml",
    "pause_recording",
    "resume_recording",
    "create_call",
    "list_calls",
    "get_conference",
    "update_conference",
    "update_conference_bxml",
    "get_conference_member",
    "update_conference_member",
)


def parameters(function: Any) -> list[inspect.Parameter]:
    return list(inspect.signature(function).parameters.values())


def test_signatures_agree_with_the_blocking_client() -> None:
    """Each signature is spelled out; these are the ones that must stay alike."""
    # AsyncClient: Client's options (names, kinds, defaults, types), then its own.
    own = ("max_concurrency", "max_queued")
    shared = [p for p in parameters(bwvoice.AsyncClient) if p.name not in own]
    assert shared == parameters(bwvoice.Client)
    assert [p.name for p in parameters(bwvoice.AsyncClient)[-2:]] == list(own)
    for name in OPERATIONS:
        blocking, coroutine = getattr(bwvoice.Client, name), getattr(bwvoice.AsyncClient, name)
        assert parameters(coroutine) == parameters(blocking), name
        assert inspect.iscoroutinefunction(coroutine) and not inspect.iscoroutinefunction(blocking)
    # iter_calls: list_calls's parameters; a plain method on both, returning an
    # iterator (converting its arguments at once), asynchronous on AsyncClient.
    for cls in (bwvoice.Client, bwvoice.AsyncClient):
        iterate = cls.iter_calls
        assert parameters(iterate) == parameters(bwvoice.Client.list_calls)
        assert not inspect.iscoroutinefunction(iterate) and not inspect.isasyncgenfunction(iterate)
    assert "Iterator[CallState]" in str(inspect.signature(bwvoice.Client.iter_calls))
    assert "AsyncIterator[CallState]" in str(inspect.signature(bwvoice.AsyncClient.iter_calls))
    # redirect: modify_call's keywords but state, its redirect_url required and positional.
    for cls in (bwvoice.Client, bwvoice.AsyncClient):
        modify = [p for p in parameters(cls.modify_call) if p.name not in ("state", "redirect_url")]
        redirect = parameters(cls.redirect)
        assert [p for p in redirect if p.name != "redirect_url"] == modify
        (url,) = (p for p in redirect if p.name == "redirect_url")
        assert (url.kind, url.default) == (url.POSITIONAL_OR_KEYWORD, url.empty)


# --- concurrency -----------------------------------------------------------------


def test_a_thousand_concurrent_tasks_on_a_bounded_pool(sim: Simulator) -> None:
    max_concurrency, tasks = 32, 1000
    calls = [sim.create_call(recording=True) for _ in range(20)]
    before = threads_now()
    peak = before

    async def one(i: int, bw: bwvoice.AsyncClient) -> object:
        nonlocal peak
        call_id = calls[i % len(calls)]
        kind = i % 4
        try:
            if kind == 0:
                result: object = (await bw.get_call_state(ACCOUNT, call_id)).call_id
            elif kind == 1:
                await bw.update_call_bxml(ACCOUNT, call_id, f"<Bxml><Pause duration='{i}'/></Bxml>")
                result = "bxml"
            elif kind == 2:
                await bw.hangup(ACCOUNT, f"c-missing-{i}")
                result = "hung up?"
            else:
                await bw.pause_recording(ACCOUNT, call_id)
                result = "paused"
        except bwvoice.NotFoundError as err:
            result = ("404", err.http_status)
        peak = max(peak, threads_now())
        return result

    async def main() -> list[object]:
        async with new_client(sim, max_concurrency=max_concurrency) as bw:
            return await asyncio.gather(*(one(i, bw) for i in range(tasks)))

    results = asyncio.run(main())
    expected = [
        [calls[i % len(calls)], "bxml", ("404", 404), "paused"][i % 4] for i in range(tasks)
    ]
    assert results == expected
    assert len(sim.requests("/api/v2/")) == tasks
    # The library's workers and nothing per call: at most max_concurrency
    # threads more than before, whatever the number of tasks.
    assert before < peak <= before + max_concurrency + 2, (before, peak)
    assert _completions._COMPLETIONS.waiting == {}
    assert threads_now() <= before + 2  # aclose() joined the workers


def test_two_event_loops_share_one_client(sim: Simulator, abw: bwvoice.AsyncClient) -> None:
    calls = [sim.create_call() for _ in range(40)]

    async def work(mine: list[str]) -> list[str | None]:
        loop = asyncio.get_running_loop()
        states = await asyncio.gather(*(abw.get_call_state(ACCOUNT, c) for c in mine))
        assert asyncio.get_running_loop() is loop
        return [s.call_id for s in states]

    other_thread = Background(asyncio.run, work(calls[20:]))
    assert asyncio.run(work(calls[:20])) == calls[:20]
    assert other_thread.outcome() == calls[20:]


# --- cancellation, a full queue, shutdown ------------------------------------------


def test_cancelling_a_task_whose_call_is_queued_never_sends_it(sim: Simulator) -> None:
    hold_slow_calls(sim)
    victim, probe = sim.create_call(), sim.create_call()

    async def main() -> None:
        bw = new_client(sim, max_concurrency=1, max_queued=1)
        held = asyncio.create_task(bw.hangup(ACCOUNT, SLOW, timeout=HELD_TIMEOUT))
        await arrived(sim, SLOW)  # the only worker is busy with it
        queued = asyncio.create_task(bw.hangup(ACCOUNT, victim))
        full = asyncio.create_task(bw.hangup(ACCOUNT, probe))  # submitted right after
        # The queue's one place is taken by `victim`'s call: it is queued.
        with pytest.raises(bwvoice.QueueFullError):
            await full
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        assert queued.cancelled()
        with pytest.raises(bwvoice.BandwidthTimeoutError):
            await held
        await bw.aclose()  # returns once every call has completed

    asyncio.run(main())
    assert sim.requests(victim) == [] and sim.requests(probe) == []
    assert sim.call(victim)["state"] == "answered"
    assert _completions._COMPLETIONS.waiting == {}


def test_cancelling_a_task_whose_call_is_running_is_best_effort(sim: Simulator) -> None:
    hold_slow_calls(sim)

    async def main() -> None:
        async with new_client(sim) as bw:
            running = asyncio.create_task(bw.hangup(ACCOUNT, SLOW, timeout=HELD_TIMEOUT))
            await arrived(sim, SLOW)  # sent: it may still take effect
            running.cancel()
            with pytest.raises(asyncio.CancelledError):
                await running
            # The client still works; aclose() waits for the running call.
            other = sim.create_call()
            await bw.hangup(ACCOUNT, other)
            assert sim.call(other)["state"] == "disconnected"

    asyncio.run(main())
    assert len(sim.requests(SLOW)) == 1  # cancelled: no retry after the timeout
    assert _completions._COMPLETIONS.waiting == {}


def test_a_full_queue_raises_queue_full_at_once(sim: Simulator) -> None:
    hold_slow_calls(sim)
    queued_calls = [sim.create_call() for _ in range(3)]
    extra = sim.create_call()

    async def main() -> None:
        async with new_client(sim, max_concurrency=1, max_queued=3) as bw:
            held = asyncio.create_task(bw.hangup(ACCOUNT, SLOW, timeout=HELD_TIMEOUT))
            await arrived(sim, SLOW)
            queued = [asyncio.create_task(bw.hangup(ACCOUNT, c)) for c in queued_calls]
            await one_loop_turn()  # the queue is full now
            with pytest.raises(bwvoice.QueueFullError) as info:
                await bw.hangup(ACCOUNT, extra)
            err = info.value
            assert (err.status, err.status_code) == ("BW_ERR_BUSY", _ffi.BW_ERR_BUSY)
            assert (err.http_status, err.attempts, err.maybe_applied) == (None, 0, False)
            assert "max_queued 3" in err.message
            assert not any(t.done() for t in [held, *queued])
            with pytest.raises(bwvoice.BandwidthTimeoutError):
                await held
            await asyncio.gather(*queued)  # they run once the worker is free

    asyncio.run(main())
    assert sim.requests(extra) == []
    assert all(sim.call(c)["state"] == "disconnected" for c in queued_calls)


def test_aclose_cancels_queued_calls_and_lets_running_ones_finish(sim: Simulator) -> None:
    hold_slow_calls(sim)
    queued_calls = [sim.create_call() for _ in range(5)]

    async def main() -> list[BaseException | None]:
        bw = new_client(sim, max_concurrency=1)
        held = asyncio.create_task(bw.hangup(ACCOUNT, SLOW, timeout=HELD_TIMEOUT))
        await arrived(sim, SLOW)
        queued = [asyncio.create_task(bw.hangup(ACCOUNT, c)) for c in queued_calls]
        await one_loop_turn()  # all five are queued behind the held call
        assert not bw.closed
        await bw.aclose()
        assert bw.closed and "closed" in repr(bw)
        # Every call has completed: the results are already there.
        assert all(t.done() for t in [held, *queued])
        await bw.aclose()  # idempotent
        for call in (
            bw.hangup(ACCOUNT, "c-1"),
            bw.redirect(ACCOUNT, "c-1", "https://app.example/"),
            bw.modify_call(ACCOUNT, "c-1", state="completed"),
            bw.get_call_state(ACCOUNT, "c-1"),
            bw.update_call_bxml(ACCOUNT, "c-1", "<Bxml/>"),
            bw.pause_recording(ACCOUNT, "c-1"),
            bw.resume_recording(ACCOUNT, "c-1", timeout=1),
        ):
            with pytest.raises(bwvoice.ClientClosedError, match=r"AsyncClient is closed"):
                await call
        return [t.exception() for t in [held, *queued]]

    held_error, *queued_errors = asyncio.run(main())
    assert isinstance(held_error, bwvoice.BandwidthTimeoutError)  # ran to its end
    for err in queued_errors:
        assert isinstance(err, bwvoice.CallCancelledError)
        assert not isinstance(err, asyncio.CancelledError)
        assert (err.status, err.attempts, err.maybe_applied) == ("BW_ERR_CANCELLED", 0, False)
        assert "freed before this call was sent" in err.message
    assert [r["path"].rsplit("/", 1)[-1] for r in sim.requests()] == [SLOW]
    assert all(sim.call(c)["state"] == "answered" for c in queued_calls)
    assert _completions._COMPLETIONS.waiting == {}


def test_async_with_closes(sim: Simulator) -> None:
    async def main() -> bwvoice.AsyncClient:
        async with new_client(sim) as bw:
            await bw.hangup(ACCOUNT, sim.create_call())
        return bw

    bw = asyncio.run(main())
    assert bw.closed and bw._handle.freed
    with pytest.raises(bwvoice.ClientClosedError):
        asyncio.run(bw.hangup(ACCOUNT, sim.create_call()))


def test_garbage_collection_frees_an_idle_client(sim: Simulator) -> None:
    bw = new_client(sim)
    asyncio.run(bw.hangup(ACCOUNT, sim.create_call()))
    finalizer = bw._finalizer
    del bw
    gc.collect()
    assert not finalizer.alive


# --- loops that end before the call ---------------------------------------------------


def test_a_loop_that_ends_with_a_call_running(sim: Simulator) -> None:
    """asyncio.run cancels the leftover task and closes the loop; the call completes later."""
    hold_slow_calls(sim)
    bw = new_client(sim)

    left: list[asyncio.Task[None]] = []

    async def leave_a_call_running() -> None:
        left.append(asyncio.create_task(bw.hangup(ACCOUNT, SLOW, timeout=HELD_TIMEOUT)))
        await arrived(sim, SLOW)

    asyncio.run(leave_a_call_running())  # the task is cancelled, the loop closed
    assert left[0].cancelled()
    stats = bw.stats()
    assert stats.jobs_running + stats.jobs_queued == 1  # its call is still in the library
    asyncio.run(bw.aclose())  # waits for it; its completion is dropped when taken
    assert _completions._COMPLETIONS.waiting == {}

    # A fresh loop and client work as before.
    async def again() -> str | None:
        async with new_client(sim) as fresh:
            return (await fresh.get_call_state(ACCOUNT, other)).call_id

    other = sim.create_call()
    assert asyncio.run(again()) == other


def test_a_loop_closed_under_a_pending_task(sim: Simulator) -> None:
    """The loop is closed with the task still waiting; the late callback is dropped quietly."""
    hold_slow_calls(sim)
    bw = new_client(sim)
    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(bw.get_call_state(ACCOUNT, SLOW, timeout=HELD_TIMEOUT))
        loop.run_until_complete(arrived(sim, SLOW))
    finally:
        loop.close()
    assert not task.done()
    asyncio.run(bw.aclose())  # the call times out; its callback finds the loop closed
    assert _completions._COMPLETIONS.waiting == {}
    assert not task.done()  # nothing ran on the closed loop
    # The test abandons this task on purpose; asyncio's own complaint about
    # that ("Task was destroyed but it is pending!") is not what is tested.
    task._log_destroy_pending = False  # type: ignore[attr-defined]
    del task

    async def fresh_loop() -> None:
        async with new_client(sim) as fresh:
            await fresh.hangup(ACCOUNT, sim.create_call())

    asyncio.run(fresh_loop())


def test_exit_with_calls_pending(sim: Simulator) -> None:
    hold_slow_calls(sim)
    code = f"""
        import asyncio, json, urllib.request
        import bwvoice

        async def main():
            bw = bwvoice.AsyncClient(username={USERNAME!r}, password={PASSWORD!r},
                                     base_url={sim.api_url!r}, max_concurrency=1)
            asyncio.create_task(bw.hangup({ACCOUNT!r}, {SLOW!r}, timeout=2))  # running
            asyncio.create_task(bw.hangup({ACCOUNT!r}, "c-queued"))  # queued
            url = {sim.url!r} + "/sim/requests?path_contains={SLOW}&wait=1"
            await asyncio.to_thread(lambda: json.load(urllib.request.urlopen(url)))
            print("exiting")

        asyncio.run(main())
        """
    proc = run_python(code)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "exiting\n", "")
    assert sim.requests("c-queued") == []


# --- exactly once, through the C ABI ------------------------------------------------------


def test_every_job_calls_back_exactly_once(sim: Simulator) -> None:
    """Raw ``bw_*_async`` + ``bw_cancel`` + ``bw_free``: one callback per queued job, none else.

    Phase 1 waits until its jobs have all called back (some cancelled); phase 2
    frees the client right after submitting, so its queued jobs are cancelled
    by ``bw_free``.
    """
    calls = [sim.create_call() for _ in range(10)]
    cfg = _ffi.bw_client_config(
        username=USERNAME.encode(),
        password=PASSWORD.encode(),
        base_url=sim.api_url.encode(),
        max_concurrency=4,
        max_queued=1000,
    )
    ptr = _ffi.ClientPtr()
    assert _ffi.client_new(cfg, ptr, _ffi.bw_error()) == _ffi.BW_OK
    # (userdata, job id, status, call id read, attempts, thread)
    seen: list[tuple[int, int, int, str | None, int, int]] = []
    lock = threading.Lock()
    phase_one = 300
    phase_one_left = [phase_one]
    phase_one_done = threading.Event()

    def on_done(userdata: int | None, job_id: int, status: int, err: Any, result: Any) -> None:
        state = _ffi.result_call_state(result)  # NULL for a NULL result (a failure)
        call_id = state.contents.call_id.decode() if state else None
        record = (userdata or 0, job_id, status, call_id, err.contents.attempts)
        with lock:
            seen.append((*record, threading.get_ident()))
            if record[0] <= phase_one:
                phase_one_left[0] -= 1
                if phase_one_left[0] == 0:
                    phase_one_done.set()

    callback = _ffi.bw_completion_fn(on_done)

    def target(i: int) -> str:
        return calls[i % 10] if i % 2 else f"c-missing-{i}"

    jobs: dict[int, int] = {}  # job id -> userdata
    cancelled: set[int] = set()

    def submit(i: int) -> None:
        job = ctypes.c_uint64()
        err = _ffi.bw_error()
        status = _ffi.get_call_state_async(
            ptr,
            ACCOUNT.encode(),
            target(i).encode(),
            None,
            callback,
            i,
            job,
            err,
        )
        assert status == _ffi.BW_OK, err.message
        assert job.value not in jobs
        jobs[job.value] = i
        if i % 5 == 0:
            cancel = _ffi.cancel(ptr, job.value, _ffi.bw_error())
            assert cancel in (_ffi.BW_OK, _ffi.BW_ERR_NOT_FOUND)  # NOT_FOUND: already done
            cancelled.add(i)

    for i in range(1, phase_one + 1):
        submit(i)
    assert phase_one_done.wait(60), "phase 1 did not complete"
    for i in range(phase_one + 1, phase_one + 101):
        submit(i)
    # A refused submit queues nothing and never calls back.
    job = ctypes.c_uint64()
    err = _ffi.bw_error()
    status = _ffi.hangup_async(ptr, ACCOUNT.encode(), b"", None, callback, 999, job, err)
    assert (status, err.field, job.value) == (_ffi.BW_ERR_INVALID_ARGUMENT, b"call_id", 0)
    assert _ffi.cancel(ptr, 10**9, _ffi.bw_error()) == _ffi.BW_ERR_NOT_FOUND
    _ffi.free(ptr)  # cancels what is still queued; returns once every job has called back

    assert sorted(job for _, job, *_ in seen) == sorted(jobs)  # each exactly once
    sent = [r["path"].rsplit("/", 1)[-1] for r in sim.requests()]
    check_outcomes(seen, jobs, cancelled=cancelled, phase_one=phase_one, sent=sent, target=target)


def check_outcomes(
    seen: list[tuple[int, int, int, str | None, int, int]],
    jobs: dict[int, int],
    *,
    cancelled: set[int],
    phase_one: int,
    sent: list[str],
    target: Any,
) -> None:
    """Each callback of :func:`test_every_job_calls_back_exactly_once` reports its own job."""
    main = threading.get_ident()
    for userdata, job_id, status, call_id, attempts, thread in seen:
        assert jobs[job_id] == userdata
        assert thread != main  # on a library thread, never inside the submit
        if status == _ffi.BW_ERR_CANCELLED:
            # By bw_cancel, or (phase 2 only) by bw_free while still queued.
            assert userdata in cancelled or userdata > phase_one
            assert call_id is None
            if attempts == 0 and not userdata % 2:  # never sent (its call id is unique)
                assert target(userdata) not in sent
        elif userdata % 2:
            assert (status, call_id) == (_ffi.BW_OK, target(userdata))
        else:
            assert (status, call_id) == (_ffi.BW_ERR_NOT_FOUND, None)
