"""The :class:`AsyncClient`: the library's asynchronous calls as coroutines.

Each operation converts its arguments exactly as :class:`~bwvoice.Client`
does (the same functions), submits the call with the matching ``bw_*_async``
function and awaits an :class:`asyncio.Future`. The call runs on one of the
library's worker threads (at most ``max_concurrency`` of them); no Python
thread is started per call.

How a result reaches the coroutine: every call is submitted with the
library's own ``bw_queue_completion`` as ``on_done`` and one process-wide
``bw_queue`` as ``userdata`` (:class:`_Completions`). So no Python code runs
on the library's threads for a completion: the library queues it, the
queue's descriptor becomes readable, and each loop awaiting calls watches
that descriptor (``add_reader``) and takes the completions on its own
thread. The registry of waiting calls holds the loop, the future, how to
build the result, and the client (kept alive until its call completes). A
future already cancelled, or a loop already closed, is skipped quietly.

Cancelling the awaiting task calls ``bw_cancel``: a queued call is never
sent; a running one stops at the next attempt or wait (a request already
sent may still take effect). The task raises :class:`asyncio.CancelledError`
at once; the call's eventual completion is dropped.

Events (``on_event``, the ``bwvoice`` logger) work as for
:class:`~bwvoice.Client`, except that they come on the library worker
thread running the call, not on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import threading
import weakref
from types import TracebackType
from typing import Any, Callable, NamedTuple

from . import _ffi, call_state
from .call_state import CallState
from .client import (
    RedirectMethod,
    RequestedState,
    TlsRoots,
    _bxml_args,
    _call_args,
    _modify_call_args,
    _open,
    _recording_args,
    _required,
    _stats,
)
from .errors import ClientClosedError, InternalError, from_native
from .events import OnEvent
from .stats import Stats

__all__ = ["AsyncClient"]

#: Builds a successful call's value from its ``bw_result`` (a ``ResultPtr``, maybe NULL).
_Build = Callable[[Any], Any]


class _Pending(NamedTuple):
    """What delivering one call's completion needs."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    build: _Build
    #: Keeps the client (and so its native handle) alive until the call completes.
    client: AsyncClient


def _no_result(result: Any) -> None:
    """The value of every operation but ``get_call_state``."""


def _call_state(result: Any) -> CallState:
    """``get_call_state``'s value, copied from the result's ``bw_call_state``."""
    state = _ffi.result_call_state(result)  # NULL unless a BW_RESULT_CALL_STATE
    if not state:
        kind = _ffi.result_kind(result)
        raise InternalError(f"bw_get_call_state_async succeeded with a result of kind {kind}")
    return call_state.from_native(state.contents)


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


