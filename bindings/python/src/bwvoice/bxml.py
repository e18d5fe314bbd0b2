"""BXML documents from typed objects, checked and written by the library.

One class per verb and child element the library knows (``SpeakSentence``,
``Gather``, ``PhoneNumber``...), generated from its table: content is
positional, attributes are keyword-only in snake_case (``max_digits`` for
``maxDigits``), ``None`` leaves one out::

    from bwvoice.bxml import Gather, Hangup, PlayAudio, Response, SpeakSentence, Ssml

    doc = Response(
        SpeakSentence(f"Hello {caller_name}.", voice="julie"),
        Gather(
            SpeakSentence("Press 1 for sales,", Ssml("<break/>"), "2 for support."),
            PlayAudio("https://app.example/beep.wav"),
            gather_url="/gather",
            max_digits=1,
        ),
        Hangup(),
    ).to_bxml()

:meth:`Response.to_bxml` hands the whole tree to the library, which checks
it against Bandwidth's rules (each element where it may go, each attribute
known and in range, required text, Gather's ``repeatCount``, 64 KB) and
writes it: text and attribute values are always escaped, so caller text
can never become markup; SSML goes in only as :class:`Ssml` inside
``SpeakSentence``, parsed and written anew. A document that breaks a rule
raises :class:`~bwvoice.ValidationError` whose message names the element
and attribute. The binding itself checks no value: it only refuses what
cannot be passed on (a wrong Python type is a :class:`TypeError`, a lone
surrogate a ``ValidationError``).

A verb the library does not know yet is refused (a typo such as
``SpeakSentance`` is caught) unless the document has
``allow_unknown_verbs=True``; write it as ``Verb("NewVerb", ..., someAttr=...)``
with Bandwidth's own attribute names.

:func:`check_bxml` checks a document written some other way (a template,
another library) by the same rules, e.g. in a webhook handler's tests.
``Client.update_call_bxml`` and ``update_conference_bxml`` take the text
(``Bxml(...).to_bxml()``) and run the same check before sending.
"""

from __future__ import annotations

import ctypes
import enum
import json
import threading
from typing import Union

from . import _bxml_verbs, _ffi
from ._bxml_base import Element, Ssml, _content, _repr, _string, _text, _value
from ._bxml_verbs import *  # noqa: F403 -- every typed element (its __all__)
from ._convert import c_bool, c_str
from .errors import from_native, invalid

__all__ = [
    "Bxml",
    "BxmlKind",
    "Element",
    "Response",
    "Ssml",
    "Verb",
    "check_bxml",
]
__all__ += _bxml_verbs.__all__

#: An attribute value of :class:`Verb`; ``None`` leaves it out.
AttrValue = Union[str, int, float, bool, None]


class BxmlKind(enum.IntEnum):
    """What a BXML document is for, which sets its root and the verbs it may hold."""

    #: The answer to a webhook: ``<Response>``, every verb.
    RESPONSE = _ffi.BW_BXML_RESPONSE
    #: For ``Client.update_call_bxml``: ``<Bxml>``, every verb.
    UPDATE_CALL = _ffi.BW_BXML_UPDATE_CALL
    #: For ``Client.update_conference_bxml``: ``<Bxml>`` of the verbs a
    #: conference plays (``SpeakSentence``, ``PlayAudio``, the recording verbs).
    UPDATE_CONFERENCE = _ffi.BW_BXML_UPDATE_CONFERENCE


_RESPONSE = BxmlKind.RESPONSE


class Verb(Element):
    """A verb the library does not know, e.g. one Bandwidth added after this version.

    ``Verb("NewVerb", "text", someAttr="x")``: ``name`` and the attributes
    are Bandwidth's own (camelCase); the content is text, :class:`Ssml` or
    elements. Only documents made with ``allow_unknown_verbs=True`` take it
    (and then check nothing inside it); a known name is checked as usual.
    """

    __slots__ = ()

    def __init__(self, name: str, /, *content: str | Ssml | Element, **attrs: AttrValue) -> None:
        a = "".join(["," + _string(k) + ":" + _value(v) for k, v in attrs.items() if v is not None])
        self._json = "[" + _text(name, "Verb name") + ",{" + a[1:] + "}" + _content(content) + "]"


