"""bwvoice.webhooks under real servers: wsgiref's and uvicorn, on 127.0.0.1."""

from __future__ import annotations

import base64
import http.client
import importlib.util
import json
import logging
import socket
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any, Callable
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

import bwvoice
from bwvoice import Callback, CallbackEvent
from bwvoice.bxml import Bxml, Hangup, Response, SpeakSentence
from bwvoice.webhooks import MAX_BODY_BYTES, asgi_app, wsgi_app

# requirements-dev.txt installs uvicorn; without it only the ASGI tests skip.
HAVE_UVICORN = importlib.util.find_spec("uvicorn") is not None
if HAVE_UVICORN:
    import uvicorn
NEEDS_UVICORN = pytest.mark.skipif(not HAVE_UVICORN, reason="uvicorn is not installed")

USER, SECRET = "bw-user", "s3cr:et"
INITIATE = json.dumps(
    {"eventType": "initiate", "callId": "c-1", "from": "+15555550100", "to": "+15555550199"}
).encode()
Serve = Callable[..., str]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(params=["wsgi", pytest.param("asgi", marks=NEEDS_UVICORN)])
def serve(request: pytest.FixtureRequest) -> Iterator[Serve]:
    """Starts ``handler`` (and the app's options) under a real server; gives its URL."""
    stops: list[Callable[[], None]] = []

    def start(handler: Callable[[Callback], Any], **options: Any) -> str:
        if request.param == "wsgi":
            server = make_server("127.0.0.1", 0, wsgi_app(handler, **options), handler_class=_Quiet)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            port = server.server_port

            def stop() -> None:
                server.shutdown()
                server.server_close()
                thread.join(10)

        else:
            # Listening before the server runs: requests wait in the backlog.
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sock.listen(16)
            port = sock.getsockname()[1]
            config = uvicorn.Config(
                asgi_app(handler, **options), log_config=None, access_log=False, lifespan="on"
            )
            uv = uvicorn.Server(config)
            thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()

            def stop() -> None:
                uv.should_exit = True
                thread.join(10)
                sock.close()

        stops.append(stop)
        return f"http://127.0.0.1:{port}"

    yield start
    for stop in stops:
        stop()


