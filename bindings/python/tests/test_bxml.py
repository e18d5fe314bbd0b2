"""``bwvoice.bxml``: typed BXML built, checked and written by the library (no mocks)."""

from __future__ import annotations

import importlib.util
import json
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import bwvoice
from bwvoice import bxml
from bwvoice.bxml import (
    Bxml,
    BxmlKind,
    Conference,
    Element,
    Gather,
    Hangup,
    Pause,
    PhoneNumber,
    PlayAudio,
    Redirect,
    Response,
    SpeakSentence,
    Ssml,
    Transfer,
    Verb,
    check_bxml,
)
from helpers import Either
from simulator import ACCOUNT, REPO, Simulator

SAME = REPO / "tests" / "data" / "bxml" / "same"
GENERATOR = REPO / "bindings" / "python" / "scripts" / "generate_bxml.py"
TABLE = REPO / "bindings" / "bxml-table.json"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def typed(node: Any) -> Any:
    """A node of the shared JSON tree form as the typed objects (camelCase -> snake_case)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return Ssml(node["ssml"])
    name, attrs, *content = node
    children = [typed(child) for child in content]
    cls = getattr(bxml, name, None)
    if cls is None:
        return Verb(name, *children, **attrs)
    assert issubclass(cls, Element) and cls.element == name
    python = {bxml_name: py for py, bxml_name in cls.attributes}
    return cls(*children, **{python[key]: value for key, value in attrs.items()})


def document(case: dict[str, Any]) -> Response | Bxml:
    verbs = [typed(node) for node in case["verbs"]]
    unknown = case.get("allow_unknown_verbs", False)
    if case["kind"] == "response":
        return Response(*verbs, allow_unknown_verbs=unknown)
    conference = {"update_call": False, "update_conference": True}[case["kind"]]
    return Bxml(*verbs, conference=conference, allow_unknown_verbs=unknown)


# -- the typed classes are the table's ------------------------------------------------


def test_the_generated_classes_are_current() -> None:
    spec = importlib.util.spec_from_file_location("generate_bxml", GENERATOR)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    fresh = generator.render(json.loads(TABLE.read_text(encoding="utf-8")))
    committed = (REPO / "bindings/python/src/bwvoice/_bxml_verbs.py").read_text(encoding="utf-8")
    assert committed == fresh, "bwvoice/_bxml_verbs.py is stale: run `make bxml-table`"
    assert "do not edit" in committed.splitlines()[2]


def test_one_class_per_element_with_its_attributes() -> None:
    table = json.loads(TABLE.read_text(encoding="utf-8"))["elements"]
    assert {e["name"] for e in table} <= set(bxml.__all__)
    for element in table:
        cls = getattr(bxml, element["name"])
        assert [b for _, b in cls.attributes] == [a["name"] for a in element["attrs"]]
    assert Gather.attributes[0] == ("gather_url", "gatherUrl")
    assert ("from_", "from") in bxml.Forward.attributes  # a keyword gets a trailing _


# -- the shared documents, built with the typed classes ---------------------------------


@pytest.mark.parametrize("path", sorted(SAME.glob("*.json")), ids=lambda p: p.stem)
def test_shared_documents_render_to_the_same_bytes(path: Path) -> None:
    built = document(json.loads(path.read_text(encoding="utf-8")))
    expected = path.with_suffix(".xml").read_bytes()
    assert built.to_bxml().encode("utf-8") == expected
    assert str(built) == built.to_bxml()
    check_bxml(built.to_bxml(), built.kind, allow_unknown_verbs=True)


def test_there_are_shared_documents() -> None:
    assert len(list(SAME.glob("*.json"))) >= 2


# -- values: conversion only, the library's rules ----------------------------------------


def test_attributes_come_out_in_the_tables_order_and_none_is_left_out() -> None:
    a = Redirect(tag="t", redirect_url="https://app.example/x", redirect_method=None)
    b = Redirect(redirect_url="https://app.example/x", tag="t")
    assert a == b
    assert Response(a).to_bxml() == (
        f'{DECLARATION}<Response><Redirect redirectUrl="https://app.example/x" tag="t"/></Response>'
    )


def test_numbers_and_booleans() -> None:
    doc = Response(
        Pause(duration=10.0),
        Conference("room-1", mute=True, hold=False, callback_timeout=2.5),
        Gather(max_digits=5, first_digit_timeout=0),
    ).to_bxml()
    assert '<Pause duration="10"/>' in doc
    assert '<Conference mute="true" hold="false" callbackTimeout="2.5">room-1</Conference>' in doc
    assert '<Gather maxDigits="5" firstDigitTimeout="0"/>' in doc


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinity_are_refused_by_the_library_naming_the_attribute(bad: float) -> None:
    with pytest.raises(bwvoice.ValidationError) as info:
        Response(Pause(duration=bad)).to_bxml()
    assert info.value.field == "value"
    assert "duration" in str(info.value)


def test_out_of_range_values_are_refused_with_the_cores_message() -> None:
    with pytest.raises(bwvoice.ValidationError) as info:
        Response(Gather(max_digits=51)).to_bxml()
    assert info.value.field == "value"
    assert "maxDigits" in info.value.message and "1 to 50" in info.value.message
    assert isinstance(info.value, ValueError)
    with pytest.raises(bwvoice.ValidationError, match="repeatCount"):
        Response(Gather(*[PlayAudio("a.wav")] * 3, repeat_count=7)).to_bxml()
    with pytest.raises(bwvoice.ValidationError, match="needs text") as info:
        Response(SpeakSentence()).to_bxml()
    assert info.value.field == "bxml"


def test_wrong_python_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="int"):
        SpeakSentence(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="NoneType"):
        PlayAudio(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list"):
        Redirect(tag=["a"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes"):
        Ssml(b"<p/>")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Redirect("https://app.example/x")  # type: ignore[call-arg]  # keyword-only
    with pytest.raises(TypeError, match="allow_unknown_verbs"):
        Response(allow_unknown_verbs=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="conference"):
        Bxml(conference="yes")  # type: ignore[arg-type]


def test_str_subclasses_and_int_enums_are_their_values() -> None:
    class Name(str):
        pass

    speak = SpeakSentence(Name("hi"), voice=Name("julie"))
    doc = Response(speak, Pause(duration=BxmlKind.RESPONSE))
    assert 'voice="julie">hi<' in doc.to_bxml() and 'duration="1"' in doc.to_bxml()


# -- injection: caller text never becomes markup ------------------------------------------

HOSTILE_ACCEPTED = [
    "</SpeakSentence><Transfer><PhoneNumber>+19005550100</PhoneNumber></Transfer><SpeakSentence>",
    "&lt;Hangup/&gt;",
    '" gatherUrl="https://evil.example/',
    "' tag='x",
    "]]>",
    "<![CDATA[<Hangup/>]]>",
    "<!-- <Hangup/> -->",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'x'>]>&e;",
    "tab\tnewline\ncarriage\rreturn",
    "\x7f\u202e\U0001f600 caf\u00e9",
]
HOSTILE_REFUSED = ["a\x00b", "\x01", "\x1b[31m", "\x08", "\ufffe", "\uffff", "\ud800", "x\udfffy"]


@pytest.mark.parametrize("text", HOSTILE_ACCEPTED)
def test_hostile_text_and_attributes_stay_text(text: str) -> None:
    doc = Response(
        SpeakSentence(text, voice=text),
        Redirect(redirect_url="https://app.example/x", tag=text[:256]),
        Verb("FutureVerb", text, someAttr=text),
        allow_unknown_verbs=True,
    ).to_bxml()
    root = ET.fromstring(doc.encode("utf-8"))
    assert [e.tag for e in root.iter()] == ["Response", "SpeakSentence", "Redirect", "FutureVerb"]
    speak, redirect, future = root
    assert speak.text == text and speak.get("voice") == text
    assert redirect.get("tag") == text[:256]
    assert future.text == text and future.get("someAttr") == text


@pytest.mark.parametrize("text", HOSTILE_REFUSED)
def test_text_xml_cannot_carry_is_refused_never_cut(text: str) -> None:
    for make in (
        lambda: SpeakSentence(text),
        lambda: SpeakSentence("x", voice=text),
        lambda: Verb("FutureVerb", text),
        lambda: Verb("FutureVerb", a=text),
    ):
        with pytest.raises(bwvoice.ValidationError) as info:
            Response(make(), allow_unknown_verbs=True).to_bxml()
        assert info.value.field in ("text", "value")


def test_a_nul_is_refused_with_a_clear_message() -> None:
    with pytest.raises(bwvoice.ValidationError, match="U\\+0000") as info:
        Response(SpeakSentence("before\x00after")).to_bxml()
    assert info.value.field == "text"
    with pytest.raises(bwvoice.ValidationError, match="U\\+0000") as info:
        Response(SpeakSentence("x", voice="a\x00b")).to_bxml()
    assert info.value.field == "value"
    with pytest.raises(bwvoice.ValidationError) as info:
        Response(Verb("Future\x00Verb"), allow_unknown_verbs=True).to_bxml()
    assert info.value.field == "element"
    with pytest.raises(bwvoice.ValidationError, match="NUL") as info:
        check_bxml("<Response>\x00</Response>")
    assert info.value.field == "bxml"


def test_a_lone_surrogate_is_named() -> None:
    with pytest.raises(bwvoice.ValidationError, match="surrogate") as info:
        Response(SpeakSentence("a\ud800")).to_bxml()
    assert info.value.field == "text"


# -- SSML ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "written"),
    [
        ("<break strength='weak'/>", '<break strength="weak"/>'),
        ('<break time="250ms"/>', '<break time="250ms"/>'),
        ("<emphasis level='strong'>now</emphasis>", '<emphasis level="strong">now</emphasis>'),
        ('<say-as interpret-as="telephone">5551234</say-as>', None),
        ('<prosody rate="slow" volume="+1dB">slowly</prosody>', None),
        ('<lang xml:lang="fr-FR">bonjour</lang>', None),
        ("<p><s>One.</s><s>Two &amp; three.</s></p>", None),
    ],
)
def test_ssml_the_tts_takes(fragment: str, written: str | None) -> None:
    doc = Response(SpeakSentence("Hi ", Ssml(fragment), " there")).to_bxml()
    root = ET.fromstring(doc.encode("utf-8"))
    (speak,) = root
    assert len(list(speak.iter())) > 1  # the SSML is markup, inside SpeakSentence only
    assert root.find("./SpeakSentence") is speak and len(root) == 1
    if written is not None:
        assert f"<SpeakSentence>Hi {written} there</SpeakSentence>" in doc


@pytest.mark.parametrize(
    "fragment",
    [
        "</SpeakSentence><Transfer><PhoneNumber>+19005550100</PhoneNumber></Transfer>",
        "<audio src='https://evil.example/a.wav'/>",
        "<break strength='loud'/>",
        "<p>unclosed",
        "<break onload='x'/>",
        "<!DOCTYPE x [<!ENTITY e 'x'>]>&e;",
    ],
)
def test_ssml_it_does_not_take_is_refused(fragment: str) -> None:
    with pytest.raises(bwvoice.ValidationError) as info:
        Response(SpeakSentence("Hi", Ssml(fragment))).to_bxml()
    assert info.value.field == "fragment"


def test_ssml_goes_only_inside_speak_sentence_and_text_that_looks_like_it_stays_text() -> None:
    with pytest.raises(bwvoice.ValidationError, match="SpeakSentence") as info:
        Response(Gather(Ssml("<break/>"))).to_bxml()  # type: ignore[arg-type]
    assert info.value.field == "fragment"
    with pytest.raises(bwvoice.ValidationError):
        Response(Ssml("<break/>")).to_bxml()  # type: ignore[arg-type]
    doc = Response(SpeakSentence("<break/>")).to_bxml()
    assert "<SpeakSentence>&lt;break/&gt;</SpeakSentence>" in doc


# -- unknown verbs, kinds, check_bxml ------------------------------------------------------


def test_unknown_verbs_are_refused_unless_allowed() -> None:
    future = Verb("FutureVerb", "text & more", zeta="last", alpha="<first>", count=3)
    with pytest.raises(bwvoice.ValidationError, match="FutureVerb") as info:
        Response(future).to_bxml()
    assert info.value.field == "element"
    doc = Bxml(future, Hangup(), allow_unknown_verbs=True).to_bxml()
    assert doc == (SAME / "unknown-verb.xml").read_text(encoding="utf-8")
    with pytest.raises(bwvoice.ValidationError, match="did you mean <SpeakSentence>"):
        Response(Verb("SpeakSentance", "hi")).to_bxml()


def test_a_verb_known_by_name_is_checked_even_through_verb() -> None:
    with pytest.raises(bwvoice.ValidationError, match="maxDigits"):
        Response(Verb("Gather", maxDigits=99), allow_unknown_verbs=True).to_bxml()


def test_conference_bxml_takes_only_what_a_conference_plays() -> None:
    ok = Bxml(SpeakSentence("Welcome"), PlayAudio("https://app.example/a.wav"), conference=True)
    assert ok.kind is BxmlKind.UPDATE_CONFERENCE
    assert ok.to_bxml().startswith(f"{DECLARATION}<Bxml><SpeakSentence>")
    with pytest.raises(bwvoice.ValidationError, match="conference") as info:
        Bxml(Gather(max_digits=1), conference=True).to_bxml()
    assert info.value.field == "element"
    gather = Bxml(Gather(max_digits=1)).to_bxml()
    check_bxml(gather, BxmlKind.UPDATE_CALL)
    with pytest.raises(bwvoice.ValidationError, match="conference"):
        check_bxml(gather, BxmlKind.UPDATE_CONFERENCE)


def test_check_bxml_names_the_line_and_column() -> None:
    doc = '<Response>\n  <SpeakSentence>Hi</SpeakSentence>\n  <Gather maxDigits="99"/>\n</Response>'
    with pytest.raises(bwvoice.ValidationError) as info:
        check_bxml(doc)
    assert info.value.field == "bxml"
    assert "line 3, column 3" in info.value.message and "maxDigits" in info.value.message
    with pytest.raises(bwvoice.ValidationError, match="line 1, column 1"):
        check_bxml("<Bxml><Hangup/></Bxml>")  # a Response is expected
    check_bxml("<Bxml><Hangup/></Bxml>", BxmlKind.UPDATE_CALL)
    with pytest.raises(bwvoice.ValidationError, match="line 1"):
        check_bxml("<Response><FutureVerb/></Response>")
    check_bxml("<Response><FutureVerb/></Response>", allow_unknown_verbs=True)
    with pytest.raises(bwvoice.ValidationError, match="line 1"):
        check_bxml("<Response><Hangup></Response>")  # not well-formed


def test_check_bxml_arguments() -> None:
    with pytest.raises(TypeError):
        check_bxml(b"<Response/>")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_bxml("<Response/>", "response")  # type: ignore[arg-type]
    with pytest.raises(bwvoice.ValidationError) as info:
        check_bxml("<Response/>", 9)  # type: ignore[arg-type]
    assert info.value.field == "kind"
    assert bwvoice.check_bxml is check_bxml and bwvoice.BxmlKind is BxmlKind
    assert [int(k) for k in BxmlKind] == [1, 2, 3]


def test_too_large_a_document_is_refused() -> None:
    words = SpeakSentence("x" * 30_000)
    with pytest.raises(bwvoice.ValidationError, match="65536") as info:
        Response(words, words, words).to_bxml()
    assert info.value.field == "bxml"
    assert len(Response(words, words).to_bxml()) > 60_000


# -- objects ------------------------------------------------------------------------------


def test_repr_makes_the_same_object_and_equality_is_by_value() -> None:
    doc = Bxml(
        Transfer(PhoneNumber("+15555550100", tag="a b"), transfer_caller_id="+15555550199"),
        SpeakSentence("Hi", Ssml("<break/>"), voice="julie"),
        Verb("FutureVerb", **{"a-b": 1, "c": True}),
        conference=False,
        allow_unknown_verbs=True,
    )
    namespace = {name: getattr(bxml, name) for name in bxml.__all__}
    again = eval(repr(doc), namespace)  # only names of bwvoice.bxml and literals
    assert again == doc and again.to_bxml() == doc.to_bxml()
    assert SpeakSentence("a") != SpeakSentence("b") and Hangup() == Hangup()
    assert len({Hangup(), Hangup(), Ssml("<p/>"), Ssml("<p/>")}) == 2


def test_rendering_from_many_threads_at_once() -> None:
    """Each thread has its own render buffer: documents never mix."""
    failures: list[str] = []

    def work(n: int) -> None:
        doc = Response(SpeakSentence(f"thread {n} " * (n + 1)), Pause(duration=n + 1))
        expected = doc.to_bxml()
        for _ in range(300):
            if doc.to_bxml() != expected:
                failures.append(f"thread {n}")
                return

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


# -- the client's opt-in -----------------------------------------------------------------

FUTURE = Bxml(Verb("FutureVerb", "text", someAttr="x"), Hangup(), allow_unknown_verbs=True)


def test_a_client_refuses_unknown_verbs_and_sends_nothing(sim: Simulator, kind: str) -> None:
    call_id = sim.create_call()
    bw = Either(kind, sim)
    try:
        with pytest.raises(bwvoice.ValidationError, match="FutureVerb") as info:
            bw("update_call_bxml", ACCOUNT, call_id, FUTURE.to_bxml())
        assert info.value.field == "bxml" and info.value.attempts == 0
    finally:
        bw.close()
    assert sim.requests() == []


def test_a_client_that_allows_unknown_verbs_sends_them(sim: Simulator, kind: str) -> None:
    call_id = sim.create_call()
    bw = Either(kind, sim, allow_unknown_bxml_verbs=True)
    try:
        bw("update_call_bxml", ACCOUNT, call_id, FUTURE.to_bxml())
        with pytest.raises(bwvoice.ValidationError, match="maxDigits"):  # known ones still checked
            bw("update_call_bxml", ACCOUNT, call_id, Bxml(Verb("Gather", maxDigits=99)).to_bxml())
    finally:
        bw.close()
    (req,) = sim.requests()
    assert req["path"].endswith(f"/calls/{call_id}/bxml") and req["status"] == 204
    assert req["body"] == FUTURE.to_bxml()


def test_conference_bxml_is_checked_as_conference_bxml(sim: Simulator) -> None:
    conference_id = sim.create_conference("room-1", [sim.create_call()])["id"]
    with bwvoice.Client(username="user", password="pass", base_url=sim.api_url) as bw:
        with pytest.raises(bwvoice.ValidationError, match="conference"):
            bw.update_conference_bxml(ACCOUNT, conference_id, Bxml(Gather()).to_bxml())
        assert sim.requests() == []
        speak = Bxml(SpeakSentence("Welcome"), conference=True).to_bxml()
        bw.update_conference_bxml(ACCOUNT, conference_id, speak)
    (req,) = sim.requests()
    assert req["body"] == speak
    with pytest.raises(TypeError, match="allow_unknown_bxml_verbs"):
        bwvoice.Client(username="u", password="p", allow_unknown_bxml_verbs=1)  # type: ignore[arg-type]
