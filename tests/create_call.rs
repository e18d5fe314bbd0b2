//! createCall is never sent twice once it may have placed a call: against
//! servers that read the request and then reset, stall, answer 5xx or a
//! malformed 201, and with `retry_non_idempotent` on. Only what certainly
//! placed nothing (no connection, 429) is retried.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::{CreateCallRequest, CreatedCall};
use common::*;
use std::time::Duration;

const BUDGET: Duration = Duration::from_secs(2);
const PASSWORD: &str = "answer-pw-Hq7x";

fn request() -> CreateCallRequest {
    CreateCallRequest {
        username: Some("app".into()),
        password: Some(PASSWORD.into()),
        tag: Some("order-17".into()),
        ..CreateCallRequest::new(
            "+15555550100",
            "+15555550199",
            "app-1",
            "https://app.example/answer",
        )
    }
}

fn place(server: &HostileServer, opt_in: bool) -> Result<CreatedCall, Error> {
    let client = client(ClientConfig {
        base_url: Some(format!("{}/api/v2", server.url)),
        timeout: Some(BUDGET),
        max_attempts: Some(5),
        retry_non_idempotent: opt_in,
        ..basic_at(server.url.clone())
    });
    client.create_call(ACCOUNT, &request(), &CallOptions::default())
}

fn http(status: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

#[test]
fn what_may_have_placed_a_call_is_never_sent_again() {
    let cases: Vec<(&str, Behaviour)> = vec![
        ("read, then reset", Behaviour::WriteThenReset(Vec::new())),
        ("read, then closed", Behaviour::WriteThenClose(Vec::new())),
        ("read, then stalled", Behaviour::WriteThenStall(Vec::new())),
        ("500", Behaviour::Write(http("500 Internal Server Error"))),
        ("502", Behaviour::Write(http("502 Bad Gateway"))),
        // A proxy may say 503 after the request reached the API behind it.
        ("503", Behaviour::Write(http("503 Service Unavailable"))),
        ("504", Behaviour::Write(http("504 Gateway Timeout"))),
        (
            "half a status line",
            Behaviour::WriteThenReset(b"HTTP/1.1 20".to_vec()),
        ),
        (
            "a 201 that is not a createCallResponse",
            Behaviour::Write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n[]".to_vec()),
        ),
    ];
    for opt_in in [false, true] {
        for (case, behaviour) in &cases {
            let server = HostileServer::start([behaviour.clone()]);
            let err = place(&server, opt_in).expect_err(case);
            assert_eq!(server.requests(), 1, "{case} (opt-in {opt_in}): sent again");
            assert_eq!(err.attempts, 1, "{case}");
            assert!(err.maybe_applied, "{case}: the call may exist: {err}");
            assert_clean(&err, &[PASSWORD]);
        }
    }
}

#[test]
fn what_certainly_placed_nothing_is_retried() {
    let too_many = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n";
    let created = br#"{"accountId":"9900000","applicationId":"app-1","callId":"c-1","callUrl":"https://h/c-1","to":"+15555550100","from":"+15555550199","answerUrl":"https://app.example/answer","answerMethod":"POST","disconnectMethod":"POST"}"#;
    let mut answer = format!(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        created.len()
    )
    .into_bytes();
    answer.extend_from_slice(created);
    let server = HostileServer::start([
        Behaviour::Write(too_many.to_vec()),
        Behaviour::Write(answer),
    ]);
    let call = place(&server, false).unwrap();
    assert_eq!((call.call_id.as_str(), server.requests()), ("c-1", 2));

    // Nothing listens: the request never left, so it is tried again.
    let client = client(ClientConfig {
        max_attempts: Some(3),
        timeout: Some(BUDGET),
        ..basic_at(format!("http://127.0.0.1:{}/api/v2", closed_port()))
    });
    let err = client
        .create_call(ACCOUNT, &request(), &CallOptions::default())
        .unwrap_err();
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::Connect, 3, false),
        "{err}"
    );
}

#[test]
fn a_rejected_request_says_no_call_was_placed() {
    let bad = br#"{"type":"validation","description":"Invalid applicationId"}"#;
    let mut answer = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\n\r\n",
        bad.len()
    )
    .into_bytes();
    answer.extend_from_slice(bad);
    let server = HostileServer::start([Behaviour::Write(answer)]);
    let err = place(&server, true).unwrap_err();
    assert_eq!(
        (err.status, err.maybe_applied, server.requests()),
        (Status::BadRequest, false, 1)
    );
    assert_eq!(err.description.as_deref(), Some("Invalid applicationId"));
}
