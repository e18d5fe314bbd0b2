"""Drives the Bandwidth Voice API simulator (``bwvoice-sim``) for the tests."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
ACCOUNT = "9900000"
USERNAME, PASSWORD = "user", "pass"
CLIENT_ID, CLIENT_SECRET = "client", "secret"
TOKEN_PATH = "/api/v1/oauth2/token"
#: A path segment, percent-encoded (ids may contain ``/``).
quote = partial(urllib.parse.quote, safe="")


def simulator_binary() -> str:
    """``$BWVOICE_SIM``, else the repository's release build."""
    return os.environ.get("BWVOICE_SIM") or str(REPO / "target" / "release" / "bwvoice-sim")


class Simulator:
    """A running ``bwvoice-sim --port 0`` subprocess and its control API."""

    def __init__(self, binary: str | None = None) -> None:
        self.proc = subprocess.Popen(
            [binary or simulator_binary(), "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"bwvoice-sim did not start: {line!r}")
        self.url = line[len(prefix) :]
        self.api_url = f"{self.url}/api/v2"
        self.token_url = f"{self.url}{TOKEN_PATH}"

    def stop(self) -> None:
        """Terminates the process."""
        self.proc.terminate()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    # -- control API --

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def reset(self) -> None:
        """Forgets calls, logs, faults and tokens."""
        self._send("POST", "/sim/reset")

    def create_call(
        self,
        state: str = "answered",
        account_id: str = ACCOUNT,
        *,
        recording: bool = False,
        **fields: str,
    ) -> str:
        """Creates a call (``recording``: with a recording in progress); returns its id.

        ``fields``: other ``POST /sim/calls`` fields, e.g. ``callId``, ``direction``.
        """
        body = {"accountId": account_id, "state": state, "recording": recording, **fields}
        return str(self._send("POST", "/sim/calls", body)["callId"])

    def call(self, call_id: str) -> dict[str, Any]:
        """The call's state, plus its ``tag``, ``recording`` and ``bxml``."""
        result: dict[str, Any] = self._send("GET", f"/sim/calls/{quote(call_id)}")
        return result

    def answer(self, call_id: str) -> None:
        """Answers an ``initiated`` call."""
        self._send("POST", f"/sim/calls/{quote(call_id)}/answer")

    def start_recording(self, call_id: str) -> None:
        """Starts a recording on an answered call that has none."""
        self._send("POST", f"/sim/calls/{quote(call_id)}/recording")

    def configure(self, **settings: Any) -> dict[str, Any]:
        """``POST /sim/config``, e.g. ``outbound="ring"``; returns the settings in force."""
        result: dict[str, Any] = self._send("POST", "/sim/config", settings)
        return result

    def wait_call(self, call_id: str, state: str) -> dict[str, Any]:
        """The call's control view once it is in ``state`` (the simulator waits, at most 10 s)."""
        result: dict[str, Any] = self._send("GET", f"/sim/calls/{quote(call_id)}?wait={state}")
        return result

    def create_conference(
        self, name: str, members: list[str], account_id: str = ACCOUNT, **fields: str
    ) -> dict[str, Any]:
        """Creates a conference of answered calls; returns its control view (``id``...).

        ``fields``: other ``POST /sim/conferences`` fields, e.g. ``tag``.
        """
        body = {"accountId": account_id, "name": name, "members": members, **fields}
        result: dict[str, Any] = self._send("POST", "/sim/conferences", body)
        return result

    def conference(self, conference_id: str) -> dict[str, Any]:
        """The conference's control view: its JSON plus ``accountId`` and ``bxml``."""
        result: dict[str, Any] = self._send("GET", f"/sim/conferences/{quote(conference_id)}")
        return result

    def webhooks(self, wait: int = 0) -> list[dict[str, Any]]:
        """The webhook deliveries made, once at least ``wait`` were (the simulator waits)."""
        result: list[dict[str, Any]] = self._send("GET", f"/sim/webhooks?wait={wait}")
        return result

    def requests(self, path_contains: str = "", *, wait: int = 0) -> list[dict[str, Any]]:
        """Every ``/api`` request received, oldest first.

        ``wait``: first wait, inside the simulator (at most 10 s), until at
        least that many matching requests have arrived; a request held by a
        ``delayMs`` fault counts as soon as it arrives.
        """
        query = urllib.parse.urlencode({"path_contains": path_contains, "wait": wait})
        result: list[dict[str, Any]] = self._send("GET", f"/sim/requests?{query}")
        return result

    def fault(self, match: str | None, count: int = 1, **answer: Any) -> None:
        """The next ``count`` requests matching ``match`` (``None``: any) get ``answer``.

        ``answer``: ``status``, ``headers``, ``body``, ``contentType``, ``delayMs``,
        ``close``, and the filters ``method`` and ``route`` (``"call"``, ``"bxml"``,
        ``"recording"``, ``"calls"``, ``"conference"``, ``"conference-bxml"``, ``"member"``).
        """
        where = {} if match is None else {"match": match}
        self._send("POST", "/sim/faults", {**where, "count": count, **answer})

    def wait_for_requests(self, count: int, path_contains: str = "") -> None:
        """Returns once ``count`` matching requests have arrived (polls the log; 10 s cap)."""
        deadline = time.monotonic() + 10
        while len(self.requests(path_contains)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} requests to {path_contains!r} arrived")
