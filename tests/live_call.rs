//! The live-call operations beside updateCall — getCallState,
//! updateCallBxml and updateCallRecordingState — through the one pipeline
//! (`Client::run`), against the simulator and hostile servers on loopback:
//! what goes on the wire, how every answer maps to a `Status`, which
//! failures are retried, and what never leaves the client.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::{RecordingState, Timestamp, MAX_BXML_BYTES};
use bwvoice_sim::{LoggedRequest, Route};
use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

/// A document with a declaration, newlines, an entity and non-ASCII text:
/// it must arrive byte for byte.
const DOC: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bxml>\n  \
    <SpeakSentence voice=\"julie\">caf\u{e9} &amp; \u{263A}</SpeakSentence>\n</Bxml>\n";
const XML_TYPE: &str = "application/xml; charset=utf-8";
const JSON_TYPE: &str = "application/json; charset=utf-8";
/// The simulator's Basic password in the redaction tests; never in an error.
const PASSWORD: &str = "pw-Hq7xR2";
/// base64("user:pw-Hq7xR2"), the Basic credential on the wire.
const BASIC_CREDENTIAL: &str = "dXNlcjpwdy1IcTd4UjI=";
/// base64("client:s3cr3t-Zq9"), the OAuth2 client's credential at the token endpoint.
const CLIENT_CREDENTIAL: &str = "Y2xpZW50OnMzY3IzdC1acTk=";

/// The operations under test, each on its own route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// getCallState: `GET …/calls/{id}`.
    State,
    /// updateCallBxml with [`DOC`]: `PUT …/calls/{id}/bxml`.
    Bxml,
    /// updateCallRecordingState, paused: `PUT …/calls/{id}/recording`.
    Pause,
    /// updateCallRecordingState, recording.
    Resume,
}

impl Op {
    const ALL: [Op; 4] = [Op::State, Op::Bxml, Op::Pause, Op::Resume];

    fn run(
        self,
        client: &Client,
        account: &str,
        call: &str,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        match self {
            Op::State => client.get_call_state(account, call, opts).map(|_| ()),
            Op::Bxml => client.update_call_bxml(account, call, DOC, opts),
            Op::Pause => client.update_call_recording(account, call, RecordingState::Paused, opts),
            Op::Resume => {
                client.update_call_recording(account, call, RecordingState::Recording, opts)
            }
        }
    }

    /// On the default account with default options.
    fn call(self, client: &Client, call: &str) -> Result<(), Error> {
        self.run(client, ACCOUNT, call, &CallOptions::default())
    }

    fn route(self) -> Route {
        match self {
            Op::State => Route::Call,
            Op::Bxml => Route::Bxml,
            Op::Pause | Op::Resume => Route::Recording,
        }
    }

    fn method(self) -> &'static str {
        match self {
            Op::State => "GET",
            _ => "PUT",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Op::State => "",
            Op::Bxml => "/bxml",
            Op::Pause | Op::Resume => "/recording",
        }
    }

    /// Repeated after a failure that may have been applied.
    fn idempotent(self) -> bool {
        self != Op::Bxml
    }
}

/// An answered call with a recording in progress: every [`Op`] succeeds on it.
fn live_call(sim: &Simulator) -> String {
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    assert!(sim.start_recording(&call));
    call
}

/// Where most tests start: a simulator, a Basic client of it and a
/// [`live_call`] on it.
fn live_setup() -> (Simulator, Client, String) {
    let sim = sim();
    let client = client(basic(&sim));
    let call = live_call(&sim);
    (sim, client, call)
}

/// The requests the simulator received for `op` on `call` (default account).
fn sent(sim: &Simulator, op: Op, call: &str) -> Vec<LoggedRequest> {
    let path = format!("/api/v2/accounts/{ACCOUNT}/calls/{call}{}", op.suffix());
    sim.requests()
        .into_iter()
        .filter(|r| r.method == op.method() && r.path == path)
        .collect()
}

/// A fault on `op`'s route and method for `call` only.
fn on(op: Op, call: &str, fault: Fault) -> Fault {
    Fault {
        match_id: Some(call.to_owned()),
        route: Some(op.route()),
        method: Some(op.method().to_owned()),
        ..fault
    }
}

fn status(code: u16) -> Fault {
    Fault {
        status: Some(code),
        ..Fault::default()
    }
}

fn close() -> Fault {
    Fault {
        close: true,
        ..Fault::default()
    }
}

/// A 200 answer with this body (as a hostile or broken server sends it).
fn ok_with(body: &str) -> Fault {
    Fault {
        body: Some(body.to_owned()),
        ..status(200)
    }
}

