"""The IVR webhook app in C, C++, Python and Go, driven with real HTTP callbacks.

Each app runs as its own process on loopback. The same requests go to each;
the answers are checked against the documents below, so they all answer
the same bytes, and the library's checker accepts every one of them.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import demo_ivr
import pytest

from bwvoice.bxml import check_bxml
from conftest import Started, command, variants

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
PROLOG = '<?xml version="1.0" encoding="UTF-8"?>'
MENU = (
    '<Gather gatherUrl="/gather" maxDigits="1"><SpeakSentence>'
    "Press 1 to talk to someone, or 2 to hear a message.</SpeakSentence></Gather>"
)
WELCOME = f"{PROLOG}<Response><SpeakSentence>Welcome to bwvoice.</SpeakSentence>{MENU}</Response>"
NOT_AN_OPTION = (
    f"{PROLOG}<Response><SpeakSentence>Sorry, that is not an option.</SpeakSentence>"
    f"{MENU}</Response>"
)
GOODBYE = (
    f"{PROLOG}<Response><SpeakSentence>Thank you for trying bwvoice. Goodbye.</SpeakSentence>"
    "<Hangup/></Response>"
)
ENDED = (
    f"{PROLOG}<Response><SpeakSentence>Your call has ended. Goodbye.</SpeakSentence>"
    "<Hangup/></Response>"
)


def transfer(to: str) -> str:
    """The answer to "1": a transfer to `to`."""
    return (
        f"{PROLOG}<Response><SpeakSentence>Connecting you now.</SpeakSentence>"
        f'<Transfer transferCompleteUrl="/transfer-complete"><PhoneNumber>{to}</PhoneNumber>'
        "</Transfer></Response>"
    )


def event(event_type: str, **fields: str) -> dict[str, str]:
    """A callback body as Bandwidth sends it (the fields every call event carries)."""
    body = {
        "eventType": event_type,
        "eventTime": "2026-12-08T10:00:00.123Z",
        "accountId": "9900000",
        "applicationId": "ivr-app",
        "from": "+15551110000",
        "to": "+15552220000",
        "direction": "inbound",
        "callId": "c-ivr-1",
        "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/c-ivr-1",
        "startTime": "2026-12-08T10:00:00.000Z",
    }
    body.update(fields)
    return body


def basic(username: str, password: str) -> str:
    """An Authorization header value."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


AUTHORIZED = basic(demo_ivr.USERNAME, demo_ivr.PASSWORD)


class Answer:
    """What an app answered: status, headers, body."""

    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8")


def send(
    url: str,
    body: Any = None,
    *,
    method: str = "POST",
    authorization: str | None = AUTHORIZED,
    raw: bytes | None = None,
) -> Answer:
    """Sends one request: `body` as JSON (or `raw` bytes) with the given Authorization."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if authorization is not None:
        req.add_header("Authorization", authorization)
    try:
        with OPENER.open(req, timeout=30) as resp:
            return Answer(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.headers, err.read())


#: Authorized callbacks and the BXML each must get (None: 204, no body).
CASES: list[tuple[str, str, dict[str, str], str | None]] = [
    ("initiate", "/answer", event("initiate"), WELCOME),
    ("answer", "/answer", event("answer", answerTime="2026-12-08T10:00:01.000Z"), WELCOME),
    (
        "gather 1",
        "/gather",
        event("gather", digits="1", terminatingDigit=""),
        transfer("+15550000100"),
    ),
    ("gather 2", "/gather", event("gather", digits="2", terminatingDigit=""), GOODBYE),
    ("gather 9", "/gather", event("gather", digits="9", terminatingDigit=""), NOT_AN_OPTION),
    ("gather timeout", "/gather", event("gather", digits="", terminatingDigit=""), NOT_AN_OPTION),
    ("gather no digits", "/gather", event("gather"), NOT_AN_OPTION),
    (
        "transferComplete",
        "/transfer-complete",
        event("transferComplete", transferTo="+15550000100", cause="hangup"),
        ENDED,
    ),
    ("disconnect", "/disconnect", event("disconnect", cause="hangup"), None),
    ("unknown event", "/answer", event("somethingNew"), None),
]


@pytest.mark.parametrize("variant", variants())
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_answers(
    apps: dict[str, demo_ivr.App], variant: str, case: tuple[str, str, dict[str, str], str | None]
) -> None:
    """Each event gets its BXML (or 204), which the library's checker accepts."""
    name, path, body, want = case
    answer = send(apps[variant].url + path, body)
    if want is None:
        assert (answer.status, answer.body) == (204, b""), name
        return
    assert answer.status == 200, (name, answer.text)
    assert answer.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert answer.text == want
    check_bxml(answer.text)  # the library's own checker, Response kind


@pytest.mark.parametrize("variant", variants())
def test_get_callback_from_the_query_string(apps: dict[str, demo_ivr.App], variant: str) -> None:
    """A GET callback is read from its query string."""
    query = urllib.parse.urlencode(event("gather", digits="2", terminatingDigit="#"))
    answer = send(f"{apps[variant].url}/gather?{query}", method="GET")
    assert (answer.status, answer.text) == (200, GOODBYE)


