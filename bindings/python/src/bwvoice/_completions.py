"""How an asynchronous call's completion reaches its coroutine.

Every call is submitted with the library's own ``bw_queue_completion`` as
``on_done`` and one process-wide ``bw_queue`` as ``userdata``
(:class:`_Completions`): the library queues the completion, the queue's
descriptor becomes readable, and each loop awaiting calls watches that
descriptor and takes the completions on its own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import threading
import weakref
from typing import Any, Callable, NamedTuple

from . import _ffi
from .errors import from_native

#: Builds a successful call's value from its ``bw_result`` (a ``ResultPtr``, maybe NULL).
_Build = Callable[[Any], Any]


class _Pending(NamedTuple):
    """What delivering one call's completion needs."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    build: _Build
    #: Keeps the client (and so its native handle) alive until the call completes.
    client: object


def _settle(future: asyncio.Future[Any], value: object, error: BaseException | None) -> None:
    """On the loop thread: completes ``future`` unless its awaiter has gone."""
    if future.done():  # cancelled: the task already raised CancelledError
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)


class _Completions:
    """The process's one ``bw_queue``, drained by the loops awaiting calls.

    Every call is submitted with ``on_done = bw_queue_completion``: the
    library queues the completion instead of calling into Python on its own
    thread (which would take the GIL there for every call). The queue's
    descriptor is readable while completions wait; each loop with calls in
    flight watches it (``add_reader``) and takes them on its own thread. A
    completion for another loop's call is handed over with
    ``call_soon_threadsafe``; one taken before its submit registered the job
    (possible with several loops) waits in ``early``.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: Any = None
        self.address = 0
        self.fd = -1
        #: job id -> the call waiting for it.
        self.waiting: dict[int, _Pending] = {}
        #: job id -> a completion (status, error, owned result) taken before
        #: its job was registered.
        self.early: dict[int, tuple[int, _ffi.bw_error, Any]] = {}
        #: Jobs whose awaiters have gone: their completions (and results) are dropped.
        self.dropped: set[int] = set()
        self.watching: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()

    def userdata(self) -> int:
        """The queue, as ``userdata`` for ``bw_queue_completion`` (made on first use)."""
        if self.address:
            return self.address
        with self.lock:
            if self.queue is None:
                queue, err = _ffi.QueuePtr(), _ffi.bw_error()
                status = _ffi.queue_new(queue, err)
                if status != _ffi.BW_OK:
                    raise from_native(err, status)
                self.queue, self.fd = queue, _ffi.queue_fd(queue)
                self.address = ctypes.cast(queue, ctypes.c_void_p).value or 0
            return self.address

    def expect(self, job_id: int, pending: _Pending) -> None:
        """On ``pending.loop``: registers a submitted call; watches the queue."""
        if pending.loop not in self.watching:
            pending.loop.add_reader(self.fd, self.drain)
            self.watching.add(pending.loop)
        with self.lock:
            early = self.early.pop(job_id, None)
            if early is None:
                self.waiting[job_id] = pending
        if early is not None:
            self.deliver(pending, *early, pending.loop)

    def forget(self, job_id: int) -> None:
        """The awaiter is gone: its completion, when it comes, is dropped."""
        with self.lock:
            if self.waiting.pop(job_id, None) is not None:
                self.dropped.add(job_id)

    def drain(self) -> None:
        """On a loop thread, when the descriptor is readable: takes every completion."""
        if self.queue is None:
            return
        job, status, result = ctypes.c_uint64(), _ffi.bw_status(), _ffi.ResultPtr()
        err = _ffi.bw_error()
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        # Each `result` taken is ours (bw_result_free); a fresh pointer for the next.
        while _ffi.queue_next(self.queue, job, status, result, err):
            with self.lock:
                pending = self.waiting.pop(job.value, None)
                if pending is None:
                    if job.value in self.dropped:
                        self.dropped.discard(job.value)
                        _ffi.result_free(result)
                    else:
                        # Not registered yet: another loop's submit is still
                        # returning. Kept for its `expect`.
                        self.early[job.value] = (status.value, err, result)
                        err = _ffi.bw_error()
                    result = _ffi.ResultPtr()
                    continue
            self.deliver(pending, status.value, err, result, running)
            result = _ffi.ResultPtr()

    @staticmethod
    def deliver(
        pending: _Pending,
        status: int,
        err: _ffi.bw_error,
        result: Any,
        running: asyncio.AbstractEventLoop | None,
    ) -> None:
        """Builds the call's value (freeing ``result``) and settles its future.

        ``running`` is the loop of the calling thread, if any.
        """
        value: object = None
        error: BaseException | None = None
        try:
            if status == _ffi.BW_OK:
                value = pending.build(result)
            else:
                error = from_native(err, status)
        except Exception as exc:
            error = exc
        finally:
            if result:  # ours since bw_queue_next; most operations have none
                _ffi.result_free(result)
        if running is pending.loop:
            _settle(pending.future, value, error)
        else:
            # RuntimeError: the loop is closed; nobody can await this call.
            with contextlib.suppress(RuntimeError):
                pending.loop.call_soon_threadsafe(_settle, pending.future, value, error)


_COMPLETIONS = _Completions()
