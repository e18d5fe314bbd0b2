#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (formats: fuzz/src/lib.rs).
Run from anywhere; rewrites only the seed_* files it owns."""
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"
STRINGS = ["account_id", "call_id", "redirect_url", "username", "password", "tag",
           "redirect_fallback_url", "fallback_username", "fallback_password"]


def modify_call(flags=0, state=0, method=0, fallback_method=0, timeout_ms=0, **strings):
    """Strings not given are NULL; give bytes or str."""
    mask = sum(1 << i for i, name in enumerate(STRINGS) if name not in strings)
    head = struct.pack("<BHiiiI", flags, mask, state, method, fallback_method, timeout_ms)
    pieces = [strings.get(name, b"") for name in STRINGS]
    pieces = [p.encode() if isinstance(p, str) else p for p in pieces]
    return head + b"\xff".join(pieces)


def response(code, body=b"", retry_after=b"", now=784111777, unreadable=False):
    return struct.pack("<HQB", code, now, int(unreadable)) + retry_after + b"\xff" + body


def token(body, no_body=False):
    return bytes([int(no_body)]) + body


def reply(kind, body, link=b""):
    return bytes([kind]) + link + b"\xff" + body


CREATED = (b'{"applicationId":"a","accountId":"9900000","callId":"c-1","to":"+15555550100",'
           b'"from":"+15555550199","enqueuedTime":"2022-06-16T13:15:07.160Z",'
           b'"callUrl":"https://h/c-1","callTimeout":30,"callbackTimeout":15,"tag":"t",'
           b'"answerMethod":"POST","answerUrl":"https://a","disconnectMethod":null,'
           b'"password":"*****","priority":5}')
MEMBER = (b'{"callId":"c-1","conferenceId":"conf-1","memberUrl":"https://h/m",'
          b'"mute":false,"hold":true,"callIdsToCoach":["c-2"]}')
CONFERENCE = (b'{"id":"conf-1","name":"n","createdTime":"2022-06-17T22:19:40.375Z",'
              b'"completedTime":null,"tag":"t","activeMembers":[' + MEMBER + b']}')
STATE = b'{"callId":"c-1","state":"answered","startTime":"2022-06-16T13:15:07.160Z"}'


# bxml_build's steps (fuzz/src/bxml.rs): names are indexes into its lists.
BXML_RS = (pathlib.Path(__file__).resolve().parent / "src" / "bxml.rs").read_text()


def rust_list(name):
    body = re.search(r"pub const " + name + r": \[&str; \d+\] = \[(.*?)\];", BXML_RS, re.S)
    return re.findall(r'"([^"]*)"', body.group(1))


ELEMENTS, ATTRIBUTES = rust_list("ELEMENTS"), rust_list("ATTRIBUTES")
OPS = {"open": 0, "attr": 1, "text": 2, "ssml": 3, "close": 4, "json": 5, "render": 6, "close_all": 7}


def build(kind, *steps, allow_unknown=False):
    """kind 0 Response, 1 UpdateCall, 2 UpdateConference; each step a tuple
    (op, [name], [value]) with values as text (ended by 0xFF)."""
    out = bytearray([kind | (4 if allow_unknown else 0)])
    for op, *args in steps:
        out.append(OPS[op])
        if op in ("open", "attr"):
            out.append((ELEMENTS if op == "open" else ATTRIBUTES).index(args.pop(0)))
        if args:
            out += args[0].encode() + b"\xff"
    return bytes(out)


IVR = [("open", "SpeakSentence"), ("attr", "voice", "julie"),
       ("text", 'Welcome to Example Corp & "friends" <3.'), ("close",),
       ("open", "Gather"), ("attr", "repeatCount", "2"), ("attr", "maxDigits", "1"),
       ("attr", "gatherUrl", "https://app.example/gather"), ("attr", "terminatingDigits", "#"),
       ("open", "SpeakSentence"), ("text", "Press 1 for sales, "),
       ("ssml", "<break strength='weak'/>"), ("text", "2 for support."), ("close",),
       ("open", "PlayAudio"), ("text", "https://app.example/beep.wav"), ("close",), ("close",),
       ("open", "Redirect"), ("attr", "tag", "menu:retry"),
       ("attr", "redirectUrl", "https://app.example/menu"), ("attr", "redirectMethod", "GET"),
       ("close",), ("open", "Hangup"), ("close",), ("render",)]
HOSTILE = "</SpeakSentence><Transfer>\"' ]]> <!-- --> &amp;\t\n\r"
IVR_XML = (pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "bxml" / "same"
           / "ivr.xml").read_bytes()

# callback (fuzz/src/callback.rs): byte 0 is the target, 0 body, 1 query, 2 auth.
CALL_FIELDS = (b'"accountId":"9911223","callId":"c-1","from":"Anonymous","to":"+15555550100",'
               b'"direction":"inbound","startTime":"2023-03-04T10:00:01Z",'
               b'"eventTime":"2023-03-04T10:01:00.000Z","tag":"t"')


def event(event_type, extra=b""):
    return b"\x00{" + b'"eventType":"' + event_type + b'",' + CALL_FIELDS + extra + b"}"


def auth(header, username=b"bw", password=b"pa:ss", realm=b"voice"):
    return b"\x02" + b"\xff".join([header, username, password, realm])


ids = dict(account_id="9900000", call_id="c-1")
seeds = {
    "modify_call": {
        "redirect": modify_call(**ids, redirect_url="/next"),
        "every_field": modify_call(
            state=1, method=1, fallback_method=2, timeout_ms=5000, **ids,
            redirect_url="https://app.example/bxml?x=1#f", username="u", password="p",
            tag="t\"q", redirect_fallback_url="http://fb.example/", fallback_username="fu",
            fallback_password="fp"),
        "hangup": modify_call(state=2, **ids),
        "hangup_with_url": modify_call(state=2, **ids, redirect_url="/next"),
        "hangup_with_method": modify_call(state=2, method=2, **ids),
        "hangup_with_fallback": modify_call(state=2, **ids, redirect_fallback_url="/fb",
                                            fallback_username="x"),
        "tag_clear": modify_call(**ids, redirect_url="/next", tag=""),
        "tag_longest": modify_call(**ids, redirect_url="/next", tag="é" * 4096),
        "tag_too_long": modify_call(**ids, redirect_url="/next", tag="a" * 4097),
        "password_too_long": modify_call(**ids, redirect_url="/next", password="ü" * 1025),
        "ids_reserved": modify_call(account_id="99/00", call_id="c-1?x#y%z é+~",
                                    redirect_url="/next"),
        "id_empty": modify_call(account_id="9900000", call_id="", redirect_url="/next"),
        "id_control": modify_call(account_id="9900000", call_id="c\r\n", redirect_url="/next"),
        "id_del": modify_call(account_id="99\x7f", call_id="c", redirect_url="/next"),
        "id_null": modify_call(call_id="c-1", redirect_url="/next"),
        "bad_utf8": modify_call(**ids, redirect_url="/next", username=b"\xc3\x28"),
        "bad_utf8_id": modify_call(account_id=b"\xed\xa0\x80", call_id="c", redirect_url="/n"),
        "embedded_nul": modify_call(**ids, redirect_url=b"/next\x00 bad", tag=b"\x00\xff"),
        "state_unknown": modify_call(state=3, **ids, redirect_url="/next"),
        "method_negative": modify_call(method=-1, **ids, redirect_url="/next"),
        "fallback_method_max": modify_call(fallback_method=0x7FFFFFFF, **ids,
                                           redirect_url="/next"),
        "client_null": modify_call(flags=1, **ids, redirect_url="/next"),
        "req_null": modify_call(flags=2, **ids),
        "err_null": modify_call(flags=4, **ids),
        "scheme_javascript": modify_call(**ids, redirect_url="javascript:alert(1)"),
        "scheme_upper": modify_call(**ids, redirect_url="HTTPS://A.example/x"),
        "scheme_like_path": modify_call(**ids, redirect_url="a/b:c",
                                        redirect_fallback_url="mailto:x@y"),
        "url_space": modify_call(**ids, redirect_url="https://a b"),
        "url_unicode_space": modify_call(**ids, redirect_url="https://a\u2028b"),
        "url_empty": modify_call(**ids, redirect_url=""),
    },
    "response": {
        "not_found": response(404, b'{"type":"not-found","description":"gone","id":null}'),
        "validation": response(400, b'{"type":"validation","description":"bad","id":"e-1"}'),
        "rate_seconds": response(429, b"{}", b"1"),
        "rate_date": response(429, b"", b"Sun, 06 Nov 1994 08:49:42 GMT"),
        "rate_rfc850": response(503, b"", b"Sunday, 06-Nov-94 08:49:47 GMT"),
        "rate_asctime": response(503, b"", b"Sun Nov  6 08:49:39 1994"),
        "rate_capped": response(429, b"", b" 120 "),
        "rate_junk": response(429, b"", b"1.5"),
        "rate_huge": response(429, b"", b"99999999999999999999999"),
        "rate_ctl": response(429, b"", b"1\x01"),
        "html": response(502, b"<html><body>Bad gateway</body></html>"),
        "unreadable": response(500, unreadable=True),
        "redirect_3xx": response(302),
        "long_description": response(400, b'{"type":"t","description":"' + b"d" * 5000 + b'"}'),
        "array": response(500, b"[1,2,{}]"),
        "wrong_types": response(409, b'{"type":7,"description":null,"id":[]}'),
        "oauth": response(401, b'{"error":"invalid_client"}'),
        "status_0": response(0, b"x"),
        "status_max": response(65535, b'{"description":"\\ud83d\\ude00"}'),
    },
    "replies": {
        "created": reply(0, CREATED),
        "created_missing_call_id": reply(0, CREATED.replace(b'"callId":"c-1",', b"")),
        "created_duplicate_key": reply(0, CREATED[:-1] + b',"callId":"c-2"}'),
        "created_nul": reply(0, CREATED.replace(b'"tag":"t"', b'"tag":"t\\u0000x"')),
        "created_array": reply(0, b"[" + CREATED + b"]"),
        "created_year_0": reply(0, CREATED.replace(b"2022-06-16", b"0000-06-16")),
        "conference": reply(1, CONFERENCE),
        "conference_bad_member": reply(1, CONFERENCE.replace(b'"mute":false', b'"mute":"no"')),
        "member": reply(2, MEMBER),
        "member_coach_not_strings": reply(2, MEMBER.replace(b'["c-2"]', b"[1,null]")),
        "page_last": reply(3, b"[" + STATE + b"," + STATE + b"]"),
        "page_next": reply(3, b"[" + STATE + b"]",
                           b'<https://h/calls?pageSize=1&pageToken=ab%2Bc>; rel="next"'),
        "page_next_first_of_two": reply(3, b"[]", b'<https://h/p?x=1>; rel=prev, '
                                        b'<https://h/n?pageToken=t>; REL="last next"'),
        "page_next_no_token": reply(3, b"[]", b"<https://h/calls?pageSize=1>; rel=next"),
        "page_link_garbage": reply(3, b"[]", b"<<;;rel=\"next"),
        "page_object": reply(3, STATE),
        "page_bad_time": reply(3, b'[{"startTime":"yesterday"}]'),
    },
    "bxml_check": {
        "ivr": IVR_XML,
        "update_call": b'<?xml version="1.0"?>\n<Bxml>\n  <PlayAudio>a.wav</PlayAudio>\n</Bxml>\n',
        "conference": b"<Bxml><SpeakSentence>hi<p>there</p><break/></SpeakSentence></Bxml>",
        "conference_refuses_gather": b'<Bxml><Gather maxDigits="1"/></Bxml>',
        "out_of_range": b'<Response>\n  <Gather maxDigits="51" repeatCount="0"/>\n</Response>',
        "repeat_rule": b'<Response><Gather repeatCount="20"><PlayAudio>a</PlayAudio>'
                       b"<PlayAudio>b</PlayAudio></Gather></Response>",
        "unknown_verb": b'<Bxml><NewVerb any="x"><Inner/>text</NewVerb><Hangup/></Bxml>',
        "typo": b"<Response><SpeakSentance>hi</SpeakSentance></Response>",
        "ssml_refused": b"<Response><SpeakSentence><audio src='x'/></SpeakSentence></Response>",
        "doctype": b'<!DOCTYPE Response [<!ENTITY a "aaaa">]><Response>&a;</Response>',
        "namespace": b'<Response xmlns="urn:x"><x:Hangup xmlns:x="urn:y"/></Response>',
        "cdata_comment_pi": b"<Response><!-- c --><?pi x?><SpeakSentence><![CDATA[<Hangup/>]]>"
                            b"</SpeakSentence></Response>",
        "entities": b"<Response><SpeakSentence>&#x1F4DE; &lt;&amp;&#0;</SpeakSentence></Response>",
        "text_at_root": b"<Response>hello<Hangup/></Response>",
        "malformed": b"<Response><SpeakSentence>hi</Speak>",
        "not_utf8": b"<Response><SpeakSentence>\xc3\x28</SpeakSentence></Response>",
    },
    "bxml_build": {
        "ivr": build(0, *IVR),
        "ivr_update_call": build(1, *IVR),
        "ivr_conference": build(2, *IVR),
        "hostile": build(0, ("open", "SpeakSentence"), ("attr", "voice", HOSTILE),
                         ("text", HOSTILE), ("ssml", HOSTILE), ("close",), ("open", "Redirect"),
                         ("attr", "tag", HOSTILE), ("close",), ("render",)),
        "unknown_verbs": build(1, ("open", "NewVerb"), ("attr", "anything", "<&>"),
                               ("attr", "a b", "x"), ("text", "t"), ("open", "Hangup"),
                               ("close",), ("render",), allow_unknown=True),
        "failures": build(0, ("attr", "voice", "x"), ("text", "x"), ("close",),
                          ("open", "SpeakSentance"), ("open", "Gather"),
                          ("attr", "maxDigits", "51"), ("attr", "maxDigits", "3"),
                          ("attr", "maxDigits", "4"), ("open", "Hangup"), ("render",),
                          ("open", "SpeakSentence"), ("close",), ("ssml", "<audio/>"),
                          ("text", "\x01"), ("text", "ok"), ("attr", "voice", "late"),
                          ("close_all",), ("render",)),
        "json": build(1, ("json", '[["SpeakSentence", {"voice": "julie"}, "Hi ", '
                                  '{"ssml": "<break/>"}], ["Hangup", {}]]'),
                      ("open", "Gather"), ("json", '[["PlayAudio", {}, "a.wav"]]'),
                      ("json", '[["Gather", {"maxDigits": 99}]]'), ("json", "not json"),
                      ("close",), ("render",)),
        "repeat_rule": build(0, ("open", "Gather"), ("attr", "repeatCount", "20"),
                             ("open", "PlayAudio"), ("text", "a"), ("close",),
                             ("open", "PlayAudio"), ("text", "b"), ("close",), ("close",),
                             ("render",)),
        "picked_values": bytes([0, 0, 1, 9, 3, 9, 10, 26, 4, 7]),
    },
    "callback": {
        "answer": event(b"answer", b',"machineDetectionResult":{"value":"human","duration":"PT1S"}'),
        "md_text": event(b"machineDetectionComplete", b',"machineDetectionResult":"silence"'),
        "disconnect": event(b"disconnect", b',"cause":"busy","sipResponseCode":486,"endTime":null'),
        "gather": event(b"gather", b',"digits":"12","terminatingDigit":"#"'),
        "initiate": event(b"initiate", b',"diversion":{"origTo":"+1555","counter":2,"x":null},'
                          b'"stirShaken":{"verstat":"TN-Validation-Passed"},"sipHeaders":{"x-a":"1"}'),
        "recording": event(b"recordComplete", b',"recordingId":"r-1","channels":2,"fileFormat":"wav"'),
        "transcription": event(b"transcriptionAvailable", b',"transcription":{"id":"t-1",'
                               b'"status":"available","completedTime":"2023-03-04T10:02:00Z"}'),
        "stream_rejected": event(b"mediaStreamRejected", b',"mediaStream":{"tracks":["inbound"],'
                                 b'"type":"WebSocket"},"originalStreamInfo":{"name":"s"},"reason":"dup"'),
        "rtt": event(b"realtimeTranscriptionStarted", b',"realtimeTranscription":{"id":"t",'
                     b'"stabilized":"true","tracks":["inbound","outbound"]}'),
        "unknown": event(b"somethingNew", b',"brandNew":[1,{"a":null}]'),
        "no_offset": event(b"answer", b',"answerTime":"2019-09-13T16:49:40.500"'),
        "duplicate": event(b"answer", b',"callId":"c-2"'),
        "aliases_both": event(b"x", b',"reason":"a","rejectReason":"b"'),
        "nul": event(b"answer", b',"tag":"a\\u0000b"'),
        "wrong_type": event(b"answer", b',"channels":"2"'),
        "not_object": b"\x00[1,2]",
        "not_json": b"\x00eventType=answer",
        "query": b"\x01?eventType=gather&digits=1%232&tag=a+b&machineDetectionResult.value=human"
                 b"&diversion.origTo=%2B1555&realTimeTranscription.tracks=inbound,outbound",
        "query_conflict": b"\x01eventType=x&diversion=a&diversion.origTo=b",
        "query_bad_utf8": b"\x01eventType=x&tag=%ff",
        "query_raw_bytes": b"\x01eventType=\xc3\x28",
        "auth_right": auth(b"Basic Ync6cGE6c3M="),
        "auth_lowercase": auth(b"  basic   Ync6cGE6c3M=  "),
        "auth_none": auth(b""),
        "auth_bearer": auth(b"Bearer x"),
        "auth_bad_base64": auth(b"Basic ***"),
        "auth_no_colon": auth(b"Basic YndwYXNz"),
        "auth_wrong_password": auth(b"Basic Ync6cGE6c3g="),
        "auth_unconfigured": auth(b"Basic Og==", b"", b""),
        "realm_quotes": auth(b"", realm=b'a "quoted" \\ realm'),
        "realm_control": auth(b"", realm=b"a\r\nb"),
        "realm_utf8": auth(b"", realm="caf\u00e9".encode()),
    },
    "token_reply": {
        "ok": token(b'{"access_token":"abc.def","token_type":"Bearer","expires_in":3600}'),
        "short_lived": token(b'{"access_token":"a","expires_in":1}'),
        "huge_expiry": token(b'{"access_token":"a","expires_in":18446744073709551615}'),
        "zero_expiry": token(b'{"access_token":"a","expires_in":0}'),
        "string_expiry": token(b'{"access_token":"a","expires_in":"3600"}'),
        "float_expiry": token(b'{"access_token":"a","expires_in":3600.5}'),
        "negative_expiry": token(b'{"access_token":"a","expires_in":-1}'),
        "token_space": token(b'{"access_token":"a b","expires_in":60}'),
        "token_crlf": token(b'{"access_token":"a\\r\\nX-Evil: 1","expires_in":60}'),
        "token_unicode": token(b'{"access_token":"\\u00e9","expires_in":60}'),
        "token_empty": token(b'{"access_token":"","expires_in":60}'),
        "no_token": token(b'{"token_type":"Bearer","expires_in":3600}'),
        "invalid_client": token(b'{"error":"invalid_client"}'),
        "odd_error_code": token(b'{"error":"bad code!\\n"}'),
        "html": token(b"<html>"),
        "empty": token(b""),
        "no_body": token(b"", no_body=True),
    },
}

for target, files in seeds.items():
    directory = ROOT / target
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("seed_*"):
        old.unlink()
    for name, data in files.items():
        (directory / f"seed_{name}").write_bytes(data)
    print(f"{target}: {len(files)} seeds")
