"""The :class:`AsyncClient`: the library's asynchronous calls as coroutines.

Each operation converts its arguments exactly as :class:`~bwvoice.Client`
does (the same functions), submits the call with the matching ``bw_*_async``
function and awaits an :class:`asyncio.Future`. The call runs on one of the
library's worker threads (at most ``max_concurrency`` of them); no Python
thread is started per call.

How a result reaches the coroutine: every call is submitted with the
library's own ``bw_queue_completion`` as ``on_done`` and one process-wide
``bw_queue`` as ``userdata`` (:mod:`bwvoice._completions`). So no Python code runs
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
import ctypes
import os
import weakref
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any, Callable, TypeVar

from . import _ffi, call_state, conference, create_call, list_calls
from ._completions import _COMPLETIONS, _Build, _Pending
from ._convert import RedirectMethod, required
from ._handle import _open, _stats
from .call_state import CallState
from .client import (
    RequestedState,
    TlsRoots,
    _bxml_args,
    _call_args,
    _conference_args,
    _conference_bxml_args,
    _create_call_args,
    _list_calls_args,
    _member_args,
    _modify_call_args,
    _recording_args,
    _update_conference_args,
    _update_member_args,
)
from .conference import Conference, ConferenceMember, UpdateConferenceRequest
from .create_call import CreateCallRequest, CreatedCall
from .errors import ClientClosedError, InternalError, from_native
from .events import OnEvent
from .list_calls import CallPage, ListCallsQuery
from .stats import Stats

__all__ = ["AsyncClient"]

_T = TypeVar("_T")


def _no_result(result: Any) -> None:
    """The value of the operations that return nothing."""


def _builder(
    what: str, getter: Callable[[Any], Any], build: Callable[[Any], _T]
) -> Callable[[Any], _T]:
    """A ``_Build`` copying the result's struct (read with ``getter``) with ``build``."""

    def copy(result: Any) -> _T:
        view = getter(result)  # NULL unless the result is of the getter's kind
        if not view:
            kind = _ffi.result_kind(result)
            raise InternalError(f"{what} succeeded with a result of kind {kind}")
        return build(view.contents)

    return copy


_call_state = _builder("bw_get_call_state_async", _ffi.result_call_state, call_state.from_native)
_created_call = _builder("bw_create_call_async", _ffi.result_created_call, create_call.from_native)
_call_page = _builder("bw_list_calls_async", _ffi.result_call_page, list_calls.from_native)
_conference = _builder("bw_get_conference_async", _ffi.result_conference, conference.from_native)
_conference_member = _builder(
    "bw_get_conference_member_async",
    _ffi.result_conference_member,
    conference.member_from_native,
)


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
        allow_unknown_bxml_verbs: bool = False,
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
            required(redirect_url, "redirect_url"),
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

    # -- placing and listing calls --

    async def create_call(
        self, account_id: str, request: CreateCallRequest, *, timeout: float | None = None
    ) -> CreatedCall:
        """Places an outbound call; see :meth:`bwvoice.Client.create_call` (never sent twice)."""
        account, req, opts = _create_call_args(account_id, request, timeout)
        result: CreatedCall = await self._call(
            _created_call, _ffi.create_call_async, account, req, opts
        )
        return result

    async def list_calls(
        self, account_id: str, query: ListCallsQuery | None = None, *, timeout: float | None = None
    ) -> CallPage:
        """Reads one page of the account's calls; see :meth:`bwvoice.Client.list_calls`."""
        account, native, opts = _list_calls_args(account_id, query, timeout)
        page: CallPage = await self._call(_call_page, _ffi.list_calls_async, account, native, opts)
        return page

    def iter_calls(
        self, account_id: str, query: ListCallsQuery | None = None, *, timeout: float | None = None
    ) -> AsyncIterator[CallState]:
        """Every call ``query`` matches, page after page (``async for``).

        See :meth:`bwvoice.Client.iter_calls`: the arguments are converted
        here, each page is read (and awaited) when the iteration reaches it,
        and a page token the server gives again raises
        :class:`~bwvoice.ProtocolError`.
        """
        account, native, opts = _list_calls_args(account_id, query, timeout)
        return self._pages(account, native, opts)

    async def _pages(
        self, account: bytes, native: _ffi.bw_list_calls_query, opts: Any
    ) -> AsyncIterator[CallState]:
        followed = list_calls.Tokens(native.page_token)
        while True:
            page: CallPage = await self._call(
                _call_page, _ffi.list_calls_async, account, native, opts
            )
            for call in page.calls:
                yield call
            if page.next_page_token is None:
                return
            native.page_token = followed.follow(page.next_page_token)

    # -- conferences --

    async def get_conference(
        self, account_id: str, conference_id: str, *, timeout: float | None = None
    ) -> Conference:
        """Reads a conference; see :meth:`bwvoice.Client.get_conference`."""
        account, conf, opts = _conference_args(account_id, conference_id, timeout)
        result: Conference = await self._call(
            _conference, _ffi.get_conference_async, account, conf, opts
        )
        return result

    async def update_conference(
        self,
        account_id: str,
        conference_id: str,
        request: UpdateConferenceRequest,
        *,
        timeout: float | None = None,
    ) -> None:
        """Redirects or ends a conference; see :meth:`bwvoice.Client.update_conference`."""
        account, conf, req, opts = _update_conference_args(
            account_id, conference_id, request, timeout
        )
        await self._call(_no_result, _ffi.update_conference_async, account, conf, req, opts)

    async def update_conference_bxml(
        self, account_id: str, conference_id: str, bxml: str, *, timeout: float | None = None
    ) -> None:
        """Replaces a conference's BXML; see :meth:`bwvoice.Client.update_conference_bxml`."""
        account, conf, document, opts = _conference_bxml_args(
            account_id, conference_id, bxml, timeout
        )
        await self._call(
            _no_result, _ffi.update_conference_bxml_async, account, conf, document, opts
        )

    async def get_conference_member(
        self, account_id: str, conference_id: str, member_id: str, *, timeout: float | None = None
    ) -> ConferenceMember:
        """Reads a conference member; see :meth:`bwvoice.Client.get_conference_member`."""
        account, conf, member, opts = _member_args(account_id, conference_id, member_id, timeout)
        result: ConferenceMember = await self._call(
            _conference_member, _ffi.get_conference_member_async, account, conf, member, opts
        )
        return result

    async def update_conference_member(
        self,
        account_id: str,
        conference_id: str,
        member_id: str,
        *,
        mute: bool | None = None,
        hold: bool | None = None,
        call_ids_to_coach: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> None:
        """Mutes, holds or sets coaching; see :meth:`bwvoice.Client.update_conference_member`."""
        account, conf, member, req, opts = _update_member_args(
            account_id, conference_id, member_id, mute, hold, call_ids_to_coach, timeout
        )
        await self._call(
            _no_result, _ffi.update_conference_member_async, account, conf, member, req, opts
        )

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
