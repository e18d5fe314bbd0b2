"""Reading Bandwidth's callbacks and checking their credentials (bwvoice.callback)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import pytest

import bwvoice
from bwvoice import CallbackAuth, CallbackEvent

CALL = {
    "eventTime": "2024-05-01T12:00:00.250Z",
    "accountId": "9900000",
    "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
    "from": "+15555550100",
    "to": "+15555550199",
    "direction": "outbound",
    "callId": "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
    "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/c-15ac",
    "enqueuedTime": "2024-05-01T11:59:59.100Z",
    "startTime": "2024-05-01T12:00:00Z",
    "answerTime": "2024-05-01T12:00:02.5+02:00",
    "tag": "step-1",
}
CONFERENCE = {"conferenceId": "conf-1234", "name": "my-conference", "tag": "t"}
RECORDING = {
    "recordingId": "r-fbe05094-9fd2afe9-bf5b-4c68-820a-41a01c1c5833",
    "mediaUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/recordings/r-1/media",
    "duration": "PT13.67S",
    "fileFormat": "wav",
    "channels": 1,
    "status": "complete",
    "endTime": "2024-05-01T12:01:00Z",
}
STREAM = {
    "id": "s-1",
    "name": "live",
    "destination": "wss://app.example/stream",
    "type": "WebSocket",
    "startTime": "2024-05-01T12:00:03Z",
    "duration": "PT9S",
    "tracks": ["inbound", "outbound"],
}
REALTIME = {
    "id": "t-1",
    "name": "captions",
    "destination": "https://app.example/rt",
    "stabilized": "true",
    "tracks": ["inbound"],
}

#: eventType -> (its CallbackEvent, the payload beyond eventType).
EVENTS: dict[str, tuple[CallbackEvent, dict[str, Any]]] = {
    "answer": (CallbackEvent.ANSWER, CALL),
    "bridgeComplete": (CallbackEvent.BRIDGE_COMPLETE, {**CALL, "cause": "hangup"}),
    "bridgeTargetComplete": (CallbackEvent.BRIDGE_TARGET_COMPLETE, CALL),
    "conferenceCreated": (CallbackEvent.CONFERENCE_CREATED, CONFERENCE),
    "conferenceRedirect": (CallbackEvent.CONFERENCE_REDIRECT, CONFERENCE),
    "conferenceMemberJoin": (CallbackEvent.CONFERENCE_MEMBER_JOIN, {**CONFERENCE, **CALL}),
    "conferenceMemberExit": (CallbackEvent.CONFERENCE_MEMBER_EXIT, {**CONFERENCE, **CALL}),
    "conferenceCompleted": (CallbackEvent.CONFERENCE_COMPLETED, CONFERENCE),
    "conferenceRecordingAvailable": (
        CallbackEvent.CONFERENCE_RECORDING_AVAILABLE,
        {**CONFERENCE, **RECORDING},
    ),
    "disconnect": (
        CallbackEvent.DISCONNECT,
        {**CALL, "cause": "rejected", "sipResponseCode": 486, "errorMessage": "Busy"},
    ),
    "dtmf": (CallbackEvent.DTMF, {**CALL, "digit": "5"}),
    "gather": (CallbackEvent.GATHER, {**CALL, "digits": "", "terminatingDigit": "#"}),
    "initiate": (
        CallbackEvent.INITIATE,
        {
            **CALL,
            "diversion": {"origTo": "+15555550111", "reason": "unavailable", "counter": 2},
            "stirShaken": {"verstat": "TN-Validation-Passed", "attestationIndicator": "A"},
            "sipHeaders": {"x-account": "42"},
            "uui": "bmljZQ==;encoding=base64",
            "sipCallId": "abc@198.51.100.1",
        },
    ),
    "machineDetectionComplete": (
        CallbackEvent.MACHINE_DETECTION_COMPLETE,
        {**CALL, "machineDetectionResult": {"value": "answering-machine", "duration": "PT4.9S"}},
    ),
    "recordingComplete": (CallbackEvent.RECORDING_COMPLETE, {**CALL, **RECORDING}),
    "recordingAvailable": (CallbackEvent.RECORDING_AVAILABLE, {**CALL, **RECORDING}),
    "redirect": (CallbackEvent.REDIRECT, CALL),
    "transcriptionAvailable": (
        CallbackEvent.TRANSCRIPTION_AVAILABLE,
        {
            **CALL,
            **RECORDING,
            "transcription": {
                "id": "t-387bd648-18f3-4823-9d16-746bca0003c9",
                "status": "available",
                "url": "https://voice.bandwidth.com/api/v2/accounts/9900000/transcription",
                "completedTime": "2024-05-01T12:02:00.5Z",
            },
        },
    ),
    "transferAnswer": (
        CallbackEvent.TRANSFER_ANSWER,
        {**CALL, "parentCallId": "c-parent", "transferCallerId": "+1555", "transferTo": "+1666"},
    ),
    "transferComplete": (CallbackEvent.TRANSFER_COMPLETE, {**CALL, "cause": "hangup"}),
    "transferDisconnect": (CallbackEvent.TRANSFER_DISCONNECT, {**CALL, "cause": "busy"}),
    "mediaStreamStarted": (CallbackEvent.MEDIA_STREAM_STARTED, {**CALL, "mediaStream": STREAM}),
    "mediaStreamStopped": (
        CallbackEvent.MEDIA_STREAM_STOPPED,
        {**CALL, "mediaStream": STREAM, "cause": "closed"},
    ),
    "mediaStreamRejected": (
        CallbackEvent.MEDIA_STREAM_REJECTED,
        {**CALL, "mediaStream": STREAM, "originalMediaStream": STREAM, "reason": "duplicate"},
    ),
    "realTimeTranscriptionStarted": (
        CallbackEvent.REAL_TIME_TRANSCRIPTION_STARTED,
        {**CALL, "realTimeTranscription": REALTIME},
    ),
    "realTimeTranscriptionAvailable": (
        CallbackEvent.REAL_TIME_TRANSCRIPTION_AVAILABLE,
        {**CALL, "realTimeTranscription": REALTIME},
    ),
    "realTimeTranscriptionStopped": (
        CallbackEvent.REAL_TIME_TRANSCRIPTION_STOPPED,
        {**CALL, "realTimeTranscription": REALTIME},
    ),
    "realTimeTranscriptionRejected": (
        CallbackEvent.REAL_TIME_TRANSCRIPTION_REJECTED,
        {**CALL, "realTimeTranscription": REALTIME, "originalTranscription": REALTIME},
    ),
}


def body(event_type: str, fields: dict[str, Any]) -> bytes:
    return json.dumps({"eventType": event_type, **fields}).encode()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def test_every_event_type_has_a_payload_here() -> None:
    assert {event for event, _ in EVENTS.values()} == set(CallbackEvent) - {CallbackEvent.UNKNOWN}


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_every_event_type_parses(event_type: str) -> None:
    event, fields = EVENTS[event_type]
    cb = bwvoice.parse_callback(body(event_type, fields))
    assert cb.event is event
    assert cb.event_type == event_type
    assert cb.from_ == fields.get("from")
    assert cb.call_id == fields.get("callId")
    assert cb.conference_id == fields.get("conferenceId")
    assert cb.tag == fields.get("tag")
    assert cb.event_time == (utc(fields["eventTime"]) if "eventTime" in fields else None)
    assert cb.recording_id == fields.get("recordingId")
    assert cb.channels == fields.get("channels")
    assert cb.cause == fields.get("cause")
    # The same callback as a str.
    assert bwvoice.parse_callback(body(event_type, fields).decode()) == cb


def test_call_fields_and_times() -> None:
    cb = bwvoice.parse_callback(body("answer", CALL))
    assert cb.account_id == "9900000"
    assert cb.application_id == CALL["applicationId"]
    assert cb.call_url == CALL["callUrl"]
    assert (cb.to, cb.direction) == ("+15555550199", "outbound")
    assert cb.event_time == datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=timezone.utc)
    assert cb.enqueued_time == datetime(2024, 5, 1, 11, 59, 59, 100000, tzinfo=timezone.utc)
    # An offset is converted to UTC.
    assert cb.answer_time == datetime(2024, 5, 1, 10, 0, 2, 500000, tzinfo=timezone.utc)
    assert cb.answer_time is not None and cb.answer_time.tzinfo is timezone.utc
    assert cb.end_time is None and cb.transcription is None and cb.media_stream is None
    assert cb.diversion == {} and cb.sip_headers == {} and cb.stir_shaken == {}


def test_initiate_maps_sorted_by_key() -> None:
    cb = bwvoice.parse_callback(body("initiate", EVENTS["initiate"][1]))
    assert list(cb.diversion.items()) == [
        ("counter", "2"),  # a number as its JSON text
        ("origTo", "+15555550111"),
        ("reason", "unavailable"),
    ]
    assert list(cb.stir_shaken) == ["attestationIndicator", "verstat"]
    assert cb.sip_headers == {"x-account": "42"}
    assert (cb.uui, cb.sip_call_id) == ("bmljZQ==;encoding=base64", "abc@198.51.100.1")
    hash(cb)  # the maps are left out of hash()


def test_nested_objects() -> None:
    amd = bwvoice.parse_callback(body(*_pick("machineDetectionComplete")))
    assert amd.machine_detection_result == bwvoice.MachineDetectionResult(
        "answering-machine", "PT4.9S"
    )
    text = bwvoice.parse_callback(
        body("machineDetectionComplete", {"machineDetectionResult": "human"})
    )
    assert text.machine_detection_result == bwvoice.MachineDetectionResult("human", None)

    tx = bwvoice.parse_callback(body(*_pick("transcriptionAvailable"))).transcription
    assert tx is not None
    assert (tx.id, tx.status) == ("t-387bd648-18f3-4823-9d16-746bca0003c9", "available")
    assert tx.completed_time == datetime(2024, 5, 1, 12, 2, 0, 500000, tzinfo=timezone.utc)
    assert (tx.name, tx.stabilized, tx.tracks, tx.start_time) == (None, None, (), None)

    rejected = bwvoice.parse_callback(body(*_pick("mediaStreamRejected")))
    stream = rejected.media_stream
    assert stream is not None and stream == rejected.original_media_stream
    assert (stream.id, stream.name, stream.stream_type) == ("s-1", "live", "WebSocket")
    assert stream.destination == "wss://app.example/stream"
    assert stream.start_time == datetime(2024, 5, 1, 12, 0, 3, tzinfo=timezone.utc)
    assert (stream.duration, stream.tracks) == ("PT9S", ("inbound", "outbound"))
    assert rejected.reason == "duplicate"

    rt = bwvoice.parse_callback(body(*_pick("realTimeTranscriptionRejected")))
    assert rt.real_time_transcription is not None
    assert rt.real_time_transcription.stabilized is True  # the text "true"
    assert rt.real_time_transcription.tracks == ("inbound",)
    assert rt.original_transcription == rt.real_time_transcription


def _pick(event_type: str) -> tuple[str, dict[str, Any]]:
    return event_type, EVENTS[event_type][1]


def test_other_fields() -> None:
    disconnect = bwvoice.parse_callback(body(*_pick("disconnect")))
    assert (disconnect.sip_response_code, disconnect.error_message) == (486, "Busy")
    gather = bwvoice.parse_callback(body(*_pick("gather")))
    assert (gather.digits, gather.terminating_digit, gather.digit) == ("", "#", None)
    assert bwvoice.parse_callback(body(*_pick("dtmf"))).digit == "5"
    transfer = bwvoice.parse_callback(body(*_pick("transferAnswer")))
    assert (transfer.parent_call_id, transfer.transfer_caller_id, transfer.transfer_to) == (
        "c-parent",
        "+1555",
        "+1666",
    )
    rec = bwvoice.parse_callback(body(*_pick("recordingAvailable")))
    assert (rec.file_format, rec.status, rec.duration) == ("wav", "complete", "PT13.67S")
    assert rec.media_url == RECORDING["mediaUrl"]
    conf = bwvoice.parse_callback(body(*_pick("conferenceCreated")))
    assert (conf.name, conf.call_id) == ("my-conference", None)


def test_spellings_and_unknown_events() -> None:
    record = bwvoice.parse_callback(b'{"eventType": "recordComplete"}')
    assert (record.event, record.event_type) == (CallbackEvent.RECORDING_COMPLETE, "recordComplete")
    realtime = bwvoice.parse_callback(b'{"eventType": "realtimeTranscriptionStopped"}')
    assert realtime.event is CallbackEvent.REAL_TIME_TRANSCRIPTION_STOPPED
    new = bwvoice.parse_callback(b'{"eventType": "somethingNew", "callId": "c-1", "x": [1]}')
    assert (new.event, new.event_type, new.call_id) == (
        CallbackEvent.UNKNOWN,
        "somethingNew",
        "c-1",
    )


def test_query_string() -> None:
    cb = bwvoice.parse_callback_query(
        "?eventType=gather&callId=c-1&from=%2B15555550100&digits=&terminatingDigit=%23"
        "&eventTime=2024-05-01T12%3A00%3A00Z&tag=two+words&channels=2"
        "&machineDetectionResult.value=human&diversion.origTo=%2B15555550111"
    )
    assert (cb.event, cb.call_id, cb.from_) == (CallbackEvent.GATHER, "c-1", "+15555550100")
    assert (cb.digits, cb.terminating_digit, cb.tag, cb.channels) == ("", "#", "two words", 2)
    assert cb.event_time == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert cb.machine_detection_result == bwvoice.MachineDetectionResult("human", None)
    assert cb.diversion == {"origTo": "+15555550111"}
    stream = bwvoice.parse_callback_query(
        b"eventType=mediaStreamStarted&mediaStream.id=s-1&mediaStream.tracks=inbound,outbound"
    ).media_stream
    assert stream is not None and stream.tracks == ("inbound", "outbound")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"", "body"),
        (b"not json", "body"),
        (b"[1, 2]", "body"),
        (b'"answer"', "body"),
        (b"\xff\xfe{}", "body"),
        (b"{}", "event_type"),
        (b'{"eventType": null}', "event_type"),
        (b'{"eventType": 7}', "event_type"),
        (b'{"eventType": "answer", "eventTime": "yesterday"}', "event_time"),
        (b'{"eventType": "answer", "channels": -1}', "channels"),
        (b'{"eventType": "answer", "channels": 1.5}', "channels"),
        (b'{"eventType": "answer", "callId": "a\\u0000b"}', "call_id"),
        (b'{"eventType": "answer", "callId": "a", "callId": "b"}', "call_id"),
        (b'{"eventType": "answer", "transcription": []}', "transcription"),
        (b'{"eventType": "x", "transcription": {"completedTime": 5}}', "transcription"),
        (b'{"eventType": "x", "reason": "a", "rejectReason": "b"}', "reason"),
        (b'{"eventType": "answer", "stirShaken": "A"}', "stir_shaken"),
        (b"[" * 100_000, "body"),  # over 64 KiB
        (b'{"eventType": "answer", "tag": "' + b"x" * 70_000 + b'"}', "body"),
    ],
)
def test_malformed_bodies(payload: bytes, field: str) -> None:
    with pytest.raises(bwvoice.ValidationError) as caught:
        bwvoice.parse_callback(payload)
    assert caught.value.field == field
    message = str(caught.value)
    assert "\n" not in message and len(message) < 500


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(bwvoice.ValidationError) as caught:
        bwvoice.parse_callback(
            b'{"eventType": "answer", "x": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
        )
    assert caught.value.field is not None


def test_malformed_queries() -> None:
    for query, field in [
        ("callId=c-1", "event_type"),
        ("eventType=answer&channels=many", "channels"),
        ("eventType=answer&q=%FF", "query"),
        ("eventType=answer&q=\0", "query"),
        ("eventType=answer&mediaStream=a&mediaStream.id=b", "query"),
    ]:
        with pytest.raises(bwvoice.ValidationError) as caught:
            bwvoice.parse_callback_query(query)
        assert caught.value.field == field, query


def test_wrong_python_types() -> None:
    with pytest.raises(TypeError):
        bwvoice.parse_callback(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bwvoice.parse_callback_query(5)  # type: ignore[arg-type]
    with pytest.raises(bwvoice.ValidationError) as caught:
        bwvoice.parse_callback("\udc80")
    assert caught.value.field == "body"


def basic(user: str, password: str, scheme: str = "Basic") -> str:
    return f"{scheme} " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("header", "verdict"),
    [
        (basic("bw-user", "s3cr:et"), CallbackAuth.OK),
        (basic("bw-user", "s3cr:et", "basic"), CallbackAuth.OK),
        ("  " + basic("bw-user", "s3cr:et").rstrip("=") + "  ", CallbackAuth.OK),
        (None, CallbackAuth.CHALLENGE),
        ("", CallbackAuth.CHALLENGE),
        ("Bearer abc", CallbackAuth.CHALLENGE),
        (basic("bw-user", "wrong"), CallbackAuth.REFUSED),
        (basic("other", "s3cr:et"), CallbackAuth.REFUSED),
        (basic("bw-user", "s3cr:et2"), CallbackAuth.REFUSED),
        ("Basic", CallbackAuth.REFUSED),
        ("Basic !!!not-base64", CallbackAuth.REFUSED),
        ("Basic " + base64.b64encode(b"no-colon").decode(), CallbackAuth.REFUSED),
    ],
)
def test_check_callback_auth(header: str | None, verdict: CallbackAuth) -> None:
    assert bwvoice.check_callback_auth(header, "bw-user", "s3cr:et") is verdict


def test_check_callback_auth_needs_credentials() -> None:
    for user, password, field in [("", "hunter2", "username"), ("bw-user", "", "password")]:
        with pytest.raises(bwvoice.ValidationError) as caught:
            bwvoice.check_callback_auth(basic("bw-user", "hunter2"), user, password)
        assert caught.value.field == field
        assert "hunter2" not in str(caught.value)
    with pytest.raises(bwvoice.ValidationError) as caught:
        bwvoice.check_callback_auth("Basic \0", "u", "hunter2")
    assert caught.value.field == "authorization"
    assert "hunter2" not in str(caught.value)


def test_challenge_header() -> None:
    assert bwvoice.challenge_header() == 'Basic realm=""'
    assert bwvoice.challenge_header("voice") == 'Basic realm="voice"'
    assert bwvoice.challenge_header('a"b\\c') == 'Basic realm="a\\"b\\\\c"'
    long = "r" * 5000
    assert bwvoice.challenge_header(long) == f'Basic realm="{long}"'
    for bad in ["caf\u00e9", "a\nb", "a\tb"]:
        with pytest.raises(bwvoice.ValidationError) as caught:
            bwvoice.challenge_header(bad)
        assert caught.value.field == "realm"
