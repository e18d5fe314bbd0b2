//! The live-call family beside updateCall: updateCallBxml,
//! updateCallRecordingState, recordings in the control API, per-route faults.
mod common;
use common::*;
use std::time::Duration;

const BXML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Bxml>
  <SpeakSentence>This is a test sentence.</SpeakSentence>
</Bxml>"#;
const XML: &str = "application/xml";

fn ctl(sim: &Simulator, path: &str) -> String {
    format!("{}/sim/{path}", sim.url())
}

/// PUT `.../calls/{call_id}/{sub}` with Basic auth; no Content-Type if `ct` is empty.
fn put(sim: &Simulator, account: &str, call_id: &str, sub: &str, ct: &str, body: &str) -> Resp {
    let url = format!("{}/{sub}", call_url(sim, account, call_id));
    let mut headers = vec![("Authorization", BASIC)];
    if !ct.is_empty() {
        headers.push(("Content-Type", ct));
    }
    send("PUT", &url, &headers, body)
}

fn put_bxml(sim: &Simulator, call_id: &str, ct: &str, body: &str) -> Resp {
    put(sim, ACCOUNT, call_id, "bxml", ct, body)
}

fn put_recording(sim: &Simulator, call_id: &str, body: &str) -> Resp {
    put(sim, ACCOUNT, call_id, "recording", "application/json", body)
}

/// getCallState through the Voice API.
fn api_state(sim: &Simulator, call_id: &str) -> Value {
    let resp = send(
        "GET",
        &call_url(sim, ACCOUNT, call_id),
        &[("Authorization", BASIC)],
        "",
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.json()
}

/// Lets the millisecond clock move so a `lastUpdate` bump is visible.
fn tick() {
    std::thread::sleep(Duration::from_millis(3));
}

#[test]
fn bxml_replaces_the_document() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let before = api_state(&sim, &id);
    tick();
    let resp = put_bxml(&sim, &id, "application/xml; charset=utf-8", BXML);
    assert_eq!((resp.status, resp.body.as_str()), (204, ""));
    assert!(resp.header("content-length").is_none() && resp.header("content-type").is_none());
    assert_eq!(sim.call(&id).unwrap()["bxml"], BXML);
    let after = api_state(&sim, &id);
    assert_eq!(
        keys(&after),
        keys(&before),
        "still exactly the callState shape"
    );
    assert!(after["lastUpdate"].as_str() > before["lastUpdate"].as_str());
    assert_eq!(after["state"], "answered");

    // The latest document wins; text/xml is accepted too.
    let redirect = r#"<Bxml><Redirect redirectUrl="http://127.0.0.1:1/next"/></Bxml>"#;
    assert_eq!(put_bxml(&sim, &id, "Text/XML", redirect).status, 204);
    let ctl_view = get(&ctl(&sim, &format!("calls/{id}"))).json();
    assert_eq!(ctl_view["bxml"], redirect);

    let logged = sim.requests();
    let r = logged.iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(
        r.path,
        format!("/api/v2/accounts/{ACCOUNT}/calls/{id}/bxml")
    );
    assert_eq!(r.body, BXML);
    assert_eq!(r.status, 204);
    let ct = r.headers.iter().find(|(n, _)| n == "content-type").unwrap();
    assert_eq!(ct.1, "application/xml; charset=utf-8");
    let listed = get(&ctl(&sim, "requests?path_contains=/bxml")).json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[1]["method"], "PUT");
    assert_eq!(listed[1]["headers"]["content-type"], "Text/XML");
    assert_eq!(listed[1]["body"], redirect);
}