/// The header `name` (lowercase) of a logged request.
fn header<'a>(request: &'a LoggedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// RFC 3986 unreserved characters stay, every other byte is `%XX`.
fn encoded(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `POST` to the simulator's unauthenticated control API; returns the
/// status code and body.
fn control(sim: &Simulator, path: &str, body: &Value) -> (u16, String) {
    let body = body.to_string();
    let mut conn = TcpStream::connect(sim.addr()).unwrap();
    write!(
        conn,
        "POST /sim/{path} HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    let code = reply[9..12].parse().unwrap();
    let body = reply
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (code, body)
}

/// Milliseconds since the epoch of the simulator's `YYYY-MM-DDTHH:MM:SS.mmmZ`,
/// computed here independently of the library's parser.
fn unix_ms(text: &str) -> i64 {
    assert_eq!(text.len(), 24, "{text}");
    assert!(text.ends_with('Z') && &text[10..11] == "T", "{text}");
    let n = |from: usize, to: usize| text[from..to].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    (days * 86_400 + n(11, 13) * 3_600 + n(14, 16) * 60 + n(17, 19)) * 1_000 + n(20, 23)
}

/// Checks a parsed timestamp against the simulator's text for the same field.
fn assert_time(parsed: &Option<Timestamp>, sim_text: &Value, field: &str) {
    match (parsed, sim_text.as_str()) {
        (None, None) => {}
        (Some(t), Some(text)) => {
            assert_eq!(t.text, text, "{field}");
            assert_eq!(t.unix_ms, unix_ms(text), "{field}: {text}");
        }
        (parsed, text) => panic!("{field}: parsed {parsed:?}, server sent {text:?}"),
    }
}

/// Every field of `state` against the simulator's view of the same call.
fn assert_same_as_sim(state: &bwvoice::CallState, sim: &Value) {
    // The text fields, under the names the API gives them.
    let texts = json!({
        "applicationId": state.application_id, "accountId": state.account_id,
        "callId": state.call_id, "parentCallId": state.parent_call_id,
        "to": state.to, "from": state.from, "direction": state.direction,
        "state": state.state, "identity": state.identity,
        "disconnectCause": state.disconnect_cause,
        "errorMessage": state.error_message, "errorId": state.error_id,
    });
    for (key, parsed) in texts.as_object().unwrap() {
        assert_eq!(parsed, &sim[key], "{key}");
    }
    assert!(state.stir_shaken.is_empty());
    assert_time(&state.enqueued_time, &sim["enqueuedTime"], "enqueuedTime");
    assert_time(&state.start_time, &sim["startTime"], "startTime");
    assert_time(&state.answer_time, &sim["answerTime"], "answerTime");
    assert_time(&state.end_time, &sim["endTime"], "endTime");
    assert_time(&state.last_update, &sim["lastUpdate"], "lastUpdate");
}

/// What a failure says about where it ended: `(status, http_status,
/// attempts, maybe_applied)`.
fn summary(err: &Error) -> (Status, u16, u32, bool) {
    (err.status, err.http_status, err.attempts, err.maybe_applied)
}

/// The start of a long test input, for assertion messages.
fn short(text: &str) -> String {
    text.chars().take(60).collect()
}

/// A message fit for a log line: present, one line, bounded, no markup.
fn assert_clean_message(err: &Error) {
    let message = &err.message;
    assert!(!message.is_empty());
    assert!(!message.chars().any(char::is_control), "{message:?}");
    assert!(message.len() < 600, "{} bytes: {message}", message.len());
    assert!(!message.contains("<html"), "{message}");
}

/// The time left for the attempt that timed out, as the message states it
/// ("… (1.5 s were left for this attempt)" or "(300 ms were left …").
fn budget_in_message(message: &str) -> Duration {
    let before = message
        .split(" were left")
        .next()
        .filter(|b| b.len() < message.len())
        .unwrap_or_else(|| panic!("no budget in {message:?}"));
    let amount = before.rsplit('(').next().unwrap();
    let (number, unit) = amount.split_once(' ').unwrap();
    let number: f64 = number.parse().unwrap();
    match unit {
        "ms" => Duration::from_secs_f64(number / 1000.0),
        "s" => Duration::from_secs_f64(number),
        _ => panic!("unit {unit:?} in {message:?}"),
    }
}

// ---------------------------------------------------------------------------
// 1. The wire format of each operation.

#[test]
fn each_operation_on_the_wire() {
    let sim = sim();
    // Ids with reserved, percent, space, plus and non-ASCII characters.
    let (account, call) = ("99/00 #\u{e9}", "c/1?x#y%25 z+\u{263A}");
    let (code, body) = control(
        &sim,
        "calls",
        &json!({"accountId": account, "callId": call, "recording": true}),
    );
    assert_eq!(code, 201, "{body}");
    let client = client(basic(&sim));
    let opts = CallOptions::default();
    let state = client.get_call_state(account, call, &opts).unwrap();
    assert_eq!(
        (state.account_id.as_deref(), state.call_id.as_deref()),
        (Some(account), Some(call))
    );
    client.update_call_bxml(account, call, DOC, &opts).unwrap();
    client
        .update_call_recording(account, call, RecordingState::Paused, &opts)
        .unwrap();
    assert_eq!(sim.call(call).unwrap()["recording"], "paused");
    client
        .update_call_recording(account, call, RecordingState::Recording, &opts)
        .unwrap();

    let base = format!(
        "/api/v2/accounts/{}/calls/{}",
        encoded(account),
        encoded(call)
    );
    let requests = sim.requests();
    let seen: Vec<(&str, &str, Option<&str>, &str, u16)> = requests
        .iter()
        .map(|r| {
            let content_type = header(r, "content-type");
            (
                r.method.as_str(),
                r.path.as_str(),
                content_type,
                r.body.as_str(),
                r.status,
            )
        })
        .collect();
    let (bxml, recording) = (format!("{base}/bxml"), format!("{base}/recording"));
    assert_eq!(
        seen,
        [
            ("GET", base.as_str(), None, "", 200),
            ("PUT", bxml.as_str(), Some(XML_TYPE), DOC, 204),
            (
                "PUT",
                recording.as_str(),
                Some(JSON_TYPE),
                r#"{"state":"paused"}"#,
                200
            ),
            (
                "PUT",
                recording.as_str(),
                Some(JSON_TYPE),
                r#"{"state":"recording"}"#,
                200
            ),
        ]
    );
    for r in &requests {
        let length = header(r, "content-length");
        if r.method == "GET" {
            // No body at all, not even an empty one.
            assert_eq!(length, None, "{r:?}");
            assert_eq!(header(r, "transfer-encoding"), None, "{r:?}");
        } else {
            assert_eq!(length, Some(r.body.len().to_string().as_str()), "{r:?}");
        }
        assert_eq!(header(r, "authorization"), Some("Basic dXNlcjpwYXNz"));
        assert!(header(r, "user-agent").unwrap().starts_with("bwvoice/"));
    }
    // The document arrived byte for byte and is now the call's.
    let view = sim.call(call).unwrap();
    assert_eq!(view["bxml"], DOC);
    assert_eq!(view["recording"], "recording");
}

/// The largest document allowed goes out whole (with its head it passes
/// the 64 KiB at which the request coalescer writes early) and the next
/// call on the same connection still works.
#[test]
fn a_document_of_exactly_64_kib_is_sent_whole() {
    let sim = sim();
    let call = live_call(&sim);
    let open = "<Bxml><SpeakSentence>";
    let close = "</SpeakSentence></Bxml>";
    let doc = format!(
        "{open}{}{close}",
        "\u{e9}".repeat((MAX_BXML_BYTES - open.len() - close.len()) / 2)
    );
    let doc = format!("{doc}{}", " ".repeat(MAX_BXML_BYTES - doc.len()));
    assert_eq!(doc.len(), MAX_BXML_BYTES);
    let client = client(basic(&sim));
    client
        .update_call_bxml(ACCOUNT, &call, &doc, &CallOptions::default())
        .unwrap();
    let requests = sent(&sim, Op::Bxml, &call);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body, doc);
    assert_eq!(sim.call(&call).unwrap()["bxml"], doc.as_str());
    Op::State.call(&client, &call).unwrap();
}

/// A 204 carries no Content-Length; the keep-alive connection must still
/// be read correctly by the calls after it.
#[test]
fn answers_without_a_body_keep_the_connection_usable() {
    let (sim, client, call) = live_setup();
    for _ in 0..5 {
        for op in Op::ALL {
            op.call(&client, &call)
                .unwrap_or_else(|e| panic!("{op:?}: {e}"));
        }
    }
    for op in [Op::State, Op::Bxml] {
        assert_eq!(sent(&sim, op, &call).len(), 5, "{op:?}");
    }
    assert_eq!(sent(&sim, Op::Pause, &call).len(), 10);
}

/// Any 2xx is success for the operations whose answer says nothing.
#[test]
fn any_2xx_is_success_for_bxml_and_recording() {
    let (sim, client, call) = live_setup();
    for op in [Op::Bxml, Op::Pause, Op::Resume] {
        for (code, body) in [(200, "{\"unexpected\":true}"), (202, ""), (204, "")] {
            let body = Some(body.to_owned());
            sim.add_fault(on(
                op,
                &call,
                Fault {
                    body,
                    ..status(code)
                },
            ));
            op.call(&client, &call)
                .unwrap_or_else(|e| panic!("{op:?} {code}: {e}"));
        }
    }
}

/// One client, many threads, every operation at once.
#[test]
fn operations_run_concurrently_on_one_client() {
    let sim = sim();
    let calls: Vec<String> = (0..8).map(|_| live_call(&sim)).collect();
    let client = client(basic(&sim));
    thread::scope(|s| {
        for call in &calls {
            let client = &client;
            s.spawn(move || {
                for _ in 0..5 {
                    for op in Op::ALL {
                        op.call(client, call).unwrap();
                    }
                }
            });
        }
    });
    for call in &calls {
        assert_eq!(sent(&sim, Op::State, call).len(), 5);
        assert_eq!(sim.call(call).unwrap()["bxml"], DOC);
        assert_eq!(sim.call(call).unwrap()["recording"], "recording");
    }
    assert_eq!(sim.requests().len(), 8 * 5 * 4);
}

// ---------------------------------------------------------------------------
// 2. getCallState follows the call.

#[test]
fn the_call_state_follows_the_call() {
    // The test's own date arithmetic against the spec example's instant.
    assert_eq!(unix_ms("2022-06-16T13:15:18.126Z"), 1_655_385_318_126);
    assert_eq!(unix_ms("1970-01-01T00:00:00.000Z"), 0);
    assert_eq!(unix_ms("2000-02-29T23:59:59.999Z"), 951_868_799_999);

    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Initiated);
    let client = client(basic(&sim));
    let get = || {
        client
            .get_call_state(ACCOUNT, &call, &CallOptions::default())
            .unwrap()
    };

    let initiated = get();
    assert_same_as_sim(&initiated, &sim.call(&call).unwrap());
    assert_eq!(initiated.state.as_deref(), Some("initiated"));
    assert_eq!(initiated.call_id.as_deref(), Some(call.as_str()));
    assert_eq!(initiated.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(initiated.direction.as_deref(), Some("outbound"));
    assert!(initiated.start_time.is_some() && initiated.last_update.is_some());
    assert_eq!(
        (
            &initiated.answer_time,
            &initiated.end_time,
            &initiated.disconnect_cause
        ),
        (&None, &None, &None)
    );

    assert!(sim.answer_call(&call));
    let answered = get();
    assert_same_as_sim(&answered, &sim.call(&call).unwrap());
    assert_eq!(answered.state.as_deref(), Some("answered"));
    let answer_time = answered.answer_time.clone().expect("answerTime");
    assert_eq!(answer_time.unix_ms, unix_ms(&answer_time.text));
    assert_eq!(
        (&answered.end_time, &answered.disconnect_cause),
        (&None, &None)
    );

    // Replacing the BXML moves only lastUpdate (checked against the
    // simulator's view); the answer time stays.
    client
        .update_call_bxml(ACCOUNT, &call, DOC, &CallOptions::default())
        .unwrap();
    let replaced = get();
    assert_same_as_sim(&replaced, &sim.call(&call).unwrap());
    assert_eq!(replaced.answer_time.as_ref(), Some(&answer_time));

    client
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    let ended = get();
    assert_same_as_sim(&ended, &sim.call(&call).unwrap());
    assert_eq!(ended.state.as_deref(), Some("disconnected"));
    assert_eq!(ended.disconnect_cause.as_deref(), Some("hangup"));
    let end_time = ended.end_time.clone().expect("endTime");
    assert_eq!(end_time.unix_ms, unix_ms(&end_time.text));
    assert_eq!(ended.answer_time.as_ref(), Some(&answer_time));
    assert_eq!(ended.last_update.as_ref(), Some(&end_time));
    assert_eq!((&ended.error_message, &ended.error_id), (&None, &None));
}

#[test]
fn an_unanswered_call_that_is_hung_up_is_cancelled() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Initiated);
    let client = client(basic(&sim));
    client
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    let state = client
        .get_call_state(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    assert_same_as_sim(&state, &sim.call(&call).unwrap());
    assert_eq!(state.state.as_deref(), Some("disconnected"));
    assert_eq!(state.disconnect_cause.as_deref(), Some("cancel"));
    assert_eq!(state.answer_time, None);
    assert!(state.end_time.is_some());
}

