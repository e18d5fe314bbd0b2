//! createCall: the 201 and its echo, the checks, and what happens after:
//! answer, no answer, busy, ringing, with the webhooks to a receiver.
mod common;
use common::*;

fn create(sim: &Simulator, body: &Value) -> Resp {
    api("POST", &calls_url(sim, ACCOUNT), &body.to_string())
}

/// The smallest valid body.
fn minimal(answer_url: &str) -> Value {
    json!({"to": "+19195551234", "from": "+19195554321", "applicationId": "app-1",
           "answerUrl": answer_url})
}

fn set_outbound(sim: &Simulator, outbound: &str) {
    let resp = post_json(
        &format!("{}/sim/config", sim.url()),
        &json!({ "outbound": outbound }),
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.json()["outbound"], outbound);
}

/// Waits (bounded) until the call is in `state`, through the control API.
fn wait_state(sim: &Simulator, id: &str, state: &str) -> Value {
    let view = get(&format!("{}/sim/calls/{}?wait={state}", sim.url(), enc(id))).json();
    assert_eq!(view["state"], state, "{view}");
    view
}

const CREATE_CALL_RESPONSE: [&str; 21] = [
    "accountId",
    "answerFallbackMethod",
    "answerFallbackUrl",
    "answerMethod",
    "answerUrl",
    "applicationId",
    "callId",
    "callTimeout",
    "callUrl",
    "callbackTimeout",
    "disconnectMethod",
    "disconnectUrl",
    "enqueuedTime",
    "fallbackPassword",
    "fallbackUsername",
    "from",
    "password",
    "priority",
    "tag",
    "to",
    "username",
];

#[test]
fn created_answered_and_hung_up() {
    let sim = start();
    let hooks = Receiver::start();
    let mut body = minimal(&format!("{}/answer", hooks.url));
    body["tag"] = json!("t-1");
    body["username"] = json!("hook");
    body["password"] = json!("secret");
    body["disconnectUrl"] = json!(format!("{}/disconnect", hooks.url));
    let resp = create(&sim, &body);
    assert_eq!(resp.status, 201, "{}", resp.body);
    let c = resp.json();
    assert_eq!(keys(&c), CREATE_CALL_RESPONSE);
    let id = c["callId"].as_str().unwrap().to_string();
    assert!(id.starts_with("c-") && id.len() > 40, "{id}");
    let call_url = format!("{}/accounts/{ACCOUNT}/calls/{id}", sim.api_url());
    assert_eq!(resp.header("location"), Some(call_url.as_str()));
    assert_eq!(c["callUrl"], call_url);
    for (field, value) in [
        ("accountId", json!(ACCOUNT)),
        ("applicationId", json!("app-1")),
        ("to", json!("+19195551234")),
        ("from", json!("+19195554321")),
        ("answerUrl", body["answerUrl"].clone()),
        ("answerMethod", json!("POST")),
        ("answerFallbackMethod", json!("POST")),
        ("answerFallbackUrl", Value::Null),
        ("disconnectMethod", json!("POST")),
        ("disconnectUrl", body["disconnectUrl"].clone()),
        ("callTimeout", json!(30)),
        ("callbackTimeout", json!(15)),
        ("priority", json!(5)),
        ("tag", json!("t-1")),
        ("username", json!("hook")),
        ("password", json!("*****")),
        ("fallbackUsername", Value::Null),
        ("fallbackPassword", Value::Null),
    ] {
        assert_eq!(c[field], value, "{field}");
    }
    let enqueued = c["enqueuedTime"].as_str().unwrap();
    assert!(
        enqueued.len() == 24 && enqueued.ends_with('Z'),
        "{enqueued}"
    );

    // Answered by default: the answer event reaches answerUrl.
    let answer = hooks.next();
    assert_eq!(
        (answer.method.as_str(), answer.target.as_str()),
        ("POST", "/answer")
    );
    assert_eq!(
        answer.header("authorization"),
        Some("Basic aG9vazpzZWNyZXQ=")
    ); // hook:secret
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let event = answer.json();
    for (field, value) in [
        ("eventType", json!("answer")),
        ("accountId", json!(ACCOUNT)),
        ("applicationId", json!("app-1")),
        ("from", json!("+19195554321")),
        ("to", json!("+19195551234")),
        ("direction", json!("outbound")),
        ("callId", json!(id)),
        ("callUrl", json!(call_url)),
        ("enqueuedTime", json!(enqueued)),
        ("tag", json!("t-1")),
    ] {
        assert_eq!(event[field], value, "{field}");
    }
    for field in ["eventTime", "startTime", "answerTime"] {
        assert!(event[field].is_string(), "{field}");
    }
    let state = api("GET", &call_url, "").json();
    assert_eq!(
        (&state["state"], &state["direction"], &state["to"]),
        (
            &json!("answered"),
            &json!("outbound"),
            &json!("+19195551234")
        )
    );
    assert_eq!(state["answerTime"], event["answerTime"]);
    // The BXML answered is kept with the delivery, not executed.
    let d = &sim.wait_webhooks(1, LONG)[0];
    assert_eq!((d.event_type.as_str(), d.status), ("answer", 200));
    assert_eq!(d.response, ANSWER_BXML);
    assert_eq!(sim.call(&id).unwrap()["bxml"], Value::Null);

    // updateCall works on it, and hanging up sends the disconnect event.
    assert_eq!(
        update(&sim, &id, &json!({"state": "completed"})).status,
        200
    );
    let disconnect = hooks.next();
    assert_eq!(disconnect.target, "/disconnect");
    let event = disconnect.json();
    assert_eq!(
        (&event["eventType"], &event["cause"], &event["tag"]),
        (&json!("disconnect"), &json!("hangup"), &json!("t-1"))
    );
    assert!(event["endTime"].is_string() && event["answerTime"].is_string());
    let log = get(&format!("{}/sim/webhooks?wait=2", sim.url())).json();
    assert_eq!(log[1]["eventType"], "disconnect");
    assert_eq!(log[0]["response"], ANSWER_BXML);
}

