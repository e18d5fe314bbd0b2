"""Bandwidth's Voice callbacks (webhooks): read one, check who sent it.

:func:`parse_callback` reads a callback's JSON body (a POST, the default)
and :func:`parse_callback_query` its query string (a GET) into one typed,
immutable :class:`Callback`, whatever the event; the library does the
reading and the binding only copies its result. :func:`check_callback_auth`
judges a request's ``Authorization`` header against the credentials set for
callbacks, and :func:`challenge_header` writes the ``WWW-Authenticate`` value
of the ``401`` Bandwidth waits for before it sends them::

    verdict = bwvoice.check_callback_auth(headers.get("Authorization"), user, secret)
    if verdict is bwvoice.CallbackAuth.CHALLENGE:
        return 401, {"WWW-Authenticate": bwvoice.challenge_header("voice")}
    if verdict is bwvoice.CallbackAuth.REFUSED:
        return 403, {}
    callback = bwvoice.parse_callback(body)

:mod:`bwvoice.webhooks` does all of this for a WSGI or ASGI application.
"""

from __future__ import annotations

import ctypes
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import _ffi, _view, errors
from ._convert import c_str
from ._model import RESULT
from .errors import invalid

__all__ = [
    "Callback",
    "CallbackAuth",
    "CallbackEvent",
    "MachineDetectionResult",
    "MediaStream",
    "Transcription",
    "challenge_header",
    "check_callback_auth",
    "parse_callback",
    "parse_callback_query",
]


class CallbackEvent(enum.IntEnum):
    """The event a callback reports (``BW_CALLBACK_*``).

    ``UNKNOWN`` is an ``eventType`` this library does not know (Bandwidth adds
    events): :attr:`Callback.event_type` holds its name, and the callback is
    read with every field the library knows.
    """

    UNKNOWN = _ffi.BW_CALLBACK_UNKNOWN
    ANSWER = _ffi.BW_CALLBACK_ANSWER
    BRIDGE_COMPLETE = _ffi.BW_CALLBACK_BRIDGE_COMPLETE
    BRIDGE_TARGET_COMPLETE = _ffi.BW_CALLBACK_BRIDGE_TARGET_COMPLETE
    CONFERENCE_CREATED = _ffi.BW_CALLBACK_CONFERENCE_CREATED
    CONFERENCE_REDIRECT = _ffi.BW_CALLBACK_CONFERENCE_REDIRECT
    CONFERENCE_MEMBER_JOIN = _ffi.BW_CALLBACK_CONFERENCE_MEMBER_JOIN
    CONFERENCE_MEMBER_EXIT = _ffi.BW_CALLBACK_CONFERENCE_MEMBER_EXIT
    CONFERENCE_COMPLETED = _ffi.BW_CALLBACK_CONFERENCE_COMPLETED
    CONFERENCE_RECORDING_AVAILABLE = _ffi.BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE
    DISCONNECT = _ffi.BW_CALLBACK_DISCONNECT
    DTMF = _ffi.BW_CALLBACK_DTMF
    GATHER = _ffi.BW_CALLBACK_GATHER
    INITIATE = _ffi.BW_CALLBACK_INITIATE
    MACHINE_DETECTION_COMPLETE = _ffi.BW_CALLBACK_MACHINE_DETECTION_COMPLETE
    #: ``recordingComplete``, or ``recordComplete`` as the documentation spells it.
    RECORDING_COMPLETE = _ffi.BW_CALLBACK_RECORDING_COMPLETE
    RECORDING_AVAILABLE = _ffi.BW_CALLBACK_RECORDING_AVAILABLE
    REDIRECT = _ffi.BW_CALLBACK_REDIRECT
    TRANSCRIPTION_AVAILABLE = _ffi.BW_CALLBACK_TRANSCRIPTION_AVAILABLE
    TRANSFER_ANSWER = _ffi.BW_CALLBACK_TRANSFER_ANSWER
    TRANSFER_COMPLETE = _ffi.BW_CALLBACK_TRANSFER_COMPLETE
    TRANSFER_DISCONNECT = _ffi.BW_CALLBACK_TRANSFER_DISCONNECT
    MEDIA_STREAM_STARTED = _ffi.BW_CALLBACK_MEDIA_STREAM_STARTED
    MEDIA_STREAM_STOPPED = _ffi.BW_CALLBACK_MEDIA_STREAM_STOPPED
    MEDIA_STREAM_REJECTED = _ffi.BW_CALLBACK_MEDIA_STREAM_REJECTED
    #: ``realTimeTranscription*``, also spelt ``realtimeTranscription*``.
    REAL_TIME_TRANSCRIPTION_STARTED = _ffi.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED
    REAL_TIME_TRANSCRIPTION_AVAILABLE = _ffi.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE
    REAL_TIME_TRANSCRIPTION_STOPPED = _ffi.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED
    REAL_TIME_TRANSCRIPTION_REJECTED = _ffi.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED


