//! What a callback can never be: each refused, as `InvalidArgument`
//! naming the field, with a message that is short, on one line and free
//! of the caller's control characters.

use super::*;
use crate::error::Status;

fn refused(body: &[u8]) -> Error {
    let err = parse_callback(body).expect_err(&String::from_utf8_lossy(body));
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(
        !err.message.chars().any(char::is_control),
        "{:?}",
        err.message
    );
    assert!(err.message.len() < 400, "{}", err.message);
    err
}

#[test]
fn malformed_bodies_name_their_field() {
    let big = format!(
        r#"{{"eventType":"answer","tag":"{}"}}"#,
        "x".repeat(MAX_CALLBACK_BYTES)
    );
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (b"".to_vec(), "body", "callback body is not JSON"),
        (b"eventType=answer".to_vec(), "body", "not JSON"),
        (b"{\"eventType\":\"answer\"".to_vec(), "body", "EOF"),
        (
            b"{\"eventType\":\"answer\"} x".to_vec(),
            "body",
            "trailing characters",
        ),
        (
            b"{\"eventType\":\"an\xffswer\"}".to_vec(),
            "body",
            "not JSON",
        ),
        (br#"{"eventType":"\ud800"}"#.to_vec(), "body", "not JSON"),
        (b"[]".to_vec(), "body", "not a JSON object"),
        (b"\"answer\"".to_vec(), "body", "not a JSON object"),
        (b"null".to_vec(), "body", "not a JSON object"),
        (
            br#"{"eventType":"answer","x":1e400}"#.to_vec(),
            "body",
            "number out of range",
        ),
        (big.into_bytes(), "body", "over the 65536"),
        (
            b"{}".to_vec(),
            "event_type",
            "callback body has no eventType",
        ),
        (
            br#"{"eventType":null}"#.to_vec(),
            "event_type",
            "no eventType",
        ),
        (
            br#"{"eventType":7}"#.to_vec(),
            "event_type",
            "eventType is not a string",
        ),
        (
            br#"{"eventType":"a","eventType":"b"}"#.to_vec(),
            "event_type",
            "has the key \"eventType\" more than once",
        ),
        (
            br#"{"eventType":"answer","callId":"c","callId":"c"}"#.to_vec(),
            "call_id",
            "\"callId\" more than once",
        ),
        (
            br#"{"eventType":"answer","x":1,"x":2}"#.to_vec(),
            "body",
            "\"x\" more than once",
        ),
        (
            br#"{"eventType":"answer","from":15551234567}"#.to_vec(),
            "from",
            "callback from is not a string",
        ),
        (
            br#"{"eventType":"answer","tag":["a"]}"#.to_vec(),
            "tag",
            "tag is not a string",
        ),
        (
            br#"{"eventType":"answer","tag":"a\u0000b"}"#.to_vec(),
            "tag",
            "tag contains a NUL character",
        ),
        (br#"{"eventType":"a\u0000"}"#.to_vec(), "event_type", "NUL"),
        (
            br#"{"eventType":"answer","eventTime":"yesterday"}"#.to_vec(),
            "event_time",
            "eventTime is not an RFC 3339 date-time",
        ),
        (
            br#"{"eventType":"answer","startTime":"2019-09-13T16:48Z"}"#.to_vec(),
            "start_time",
            "startTime is not an RFC 3339",
        ),
        (
            br#"{"eventType":"answer","endTime":"0000-01-01T00:00:00Z"}"#.to_vec(),
            "end_time",
            "outside the years",
        ),
        (
            br#"{"eventType":"answer","answerTime":12}"#.to_vec(),
            "answer_time",
            "answerTime is not a string",
        ),
        (
            br#"{"eventType":"disconnect","sipResponseCode":"486"}"#.to_vec(),
            "sip_response_code",
            "not a whole number",
        ),
        (
            br#"{"eventType":"disconnect","sipResponseCode":-1}"#.to_vec(),
            "sip_response_code",
            "from 0 to 2147483647",
        ),
        (
            br#"{"eventType":"disconnect","sipResponseCode":2147483648}"#.to_vec(),
            "sip_response_code",
            "whole number",
        ),
        (
            br#"{"eventType":"recordingAvailable","channels":1.5}"#.to_vec(),
            "channels",
            "channels is not a whole number",
        ),
        (
            br#"{"eventType":"answer","machineDetectionResult":5}"#.to_vec(),
            "machine_detection_result",
            "not a string or an object",
        ),
        (
            br#"{"eventType":"answer","machineDetectionResult":{"value":1}}"#.to_vec(),
            "machine_detection_result",
            "machineDetectionResult.value is not a string",
        ),
        (
            br#"{"eventType":"answer","machineDetectionResult":{"value":"a","value":"b"}}"#
                .to_vec(),
            "machine_detection_result",
            "machineDetectionResult has the key \"value\" more than once",
        ),
        (
            br#"{"eventType":"transcriptionAvailable","transcription":"t-1"}"#.to_vec(),
            "transcription",
            "transcription is not an object",
        ),
        (
            br#"{"eventType":"transcriptionAvailable","transcription":{"completedTime":"soon"}}"#
                .to_vec(),
            "transcription",
            "transcription.completedTime is not an RFC 3339",
        ),
        (
            br#"{"eventType":"x","realTimeTranscription":{"stabilized":"yes"}}"#.to_vec(),
            "real_time_transcription",
            "realTimeTranscription.stabilized is not true or false",
        ),
        (
            br#"{"eventType":"x","realtimeTranscription":{"tracks":"inbound"}}"#.to_vec(),
            "real_time_transcription",
            "realtimeTranscription.tracks is not a list of strings",
        ),
        (
            br#"{"eventType":"x","mediaStream":{"tracks":["inbound",2]}}"#.to_vec(),
            "media_stream",
            "mediaStream.tracks is not a list",
        ),
        (
            br#"{"eventType":"x","mediaStream":{"tracks":["in\u0000"]}}"#.to_vec(),
            "media_stream",
            "NUL",
        ),
        (
            br#"{"eventType":"x","realTimeTranscription":{},"realtimeTranscription":{}}"#.to_vec(),
            "real_time_transcription",
            "realTimeTranscription and realtimeTranscription are the same field",
        ),
        (
            br#"{"eventType":"x","reason":"a","rejectReason":"b"}"#.to_vec(),
            "reason",
            "are the same field",
        ),
        (
            br#"{"eventType":"initiate","diversion":"origTo"}"#.to_vec(),
            "diversion",
            "diversion is not an object",
        ),
        (
            br#"{"eventType":"initiate","diversion":{"reason":["a"]}}"#.to_vec(),
            "diversion",
            "diversion.reason is not a string",
        ),
        (
            br#"{"eventType":"initiate","stirShaken":{"verstat":"a","verstat":"b"}}"#.to_vec(),
            "stir_shaken",
            "stirShaken has the key \"verstat\" more than once",
        ),
        (
            br#"{"eventType":"initiate","sipHeaders":{"x-a":"1\u0000"}}"#.to_vec(),
            "sip_headers",
            "sipHeaders.x-a contains a NUL",
        ),
        (
            br#"{"eventType":"initiate","sipHeaders":{"x-\u0000":"1"}}"#.to_vec(),
            "sip_headers",
            "contains a NUL",
        ),
    ];
    for (body, field, why) in cases {
        let err = refused(&body);
        let shown = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
        assert_eq!(err.field, Some(field), "{shown}: {}", err.message);
        assert!(err.message.contains(why), "{shown}: {}", err.message);
    }
}

#[test]
fn exactly_64_kib_is_read() {
    let head = r#"{"eventType":"answer","tag":""#;
    let fill = MAX_CALLBACK_BYTES - head.len() - 2;
    let body = format!(r#"{head}{}"}}"#, "t".repeat(fill));
    assert_eq!(body.len(), MAX_CALLBACK_BYTES);
    assert_eq!(
        parse_callback(body.as_bytes()).unwrap().tag.unwrap().len(),
        fill
    );
}

#[test]
fn caller_text_in_messages_is_cut_and_on_one_line() {
    let key = format!("x\\r\\n{}", "k".repeat(500));
    let body = format!(r#"{{"eventType":"answer","{key}":1,"{key}":2}}"#);
    let err = refused(body.as_bytes());
    assert!(err.message.contains("\"x  kkk"), "{}", err.message);
    assert!(err.message.contains('…'), "{}", err.message);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        r#"{{"eventType":"x","u":{}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let err = refused(deep.as_bytes());
    assert_eq!(err.field, Some("body"));
    let deep = format!(
        r#"{{"eventType":"x","u":{}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(parse_callback(deep.as_bytes()).unwrap().event_type, "x");
}

#[test]
fn unknown_fields_of_any_shape_are_ignored() {
    let cb = parse_callback(
        br#"{"eventType":"answer","extra":{"deep":[{"a":null}],"n":1e300},"list":[1,"x",true],
             "machineDetectionResult":{"value":"human","confidence":0.9},"transcription":{"speaker":0,"text":"hi"}}"#,
    )
    .unwrap();
    assert_eq!(
        cb.machine_detection_result.unwrap().value.as_deref(),
        Some("human")
    );
    assert_eq!(cb.transcription.unwrap().id, None);
}

#[test]
fn malformed_query_strings() {
    let too_long = format!("eventType=answer&tag={}", "x".repeat(MAX_CALLBACK_BYTES));
    let cases: Vec<(String, &str, &str)> = vec![
        (
            String::new(),
            "event_type",
            "callback query has no eventType",
        ),
        ("tag=x".into(), "event_type", "no eventType"),
        (too_long, "query", "over the 65536"),
        (
            "eventType=answer&eventType=gather".into(),
            "event_type",
            "more than once",
        ),
        (
            "eventType=answer&x=1&x=2".into(),
            "query",
            "\"x\" more than once",
        ),
        ("eventType=answer&tag=%00".into(), "tag", "NUL"),
        (
            "eventType=answer&tag=%C3%28".into(),
            "query",
            "the value of tag is not UTF-8",
        ),
        (
            "eventType=answer&%ff=1".into(),
            "query",
            "a name is not UTF-8",
        ),
        (
            "eventType=answer&channels=two".into(),
            "channels",
            "not a whole number",
        ),
        (
            "eventType=answer&channels=-1".into(),
            "channels",
            "not a whole number",
        ),
        (
            "eventType=answer&eventTime=now".into(),
            "event_time",
            "not an RFC 3339",
        ),
        (
            "eventType=answer&mediaStream=x".into(),
            "media_stream",
            "not an object",
        ),
        (
            "eventType=answer&diversion=x&diversion.reason=y".into(),
            "query",
            "both a value and an object",
        ),
        (
            "eventType=x&realTimeTranscription.stabilized=maybe".into(),
            "real_time_transcription",
            "not true or false",
        ),
        (
            "eventType=x&machineDetectionResult.value=a&machineDetectionResult.value=b".into(),
            "machine_detection_result",
            "more than once",
        ),
    ];
    for (query, field, why) in cases {
        let err = parse_callback_query(&query).expect_err(&query);
        assert_eq!(err.status, Status::InvalidArgument);
        let shown = &query[..query.len().min(120)];
        assert_eq!(err.field, Some(field), "{shown}: {}", err.message);
        assert!(err.message.contains(why), "{shown}: {}", err.message);
    }
}
