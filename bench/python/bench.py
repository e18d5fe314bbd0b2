"""Python side of ``make bench``: bwvoice vs requests.Session vs bandwidth-sdk, async, and BXML.

Runs in the bench virtualenv (``target/bench/venv``) with ``bwvoice`` on
``PYTHONPATH`` and ``BWVOICE_LIBRARY`` pointing at the built library. Every
side redirects a call to the same URL over kept-alive connections to the
bench's loopback server; rounds alternate A B C A B C ... Prints one JSON
object per line (read by bench/report.py).

    python bench.py latency      BASE ROUNDS CALLS WARMUP
    python bench.py fanout       BASE THREADS CALLS ROUNDS       (bwvoice only)
    python bench.py async        BASE ROUNDS CALLS WARMUP
    python bench.py async-fanout BASE CONCURRENCY CALLS ROUNDS   (bwvoice only)
    python bench.py bxml         ROUNDS CALLS WARMUP             (no server)
    python bench.py callback     FILE ROUNDS CALLS WARMUP        (no server)

``async``: per-call cost with ``ASYNC_CONCURRENCY`` (64) tasks sharing one
client, for ``bwvoice.AsyncClient``, ``httpx.AsyncClient`` and
``aiohttp.ClientSession`` (each allowed 64 connections), CALLS calls per
side and round. ``async-fanout``: CONCURRENCY tasks of CALLS calls each on
one ``bwvoice.AsyncClient`` (``max_concurrency=CONCURRENCY``), meant for the
20 ms server; calls per second of each round after a warm-up round.
``bxml``: µs to build and render one typical IVR answer (:func:`ivr_documents`)
with ``bwvoice.bxml`` and with the SDK's ``bandwidth.models.bxml``.
``callback``: µs to read FILE's JSON (a gather callback) with
``bwvoice.parse_callback`` and with the SDK's ``GatherCallback.from_json``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Iterator
from importlib.metadata import version
from typing import Callable

import aiohttp
import bandwidth
import httpx
import requests
from bandwidth.api.calls_api import CallsApi
from bandwidth.models import bxml as sdk_bxml
from bandwidth.models.gather_callback import GatherCallback
from bandwidth.models.update_call import UpdateCall

import bwvoice
from bwvoice import bxml

ACCOUNT = "9900000"
REDIRECT_URL = "https://app.example/next"
USERNAME, PASSWORD = "user", "pass"
BASIC = "Basic dXNlcjpwYXNz"  # base64("user:pass")
#: What the HTTP clients send besides the JSON body (bwvoice sends the same).
HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Accept": "application/json",
    "User-Agent": f"bwvoice/{bwvoice.__version__}",
    "Authorization": BASIC,
}
#: Tasks sharing one client in the ``async`` mode.
ASYNC_CONCURRENCY = 64


def make_sides(base: str) -> dict[str, Callable[[int], None]]:
    """The blocking sides: each redirects call ``c-N`` given N."""
    api = f"{base}/api/v2"

    ours = bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=api)

    def bwvoice_call(i: int) -> None:
        ours.redirect(ACCOUNT, f"c-{i}", REDIRECT_URL)

    session = requests.Session()
    session.headers.update(HEADERS)

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
    """Per-call cost of each blocking side, one call at a time, alternating rounds."""
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
                "urllib3": version("urllib3"),
                "bandwidth-sdk": version("bandwidth-sdk"),
                "bwvoice": bwvoice.library_version(),
            }
        )
    )


def fanout(base: str, threads: int, calls: int, rounds: int) -> None:
    """Calls per second of ``threads`` threads sharing one ``bwvoice.Client``."""
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


#: An asynchronous side: redirects call ``c-N`` given N.
AsyncCall = Callable[[int], Awaitable[None]]


async def make_async_sides(
    base: str, concurrency: int
) -> tuple[dict[str, AsyncCall], list[Callable[[], Awaitable[None]]]]:
    """The asynchronous sides (made inside the running loop) and their closers."""
    api = f"{base}/api/v2"

    ours = bwvoice.AsyncClient(
        username=USERNAME, password=PASSWORD, base_url=api, max_concurrency=concurrency
    )

    async def bwvoice_call(i: int) -> None:
        await ours.redirect(ACCOUNT, f"c-{i}", REDIRECT_URL)

    hx = httpx.AsyncClient(
        headers=HEADERS,
        timeout=httpx.Timeout(30.0, connect=5.0),
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )

    async def httpx_call(i: int) -> None:
        r = await hx.post(
            f"{api}/accounts/{ACCOUNT}/calls/c-{i}", json={"redirectUrl": REDIRECT_URL}
        )
        if r.status_code != 200:
            raise RuntimeError(f"httpx: HTTP {r.status_code}")

    session = aiohttp.ClientSession(
        headers=HEADERS,
        timeout=aiohttp.ClientTimeout(total=30, connect=5),
        connector=aiohttp.TCPConnector(limit=concurrency),
    )

    async def aiohttp_call(i: int) -> None:
        async with session.post(
            f"{api}/accounts/{ACCOUNT}/calls/c-{i}", json={"redirectUrl": REDIRECT_URL}
        ) as r:
            await r.read()
            if r.status != 200:
                raise RuntimeError(f"aiohttp: HTTP {r.status}")

    sides: dict[str, AsyncCall] = {
        "bwvoice": bwvoice_call,
        "httpx": httpx_call,
        "aiohttp": aiohttp_call,
    }
    return sides, [ours.aclose, hx.aclose, session.close]


async def run_concurrently(call: AsyncCall, ids: range, concurrency: int) -> float:
    """Makes one call per id with ``concurrency`` tasks at once; returns the seconds taken."""
    todo: Iterator[int] = iter(ids)  # shared: each task takes the next id

    async def worker() -> None:
        for i in todo:
            await call(i)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0


async def async_latency(base: str, rounds: int, calls: int, warmup: int) -> None:
    """Per-call cost of each asynchronous side with 64 tasks at once, alternating rounds."""
    sides, closers = await make_async_sides(base, ASYNC_CONCURRENCY)
    results: dict[str, list[float]] = {name: [] for name in sides}
    try:
        ident = 0
        for call in sides.values():  # also opens every side's connections
            await run_concurrently(call, range(ident, ident + warmup), ASYNC_CONCURRENCY)
            ident += warmup
        for _ in range(rounds):  # A B C A B C ...
            for name, call in sides.items():
                took = await run_concurrently(call, range(ident, ident + calls), ASYNC_CONCURRENCY)
                ident += calls
                results[name].append(took * 1e6 / calls)
    finally:
        for close in closers:
            await close()
    for name, us in results.items():
        print(
            json.dumps(
                {
                    "lang": "python",
                    "kind": "async",
                    "side": name,
                    "concurrency": ASYNC_CONCURRENCY,
                    "us_per_call": [round(u, 3) for u in us],
                }
            )
        )
    print(
        json.dumps(
            {
                "lang": "python",
                "kind": "versions",
                "httpx": httpx.__version__,
                "aiohttp": aiohttp.__version__,
            }
        )
    )


async def async_fanout(base: str, concurrency: int, calls: int, rounds: int) -> None:
    """Calls per second of ``concurrency`` tasks sharing one ``bwvoice.AsyncClient``."""
    ours = bwvoice.AsyncClient(
        username=USERNAME,
        password=PASSWORD,
        base_url=f"{base}/api/v2",
        max_concurrency=concurrency,
    )

    async def one_round(per_task: int, first: int) -> float:
        async def task(t: int) -> None:
            for i in range(per_task):
                await ours.redirect(ACCOUNT, f"c-{first + t * per_task + i}", REDIRECT_URL)

        t0 = time.perf_counter()
        await asyncio.gather(*(task(t) for t in range(concurrency)))
        return concurrency * per_task / (time.perf_counter() - t0)

    try:
        await one_round(2, 0)  # warm-up: start the workers, open the connections
        rates = [
            round(await one_round(calls, (r + 1) * concurrency * calls), 1) for r in range(rounds)
        ]
    finally:
        await ours.aclose()
    print(
        json.dumps(
            {
                "lang": "python",
                "kind": "async-fanout",
                "side": "bwvoice",
                "concurrency": concurrency,
                "calls_per_task": calls,
                "calls_per_s": rates,
            }
        )
    )


def ivr_documents() -> dict[str, Callable[[], str]]:
    """The same IVR answer (8 elements in ``<Response>``) built by each side from scratch.

    A greeting, a Gather with a nested prompt and a beep, a pause, a last
    word and a redirect back to the menu: what a webhook handler returns.
    """

    def bwvoice_build() -> str:
        return bxml.Response(
            bxml.SpeakSentence("Welcome to Example Corp.", voice="julie"),
            bxml.Gather(
                bxml.SpeakSentence("Press 1 for sales, 2 for support."),
                bxml.PlayAudio("https://app.example/beep.wav"),
                gather_url="https://app.example/gather",
                terminating_digits="#",
                max_digits=1,
                repeat_count=2,
            ),
            bxml.Pause(duration=2),
            bxml.SpeakSentence("We did not get your answer."),
            bxml.Redirect(redirect_url="https://app.example/menu", tag="menu:retry"),
        ).to_bxml()

    def sdk_build() -> str:
        return str(
            sdk_bxml.Response(
                [
                    sdk_bxml.SpeakSentence("Welcome to Example Corp.", voice="julie"),
                    sdk_bxml.Gather(
                        [
                            sdk_bxml.SpeakSentence("Press 1 for sales, 2 for support."),
                            sdk_bxml.PlayAudio("https://app.example/beep.wav"),
                        ],
                        gather_url="https://app.example/gather",
                        terminating_digits="#",
                        max_digits=1,
                        repeat_count=2,
                    ),
                    sdk_bxml.Pause(duration=2),
                    sdk_bxml.SpeakSentence("We did not get your answer."),
                    sdk_bxml.Redirect(redirect_url="https://app.example/menu", tag="menu:retry"),
                ]
            ).to_bxml()
        )

    return {"bwvoice": bwvoice_build, "bandwidth-sdk": sdk_build}


def elements(document: str) -> list[tuple[str, dict[str, str], str]]:
    """A document's elements in order (tag, attributes, text): what both sides must agree on."""
    return [(e.tag, e.attrib, e.text or "") for e in ET.fromstring(document.encode()).iter()]


