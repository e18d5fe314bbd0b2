//! Every event of the API reference and of the documentation, in bodies
//! of their shapes (values of our own), and the query-string form.

use super::*;

fn parse(body: &str) -> Callback {
    parse_callback(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
}

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn ms(t: &Option<Timestamp>) -> i64 {
    t.as_ref().expect("a time").unix_ms
}

/// The fields every call event shares, as one JSON fragment.
const CALL: &str = r#""accountId":"9911223","applicationId":"a0b1c2d3-0000-4000-8000-000000000001",
    "from":"+19195550111","to":"+19195550122","direction":"outbound",
    "callId":"c-aaaa1111-bbbb-cccc","callUrl":"https://voice.example/api/v2/accounts/9911223/calls/c-aaaa1111-bbbb-cccc",
    "enqueuedTime":"2023-03-04T10:00:00.500Z","startTime":"2023-03-04T10:00:01Z",
    "answerTime":"2023-03-04T10:00:05.250Z","tag":"step-7""#;

fn call_event(event_type: &str, own: &str) -> Callback {
    let body = format!(
        r#"{{"eventType":"{event_type}","eventTime":"2023-03-04T10:01:00.000Z",{CALL}{}{own}}}"#,
        if own.is_empty() { "" } else { "," }
    );
    let cb = parse(&body);
    assert_eq!(cb.event_type, event_type);
    assert_eq!(cb.event, CallbackEvent::from_name(event_type));
    assert_eq!(cb.account_id, s("9911223"));
    assert_eq!(cb.application_id, s("a0b1c2d3-0000-4000-8000-000000000001"));
    assert_eq!(
        (cb.from.as_deref(), cb.to.as_deref()),
        (Some("+19195550111"), Some("+19195550122"))
    );
    assert_eq!(cb.direction, s("outbound"));
    assert_eq!(cb.call_id, s("c-aaaa1111-bbbb-cccc"));
    assert!(cb
        .call_url
        .as_deref()
        .unwrap()
        .ends_with("/calls/c-aaaa1111-bbbb-cccc"));
    assert_eq!(ms(&cb.event_time), 1_677_924_060_000);
    assert_eq!(ms(&cb.enqueued_time), 1_677_924_000_500);
    assert_eq!(ms(&cb.start_time), 1_677_924_001_000);
    assert_eq!(
        cb.answer_time.as_ref().unwrap().text,
        "2023-03-04T10:00:05.250Z"
    );
    assert_eq!(cb.tag, s("step-7"));
    cb
}

#[test]
fn answer_with_sync_machine_detection() {
    let cb = call_event(
        "answer",
        r#""machineDetectionResult":{"value":"answering-machine","duration":"PT3.25S"},
           "sipCallId":"77aa@sbc.example""#,
    );
    assert_eq!(cb.event, CallbackEvent::Answer);
    let md = cb.machine_detection_result.unwrap();
    assert_eq!(
        (md.value, md.duration),
        (s("answering-machine"), s("PT3.25S"))
    );
    assert_eq!(cb.sip_call_id, s("77aa@sbc.example"));
}

#[test]
fn bridge_and_transfer_events() {
    let cb = call_event(
        "bridgeComplete",
        r#""cause":"invalid-bxml","errorMessage":"Call c-1 is already bridged","errorId":"e-0001""#,
    );
    assert_eq!(cb.event, CallbackEvent::BridgeComplete);
    assert_eq!(
        (cb.cause, cb.error_message, cb.error_id),
        (
            s("invalid-bxml"),
            s("Call c-1 is already bridged"),
            s("e-0001")
        )
    );
    assert_eq!(
        call_event("bridgeTargetComplete", "").event,
        CallbackEvent::BridgeTargetComplete
    );
    let transfer = r#""transferCallerId":"Anonymous","transferTo":"+19195550133""#;
    for (name, event) in [
        ("transferAnswer", CallbackEvent::TransferAnswer),
        ("transferComplete", CallbackEvent::TransferComplete),
        ("transferDisconnect", CallbackEvent::TransferDisconnect),
    ] {
        let cb = call_event(
            name,
            &format!(
                r#"{transfer},"cause":"busy","parentCallId":"c-parent","endTime":"2023-03-04T10:02:00Z""#
            ),
        );
        assert_eq!(cb.event, event);
        assert_eq!(cb.transfer_caller_id, s("Anonymous"));
        assert_eq!(cb.transfer_to, s("+19195550133"));
        assert_eq!(cb.parent_call_id, s("c-parent"));
        assert_eq!(ms(&cb.end_time), 1_677_924_120_000);
    }
}

#[test]
fn conference_events() {
    let names = [
        ("conferenceCreated", CallbackEvent::ConferenceCreated),
        ("conferenceRedirect", CallbackEvent::ConferenceRedirect),
        ("conferenceMemberJoin", CallbackEvent::ConferenceMemberJoin),
        ("conferenceMemberExit", CallbackEvent::ConferenceMemberExit),
        ("conferenceCompleted", CallbackEvent::ConferenceCompleted),
    ];
    for (name, event) in names {
        let cb = parse(&format!(
            r#"{{"eventType":"{name}","eventTime":"2023-05-06T07:08:09.010Z","conferenceId":"conf-0a1b",
                "name":"weekly-sync","tag":"room-2","callId":"c-member","from":"Private","to":"+19195550144"}}"#
        ));
        assert_eq!(cb.event, event);
        assert_eq!(
            (cb.conference_id, cb.name, cb.tag),
            (s("conf-0a1b"), s("weekly-sync"), s("room-2"))
        );
        assert_eq!((cb.call_id, cb.from), (s("c-member"), s("Private")));
        assert_eq!(cb.account_id, None);
    }
    let cb = parse(
        r#"{"eventType":"conferenceRecordingAvailable","eventTime":"2023-05-06T07:20:00Z",
            "conferenceId":"conf-0a1b","name":"weekly-sync","accountId":"9911223",
            "recordingId":"r-0c0d","channels":1,"startTime":"2023-05-06T07:08:10Z",
            "endTime":"2023-05-06T07:18:10Z","duration":"PT10M","fileFormat":"mp3",
            "mediaUrl":"https://voice.example/recordings/r-0c0d/media","status":"partial"}"#,
    );
    assert_eq!(cb.event, CallbackEvent::ConferenceRecordingAvailable);
    assert_eq!(
        (cb.recording_id, cb.channels, cb.duration),
        (s("r-0c0d"), Some(1), s("PT10M"))
    );
    assert_eq!((cb.file_format, cb.status), (s("mp3"), s("partial")));
    assert_eq!(ms(&cb.end_time) - ms(&cb.start_time), 600_000);
}

