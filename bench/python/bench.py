"""Python side of ``make bench``: bwvoice vs requests.Session vs bandwidth-sdk.

Runs in the bench virtualenv (``target/bench/venv``) with ``bwvoice`` on
``PYTHONPATH`` and ``BWVOICE_LIBRARY`` pointing at the built library. Every
side redirects a call to the same URL over a kept-alive connection to the
bench's loopback server; rounds alternate A B C A B C ... Prints one JSON
object per line (read by bench/report.py).

    python bench.py latency BASE ROUNDS CALLS WARMUP
    python bench.py fanout  BASE THREADS CALLS ROUNDS   (bwvoice only)
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Callable

import bandwidth
import bwvoice
import requests
from bandwidth.api.calls_api import CallsApi
from bandwidth.models.update_call import UpdateCall

ACCOUNT = "9900000"
REDIRECT_URL = "https://app.example/next"
USERNAME, PASSWORD = "user", "pass"
BASIC = "Basic dXNlcjpwYXNz"  # base64("user:pass")


def make_sides(base: str) -> dict[str, Callable[[int], None]]:
    api = f"{base}/api/v2"

    ours = bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=api)

    def bwvoice_call(i: int) -> None:
        ours.redirect(ACCOUNT, f"c-{i}", REDIRECT_URL)

    session = requests.Session()
    session.headers.update(
        {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": f"bwvoice/{bwvoice.__version__}",
            "Authorization": BASIC,
        }
    )

    def requests_call(i: int) -> None:
        r = session.post(
            f"{api}/accounts/{ACCOUNT}/calls/c-{i}",
            json={"redirectUrl": REDIRECT_URL},
            timeout=(5, 30),
        )
        if r.status_code != 200:
            raise RuntimeError(f"requests: HTTP {r.status_code}")

    config = bandwidth.Configuration(
        host=api, username=USERNAME, password=PASSWORD, ignore_operation_servers=True
    )
    calls_api = CallsApi(bandwidth.ApiClient(config))

    def sdk_call(i: int) -> None:
        calls_api.update_call(ACCOUNT, f"c-{i}", UpdateCall(redirect_url=REDIRECT_URL))

    return {"bwvoice": bwvoice_call, "requests": requests_call, "bandwidth-sdk": sdk_call}


def latency(base: str, rounds: int, calls: int, warmup: int) -> None:
    sides = make_sides(base)
    ident = 0
    for call in sides.values():
        for _ in range(warmup):
            call(ident)
            ident += 1
    results: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):  # A B C A B C ...
        for name, call in sides.items():
            t0 = time.perf_counter()
            for _ in range(calls):
                call(ident)
                ident += 1
            results[name].append((time.perf_counter() - t0) * 1e6 / calls)
    for name, us in results.items():
        print(
            json.dumps(
                {
                    "lang": "python",
                    "kind": "latency",
                    "side": name,
                    "us_per_call": [round(u, 3) for u in us],
                }
            )
        )
    print(
        json.dumps(
            {
                "lang": "python",
                "kind": "versions",
                "python": sys.version.split()[0],
                "requests": requests.__version__,
                "urllib3": _version("urllib3"),
                "bandwidth-sdk": _version("bandwidth-sdk"),
                "bwvoice": bwvoice.library_version(),
            }
        )
    )


def fanout(base: str, threads: int, calls: int, rounds: int) -> None:
    ours = bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=f"{base}/api/v2")

    def one_round(per_thread: int, first: int) -> float:
        start = threading.Barrier(threads + 1)

        def worker(t: int) -> None:
            start.wait()
            for i in range(per_thread):
                ours.redirect(ACCOUNT, f"c-{first + t * per_thread + i}", REDIRECT_URL)

        pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for t in pool:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        for t in pool:
            t.join()
        return threads * per_thread / (time.perf_counter() - t0)

    one_round(2, 0)  # warm-up: open the connections
    rates = [round(one_round(calls, (r + 1) * threads * calls), 1) for r in range(rounds)]
    print(
        json.dumps(
            {
                "lang": "python",
                "kind": "fanout",
                "side": "bwvoice",
                "threads": threads,
                "calls_per_thread": calls,
                "calls_per_s": rates,
            }
        )
    )
    ours.close()


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def main() -> None:
    mode, base, *rest = sys.argv[1:]
    a, b, c = (int(x) for x in rest)
    if mode == "latency":
        latency(base, a, b, c)
    elif mode == "fanout":
        fanout(base, a, b, c)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
