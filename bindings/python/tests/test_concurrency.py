"""One client shared by many threads; OAuth2 token sharing."""

from __future__ import annotations

import threading

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
#: Seconds the simulator holds each response: long enough that, when the
#: calls overlap, all of them are held at once.
HOLD = 5.0


def test_threads_share_one_client_and_run_concurrently(sim: Simulator) -> None:
    account = "7700000"  # the delay fault matches this account only
    calls = [sim.create_call(account_id=account) for _ in range(THREADS)]
    sim.fault(account, count=THREADS, delayMs=int(HOLD * 1000))
    errors: list[BaseException] = []

    with bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=sim.api_url) as bw:

        def work(call_id: str) -> None:
            try:
                bw.redirect(account, call_id, f"{sim.url}/sim/app/{call_id}", tag=call_id)
            except BaseException as exc:  # reported to the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        # Every request has arrived while none has been answered: the
        # simulator held all of them at once, so the calls ran concurrently
        # (one after another, the second would arrive only after the first's
        # answer).
        held = sim.requests(f"/accounts/{account}/", wait=THREADS)
        assert len(held) == THREADS
        assert all(r["status"] == 0 for r in held), "calls did not overlap"
        for t in threads:
            t.join()

    assert errors == []
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
