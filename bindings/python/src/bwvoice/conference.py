"""Conferences: :class:`UpdateConferenceRequest`, :class:`Conference`, :class:`ConferenceMember`.

Conferences are made by the ``<Conference>`` verb of your BXML; these read
and steer them. The request is converted as it is (every rule, e.g. no
redirect fields with ``status="completed"``, is the library's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from . import _ffi, _model, _view
from ._convert import (
    RedirectMethod,
    c_enum,
    c_flag,
    c_method,
    c_opt_str,
    c_str_list,
    required,
)

__all__ = ["Conference", "ConferenceMember", "ConferenceStatus", "UpdateConferenceRequest"]

#: ``UpdateConferenceRequest.status`` (case-insensitive): ``"active"`` keeps the
#: conference (with a redirect), ``"completed"`` ends it.
ConferenceStatus = Literal["active", "completed"]

_STATUSES: dict[str, int] = {
    "active": _ffi.BW_CONFERENCE_STATUS_ACTIVE,
    "completed": _ffi.BW_CONFERENCE_STATUS_COMPLETED,
}


@dataclass(frozen=True, **_model.REQUEST)
class UpdateConferenceRequest:
    """The parameters of "Update conference". Frozen, keyword-only; passwords not in ``repr``.

    Either a redirect (:meth:`redirect`: Bandwidth asks ``redirect_url`` for
    BXML to run in the conference, with a ``conferenceRedirect`` event) or
    the end of the conference (:meth:`end`: every member leaves and goes on
    with its own BXML). ``None`` is "not sent".
    """

    status: ConferenceStatus | None = None
    redirect_url: str | None = None
    redirect_method: RedirectMethod | None = None
    #: Basic credentials Bandwidth sends to ``redirect_url``.
    username: str | None = None
    password: str | None = None
    redirect_fallback_url: str | None = None
    redirect_fallback_method: RedirectMethod | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None

    __repr__ = _model.redacted_repr

    @classmethod
    def redirect(
        cls,
        url: str,
        *,
        redirect_method: RedirectMethod | None = None,
        username: str | None = None,
        password: str | None = None,
        redirect_fallback_url: str | None = None,
        redirect_fallback_method: RedirectMethod | None = None,
        fallback_username: str | None = None,
        fallback_password: str | None = None,
    ) -> UpdateConferenceRequest:
        """A redirect to the BXML served at ``url`` (``status`` is not sent: it stays active)."""
        return cls(
            redirect_url=required(url, "redirect_url"),
            redirect_method=redirect_method,
            username=username,
            password=password,
            redirect_fallback_url=redirect_fallback_url,
            redirect_fallback_method=redirect_fallback_method,
            fallback_username=fallback_username,
            fallback_password=fallback_password,
        )

    @classmethod
    def end(cls) -> UpdateConferenceRequest:
        """Ends the conference: exactly ``{"status":"completed"}``. Safe to repeat."""
        return cls(status="completed")


@dataclass(frozen=True, **_model.RESULT)
class ConferenceMember:
    """A member of a conference ("Get conference member"). Frozen.

    ``mute`` / ``hold`` are ``None`` when the server did not report them.
    ``call_ids_to_coach`` is a fresh ``list`` (empty when none; left out of
    ``hash()``).
    """

    #: The member's call; also its member id.
    call_id: str | None
    conference_id: str | None
    #: The member's URL.
    member_url: str | None
    #: Muted: it still hears the others.
    mute: bool | None
    #: On hold: it neither hears nor is heard.
    hold: bool | None
    #: The calls this member coaches (they hear it; the rest do not).
    call_ids_to_coach: list[str] = field(hash=False)


@dataclass(frozen=True, **_model.RESULT)
class Conference:
    """A conference and its active members ("Get conference information"). Frozen.

    ``None`` where the server reported nothing; times are timezone-aware UTC
    :class:`~datetime.datetime` values. ``active_members`` is a fresh
    ``list`` (left out of ``hash()``).
    """

    id: str | None
    #: The name the application gave it in ``<Conference>``.
    name: str | None
    created_time: datetime | None
    #: When it ended; ``None`` while it goes on.
    completed_time: datetime | None
    conference_event_url: str | None
    #: The server's text (``"POST"``, ``"GET"``).
    conference_event_method: str | None
    tag: str | None
    active_members: list[ConferenceMember] = field(hash=False)


def update_to_native(request: object) -> _ffi.bw_update_conference_request:
    """An :class:`UpdateConferenceRequest` as ``bw_update_conference_request``."""
    if not isinstance(request, UpdateConferenceRequest):
        name = type(request).__name__
        raise TypeError(f"request must be an UpdateConferenceRequest, not {name}")
    r = request
    return _ffi.bw_update_conference_request(
        status=c_enum(r.status, "status", _STATUSES, _ffi.BW_CONFERENCE_STATUS_UNSET),
        redirect_url=c_opt_str(r.redirect_url, "redirect_url"),
        redirect_method=c_method(r.redirect_method, "redirect_method"),
        username=c_opt_str(r.username, "username"),
        password=c_opt_str(r.password, "password"),
        redirect_fallback_url=c_opt_str(r.redirect_fallback_url, "redirect_fallback_url"),
        redirect_fallback_method=c_method(r.redirect_fallback_method, "redirect_fallback_method"),
        fallback_username=c_opt_str(r.fallback_username, "fallback_username"),
        fallback_password=c_opt_str(r.fallback_password, "fallback_password"),
    )


def member_update_to_native(
    mute: object, hold: object, call_ids_to_coach: object
) -> _ffi.bw_update_conference_member_request:
    """``update_conference_member``'s keywords as ``bw_update_conference_member_request``."""
    req = _ffi.bw_update_conference_member_request(
        mute=c_flag(mute, "mute"), hold=c_flag(hold, "hold")
    )
    if call_ids_to_coach is not None:  # NULL leaves the list; an empty one coaches no one
        ids, count = c_str_list(call_ids_to_coach, "call_ids_to_coach")
        req.call_ids_to_coach, req.call_ids_to_coach_len = ids, count
    return req


def member_from_native(view: _ffi.bw_conference_member) -> ConferenceMember:
    """Copies a library-allocated ``bw_conference_member``."""
    return ConferenceMember(
        call_id=_view.text(view, "call_id"),
        conference_id=_view.text(view, "conference_id"),
        member_url=_view.text(view, "member_url"),
        mute=_view.flag(view, "mute"),
        hold=_view.flag(view, "hold"),
        call_ids_to_coach=_view.texts(view, "call_ids_to_coach"),
    )


def from_native(view: _ffi.bw_conference) -> Conference:
    """Copies a library-allocated ``bw_conference`` with its members."""
    return Conference(
        id=_view.text(view, "id"),
        name=_view.text(view, "name"),
        created_time=_view.time(view, "created_time"),
        completed_time=_view.time(view, "completed_time"),
        conference_event_url=_view.text(view, "conference_event_url"),
        conference_event_method=_view.text(view, "conference_event_method"),
        tag=_view.text(view, "tag"),
        active_members=[member_from_native(m) for m in _view.structs(view, "active_members")],
    )