// ---------------------------------------------------------------------------
// 3. Every documented status maps to the right `Status`.

#[test]
fn unknown_calls_and_other_accounts_are_not_found() {
    let (_sim, client, call) = live_setup();
    for op in Op::ALL {
        for (account, id) in [(ACCOUNT, "c-unknown"), ("9900001", call.as_str())] {
            let err = op
                .run(&client, account, id, &CallOptions::default())
                .unwrap_err();
            assert_eq!(
                summary(&err),
                (Status::NotFound, 404, 1, false),
                "{op:?} {account}/{id}: {err}"
            );
            assert_eq!(err.error_type.as_deref(), Some("not-found"));
            assert!(err.error_id.is_some());
            assert!(err.message.starts_with("HTTP 404: "), "{}", err.message);
        }
    }
}

#[test]
fn an_ended_call_is_not_found_but_its_state_can_be_read() {
    let (sim, client, call) = live_setup();
    client
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    for op in [Op::Bxml, Op::Pause, Op::Resume] {
        let err = op.call(&client, &call).unwrap_err();
        assert_eq!(
            (err.status, err.http_status, err.attempts),
            (Status::NotFound, 404, 1),
            "{op:?}: {err}"
        );
        assert_eq!(
            err.description.as_deref(),
            Some("The call has already ended")
        );
    }
    let state = client
        .get_call_state(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    assert_eq!(state.state.as_deref(), Some("disconnected"));
    // A recording stops with its call.
    assert_eq!(sim.call(&call).unwrap()["recording"], Value::Null);
    assert_eq!(sim.call(&call).unwrap()["bxml"], Value::Null);
}

#[test]
fn bxml_on_an_unanswered_call_is_a_conflict() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Initiated);
    let client = client(basic(&sim));
    let err = Op::Bxml.call(&client, &call).unwrap_err();
    assert_eq!(summary(&err), (Status::Conflict, 409, 1, false), "{err}");
    assert_eq!(err.description.as_deref(), Some("Call is not yet answered"));
    assert!(
        err.message
            .contains("cannot be modified in its current state"),
        "{}",
        err.message
    );
    assert_eq!(sim.call(&call).unwrap()["bxml"], Value::Null);
    assert!(sim.answer_call(&call));
    Op::Bxml.call(&client, &call).unwrap();
    assert_eq!(sim.call(&call).unwrap()["bxml"], DOC);
}

#[test]
fn recording_with_none_in_progress_is_a_bad_request() {
    let sim = sim();
    let answered = sim.create_call(ACCOUNT, CallState::Answered);
    let initiated = sim.create_call(ACCOUNT, CallState::Initiated);
    let client = client(basic(&sim));
    for call in [&answered, &initiated] {
        for op in [Op::Pause, Op::Resume] {
            let err = op.call(&client, call).unwrap_err();
            assert_eq!(
                summary(&err),
                (Status::BadRequest, 400, 1, false),
                "{op:?}: {err}"
            );
            assert_eq!(err.error_type.as_deref(), Some("validation"));
            assert_eq!(
                err.description.as_deref(),
                Some("No recording is in progress on this call")
            );
            assert_eq!(
                sent(&sim, op, call).len(),
                if op == Op::Pause { 1 } else { 2 }
            );
        }
    }
    // Once one is started, the same requests succeed (pausing twice too).
    assert!(sim.start_recording(&answered));
    for op in [Op::Pause, Op::Pause, Op::Resume, Op::Resume] {
        op.call(&client, &answered).unwrap();
    }
}

