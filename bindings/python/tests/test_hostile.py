"""Against hostile servers: resets after the request, dot ids, echoed credentials.

Each test runs its own raw-socket HTTP server on 127.0.0.1 (:class:`Hostile`)
that follows a script: one action per request it reads in full, in order.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable, Union

import pytest

import bwvoice
from simulator import ACCOUNT

USER, SECRET = "user", "pw-Hq7xR2"
TOKEN = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
RESET = "reset"
IO_TIMEOUT = 10.0  # seconds; only so that a broken client cannot hang the server

#: What the server does with a request it read: send these bytes, reset the
#: connection (``RESET``), or call this with the request to get the bytes.
Action = Union[bytes, str, Callable[["Request"], bytes]]


@dataclass
class Request:
    """One HTTP request the server read in full."""

    connection: int
    head: str
    body: bytes

    @property
    def request_line(self) -> str:
        return self.head.split("\r\n", 1)[0]

    def header(self, name: str) -> str | None:
        for line in self.head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


@dataclass
class Hostile:
    """A loopback HTTP/1.1 server that answers request *n* with ``script[n]``.

    Requests past the end of the script are reset too.
    """

    script: list[Action]
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/v2"
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def client(self, **kwargs: Any) -> bwvoice.Client:
        """A Basic-auth client of this server with a short time budget."""
        options: dict[str, Any] = {
            "username": USER,
            "password": SECRET,
            "base_url": self.base_url,
            "connect_timeout": 5,
            "timeout": 5,
            **kwargs,
        }
        return bwvoice.Client(**options)

    def stop(self) -> None:
        """Stops accepting, waits for the connection threads, re-raises their errors."""
        # shutdown() wakes the blocked accept() on Linux; close() alone does not.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._acceptor.join(IO_TIMEOUT)
        for thread in self._threads:
            thread.join(IO_TIMEOUT)
        if self.errors:
            raise self.errors[0]

    # -- server side --

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
            thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        conn.settimeout(IO_TIMEOUT)
        reader = _Reader(conn)
        try:
            while True:
                request = reader.request(number)
                if request is None:  # the client closed the connection
                    return
                with self._lock:
                    index = len(self.requests)
                    self.requests.append(request)
                action = self.script[index] if index < len(self.script) else RESET
                if callable(action):
                    action = action(request)
                if action == RESET:
                    # Linger on with a zero timeout: close() sends RST, not FIN.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                assert isinstance(action, bytes)
                conn.sendall(action)
        except (ConnectionError, TimeoutError) as exc:
            self.errors.append(exc)
        except BaseException as exc:
            self.errors.append(exc)
            raise
        finally:
            conn.close()


class _Reader:
    """Reads whole HTTP/1.1 requests (Content-Length or chunked bodies) off a socket."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buf = b""

    def _fill(self) -> bool:
        data = self._conn.recv(65536)
        self._buf += data
        return bool(data)

    def _until(self, marker: bytes) -> bytes:
        while marker not in self._buf:
            if not self._fill():
                raise ConnectionError(f"EOF before {marker!r}: {self._buf!r}")
        head, _, self._buf = self._buf.partition(marker)
        return head

    def _exactly(self, size: int) -> bytes:
        while len(self._buf) < size:
            if not self._fill():
                raise ConnectionError(f"EOF in a body of {size} bytes")
        data, self._buf = self._buf[:size], self._buf[size:]
        return data

    def request(self, connection: int) -> Request | None:
        """The next request, or ``None`` on a clean EOF between requests."""
        while b"\r\n\r\n" not in self._buf:
            try:
                more = self._fill()
            except ConnectionResetError:
                more = False
            if not more:
                if self._buf:
                    raise ConnectionError(f"EOF inside a request head: {self._buf!r}")
                return None
        head = self._until(b"\r\n\r\n").decode("latin-1")
        request = Request(connection, head, b"")
        length = request.header("content-length")
        if length is not None:
            request.body = self._exactly(int(length))
        elif (request.header("transfer-encoding") or "").lower() == "chunked":
            chunks = []
            while size := int(self._until(b"\r\n").split(b";")[0], 16):
                chunks.append(self._exactly(size))
                self._exactly(2)
            self._until(b"\r\n")  # no trailers expected
            request.body = b"".join(chunks)
        return request


@pytest.fixture
def hostile() -> Iterator[Callable[..., Hostile]]:
    """Starts servers with the given script; stops them after the test."""
    servers: list[Hostile] = []

    def start(*script: Action) -> Hostile:
        server = Hostile(list(script))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def error_response(status: int, reason: str, body: dict[str, Any]) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


CALL_PATH = f"/api/v2/accounts/{ACCOUNT}/calls/c-1"


# -- 1. a redirect the server read is never sent again ------------------------


def test_redirect_reset_after_the_request_was_read_is_sent_once(
    hostile: Callable[..., Hostile],
) -> None:
    server = hostile(RESET)
    with server.client() as bw, pytest.raises(bwvoice.BandwidthError) as info:
        bw.redirect(ACCOUNT, "c-1", "https://app.example/next")
    err = info.value
    assert type(err) is bwvoice.BandwidthConnectionError, repr(err)
    assert err.status == "BW_ERR_CONNECT"
    assert (err.attempts, err.maybe_applied, err.http_status) == (1, True, None)
    assert [r.request_line for r in server.requests] == [f"POST {CALL_PATH} HTTP/1.1"]
    assert json.loads(server.requests[0].body) == {"redirectUrl": "https://app.example/next"}


