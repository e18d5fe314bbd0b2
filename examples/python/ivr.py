#!/usr/bin/env python3
"""A small IVR webhook app: a menu, a transfer on "1", a goodbye on "2".

Usage: ivr.py [--username USER --password PASS] [--transfer-to +15550000100]

Serves Bandwidth's Voice callbacks on 127.0.0.1 (a free port) with
``bwvoice.webhooks.wsgi_app`` under the standard library's ``wsgiref``,
prints ``listening on URL`` once bound and serves until SIGINT or SIGTERM.
With credentials every request must carry them (401 with the challenge
without, 403 when wrong). The C (examples/c/ivr.c) and Go
(bindings/go/examples/ivr) apps answer the same bytes.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from socketserver import ThreadingMixIn
from types import FrameType
from typing import Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bwvoice import Callback, CallbackEvent
from bwvoice.bxml import Gather, Hangup, PhoneNumber, Response, SpeakSentence, Transfer
from bwvoice.webhooks import wsgi_app

MENU = Gather(
    SpeakSentence("Press 1 to talk to someone, or 2 to hear a message."),
    gather_url="/gather",
    max_digits=1,
)


def ivr(transfer_to: str) -> Callable[[Callback], Response | None]:
    """The callback handler: the BXML answering each event, ``None`` (204) for the others."""

    def on_callback(cb: Callback) -> Response | None:
        if cb.event in (CallbackEvent.INITIATE, CallbackEvent.ANSWER):
            return Response(SpeakSentence("Welcome to bwvoice."), MENU)
        if cb.event is CallbackEvent.GATHER:
            if cb.digits == "1":
                return Response(
                    SpeakSentence("Connecting you now."),
                    Transfer(PhoneNumber(transfer_to), transfer_complete_url="/transfer-complete"),
                )
            if cb.digits == "2":
                return Response(SpeakSentence("Thank you for trying bwvoice. Goodbye."), Hangup())
            return Response(SpeakSentence("Sorry, that is not an option."), MENU)
        if cb.event is CallbackEvent.TRANSFER_COMPLETE:
            return Response(SpeakSentence("Your call has ended. Goodbye."), Hangup())
        return None

    return on_callback


class QuietHandler(WSGIRequestHandler):
    """``wsgiref``'s handler without a log line per request on stderr."""

    def log_message(self, format: str, *args: object) -> None:
        """Drops the access log."""


class ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per request, so a slow caller does not hold up the others."""

    daemon_threads = True


def main(argv: list[str]) -> int:
    """Serves until SIGINT or SIGTERM; returns the exit status."""
    parser = argparse.ArgumentParser(description="IVR webhook app")
    parser.add_argument("--username", help="callback username (with --password)")
    parser.add_argument("--password", help="callback password (with --username)")
    parser.add_argument("--transfer-to", default="+15550000100", help="number option 1 dials")
    args = parser.parse_args(argv[1:])
    if (args.username is None) != (args.password is None):
        parser.error("give both --username and --password, or neither")

    app = wsgi_app(ivr(args.transfer_to), username=args.username, password=args.password)
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingServer, handler_class=QuietHandler
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
