"""One client shared by many threads; OAuth2 token sharing."""

from __future__ import annotations

import threading
import time

import bwvoice
from simulator import (
    ACCOUNT,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN_PATH,
    USERNAME,
    Simulator,
)

THREADS = 32
DELAY = 0.05  # seconds the simulator holds each response


def test_threads_share_one_client_and_run_concurrently(sim: Simulator) -> None:
    account = "7700000"  # the delay fault matches this account only
    calls = [sim.create_call(account_id=account) for _ in range(THREADS)]
    sim.fault(account, count=THREADS, delayMs=int(DELAY * 1000))
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS + 1)

    with bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=sim.api_url) as bw:

        def work(call_id: str) -> None:
            start.wait()
            try:
                bw.redirect(account, call_id, f"{sim.url}/sim/app/{call_id}", tag=call_id)
            except BaseException as exc:  # reported to the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        start.wait()
        began = time.monotonic()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began

    assert errors == []
    assert elapsed < THREADS * DELAY / 4, f"{elapsed:.3f}s: calls did not run concurrently"
    requests = sim.requests(f"/accounts/{account}/")
    assert sorted(r["path"].rsplit("/", 1)[1] for r in requests) == sorted(calls)
    assert all(r["status"] == 200 for r in requests)
    assert all(sim.call(c)["tag"] == c for c in calls)


def test_oauth2_token_is_fetched_once_and_shared(sim: Simulator) -> None:
    with bwvoice.Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=sim.api_url,
        token_url=sim.token_url,
    ) as bw:
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
    with bwvoice.Client(
        client_id=CLIENT_ID, client_secret="wrong", base_url=sim.api_url, token_url=sim.token_url
    ) as bw:
        try:
            bw.hangup(ACCOUNT, sim.create_call())
        except bwvoice.AuthenticationError as err:
            assert (err.status, err.http_status) == ("BW_ERR_UNAUTHORIZED", 401)
        else:
            raise AssertionError("no error")
    assert sim.requests("/api/v2/") == []
