//! createCall against the simulator: the request on the wire with every
//! field set, what the 201 answer becomes, Bandwidth's defaults, what the
//! callee does (answer, no answer, busy, ringing) as getCallState and the
//! webhooks show it, and a 400 for a number only the server refuses.
//! (Never sending it twice is tests/create_call.rs's subject.)
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::RedirectMethod;
use bwvoice::{CreateCallRequest, CreatedCall, MachineDetection, MachineDetectionMode};
use bwvoice_sim::Outbound;
use common::*;
use serde_json::Value;
use std::time::Duration;

const PASSWORD: &str = "answer-pw-Hq7x";
const FALLBACK_PASSWORD: &str = "fallback-pw-Rt5c";
const AMD_PASSWORD: &str = "amd-pw-Jk3s";
const AMD_FALLBACK_PASSWORD: &str = "amd-fallback-pw-Wq8e";
const WAIT: Duration = Duration::from_secs(10);

/// A request with every field of createCall set, machine detection included.
fn every_field() -> CreateCallRequest {
    CreateCallRequest {
        privacy: Some(true),
        display_name: Some("Anonymous".into()),
        uui: Some("aGVsbG8=;encoding=base64,00ff;encoding=hex".into()),
        answer_method: Some(RedirectMethod::Get),
        username: Some("app-user".into()),
        password: Some(PASSWORD.into()),
        answer_fallback_url: Some("https://fallback.example/answer".into()),
        answer_fallback_method: Some(RedirectMethod::Post),
        fallback_username: Some("fallback-user".into()),
        fallback_password: Some(FALLBACK_PASSWORD.into()),
        disconnect_url: Some("https://app.example/disconnect".into()),
        disconnect_method: Some(RedirectMethod::Get),
        call_timeout: Some(45.5),
        callback_timeout: Some(20.0),
        machine_detection: Some(MachineDetection {
            mode: Some(MachineDetectionMode::Async),
            detection_timeout: Some(15.0),
            silence_timeout: Some(10.0),
            speech_threshold: Some(9.0),
            speech_end_threshold: Some(5.0),
            machine_speech_end_threshold: Some(4.0),
            delay_result: Some(true),
            callback_url: Some("https://app.example/amd".into()),
            callback_method: Some(RedirectMethod::Post),
            username: Some("amd-user".into()),
            password: Some(AMD_PASSWORD.into()),
            fallback_url: Some("https://fallback.example/amd".into()),
            fallback_method: Some(RedirectMethod::Get),
            fallback_username: Some("amd-fallback-user".into()),
            fallback_password: Some(AMD_FALLBACK_PASSWORD.into()),
        }),
        priority: Some(2),
        tag: Some("order \"17\" \u{2014} caf\u{e9}".into()),
        ..CreateCallRequest::new(
            "sip:alice@sip.example.com",
            "+15555550199",
            "app-\u{e9}-1",
            "https://app.example/answer?step=1&lang=fr",
        )
    }
}

/// [`every_field`]'s body, written out by hand in the spec's names and order.
const EVERY_FIELD_JSON: &str = concat!(
    r#"{"to":"sip:alice@sip.example.com","from":"+15555550199","applicationId":"app-é-1","#,
    r#""answerUrl":"https://app.example/answer?step=1&lang=fr","privacy":true,"#,
    r#""displayName":"Anonymous","uui":"aGVsbG8=;encoding=base64,00ff;encoding=hex","#,
    r#""answerMethod":"GET","username":"app-user","password":"answer-pw-Hq7x","#,
    r#""answerFallbackUrl":"https://fallback.example/answer","answerFallbackMethod":"POST","#,
    r#""fallbackUsername":"fallback-user","fallbackPassword":"fallback-pw-Rt5c","#,
    r#""disconnectUrl":"https://app.example/disconnect","disconnectMethod":"GET","#,
    r#""callTimeout":45.5,"callbackTimeout":20,"#,
    r#""machineDetection":{"mode":"async","detectionTimeout":15,"silenceTimeout":10,"#,
    r#""speechThreshold":9,"speechEndThreshold":5,"machineSpeechEndThreshold":4,"#,
    r#""delayResult":true,"callbackUrl":"https://app.example/amd","callbackMethod":"POST","#,
    r#""username":"amd-user","password":"amd-pw-Jk3s","#,
    r#""fallbackUrl":"https://fallback.example/amd","fallbackMethod":"GET","#,
    r#""fallbackUsername":"amd-fallback-user","fallbackPassword":"amd-fallback-pw-Wq8e"},"#,
    r#""priority":2,"tag":"order \"17\" — café"}"#,
);

/// Webhooks to the simulator's own receiver, so that they really arrive.
fn to_sim(sim: &Simulator) -> CreateCallRequest {
    CreateCallRequest {
        disconnect_url: Some(format!("{}/sim/app/disconnect", sim.url())),
        ..CreateCallRequest::new(
            "+15555550100",
            "+15555550199",
            "app-1",
            format!("{}/sim/app/answer", sim.url()),
        )
    }
}

