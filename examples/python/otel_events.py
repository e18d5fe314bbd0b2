#!/usr/bin/env python3
"""Trace bwvoice calls with OpenTelemetry: one client span per call, from its events.

Usage: otel_events.py CALL_ID        (or set BW_CALL_ID)

Reads the call's state twice through a client whose ``on_event`` turns every
call into an OpenTelemetry span when its ``call_end`` event arrives (named
``GET /accounts/{accountId}/calls/{callId}``, with ``http.request.method``,
``url.template``, ``server.address``, ``server.port``,
``http.response.status_code``, ``http.request.resend_count``, ``error.type``
and ``bwvoice.*`` attributes), the call's attempts, retries and token
fetches becoming the span's events. The SDK's console exporter prints the
spans as JSON.

Needs ``opentelemetry-api`` and ``opentelemetry-sdk``
(``pip install opentelemetry-api opentelemetry-sdk``); without them it says
so and exits 0.

Exit status: 0 done (or OpenTelemetry missing), 1 the call failed, 2 usage.

Environment: BW_ACCOUNT_ID and the credentials (see example_env.py).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
from types import ModuleType
from typing import Any

import example_env

import bwvoice

MISSING = (
    "otel_events: {} is not installed, so there is nothing to trace with; "
    "pip install opentelemetry-api opentelemetry-sdk and run it again"
)


#: Attributes every event of a call shares with its span.
SAME_FOR_THE_CALL = {
    "bwvoice.event",
    "bwvoice.operation",
    "http.request.method",
    "url.template",
    "server.address",
    "server.port",
    "bwvoice.account_id",
    "bwvoice.call_id",
}


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class CallSpans:
    """An ``on_event`` callable: each call's events become one span, ended at ``call_end``.

    A call's events all come on the thread making it, in order, ``call_end``
    last, so they are gathered per thread until then.
    """

    def __init__(self, trace: Any) -> None:
        self._trace = trace
        self._tracer = trace.get_tracer("bwvoice-example")
        self._pending: dict[int, list[tuple[int, bwvoice.Event]]] = {}

    def __call__(self, event: bwvoice.Event) -> None:
        """Gathers ``event``, or ends its call's span with it."""
        now = time.time_ns()
        gathered = self._pending.setdefault(threading.get_ident(), [])
        if event.kind != "call_end":
            gathered.append((now, event))
            return
        del self._pending[threading.get_ident()]
        attributes = event.attributes()
        del attributes["bwvoice.event"]
        span = self._tracer.start_span(
            f"{event.http_request_method} {event.url_template}",  # OpenTelemetry's HTTP name
            kind=self._trace.SpanKind.CLIENT,
            start_time=now - int(event.duration * 1e9),
            attributes=attributes,
        )
        for at, earlier in gathered:
            # What the span already says about the call is not repeated.
            details = {
                k: v
                for k, v in earlier.attributes().items()
                if k not in SAME_FOR_THE_CALL or attributes.get(k) != v
            }
            span.add_event(f"bwvoice.{earlier.kind}", attributes=details, timestamp=at)
        if event.status != "BW_OK":
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, event.status))
        span.end(end_time=now)


def main(argv: list[str]) -> int:
    """Reads the call named on the command line, tracing each call; returns the exit status."""
    trace, sdk_trace, export = (
        _module("opentelemetry.trace"),
        _module("opentelemetry.sdk.trace"),
        _module("opentelemetry.sdk.trace.export"),
    )
    if trace is None:
        print(MISSING.format("opentelemetry-api"))
        return 0
    if sdk_trace is None or export is None:
        print(MISSING.format("opentelemetry-sdk (to print the spans)"))
        return 0
    call_id = argv[1] if len(argv) > 1 else os.environ.get("BW_CALL_ID")
    account_id = os.environ.get("BW_ACCOUNT_ID")
    if not call_id or not account_id:
        print(__doc__, file=sys.stderr)
        return 2
    provider = sdk_trace.TracerProvider()
    provider.add_span_processor(export.SimpleSpanProcessor(export.ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    try:
        with example_env.client("otel", on_event=CallSpans(trace)) as bw:
            for _ in range(2):  # the second reuses the connection (and token)
                state = bw.get_call_state(account_id, call_id)
            stats = bw.stats()
    except bwvoice.BandwidthError as err:
        print(f"otel_events failed: {err.status}: {err}", file=sys.stderr)
        return 1
    finally:
        provider.shutdown()
    print(f"call {call_id} is {state.state}")
    print(
        f"{stats.calls} calls, {stats.attempts} attempts, {stats.retries} retries, "
        f"{stats.connections_reused} pooled connections reused"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
