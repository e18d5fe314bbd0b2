"""list_calls and iter_calls: pages, the query string, and paging that always ends."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import bwvoice
from helpers import Either
from simulator import ACCOUNT, Simulator

CALLS_PATH = f"/api/v2/accounts/{ACCOUNT}/calls"


def listed(sim: Simulator) -> list[str]:
    """The path (with its query) of every listCalls request the simulator received."""
    return [
        r["path"]
        for r in sim.requests()
        if r["method"] == "GET" and r["path"].split("?")[0] == CALLS_PATH
    ]


def test_a_page_holds_each_call_as_get_call_state_reads_it(sim: Simulator, either: Either) -> None:
    first = sim.create_call(to="+15555551001")
    second = sim.create_call("initiated", to="+15555551002")
    either("hangup", ACCOUNT, first)
    page = either("list_calls", ACCOUNT)
    assert isinstance(page, bwvoice.CallPage)
    assert page.next_page_token is None
    assert page.calls == [
        either("get_call_state", ACCOUNT, first),
        either("get_call_state", ACCOUNT, second),
    ]
    ended, ringing = page.calls
    assert (ended.to, ended.state, ended.disconnect_cause) == (
        "+15555551001",
        "disconnected",
        "hangup",
    )
    assert ended.end_time is not None and ended.end_time.tzinfo is timezone.utc
    assert (ringing.to, ringing.state, ringing.answer_time) == ("+15555551002", "initiated", None)
    assert listed(sim) == [CALLS_PATH]  # no query at all


def test_every_filter_reaches_the_query_string(sim: Simulator, either: Either) -> None:
    query = bwvoice.ListCallsQuery(
        to="+15555551212",
        from_="+15555550000",
        min_start_time="2024-01-01T00:00:00Z",
        max_start_time=datetime(2030, 6, 1, 12, 30, tzinfo=timezone.utc),
        disconnect_cause="hangup",
        page_size=10,
    )
    page = either("list_calls", ACCOUNT, query, timeout=10)
    assert page == bwvoice.CallPage(calls=[], next_page_token=None)
    assert listed(sim) == [
        f"{CALLS_PATH}?to=%2B15555551212&from=%2B15555550000"
        "&minStartTime=2024-01-01T00%3A00%3A00Z"
        "&maxStartTime=2030-06-01T12%3A30%3A00.000%2B00%3A00"
        "&disconnectCause=hangup&pageSize=10"
    ]


def test_filters_select_the_calls(sim: Simulator, either: Either) -> None:
    wanted = sim.create_call(to="+15555557777")
    sim.create_call(to="+15555558888")
    page = either("list_calls", ACCOUNT, bwvoice.ListCallsQuery(to="+15555557777"))
    assert [call.call_id for call in page.calls] == [wanted]


def test_a_token_the_server_did_not_issue_is_a_bad_request(sim: Simulator, either: Either) -> None:
    with pytest.raises(bwvoice.BadRequestError) as info:
        either("list_calls", ACCOUNT, bwvoice.ListCallsQuery(page_token="not-issued"))
    assert info.value.http_status == 400
    assert listed(sim) == [f"{CALLS_PATH}?pageToken=not-issued"]


# --- paging ----------------------------------------------------------------------------


def test_iter_calls_reads_every_page_once_in_order(sim: Simulator, either: Either) -> None:
    created = [sim.create_call() for _ in range(25)]
    query = bwvoice.ListCallsQuery(page_size=10)
    calls = either.all_calls(ACCOUNT, query)
    assert [call.call_id for call in calls] == created
    paths = listed(sim)
    assert len(paths) == 3
    assert paths[0] == f"{CALLS_PATH}?pageSize=10"
    assert all(p.startswith(f"{CALLS_PATH}?pageSize=10&pageToken=") for p in paths[1:])
    assert paths[1] != paths[2]


def test_list_calls_pages_by_hand_with_the_next_token(sim: Simulator, either: Either) -> None:
    created = [sim.create_call() for _ in range(25)]
    query: bwvoice.ListCallsQuery | None = bwvoice.ListCallsQuery(page_size=10)
    sizes, seen = [], []
    while query is not None:
        page = either("list_calls", ACCOUNT, query)
        sizes.append(len(page.calls))
        seen += [call.call_id for call in page.calls]
        token = page.next_page_token
        query = None if token is None else dataclasses.replace(query, page_token=token)
    assert (sizes, seen) == ([10, 10, 5], created)


def test_iter_calls_converts_its_arguments_at_once_and_reads_lazily(
    sim: Simulator, either: Either
) -> None:
    sim.create_call()
    with pytest.raises(TypeError):
        either.client.iter_calls(ACCOUNT, bwvoice.ListCallsQuery(page_size="10"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        either.client.iter_calls(ACCOUNT, {"page_size": 10})
    either.client.iter_calls(ACCOUNT)  # never iterated: nothing is read
    assert listed(sim) == []


class Pages:
    """A Voice API stand-in on 127.0.0.1 whose ``Link`` gives the tokens of ``tokens`` in turn.

    Each answer holds one call (``c-<n>``, n counting requests from 1); the
    last token is repeated once ``tokens`` runs out. From the 11th request on
    it answers a last, empty page: a client that does not stop by itself
    then ends without the error the tests expect, instead of hanging.
    """

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.paths: list[str] = []
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                pages.paths.append(self.path)
                n = len(pages.paths)
                last = n > 10
                calls = [] if last else [{"callId": f"c-{n}", "accountId": ACCOUNT}]
                body = json.dumps(calls).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if not last:
                    token = pages.tokens[min(n, len(pages.tokens)) - 1]
                    link = f"{pages.api_url}/accounts/{ACCOUNT}/calls?pageToken={token}"
                    self.send_header("Link", f'<{link}>; rel="next"')
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,))
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def pages() -> Iterator[list[Pages]]:
    """Starts no server itself: the test's ``Pages`` go in the list, stopped afterwards."""
    started: list[Pages] = []
    yield started
    for server in started:
        server.stop()


