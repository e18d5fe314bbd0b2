"""close(), context manager, garbage collection and interpreter exit."""

from __future__ import annotations

import gc
import os
from typing import Callable

import pytest

import bwvoice
from helpers import Background, basic, run_python
from simulator import ACCOUNT, PASSWORD, USERNAME, Simulator


def test_close_is_idempotent_and_later_use_raises(sim: Simulator) -> None:
    bw = basic(sim)
    assert not bw.closed
    bw.close()
    bw.close()
    assert bw.closed and "closed" in repr(bw)
    with pytest.raises(bwvoice.ClientClosedError, match="closed"):
        bw.hangup(ACCOUNT, "c-1")
    with pytest.raises(bwvoice.ClientClosedError):
        bw.redirect(ACCOUNT, "c-1", "https://app.example/")
    with pytest.raises(ValueError):
        bw.modify_call(ACCOUNT, "c-1", state="completed")
    with pytest.raises(bwvoice.ClientClosedError):
        bw.get_call_state(ACCOUNT, "c-1")
    with pytest.raises(bwvoice.ClientClosedError):
        bw.update_call_bxml(ACCOUNT, "c-1", "<Bxml/>")
    with pytest.raises(bwvoice.ClientClosedError):
        bw.pause_recording(ACCOUNT, "c-1")
    with pytest.raises(bwvoice.ClientClosedError):
        bw.resume_recording(ACCOUNT, "c-1", timeout=1)
    assert sim.requests() == []


def test_context_manager_closes(sim: Simulator) -> None:
    with basic(sim) as bw:
        bw.hangup(ACCOUNT, sim.create_call())
    assert bw.closed
    with pytest.raises(bwvoice.ClientClosedError):
        bw.hangup(ACCOUNT, sim.create_call())


def close_during(
    sim: Simulator, operation: Callable[[bwvoice.Client, str, str], object]
) -> tuple[bwvoice.Client, str, Background]:
    """Closes a client while ``operation(client, ACCOUNT, call_id)`` runs on another thread.

    Returns the client, the call's id and the thread running the call.
    """
    bw = basic(sim)
    call_id = sim.create_call()
    sim.fault(call_id, delayMs=300)
    worker = Background(operation, bw, ACCOUNT, call_id)
    sim.wait_for_requests(1)  # the call is in flight inside the library
    bw.close()
    return bw, call_id, worker


def test_close_during_a_call_lets_it_finish(sim: Simulator) -> None:
    bw, call_id, worker = close_during(sim, bwvoice.Client.hangup)
    with pytest.raises(bwvoice.ClientClosedError):
        bw.hangup(ACCOUNT, call_id)
    assert worker.outcome() is None  # it raised nothing
    assert sim.call(call_id)["state"] == "disconnected"


def test_close_during_get_call_state_still_returns_the_state(sim: Simulator) -> None:
    _, call_id, worker = close_during(sim, bwvoice.Client.get_call_state)
    state = worker.outcome()  # raises what the call raised
    assert isinstance(state, bwvoice.CallState), state
    assert (state.call_id, state.state) == (call_id, "answered")


def open_sockets() -> set[str]:
    """The sockets open in this process, as ``socket:[inode]`` (Linux)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed while listing
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def test_garbage_collection_frees_the_client(sim: Simulator) -> None:
    bw = basic(sim)
    call_id = sim.create_call()
    before = open_sockets()
    bw.hangup(ACCOUNT, call_id)
    # The client keeps its connection for the next call; only bw_free
    # (dropping the connection pool) closes it.
    pooled = open_sockets() - before
    assert len(pooled) == 1, pooled
    del bw
    gc.collect()
    assert not pooled & open_sockets(), "bw_free did not run"


def test_exit_with_open_clients_and_a_call_in_flight(sim: Simulator) -> None:
    call_id = sim.create_call()
    sim.fault(call_id, delayMs=3000)
    # The daemon thread is still inside bw_hangup when the interpreter exits:
    # the client must not be freed under it, and nothing may crash.
    proc = run_python(
        f"""
        import json, threading, urllib.request
        import bwvoice
        idle = bwvoice.Client(username="u", password="p", base_url={sim.api_url!r})
        bw = bwvoice.Client(username={USERNAME!r}, password={PASSWORD!r},
                            base_url={sim.api_url!r})
        threading.Thread(target=bw.hangup, args=({ACCOUNT!r}, {call_id!r}), daemon=True).start()
        while not json.load(urllib.request.urlopen({sim.url!r} + "/sim/requests")):
            pass
        print("exiting")
        """
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "exiting\n", "")
