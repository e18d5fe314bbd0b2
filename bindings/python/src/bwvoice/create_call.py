"""createCall: :class:`CreateCallRequest`, :class:`MachineDetection` and :class:`CreatedCall`.

The request is converted to ``bw_create_call_request`` as it is: ``None``
is "not sent", and every rule (number formats, ranges, https with
credentials, ...) is checked by the library, which names the field in a
:class:`~bwvoice.ValidationError` (``"from"``, ``"machine_detection.callback_url"``)
before anything is sent.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from . import _ffi, _model, _view
from ._convert import (
    RedirectMethod,
    c_enum,
    c_flag,
    c_method,
    c_opt_str,
    c_seconds,
    c_str,
    c_u32,
)

__all__ = ["CreateCallRequest", "CreatedCall", "MachineDetection", "MachineDetectionMode"]

#: ``MachineDetection.mode`` (case-insensitive): ``"sync"`` (the ``answer``
#: webhook waits for the result) or ``"async"`` (Bandwidth's default: a
#: ``machineDetectionComplete`` webhook to ``callback_url``).
MachineDetectionMode = Literal["sync", "async"]

_MODES: dict[str, int] = {
    "sync": _ffi.BW_MACHINE_DETECTION_SYNC,
    "async": _ffi.BW_MACHINE_DETECTION_ASYNC,
}


@dataclass(frozen=True, **_model.REQUEST)
class MachineDetection:
    """Answering-machine detection of a :class:`CreateCallRequest`. Frozen, keyword-only.

    ``None`` is "not sent". Times are whole seconds (Bandwidth mishandles
    decimals, so the library refuses them). The ``callback_*`` and
    ``fallback_*`` fields are for async mode, which needs ``callback_url``.
    Passwords are left out of ``repr``.
    """

    mode: MachineDetectionMode | None = None
    #: Seconds for the whole detection; then the result is ``timeout``.
    detection_timeout: float | None = None
    #: Seconds without speech before the result is ``silence``.
    silence_timeout: float | None = None
    #: Seconds of speech from which the callee counts as a machine.
    speech_threshold: float | None = None
    #: Seconds of silence that end the callee's speech.
    speech_end_threshold: float | None = None
    #: Seconds of silence that end a machine's message.
    machine_speech_end_threshold: float | None = None
    #: Wait until a machine's message ends before reporting it.
    delay_result: bool | None = None
    callback_url: str | None = None
    callback_method: RedirectMethod | None = None
    username: str | None = None
    password: str | None = None
    fallback_url: str | None = None
    fallback_method: RedirectMethod | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None

    __repr__ = _model.redacted_repr


@dataclass(frozen=True, **_model.REQUEST)
class CreateCallRequest:
    """The parameters of "Create call". Frozen, keyword-only; passwords are left out of ``repr``.

    ``to``, ``from_`` (the API's ``from``, a Python keyword), ``application_id``
    and ``answer_url`` are required; every other field is ``None`` (not sent)
    unless set. Keep the request: after a failure with ``maybe_applied``, its
    ``to``, ``from_`` and ``tag`` find the call (see :meth:`bwvoice.Client.create_call`).
    """

    #: The number to call (E.164, ``"+15555551212"``) or a SIP URI (``"sip:user@host"``).
    to: str
    #: A Bandwidth number of the account (E.164), shown to the callee unless ``privacy``.
    from_: str
    #: The application of the ``from_`` number.
    application_id: str
    #: Where Bandwidth fetches the call's first BXML once it is answered.
    answer_url: str
    answer_method: RedirectMethod | None = None
    #: Basic credentials for ``answer_url`` (then it must be https).
    username: str | None = None
    password: str | None = None
    answer_fallback_url: str | None = None
    answer_fallback_method: RedirectMethod | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    #: Where the ``disconnect`` event goes when the call ends.
    disconnect_url: str | None = None
    disconnect_method: RedirectMethod | None = None
    #: Hide the calling number (``display_name`` is then one of ``"Restricted"``,
    #: ``"Anonymous"``, ``"Private"``, ``"Unavailable"``).
    privacy: bool | None = None
    display_name: str | None = None
    #: User-To-User headers for a SIP ``to``: ``"<data>;encoding=jwt|base64|hex"``, comma-separated.
    uui: str | None = None
    #: Seconds the callee has to answer, 1 to 300 (Bandwidth's default 30).
    call_timeout: float | None = None
    #: Seconds Bandwidth waits for each webhook answer, 1 to 25 (default 15).
    callback_timeout: float | None = None
    #: 1 (first) to 5 (default): the call's place among the account's queued calls.
    priority: int | None = None
    #: Sent with every webhook of the call; also what finds it again after a failure.
    tag: str | None = None
    machine_detection: MachineDetection | None = None

    __repr__ = _model.redacted_repr


@dataclass(frozen=True, **_model.RESULT)
class CreatedCall:
    """The call Bandwidth queued (its ``createCallResponse``). Frozen.

    ``None`` where the server reported nothing. Methods are the server's
    text (``"POST"``); the credentials are as Bandwidth shows them (the
    passwords masked, as a rule) and left out of ``repr`` all the same.
    """

    #: The new call's id, for every later operation on it.
    call_id: str | None
    account_id: str | None
    application_id: str | None
    to: str | None
    #: The API's ``from``.
    from_: str | None
    #: The call's URL.
    call_url: str | None
    #: When the call entered the account's queue (timezone-aware UTC).
    enqueued_time: datetime | None
    call_timeout: float | None
    callback_timeout: float | None
    priority: int | None
    tag: str | None
    answer_url: str | None
    answer_method: str | None
    answer_fallback_url: str | None
    answer_fallback_method: str | None
    disconnect_url: str | None
    disconnect_method: str | None
    username: str | None
    password: str | None
    fallback_username: str | None
    fallback_password: str | None

    __repr__ = _model.redacted_repr


def _machine_detection(md: object) -> _ffi.bw_machine_detection:
    if not isinstance(md, MachineDetection):
        name = type(md).__name__
        raise TypeError(f"machine_detection must be a MachineDetection, not {name}")

    def seconds(name: str) -> float:
        return c_seconds(getattr(md, name), f"machine_detection.{name}")

    def text(name: str) -> bytes | None:
        return c_opt_str(getattr(md, name), f"machine_detection.{name}")

    return _ffi.bw_machine_detection(
        mode=c_enum(md.mode, "machine_detection.mode", _MODES, _ffi.BW_MACHINE_DETECTION_UNSET),
        detection_timeout=seconds("detection_timeout"),
        silence_timeout=seconds("silence_timeout"),
        speech_threshold=seconds("speech_threshold"),
        speech_end_threshold=seconds("speech_end_threshold"),
        machine_speech_end_threshold=seconds("machine_speech_end_threshold"),
        delay_result=c_flag(md.delay_result, "machine_detection.delay_result"),
        callback_url=text("callback_url"),
        callback_method=c_method(md.callback_method, "machine_detection.callback_method"),
        username=text("username"),
        password=text("password"),
        fallback_url=text("fallback_url"),
        fallback_method=c_method(md.fallback_method, "machine_detection.fallback_method"),
        fallback_username=text("fallback_username"),
        fallback_password=text("fallback_password"),
    )


def to_native(request: object) -> _ffi.bw_create_call_request:
    """A :class:`CreateCallRequest` as ``bw_create_call_request`` (keeping its strings alive)."""
    if not isinstance(request, CreateCallRequest):
        name = type(request).__name__
        raise TypeError(f"request must be a CreateCallRequest, not {name}")
    r = request
    req = _ffi.bw_create_call_request(
        to=c_str(r.to, "to"),
        application_id=c_str(r.application_id, "application_id"),
        answer_url=c_str(r.answer_url, "answer_url"),
        answer_method=c_method(r.answer_method, "answer_method"),
        username=c_opt_str(r.username, "username"),
        password=c_opt_str(r.password, "password"),
        answer_fallback_url=c_opt_str(r.answer_fallback_url, "answer_fallback_url"),
        answer_fallback_method=c_method(r.answer_fallback_method, "answer_fallback_method"),
        fallback_username=c_opt_str(r.fallback_username, "fallback_username"),
        fallback_password=c_opt_str(r.fallback_password, "fallback_password"),
        disconnect_url=c_opt_str(r.disconnect_url, "disconnect_url"),
        disconnect_method=c_method(r.disconnect_method, "disconnect_method"),
        privacy=c_flag(r.privacy, "privacy"),
        display_name=c_opt_str(r.display_name, "display_name"),
        uui=c_opt_str(r.uui, "uui"),
        call_timeout=c_seconds(r.call_timeout, "call_timeout"),
        callback_timeout=c_seconds(r.callback_timeout, "callback_timeout"),
        priority=c_u32(r.priority, "priority"),
        tag=c_opt_str(r.tag, "tag"),
    )
    setattr(req, "from", c_str(r.from_, "from"))  # `from` is a Python keyword
    if r.machine_detection is not None:
        # The struct keeps the pointer, and the pointer its target, alive.
        req.machine_detection = ctypes.pointer(_machine_detection(r.machine_detection))
    return req


def from_native(view: _ffi.bw_created_call) -> CreatedCall:
    """Copies a library-allocated ``bw_created_call`` (which the caller then frees)."""
    text = _view.text
    return CreatedCall(
        call_id=text(view, "call_id"),
        account_id=text(view, "account_id"),
        application_id=text(view, "application_id"),
        to=text(view, "to"),
        from_=text(view, "from"),
        call_url=text(view, "call_url"),
        enqueued_time=_view.time(view, "enqueued_time"),
        call_timeout=_view.number(view, "call_timeout"),
        callback_timeout=_view.number(view, "callback_timeout"),
        priority=_view.number(view, "priority"),
        tag=text(view, "tag"),
        answer_url=text(view, "answer_url"),
        answer_method=text(view, "answer_method"),
        answer_fallback_url=text(view, "answer_fallback_url"),
        answer_fallback_method=text(view, "answer_fallback_method"),
        disconnect_url=text(view, "disconnect_url"),
        disconnect_method=text(view, "disconnect_method"),
        username=text(view, "username"),
        password=text(view, "password"),
        fallback_username=text(view, "fallback_username"),
        fallback_password=text(view, "fallback_password"),
    )