#[test]
fn disconnect_with_sip_response_code() {
    let cb = call_event(
        "disconnect",
        r#""endTime":"2023-03-04T10:03:00Z","cause":"rejected","errorMessage":null,
           "errorId":null,"sipCallId":"x@sbc","sipResponseCode":603"#,
    );
    assert_eq!(cb.event, CallbackEvent::Disconnect);
    assert_eq!(
        (cb.cause, cb.error_message, cb.sip_response_code),
        (s("rejected"), None, Some(603))
    );
}

#[test]
fn digits_gather_and_dtmf() {
    let cb = call_event(
        "gather",
        r##""digits":"0471","terminatingDigit":"#","transferTo":"+19195550133""##,
    );
    assert_eq!(cb.event, CallbackEvent::Gather);
    assert_eq!((cb.digits, cb.terminating_digit), (s("0471"), s("#")));
    let cb = call_event("gather", r#""digits":"","terminatingDigit":"""#);
    assert_eq!((cb.digits, cb.terminating_digit), (s(""), s("")));
    let cb = call_event("dtmf", r#""digit":"*","parentCallId":"c-a-leg""#);
    assert_eq!((cb.event, cb.digit), (CallbackEvent::Dtmf, s("*")));
}

#[test]
fn initiate_with_every_sip_detail() {
    let cb = parse(
        r#"{"eventType":"initiate","eventTime":"2023-07-01T00:00:00Z","accountId":"9911223",
            "applicationId":"app-1","from":"sip:alice@pbx.example","to":"+19195550155",
            "direction":"inbound","callId":"c-in","callUrl":"https://voice.example/c-in",
            "startTime":"2023-07-01T00:00:00Z",
            "diversion":{"origTo":"+19195550166","reason":"no-answer","privacy":"off",
                         "counter":"3","somethingNew":"yes","limit":5,"screen":null},
            "stirShaken":{"verstat":"TN-Validation-Passed","attestationIndicator":"B",
                          "originatingId":"0f0e-0d0c"},
            "uui":"aGVsbG8;encoding=base64","sipCallId":"abc@sbc.example",
            "sipHeaders":{"x-account-ref":"A-17","x-trace":"t 1"}}"#,
    );
    assert_eq!(cb.event, CallbackEvent::Initiate);
    assert_eq!(cb.from, s("sip:alice@pbx.example"));
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        cb.diversion,
        pairs(&[
            ("counter", "3"),
            ("limit", "5"),
            ("origTo", "+19195550166"),
            ("privacy", "off"),
            ("reason", "no-answer"),
            ("somethingNew", "yes")
        ])
    );
    assert_eq!(
        cb.stir_shaken,
        pairs(&[
            ("attestationIndicator", "B"),
            ("originatingId", "0f0e-0d0c"),
            ("verstat", "TN-Validation-Passed")
        ])
    );
    assert_eq!(
        cb.sip_headers,
        pairs(&[("x-account-ref", "A-17"), ("x-trace", "t 1")])
    );
    assert_eq!(
        (cb.uui, cb.sip_call_id),
        (s("aGVsbG8;encoding=base64"), s("abc@sbc.example"))
    );
}

