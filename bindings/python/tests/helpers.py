"""Helpers shared by the test modules: clients of the simulator, Python subprocesses, threads."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Mapping
from typing import Any, Callable

import bwvoice
from simulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, REPO, USERNAME, Simulator

#: The binding's source: a subprocess's ``PYTHONPATH`` to import ``bwvoice`` from it.
SOURCE = str(REPO / "bindings" / "python" / "src")


def basic(sim: Simulator, **options: Any) -> bwvoice.Client:
    """A Basic-auth client of the simulator; ``options``: more keyword arguments."""
    return bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=sim.api_url, **options)


class Either:
    """A :class:`bwvoice.Client` or an :class:`bwvoice.AsyncClient`, called alike.

    ``kind`` is ``"sync"`` or ``"async"``: an asynchronous operation runs to
    its end under ``asyncio.run``, so a test written once checks both clients.
    """

    def __init__(self, kind: str, sim: Simulator, **options: Any) -> None:
        self.kind = kind
        options = {"username": USERNAME, "password": PASSWORD, "base_url": sim.api_url, **options}
        if kind == "sync":
            self.client: Any = bwvoice.Client(**options)
        else:
            self.client = bwvoice.AsyncClient(**options)

    def __call__(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        """``client.<operation>(*args, **kwargs)``, awaited when asynchronous."""
        result = getattr(self.client, operation)(*args, **kwargs)
        return result if self.kind == "sync" else asyncio.run(result)

    def all_calls(self, *args: Any, **kwargs: Any) -> list[bwvoice.CallState]:
        """Every call of ``iter_calls(*args, **kwargs)``, in order."""
        calls = self.client.iter_calls(*args, **kwargs)
        if self.kind == "sync":
            return list(calls)

        async def collect() -> list[bwvoice.CallState]:
            return [call async for call in calls]

        return asyncio.run(collect())

    def close(self) -> None:
        if self.kind == "sync":
            self.client.close()
        else:
            asyncio.run(self.client.aclose())


def oauth2(sim: Simulator, **options: Any) -> bwvoice.Client:
    """An OAuth2 client of the simulator; ``options`` may replace its credentials."""
    credentials = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    return bwvoice.Client(
        base_url=sim.api_url, token_url=sim.token_url, **{**credentials, **options}
    )


def python(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``python *args`` in environment ``env``; its exit status and text output."""
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """``python -c code`` (dedented) in this environment, ``bwvoice`` imported from the source."""
    return python("-c", textwrap.dedent(code), env={**os.environ, "PYTHONPATH": SOURCE})


class Background(threading.Thread):
    """Runs ``function(*args, **kwargs)`` on a thread of its own, started at once."""

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self._call = function, args, kwargs
        self._result: Any = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        function, args, kwargs = self._call
        try:
            self._result = function(*args, **kwargs)
        except BaseException as exc:  # reported to the thread calling outcome()
            self._error = exc

    def outcome(self) -> Any:
        """Waits for the call to end; returns its result or raises its exception."""
        self.join()
        if self._error is not None:
            raise self._error
        return self._result
