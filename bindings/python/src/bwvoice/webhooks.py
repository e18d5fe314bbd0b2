"""Callback endpoints as WSGI and ASGI applications.

:func:`wsgi_app` and :func:`asgi_app` turn a handler into an application any
WSGI server (gunicorn, ``wsgiref``, uWSGI, Flask's ``app.wsgi_app``
mounting) or ASGI server (uvicorn, hypercorn, a Starlette ``Mount``) can
serve at the URL given to Bandwidth::

    from bwvoice import Callback, CallbackEvent
    from bwvoice.bxml import Response, SpeakSentence
    from bwvoice.webhooks import wsgi_app

    def on_callback(cb: Callback) -> Response | None:
        if cb.event is CallbackEvent.INITIATE:
            return Response(SpeakSentence(f"Hello {cb.from_}."))
        return None  # 204: Bandwidth ignores the body of the other events

    app = wsgi_app(on_callback, username="bw-user", password=secret, realm="voice")

Each request, in order:

1. With credentials set: a request without Basic credentials gets ``401``
   with ``WWW-Authenticate: Basic realm="<realm>"`` (Bandwidth's first,
   credential-less attempt), wrong ones ``403``; the library judges
   (:func:`~bwvoice.check_callback_auth`). Nothing is read before that.
2. A body over 64 KiB gets ``413``, without reading the rest; a method
   other than ``POST`` (JSON body) or ``GET`` (query string) gets ``405``.
3. A callback the library cannot read gets ``400`` with its message
   (``text/plain``), never a traceback.
4. The handler gets the :class:`~bwvoice.Callback` and returns a
   :class:`bwvoice.bxml.Response`, a ``str`` of BXML (sent as it is) or
   ``None``: ``200`` with ``application/xml; charset=utf-8``, or ``204``.
   An exception (or another return type) is logged to the ``bwvoice``
   logger and answered ``500`` with a generic text; the exception's text is
   never sent.

An ASGI handler may be ``async def``; a plain function runs in a worker
thread (:func:`asyncio.to_thread`), so it may block.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from . import _ffi
from .bxml import Response
from .callback import (
    Callback,
    CallbackAuth,
    challenge_header,
    check_callback_auth,
    parse_callback,
    parse_callback_query,
)
from .errors import BandwidthError, invalid
from .events import LOGGER

__all__ = ["MAX_BODY_BYTES", "Handler", "asgi_app", "wsgi_app"]

#: The largest body read: the library refuses longer callbacks
#: (``BW_MAX_CALLBACK_BYTES``), so a longer one is answered 413 unread.
MAX_BODY_BYTES: int = _ffi.BW_MAX_CALLBACK_BYTES

#: What a handler returns: a ``<Response>`` document, BXML text, or ``None`` (204).
HandlerResult = Optional[Union[Response, str]]
#: A callback handler (an ASGI one may also return an awaitable of the same).
Handler = Callable[[Callback], Any]

_XML = "application/xml; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def headers(self) -> list[tuple[str, str]]:
        headers = list(self.extra)
        if self.content_type is not None:
            headers.append(("Content-Type", self.content_type))
        headers.append(("Content-Length", str(len(self.body))))
        return headers


_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Internal Server Error",
}


def _text(status: int, message: str) -> _Reply:
    return _Reply(status, message.encode("utf-8") + b"\n", _TEXT)


_TOO_LARGE = _text(413, f"a callback is at most {MAX_BODY_BYTES} bytes")
_NOT_ALLOWED = _Reply(405, b"", None, (("Allow", "GET, POST"),))
_FAILED = _text(500, "the callback handler failed")


class _Endpoint:
    """What both adapters share: the credentials, the challenge and the replies."""

    def __init__(
        self, handler: Handler, username: str | None, password: str | None, realm: str
    ) -> None:
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        if (username is None) != (password is None):
            missing = "password" if password is None else "username"
            raise invalid(missing, "give both username and password, or neither")
        if username is not None and password is not None:
            check_callback_auth(None, username, password)  # refuses empty credentials now
        self.handler = handler
        self.credentials = None if username is None else (username, password or "")
        self.challenge = _Reply(401, b"", None, (("WWW-Authenticate", challenge_header(realm)),))

    def refusal(self, authorization: str | None) -> _Reply | None:
        """The reply to a request without the expected credentials, or ``None``."""
        if self.credentials is None:
            return None
        try:
            verdict = check_callback_auth(authorization, *self.credentials)
        except BandwidthError as error:  # a header C cannot carry (a NUL)
            return _text(400, str(error))
        if verdict is CallbackAuth.OK:
            return None
        return self.challenge if verdict is CallbackAuth.CHALLENGE else _Reply(403)

    @staticmethod
    def parse(method: str, body: bytes, query: bytes) -> Callback | _Reply:
        try:
            return parse_callback(body) if method == "POST" else parse_callback_query(query)
        except BandwidthError as error:
            return _text(400, str(error))

    @staticmethod
    def answer(result: object) -> _Reply:
        if result is None:
            return _Reply(204)
        try:
            if isinstance(result, Response):
                text = result.to_bxml()
            elif isinstance(result, str):
                text = result
            else:
                raise TypeError(
                    "a callback handler returns a bwvoice.bxml.Response, a str or None, "
                    f"not {type(result).__name__}"
                )
            return _Reply(200, text.encode("utf-8"), _XML)
        except Exception:
            LOGGER.exception("callback handler's answer cannot be sent")
            return _FAILED


def _declared_length(value: str | None) -> int | _Reply | None:
    """``Content-Length`` as a number; ``None`` when absent; a reply when it is unusable."""
    if value is None or value.strip() == "":
        return None
    if not value.strip().isdigit():
        return _text(400, "Content-Length is not a number")
    length = int(value)
    return _TOO_LARGE if length > MAX_BODY_BYTES else length


# --- WSGI --------------------------------------------------------------------------------

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_app(
    handler: Callable[[Callback], HandlerResult],
    *,
    username: str | None = None,
    password: str | None = None,
    realm: str = "bwvoice",
) -> WsgiApp:
    """A WSGI application answering Bandwidth's callbacks with ``handler``.

    With ``username`` and ``password`` (both, not empty) every request must
    carry them (see the module's documentation); ``realm`` goes into the
    challenge (ASCII without control characters, else
    :class:`~bwvoice.ValidationError` here).
    """
    endpoint = _Endpoint(handler, username, password, realm)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        reply = _wsgi_reply(endpoint, environ)
        start_response(f"{reply.status} {_REASONS[reply.status]}", reply.headers())
        return [reply.body]

    return app


def _wsgi_reply(endpoint: _Endpoint, environ: dict[str, Any]) -> _Reply:
    refusal = endpoint.refusal(environ.get("HTTP_AUTHORIZATION"))
    if refusal is not None:
        return refusal
    method = environ.get("REQUEST_METHOD", "GET")
    if method not in ("GET", "POST"):
        return _NOT_ALLOWED
    body = b""
    if method == "POST":
        read = _wsgi_body(environ)
        if isinstance(read, _Reply):
            return read
        body = read
    # PEP 3333: the query string is the request's bytes decoded as Latin-1.
    query = environ.get("QUERY_STRING", "").encode("latin-1")
    callback = endpoint.parse(method, body, query)
    if isinstance(callback, _Reply):
        return callback
    try:
        result = endpoint.handler(callback)
    except Exception:
        LOGGER.exception("callback handler failed (%s)", callback.event_type)
        return _FAILED
    return endpoint.answer(result)


def _wsgi_body(environ: dict[str, Any]) -> bytes | _Reply:
    length = _declared_length(environ.get("CONTENT_LENGTH"))
    if isinstance(length, _Reply):
        return length
    stream = environ["wsgi.input"]
    if length is None:
        # PEP 3333: without a length, read only from a stream the server ends.
        if not environ.get("wsgi.input_terminated"):
            return b""
        length = MAX_BODY_BYTES + 1
    chunks, received = [], 0
    while received < length:
        chunk = stream.read(min(length - received, 16384))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
        if received > MAX_BODY_BYTES:
            return _TOO_LARGE
    return b"".join(chunks)


# --- ASGI --------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def asgi_app(
    handler: Handler,
    *,
    username: str | None = None,
    password: str | None = None,
    realm: str = "bwvoice",
) -> AsgiApp:
    """An ASGI (3.0) application answering Bandwidth's callbacks with ``handler``.

    ``handler`` may be ``async def`` (awaited in the event loop) or a plain
    function (run in a worker thread). Credentials and ``realm`` as for
    :func:`wsgi_app`. Lifespan events are acknowledged; WebSocket
    connections are refused.
    """
    endpoint = _Endpoint(handler, username, password, realm)
    call = getattr(handler, "__call__", None)  # noqa: B004 -- an object's async __call__
    is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call)

    async def run(callback: Callback) -> object:
        if is_async:
            result = handler(callback)
        else:
            result = await asyncio.to_thread(handler, callback)
        return await result if inspect.isawaitable(result) else result

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        if kind != "http":  # a WebSocket: close it
            await send({"type": "websocket.close", "code": 1003})
            return
        reply = await _asgi_reply(endpoint, run, scope, receive)
        if reply is None:  # the client went away
            return
        headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in reply.headers()
        ]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    return app


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _asgi_reply(
    endpoint: _Endpoint,
    run: Callable[[Callback], Awaitable[object]],
    scope: Scope,
    receive: Receive,
) -> _Reply | None:
    refusal = endpoint.refusal(_header(scope, b"authorization"))
    if refusal is not None:
        return refusal
    method = scope.get("method", "GET")
    if method not in ("GET", "POST"):
        return _NOT_ALLOWED
    body = b""
    if method == "POST":
        read = await _asgi_body(scope, receive)
        if read is None or isinstance(read, _Reply):
            return read
        body = read
    callback = endpoint.parse(method, body, bytes(scope.get("query_string", b"")))
    if isinstance(callback, _Reply):
        return callback
    try:
        result = await run(callback)
    except Exception:
        LOGGER.exception("callback handler failed (%s)", callback.event_type)
        return _FAILED
    return endpoint.answer(result)


async def _asgi_body(scope: Scope, receive: Receive) -> bytes | _Reply | None:
    length = _declared_length(_header(scope, b"content-length"))
    if isinstance(length, _Reply):
        return length
    chunks, received = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        received += len(chunk)
        if received > MAX_BODY_BYTES:
            return _TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
