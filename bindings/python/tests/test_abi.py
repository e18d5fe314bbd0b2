"""The growable structs' ``struct_size`` and the library's version number."""

from __future__ import annotations

import ctypes
import re
import select
from collections.abc import Iterator
from typing import Any

import pytest

from bwvoice import _ffi
from simulator import ACCOUNT, PASSWORD, REPO, USERNAME, Simulator

GROWABLE = (
    _ffi.bw_client_config,
    _ffi.bw_modify_call_request,
    _ffi.bw_call_options,
    _ffi.bw_error,
    _ffi.bw_stats,
)


@pytest.mark.parametrize("struct", GROWABLE, ids=lambda s: s.__name__)
def test_construction_sets_struct_size_to_sizeof(struct: type[ctypes.Structure]) -> None:
    assert struct().struct_size == ctypes.sizeof(struct) > 0
    # Keyword fields do not disturb it; an explicit size is kept as given.
    assert struct(**{struct._fields_[1][0]: 1}).struct_size == ctypes.sizeof(struct)
    assert struct(struct_size=7).struct_size == 7


def test_library_version_number_is_the_headers() -> None:
    header = (REPO / "include" / "bwvoice.h").read_text()
    parts = {
        name: int(value)
        for name, value in re.findall(r"#define BW_VERSION_(MAJOR|MINOR|PATCH) (\d+)", header)
    }
    expected = parts["MAJOR"] << 16 | parts["MINOR"] << 8 | parts["PATCH"]
    assert _ffi.library_version_number() == expected == _ffi.BW_VERSION_NUMBER
    assert _ffi.lib.bw_version_number() == expected


def test_unknown_config_size_is_rejected_by_the_library() -> None:
    cfg = _ffi.bw_client_config(struct_size=0, username=b"u", password=b"p")
    err = _ffi.bw_error()
    ptr = _ffi.ClientPtr()
    assert _ffi.client_new(cfg, ptr, err) == _ffi.BW_ERR_INVALID_ARGUMENT
    assert not ptr
    assert err.struct_size == ctypes.sizeof(_ffi.bw_error)
    assert (err.status, err.field) == (_ffi.BW_ERR_INVALID_ARGUMENT, b"cfg.struct_size")


def test_unknown_error_size_is_rejected_and_nothing_written() -> None:
    cfg = _ffi.bw_client_config(username=b"u", password=b"p")
    err = _ffi.bw_error(struct_size=0, status=-5, message=b"untouched")
    ptr = _ffi.ClientPtr()
    assert _ffi.client_new(cfg, ptr, err) == _ffi.BW_ERR_INVALID_ARGUMENT
    assert not ptr
    assert (err.struct_size, err.status, err.message) == (0, -5, b"untouched")


@pytest.fixture
def native(sim: Simulator) -> Iterator[Any]:
    """A ``bw_client`` of the simulator, made and freed through the raw C ABI."""
    cfg = _ffi.bw_client_config(
        username=USERNAME.encode(), password=PASSWORD.encode(), base_url=sim.api_url.encode()
    )
    ptr = _ffi.ClientPtr()
    assert _ffi.client_new(cfg, ptr, _ffi.bw_error()) == _ffi.BW_OK
    yield ptr
    _ffi.free(ptr)


def test_unknown_call_options_size_is_rejected_before_sending(sim: Simulator, native: Any) -> None:
    err = _ffi.bw_error()
    opts = _ffi.bw_call_options(struct_size=0, timeout_ms=1000)
    status = _ffi.hangup(native, ACCOUNT.encode(), b"c-1", opts, err)
    assert (status, err.field, err.attempts) == (
        _ffi.BW_ERR_INVALID_ARGUMENT,
        b"opts.struct_size",
        0,
    )
    assert sim.requests() == []


def test_null_call_options_mean_the_clients_settings(sim: Simulator, native: Any) -> None:
    call_id = sim.create_call()
    err = _ffi.bw_error()
    assert _ffi.hangup(native, ACCOUNT.encode(), call_id.encode(), None, err) == _ffi.BW_OK
    assert sim.call(call_id)["state"] == "disconnected"


def test_call_state_is_allocated_with_this_headers_size(sim: Simulator, native: Any) -> None:
    call_id = sim.create_call()
    out = _ffi.CallStatePtr()
    err = _ffi.bw_error()
    status = _ffi.get_call_state(native, ACCOUNT.encode(), call_id.encode(), None, out, err)
    try:
        assert status == _ffi.BW_OK and out
        view = out.contents
        assert view.struct_size == ctypes.sizeof(_ffi.bw_call_state)
        assert view.call_id == call_id.encode()
        assert (view.stir_shaken_len, bool(view.stir_shaken)) == (0, False)
        assert view.end_time is None and view.end_time_ms == _ffi.BW_TIME_ABSENT
    finally:
        _ffi.call_state_free(out)
    _ffi.call_state_free(_ffi.CallStatePtr())  # NULL is a no-op