#[test]
fn bxml_statuses_and_check_order() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let url = format!("{}/bxml", call_url(&sim, ACCOUNT, &id));
    assert_error(
        &send("PUT", &url, &[("Content-Type", XML)], BXML),
        401,
        "authentication-error",
    );
    for ct in ["application/json", "text/plain", "application/bxml", ""] {
        assert_error(
            &put_bxml(&sim, &id, ct, BXML),
            415,
            "unsupported-media-type",
        );
    }
    let cases = [
        ("", "well-formed"),
        ("not xml", "well-formed"),
        ("<Bxml>", "well-formed"),
        ("<Bxml><SpeakSentence>x</Speak></Bxml>", "well-formed"),
        ("<Bxml/><Bxml/>", "well-formed"),
        (r#"<?xml version=\"1.0\"?><Bxml/>"#, "well-formed"), // the spec example's escaped quotes
        ("<!DOCTYPE Bxml [<!ENTITY a 'x'>]><Bxml>&a;</Bxml>", "DTD"),
        ("<Response><Hangup/></Response>", "<Response>"),
        ("<bxml/>", "<Bxml>"),
        ("<bw:Bxml xmlns:bw='urn:x'/>", "namespace"),
        ("<Bxml xmlns='urn:x'/>", "namespace"),
    ];
    for (body, says) in cases {
        let resp = put_bxml(&sim, &id, XML, body);
        assert_error(&resp, 400, "validation");
        let text = resp.json()["description"].as_str().unwrap().to_string();
        assert!(text.contains(says), "{body:?}: {text}");
    }
    assert!(
        sim.call(&id).unwrap()["bxml"].is_null(),
        "rejected documents are not stored"
    );

    // Media type and XML checks come before the call lookup.
    assert_eq!(put_bxml(&sim, "c-unknown", "text/plain", BXML).status, 415);
    assert_eq!(put_bxml(&sim, "c-unknown", XML, "<Response/>").status, 400);
    assert_error(&put_bxml(&sim, "c-unknown", XML, BXML), 404, "not-found");
    assert_error(
        &put(&sim, "1111111", &id, "bxml", XML, BXML),
        404,
        "not-found",
    );

    let ringing = sim.create_call(ACCOUNT, CallState::Initiated);
    let resp = put_bxml(&sim, &ringing, XML, BXML);
    assert_error(&resp, 409, "conflict");
    assert_eq!(resp.json()["description"], "Call is not yet answered");
    assert!(sim.answer_call(&ringing));
    assert_eq!(put_bxml(&sim, &ringing, XML, BXML).status, 204);

    assert_eq!(
        update(&sim, &ringing, &json!({"state": "completed"})).status,
        200
    );
    assert_error(&put_bxml(&sim, &ringing, XML, BXML), 404, "not-found");
    let ended = sim.create_call(ACCOUNT, CallState::Disconnected);
    assert_eq!(put_bxml(&sim, &ended, XML, BXML).status, 404);
}

#[test]
fn bxml_on_the_wire() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let mut raw = Raw::connect(sim.addr());
    let req = |body: &[u8]| {
        let mut r = format!(
            "PUT /api/v2/accounts/{ACCOUNT}/calls/{id}/bxml HTTP/1.1\r\nHost: x\r\nAuthorization: {BASIC}\r\n\
             Content-Type: application/xml\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    };
    // A 204 has no Content-Length and no body, and the connection stays usable.
    assert_eq!(raw.request(&req(BXML.as_bytes())).status, 204);
    let resp = raw.request(&req(b"<Bxml>caf\xe9</Bxml>"));
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("UTF-8"), "{}", resp.body);
    assert_eq!(
        raw.request(&req(b"\xef\xbb\xbf<Bxml/>")).status,
        204,
        "a BOM is fine"
    );
}