def call(
    url: str,
    method: str = "POST",
    path: str = "/callbacks",
    body: bytes | None = INITIATE,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def greet(cb: Callback) -> Response | None:
    if cb.event is CallbackEvent.INITIATE:
        return Response(SpeakSentence(f"Hello {cb.from_} <&>"), Hangup())
    return None


def test_answers_bxml(serve: Serve) -> None:
    url = serve(greet)
    status, headers, body = call(url)
    assert status == 200
    assert headers["Content-Type"] == "application/xml; charset=utf-8"
    assert body.decode() == Response(SpeakSentence("Hello +15555550100 <&>"), Hangup()).to_bxml()
    assert b"&lt;&amp;&gt;" in body


def test_none_is_204_and_str_is_sent_as_is(serve: Serve) -> None:
    assert call(serve(greet), body=b'{"eventType": "disconnect"}')[0] == 204
    bxml = '<?xml version="1.0" encoding="UTF-8"?><Response><Pause duration="1"/></Response>'
    status, headers, body = call(serve(lambda cb: bxml))
    assert (status, body.decode()) == (200, bxml)
    assert headers["Content-Type"] == "application/xml; charset=utf-8"


def test_get_reads_the_query_string(serve: Serve) -> None:
    seen: list[Callback] = []

    def handler(cb: Callback) -> None:
        seen.append(cb)

    url = serve(handler)
    status, _, _ = call(url, "GET", "/cb?eventType=gather&digits=12%23&tag=a+b", body=None)
    assert status == 204
    assert len(seen) == 1
    assert (seen[0].event, seen[0].digits, seen[0].tag) == (CallbackEvent.GATHER, "12#", "a b")


def test_parse_errors_are_400_with_the_message(serve: Serve) -> None:
    url = serve(greet)
    for body, message in [
        (b"[1]", "callback body is not a JSON object"),
        (b"{}", "callback body has no eventType"),
        (b'{"eventType": "answer", "channels": "two"}', "callback channels"),
    ]:
        status, headers, text = call(url, body=body)
        assert status == 400, body
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert text.decode().startswith(message)
        assert b"Traceback" not in text
    status, _, text = call(url, "GET", "/cb?callId=c-1", body=None)
    assert (status, text) == (400, b"callback query has no eventType\n")


def test_other_methods_are_405(serve: Serve) -> None:
    status, headers, _ = call(serve(greet), "PUT")
    assert status == 405
    assert headers["Allow"] == "GET, POST"


def test_large_bodies_are_413_unread(serve: Serve) -> None:
    url = serve(greet)
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        # Only the headers: the answer must come without the body being read.
        conn.putrequest("POST", "/callbacks")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
        assert b"65536" in response.read()
    finally:
        conn.close()
    # The largest body the library reads still reaches it.
    padded = b'{"eventType": "initiate", "from": "x", "pad": "' + b"p" * MAX_BODY_BYTES
    padded = padded[: MAX_BODY_BYTES - 2] + b'"}'
    assert len(padded) == MAX_BODY_BYTES
    assert call(url, body=padded)[0] == 200


def test_handler_failures_are_500_without_details(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(cb: Callback) -> None:
        raise RuntimeError("database password is hunter2")

    with caplog.at_level(logging.ERROR, logger="bwvoice"):
        status, headers, body = call(serve(broken))
        assert status == 500
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert body == b"the callback handler failed\n"
        wrong_type = call(serve(lambda cb: Bxml(Hangup())))
        assert wrong_type[0] == 500 and b"Bxml" not in wrong_type[2]
    failures = [r for r in caplog.records if r.name == "bwvoice"]
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in failures)
    assert any(r.exc_info and "bwvoice.bxml.Response" in str(r.exc_info[1]) for r in failures)


def test_challenge_flow(serve: Serve) -> None:
    url = serve(greet, username=USER, password=SECRET, realm="voice")
    # Bandwidth's first attempt carries no credentials: 401 with the challenge.
    status, headers, body = call(url)
    assert (status, body) == (401, b"")
    assert headers["WWW-Authenticate"] == 'Basic realm="voice"'
    # Then it sends them.
    status, _, body = call(url, headers=basic(USER, SECRET))
    assert status == 200 and b"<SpeakSentence>" in body
    # Wrong or malformed ones: 403, no challenge.
    for wrong in [basic(USER, "nope"), basic("x", SECRET), {"Authorization": "Basic ???"}]:
        status, headers, _ = call(url, headers=wrong)
        assert status == 403
        assert "WWW-Authenticate" not in headers
    # Another scheme: challenged.
    assert call(url, headers={"Authorization": "Bearer abc"})[0] == 401


def test_challenge_flow_with_urllib(serve: Serve) -> None:
    url = serve(greet, username=USER, password=SECRET, realm="voice")
    passwords = urllib.request.HTTPPasswordMgr()
    passwords.add_password("voice", url, USER, SECRET)
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords))
    request = urllib.request.Request(f"{url}/callbacks", data=INITIATE, method="POST")
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
        assert b"Hello +15555550100" in response.read()


def test_credentials_checked_before_parsing(serve: Serve) -> None:
    url = serve(greet, username=USER, password=SECRET)
    status, headers, _ = call(url, body=b"not json")
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Basic realm="bwvoice"'
    assert call(url, body=b"not json", headers=basic(USER, SECRET))[0] == 400


@NEEDS_UVICORN
def test_async_handler_under_uvicorn() -> None:
    seen: list[str] = []

    async def handler(cb: Callback) -> str:
        seen.append(cb.event_type)
        return str(Response(Hangup()))

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    config = uvicorn.Config(asgi_app(handler), log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        status, _, body = call(f"http://127.0.0.1:{sock.getsockname()[1]}")
        assert status == 200 and b"<Hangup/>" in body
        assert seen == ["initiate"]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.mark.parametrize("make", [wsgi_app, asgi_app])
def test_options_checked_when_made(make: Callable[..., Any]) -> None:
    for options, field in [
        ({"username": USER}, "password"),
        ({"password": SECRET}, "username"),
        ({"username": USER, "password": ""}, "password"),
        ({"username": "", "password": SECRET}, "username"),
        ({"realm": "caf\u00e9"}, "realm"),
    ]:
        with pytest.raises(bwvoice.ValidationError) as caught:
            make(greet, **options)
        assert caught.value.field == field, options
        assert SECRET not in str(caught.value)
    with pytest.raises(TypeError):
        make("not callable")
