"""What every BXML element object shares: its node of the library's JSON tree, as text.

``bw_bxml_render_json`` reads a JSON list of nodes: ``"text"``,
``{"ssml": "fragment"}``, or ``["Name", {"bxmlName": value, ...}, node, ...]``.
Each element writes its own node's JSON when it is made (attributes left
at ``None`` are left out), from its content's, so a document is one string
join and one foreign call whatever its size. Strings are escaped by the
json module's own encoder function; numbers and booleans are written as
JSON writes them. Nothing here checks a value: the library does.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any, ClassVar

#: A ``str`` as a JSON string (C, from the json module), UTF-8 rather than ``\\u``
#: escapes: a lone surrogate then fails the document's encoding, with a clear error.
_string = encode_basestring


class Ssml:
    """An SSML fragment for :class:`~bwvoice.bxml.SpeakSentence`, e.g. ``Ssml('<break/>')``.

    Plain ``str`` content is always escaped: it can never become markup.
    An ``Ssml`` fragment is the one way to put tags into speech; the library
    takes only the SSML tags Bandwidth's text-to-speech knows, with their
    attributes, and writes them anew (``ValidationError`` otherwise, when the
    document is rendered). Only inside ``SpeakSentence``.
    """

    __slots__ = ("_json", "fragment")

    def __init__(self, fragment: str, /) -> None:
        if not isinstance(fragment, str):
            raise TypeError(f"Ssml takes a str, not {type(fragment).__name__}")
        self.fragment = str(fragment)
        self._json = '{"ssml":' + _string(self.fragment) + "}"

    def __repr__(self) -> str:
        return f"Ssml({self.fragment!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ssml) and other.fragment == self.fragment

    def __hash__(self) -> int:
        return hash((Ssml, self.fragment))


#: The classes whose objects hold their node in ``_json`` (a set: looked up by exact type).
_NODES: set[type] = {Ssml}


class Element:
    """A BXML element: a verb, or a child element such as ``PhoneNumber``.

    The typed classes of :mod:`bwvoice.bxml` (one per element the library
    knows) and :class:`~bwvoice.bxml.Verb` (one it does not) derive from
    it. Immutable once made; equal when they would render alike.
    """

    __slots__ = ("_json",)

    #: The element's name in BXML.
    element: ClassVar[str] = ""
    #: Each keyword argument's name and the BXML attribute it sets, in the
    #: order Bandwidth lists them (the order they are written in).
    attributes: ClassVar[tuple[tuple[str, str], ...]] = ()

    #: Its node of the library's JSON tree.
    _json: str

    #: Every typed class by element name, for ``repr``.
    _classes: ClassVar[dict[str, type[Element]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _NODES.add(cls)
        if cls.element:
            Element._classes[cls.element] = cls

    def __repr__(self) -> str:
        return _repr(json.loads(self._json))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and other._json == self._json

    def __hash__(self) -> int:
        return hash(self._json)


def _repr(node: Any) -> str:
    """A node of the JSON tree as the Python expression that makes it."""
    if isinstance(node, str):
        return repr(node)
    if isinstance(node, dict):
        return f"Ssml({node['ssml']!r})"
    name, attrs, *content = node
    cls = Element._classes.get(name)
    if cls is None:  # a verb the library does not know: Verb(name, ...)
        label, args, python = "Verb", [repr(name)], {}
    else:
        label, args, python = cls.__name__, [], {bxml: py for py, bxml in cls.attributes}
    args += [_repr(item) for item in content]
    for key, value in attrs.items():
        name = python.get(key, key)
        args.append(f"{name}={value!r}" if name.isidentifier() else f"**{{{key!r}: {value!r}}}")
    return f"{label}({', '.join(args)})"


def _value(value: object) -> str:
    """An attribute value as JSON: text, a number or a boolean.

    NaN and infinity, which JSON cannot hold, go as their text (``"nan"``),
    which the library then refuses naming the attribute, as it refuses any
    value out of range.
    """
    if type(value) is str:
        return _string(value)
    if type(value) is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value)) if math.isfinite(value) else _string(repr(value))
    if isinstance(value, str):
        return _string(str(value))
    raise TypeError(f"a BXML attribute is text, a number or a boolean, not {type(value).__name__}")


def _content(items: tuple[object, ...]) -> str:
    """Content (``str``, :class:`Ssml`, :class:`Element`) as ``,node,node...``."""
    out = ""
    for item in items:  # a loop, not a join: most elements hold one or two items
        if type(item) is str:
            out += "," + _string(item)
        elif type(item) in _NODES:
            out += "," + item._json  # type: ignore[attr-defined]  # what _NODES holds
        else:
            out += "," + _node(item)
    return out


def _node(item: object) -> str:
    if isinstance(item, (Element, Ssml)):
        return item._json
    if isinstance(item, str):
        return _string(str(item))
    raise TypeError(f"BXML content is str, Ssml or an element, not {type(item).__name__}")


def _text(value: object, what: str) -> str:
    """A required ``str`` as a JSON string node."""
    if type(value) is str:
        return _string(value)
    if isinstance(value, str):
        return _string(str(value))
    raise TypeError(f"{what} must be a str, not {type(value).__name__}")