fn place(client: &Client, account: &str, request: &CreateCallRequest) -> CreatedCall {
    client
        .create_call(account, request, &CallOptions::default())
        .unwrap_or_else(|e| panic!("createCall: {e}"))
}

#[test]
fn every_field_on_the_wire_and_back() {
    let sim = sim();
    // The callee keeps ringing: nothing happens after the 201.
    sim.set_outbound(Outbound::Ring);
    let account = "99/00 #\u{e9}";
    let client = client(basic(&sim));
    let request = every_field();
    let before = now_ms();
    let call = place(&client, account, &request);
    let after = now_ms();

    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let sent = &requests[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str(), sent.status),
        ("POST", "/api/v2/accounts/99%2F00%20%23%C3%A9/calls", 201)
    );
    assert_eq!(
        logged_header(sent, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(sent.body, EVERY_FIELD_JSON);
    let length = EVERY_FIELD_JSON.len().to_string();
    assert_eq!(logged_header(sent, "content-length"), Some(length.as_str()));
    assert_eq!(
        logged_header(sent, "authorization"),
        Some("Basic dXNlcjpwYXNz")
    );

    // The answer, field by field, against what was sent and what the
    // simulator stored.
    let view = sim.call(&call.call_id).expect("the call is stored");
    assert!(call.call_id.starts_with("c-"), "{}", call.call_id);
    assert_eq!(
        (call.account_id.as_str(), view["accountId"].as_str()),
        (account, Some(account))
    );
    assert_eq!(
        call.call_url,
        format!(
            "{}/accounts/{}/calls/{}",
            sim.api_url(),
            encoded(account),
            call.call_id
        )
    );
    let queued = call.enqueued_time.as_ref().expect("enqueuedTime");
    assert_eq!(Some(queued.text.as_str()), view["startTime"].as_str());
    assert!(
        (before..=after).contains(&queued.unix_ms),
        "{} not in {before}..={after}",
        queued.unix_ms
    );
    assert_eq!(
        queued.unix_ms % 1000,
        queued.text[20..23].parse::<i64>().unwrap()
    );
    let expected = CreatedCall {
        application_id: request.application_id.clone(),
        account_id: account.into(),
        call_id: call.call_id.clone(),
        to: request.to.clone(),
        from: request.from.clone(),
        enqueued_time: call.enqueued_time.clone(),
        call_url: call.call_url.clone(),
        call_timeout: Some(45.5),
        callback_timeout: Some(20.0),
        tag: request.tag.clone(),
        answer_method: Some("GET".into()),
        answer_url: request.answer_url.clone(),
        answer_fallback_method: Some("POST".into()),
        answer_fallback_url: request.answer_fallback_url.clone(),
        disconnect_method: Some("GET".into()),
        disconnect_url: request.disconnect_url.clone(),
        username: Some("app-user".into()),
        password: Some("*****".into()),
        fallback_username: Some("fallback-user".into()),
        fallback_password: Some("*****".into()),
        priority: Some(2),
    };
    assert!(call == expected, "{call:#?}\n!=\n{expected:#?}");
    // The stored call is the one placed, still ringing.
    assert_eq!(
        (
            &view["to"],
            &view["from"],
            &view["state"],
            &view["direction"]
        ),
        (
            &Value::from(request.to.as_str()),
            &Value::from("+15555550199"),
            &Value::from("initiated"),
            &Value::from("outbound")
        )
    );
    assert_eq!(view["tag"], request.tag.as_deref().unwrap());
    for shown in [format!("{call:?}"), format!("{request:?}")] {
        for secret in [
            PASSWORD,
            FALLBACK_PASSWORD,
            AMD_PASSWORD,
            AMD_FALLBACK_PASSWORD,
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

#[test]
fn what_is_not_sent_comes_back_as_bandwidths_defaults() {
    let sim = sim();
    sim.set_outbound(Outbound::Ring);
    let client = client(basic(&sim));
    let request = CreateCallRequest::new(
        "+15555550100",
        "+15555550199",
        "app-1",
        "https://app.example/answer",
    );
    let call = place(&client, ACCOUNT, &request);
    assert_eq!(
        sim.requests()[0].body,
        r#"{"to":"+15555550100","from":"+15555550199","applicationId":"app-1","answerUrl":"https://app.example/answer"}"#
    );
    assert_eq!(
        (call.call_timeout, call.callback_timeout, call.priority),
        (Some(30.0), Some(15.0), Some(5))
    );
    assert_eq!(
        (
            call.answer_method.as_deref(),
            call.disconnect_method.as_deref()
        ),
        (Some("POST"), Some("POST"))
    );
    assert_eq!(call.answer_fallback_method.as_deref(), Some("POST"));
    for (name, field) in [
        ("tag", &call.tag),
        ("answerFallbackUrl", &call.answer_fallback_url),
        ("disconnectUrl", &call.disconnect_url),
        ("username", &call.username),
        ("password", &call.password),
        ("fallbackUsername", &call.fallback_username),
        ("fallbackPassword", &call.fallback_password),
    ] {
        assert_eq!(field, &None, "{name}");
    }
    assert!(call.enqueued_time.is_some());
}

/// The call placed as each `outbound` setting says, seen through
/// getCallState and the webhooks the simulator delivered.
#[test]
fn answered_unanswered_and_busy_calls() {
    for (outbound, final_state, cause) in [
        (Outbound::Answer, CallState::Answered, None),
        (Outbound::NoAnswer, CallState::Disconnected, Some("timeout")),
        (Outbound::Busy, CallState::Disconnected, Some("busy")),
    ] {
        let sim = sim();
        sim.set_outbound(outbound);
        let client = client(basic(&sim));
        let request = to_sim(&sim);
        let call = place(&client, ACCOUNT, &request);
        let view = sim
            .wait_call_state(&call.call_id, final_state, WAIT)
            .expect("a stored call");
        let case = format!("{outbound:?}: {view}");
        let state = client
            .get_call_state(ACCOUNT, &call.call_id, &CallOptions::default())
            .unwrap();
        assert_eq!(state.state.as_deref(), view["state"].as_str(), "{case}");
        assert_eq!(state.disconnect_cause.as_deref(), cause, "{case}");
        assert_eq!(state.answer_time.is_some(), cause.is_none(), "{case}");
        assert_eq!(state.end_time.is_some(), cause.is_some(), "{case}");
        assert_eq!(
            state.enqueued_time.as_ref(),
            call.enqueued_time.as_ref(),
            "{case}"
        );

        // An answered call gets its answer event; hung up, its disconnect.
        if cause.is_none() {
            let answer = &sim.wait_webhooks(1, WAIT)[0];
            assert_eq!(
                (answer.event_type.as_str(), answer.url.as_str()),
                ("answer", request.answer_url.as_str()),
                "{case}"
            );
            assert_eq!(
                (answer.status, answer.call_id.as_str()),
                (200, call.call_id.as_str())
            );
            client
                .hangup(ACCOUNT, &call.call_id, &CallOptions::default())
                .unwrap();
        }
        let hooks = sim.wait_webhooks(if cause.is_none() { 2 } else { 1 }, WAIT);
        let disconnect = hooks.last().unwrap();
        assert_eq!(
            (
                disconnect.event_type.as_str(),
                Some(disconnect.url.as_str())
            ),
            ("disconnect", request.disconnect_url.as_deref()),
            "{case}"
        );
        let event: Value = serde_json::from_str(&disconnect.body).unwrap();
        assert_eq!(event["cause"], cause.unwrap_or("hangup"), "{case}");
        assert_eq!(event["callId"], call.call_id.as_str(), "{case}");
        assert_eq!(hooks.len(), if cause.is_none() { 2 } else { 1 }, "{case}");
    }
}

/// A ringing call hung up is cancelled before anyone answered.
#[test]
fn a_ringing_call_hung_up_is_cancelled() {
    let sim = sim();
    sim.set_outbound(Outbound::Ring);
    let client = client(basic(&sim));
    let call = place(&client, ACCOUNT, &to_sim(&sim));
    let view = sim.wait_call_state(&call.call_id, CallState::Initiated, WAIT);
    assert_eq!(view.unwrap()["state"], "initiated");
    client
        .hangup(ACCOUNT, &call.call_id, &CallOptions::default())
        .unwrap();
    let view = sim
        .wait_call_state(&call.call_id, CallState::Disconnected, WAIT)
        .unwrap();
    assert_eq!(view["disconnectCause"], "cancel");
    let hooks = sim.wait_webhooks(1, WAIT);
    assert_eq!(
        hooks
            .iter()
            .map(|h| h.event_type.as_str())
            .collect::<Vec<_>>(),
        ["disconnect"]
    );
}

/// Invalid input is refused before anything is sent, even a token request.
#[test]
fn invalid_requests_are_refused_before_anything_is_sent() {
    let sim = sim();
    let client = client(oauth(&sim));
    let good = to_sim(&sim);
    for (request, field) in [
        (
            CreateCallRequest {
                to: "5555550100".into(),
                ..good.clone()
            },
            "to",
        ),
        (
            CreateCallRequest {
                priority: Some(6),
                ..good.clone()
            },
            "priority",
        ),
        (
            CreateCallRequest {
                password: Some(PASSWORD.into()),
                username: Some("u".into()),
                ..good.clone()
            },
            // Credentials need https; the simulator's receiver is http.
            "answer_url",
        ),
        (
            CreateCallRequest {
                machine_detection: Some(MachineDetection::default()),
                ..good.clone()
            },
            "machine_detection.callback_url",
        ),
    ] {
        let err = client
            .create_call(ACCOUNT, &request, &CallOptions::default())
            .unwrap_err();
        assert_eq!(
            (err.status, err.field, err.attempts),
            (Status::InvalidArgument, Some(field), 0),
            "{err}"
        );
        assert!(!format!("{err:?}").contains(PASSWORD), "{err:?}");
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}