class CallbackAuth(enum.IntEnum):
    """The verdict of :func:`check_callback_auth` (``BW_CALLBACK_AUTH_*``)."""

    #: The expected credentials: handle the callback.
    OK = _ffi.BW_CALLBACK_AUTH_OK
    #: No credentials, or not Basic ones: answer ``401`` with
    #: ``WWW-Authenticate: <challenge_header(realm)>``; Bandwidth then sends
    #: the callback again with its credentials.
    CHALLENGE = _ffi.BW_CALLBACK_AUTH_CHALLENGE
    #: Basic credentials that are wrong or malformed: answer ``403``.
    REFUSED = _ffi.BW_CALLBACK_AUTH_REFUSED


@dataclass(frozen=True, **RESULT)
class MachineDetectionResult:
    """Answering machine detection's result (``machineDetectionResult``)."""

    #: ``"human"``, ``"answering-machine"``, ``"silence"``, ``"timeout"``,
    #: ``"error"``, or a newer value.
    value: str | None
    #: How long detection took, ISO 8601 (``"PT4.98S"``).
    duration: str | None


@dataclass(frozen=True, **RESULT)
class Transcription:
    """A recording's transcription, or a real-time one (which also has the rest)."""

    id: str | None
    name: str | None
    #: ``"available"``, ``"error"``, ``"timeout"``, ``"failed"``, ... or a newer value.
    status: str | None
    url: str | None
    completed_time: datetime | None
    start_time: datetime | None
    #: ISO 8601 (``"PT1M52.2S"``).
    duration: str | None
    destination: str | None
    stabilized: bool | None
    #: ``"inbound"``, ``"outbound"``.
    tracks: tuple[str, ...]


@dataclass(frozen=True, **RESULT)
class MediaStream:
    """A media stream started by ``<StartStream>``."""

    id: str | None
    name: str | None
    #: Where the media goes (``"wss://..."``).
    destination: str | None
    #: ``"WebSocket"`` (the JSON ``type``).
    stream_type: str | None
    start_time: datetime | None
    #: How long it ran, ISO 8601.
    duration: str | None
    #: ``"inbound"``, ``"outbound"``.
    tracks: tuple[str, ...]


@dataclass(frozen=True, **RESULT)
class Callback:
    """One Voice callback, whatever its event. Frozen (and slotted on 3.10+).

    An attribute is ``None`` when the callback did not carry the field (or
    sent ``null``). Text Bandwidth documents as a set of values
    (``direction``, ``cause``, ``status``, ``file_format``,
    ``machine_detection_result.value``) is as sent, never checked against a
    list: treat a value you do not know as "other". The ``*_time``
    attributes are timezone-aware UTC :class:`~datetime.datetime` values
    (millisecond precision). ``from_`` is the JSON ``from``. ``diversion``,
    ``stir_shaken`` and ``sip_headers`` (``initiate``) map each key to its
    value, sorted by key, empty when absent (a value sent as a number or
    boolean is its JSON text); like :attr:`CallState.stir_shaken
    <bwvoice.CallState.stir_shaken>` they are fresh ``dict`` objects typed
    ``Mapping`` and left out of ``hash()``.
    """

    #: The event; ``UNKNOWN`` for one this library does not know.
    event: CallbackEvent
    #: ``eventType`` as sent (``"recordComplete"`` stays so).
    event_type: str
    event_time: datetime | None
    account_id: str | None
    application_id: str | None
    #: The call (for conference member events: the member's call).
    call_id: str | None
    call_url: str | None
    #: For the B-leg of a ``<Transfer>``: the A-leg's call id.
    parent_call_id: str | None
    conference_id: str | None
    #: The conference's name.
    name: str | None
    #: The caller: E.164, a SIP URI, or ``"Private"``, ``"Anonymous"``... (text).
    from_: str | None
    to: str | None
    #: ``"inbound"`` or ``"outbound"``.
    direction: str | None
    tag: str | None
    enqueued_time: datetime | None
    start_time: datetime | None
    answer_time: datetime | None
    end_time: datetime | None
    #: ``gather``: the digits (empty on a timeout).
    digits: str | None
    #: ``dtmf``: the digit.
    digit: str | None
    #: ``gather``: the digit that ended it (empty when none).
    terminating_digit: str | None
    #: ``"hangup"``, ``"busy"``, ``"timeout"``, ..., ``"closed"`` (streams), or newer.
    cause: str | None
    error_message: str | None
    error_id: str | None
    #: ``disconnect``: the SIP status of a rejected outbound INVITE.
    sip_response_code: int | None
    #: The recording's channels.
    channels: int | None
    machine_detection_result: MachineDetectionResult | None
    recording_id: str | None
    media_url: str | None
    #: The recording's length, ISO 8601.
    duration: str | None
    #: ``"wav"`` or ``"mp3"``.
    file_format: str | None
    #: The recording's state: ``"complete"``, ``"partial"``, ``"error"``, or newer.
    status: str | None
    #: ``transcriptionAvailable``'s transcription.
    transcription: Transcription | None
    transfer_caller_id: str | None
    transfer_to: str | None
    #: ``initiate``: the Diversion header's parameters (``origTo``, ``reason``...).
    diversion: Mapping[str, str] = field(hash=False)
    #: ``initiate``: STIR/SHAKEN (``verstat``, ``attestationIndicator``...).
    stir_shaken: Mapping[str, str] = field(hash=False)
    #: ``initiate``: the ``User-To-User`` header.
    uui: str | None
    sip_call_id: str | None
    #: ``initiate``: the INVITE's ``X-`` headers (lower-case names).
    sip_headers: Mapping[str, str] = field(hash=False)
    media_stream: MediaStream | None
    #: ``mediaStreamRejected``: the stream already running under that name.
    original_media_stream: MediaStream | None
    real_time_transcription: Transcription | None
    #: ``realTimeTranscriptionRejected``: the one already running under that name.
    original_transcription: Transcription | None
    #: ``mediaStreamRejected``: why.
    reason: str | None