#[test]
fn machine_detection_complete_as_object_or_text() {
    let cb = call_event(
        "machineDetectionComplete",
        r#""machineDetectionResult":{"value":"silence","duration":"PT5S"}"#,
    );
    assert_eq!(cb.event, CallbackEvent::MachineDetectionComplete);
    assert_eq!(cb.machine_detection_result.unwrap().value, s("silence"));
    // The documentation's example sends the value alone.
    let cb = call_event(
        "machineDetectionComplete",
        r#""machineDetectionResult":"human""#,
    );
    let md = cb.machine_detection_result.unwrap();
    assert_eq!((md.value, md.duration), (s("human"), None));
}

#[test]
fn recordings_and_transcriptions() {
    let recording = r#""recordingId":"r-1f2e","mediaUrl":"https://voice.example/r-1f2e/media",
        "endTime":"2023-03-04T10:00:40Z","duration":"PT35S","fileFormat":"wav","channels":2"#;
    for (name, event) in [
        ("recordingComplete", CallbackEvent::RecordingComplete),
        ("recordComplete", CallbackEvent::RecordingComplete),
        ("recordingAvailable", CallbackEvent::RecordingAvailable),
    ] {
        let cb = parse(&format!(
            r#"{{"eventType":"{name}",{CALL},{recording},"status":"complete"}}"#
        ));
        assert_eq!((cb.event, cb.event_type.as_str()), (event, name));
        assert_eq!(
            (cb.recording_id, cb.channels, cb.file_format),
            (s("r-1f2e"), Some(2), s("wav"))
        );
        assert_eq!(cb.status, s("complete"));
    }
    let cb = call_event(
        "transcriptionAvailable",
        &format!(
            r#"{recording},"transcription":{{"id":"t-9a8b","status":"available",
            "completedTime":"2023-03-04T10:01:30.125Z","url":"https://voice.example/t-9a8b"}}"#
        ),
    );
    assert_eq!(cb.event, CallbackEvent::TranscriptionAvailable);
    let t = cb.transcription.unwrap();
    assert_eq!(
        (t.id, t.status, t.url),
        (
            s("t-9a8b"),
            s("available"),
            s("https://voice.example/t-9a8b")
        )
    );
    assert_eq!(ms(&t.completed_time), 1_677_924_090_125);
    assert_eq!((t.name, t.stabilized, t.tracks.len()), (None, None, 0));
}

#[test]
fn redirect() {
    let cb = call_event(
        "redirect",
        r#""parentCallId":"c-a","transferCallerId":"+19195550111""#,
    );
    assert_eq!(
        (cb.event, cb.parent_call_id),
        (CallbackEvent::Redirect, s("c-a"))
    );
}

