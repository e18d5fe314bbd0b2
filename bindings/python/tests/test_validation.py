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
    ) as bw:
        bw.hangup(ACCOUNT, sim.create_call())
    with bwvoice.Client(
        client_id="c", client_secret="s", token_url=sim.token_url, proxy_from_env=True
    ):
        pass