@pytest.mark.parametrize("variant", variants())
def test_challenge_then_refusal(apps: dict[str, demo_ivr.App], variant: str) -> None:
    """No credentials: 401 with the library's challenge; wrong ones: 403."""
    url = apps[variant].url + "/answer"
    # Bandwidth's first attempt carries no credentials: the challenge.
    first = send(url, event("initiate"), authorization=None)
    assert (first.status, first.body) == (401, b"")
    assert first.headers["WWW-Authenticate"] == 'Basic realm="bwvoice"'
    # Another scheme is not Basic credentials: challenged too.
    assert send(url, event("initiate"), authorization="Bearer abc").status == 401
    wrong = send(url, event("initiate"), authorization=basic(demo_ivr.USERNAME, "wrong"))
    assert (wrong.status, "WWW-Authenticate" in wrong.headers) == (403, False)
    assert send(url, event("initiate"), authorization="Basic !!!").status == 403
    # The credentials come before anything else: a bad body is not read.
    assert send(url, raw=b"{", authorization=None).status == 401
    assert send(url, method="GET", authorization=None).status == 401


@pytest.mark.parametrize("variant", variants())
def test_malformed_callbacks(apps: dict[str, demo_ivr.App], variant: str) -> None:
    """A callback the library cannot read: 400 with its message; another method: 405."""
    url = apps[variant].url + "/answer"
    not_json = send(url, raw=b'{"eventType": ')
    assert not_json.status == 400
    assert not_json.headers["Content-Type"].startswith("text/plain")
    assert "not JSON" in not_json.text
    empty = send(url, raw=b"")
    assert (empty.status, "not JSON" in empty.text) == (400, True), empty.text
    no_event = send(url, {"callId": "c-1"})
    assert no_event.status == 400
    assert "eventType" in no_event.text or "event_type" in no_event.text, no_event.text
    bad_time = send(url, event("initiate", eventTime="yesterday"))
    assert bad_time.status == 400 and "RFC 3339" in bad_time.text, bad_time.text
    no_query = send(url, method="GET")
    assert no_query.status == 400, no_query.text
    assert send(url, event("initiate"), method="PUT").status == 405


def oversize(url: str, size: int, authorization: str | None = AUTHORIZED) -> int:
    """POSTs a body of `size` bytes; the status.

    An app may answer before reading the whole body and close the
    connection, so the request's own sending may fail: the answer is read
    either way.
    """
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        headers = {"Content-Type": "application/json", "Content-Length": str(size)}
        if authorization:
            headers["Authorization"] = authorization
        head, tail = b'{"eventType":"initiate","pad":"', b'"}'
        body = head + b"x" * (size - len(head) - len(tail)) + tail
        assert len(body) == size
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request("POST", parts.path or "/answer", body=body, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.parametrize("variant", variants())
def test_body_size_limit(apps: dict[str, demo_ivr.App], variant: str) -> None:
    """A body over BW_MAX_CALLBACK_BYTES: 413 (after the credentials); at the limit: read."""
    url = apps[variant].url + "/answer"
    limit = 65536  # BW_MAX_CALLBACK_BYTES
    assert oversize(url, limit + 1) == 413
    assert oversize(url, 4 * limit) == 413
    assert oversize(url, limit + 1, authorization=None) == 401
    # At the limit the body is read: valid JSON, so the event is answered.
    assert oversize(url, limit) == 200


def test_same_bytes_in_every_language(apps: dict[str, demo_ivr.App]) -> None:
    """Every request to every app: the same status, challenge and body."""
    seen: dict[str, set[tuple[int, str | None, bytes]]] = {}
    requests: list[tuple[str, str, dict[str, Any]]] = [
        (name, path, {"body": body}) for name, path, body, _ in CASES
    ]
    requests += [
        ("challenge", "/answer", {"body": event("initiate"), "authorization": None}),
        ("refused", "/answer", {"body": event("initiate"), "authorization": "Basic eDp5"}),
        ("get", "/gather?eventType=gather&digits=1", {"method": "GET"}),
    ]
    for name, path, kwargs in requests:
        for app in apps.values():
            answer = send(app.url + path, **kwargs)
            challenge = answer.headers.get("WWW-Authenticate")
            seen.setdefault(name, set()).add((answer.status, challenge, answer.body))
    differing = {name: answers for name, answers in seen.items() if len(answers) != 1}
    assert not differing


@pytest.mark.parametrize("variant", variants())
def test_without_credentials_and_another_number(start: Started, variant: str) -> None:
    """Without --username/--password nothing is checked; --transfer-to is dialled."""
    app = start(variant, "--transfer-to", "+15557654321")
    answer = send(app.url + "/gather", event("gather", digits="1"), authorization=None)
    assert (answer.status, answer.text) == (200, transfer("+15557654321"))
    # Credentials a caller sends anyway are not looked at.
    assert send(app.url + "/answer", event("initiate")).text == WELCOME


@pytest.mark.parametrize("variant", variants())
def test_usage_errors(go_app: Path, variant: str) -> None:
    """Half the credentials or an unknown option: exit 2 before listening."""
    for args in (["--username", "only"], ["--password", "only"], ["--nonsense"]):
        proc = subprocess.run(
            command(variant, *args),
            env=demo_ivr.app_env(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stdout == b"", args