#[test]
fn recording_pause_and_resume() {
    let sim = start();
    let created = post_json(&ctl(&sim, "calls"), &json!({"recording": true}));
    assert_eq!(created.status, 201);
    let id = created.json()["callId"].as_str().unwrap().to_string();
    assert_eq!(created.json()["recording"], "recording");
    let mut last = api_state(&sim, &id)["lastUpdate"].clone();
    for (body, expected) in [
        (r#"{"state":"paused"}"#, "paused"),
        (r#"{"state":"paused"}"#, "paused"), // pausing a paused recording is fine
        (r#" { "state" : "recording" } "#, "recording"),
    ] {
        tick();
        let resp = put_recording(&sim, &id, body);
        assert_eq!((resp.status, resp.body.as_str()), (200, ""), "{body}");
        assert_eq!(resp.header("content-length"), Some("0"));
        assert_eq!(sim.call(&id).unwrap()["recording"], expected);
        let now = api_state(&sim, &id)["lastUpdate"].clone();
        assert!(
            now.as_str() > last.as_str(),
            "{body}: lastUpdate {now} after {last}"
        );
        last = now;
    }
    let r = sim
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/recording"))
        .unwrap();
    assert_eq!(
        (r.method.as_str(), r.body.as_str(), r.status),
        ("PUT", r#"{"state":"paused"}"#, 200)
    );
    assert_eq!(
        r.path,
        format!("/api/v2/accounts/{ACCOUNT}/calls/{id}/recording")
    );
    assert!(r
        .headers
        .contains(&("content-type".into(), "application/json".into())));

    // Hanging up ends the recording; the call is then gone for this route.
    assert_eq!(
        update(&sim, &id, &json!({"state": "completed"})).status,
        200
    );
    let state = api_state(&sim, &id);
    assert_eq!(
        (state["state"].clone(), state["disconnectCause"].clone()),
        (json!("disconnected"), json!("hangup"))
    );
    assert!(state["endTime"].is_string() && state["lastUpdate"].as_str() > last.as_str());
    assert!(sim.call(&id).unwrap()["recording"].is_null());
    assert_error(
        &put_recording(&sim, &id, r#"{"state":"paused"}"#),
        404,
        "not-found",
    );
}

#[test]
fn recording_statuses_and_check_order() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let pause = r#"{"state":"paused"}"#;
    let url = format!("{}/recording", call_url(&sim, ACCOUNT, &id));
    let resp = send("PUT", &url, &[("Content-Type", "application/json")], pause);
    assert_error(&resp, 401, "authentication-error");

    let resp = put_recording(&sim, &id, pause);
    assert_error(&resp, 400, "validation");
    assert!(resp.json()["description"]
        .as_str()
        .unwrap()
        .contains("No recording is in progress"));
    let ringing = sim.create_call(ACCOUNT, CallState::Initiated);
    assert_eq!(
        put_recording(&sim, &ringing, pause).status,
        400,
        "an unanswered call records nothing"
    );

    assert!(sim.start_recording(&id));
    for ct in ["text/plain", "application/xml", ""] {
        assert_error(
            &put(&sim, ACCOUNT, &id, "recording", ct, pause),
            415,
            "unsupported-media-type",
        );
    }
    let charset = "Application/JSON; charset=utf-8";
    assert_eq!(
        put(&sim, ACCOUNT, &id, "recording", charset, pause).status,
        200
    );
    for bad in [
        "",
        "{}",
        "[]",
        "\"paused\"",
        "null",
        r#"{"state":null}"#,
        r#"{"state":"stopped"}"#,
        r#"{"state":"Paused"}"#,
        r#"{"state":1}"#,
        r#"{"state":"recording"} junk"#,
        r#"{"state":"recording"}{}"#,
    ] {
        assert_error(&put_recording(&sim, &id, bad), 400, "validation");
    }
    assert_eq!(
        sim.call(&id).unwrap()["recording"],
        "paused",
        "rejected updates change nothing"
    );
    // Unknown fields are ignored, as production does for updateCall.
    let extra = put_recording(&sim, &id, r#"{"state":"recording","extra":1}"#);
    assert_eq!(extra.status, 200);
    assert_eq!(sim.call(&id).unwrap()["recording"], "recording");
    assert_eq!(put_recording(&sim, &id, pause).status, 200);

    // Media type and body checks come before the call lookup.
    let unknown = |ct, body| put(&sim, ACCOUNT, "c-unknown", "recording", ct, body).status;
    assert_eq!(unknown("text/plain", pause), 415);
    assert_eq!(unknown("application/json", r#"{"state":"off"}"#), 400);
    assert_error(&put_recording(&sim, "c-unknown", pause), 404, "not-found");
    let other = put(&sim, "1111111", &id, "recording", "application/json", pause);
    assert_eq!(other.status, 404, "call of another account");
    let ended = sim.create_call(ACCOUNT, CallState::Disconnected);
    assert_eq!(put_recording(&sim, &ended, pause).status, 404);
}

#[test]
fn control_view_and_starting_recordings() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let view = get(&ctl(&sim, &format!("calls/{id}"))).json();
    let mut expected = keys(&api_state(&sim, &id));
    expected.extend(["bxml", "recording", "tag"].map(String::from));
    expected.sort_unstable();
    assert_eq!(keys(&view), expected);
    assert!(view["tag"].is_null() && view["recording"].is_null() && view["bxml"].is_null());

    let before = api_state(&sim, &id)["lastUpdate"].clone();
    tick();
    let started = post_json(&ctl(&sim, &format!("calls/{id}/recording")), &json!({}));
    assert_eq!(started.status, 200);
    assert_eq!(started.json()["recording"], "recording");
    assert!(api_state(&sim, &id)["lastUpdate"].as_str() > before.as_str());
    let again = post_json(&ctl(&sim, &format!("calls/{id}/recording")), &json!({}));
    assert_eq!(again.status, 409, "already recording");
    assert!(!sim.start_recording(&id));

    let ringing = sim.create_call(ACCOUNT, CallState::Initiated);
    assert_eq!(
        send(
            "POST",
            &ctl(&sim, &format!("calls/{ringing}/recording")),
            &[],
            ""
        )
        .status,
        409
    );
    assert!(!sim.start_recording(&ringing), "not answered");
    assert!(sim.answer_call(&ringing));
    assert!(sim.start_recording(&ringing));
    assert_eq!(sim.call(&ringing).unwrap()["recording"], "recording");
    assert!(!sim.start_recording("c-unknown"));
    assert_eq!(
        send("POST", &ctl(&sim, "calls/c-unknown/recording"), &[], "").status,
        404
    );
    let resp = get(&ctl(&sim, &format!("calls/{id}/recording")));
    assert_eq!((resp.status, resp.header("allow")), (405, Some("POST")));

    let initiated = json!({"state": "initiated", "recording": true});
    assert_eq!(post_json(&ctl(&sim, "calls"), &initiated).status, 400);
    assert_eq!(
        post_json(&ctl(&sim, "calls"), &json!({"recording": "yes"})).status,
        400
    );

    // Tag, recording and BXML all show in the control view, and only there.
    let url = format!("{}/sim/app/x", sim.url());
    assert_eq!(
        update(&sim, &id, &json!({"redirectUrl": url, "tag": "t1"})).status,
        200
    );
    assert_eq!(put_bxml(&sim, &id, XML, "<Bxml/>").status, 204);
    assert_eq!(
        put_recording(&sim, &id, r#"{"state":"paused"}"#).status,
        200
    );
    let view = sim.call(&id).unwrap();
    assert_eq!(
        (&view["tag"], &view["recording"], &view["bxml"]),
        (&json!("t1"), &json!("paused"), &json!("<Bxml/>"))
    );
    assert_eq!(
        keys(&api_state(&sim, &id)),
        keys(&api_state(&sim, &ringing))
    );
}

#[test]
fn redirect_bumps_last_update() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let before = api_state(&sim, &id)["lastUpdate"].clone();
    tick();
    let url = format!("{}/sim/app/x", sim.url());
    assert_eq!(
        update(&sim, &id, &json!({"redirectUrl": url, "tag": "new"})).status,
        200
    );
    assert!(api_state(&sim, &id)["lastUpdate"].as_str() > before.as_str());
}

#[test]
fn methods_and_unknown_sub_paths() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    for sub in ["bxml", "recording"] {
        let url = format!("{}/{sub}", call_url(&sim, ACCOUNT, &id));
        for method in ["GET", "POST", "DELETE", "PATCH"] {
            let resp = send(method, &url, &[("Authorization", BASIC)], "");
            assert_error(&resp, 405, "method-not-allowed");
            assert_eq!(resp.header("allow"), Some("PUT"), "{method} {sub}");
        }
    }
    for sub in [
        "bxml/x",
        "recording/",
        "recordings",
        "Bxml",
        "other",
        "bxml/",
    ] {
        let resp = put(&sim, ACCOUNT, &id, sub, XML, BXML);
        assert_error(&resp, 404, "not-found");
    }
    let no_call = format!("{}/api/v2/accounts/{ACCOUNT}/calls//bxml", sim.url());
    assert_eq!(
        send(
            "PUT",
            &no_call,
            &[("Authorization", BASIC), ("Content-Type", XML)],
            BXML
        )
        .status,
        404
    );
}