/// The client only sends well-formed BXML, so a 400 for it comes from a
/// server with stricter rules: it is reported, never retried.
#[test]
fn bxml_the_server_refuses_is_a_bad_request() {
    let sim = sim();
    let call = live_call(&sim);
    let body = r#"{"type":"validation","description":"Unknown verb <Spaek> at line 2","id":"e-7"}"#;
    sim.add_fault(on(
        Op::Bxml,
        &call,
        Fault {
            body: Some(body.into()),
            count: 5,
            ..status(400)
        },
    ));
    let err = Op::Bxml.call(&client(basic(&sim)), &call).unwrap_err();
    assert_eq!(summary(&err), (Status::BadRequest, 400, 1, false), "{err}");
    assert_eq!(
        err.message,
        "HTTP 400: the request was rejected (validation: Unknown verb <Spaek> at line 2)"
    );
    assert_eq!(err.error_id.as_deref(), Some("e-7"));
    assert_eq!(sent(&sim, Op::Bxml, &call).len(), 1);
}

#[test]
fn wrong_credentials_are_unauthorized_on_every_route() {
    let sim = sim();
    let call = live_call(&sim);
    let config = ClientConfig {
        base_url: Some(sim.api_url()),
        ..ClientConfig::new(Auth::Basic {
            username: "user".into(),
            password: "wrong-Pw4".into(),
        })
    };
    let client = client(config);
    for op in Op::ALL {
        let err = op.call(&client, &call).unwrap_err();
        assert_eq!(
            summary(&err),
            (Status::Unauthorized, 401, 1, false),
            "{op:?}: {err}"
        );
        assert_eq!(err.error_type.as_deref(), Some("authentication-error"));
        assert_eq!(err.error_id, None, "Bandwidth's 401 has a null id");
        // Only Bandwidth's own API gets the Basic retirement note.
        assert!(!err.message.contains("retired"), "{}", err.message);
        assert_clean(&err, &["wrong-Pw4", "dXNlcjp3cm9uZy1QdzQ="]);
        assert_eq!(
            sent(&sim, op, &call).len(),
            if op == Op::Resume { 2 } else { 1 }
        );
    }
    assert_eq!(sim.call(&call).unwrap()["bxml"], Value::Null);
}

/// A 401 on a cached OAuth2 token is answered by fetching a new token and
/// trying once more; that repeat is part of authenticating, so it applies
/// to the BXML replacement too (a 401 was not acted on).
#[test]
fn a_refused_token_is_refreshed_once_on_every_route() {
    let sim = sim();
    let call = live_call(&sim);
    let client = client(oauth(&sim));
    Op::State.call(&client, &call).unwrap();
    assert_eq!(token_requests(&sim), 1);
    for (n, op) in [Op::Bxml, Op::Pause, Op::Resume, Op::State]
        .into_iter()
        .enumerate()
    {
        let before = sent(&sim, op, &call).len();
        sim.add_fault(on(op, &call, status(401)));
        op.call(&client, &call)
            .unwrap_or_else(|e| panic!("{op:?}: {e}"));
        assert_eq!(sent(&sim, op, &call).len(), before + 2, "{op:?}");
        assert_eq!(token_requests(&sim), n + 2, "{op:?}: one new token");
    }
    assert_eq!(sim.call(&call).unwrap()["bxml"], DOC);
    // A second 401 in a row is the answer.
    sim.add_fault(on(
        Op::Pause,
        &call,
        Fault {
            count: 2,
            ..status(401)
        },
    ));
    let err = Op::Pause.call(&client, &call).unwrap_err();
    assert_eq!(
        (err.status, err.attempts),
        (Status::Unauthorized, 2),
        "{err}"
    );
    assert_clean(&err, &[]);
}

/// Every status a fault can give, on every route, with the retry count
/// the operation's idempotency calls for (3 attempts by default).
#[test]
fn faulted_statuses_map_on_every_route() {
    let sim = sim();
    let client = client(basic(&sim));
    for op in Op::ALL {
        // The code-to-status table is response.rs's (its unit test pins it);
        // here every route must apply it.
        for code in [
            400, 401, 403, 404, 405, 409, 415, 422, 429, 500, 502, 503, 504,
        ] {
            let want = Status::from_http(code).unwrap();
            // A fresh call per case: unused faults stay on it alone.
            let call = live_call(&sim);
            sim.add_fault(on(
                op,
                &call,
                Fault {
                    count: 3,
                    ..status(code)
                },
            ));
            let err = op.call(&client, &call).unwrap_err();
            let retried = match code {
                429 | 503 => true,
                500..=599 => op.idempotent(),
                _ => false,
            };
            let attempts = if retried { 3 } else { 1 };
            let maybe_applied = code >= 500 && code != 503;
            let case = format!("{op:?} {code}: {err}");
            assert_eq!(
                summary(&err),
                (want, code, attempts, maybe_applied),
                "{case}"
            );
            assert!(err.error_type.is_some() && err.error_id.is_some(), "{case}");
            assert!(err.message.starts_with(&format!("HTTP {code}: ")), "{case}");
            assert_eq!(err.message.contains("attempts: 3"), retried, "{case}");
            assert_eq!(sent(&sim, op, &call).len(), attempts as usize, "{case}");
            assert_clean_message(&err);
            // The fault answered before the simulator acted.
            assert_eq!(sim.call(&call).unwrap()["bxml"], Value::Null, "{case}");
            assert_eq!(sim.call(&call).unwrap()["recording"], "recording", "{case}");
        }
    }
}

