//! Fault injection per operation: `route`, `method` and `match` filters on
//! the call, conference and member routes.
mod common;
use common::*;

const BXML: &str = "<Bxml><SpeakSentence>x</SpeakSentence></Bxml>";
const XML: &str = "application/xml";

fn ctl(sim: &Simulator, path: &str) -> String {
    format!("{}/sim/{path}", sim.url())
}

/// PUT `.../calls/{call_id}/{sub}` with Basic auth and this Content-Type.
fn put(sim: &Simulator, call_id: &str, sub: &str, ct: &str, body: &str) -> Resp {
    let url = format!("{}/{sub}", call_url(sim, ACCOUNT, call_id));
    send(
        "PUT",
        &url,
        &[("Authorization", BASIC), ("Content-Type", ct)],
        body,
    )
}

fn put_bxml(sim: &Simulator, call_id: &str, ct: &str, body: &str) -> Resp {
    put(sim, call_id, "bxml", ct, body)
}

fn put_recording(sim: &Simulator, call_id: &str, body: &str) -> Resp {
    put(sim, call_id, "recording", "application/json", body)
}

/// getCallState through the Voice API.
fn api_state(sim: &Simulator, call_id: &str) -> Value {
    let resp = api("GET", &call_url(sim, ACCOUNT, call_id), "");
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.json()
}

/// A conference of `n` new answered calls; returns (conference id, call ids).
fn conference(sim: &Simulator, name: &str, n: usize) -> (String, Vec<String>) {
    let calls: Vec<String> = (0..n)
        .map(|_| sim.create_call(ACCOUNT, CallState::Answered))
        .collect();
    let refs: Vec<&str> = calls.iter().map(String::as_str).collect();
    let id = sim.create_conference(ACCOUNT, name, &refs).unwrap();
    (id, calls)
}

#[test]
fn faults_target_one_operation() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    assert!(sim.start_recording(&id));
    let pause = r#"{"state":"paused"}"#;
    let add = |f: Value| assert_eq!(post_json(&ctl(&sim, "faults"), &f).status, 201, "{f}");

    // Only the recording PUT answers 503; the others pass it by.
    add(json!({"route": "recording", "method": "PUT", "status": 503}));
    assert_eq!(api_state(&sim, &id)["state"], "answered");
    assert_eq!(put_bxml(&sim, &id, XML, BXML).status, 204);
    let resp = put_recording(&sim, &id, pause);
    assert_eq!(
        (resp.status, resp.json()["type"].clone()),
        (503, json!("service-unavailable"))
    );
    assert_eq!(put_recording(&sim, &id, pause).status, 200, "used up");

    // Only the GET answers garbage.
    add(json!({"method": "GET", "status": 200, "body": "{not json", "contentType": "text/plain"}));
    assert_eq!(put_recording(&sim, &id, pause).status, 200);
    let resp = send(
        "GET",
        &call_url(&sim, ACCOUNT, &id),
        &[("Authorization", BASIC)],
        "",
    );
    assert_eq!((resp.status, resp.body.as_str()), (200, "{not json"));
    assert_eq!(resp.header("content-type"), Some("text/plain"));

    // "call" is getCallState/updateCall only; filters combine with match.
    add(json!({"route": "call", "status": 500, "count": 2}));
    add(json!({"route": "bxml", "match": "c-other", "status": 429}));
    assert_eq!(put_bxml(&sim, &id, XML, BXML).status, 204);
    assert_eq!(
        update(&sim, &id, &json!({"redirectUrl": "http://127.0.0.1:1/"})).status,
        500
    );
    let token = token_request(&sim, CLIENT_BASIC);
    assert_eq!(
        token.status, 200,
        "a route filter never matches the token endpoint"
    );
    assert_eq!(
        send("GET", &call_url(&sim, ACCOUNT, &id), &[], "").status,
        500,
        "before auth"
    );
    assert_eq!(put_bxml(&sim, "c-other", XML, BXML).status, 429);

    // Rust API; the method filter is case-insensitive.
    let route = Some(bwvoice_sim::Route::Bxml);
    sim.add_fault(Fault {
        route,
        method: Some("put".into()),
        close: true,
        ..Fault::default()
    });
    assert_eq!(put_recording(&sim, &id, pause).status, 200);
    let url = format!("{}/bxml", call_url(&sim, ACCOUNT, &id));
    let headers = [("Authorization", BASIC), ("Content-Type", XML)];
    let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
    let mut req = agent.put(&url);
    for (n, v) in headers {
        req = req.header(n, v);
    }
    assert!(req.send(BXML).is_err(), "connection dropped");
    assert_eq!(sim.requests().last().unwrap().status, 0);
    assert_eq!(put_bxml(&sim, &id, XML, BXML).status, 204);

    for bad in [
        json!({"route": "bogus"}),
        json!({"route": "token"}),
        json!({"method": ""}),
        json!({"method": "P UT"}),
    ] {
        assert_eq!(post_json(&ctl(&sim, "faults"), &bad).status, 400, "{bad}");
    }
}