@pytest.mark.parametrize(
    ("tokens", "requests"),
    [(["again"], 2), (["a", "b", "a"], 3), (["a", "b", "c", "b"], 4)],
    ids=["same-token-forever", "back-to-the-first", "back-to-the-second"],
)
def test_a_server_linking_to_a_page_already_read_cannot_loop_forever(
    sim: Simulator, pages: list[Pages], kind: str, tokens: list[str], requests: int
) -> None:
    server = Pages(tokens)
    pages.append(server)
    bw = Either(kind, sim, base_url=server.api_url)
    got: list[str | None] = []

    async def collect() -> None:
        async for call in bw.client.iter_calls(ACCOUNT):
            got.append(call.call_id)

    try:
        with pytest.raises(bwvoice.ProtocolError) as info:
            if kind == "sync":
                got.extend(call.call_id for call in bw.client.iter_calls(ACCOUNT))
            else:
                asyncio.run(collect())
    finally:
        bw.close()
    # Every page was read once, its calls delivered, then it stopped.
    assert got == [f"c-{n}" for n in range(1, requests + 1)]
    assert len(server.paths) == requests
    assert "already read" in str(info.value)


def test_a_first_token_given_back_is_refused_too(
    sim: Simulator, pages: list[Pages], kind: str
) -> None:
    server = Pages(["start"])
    pages.append(server)
    bw = Either(kind, sim, base_url=server.api_url)
    try:
        with pytest.raises(bwvoice.ProtocolError):
            bw.all_calls(ACCOUNT, bwvoice.ListCallsQuery(page_token="start"))
    finally:
        bw.close()
    assert server.paths == [f"/api/v2/accounts/{ACCOUNT}/calls?pageToken=start"]