#[test]
fn media_stream_events() {
    let stream = r#"{"id":"s-5e6f","name":"agent-audio","destination":"wss://media.example/in",
        "type":"WebSocket","startTime":"2023-03-04T10:00:06Z","tracks":["inbound","outbound"]}"#;
    let cb = call_event("mediaStreamStarted", &format!(r#""mediaStream":{stream}"#));
    assert_eq!(cb.event, CallbackEvent::MediaStreamStarted);
    let m = cb.media_stream.unwrap();
    assert_eq!(
        (m.id, m.name, m.stream_type),
        (s("s-5e6f"), s("agent-audio"), s("WebSocket"))
    );
    assert_eq!(
        (m.destination, m.tracks),
        (
            s("wss://media.example/in"),
            vec!["inbound".to_string(), "outbound".into()]
        )
    );
    assert_eq!(ms(&m.start_time), 1_677_924_006_000);
    let cb = call_event(
        "mediaStreamStopped",
        r#""cause":"connection-error","errorMessage":"socket closed",
           "mediaStream":{"id":"s-5e6f","duration":"PT1M2.5S","tracks":["outbound"]}"#,
    );
    assert_eq!(
        (cb.event, cb.cause),
        (CallbackEvent::MediaStreamStopped, s("connection-error"))
    );
    assert_eq!(cb.media_stream.unwrap().duration, s("PT1M2.5S"));
    // The documentation's example and its table name two fields differently.
    for (original, reason) in [
        ("originalMediaStream", "reason"),
        ("originalStreamInfo", "rejectReason"),
    ] {
        let cb = call_event(
            "mediaStreamRejected",
            &format!(
                r#""mediaStream":{stream},"{original}":{stream},"{reason}":"Duplicate Stream""#
            ),
        );
        assert_eq!(cb.event, CallbackEvent::MediaStreamRejected);
        assert_eq!(cb.original_media_stream.unwrap().name, s("agent-audio"));
        assert_eq!(cb.reason, s("Duplicate Stream"));
    }
}

#[test]
fn real_time_transcription_events() {
    let rtt = r#"{"id":"t-77","name":"notes","startTime":"2023-03-04T10:00:07Z",
        "tracks":["inbound"],"destination":"wss://stt.example","stabilized":"true"}"#;
    for (name, event) in [
        (
            "realTimeTranscriptionStarted",
            CallbackEvent::RealTimeTranscriptionStarted,
        ),
        (
            "realtimeTranscriptionStarted",
            CallbackEvent::RealTimeTranscriptionStarted,
        ),
        (
            "realTimeTranscriptionStopped",
            CallbackEvent::RealTimeTranscriptionStopped,
        ),
        (
            "realtimeTranscriptionStopped",
            CallbackEvent::RealTimeTranscriptionStopped,
        ),
    ] {
        for holder in ["realTimeTranscription", "realtimeTranscription"] {
            let cb = call_event(name, &format!(r#""{holder}":{rtt}"#));
            assert_eq!((cb.event, cb.event_type.as_str()), (event, name));
            let t = cb.real_time_transcription.unwrap();
            assert_eq!(
                (t.id, t.stabilized, t.tracks),
                (s("t-77"), Some(true), vec!["inbound".to_string()])
            );
        }
    }
    let cb = call_event(
        "realTimeTranscriptionAvailable",
        r#""realTimeTranscription":{"id":"t-77","status":"available","url":"https://voice.example/t-77",
            "completedTime":"2023-03-04T10:05:00Z","stabilized":false,"tracks":["inbound","outbound"]}"#,
    );
    assert_eq!(cb.event, CallbackEvent::RealTimeTranscriptionAvailable);
    let t = cb.real_time_transcription.unwrap();
    assert_eq!((t.status, t.stabilized), (s("available"), Some(false)));
    // The documentation's examples of Stopped and Rejected put it under `transcription`.
    let cb = call_event(
        "realTimeTranscriptionRejected",
        &format!(r#""cause":"duplicate","transcription":{rtt},"originalTranscription":{rtt}"#),
    );
    assert_eq!(cb.event, CallbackEvent::RealTimeTranscriptionRejected);
    assert_eq!(cb.transcription.unwrap().name, s("notes"));
    assert_eq!(
        cb.original_transcription.unwrap().destination,
        s("wss://stt.example")
    );
}

#[test]
fn unknown_events_keep_their_common_fields() {
    let cb = call_event("holdMusicStarted", r#""brandNew":{"x":[1,2]},"digits":"5""#);
    assert_eq!(
        (cb.event, cb.event_type.as_str()),
        (CallbackEvent::Unknown, "holdMusicStarted")
    );
    assert_eq!(cb.digits, s("5"));
    let cb = parse(r#"{"eventType":""}"#);
    assert_eq!(
        (cb.event, cb.event_type.as_str()),
        (CallbackEvent::Unknown, "")
    );
}

#[test]
fn times_with_offsets_fractions_and_no_offset() {
    let cb = parse(
        r#"{"eventType":"answer","eventTime":"2023-03-04T12:00:00.123456789+02:00",
            "startTime":"1969-12-31T23:59:59.999Z","answerTime":"2019-09-13T16:49:40.500",
            "enqueuedTime":"2019-09-13-16:48:27.198Z"}"#,
    );
    // RFC 3339 lets the separator be other than `T` (another documented example).
    assert_eq!(ms(&cb.enqueued_time), 1_568_393_307_198);
    assert_eq!(ms(&cb.event_time), 1_677_924_000_123);
    assert_eq!(ms(&cb.start_time), -1);
    // No offset (as one documented example): read as UTC, text kept.
    let answer = cb.answer_time.unwrap();
    assert_eq!(
        (answer.text.as_str(), answer.unix_ms),
        ("2019-09-13T16:49:40.500", 1_568_393_380_500)
    );
}

#[test]
fn query_strings() {
    let cb = parse_callback_query(
        "eventType=gather&eventTime=2023-03-04T10%3A01%3A00Z&callId=c-q&from=%2B19195550111\
         &to=Anonymous&digits=12%23&terminatingDigit=&tag=two+words&channels=2&sipResponseCode=\
         &machineDetectionResult.value=human&machineDetectionResult.duration=PT1S\
         &diversion.origTo=%2B19195550166&sipHeaders.x-a=1\
         &realTimeTranscription.tracks=inbound,outbound&realTimeTranscription.stabilized=false\
         &transcription.completedTime=&unknownField=whatever",
    )
    .unwrap();
    assert_eq!(cb.event, CallbackEvent::Gather);
    assert_eq!(ms(&cb.event_time), 1_677_924_060_000);
    assert_eq!((cb.from, cb.to), (s("+19195550111"), s("Anonymous")));
    assert_eq!(
        (cb.digits, cb.terminating_digit, cb.tag),
        (s("12#"), s(""), s("two words"))
    );
    assert_eq!((cb.channels, cb.sip_response_code), (Some(2), None));
    assert_eq!(cb.machine_detection_result.unwrap().duration, s("PT1S"));
    assert_eq!(
        cb.diversion,
        vec![("origTo".to_string(), "+19195550166".to_string())]
    );
    assert_eq!(cb.sip_headers, vec![("x-a".to_string(), "1".to_string())]);
    let t = cb.real_time_transcription.unwrap();
    assert_eq!((t.tracks.len(), t.stabilized), (2, Some(false)));
    assert_eq!(cb.transcription.unwrap().completed_time, None);
    let cb =
        parse_callback_query("?eventType=machineDetectionComplete&machineDetectionResult=silence")
            .unwrap();
    assert_eq!(cb.machine_detection_result.unwrap().value, s("silence"));
}

#[test]
fn the_event_list_matches_the_reference_and_the_documentation() {
    // The 21 of the API reference, then the 7 of the documentation.
    let names: Vec<&str> = CallbackEvent::ALL
        .iter()
        .map(|e| e.name().unwrap())
        .collect();
    assert_eq!(names.len(), 28);
    assert_eq!(
        &names[..3],
        ["answer", "bridgeComplete", "bridgeTargetComplete"]
    );
    assert_eq!(names[20], "transferDisconnect");
    assert_eq!(names[27], "realTimeTranscriptionRejected");
}
