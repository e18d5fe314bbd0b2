"""One client shared by many threads; OAuth2 token sharing."""

from __future__ import annotations

import threading

import bwvoice
from helpers import Background, basic, oauth2
from simulator import ACCOUNT, TOKEN_PATH, Simulator

THREADS = 32
#: Seconds the simulator holds each response: long enough that, when the
#: calls overlap, all of them are held at once.
HOLD = 5.0


def test_threads_share_one_client_and_run_concurrently(sim: Simulator) -> None:
    account = "7700000"  # the delay fault matches this account only
    calls = [sim.create_call(account_id=account) for _ in range(THREADS)]
    sim.fault(account, count=THREADS, delayMs=int(HOLD * 1000))
    with basic(sim) as bw:
        threads = [
            Background(bw.redirect, account, c, f"{sim.url}/sim/app/{c}", tag=c) for c in calls
        ]
        # Every request has arrived while none has been answered: the
        # simulator held all of them at once, so the calls ran concurrently
        # (one after another, the second would arrive only after the first's
        # answer).
        held = sim.requests(f"/accounts/{account}/", wait=THREADS)
        assert len(held) == THREADS
        assert all(r["status"] == 0 for r in held), "calls did not overlap"
        outcomes = [t.outcome() for t in threads]  # raises what a call raised

    assert outcomes == [None] * THREADS
    requests = sim.requests(f"/accounts/{account}/")
    assert sorted(r["path"].rsplit("/", 1)[1] for r in requests) == sorted(calls)
    assert all(r["status"] == 200 for r in requests)
    assert all(sim.call(c)["tag"] == c for c in calls)


def test_oauth2_token_is_fetched_once_and_shared(sim: Simulator) -> None:
    with oauth2(sim) as bw:
        calls = [sim.create_call() for _ in range(8)]
        threads = [threading.Thread(target=bw.hangup, args=(ACCOUNT, c)) for c in calls[:4]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in calls[4:]:
            bw.hangup(ACCOUNT, c)
    assert len(sim.requests(TOKEN_PATH)) == 1
    api = sim.requests("/api/v2/")
    assert len(api) == 8 and all(r["status"] == 200 for r in api)
    assert all(r["headers"]["authorization"].startswith("Bearer ") for r in api)
    assert all(sim.call(c)["state"] == "disconnected" for c in calls)


def test_oauth2_refused_client_is_an_authentication_error(sim: Simulator) -> None:
    with oauth2(sim, client_secret="wrong") as bw:
        try:
            bw.hangup(ACCOUNT, sim.create_call())
        except bwvoice.AuthenticationError as err:
            assert (err.status, err.http_status) == ("BW_ERR_UNAUTHORIZED", 401)
        else:
            raise AssertionError("no error")
    assert sim.requests("/api/v2/") == []