def side_by_side(
    sides: dict[str, Callable[[], object]],
    rounds: int,
    calls: int,
    warmup: int,
    kind: str,
    **extra: object,
) -> None:
    """Prints each side's µs per call, measured in alternating rounds (A B A B ...)."""
    for run in sides.values():
        for _ in range(warmup):
            run()
    results: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, run in sides.items():
            t0 = time.perf_counter()
            for _ in range(calls):
                run()
            results[name].append((time.perf_counter() - t0) * 1e6 / calls)
    for name, us in results.items():
        line = {"lang": "python", "kind": kind, "side": name, **extra}
        print(json.dumps({**line, "us_per_call": [round(u, 3) for u in us]}))


def bxml_build(rounds: int, calls: int, warmup: int) -> None:
    """µs per document built and rendered by each side, alternating rounds."""
    sides = ivr_documents()
    first, *others = (elements(build()) for build in sides.values())
    if len(first) < 8 or any(other != first for other in others):
        raise SystemExit("bench: the sides do not build the same BXML document")
    side_by_side(sides, rounds, calls, warmup, kind="bxml", elements=len(first))


def callback_parse(path: str, rounds: int, calls: int, warmup: int) -> None:
    """µs per gather callback read by each side from the same text, alternating rounds."""
    with open(path, encoding="utf-8") as f:
        body = f.read().strip()
    sides: dict[str, Callable[[], object]] = {
        "bwvoice": lambda: bwvoice.parse_callback(body),
        "bandwidth-sdk": lambda: GatherCallback.from_json(body),
    }
    ours, theirs = bwvoice.parse_callback(body), GatherCallback.from_json(body)
    if theirs is None or (ours.call_id, ours.digits, ours.terminating_digit, ours.tag) != (
        theirs.call_id,
        theirs.digits,
        theirs.terminating_digit,
        theirs.tag,
    ):
        raise SystemExit("bench: the sides do not read the same callback")
    side_by_side(sides, rounds, calls, warmup, kind="callback", bytes=len(body.encode()))


def main() -> None:
    """``bench.py MODE [BASE] A B C``; see the module docstring."""
    mode, *args = sys.argv[1:]
    if mode == "bxml":
        bxml_build(*(int(x) for x in args))
        return
    if mode == "callback":
        path, *counts = args
        callback_parse(path, *(int(x) for x in counts))
        return
    base, *rest = args
    a, b, c = (int(x) for x in rest)
    if mode == "latency":
        latency(base, a, b, c)
    elif mode == "fanout":
        fanout(base, a, b, c)
    elif mode == "async":
        asyncio.run(async_latency(base, a, b, c))
    elif mode == "async-fanout":
        asyncio.run(async_fanout(base, a, b, c))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