class _Document:
    """A whole document: its kind, whether unknown verbs pass, and its verbs' JSON tree."""

    __slots__ = ("_flags", "_json", "_kind")

    _kind: BxmlKind
    #: ``bw_bxml_render_json``'s flags.
    _flags: int
    #: The JSON list of the verbs' nodes, for ``bw_bxml_render_json``.
    _json: str

    @property
    def kind(self) -> BxmlKind:
        """What the document is for."""
        return self._kind

    def to_bxml(self) -> str:
        """The document's text, checked and written by the library.

        Raises :class:`~bwvoice.ValidationError` naming the first element or
        attribute that breaks a rule of Bandwidth's (``field`` is the step
        that failed: ``"element"``, ``"name"``, ``"value"``, ``"text"``,
        ``"fragment"`` or ``"bxml"``). The same objects always give the same
        bytes, in every language bwvoice has.
        """
        try:
            tree = self._json.encode("utf-8")
        except UnicodeEncodeError as exc:  # strings are not escaped to ASCII: see _bxml_base
            bad = exc.object[exc.start : exc.end]
            raise invalid(
                "text", f"BXML text or an attribute holds {bad!r}, a lone surrogate"
            ) from None
        local = _local
        # Taken, not shared: a finalizer or signal handler that renders in
        # the middle of this render gets buffers of its own.
        scratch = local.scratch or _Scratch()
        local.scratch = None
        out, needed, err = scratch.out, scratch.needed, scratch.err
        status = _render_json(self._kind, self._flags, tree, out, _OUT_SIZE, needed, err)
        if status != _OK and err.field == b"out_size":  # a library with a larger limit
            out = ctypes.create_string_buffer(needed.value)
            status = _render_json(self._kind, self._flags, tree, out, len(out), needed, err)
        if status != _OK:
            failure = from_native(err, status)
            local.scratch = scratch
            raise failure
        text = out.value.decode("utf-8")
        local.scratch = scratch
        return text

    def __str__(self) -> str:
        return self.to_bxml()

    def __repr__(self) -> str:
        args = [_repr(node) for node in json.loads(self._json)]
        if self._kind == BxmlKind.UPDATE_CONFERENCE:
            args.append("conference=True")
        if self._flags:
            args.append("allow_unknown_verbs=True")
        return f"{type(self).__name__}({', '.join(args)})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, _Document)
            and (other._kind, other._flags, other._json) == (self._kind, self._flags, self._json)
        )

    __hash__ = None  # type: ignore[assignment]  # compared by value, like a list


class Response(_Document):
    """A webhook's answer: ``<Response>`` of any verbs.

    ``allow_unknown_verbs``: let verbs the library does not know through
    (see :class:`Verb`). Render with :meth:`to_bxml` (or ``str()``).
    """

    __slots__ = ()

    def __init__(self, *verbs: Element, allow_unknown_verbs: bool = False) -> None:
        self._kind = _RESPONSE
        self._flags = 0 if allow_unknown_verbs is False else _flags(allow_unknown_verbs)
        self._json = "[" + _content(verbs)[1:] + "]"


class Bxml(_Document):
    """A document for ``Client.update_call_bxml``: ``<Bxml>`` of any verbs.

    With ``conference=True``, for ``Client.update_conference_bxml``: only the
    verbs a conference plays (``SpeakSentence``, ``PlayAudio``, the recording
    verbs); any other is refused. ``allow_unknown_verbs``: as for
    :class:`Response`. Render with :meth:`to_bxml` (or ``str()``).
    """

    __slots__ = ()

    def __init__(
        self, *verbs: Element, conference: bool = False, allow_unknown_verbs: bool = False
    ) -> None:
        conference = c_bool(conference, "conference")
        self._kind = BxmlKind.UPDATE_CONFERENCE if conference else BxmlKind.UPDATE_CALL
        self._flags = 0 if allow_unknown_verbs is False else _flags(allow_unknown_verbs)
        self._json = "[" + _content(verbs)[1:] + "]"


def check_bxml(
    document: str, kind: BxmlKind = BxmlKind.RESPONSE, *, allow_unknown_verbs: bool = False
) -> None:
    """Checks ``document`` as BXML of ``kind`` by the rules the builder follows.

    At most 64 KB, well-formed without a DTD, the root ``kind`` needs, every
    element where it may be, every attribute known with its value in range,
    required text, rules across attributes. Returns ``None``, or raises
    :class:`~bwvoice.ValidationError` (``field == "bxml"``) naming the first
    problem's element or attribute and its line and column.
    """
    text = c_str(document, "bxml", "document")
    if isinstance(kind, bool) or not isinstance(kind, int):
        raise TypeError(f"kind must be a BxmlKind, not {type(kind).__name__}")
    err = _ffi.bw_error()
    status = _ffi.bxml_check(text, kind, _flags(allow_unknown_verbs), err)
    if status != _ffi.BW_OK:
        raise from_native(err, status)


# --- rendering: one bw_bxml_render_json per document --------------------------------

#: Every document fits: the library refuses more than BW_MAX_BXML_BYTES.
_OUT_SIZE = _ffi.BW_MAX_BXML_BYTES + 1


class _Scratch:
    """A render buffer and an error struct, made once per thread and reused."""

    __slots__ = ("err", "needed", "out")

    def __init__(self) -> None:
        self.out = ctypes.create_string_buffer(_OUT_SIZE)
        self.needed = ctypes.c_size_t()
        self.err = _ffi.bw_error()


class _Local(threading.local):
    """Each thread's :class:`_Scratch`, ``None`` while a render uses it."""

    def __init__(self) -> None:
        self.scratch: _Scratch | None = _Scratch()


_local = _Local()


#: Looked up once: a document is one call.
_render_json, _OK = _ffi.bxml_render_json, _ffi.BW_OK


def _flags(allow_unknown_verbs: object) -> int:
    allow = c_bool(allow_unknown_verbs, "allow_unknown_verbs")
    return _ffi.BW_BXML_ALLOW_UNKNOWN_VERBS if allow else 0