def test_failed_get_call_state_leaves_out_null(sim: Simulator, native: Any) -> None:
    out = _ffi.CallStatePtr()
    err = _ffi.bw_error()
    status = _ffi.get_call_state(native, ACCOUNT.encode(), b"c-none", None, out, err)
    assert (status, err.http_status, bool(out)) == (_ffi.BW_ERR_NOT_FOUND, 404, False)


def test_call_state_dup_is_a_copy_the_caller_owns(sim: Simulator, native: Any) -> None:
    call_id = sim.create_call()
    out = _ffi.CallStatePtr()
    err = _ffi.bw_error()
    assert _ffi.get_call_state(native, ACCOUNT.encode(), call_id.encode(), None, out, err) == 0
    copy = _ffi.call_state_dup(out)
    _ffi.call_state_free(out)  # the copy outlives the original
    try:
        assert copy and ctypes.addressof(copy.contents) != 0
        assert copy.contents.struct_size == ctypes.sizeof(_ffi.bw_call_state)
        assert (copy.contents.call_id, copy.contents.state) == (call_id.encode(), b"answered")
    finally:
        _ffi.call_state_free(copy)
    assert not _ffi.call_state_dup(_ffi.CallStatePtr())  # NULL for NULL


def test_client_stats_writes_this_headers_size(sim: Simulator, native: Any) -> None:
    assert _ffi.hangup(native, ACCOUNT.encode(), b"c-none", None, _ffi.bw_error()) != 0
    out = _ffi.bw_stats()
    assert _ffi.client_stats(native, out, _ffi.bw_error()) == _ffi.BW_OK
    assert out.struct_size == ctypes.sizeof(_ffi.bw_stats)
    assert (out.calls, out.attempts, out.outcomes[_ffi.BW_ERR_NOT_FOUND]) == (1, 1, 1)
    assert out.retry_budget_tokens == _ffi.BW_DEFAULT_RETRY_BUDGET
    err = _ffi.bw_error()
    bad = _ffi.bw_stats(struct_size=0)
    assert _ffi.client_stats(native, bad, err) == _ffi.BW_ERR_INVALID_ARGUMENT
    assert err.field == b"out.struct_size"


def take(queue: Any, count: int) -> dict[int, tuple[int, Any]]:
    """The next ``count`` completions of ``queue``: job id -> (status, owned result)."""
    taken: dict[int, tuple[int, Any]] = {}
    job, status = ctypes.c_uint64(), _ffi.bw_status()
    while len(taken) < count:
        assert select.select([_ffi.queue_fd(queue)], [], [], 30)[0], "no completion"
        result = _ffi.ResultPtr()
        while _ffi.queue_next(queue, job, status, result, _ffi.bw_error()):
            taken[job.value] = (status.value, result)
            result = _ffi.ResultPtr()
    return taken


def test_queue_hands_over_an_owned_result(sim: Simulator, native: Any) -> None:
    queue = _ffi.QueuePtr()
    assert _ffi.queue_new(queue, _ffi.bw_error()) == _ffi.BW_OK
    userdata = ctypes.cast(queue, ctypes.c_void_p).value
    call_id, other = sim.create_call(), sim.create_call()

    def submit(function: Any, call: str) -> int:
        job, err = ctypes.c_uint64(), _ffi.bw_error()
        args = (native, ACCOUNT.encode(), call.encode(), None)
        assert function(*args, _ffi.QUEUE_COMPLETION, userdata, job, err) == _ffi.BW_OK
        return job.value

    state_job = submit(_ffi.get_call_state_async, call_id)
    missing_job = submit(_ffi.get_call_state_async, "c-none")
    hangup_job = submit(_ffi.hangup_async, other)
    taken = take(queue, 3)
    try:
        status, result = taken[state_job]
        assert (status, _ffi.result_kind(result)) == (_ffi.BW_OK, _ffi.BW_RESULT_CALL_STATE)
        copy = _ffi.result_dup(result)
        _ffi.result_free(result)  # the copy (a reference) outlives the original
        assert _ffi.result_call_state(copy).contents.call_id == call_id.encode()
        _ffi.result_free(copy)
        # A failure and an operation without a value: no result.
        assert (taken[missing_job][0], bool(taken[missing_job][1])) == (
            _ffi.BW_ERR_NOT_FOUND,
            False,
        )
        assert (taken[hangup_job][0], bool(taken[hangup_job][1])) == (_ffi.BW_OK, False)
        # NULL: no kind, no call state, no copy; freeing it is a no-op.
        assert _ffi.result_kind(None) == _ffi.BW_RESULT_NONE
        assert not _ffi.result_call_state(None) and not _ffi.result_dup(None)
        _ffi.result_free(None)
        # result NULL: bw_queue_next drops the result itself.
        dropped = submit(_ffi.get_call_state_async, call_id)
        assert select.select([_ffi.queue_fd(queue)], [], [], 30)[0]
        job, status_out = ctypes.c_uint64(), _ffi.bw_status()
        assert _ffi.queue_next(queue, job, status_out, None, None)
        assert (job.value, status_out.value) == (dropped, _ffi.BW_OK)
    finally:
        _ffi.lib.bw_queue_free(queue)
