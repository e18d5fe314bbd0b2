"""Bad input raises a Python exception before anything is sent, never a crash."""

from __future__ import annotations

import math
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest

import bwvoice
from simulator import ACCOUNT, PASSWORD, USERNAME, Simulator

URL = "https://app.example/next"


@pytest.fixture
def silent(sim: Simulator, client: bwvoice.Client) -> Iterator[bwvoice.Client]:
    """The client; after the test, checks that nothing reached the simulator."""
    yield client
    assert sim.requests() == []


def invalid(field: str, call: Any, *args: Any, **kwargs: Any) -> bwvoice.ValidationError:
    with pytest.raises(bwvoice.ValidationError) as info:
        call(*args, **kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.field, err.status, err.status_code) == (field, "BW_ERR_INVALID_ARGUMENT", 1)
    assert (err.http_status, err.attempts) == (None, 0)
    return err


# Checked by the native library.
@pytest.mark.parametrize(
    ("field", "args", "kwargs"),
    [
        ("account_id", ("", "c-1"), {"redirect_url": URL}),
        ("call_id", (ACCOUNT, ""), {"redirect_url": URL}),
        ("redirect_url", (ACCOUNT, "c-1"), {}),
        ("tag", (ACCOUNT, "c-1"), {"redirect_url": URL, "tag": "x" * 5000}),
        ("tag", (ACCOUNT, "c-1"), {"state": "completed", "tag": "t"}),
        ("redirect_url", (ACCOUNT, "c-1"), {"state": "completed", "redirect_url": URL}),
        ("username", (ACCOUNT, "c-1"), {"redirect_url": URL, "username": "u" * 1025}),
    ],
)
def test_library_validation(
    silent: bwvoice.Client, field: str, args: tuple[str, str], kwargs: dict[str, Any]
) -> None:
    invalid(field, silent.modify_call, *args, **kwargs)


def test_tag_limit_counts_characters_not_bytes(sim: Simulator, client: bwvoice.Client) -> None:
    call_id = sim.create_call()
    client.redirect(ACCOUNT, call_id, f"{sim.url}/sim/app/x", tag="é" * 4096)
    assert sim.call(call_id)["tag"] == "é" * 4096