#[test]
fn faults_on_the_new_routes() {
    let sim = start();
    let (id, calls) = conference(&sim, "faulty", 2);
    let add = |f: Value| assert_eq!(post_json(&ctl(&sim, "faults"), &f).status, 201, "{f}");
    let body = json!({"to": "+19195551234", "from": "+19195554321", "applicationId": "a",
                      "answerUrl": "https://app.example/a"})
    .to_string();
    sim.set_outbound(Outbound::Ring);

    add(json!({"route": "calls", "method": "POST", "status": 503}));
    assert_eq!(
        api("GET", &calls_url(&sim, ACCOUNT), "").status,
        200,
        "only the POST"
    );
    let resp = api("POST", &calls_url(&sim, ACCOUNT), &body);
    assert_error(&resp, 503, "service-unavailable");
    assert_eq!(
        api("POST", &calls_url(&sim, ACCOUNT), &body).status,
        201,
        "used up"
    );

    add(json!({"route": "calls", "method": "GET", "status": 429, "headers": {"Retry-After": "2"}}));
    let resp = send("GET", &calls_url(&sim, ACCOUNT), &[], "");
    assert_eq!(
        (resp.status, resp.header("retry-after")),
        (429, Some("2")),
        "before auth"
    );

    // By conference id, and by member (call) id on the member route only.
    add(json!({"match": id, "route": "conference", "status": 500}));
    add(json!({"match": calls[1], "route": "member", "method": "PUT", "close": true}));
    add(
        json!({"route": "conference-bxml", "status": 502, "body": "<html/>", "contentType": "text/html"}),
    );
    assert_eq!(
        api("GET", &member_url(&sim, &id, &calls[1]), "").status,
        200
    );
    assert_eq!(api("GET", &conf_url(&sim, ACCOUNT, &id), "").status, 500);
    assert_eq!(api("GET", &conf_url(&sim, ACCOUNT, &id), "").status, 200);
    assert_eq!(
        update(
            &sim,
            &calls[1],
            &json!({"redirectUrl": "http://127.0.0.1:9/"})
        )
        .status,
        200
    );
    let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
    let dropped = agent
        .put(&member_url(&sim, &id, &calls[1]))
        .header("Authorization", BASIC)
        .header("Content-Type", "application/json")
        .send("{}");
    assert!(dropped.is_err(), "connection dropped");
    let xml = [
        ("Authorization", BASIC),
        ("Content-Type", "application/xml"),
    ];
    let resp = send(
        "PUT",
        &format!("{}/bxml", conf_url(&sim, ACCOUNT, &id)),
        &xml,
        "<Bxml/>",
    );
    assert_eq!((resp.status, resp.body.as_str()), (502, "<html/>"));
    let resp = send(
        "PUT",
        &format!("{}/bxml", conf_url(&sim, ACCOUNT, &id)),
        &xml,
        "<Bxml/>",
    );
    assert_eq!(resp.status, 204);
    sim.add_fault(Fault {
        route: Some(Route::Member),
        status: Some(503),
        ..Fault::default()
    });
    assert_eq!(api("GET", &conf_url(&sim, ACCOUNT, &id), "").status, 200);
    assert_eq!(
        api("GET", &member_url(&sim, &id, &calls[0]), "").status,
        503
    );
    for bad in [
        json!({"route": "conferences"}),
        json!({"route": "conference_bxml"}),
    ] {
        assert_eq!(post_json(&ctl(&sim, "faults"), &bad).status, 400, "{bad}");
    }
}
