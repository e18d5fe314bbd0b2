"""Talks to the simulator's control API (no third-party modules, no proxies).

sim.py URL call                 creates an answered call, prints its id
sim.py URL fault JSON           adds a fault
sim.py URL tag CALL_ID          prints the call's tag ("" if none)
sim.py URL state CALL_ID        prints the call's state
sim.py URL conference CALL...   puts answered calls in a new conference, prints its id
sim.py URL conference-field CONFERENCE_ID FIELD
                                prints a field of the conference's control view ("" if null)
"""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any

# Loopback only: ignore any http_proxy in the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(url: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    req.add_header("Content-Type", "application/json")
    with _opener.open(req, timeout=10) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def main(base: str, command: str, *args: str) -> None:
    """Runs one command against the simulator at `base`."""
    if command == "call":
        print(
            _request(f"{base}/sim/calls", {"accountId": "9900000", "state": "answered"})["callId"]
        )
    elif command == "fault":
        _request(f"{base}/sim/faults", json.loads(args[0]))
    elif command in ("tag", "state"):
        call = _request(f"{base}/sim/calls/{args[0]}")
        print(call.get(command) or "")
    elif command == "conference":
        spec = {"accountId": "9900000", "name": "install-test", "members": list(args)}
        print(_request(f"{base}/sim/conferences", spec)["id"])
    elif command == "conference-field":
        view = _request(f"{base}/sim/conferences/{args[0]}")
        print(view.get(args[1]) or "")
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