#[test]
fn echo_of_every_setting_and_get_fallback() {
    let sim = start();
    let hooks = Receiver::start();
    let body = json!({
        "to": "sip:alice@pbx.example", "from": "+15555551212", "applicationId": "app-2",
        "answerUrl": format!("{}/sim/app/fail", sim.url()), "answerMethod": "post",
        "answerFallbackUrl": format!("{}/fallback?x=1", hooks.url), "answerFallbackMethod": "get",
        "fallbackUsername": "f", "fallbackPassword": "2",
        "disconnectMethod": "GET", "callTimeout": 45.5, "callbackTimeout": 3,
        "priority": 1, "tag": "", "privacy": true, "displayName": "Anonymous",
        "uui": "aGVsbG8;encoding=base64", "unknownField": {"ignored": true},
        "machineDetection": {"mode": "sync", "detectionTimeout": 15, "delayResult": false,
                             "callbackUrl": "https://example.com/md", "callbackMethod": "GET"},
        "username": null, "displayNameX": 5,
    });
    let resp = create(&sim, &body);
    assert_eq!(resp.status, 201, "{}", resp.body);
    let c = resp.json();
    for (field, value) in [
        ("to", json!("sip:alice@pbx.example")),
        ("answerMethod", json!("POST")),
        ("answerFallbackMethod", json!("GET")),
        ("disconnectMethod", json!("GET")),
        ("callTimeout", json!(45.5)),
        ("callbackTimeout", json!(3)),
        ("priority", json!(1)),
        ("tag", json!("")),
        ("username", Value::Null),
        ("fallbackUsername", json!("f")),
        ("fallbackPassword", json!("*****")),
    ] {
        assert_eq!(c[field], value, "{field}");
    }
    let id = c["callId"].as_str().unwrap();
    // The primary answers 503, so the answer event goes to the fallback by GET.
    let fallback = hooks.next();
    assert_eq!(fallback.method, "GET");
    assert!(
        fallback.target.starts_with("/fallback?x=1&"),
        "{}",
        fallback.target
    );
    assert!(
        fallback.target.contains("eventType=answer"),
        "{}",
        fallback.target
    );
    assert!(fallback.target.contains(&format!("callId={}", enc(id))));
    assert!(!fallback.target.contains("tag="), "an empty tag is no tag");
    assert_eq!(fallback.header("authorization"), Some("Basic Zjoy")); // f:2
    let hooks_log = sim.wait_webhooks(2, LONG);
    assert_eq!(
        (hooks_log[0].status, hooks_log[0].is_fallback),
        (503, false)
    );
    assert_eq!((hooks_log[1].status, hooks_log[1].is_fallback), (200, true));
    assert_eq!(sim.call(id).unwrap()["state"], "answered");
}

#[test]
fn answer_webhook_failing_ends_the_call() {
    let sim = start();
    let hooks = Receiver::start();
    let mut body = minimal(&format!("{}/sim/app/fail", sim.url()));
    body["disconnectUrl"] = json!(format!("{}/gone", hooks.url));
    let id = create(&sim, &body).json()["callId"]
        .as_str()
        .unwrap()
        .to_string();
    let event = hooks.next().json();
    assert_eq!(
        (&event["eventType"], &event["cause"], &event["callId"]),
        (&json!("disconnect"), &json!("callback-error"), &json!(id))
    );
    assert!(event["errorMessage"].is_string());
    let view = sim.call(&id).unwrap();
    assert_eq!(view["disconnectCause"], "callback-error");
}

