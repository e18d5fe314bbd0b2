"""Fixtures: one simulator per session, reset before every test that uses it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

import bwvoice
from helpers import Either, basic
from simulator import Simulator


@pytest.fixture(scope="session")
def sim_server() -> Iterator[Simulator]:
    server = Simulator()
    yield server
    server.stop()


@pytest.fixture
def sim(sim_server: Simulator) -> Simulator:
    """The simulator, with no calls, requests, faults or tokens."""
    sim_server.reset()
    return sim_server


@pytest.fixture
def client(sim: Simulator) -> Iterator[bwvoice.Client]:
    """A Basic-auth client of the simulator."""
    with basic(sim) as bw:
        yield bw


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A base URL on a port that is bound but not listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v2"


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """``"sync"``, then (second run) ``"async"``: the kind of an :class:`Either`."""
    return str(request.param)


@pytest.fixture
def either(kind: str, sim: Simulator) -> Iterator[Either]:
    """A Basic-auth Client, then (second run) an AsyncClient, of the simulator."""
    bw = Either(kind, sim)
    yield bw
    bw.close()