def test_redirect_reset_on_a_reused_keep_alive_connection_is_sent_once(
    hostile: Callable[..., Hostile],
) -> None:
    server = hostile(OK, RESET)
    with server.client() as bw:
        bw.redirect(ACCOUNT, "c-1", "https://app.example/first")
        with pytest.raises(bwvoice.BandwidthError) as info:
            bw.redirect(ACCOUNT, "c-1", "https://app.example/second")
    err = info.value
    assert type(err) is bwvoice.BandwidthConnectionError, repr(err)
    assert (err.attempts, err.maybe_applied, err.http_status) == (1, True, None)
    assert len(server.requests) == 2
    # Both went over one connection: the second really was on a reused one.
    assert [r.connection for r in server.requests] == [1, 1]
    assert server.connections == 1
    assert json.loads(server.requests[1].body) == {"redirectUrl": "https://app.example/second"}


# -- 2. a hang-up is harmless to repeat: it is retried -------------------------


def test_hangup_reset_after_the_request_was_read_is_retried(
    hostile: Callable[..., Hostile],
) -> None:
    not_found = error_response(
        404, "Not Found", {"type": "not-found", "description": "gone", "id": "n-1"}
    )
    server = hostile(RESET, not_found)
    with server.client() as bw, pytest.raises(bwvoice.BandwidthError) as info:  # 3 attempts
        bw.hangup(ACCOUNT, "c-1")
    err = info.value
    assert type(err) is bwvoice.NotFoundError, repr(err)
    assert (err.http_status, err.attempts) == (404, 2)
    # The 404 does not undo the first attempt, which the server may have acted on.
    assert err.maybe_applied is True
    assert len(server.requests) == 2
    for request in server.requests:
        assert request.request_line == f"POST {CALL_PATH} HTTP/1.1"
        assert request.body == b'{"state":"completed"}'


# -- 3. dot segments are not ids -----------------------------------------------


@pytest.mark.parametrize("dots", [".", ".."])
@pytest.mark.parametrize(
    ("field", "call"),
    [
        ("call_id", lambda bw, d: bw.redirect(ACCOUNT, d, "https://app.example/next")),
        ("call_id", lambda bw, d: bw.hangup(ACCOUNT, d)),
        ("call_id", lambda bw, d: bw.modify_call(ACCOUNT, d, state="completed")),
        ("account_id", lambda bw, d: bw.redirect(d, "c-1", "https://app.example/next")),
        ("account_id", lambda bw, d: bw.hangup(d, "c-1")),
    ],
)
def test_dot_ids_are_refused_before_sending(
    hostile: Callable[..., Hostile],
    field: str,
    call: Callable[[bwvoice.Client, str], None],
    dots: str,
) -> None:
    server = hostile(OK)
    with server.client() as bw:
        with pytest.raises(bwvoice.BandwidthError) as info:
            call(bw, dots)
        err = info.value
        assert type(err) is bwvoice.ValidationError, repr(err)
        assert (err.field, err.attempts, err.maybe_applied) == (field, 0, False)
        # A request that follows is the first one the server reads.
        bw.hangup(ACCOUNT, "c-1")
    assert [r.request_line for r in server.requests] == [f"POST {CALL_PATH} HTTP/1.1"]


# -- 4. echoed credentials and control characters never reach an exception -----


def every_text(err: bwvoice.BandwidthError) -> list[str]:
    """str(), repr(), args and every string attribute of the exception."""
    texts = [str(err), repr(err), *map(str, err.args)]
    texts += [v for v in vars(err).values() if isinstance(v, str)]
    return texts


def echo(request: Request, status: int, reason: str) -> bytes:
    """An error whose description echoes the request's Authorization header."""
    authorization = request.header("authorization")
    assert authorization == f"Basic {TOKEN}"  # the server did see the secret
    description = f"echo: Authorization: {authorization} password={SECRET}"
    return error_response(
        status, reason, {"type": "validation", "description": description, "id": "x"}
    )


@pytest.mark.parametrize(
    ("status", "reason", "exc_type"),
    [
        (400, "Bad Request", bwvoice.BadRequestError),
        (401, "Unauthorized", bwvoice.AuthenticationError),
    ],
)
def test_echoed_credentials_are_redacted(
    hostile: Callable[..., Hostile],
    status: int,
    reason: str,
    exc_type: type[bwvoice.BandwidthError],
) -> None:
    server = hostile(*[lambda r: echo(r, status, reason)] * 3)
    with server.client() as bw, pytest.raises(bwvoice.BandwidthError) as info:
        bw.redirect(ACCOUNT, "c-1", "https://app.example/next")
    err = info.value
    assert type(err) is exc_type, repr(err)
    assert (err.http_status, err.error_type, err.error_id) == (status, "validation", "x")
    assert len(server.requests) == err.attempts >= 1
    for text in every_text(err):
        assert SECRET not in text, text
        assert TOKEN not in text, text
    assert err.description is not None
    assert "Authorization: Basic <redacted>" in err.description
    assert err.description.startswith("echo: Authorization: Basic <redacted>")
    assert "echo: Authorization: Basic <redacted>" in err.message


@pytest.mark.parametrize("status", [400, 401])
def test_control_characters_in_error_text_become_spaces(
    hostile: Callable[..., Hostile], status: int
) -> None:
    body = {"type": "validation", "description": "a\r\nb\x1b[2J", "id": "x"}
    server = hostile(error_response(status, "Nope", body))
    with server.client() as bw, pytest.raises(bwvoice.BandwidthError) as info:
        bw.redirect(ACCOUNT, "c-1", "https://app.example/next")
    err = info.value
    assert err.http_status == status
    assert err.description == "a  b [2J"
    for text in [err.message, *(v for v in vars(err).values() if isinstance(v, str))]:
        assert not any(ch < " " or ch == "\x7f" for ch in text), repr(text)
    assert "a  b [2J" in err.message
