"""bwvoice: place and control Bandwidth Voice API calls and conferences.

Place a call, list the account's calls; redirect a call, hang it up, read its
state, replace its BXML, pause or resume its recording; read, redirect or
end a conference, mute or hold its members. A thin binding of the native
``libbwvoice`` library::

    import bwvoice

    with bwvoice.Client(client_id="...", client_secret="...") as bw:
        if bw.get_call_state("9900000", call_id).state == "answered":
            bw.redirect("9900000", call_id, "https://app.example/next", tag="step-2")
        bw.hangup("9900000", other_call_id, timeout=5)

:class:`AsyncClient` offers the same operations as coroutines (run on the
library's worker threads)::

    async with bwvoice.AsyncClient(client_id="...", client_secret="...") as bw:
        await bw.hangup("9900000", call_id)

:mod:`bwvoice.bxml` builds BXML documents from typed verbs (``SpeakSentence``,
``Gather``...), checked against Bandwidth's rules and escaped by the library;
:func:`check_bxml` checks a document written otherwise.

:func:`parse_callback` reads Bandwidth's callbacks (webhooks) into a
:class:`Callback`, :func:`check_callback_auth` checks their credentials, and
:mod:`bwvoice.webhooks` serves a handler as a WSGI or ASGI application.

Failures raise :class:`BandwidthError` subclasses (see :mod:`bwvoice.errors`).
Every client logs its attempts and retries to the ``bwvoice`` logger, takes an
``on_event`` callable (given :class:`Event` objects) and has ``stats()``
(a :class:`Stats`).
"""

from . import bxml, errors, webhooks
from ._ffi import LIBRARY_PATH, library_version
from ._version import __version__
from .async_client import AsyncClient
from .bxml import BxmlKind, check_bxml
from .call_state import CallState
from .callback import (
    Callback,
    CallbackAuth,
    CallbackEvent,
    MachineDetectionResult,
    MediaStream,
    Transcription,
    challenge_header,
    check_callback_auth,
    parse_callback,
    parse_callback_query,
)
from .client import RETRY_BUDGET_OFF, Client, RedirectMethod, RequestedState, TlsRoots
from .conference import Conference, ConferenceMember, ConferenceStatus, UpdateConferenceRequest
from .create_call import CreateCallRequest, CreatedCall, MachineDetection, MachineDetectionMode
from .errors import *  # noqa: F403 -- every exception (errors.__all__ lists them)
from .events import Event, EventKind
from .list_calls import CallPage, ListCallsQuery
from .stats import Stats

__all__ = [
    "LIBRARY_PATH",
    "RETRY_BUDGET_OFF",
    "AsyncClient",
    "BxmlKind",
    "CallPage",
    "CallState",
    "Callback",
    "CallbackAuth",
    "CallbackEvent",
    "Client",
    "Conference",
    "ConferenceMember",
    "ConferenceStatus",
    "CreateCallRequest",
    "CreatedCall",
    "Event",
    "EventKind",
    "ListCallsQuery",
    "MachineDetection",
    "MachineDetectionMode",
    "MachineDetectionResult",
    "MediaStream",
    "RedirectMethod",
    "RequestedState",
    "Stats",
    "TlsRoots",
    "Transcription",
    "UpdateConferenceRequest",
    "__version__",
    "bxml",
    "challenge_header",
    "check_bxml",
    "check_callback_auth",
    "library_version",
    "parse_callback",
    "parse_callback_query",
    "webhooks",
]
__all__ += errors.__all__
