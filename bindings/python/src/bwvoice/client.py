"""The :class:`Client`: a thin wrapper over ``bw_client``.

The binding only converts types and maps errors. Every rule about the
values themselves (empty ids, URL syntax, tag length, credentials...) is
checked by the native library, which raises :class:`~bwvoice.ValidationError`
before anything is sent. The binding itself raises:

* :class:`TypeError` for a value of the wrong Python type (e.g. ``None`` or
  ``bytes`` as a call id);
* :class:`~bwvoice.ValidationError` (with ``field`` set) for values C cannot
  carry: strings containing NUL or lone surrogates, unknown enum names,
  durations or counts that are not positive or do not fit in ``uint32_t``
  (the C ABI reads 0 as "use the default").

Every operation takes a keyword-only ``timeout`` (seconds): at most that long
for this call, every attempt and wait included; the client's ``timeout``
still applies when it is shorter. ``None``: the client's.

Every client logs its events (attempts, retries, token fetches, call ends)
to the ``bwvoice`` logger and passes them to its ``on_event`` callable, if
any (see :mod:`bwvoice.events`); :meth:`Client.stats` reads its counters.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable, Generic, Literal, TypeVar

from . import _ffi, call_state, conference, create_call, events, list_calls
from ._convert import (
    RedirectMethod,
    c_call_options,
    c_enum,
    c_method,
    c_opt_str,
    c_str,
    required,
)
from ._handle import _open, _stats
from .call_state import CallState
from .conference import Conference, ConferenceMember, UpdateConferenceRequest
from .create_call import CreateCallRequest, CreatedCall
from .errors import InternalError, from_native
from .events import OnEvent
from .list_calls import CallPage, ListCallsQuery
from .stats import Stats

__all__ = ["RETRY_BUDGET_OFF", "Client", "RedirectMethod", "RequestedState", "TlsRoots"]

#: ``state`` of :meth:`Client.modify_call` (case-insensitive): the state to
#: ask for, not one :meth:`Client.get_call_state` reports (see :class:`CallState`).
RequestedState = Literal["active", "completed"]
#: ``tls_roots`` of :class:`Client` (case-insensitive).
TlsRoots = Literal["bundled", "system"]

_STATES: dict[str, int] = {
    "active": _ffi.BW_CALL_STATE_ACTIVE,
    "completed": _ffi.BW_CALL_STATE_COMPLETED,
}

#: ``retry_budget=RETRY_BUDGET_OFF``: no retry budget; retries are limited by
#: ``max_attempts`` and the time budget only (the C ``BW_RETRY_BUDGET_OFF``,
#: ``UINT32_MAX``).
RETRY_BUDGET_OFF: int = _ffi.BW_RETRY_BUDGET_OFF

_T = TypeVar("_T")

# --- each operation's arguments, shared by Client and AsyncClient ---------------------------

# Each operation's C arguments between the client and ``err`` (for the
# asynchronous form: and ``on_done``), from its Python arguments in the order
# of the methods' signatures. Client and AsyncClient call these positionally:
# keywords or ``locals()`` here would cost on every call.


def _modify_call_args(  # noqa: PLR0917 (positional on purpose, see above)
    account_id: object,
    call_id: object,
    state: object,
    redirect_url: object,
    redirect_method: object,
    username: object,
    password: object,
    tag: object,
    redirect_fallback_url: object,
    redirect_fallback_method: object,
    fallback_username: object,
    fallback_password: object,
    timeout: object,
) -> tuple[bytes, bytes, _ffi.bw_modify_call_request, _ffi.bw_call_options | None]:
    """``modify_call`` (and ``redirect``): ``account_id, call_id, req, opts``."""
    account, call = c_str(account_id, "account_id"), c_str(call_id, "call_id")
    req = _ffi.bw_modify_call_request(
        state=c_enum(state, "state", _STATES, _ffi.BW_CALL_STATE_UNSET),
        redirect_url=c_opt_str(redirect_url, "redirect_url"),
        redirect_method=c_method(redirect_method, "redirect_method"),
        username=c_opt_str(username, "username"),
        password=c_opt_str(password, "password"),
        tag=c_opt_str(tag, "tag"),
        redirect_fallback_url=c_opt_str(redirect_fallback_url, "redirect_fallback_url"),
        redirect_fallback_method=c_method(redirect_fallback_method, "redirect_fallback_method"),
        fallback_username=c_opt_str(fallback_username, "fallback_username"),
        fallback_password=c_opt_str(fallback_password, "fallback_password"),
    )
    return account, call, req, c_call_options(timeout)


def _call_args(
    account_id: object, call_id: object, timeout: object
) -> tuple[bytes, bytes, _ffi.bw_call_options | None]:
    """``hangup`` and ``get_call_state``: ``account_id, call_id, opts``."""
    account, call = c_str(account_id, "account_id"), c_str(call_id, "call_id")
    return account, call, c_call_options(timeout)


def _bxml_args(
    account_id: object, call_id: object, bxml: object, timeout: object
) -> tuple[bytes, bytes, bytes, _ffi.bw_call_options | None]:
    """``update_call_bxml``: ``account_id, call_id, bxml, opts``."""
    account, call = c_str(account_id, "account_id"), c_str(call_id, "call_id")
    return account, call, c_str(bxml, "bxml"), c_call_options(timeout)


def _recording_args(
    account_id: object, call_id: object, state: int, timeout: object
) -> tuple[bytes, bytes, int, _ffi.bw_call_options | None]:
    """``pause_recording``, ``resume_recording``: ``account_id, call_id, state, opts``."""
    account, call = c_str(account_id, "account_id"), c_str(call_id, "call_id")
    return account, call, state, c_call_options(timeout)


def _create_call_args(
    account_id: object, request: object, timeout: object
) -> tuple[bytes, _ffi.bw_create_call_request, _ffi.bw_call_options | None]:
    """``create_call``: ``account_id, req, opts``."""
    account = c_str(account_id, "account_id")
    return account, create_call.to_native(request), c_call_options(timeout)


def _list_calls_args(
    account_id: object, query: object, timeout: object
) -> tuple[bytes, _ffi.bw_list_calls_query, _ffi.bw_call_options | None]:
    """``list_calls`` and ``iter_calls``: ``account_id, query, opts``."""
    account = c_str(account_id, "account_id")
    return account, list_calls.to_native(query), c_call_options(timeout)


def _conference_args(
    account_id: object, conference_id: object, timeout: object
) -> tuple[bytes, bytes, _ffi.bw_call_options | None]:
    """``get_conference``: ``account_id, conference_id, opts``."""
    account, conf = c_str(account_id, "account_id"), c_str(conference_id, "conference_id")
    return account, conf, c_call_options(timeout)


def _update_conference_args(
    account_id: object, conference_id: object, request: object, timeout: object
) -> tuple[bytes, bytes, _ffi.bw_update_conference_request, _ffi.bw_call_options | None]:
    """``update_conference``: ``account_id, conference_id, req, opts``."""
    account, conf = c_str(account_id, "account_id"), c_str(conference_id, "conference_id")
    return account, conf, conference.update_to_native(request), c_call_options(timeout)


def _conference_bxml_args(
    account_id: object, conference_id: object, bxml: object, timeout: object
) -> tuple[bytes, bytes, bytes, _ffi.bw_call_options | None]:
    """``update_conference_bxml``: ``account_id, conference_id, bxml, opts``."""
    account, conf = c_str(account_id, "account_id"), c_str(conference_id, "conference_id")
    return account, conf, c_str(bxml, "bxml"), c_call_options(timeout)


def _member_args(
    account_id: object, conference_id: object, member_id: object, timeout: object
) -> tuple[bytes, bytes, bytes, _ffi.bw_call_options | None]:
    """``get_conference_member``: ``account_id, conference_id, member_id, opts``."""
    account, conf = c_str(account_id, "account_id"), c_str(conference_id, "conference_id")
    return account, conf, c_str(member_id, "member_id"), c_call_options(timeout)


def _update_member_args(  # noqa: PLR0917 (positional on purpose, see above)
    account_id: object,
    conference_id: object,
    member_id: object,
    mute: object,
    hold: object,
    call_ids_to_coach: object,
    timeout: object,
) -> tuple[
    bytes, bytes, bytes, _ffi.bw_update_conference_member_request, _ffi.bw_call_options | None
]:
    """``update_conference_member``: ``account_id, conference_id, member_id, req, opts``."""
    account, conf = c_str(account_id, "account_id"), c_str(conference_id, "conference_id")
    req = conference.member_update_to_native(mute, hold, call_ids_to_coach)
    return account, conf, c_str(member_id, "member_id"), req, c_call_options(timeout)


# --- the operations that return a value ----------------------------------------


@dataclass(frozen=True)
class _Reader(Generic[_T]):
    """How a blocking operation's result is read: its ``_ffi`` names and the copy.

    The functions are looked up in ``_ffi`` on each call (by name), as the
    other operations' are.
    """

    #: The ``_ffi`` function (``bw_<function>``), which takes ``out`` before ``err``.
    function: str
    #: The ``_ffi`` pointer type of ``out`` and the ``_ffi`` function freeing it.
    pointer: str
    free: str
    #: Copies the library's struct into the Python result.
    build: Callable[[Any], _T]


_GET_CALL_STATE = _Reader(
    "get_call_state", "CallStatePtr", "call_state_free", call_state.from_native
)
_CREATE_CALL = _Reader(
    "create_call", "CreatedCallPtr", "created_call_free", create_call.from_native
)
_LIST_CALLS = _Reader("list_calls", "CallPagePtr", "call_page_free", list_calls.from_native)
_GET_CONFERENCE = _Reader(
    "get_conference", "ConferencePtr", "conference_free", conference.from_native
)
_GET_MEMBER = _Reader(
    "get_conference_member",
    "ConferenceMemberPtr",
    "conference_member_free",
    conference.member_from_native,
)

# --- the client ----------------------------------------------------------------


class Client:
    """A Bandwidth Voice API client for live calls.

    It redirects calls, hangs them up, reads their state, replaces their
    BXML and pauses or resumes their recording.

    Give exactly one kind of credentials: ``username`` + ``password`` (HTTP
    Basic, a Bandwidth "API user") or ``client_id`` + ``client_secret``
    (OAuth2 client credentials; the token is fetched once and shared).
    ``None`` anywhere means the library's documented default:

    * ``base_url`` -- ``https://voice.bandwidth.com/api/v2`` (plain
      ``http://`` only for loopback hosts, e.g. a local simulator);
    * ``token_url`` -- ``https://api.bandwidth.com/api/v1/oauth2/token``;
    * ``connect_timeout`` -- 5 s; ``timeout`` -- 30 s for a whole call,
      retries included (both in seconds, int or float); an operation's own
      ``timeout`` can only shorten it;
    * ``max_attempts`` -- 3 (1 disables retries);
    * ``retry_non_idempotent`` -- also retry a redirect or a BXML replacement
      after a failure the server may have acted on (your webhook may then
      fire twice, the new script restart); never ``create_call``;
    * ``tls_roots`` -- ``"bundled"`` (Mozilla's roots) or ``"system"``;
      ``ca_file`` -- a PEM file of CAs trusted instead;
    * ``proxy`` -- an ``http://`` proxy URL; ``proxy_from_env`` -- use
      ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` instead;
    * ``user_agent_suffix`` -- added after ``python; `` in the User-Agent;
    * ``retry_budget`` -- capacity of the retry budget (the token bucket every
      retry draws from and every success refills, so that an outage does not
      multiply the load by ``max_attempts``); ``None``: 500;
      :data:`bwvoice.RETRY_BUDGET_OFF`: no budget;
    * ``on_event`` -- a callable given a :class:`~bwvoice.Event` for every
      attempt's end, retry scheduled or refused, token fetch and call end,
      synchronously on the thread making the call. It must return quickly;
      an exception it raises is logged (``logger.exception``) and ignored;
    * ``allow_unknown_bxml_verbs`` -- let BXML verbs the library does not
      know through the check :meth:`update_call_bxml` and
      :meth:`update_conference_bxml` make (verbs Bandwidth added after this
      version; known verbs are checked either way). Off, a typo such as
      ``<SpeakSentance>`` fails before anything is sent.

    Every event is also logged to the ``bwvoice`` logger: DEBUG for
    attempts, token fetches and call ends, WARNING for retries scheduled and
    refused, each record's ``extra`` being :meth:`Event.attributes()
    <bwvoice.Event.attributes>`. Without ``on_event`` only the kinds whose
    level the logger has enabled *when the client is created* reach Python
    at all (a call that succeeds at once then costs no callback): a later
    change of level applies to clients created after it.
    :meth:`stats` reads the client's counters.

    Thread-safe: share one client between threads; calls run concurrently
    (the GIL is released while the library works). Use it as a context
    manager or call :meth:`close`. Failures raise
    :class:`~bwvoice.BandwidthError` subclasses.
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
    ) -> None:
        self._handle = _open("bwvoice.Client", locals())  # first: locals() is the arguments
        # Frees the native client on close(), garbage collection or exit.
        self._finalizer = weakref.finalize(self, self._handle.close)

    # -- lifetime --

    def close(self) -> None:
        """Releases the native client. Idempotent.

        Calls already in flight finish normally (the native client is freed
        when the last one returns); new calls raise
        :class:`~bwvoice.ClientClosedError`.
        """
        self._finalizer()

    @property
    def closed(self) -> bool:
        """``True`` once :meth:`close` was called."""
        return self._handle.closed

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<bwvoice.Client{' (closed)' if self.closed else ''}>"

    # -- counters --

    def stats(self) -> Stats:
        """A snapshot of the client's counters (:class:`~bwvoice.Stats`).

        Cheap (atomic reads in the library), from any thread, at any time;
        the counters only grow, so two snapshots subtract into a rate.
        Raises :class:`~bwvoice.ClientClosedError` once the client is closed.
        """
        return _stats(self._handle)

    # -- calls --

    def modify_call(
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
        """Updates a live call ("Update active call" of the Voice API).

        Redirects the call to the BXML served at ``redirect_url``, changes its
        ``tag``, or ends it with ``state="completed"``. A parameter left at
        ``None`` is not sent; ``tag=""`` clears the call's tag.

        ``redirect_method`` / ``redirect_fallback_method``: ``"GET"`` or
        ``"POST"``; ``username``/``password`` (and the ``fallback_`` pair)
        authenticate Bandwidth's request to your URLs; ``timeout`` (seconds)
        caps the client's time budget for this call (the shorter applies).

        Blocks until Bandwidth answers (the GIL is released meanwhile). Not
        repeated after a failure the server may have acted on (unless the
        client has ``retry_non_idempotent``), except a hang-up. Raises a
        :class:`~bwvoice.BandwidthError` subclass on failure, e.g.
        :class:`~bwvoice.NotFoundError` if the call has ended.
        """
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
        self._run(_ffi.modify_call, account, call, req, opts)

    def redirect(
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
        """Redirects a live call to the BXML served at ``redirect_url``.

        Same as :meth:`modify_call` with ``redirect_url`` (``state`` is not
        sent: Bandwidth keeps the call active). Bandwidth then requests
        ``redirect_url`` with a Redirect event and runs the BXML it returns.
        """
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
        self._run(_ffi.modify_call, account, call, req, opts)

    def hangup(self, account_id: str, call_id: str, *, timeout: float | None = None) -> None:
        """Hangs up a call (cancels it if not yet answered).

        Sends exactly ``{"state":"completed"}``. Safe to repeat; the library
        retries it more eagerly than a redirect. ``timeout``: as for
        :meth:`modify_call`.
        """
        account, call, opts = _call_args(account_id, call_id, timeout)
        self._run(_ffi.hangup, account, call, opts)

    def get_call_state(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> CallState:
        """Reads a call's state ("Get call state").

        Is it answered yet (new BXML or a redirect before that is a 409), did
        a hang-up land, why did it end? Returns a frozen
        :class:`~bwvoice.CallState`; the native result is freed before this
        returns. Safe to repeat: the library retries it on timeouts, resets
        and 5xx. Raises :class:`~bwvoice.NotFoundError` for an unknown call
        (or one that ended more than 7 days ago) and
        :class:`~bwvoice.ProtocolError` for a reply that is not a
        ``callState`` (or holds a time :class:`~datetime.datetime` cannot
        represent). ``timeout``: as for :meth:`modify_call`.
        """
        account, call, opts = _call_args(account_id, call_id, timeout)
        return self._read(_GET_CALL_STATE, account, call, opts)

    def update_call_bxml(
        self, account_id: str, call_id: str, bxml: str, *, timeout: float | None = None
    ) -> None:
        """Replaces a live call's BXML with ``bxml`` ("Update call BXML").

        Bandwidth runs the new document at once, without a webhook round
        trip. The library checks it first as :func:`bwvoice.bxml.check_bxml`
        does (``BxmlKind.UPDATE_CALL``): well-formed XML without a DTD, root
        element ``<Bxml>``, at most 65536 bytes of UTF-8, every verb known
        (unless the client has ``allow_unknown_bxml_verbs``) with its
        attributes in range; otherwise :class:`~bwvoice.ValidationError`
        (``field == "bxml"``, the message names the line and column) and
        nothing is sent.

        ``bxml`` is text. Build it with :mod:`bwvoice.bxml`, which escapes
        caller-supplied text (a well-formed document can still carry verbs
        injected through text pasted into it)::

            from bwvoice.bxml import Bxml, SpeakSentence

            bw.update_call_bxml(account, call_id, Bxml(SpeakSentence(user_text)).to_bxml())

        Like a redirect, not repeated after a failure the server may have
        acted on (a second document restarts the script), unless the client
        has ``retry_non_idempotent``. Raises :class:`~bwvoice.ConflictError`
        (409) if the call is not answered yet, :class:`~bwvoice.NotFoundError`
        if it is unknown or has ended. ``timeout``: as for :meth:`modify_call`.
        """
        account, call, document, opts = _bxml_args(account_id, call_id, bxml, timeout)
        self._run(_ffi.update_call_bxml, account, call, document, opts)

    def pause_recording(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> None:
        """Pauses the call's recording ("Update recording", ``{"state":"paused"}``).

        E.g. while a caller reads a card number. Safe to repeat (pausing a
        paused recording is fine): retried on timeouts and 5xx. Raises
        :class:`~bwvoice.BadRequestError` when the call has no recording in
        progress, :class:`~bwvoice.NotFoundError` if it is unknown or has
        ended. ``timeout``: as for :meth:`modify_call`.
        """
        account, call, state, opts = _recording_args(
            account_id, call_id, _ffi.BW_RECORDING_STATE_PAUSED, timeout
        )
        self._run(_ffi.update_call_recording, account, call, state, opts)

    def resume_recording(
        self, account_id: str, call_id: str, *, timeout: float | None = None
    ) -> None:
        """Resumes the call's paused recording (``{"state":"recording"}``).

        As :meth:`pause_recording`.
        """
        account, call, state, opts = _recording_args(
            account_id, call_id, _ffi.BW_RECORDING_STATE_RECORDING, timeout
        )
        self._run(_ffi.update_call_recording, account, call, state, opts)

    # -- placing and listing calls --

    def create_call(
        self, account_id: str, request: CreateCallRequest, *, timeout: float | None = None
    ) -> CreatedCall:
        """Places an outbound call ("Create call"); returns what Bandwidth queued.

        Bandwidth queues the call, rings ``request.to``, and once it is
        answered fetches ``request.answer_url`` for its first BXML. The
        library checks every field first (:class:`~bwvoice.ValidationError`
        naming it, nothing sent).

        **Never sent twice once it may have reached Bandwidth**, whatever
        ``retry_non_idempotent`` says: a second request would ring a second
        phone. It is retried only when it certainly was not (no connection,
        429; not after a 503, which a proxy may send once the request got
        through). A failure with ``maybe_applied`` may have placed the call:
        find it with :meth:`iter_calls` (``to``, ``from_`` and a
        ``min_start_time`` just before the attempt); a listed call has no
        tag, but ``request.tag`` comes back in the call's webhooks.
        ``timeout``: as for :meth:`modify_call`.
        """
        account, req, opts = _create_call_args(account_id, request, timeout)
        return self._read(_CREATE_CALL, account, req, opts)

    def list_calls(
        self, account_id: str, query: ListCallsQuery | None = None, *, timeout: float | None = None
    ) -> CallPage:
        """Reads one page of the account's calls, oldest first ("Get calls").

        ``query`` filters them and picks the page (``None``: every call, the
        first page); the next page is ``dataclasses.replace(query,
        page_token=page.next_page_token)`` until that is ``None``, which
        :meth:`iter_calls` does for you. Bandwidth keeps calls for 7 days
        after they end. Safe to repeat. ``timeout``: as for :meth:`modify_call`.
        """
        account, native, opts = _list_calls_args(account_id, query, timeout)
        return self._read(_LIST_CALLS, account, native, opts)

    def iter_calls(
        self, account_id: str, query: ListCallsQuery | None = None, *, timeout: float | None = None
    ) -> Iterator[CallState]:
        """Every call ``query`` matches, page after page, oldest first.

        The arguments are converted at once (a wrong type raises here); each
        page is read when the iteration reaches it, with the same filters and
        its own ``timeout``. It stops after the page without a
        ``next_page_token``. A server that links to a page already read
        (the same token again) would make it loop forever: it raises
        :class:`~bwvoice.ProtocolError` instead, after the calls of the page
        that carried the repeated token.
        """
        account, native, opts = _list_calls_args(account_id, query, timeout)
        return self._pages(account, native, opts)

    def _pages(
        self, account: bytes, native: _ffi.bw_list_calls_query, opts: Any
    ) -> Iterator[CallState]:
        followed = list_calls.Tokens(native.page_token)
        while True:
            page = self._read(_LIST_CALLS, account, native, opts)
            yield from page.calls
            if page.next_page_token is None:
                return
            native.page_token = followed.follow(page.next_page_token)

    # -- conferences --

    def get_conference(
        self, account_id: str, conference_id: str, *, timeout: float | None = None
    ) -> Conference:
        """Reads a conference and its active members ("Get conference information").

        Safe to repeat. :class:`~bwvoice.NotFoundError` for an unknown
        conference (or one of another account). ``timeout``: as for
        :meth:`modify_call`.
        """
        account, conf, opts = _conference_args(account_id, conference_id, timeout)
        return self._read(_GET_CONFERENCE, account, conf, opts)

    def update_conference(
        self,
        account_id: str,
        conference_id: str,
        request: UpdateConferenceRequest,
        *,
        timeout: float | None = None,
    ) -> None:
        """Redirects a conference to new BXML, or ends it ("Update conference").

        ``request`` is :meth:`UpdateConferenceRequest.redirect(url, ...)
        <bwvoice.UpdateConferenceRequest.redirect>` or
        :meth:`UpdateConferenceRequest.end() <bwvoice.UpdateConferenceRequest.end>`.
        A redirect is not repeated after a failure the server may have acted
        on (unless ``retry_non_idempotent``); ending is. Raises
        :class:`~bwvoice.NotFoundError` for an unknown or ended conference.
        ``timeout``: as for :meth:`modify_call`.
        """
        account, conf, req, opts = _update_conference_args(
            account_id, conference_id, request, timeout
        )
        self._run(_ffi.update_conference, account, conf, req, opts)

    def update_conference_bxml(
        self, account_id: str, conference_id: str, bxml: str, *, timeout: float | None = None
    ) -> None:
        """Replaces a conference's BXML with ``bxml`` ("Update conference BXML").

        Checked as for :meth:`update_call_bxml`, as conference BXML (only the
        verbs a conference plays); build it with
        ``bwvoice.bxml.Bxml(..., conference=True).to_bxml()``. Not repeated
        after a failure the server may have acted on.
        :class:`~bwvoice.NotFoundError` for an unknown or ended conference.
        """
        account, conf, document, opts = _conference_bxml_args(
            account_id, conference_id, bxml, timeout
        )
        self._run(_ffi.update_conference_bxml, account, conf, document, opts)

    def get_conference_member(
        self, account_id: str, conference_id: str, member_id: str, *, timeout: float | None = None
    ) -> ConferenceMember:
        """Reads one member of a conference ("Get conference member").

        ``member_id`` is the member's call id. Safe to repeat.
        :class:`~bwvoice.NotFoundError` for an unknown conference or member.
        """
        account, conf, member, opts = _member_args(account_id, conference_id, member_id, timeout)
        return self._read(_GET_MEMBER, account, conf, member, opts)

    def update_conference_member(
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
        """Mutes or unmutes, holds or resumes a member, or sets the calls it coaches.

        ("Update conference member".) ``None`` leaves that setting as it is;
        ``call_ids_to_coach=[]`` coaches no one. At least one must be set
        (else :class:`~bwvoice.ValidationError` with ``field == "req"``).
        Safe to repeat: it sets states. ``timeout``: as for :meth:`modify_call`.
        """
        account, conf, member, req, opts = _update_member_args(
            account_id, conference_id, member_id, mute, hold, call_ids_to_coach, timeout
        )
        self._run(_ffi.update_conference_member, account, conf, member, req, opts)

    def _read(self, reader: _Reader[_T], *args: Any) -> _T:
        """Runs ``reader``'s function with ``*args, out``; copies the result out, frees it."""
        out = getattr(_ffi, reader.pointer)()
        try:
            self._run(getattr(_ffi, reader.function), *args, out)
            if not out:
                raise InternalError(f"bw_{reader.function} succeeded without a result")
            return reader.build(out.contents)
        finally:
            getattr(_ffi, reader.free)(out)  # NULL (a failure) is a no-op

    def _run(self, function: Callable[..., int], *args: Any) -> None:
        """Calls ``function(client, *args, err)`` on the native client; raises on failure."""
        err = _ffi.bw_error()
        ptr = self._handle.acquire()
        try:
            with events.deferred_interrupts():
                status = function(ptr, *args, err)
        finally:
            self._handle.release()
        if status != _ffi.BW_OK:
            raise from_native(err, status)