# --- reading the library's bw_callback -------------------------------------------------


def _nested(view: ctypes.Structure, name: str) -> Any:
    """The struct a nested pointer points to, or ``None``."""
    pointer = _view.field(view, name)
    return pointer.contents if pointer else None


def _pairs(view: ctypes.Structure, name: str) -> dict[str, str]:
    return {
        pair.key.decode("utf-8"): pair.value.decode("utf-8") for pair in _view.items(view, name)
    }


def _integer(view: ctypes.Structure, name: str) -> int | None:
    """A number the library reports as -1 when absent."""
    value: int | None = _view.field(view, name)
    return None if value is None or value < 0 else value


def _machine_detection(view: ctypes.Structure) -> MachineDetectionResult | None:
    native = _nested(view, "machine_detection_result")
    if native is None:
        return None
    return MachineDetectionResult(
        value=_view.text(native, "value"), duration=_view.text(native, "duration")
    )


def _transcription(view: ctypes.Structure, name: str) -> Transcription | None:
    native = _nested(view, name)
    if native is None:
        return None
    return Transcription(
        id=_view.text(native, "id"),
        name=_view.text(native, "name"),
        status=_view.text(native, "status"),
        url=_view.text(native, "url"),
        completed_time=_view.time(native, "completed_time"),
        start_time=_view.time(native, "start_time"),
        duration=_view.text(native, "duration"),
        destination=_view.text(native, "destination"),
        stabilized=_view.flag(native, "stabilized"),
        tracks=tuple(_view.texts(native, "tracks")),
    )


def _media_stream(view: ctypes.Structure, name: str) -> MediaStream | None:
    native = _nested(view, name)
    if native is None:
        return None
    return MediaStream(
        id=_view.text(native, "id"),
        name=_view.text(native, "name"),
        destination=_view.text(native, "destination"),
        stream_type=_view.text(native, "stream_type"),
        start_time=_view.time(native, "start_time"),
        duration=_view.text(native, "duration"),
        tracks=tuple(_view.texts(native, "tracks")),
    )


def _event(code: int) -> CallbackEvent:
    # A newer library may report an event this package does not list yet.
    try:
        return CallbackEvent(code)
    except ValueError:
        return CallbackEvent.UNKNOWN