/// A fault on one route leaves the others alone: each operation uses its
/// own path and method.
#[test]
fn a_fault_on_one_route_touches_only_that_operation() {
    let sim = sim();
    let call = live_call(&sim);
    let client = client(ClientConfig {
        max_attempts: Some(1),
        ..basic(&sim)
    });
    for faulted in Op::ALL {
        sim.add_fault(on(faulted, &call, status(418)));
        for op in Op::ALL {
            let shares_route = op.route() == faulted.route();
            if op != faulted && !shares_route {
                op.call(&client, &call)
                    .unwrap_or_else(|e| panic!("{op:?} with a fault on {faulted:?}: {e}"));
            }
        }
        let err = faulted.call(&client, &call).unwrap_err();
        assert_eq!((err.status, err.http_status), (Status::BadRequest, 418));
        // Used up: the next one goes through.
        faulted.call(&client, &call).unwrap();
    }
    // A GET fault is not a hang-up's (POST on the same path).
    sim.add_fault(on(Op::State, &call, status(500)));
    client
        .hangup(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    let err = Op::State.call(&client, &call).unwrap_err();
    assert_eq!(err.http_status, 500);
}

/// A redirect from the API is never followed: it could take the
/// credentials elsewhere.
#[test]
fn a_3xx_answer_is_a_protocol_error_and_not_followed() {
    let sim = sim();
    let call = live_call(&sim);
    let other = live_call(&sim);
    let client = client(basic(&sim));
    for op in Op::ALL {
        for code in [301, 302, 303, 307, 308] {
            let location = format!(
                "{}/accounts/{ACCOUNT}/calls/{other}{}",
                sim.api_url(),
                op.suffix()
            );
            sim.add_fault(on(
                op,
                &call,
                Fault {
                    headers: vec![("Location".into(), location)],
                    ..status(code)
                },
            ));
            let err = op.call(&client, &call).unwrap_err();
            assert_eq!(
                (err.status, err.http_status, err.attempts),
                (Status::Protocol, code, 1),
                "{op:?} {code}: {err}"
            );
            assert_clean_message(&err);
        }
    }
    assert!(sim.requests().iter().all(|r| !r.path.contains(&other)));
}

// ---------------------------------------------------------------------------
// 4. Retry classes through the one pipeline.

#[test]
fn reads_and_recording_changes_are_retried_after_a_server_error_or_a_reset() {
    let sim = sim();
    let client = client(basic(&sim));
    for op in [Op::State, Op::Pause, Op::Resume] {
        for (fault, first_status) in [(status(500), 500), (status(502), 502), (close(), 0)] {
            let call = live_call(&sim);
            sim.add_fault(on(op, &call, fault));
            op.call(&client, &call)
                .unwrap_or_else(|e| panic!("{op:?} after {first_status}: {e}"));
            let statuses: Vec<u16> = sent(&sim, op, &call).iter().map(|r| r.status).collect();
            assert_eq!(statuses, [first_status, 200], "{op:?}");
        }
    }
}

#[test]
fn bxml_is_not_repeated_after_a_failure_that_may_have_been_applied() {
    let sim = sim();
    let client = client(basic(&sim));
    for (fault, want, http_status) in [
        (status(500), Status::Server, 500),
        (status(502), Status::Server, 502),
        (close(), Status::Connect, 0),
    ] {
        let call = live_call(&sim);
        sim.add_fault(on(Op::Bxml, &call, fault));
        let err = Op::Bxml.call(&client, &call).unwrap_err();
        assert_eq!(summary(&err), (want, http_status, 1, true), "{err}");
        assert_eq!(sent(&sim, Op::Bxml, &call).len(), 1, "{err}");
        assert_clean_message(&err);
        // The same client goes on.
        Op::Bxml.call(&client, &call).unwrap();
        assert_eq!(sent(&sim, Op::Bxml, &call).len(), 2);
    }
}

#[test]
fn retry_non_idempotent_repeats_bxml() {
    let sim = sim();
    let client = client(ClientConfig {
        retry_non_idempotent: true,
        ..basic(&sim)
    });
    for (fault, first_status) in [(status(500), 500), (close(), 0)] {
        let call = live_call(&sim);
        sim.add_fault(on(Op::Bxml, &call, fault));
        Op::Bxml
            .call(&client, &call)
            .unwrap_or_else(|e| panic!("after {first_status}: {e}"));
        let statuses: Vec<u16> = sent(&sim, Op::Bxml, &call)
            .iter()
            .map(|r| r.status)
            .collect();
        assert_eq!(statuses, [first_status, 204]);
        assert_eq!(sim.call(&call).unwrap()["bxml"], DOC);
    }
    // Opting in does not make a 4xx retryable.
    let call = sim.create_call(ACCOUNT, CallState::Initiated);
    let err = Op::Bxml.call(&client, &call).unwrap_err();
    assert_eq!((err.status, err.attempts), (Status::Conflict, 1));
}

/// 503 and 429 say the request was not acted on: every operation is
/// retried, and an exhausted retry says nothing may have been applied.
#[test]
fn unavailable_and_rate_limited_are_retried_for_every_operation() {
    let sim = sim();
    let client = client(basic(&sim));
    for op in Op::ALL {
        for code in [503, 429] {
            let call = live_call(&sim);
            sim.add_fault(on(op, &call, status(code)));
            op.call(&client, &call)
                .unwrap_or_else(|e| panic!("{op:?} after {code}: {e}"));
            assert_eq!(sent(&sim, op, &call).len(), 2, "{op:?} {code}");

            let call = live_call(&sim);
            let retry_after = vec![("Retry-After".to_owned(), "0".to_owned())];
            sim.add_fault(on(
                op,
                &call,
                Fault {
                    count: 3,
                    headers: retry_after,
                    ..status(code)
                },
            ));
            let err = op.call(&client, &call).unwrap_err();
            assert_eq!(
                summary(&err),
                (Status::from_http(code).unwrap(), code, 3, false),
                "{op:?} {code}: {err}"
            );
            assert_eq!(err.retry_after, Some(Duration::ZERO));
            assert!(err.message.contains("attempts: 3"), "{}", err.message);
            assert_eq!(sent(&sim, op, &call).len(), 3, "{op:?} {code}");
        }
    }
}

/// Whether an attempt may have been applied accumulates over the attempts:
/// a BXML replacement retried after a 503 stops at a 500, and says so.
#[test]
fn maybe_applied_accumulates_over_attempts() {
    let (sim, client, call) = live_setup();
    sim.add_fault(on(Op::Bxml, &call, status(503)));
    sim.add_fault(on(Op::Bxml, &call, status(500)));
    let err = Op::Bxml.call(&client, &call).unwrap_err();
    assert_eq!(summary(&err), (Status::Server, 500, 2, true), "{err}");
    assert_eq!(sent(&sim, Op::Bxml, &call).len(), 2);

    // A reset, then a 404: the 404 may be the first attempt's doing.
    let call = live_call(&sim);
    sim.add_fault(on(Op::Pause, &call, close()));
    sim.add_fault(on(Op::Pause, &call, status(404)));
    let err = Op::Pause.call(&client, &call).unwrap_err();
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::NotFound, 2, true),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// 5. BXML the client refuses, and other arguments checked before sending.

#[test]
fn malformed_bxml_is_refused_before_anything_is_sent() {
    let sim = sim();
    let call = live_call(&sim);
    // OAuth2: not even a token is fetched.
    let client = client(oauth(&sim));
    let oversized = format!("<Bxml>{}</Bxml>", " ".repeat(MAX_BXML_BYTES - 12));
    assert_eq!(oversized.len(), MAX_BXML_BYTES + 1);
    let laughs = "<!DOCTYPE Bxml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>\
                  <Bxml><SpeakSentence>&b;</SpeakSentence></Bxml>";
    for (doc, says) in [
        (
            "<Bxml><SpeakSentence>Hi</Bxml>",
            "not well-formed XML at line 1",
        ),
        (
            "<Bxml>\n  <SpeakSentence>Hi\n</Bxml>",
            "not well-formed XML at line 3",
        ),
        ("<Bxml>", "not well-formed"),
        ("", "not well-formed"),
        ("hello", "not well-formed"),
        ("<Bxml/><Bxml/>", "not well-formed"),
        ("<Bxml>&bogus;</Bxml>", "not well-formed"),
        (
            "<Response><Hangup/></Response>",
            "the root element is <Response>; updateCallBxml needs <Bxml>",
        ),
        (
            "<Bxml><SpeakSentance>Hi</SpeakSentance></Bxml>",
            "line 1, column 7: <SpeakSentance> is not a BXML verb; did you mean <SpeakSentence>?",
        ),
        (
            "<Bxml>\n<Gather maxDigits=\"51\"/></Bxml>",
            "line 2, column 1: <Gather> attribute maxDigits",
        ),
        ("<bxml/>", "root element is <bxml>"),
        ("<b:Bxml xmlns:b=\"urn:x\"/>", "in namespace urn:x"),
        ("<!DOCTYPE Bxml><Bxml/>", "not well-formed"),
        (laughs, "not well-formed"),
        (&oversized, "65537 bytes; at most 65536"),
    ] {
        let err = client
            .update_call_bxml(ACCOUNT, &call, doc, &CallOptions::default())
            .unwrap_err();
        let case = format!("{:?}: {err}", short(doc));
        assert_eq!(
            (
                err.status,
                err.field,
                err.attempts,
                err.http_status,
                err.maybe_applied
            ),
            (Status::InvalidArgument, Some("bxml"), 0, 0, false),
            "{case}"
        );
        assert!(err.message.contains(says), "{case}");
        assert_clean_message(&err);
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    assert_eq!(sim.call(&call).unwrap()["bxml"], Value::Null);
}

#[test]
fn malformed_bxml_never_reaches_a_raw_server() {
    let server = HostileServer::start([]);
    let client = client(basic_at(format!("{}/api/v2", server.url)));
    for doc in ["<Bxml>", "<Response/>", "<!DOCTYPE x><Bxml/>"] {
        let err = client
            .update_call_bxml(ACCOUNT, "c-1", doc, &CallOptions::default())
            .unwrap_err();
        assert_eq!(
            (err.status, err.field),
            (Status::InvalidArgument, Some("bxml"))
        );
    }
    assert_eq!(server.requests(), 0);
    // The server is there: a good document gets through.
    client
        .update_call_bxml(ACCOUNT, "c-1", DOC, &CallOptions::default())
        .unwrap();
    assert_eq!(server.requests(), 1);
}

#[test]
fn invalid_ids_are_refused_before_anything_is_sent() {
    let sim = sim();
    let client = client(oauth(&sim));
    for op in Op::ALL {
        for (account, call, field) in [
            (ACCOUNT, "", "call_id"),
            (ACCOUNT, "..", "call_id"),
            (ACCOUNT, ".", "call_id"),
            (ACCOUNT, "c-1\r\nX-Evil: 1", "call_id"),
            ("", "c-1", "account_id"),
            ("..", "c-1", "account_id"),
            ("99\u{0}", "c-1", "account_id"),
        ] {
            let err = op
                .run(&client, account, call, &CallOptions::default())
                .unwrap_err();
            assert_eq!(
                (err.status, err.field, err.attempts),
                (Status::InvalidArgument, Some(field), 0),
                "{op:?} {account:?}/{call:?}: {err}"
            );
        }
    }
    assert!(sim.requests().is_empty());
}

// ---------------------------------------------------------------------------
// 6. Hostile answers to getCallState.

/// The call-state fault's outcome: one GET, `Status::Protocol`, a clean
/// message, and the same client fine on the next call.
fn malformed_state(sim: &Simulator, client: &Client, call: &str, fault: Fault) -> Error {
    let before = sent(sim, Op::State, call).len();
    sim.add_fault(on(Op::State, call, fault));
    let err = Op::State.call(client, call).unwrap_err();
    assert_eq!(
        (err.status, err.http_status, err.attempts),
        (Status::Protocol, 200, 1),
        "{err}"
    );
    assert_clean_message(&err);
    assert_eq!(sent(sim, Op::State, call).len(), before + 1, "not repeated");
    Op::State.call(client, call).unwrap();
    err
}

#[test]
fn a_malformed_call_state_is_a_protocol_error() {
    let (sim, client, call) = live_setup();
    // Unclosed nesting far deeper than any recursion limit.
    let deep = format!("{{\"x\":{}", "[".repeat(50_000));
    // Nesting inside a field the library keeps as JSON values.
    let deep_stir = format!(
        "{{\"stirShaken\":{{\"a\":{}1{}}}}}",
        "[".repeat(1_000),
        "]".repeat(1_000)
    );
    for (body, says) in [
        ("{oops", "malformed call state: "),
        ("", "not a JSON object"),
        ("   ", "not a JSON object"),
        ("null", "not a JSON object"),
        ("\"answered\"", "not a JSON object"),
        ("42", "not a JSON object"),
        ("[]", "not a JSON object"),
        (r#"[{"state":"answered"}]"#, "not a JSON object"),
        (r#"{"state":5}"#, "invalid type"),
        (r#"{"callId":["c-1"]}"#, "invalid type"),
        (r#"{"stirShaken":[1,2]}"#, "invalid type"),
        (r#"{"state":"a","state":"b"}"#, "duplicate field"),
        (r#"{"state":"answered"} trailing"#, "trailing characters"),
        (r#"{"state":"answered""#, "EOF"),
        (
            r#"{"answerTime":"yesterday"}"#,
            "answerTime is not an RFC 3339 date-time",
        ),
        (
            r#"{"startTime":"2022-06-16 13:15:07"}"#,
            "startTime is not an RFC 3339",
        ),
        (
            r#"{"endTime":"2022-06-16T13:15:07"}"#,
            "endTime is not an RFC 3339",
        ),
        (
            r#"{"lastUpdate":"2022-13-40T25:61:61Z"}"#,
            "lastUpdate is not an RFC 3339",
        ),
        (r#"{"enqueuedTime":1655385307160}"#, "invalid type"),
        ("{\"state\":\"a\u{1b}[2J\u{7}\"}", "control character"),
        (&deep, "EOF while parsing"),
        (&deep_stir, "recursion limit exceeded"),
    ] {
        let err = malformed_state(&sim, &client, &call, ok_with(body));
        assert!(
            err.message.contains(says),
            "{:?}: {}",
            short(body),
            err.message
        );
        assert!(err.message.len() <= 250, "{}", err.message);
    }
}

#[test]
fn an_html_page_is_a_protocol_error() {
    let (sim, client, call) = live_setup();
    let page =
        "<html><head><title>Gateway</title></head><body>\r\nLogin required\u{1b}[2J</body></html>";
    let err = malformed_state(
        &sim,
        &client,
        &call,
        Fault {
            content_type: Some("text/html".into()),
            ..ok_with(page)
        },
    );
    assert_eq!(
        err.message,
        "malformed call state: the body is not a JSON object"
    );
}

#[test]
fn an_oversized_call_state_is_a_protocol_error() {
    let (sim, client, call) = live_setup();
    // A valid call state padded past the 64 KiB read cap.
    let body = format!(r#"{{"state":"answered","x":"{}"}}"#, "a".repeat(70 * 1024));
    let err = malformed_state(&sim, &client, &call, ok_with(&body));
    assert!(err.message.contains("over 64 KiB"), "{}", err.message);
    // Ten times that is not buffered either.
    let body = format!(r#"{{"state":"answered","x":"{}"}}"#, "a".repeat(700 * 1024));
    let err = malformed_state(&sim, &client, &call, ok_with(&body));
    assert!(err.message.contains("over 64 KiB"), "{}", err.message);
}

#[test]
fn a_call_state_of_exactly_64_kib_is_read() {
    let (sim, client, call) = live_setup();
    let frame = r#"{"state":"answered","x":""}"#;
    let body = format!(
        r#"{{"state":"answered","x":"{}"}}"#,
        "a".repeat(64 * 1024 - frame.len())
    );
    assert_eq!(body.len(), 64 * 1024);
    sim.add_fault(on(Op::State, &call, ok_with(&body)));
    let state = client
        .get_call_state(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    assert_eq!(state.state.as_deref(), Some("answered"));
}

#[test]
fn null_fields_are_none_and_unknown_values_are_carried() {
    let (sim, client, call) = live_setup();
    let get = |body: &str| {
        sim.add_fault(on(Op::State, &call, ok_with(body)));
        client
            .get_call_state(ACCOUNT, &call, &CallOptions::default())
            .unwrap_or_else(|e| panic!("{body}: {e}"))
    };
    let keys = [
        "applicationId",
        "accountId",
        "callId",
        "parentCallId",
        "to",
        "from",
        "direction",
        "state",
        "stirShaken",
        "identity",
        "enqueuedTime",
        "startTime",
        "answerTime",
        "endTime",
        "disconnectCause",
        "errorMessage",
        "errorId",
        "lastUpdate",
    ];
    let nulls: serde_json::Map<String, Value> =
        keys.iter().map(|k| (k.to_string(), Value::Null)).collect();
    assert_eq!(
        get(&Value::Object(nulls).to_string()),
        bwvoice::CallState::default()
    );
    assert_eq!(get("{}"), bwvoice::CallState::default());
    assert_eq!(get(" \r\n {} \n"), bwvoice::CallState::default());

    // An unknown field nested far deeper than any recursion limit is skipped.
    let deep = format!(
        "{{\"state\":\"answered\",\"x\":{}{}}}",
        "[".repeat(30_000),
        "]".repeat(30_000)
    );
    assert_eq!(get(&deep).state.as_deref(), Some("answered"));

    let newer = get(
        r#"{"state":"transferring","direction":"sideways","disconnectCause":"solar-flare",
            "stirShaken":{"verstat":"TN-Validation-Passed","attestationIndicator":"A","n":5,"o":{"k":[true]}},
            "brandNewField":{"nested":[1,2,{"x":null}]},"errorMessage":"",
            "answerTime":"2022-06-16T15:15:18.126+02:00"}"#,
    );
    assert_eq!(newer.state.as_deref(), Some("transferring"));
    assert_eq!(newer.direction.as_deref(), Some("sideways"));
    assert_eq!(newer.disconnect_cause.as_deref(), Some("solar-flare"));
    assert_eq!(newer.error_message.as_deref(), Some(""));
    assert_eq!(
        newer.stir_shaken,
        [
            ("attestationIndicator".to_owned(), "A".to_owned()),
            ("n".to_owned(), "5".to_owned()),
            ("o".to_owned(), r#"{"k":[true]}"#.to_owned()),
            ("verstat".to_owned(), "TN-Validation-Passed".to_owned()),
        ]
    );
    let answer = newer.answer_time.unwrap();
    assert_eq!(
        (answer.text.as_str(), answer.unix_ms),
        ("2022-06-16T15:15:18.126+02:00", 1_655_385_318_126)
    );

    // Other RFC 3339 forms: no fraction, nanoseconds, lower-case t/z,
    // -00:00, a leap second.
    for (text, ms) in [
        ("2022-06-16T13:15:07Z", 1_655_385_307_000),
        ("2022-06-16T13:15:07.123456789Z", 1_655_385_307_123),
        ("2022-06-16t13:15:07.160z", 1_655_385_307_160),
        ("2022-06-16T13:15:07.160-00:00", 1_655_385_307_160),
        ("2016-12-31T23:59:60Z", 1_483_228_799_999),
    ] {
        let state = get(&json!({ "endTime": text }).to_string());
        let end = state.end_time.unwrap();
        assert_eq!((end.text.as_str(), end.unix_ms), (text, ms));
    }
}

/// Byte-level answers the simulator cannot give, from a raw server.
fn against_raw(reply: Behaviour) -> (Result<bwvoice::CallState, Error>, usize) {
    let server = HostileServer::start([reply]);
    let config = ClientConfig {
        timeout: Some(Duration::from_secs(5)),
        ..basic_at(format!("{}/api/v2", server.url))
    };
    let outcome = client(config).get_call_state(ACCOUNT, "c-1", &CallOptions::default());
    (outcome, server.requests())
}

fn http(head: &str, body: &[u8]) -> Vec<u8> {
    [head.replace('\n', "\r\n").as_bytes(), b"\r\n", body].concat()
}

#[test]
fn a_reset_mid_body_is_an_error_not_half_a_state() {
    let head = "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 400\n";
    let half = http(head, br#"{"state":"answered","callId":"c-1","#);
    // Reset (RST), or closed cleanly (FIN): the same.
    for (how, cut) in [
        ("reset", Behaviour::WriteThenReset(half.clone())),
        ("closed", Behaviour::WriteThenClose(half)),
    ] {
        let (outcome, _) = against_raw(cut);
        let err = outcome.unwrap_err();
        assert!(
            matches!(err.status, Status::Protocol | Status::Connect),
            "{how}: {err}"
        );
        assert_clean_message(&err);
    }
}

#[test]
fn byte_level_call_state_answers() {
    // Invalid UTF-8 inside a string.
    let body = b"{\"state\":\"answ\xff\xfered\"}";
    let head = format!("HTTP/1.1 200 OK\nContent-Length: {}\n", body.len());
    let (outcome, requests) = against_raw(Behaviour::Write(http(&head, body)));
    let err = outcome.unwrap_err();
    assert_eq!((err.status, requests), (Status::Protocol, 1), "{err}");
    assert_clean_message(&err);

    // A body longer than its Content-Length: only the declared bytes count.
    let body = br#"{"state":"answered"}{"state":"forged"}"#;
    let head = "HTTP/1.1 200 OK\nContent-Length: 20\n";
    let (outcome, _) = against_raw(Behaviour::Write(http(head, body)));
    assert_eq!(outcome.unwrap().state.as_deref(), Some("answered"));

    // Chunked, and delimited by the end of the connection: both fine.
    let chunked_head = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n";
    let chunked = b"8\r\n{\"state\"\r\nc\r\n:\"answered\"}\r\n0\r\n\r\n";
    let (outcome, _) = against_raw(Behaviour::Write(http(chunked_head, chunked)));
    assert_eq!(outcome.unwrap().state.as_deref(), Some("answered"));
    let head = "HTTP/1.1 200 OK\nConnection: close\n";
    let (outcome, _) = against_raw(Behaviour::WriteThenClose(http(head, br#"{"state":"x"}"#)));
    assert_eq!(outcome.unwrap().state.as_deref(), Some("x"));

    // Interim 1xx answers before the real one are skipped.
    for interim in [
        "100 Continue\n",
        "103 Early Hints\nLink: </style.css>; rel=preload\n",
    ] {
        let answer = http(head, br#"{"state":"answered"}"#);
        let reply = [http(&format!("HTTP/1.1 {interim}"), b""), answer].concat();
        let (outcome, _) = against_raw(Behaviour::WriteThenClose(reply));
        let state = outcome.unwrap_or_else(|e| panic!("{interim}: {e}"));
        assert_eq!(state.state.as_deref(), Some("answered"));
    }

    // A valid but oversized chunked body: not buffered.
    let mut big = b"a\r\n{\"state\":\"\r\n".to_vec();
    for _ in 0..4 {
        big.extend_from_slice(format!("8000\r\n{}\r\n", "a".repeat(0x8000)).as_bytes());
    }
    big.extend_from_slice(b"2\r\n\"}\r\n0\r\n\r\n");
    let (outcome, _) = against_raw(Behaviour::WriteThenClose(http(chunked_head, &big)));
    let err = outcome.unwrap_err();
    assert_eq!(err.status, Status::Protocol, "{err}");
    assert!(err.message.contains("over 64 KiB"), "{}", err.message);
}

/// A simulator whose Basic password is [`PASSWORD`], a Basic client and an
/// OAuth2 client for it (the latter with a token already fetched), and
/// that token.
fn echo_setup() -> (Simulator, Client, Client, String) {
    let sim = Simulator::start(SimConfig {
        password: PASSWORD.into(),
        client_secret: SECRET.into(),
        ..SimConfig::default()
    })
    .unwrap();
    let basic = client(ClientConfig {
        base_url: Some(sim.api_url()),
        ..ClientConfig::new(Auth::Basic {
            username: "user".into(),
            password: PASSWORD.into(),
        })
    });
    let oauth2 = client(oauth(&sim));
    let call = live_call(&sim);
    Op::State.call(&basic, &call).unwrap();
    Op::State.call(&oauth2, &call).unwrap();
    let token = authorizations(&sim)
        .into_iter()
        .find_map(|a| a.strip_prefix("Bearer ").map(str::to_owned))
        .expect("a bearer token was used");
    (sim, basic, oauth2, token)
}

/// Servers that echo the request's credentials in an error body, on each
/// route: neither the Basic password and credential nor an OAuth2 token,
/// client secret or client credential may reach any field of the error.
#[test]
fn echoed_credentials_never_reach_the_error_on_any_route() {
    let (sim, basic, oauth2, token) = echo_setup();
    let basic_echo = format!(
        "got Authorization: Basic {BASIC_CREDENTIAL}, credential {BASIC_CREDENTIAL}, \
         password={PASSWORD}"
    );
    let oauth2_echo = format!(
        "token {token}, {{\"authorization\":\"Bearer {token}\"}}, \
         client_secret={SECRET}, client credential {CLIENT_CREDENTIAL}"
    );
    let cases = [
        (&basic, basic_echo, [PASSWORD, BASIC_CREDENTIAL]),
        (&oauth2, oauth2_echo, [SECRET, CLIENT_CREDENTIAL]),
    ];
    for op in Op::ALL {
        for code in [400, 403, 404, 500] {
            for (client, echo, secrets) in &cases {
                let call = live_call(&sim);
                let body = json!({
                    "type": format!("echo {echo}\r\nX-Forged: 1"),
                    "description": echo,
                    "id": echo,
                });
                let fault = Fault {
                    count: 3,
                    body: Some(body.to_string()),
                    ..status(code)
                };
                sim.add_fault(on(op, &call, fault));
                let err = op.call(client, &call).unwrap_err();
                assert_eq!(err.http_status, code, "{op:?}: {err}");
                let everything = format!("{err:?} {err}");
                for secret in secrets.iter().chain([&token.as_str()]) {
                    assert!(!everything.contains(secret), "{op:?} {code}: {everything}");
                }
                assert!(!everything.contains('\r'), "{everything}");
                let description = err.description.as_deref().unwrap();
                assert!(description.contains("<redacted>"), "{description}");
                assert!(err.message.contains(description), "{}", err.message);
            }
        }
    }
}

/// The same for a 200 whose call state is malformed: the parser's message
/// quotes the offending value, which here is the request's credential.
#[test]
fn echoed_credentials_in_a_malformed_call_state_never_reach_the_error() {
    let (sim, basic, oauth2, token) = echo_setup();
    let call = live_call(&sim);
    for (client, echoed) in [
        (&basic, format!("Basic {BASIC_CREDENTIAL}")),
        (&basic, PASSWORD.to_owned()),
        (&oauth2, format!("Bearer {token}")),
        (&oauth2, token.clone()),
    ] {
        // `stirShaken` must be an object; a string there is quoted back.
        let body = json!({ "stirShaken": echoed }).to_string();
        sim.add_fault(on(Op::State, &call, ok_with(&body)));
        let err = Op::State.call(client, &call).unwrap_err();
        assert_eq!(err.status, Status::Protocol, "{err}");
        let everything = format!("{err:?} {err}");
        for secret in [PASSWORD, BASIC_CREDENTIAL, token.as_str()] {
            assert!(!everything.contains(secret), "{echoed}: {everything}");
        }
    }
}

// ---------------------------------------------------------------------------
// 7. CallOptions.

#[test]
fn a_per_call_timeout_shorter_than_the_server_caps_the_call() {
    let sim = sim();
    let client = client(basic(&sim));
    let budget = Duration::from_millis(700);
    for op in Op::ALL {
        let call = live_call(&sim);
        let slow = Fault {
            delay: Duration::from_secs(20),
            ..Fault::default()
        };
        sim.add_fault(on(op, &call, slow));
        let err = op
            .run(&client, ACCOUNT, &call, &CallOptions::within(budget))
            .unwrap_err();
        assert_eq!(
            (err.status, err.http_status, err.attempts),
            (Status::Timeout, 0, 1),
            "{op:?}: {err}"
        );
        // The request went out: the server may have acted on it.
        assert!(err.maybe_applied, "{op:?}");
        assert!(err.message.contains("time budget"), "{}", err.message);
        let left = budget_in_message(&err.message);
        assert!(
            left <= budget,
            "{op:?}: {left:?} > {budget:?}: {}",
            err.message
        );
        assert_eq!(sent(&sim, op, &call).len(), 1, "{op:?}");
    }
}

#[test]
fn a_per_call_timeout_longer_than_the_clients_does_not_extend_it() {
    let sim = sim();
    let budget = Duration::from_millis(700);
    let client = client(ClientConfig {
        timeout: Some(budget),
        ..basic(&sim)
    });
    for op in Op::ALL {
        for opts in [
            CallOptions::within(Duration::from_secs(60)),
            // An absurd budget does not overflow the deadline either.
            CallOptions::within(Duration::MAX),
            CallOptions::default(),
        ] {
            let call = live_call(&sim);
            let slow = Fault {
                delay: Duration::from_secs(20),
                ..Fault::default()
            };
            sim.add_fault(on(op, &call, slow));
            let err = op.run(&client, ACCOUNT, &call, &opts).unwrap_err();
            assert_eq!(
                (err.status, err.attempts),
                (Status::Timeout, 1),
                "{op:?}: {err}"
            );
            let left = budget_in_message(&err.message);
            assert!(left <= budget, "{op:?} {opts:?}: {}", err.message);
        }
    }
}

#[test]
fn a_zero_per_call_timeout_is_invalid_and_sends_nothing() {
    let sim = sim();
    let call = live_call(&sim);
    let client = client(oauth(&sim));
    for opts in [
        CallOptions::within(Duration::ZERO),
        CallOptions {
            timeout: Some(Duration::ZERO),
        },
    ] {
        let mut outcomes: Vec<(String, Result<(), Error>)> = Op::ALL
            .iter()
            .map(|op| (format!("{op:?}"), op.run(&client, ACCOUNT, &call, &opts)))
            .collect();
        outcomes.push(("hangup".into(), client.hangup(ACCOUNT, &call, &opts)));
        for (name, outcome) in outcomes {
            let err = outcome.unwrap_err();
            assert_eq!(
                (err.status, err.field, err.attempts),
                (Status::InvalidArgument, Some("timeout_ms"), 0),
                "{name}: {err}"
            );
            assert_eq!(err.message, "timeout_ms is zero");
        }
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    // A small non-zero budget is fine.
    Op::State
        .run(
            &client,
            ACCOUNT,
            &call,
            &CallOptions::within(Duration::from_secs(5)),
        )
        .unwrap();
}