class AsyncClient:
    """A Bandwidth Voice API client for :mod:`asyncio`.

    Takes the same keyword arguments as :class:`~bwvoice.Client`, plus:

    * ``max_concurrency`` -- calls running at once, each on a library worker
      thread (started as needed, kept until the client is closed); ``None``:
      64, at most 4096;
    * ``max_queued`` -- calls waiting for a free worker; ``None``: 10,000. A
      call beyond it raises :class:`~bwvoice.QueueFullError` at once, and
      nothing is queued or sent.

    ``retry_budget`` and ``on_event`` are :class:`~bwvoice.Client`'s, and
    events are logged to the ``bwvoice`` logger the same way, but an
    asynchronous call's events come on the library worker thread running it
    (not the event loop's thread): ``on_event`` must not touch the loop
    except through :meth:`~asyncio.loop.call_soon_threadsafe`, and while it
    runs that worker carries no other call.

    Its operations are coroutines with the parameters of
    :class:`~bwvoice.Client`'s (each with a keyword-only ``timeout``), and
    raise the same exceptions. The time budget starts when the call is
    submitted: time spent queued counts against it.

    Cancelling the awaiting task cancels the call: a call still queued is
    never sent; one already running makes no further attempt, but a request
    already sent may still take effect. The task raises
    :class:`asyncio.CancelledError` at once either way.

    Close it with ``await aclose()`` or ``async with``. Calls may be made
    from any event loop (each completes on the loop that awaited it).
    """

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        base_url: str | None = None,
        connect_timeout: float | None = None,
        timeout: float | None = None,
        max_attempts: int | None = None,
        retry_non_idempotent: bool = False,
        tls_roots: TlsRoots = "bundled",
        ca_file: str | os.PathLike[str] | None = None,
        proxy: str | None = None,
        proxy_from_env: bool = False,
        user_agent_suffix: str | None = None,
        retry_budget: int | None = None,
        on_event: OnEvent | None = None,
        max_concurrency: int | None = None,
        max_queued: int | None = None,
    ) -> None:
        self._handle = _open("bwvoice.AsyncClient", locals())  # first: locals() is the arguments
        # Frees the native client on aclose(), garbage collection or exit. A
        # client is only collected once none of its calls is pending (each
        # holds it), so the free waits for nothing then; at exit it waits for
        # calls still running.
        self._finalizer = weakref.finalize(self, self._handle.close)

    # -- lifetime --

    async def aclose(self) -> None:
        """Closes the client; returns once the native client has been freed.

        Calls still queued complete at once with
        :class:`~bwvoice.CallCancelledError` (they were never sent); calls
        already running finish, within their time budgets, and deliver their
        results. Freeing blocks until then, so it runs in the loop's default
        executor: the loop goes on meanwhile. Later calls raise
        :class:`~bwvoice.ClientClosedError`. Idempotent.
        """
        if self._handle.freed:
            return
        await asyncio.get_running_loop().run_in_executor(None, self._close_and_wait)
        # Every completion of this client is queued now; take them here too,
        # in case the loops their calls were awaited on are gone, then yield
        # once so the tasks awaiting them (already woken) finish first.
        _COMPLETIONS.drain()
        await asyncio.sleep(0)

    def _close_and_wait(self) -> None:
        self._finalizer()  # the first caller frees; the others wait for it
        self._handle.wait_freed()

    @property
    def closed(self) -> bool:
        """``True`` once :meth:`aclose` was called."""
        return self._handle.closed

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<bwvoice.AsyncClient{' (closed)' if self.closed else ''}>"

    # -- counters --

    def stats(self) -> Stats:
        """A snapshot of the client's counters; see :meth:`bwvoice.Client.stats`.

        A plain method, not a coroutine (the library only reads atomics):
        call it from any thread. ``jobs_queued`` and ``jobs_running`` count
        this client's asynchronous calls right now.
        """
        return _stats(self._handle)

    # -- calls --

    async def modify_call(
        self,
        account_id: str,
        call_id: str,
        *,
        state: RequestedState | None = None,
        redirect_url: str | None = None,
        redirect_method: RedirectMethod | None = None,
        username: str | None = None,
        password: str | None = None,
        tag: str | None = None,
        redirect_fallback_url: str | None = None,
        redirect_fallback_method: RedirectMethod | None = None,
        fallback_username: str | None = None,
        fallback_password: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """Updates a live call ("Update active call"); see :meth:`bwvoice.Client.modify_call`."""
        account, call, req, opts = _modify_call_args(
            account_id,
            call_id,
            state,
            redirect_url,
            redirect_method,
            username,
            password,
            tag,
            redirect_fallback_url,
            redirect_fallback_method,
            fallback_username,
            fallback_password,
            timeout,
        )
        await self._call(_no_result, _ffi.modify_call_async, account, call, req, opts)

    async def redirect(
        self,
        account_id: str,
        call_id: str,
        redirect_url: str,
        *,
        redirect_method: RedirectMethod | None = None,
        username: str | None = None,
        password: str | None = None,
        tag: str | None = None,
        redirect_fallback_url: str | None = None,
        redirect_fallback_method: RedirectMethod | None = None,
        fallback_username: str | None = None,
        fallback_password: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """Redirects a live call to ``redirect_url``; see :meth:`bwvoice.Client.redirect`."""
        account, call, req, opts = _modify_call_args(
            account_id,
            call_id,
            None,
            _required(redirect_url, "redirect_url"),
            redirect_method,
            username,
            password,
            tag,
            redirect_fallback_url,
            redirect_fallback_method,
            fallback_username,
            fallback_password,
            timeout,
        )
        await self._call(_no_result, _ffi.modify_call_async, account, call, req, opts)

    async def hangup(self, account_id: str, call_id: str, *, timeout: float | None = None) -> None:
        """Hangs up a call; see :meth:`bwvoice.Client.hangup`."""
        account, call, opts = _call_args(account_id, call_id, timeout)
        await self._call(_no_result, _ffi.hangup_async, account, call, opts)

    async def get_call_state(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> CallState:
        """Reads a call's state; see :meth:`bwvoice.Client.get_call_state`."""
        account, call, opts = _call_args(account_id, call_id, timeout)
        result: CallState = await self._call(
            _call_state, _ffi.get_call_state_async, account, call, opts
        )
        return result

    async def update_call_bxml(
        self, account_id: str, call_id: str, bxml: str, *, timeout: float | None = None
    ) -> None:
        """Replaces a live call's BXML; see :meth:`bwvoice.Client.update_call_bxml`.

        The document is checked before the call is queued: a
        :class:`~bwvoice.ValidationError` is raised at once, nothing sent.
        """
        account, call, document, opts = _bxml_args(account_id, call_id, bxml, timeout)
        await self._call(_no_result, _ffi.update_call_bxml_async, account, call, document, opts)

    async def pause_recording(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> None:
        """Pauses the call's recording; see :meth:`bwvoice.Client.pause_recording`."""
        account, call, state, opts = _recording_args(
            account_id, call_id, _ffi.BW_RECORDING_STATE_PAUSED, timeout
        )
        await self._call(_no_result, _ffi.update_call_recording_async, account, call, state, opts)

    async def resume_recording(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> None:
        """Resumes the call's recording; see :meth:`bwvoice.Client.resume_recording`."""
        account, call, state, opts = _recording_args(
            account_id, call_id, _ffi.BW_RECORDING_STATE_RECORDING, timeout
        )
        await self._call(_no_result, _ffi.update_call_recording_async, account, call, state, opts)

    async def _call(self, build: _Build, submit: Callable[..., int], *args: Any) -> Any:
        """Submits ``submit(client, *args, on_done, userdata, job_id, err)``; awaits its result."""
        loop = asyncio.get_running_loop()
        queue = _COMPLETIONS.userdata()
        job = ctypes.c_uint64()
        err = _ffi.bw_error()
        ptr = self._handle.acquire()
        try:
            status = submit(ptr, *args, _ffi.QUEUE_COMPLETION, queue, job, err)
        finally:
            self._handle.release()
        if status != _ffi.BW_OK:  # nothing queued: no completion will come
            raise from_native(err, status)
        # The completion can only be taken on a loop thread, so registering
        # after the submit is in time for this loop (and `early` covers others),
        # and so is the future: a refused submit needs none.
        future: asyncio.Future[Any] = loop.create_future()
        _COMPLETIONS.expect(job.value, _Pending(loop, future, build, self))
        try:
            return await future
        except asyncio.CancelledError:
            self._cancel(job.value, future)
            raise

    def _cancel(self, job_id: int, future: asyncio.Future[Any]) -> None:
        """The awaiting task was cancelled: cancels the call, forgets its result."""
        if future.done() and not future.cancelled():
            future.exception()  # its result is dropped: no "never retrieved" warning
            return  # the call has completed
        _COMPLETIONS.forget(job_id)
        try:
            ptr = self._handle.acquire()
        except ClientClosedError:
            return  # closing cancels what is queued anyway
        try:
            # BW_ERR_NOT_FOUND: it completed meanwhile; its result is ignored.
            _ffi.cancel(ptr, job_id, _ffi.bw_error())
        finally:
            self._handle.release()