#[test]
fn no_answer_and_busy() {
    let sim = start();
    let hooks = Receiver::start();
    for (outbound, cause) in [("no-answer", "timeout"), ("busy", "busy")] {
        set_outbound(&sim, outbound);
        let mut body = minimal(&format!("{}/answer", hooks.url));
        body["disconnectUrl"] = json!(format!("{}/disconnect", hooks.url));
        let resp = create(&sim, &body);
        assert_eq!(resp.status, 201);
        let id = resp.json()["callId"].as_str().unwrap().to_string();
        let got = hooks.next();
        assert_eq!(got.target, "/disconnect", "no answer event for {outbound}");
        let event = got.json();
        assert_eq!(
            (&event["cause"], &event["callId"], &event["answerTime"]),
            (&json!(cause), &json!(id), &Value::Null)
        );
        let state = api("GET", &call_url(&sim, ACCOUNT, &id), "").json();
        assert_eq!(
            (&state["state"], &state["disconnectCause"]),
            (&json!("disconnected"), &json!(cause))
        );
        assert!(state["endTime"].is_string() && state["answerTime"].is_null());
        // Without a disconnectUrl nothing is sent; the state tells.
        let id = create(&sim, &minimal(&format!("{}/answer", hooks.url))).json()["callId"]
            .as_str()
            .unwrap()
            .to_string();
        let view = wait_state(&sim, &id, "disconnected");
        assert_eq!(view["disconnectCause"], cause);
    }
    assert!(hooks.pending().is_empty(), "no answer events");
    assert!(sim.webhooks().iter().all(|d| d.event_type == "disconnect"));
}