# Values C cannot carry: rejected by the binding.
@pytest.mark.parametrize(
    ("field", "args", "kwargs"),
    [
        ("account_id", ("99\x0000", "c-1"), {"redirect_url": URL}),
        ("tag", (ACCOUNT, "c-1"), {"redirect_url": URL, "tag": "a\x00b"}),
        ("fallback_password", (ACCOUNT, "c-1"), {"redirect_url": URL, "fallback_password": "\0"}),
        ("tag", (ACCOUNT, "c-1"), {"redirect_url": URL, "tag": "lone \ud800 surrogate"}),
        ("state", (ACCOUNT, "c-1"), {"state": "paused", "redirect_url": URL}),
        ("redirect_method", (ACCOUNT, "c-1"), {"redirect_url": URL, "redirect_method": "PUT"}),
        (
            "redirect_fallback_method",
            (ACCOUNT, "c-1"),
            {"redirect_url": URL, "redirect_fallback_method": " post"},
        ),
        ("timeout", (ACCOUNT, "c-1"), {"redirect_url": URL, "timeout": 0}),
        ("timeout", (ACCOUNT, "c-1"), {"redirect_url": URL, "timeout": math.nan}),
        ("timeout", (ACCOUNT, "c-1"), {"redirect_url": URL, "timeout": 5_000_000}),
        ("timeout", (ACCOUNT, "c-1"), {"redirect_url": URL, "timeout": 10**400}),
        ("timeout", (ACCOUNT, "c-1"), {"redirect_url": URL, "timeout": -math.inf}),
    ],
)
def test_binding_validation(
    silent: bwvoice.Client, field: str, args: tuple[str, str], kwargs: dict[str, Any]
) -> None:
    invalid(field, silent.modify_call, *args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((None, "c-1"), {"redirect_url": URL}),
        ((9900000, "c-1"), {"redirect_url": URL}),
        ((ACCOUNT, b"c-1"), {"redirect_url": URL}),
        ((ACCOUNT, "c-1"), {"redirect_url": b"https://app.example/"}),
        ((ACCOUNT, "c-1"), {"redirect_url": URL, "tag": 7}),
        ((ACCOUNT, "c-1"), {"redirect_url": URL, "state": 1}),
        ((ACCOUNT, "c-1"), {"redirect_url": URL, "timeout": "5"}),
    ],
)
def test_wrong_types_raise_type_error(
    silent: bwvoice.Client, args: tuple[Any, Any], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        silent.modify_call(*args, **kwargs)


def test_wrong_types_in_redirect_and_hangup(silent: bwvoice.Client) -> None:
    with pytest.raises(TypeError):
        silent.redirect(ACCOUNT, "c-1", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        silent.hangup(ACCOUNT, None)  # type: ignore[arg-type]
    invalid("call_id", silent.hangup, ACCOUNT, "")


# Client options.
@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("username", {}),
        ("password", {"username": USERNAME}),
        (
            "client_id",
            {"username": USERNAME, "password": PASSWORD, "client_id": "c", "client_secret": "s"},
        ),
        ("base_url", {"base_url": "http://voice.example.com/api/v2"}),
        ("token_url", {"client_id": "c", "client_secret": "s", "token_url": "ftp://x/"}),
        ("ca_file", {"ca_file": pathlib.Path("/nonexistent/ca.pem")}),
        ("ca_file", {"tls_roots": "system", "ca_file": "/etc/hostname"}),
        ("proxy", {"proxy": "http://127.0.0.1:3128", "proxy_from_env": True}),
        ("user_agent_suffix", {"user_agent_suffix": "caf\u00e9"}),
        ("tls_roots", {"tls_roots": "none"}),
        ("timeout", {"timeout": 0}),
        ("connect_timeout", {"connect_timeout": -1}),
        ("max_attempts", {"max_attempts": 0}),
        ("retry_budget", {"retry_budget": 0}),  # C reads 0 as the default: None is that
        ("retry_budget", {"retry_budget": -1}),
        ("retry_budget", {"retry_budget": 2**32}),
        ("password", {"username": USERNAME, "password": "p\x00ss"}),
    ],
)
def test_invalid_client_options(field: str, kwargs: dict[str, Any]) -> None:
    if "username" not in kwargs and "client_id" not in kwargs and field != "username":
        kwargs = {"username": USERNAME, "password": PASSWORD, **kwargs}
    invalid(field, bwvoice.Client, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 2.0},
        {"connect_timeout": "1"},
        {"retry_non_idempotent": 1},
        {"proxy_from_env": None},
        {"tls_roots": 0},
        {"ca_file": b"/etc/ssl/ca.pem"},
        {"retry_budget": 10.0},
        {"retry_budget": True},
        {"on_event": "print"},
    ],
)
def test_client_option_types(kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        bwvoice.Client(username=USERNAME, password=PASSWORD, **kwargs)


def test_every_option_is_accepted(sim: Simulator) -> None:
    with bwvoice.Client(
        username=USERNAME,
        password=PASSWORD,
        base_url=sim.api_url,
        connect_timeout=0.5,
        timeout=2.5,
        max_attempts=2,
        retry_non_idempotent=True,
        tls_roots="SYSTEM",  # type: ignore[arg-type]  # names are case-insensitive
        proxy=None,
        proxy_from_env=False,
        user_agent_suffix="tests",
        retry_budget=bwvoice.RETRY_BUDGET_OFF,
        on_event=lambda event: None,
    ) as bw:
        bw.hangup(ACCOUNT, sim.create_call())
    with bwvoice.Client(
        client_id="c", client_secret="s", token_url=sim.token_url, proxy_from_env=True
    ):
        pass


# -- per-call timeout, on every operation ---------------------------------------

#: Every operation's other positional arguments, after the account and call ids.
OPERATIONS: dict[str, tuple[Any, ...]] = {
    "modify_call": (),
    "redirect": (URL,),
    "hangup": (),
    "get_call_state": (),
    "update_call_bxml": ("<Bxml/>",),
    "pause_recording": (),
    "resume_recording": (),
}
every = pytest.mark.parametrize("op", list(OPERATIONS))


def operation(bw: bwvoice.Client, op: str, call_id: str, account_id: str = ACCOUNT) -> Any:
    """``bw.<op>`` with its ids and other arguments bound; call it with keywords."""
    kwargs = {"redirect_url": URL} if op == "modify_call" else {}
    method = getattr(bw, op)
    return lambda **kw: method(account_id, call_id, *OPERATIONS[op], **kwargs, **kw)


@every
@pytest.mark.parametrize(
    "timeout",
    [0, 0.0, -1, -0.001, math.nan, -math.inf, math.inf, 5_000_000, 10**400],
    ids=repr,
)
def test_per_call_timeout_must_be_positive_and_fit(
    silent: bwvoice.Client, op: str, timeout: float
) -> None:
    err = invalid("timeout", operation(silent, op, "c-1"), timeout=timeout)
    assert "timeout" in err.message


@every
@pytest.mark.parametrize("timeout", ["5", True, b"1", [1]], ids=repr)
def test_per_call_timeout_must_be_a_number(silent: bwvoice.Client, op: str, timeout: Any) -> None:
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        operation(silent, op, "c-1")(timeout=timeout)


@every
def test_timeout_is_keyword_only(silent: bwvoice.Client, op: str) -> None:
    with pytest.raises(TypeError):
        getattr(silent, op)(ACCOUNT, "c-1", *OPERATIONS[op], 5)


@every
def test_a_tiny_per_call_timeout_is_not_the_default(sim: Simulator, op: str) -> None:
    # 1 ns rounds up to 1 ms: 0 would mean "the client's" (here 30 s, which
    # would outlast the delay and succeed).
    call_id = sim.create_call(recording=True)
    sim.fault(call_id, delayMs=5000)
    client = bwvoice.Client(username=USERNAME, password=PASSWORD, base_url=sim.api_url)
    with client as bw, pytest.raises(bwvoice.BandwidthTimeoutError):
        operation(bw, op, call_id)(timeout=1e-9)


@every
@pytest.mark.parametrize(
    ("field", "account_id", "call_id"),
    [("account_id", "", "c-1"), ("call_id", ACCOUNT, ""), ("call_id", ACCOUNT, "..")],
)
def test_ids_are_checked_by_the_library_for_every_operation(
    silent: bwvoice.Client, op: str, field: str, account_id: str, call_id: str
) -> None:
    invalid(field, operation(silent, op, call_id, account_id))


@every
@pytest.mark.parametrize(
    "ids", [(None, "c-1"), (ACCOUNT, None), (ACCOUNT, b"c-1"), (9900000, "c-1")], ids=repr
)
def test_wrong_id_types_in_every_operation(
    silent: bwvoice.Client, op: str, ids: tuple[Any, Any]
) -> None:
    with pytest.raises(TypeError):
        getattr(silent, op)(*ids, *OPERATIONS[op])


# -- update_call_bxml -----------------------------------------------------------


@pytest.mark.parametrize(
    ("bxml", "message"),
    [
        ("<Bxml><SpeakSentence>hi</Bxml>", "not well-formed XML at line 1, column 24"),
        ("<Bxml>\n  <SpeakSentence>hi\n</Bxml>\n", "not well-formed XML at line 3, column 1"),
        (
            "<Bxml><SpeakSentence>Tom & Jerry</SpeakSentence></Bxml>",
            "line 1, column 26: malformed entity reference",
        ),
        ("", "not well-formed XML at line 1, column 1"),
        ("   ", "not well-formed XML"),
        ("<Bxml/><Bxml/>", "not well-formed XML at line 1, column 8"),
        (
            "<Response><Hangup/></Response>",
            "root element is <Response>; updateCallBxml needs <Bxml>",
        ),
        ("<bxml/>", "root element is <bxml>; updateCallBxml needs <Bxml>"),
        ('<b:Bxml xmlns:b="urn:x"/>', "root element"),
        ('<!DOCTYPE Bxml [<!ENTITY a "b">]><Bxml>&a;</Bxml>', "not well-formed XML"),
        ("<Bxml>" + "x" * 65530 + "</Bxml>", "bxml is 65543 bytes; at most 65536 are allowed"),
        # The limit counts UTF-8 bytes, not characters: 40,013 characters here.
        ("<Bxml>" + "é" * 40000 + "</Bxml>", "bxml is 80013 bytes"),
    ],
    ids=[
        "unclosed",
        "line-3",
        "bare-ampersand",
        "empty",
        "blank",
        "two-roots",
        "other-root",
        "lowercase-root",
        "namespaced-root",
        "doctype",
        "too-large",
        "too-large-in-bytes",
    ],
)
def test_malformed_bxml_is_refused_and_nothing_is_sent(
    silent: bwvoice.Client, bxml: str, message: str
) -> None:
    err = invalid("bxml", silent.update_call_bxml, ACCOUNT, "c-1", bxml)
    assert message in err.message, err.message
    assert err.maybe_applied is False


@pytest.mark.parametrize(
    ("bxml", "message"),
    [
        ("<Bxml>\0</Bxml>", "bxml contains a NUL character"),
        ("<Bxml>\ud800</Bxml>", "bxml is not valid Unicode (lone surrogate)"),
    ],
)
def test_bxml_c_cannot_carry_is_refused_by_the_binding(
    silent: bwvoice.Client, bxml: str, message: str
) -> None:
    assert invalid("bxml", silent.update_call_bxml, ACCOUNT, "c-1", bxml).message == message


@pytest.mark.parametrize("bxml", [None, b"<Bxml/>", 7])
def test_bxml_must_be_a_str(silent: bwvoice.Client, bxml: Any) -> None:
    with pytest.raises(TypeError, match="bxml must be a str"):
        silent.update_call_bxml(ACCOUNT, "c-1", bxml)


def test_bxml_of_exactly_the_limit_in_bytes_is_sent_whole(
    sim: Simulator, client: bwvoice.Client
) -> None:
    head, tail = "<Bxml><SpeakSentence>", "</SpeakSentence></Bxml>"
    room = 65536 - len(head) - len(tail)
    document = head + "€" * (room // 3) + "x" * (room % 3) + tail
    assert len(document.encode()) == 65536
    call_id = sim.create_call()
    client.update_call_bxml(ACCOUNT, call_id, document)
    assert sim.call(call_id)["bxml"] == document


def test_text_escaped_with_the_standard_library_cannot_inject_verbs(
    sim: Simulator, client: bwvoice.Client
) -> None:
    from xml.sax.saxutils import escape, quoteattr

    text = "Bye</SpeakSentence><Transfer><PhoneNumber>+15550100</PhoneNumber></Transfer>"
    attr = 'x" y="&<>\'z'
    safe = escape(text, {'"': "&quot;", "'": "&apos;"})
    document = f"<Bxml><SpeakSentence voice={quoteattr(attr)}>{safe}</SpeakSentence></Bxml>"
    call_id = sim.create_call()
    client.update_call_bxml(ACCOUNT, call_id, document)
    stored = sim.call(call_id)["bxml"]
    assert stored == document and "<Transfer>" not in stored
    # Unescaped, the same text is well-formed BXML with an injected <Transfer>
    # (the library cannot tell): escaping is the caller's job.
    client.update_call_bxml(ACCOUNT, call_id, f"<Bxml><SpeakSentence>{text}</Bxml>")
    assert "<Transfer>" in sim.call(call_id)["bxml"]