def from_native(view: _ffi.bw_callback) -> Callback:
    """Copies a library-allocated ``bw_callback`` (which the caller then frees)."""
    text, time = _view.text, _view.time
    return Callback(
        event=_event(view.event),
        event_type=text(view, "event_type") or "",
        event_time=time(view, "event_time"),
        account_id=text(view, "account_id"),
        application_id=text(view, "application_id"),
        call_id=text(view, "call_id"),
        call_url=text(view, "call_url"),
        parent_call_id=text(view, "parent_call_id"),
        conference_id=text(view, "conference_id"),
        name=text(view, "name"),
        from_=text(view, "from"),
        to=text(view, "to"),
        direction=text(view, "direction"),
        tag=text(view, "tag"),
        enqueued_time=time(view, "enqueued_time"),
        start_time=time(view, "start_time"),
        answer_time=time(view, "answer_time"),
        end_time=time(view, "end_time"),
        digits=text(view, "digits"),
        digit=text(view, "digit"),
        terminating_digit=text(view, "terminating_digit"),
        cause=text(view, "cause"),
        error_message=text(view, "error_message"),
        error_id=text(view, "error_id"),
        sip_response_code=_integer(view, "sip_response_code"),
        channels=_integer(view, "channels"),
        machine_detection_result=_machine_detection(view),
        recording_id=text(view, "recording_id"),
        media_url=text(view, "media_url"),
        duration=text(view, "duration"),
        file_format=text(view, "file_format"),
        status=text(view, "status"),
        transcription=_transcription(view, "transcription"),
        transfer_caller_id=text(view, "transfer_caller_id"),
        transfer_to=text(view, "transfer_to"),
        diversion=_pairs(view, "diversion"),
        stir_shaken=_pairs(view, "stir_shaken"),
        uui=text(view, "uui"),
        sip_call_id=text(view, "sip_call_id"),
        sip_headers=_pairs(view, "sip_headers"),
        media_stream=_media_stream(view, "media_stream"),
        original_media_stream=_media_stream(view, "original_media_stream"),
        real_time_transcription=_transcription(view, "real_time_transcription"),
        original_transcription=_transcription(view, "original_transcription"),
        reason=text(view, "reason"),
    )


def _read(function: Any, *args: Any) -> Callback:
    out = _ffi.CallbackPtr()
    err = _ffi.bw_error()
    status = function(*args, out, err)
    if status != _ffi.BW_OK:
        raise errors.from_native(err, status)
    try:
        return from_native(out.contents)
    finally:
        _ffi.callback_free(out)


def _bytes(value: object, field: str) -> bytes:
    """``str`` as UTF-8; ``bytes``-like as it is."""
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid(field, f"{field} is not valid Unicode (lone surrogate)") from None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{field} must be bytes or str, not {type(value).__name__}")


def parse_callback(body: bytes | str) -> Callback:
    """Reads a callback POST's JSON body (at most 64 KiB).

    Raises :class:`~bwvoice.ValidationError` whose ``field`` names the
    problem: ``"body"`` (not JSON, not an object, too large), ``"event_type"``
    (missing) or the member of the wrong type (``"event_time"``,
    ``"transcription"``...). An unknown ``eventType`` is not an error.
    """
    data = _bytes(body, "body")
    return _read(_ffi.callback_parse, data, len(data))


def parse_callback_query(query: str | bytes) -> Callback:
    """Reads a callback GET's query string (with or without its ``?``).

    Names and values are percent-decoded; nested objects come as dotted names
    (``machineDetectionResult.value=human``), ``tracks`` as comma-separated
    text. Errors as :func:`parse_callback`, ``field == "query"`` for the whole.
    """
    data = _bytes(query, "query")
    if b"\0" in data:
        raise invalid("query", "query contains a NUL character")
    return _read(_ffi.callback_parse_query, data)


def check_callback_auth(authorization: str | None, username: str, password: str) -> CallbackAuth:
    """Judges a callback request's ``Authorization`` header (``None`` when it has none).

    ``username`` and ``password`` are the credentials set for callbacks (on
    the Voice application, or a call's ``username``/``password``); both are
    compared in constant time. An empty one raises
    :class:`~bwvoice.ValidationError`. See :class:`CallbackAuth` for what to
    answer.
    """
    header = None if authorization is None else c_str(authorization, "authorization")
    user = c_str(username, "username")
    secret = c_str(password, "password")
    verdict = _ffi.bw_callback_auth()
    err = _ffi.bw_error()
    status = _ffi.callback_check_auth(header, user, secret, verdict, err)
    if status != _ffi.BW_OK:
        raise errors.from_native(err, status)
    return CallbackAuth(verdict.value)


def challenge_header(realm: str = "") -> str:
    r"""The ``WWW-Authenticate`` value of the ``401`` asking for credentials.

    ``Basic realm="<realm>"`` with ``"`` and ``\\`` escaped. A realm with
    control characters or anything but ASCII raises
    :class:`~bwvoice.ValidationError` (``field == "realm"``).
    """
    text = c_str(realm, "realm")
    needed = ctypes.c_size_t()
    err = _ffi.bw_error()
    out = ctypes.create_string_buffer(64 + 2 * len(text))  # every escape doubles a byte at most
    status = _ffi.callback_challenge(text, out, len(out), needed, err)
    if status != _ffi.BW_OK and needed.value > len(out):  # a library that writes more
        out = ctypes.create_string_buffer(needed.value)
        status = _ffi.callback_challenge(text, out, len(out), needed, err)
    if status != _ffi.BW_OK:
        raise errors.from_native(err, status)
    return out.value.decode("ascii")