#[test]
fn ringing_until_answered_or_cancelled() {
    let sim = start();
    let hooks = Receiver::start();
    sim.set_outbound(Outbound::Ring);
    let mut body = minimal(&format!("{}/answer", hooks.url));
    body["disconnectUrl"] = json!(format!("{}/disconnect", hooks.url));
    let cancelled = create(&sim, &body).json()["callId"]
        .as_str()
        .unwrap()
        .to_string();
    let answered = create(&sim, &body).json()["callId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sim.call(&cancelled).unwrap()["state"], "initiated");
    // A ringing call cannot be redirected, but can be cancelled.
    let resp = redirect_to(&sim, &cancelled, &format!("{}/x", hooks.url));
    assert_eq!(resp.status, 409);
    let resp = update(
        &sim,
        &cancelled,
        &json!({"state": "completed", "redirectMethod": "POST", "redirectFallbackMethod": "POST"}),
    );
    assert_eq!(resp.status, 200);
    let event = hooks.next().json();
    assert_eq!(
        (&event["eventType"], &event["cause"]),
        (&json!("disconnect"), &json!("cancel"))
    );

    // The control API answers it, and the answer event follows.
    let ctl = format!("{}/sim/calls/{}/answer", sim.url(), enc(&answered));
    assert_eq!(send("POST", &ctl, &[], "").status, 200);
    let event = hooks.next().json();
    assert_eq!(
        (&event["eventType"], &event["callId"]),
        (&json!("answer"), &json!(answered))
    );
    assert_eq!(send("POST", &ctl, &[], "").status, 409);
    assert_eq!(
        redirect_to(&sim, &answered, &format!("{}/sim/app/x", sim.url())).status,
        200
    );
    // Reset restores the default: answered at once.
    sim.reset();
    let id = create(&sim, &minimal(&format!("{}/answer", hooks.url))).json()["callId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(hooks.next().json()["callId"], id.as_str());
    let view = sim.wait_call_state(&id, CallState::Answered, LONG).unwrap();
    assert_eq!(view["state"], "answered");
}

#[test]
fn checks_name_the_field() {
    let sim = start();
    sim.set_outbound(Outbound::Ring);
    let ok = minimal("https://app.example/answer");
    let with = |field: &str, value: Value| {
        let mut body = ok.clone();
        body[field] = value;
        (field.to_string(), body)
    };
    let without = |field: &str| {
        let mut body = ok.clone();
        body.as_object_mut().unwrap().remove(field);
        (field.to_string(), body)
    };
    let long = |n: usize| json!("x".repeat(n));
    let mut cases = vec![
        without("to"),
        without("from"),
        without("applicationId"),
        without("answerUrl"),
        with("to", Value::Null),
        with("to", json!("19195551234")),
        with("to", json!("sip:")),
        with("to", json!(19195551234u64)),
        with("from", json!("sip:bob@pbx.example")),
        with("from", json!("+0123")),
        with("applicationId", json!(5)),
        with("privacy", json!("yes")),
        with("displayName", long(257)),
        with("displayName", json!("two\nlines")),
        with("uui", json!("abc")),
        with("uui", long(351)),
        with("answerUrl", json!("ftp://app.example/answer")),
        with("answerUrl", json!("/relative")),
        with(
            "answerUrl",
            json!(format!("https://a.example/{}", "x".repeat(2040))),
        ),
        with("answerFallbackUrl", json!("mailto:x@y")),
        with("disconnectUrl", json!("app.example")),
        with("answerMethod", json!("PUT")),
        with("answerFallbackMethod", json!("DELETE")),
        with("disconnectMethod", json!(1)),
        with("username", long(1025)),
        with("password", long(1025)),
        with("fallbackUsername", long(1025)),
        with("fallbackPassword", json!(false)),
        with("callTimeout", json!(0.5)),
        with("callTimeout", json!(301)),
        with("callTimeout", json!("30")),
        with("callbackTimeout", json!(25.5)),
        with("callbackTimeout", json!(0)),
        with("priority", json!(0)),
        with("priority", json!(6)),
        with("priority", json!(2.5)),
        with("priority", json!("1")),
        with("tag", long(4097)),
        with("tag", json!(["t"])),
        with("machineDetection", json!("on")),
        with("machineDetection", json!({"mode": "fast"})),
        with("machineDetection", json!({"detectionTimeout": "5"})),
        with("machineDetection", json!({"callbackUrl": "ftp://x"})),
        with("machineDetection", json!({"callbackMethod": "PUT"})),
        with("machineDetection", json!({"delayResult": "no"})),
        with("machineDetection", json!({"username": "u".repeat(1025)})),
    ];
    let mut private = ok.clone();
    private["privacy"] = json!(true);
    private["displayName"] = json!("John Doe");
    cases.push(("displayName".into(), private));
    for (field, body) in &cases {
        let resp = create(&sim, body);
        assert_error(&resp, 400, "validation");
        let text = resp.json()["description"].as_str().unwrap().to_string();
        assert!(text.contains(field.as_str()), "{body}: {text}");
    }
    let listed = api("GET", &calls_url(&sim, ACCOUNT), "").json();
    assert_eq!(listed, json!([]), "nothing was placed");

    let accepted = [
        with("privacy", json!(false)),
        with("displayName", json!("John Doe")),
        with("to", json!("sips:pbx.example")),
        with("answerUrl", json!("HTTP://app.example")),
        with("callTimeout", json!(300)),
        with("callbackTimeout", json!(1.5)),
        with("tag", json!("é".repeat(4096))),
        with("priority", Value::Null),
    ];
    for (field, body) in accepted {
        let resp = create(&sim, &body);
        assert_eq!(resp.status, 201, "{field}: {}", resp.body);
    }
}

#[test]
fn statuses_before_the_fields() {
    let sim = start();
    let url = calls_url(&sim, ACCOUNT);
    let body = minimal("https://app.example/answer").to_string();
    let json_ct = ("Content-Type", "application/json");
    assert_error(
        &send("POST", &url, &[json_ct], &body),
        401,
        "authentication-error",
    );
    let plain = [("Authorization", BASIC), ("Content-Type", "text/plain")];
    assert_error(
        &send("POST", &url, &plain, &body),
        415,
        "unsupported-media-type",
    );
    for bad in ["", "[]", "null", "{"] {
        let resp = send("POST", &url, &[("Authorization", BASIC), json_ct], bad);
        assert_error(&resp, 400, "validation");
    }
    for method in ["PUT", "DELETE", "PATCH"] {
        let resp = api(method, &url, "");
        assert_error(&resp, 405, "method-not-allowed");
        assert_eq!(resp.header("allow"), Some("GET, POST"));
    }
    // The call belongs to the account of the path.
    let resp = api("POST", &calls_url(&sim, "123/4"), &body);
    assert_eq!(resp.status, 201);
    assert_eq!(resp.json()["accountId"], "123/4");
    let id = resp.json()["callId"].as_str().unwrap().to_string();
    assert_eq!(sim.call(&id).unwrap()["accountId"], "123/4");
    assert_eq!(
        get_call(&sim, &id, BASIC).status,
        404,
        "not in the default account"
    );
}
