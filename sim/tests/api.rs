//! Voice API semantics: auth, check order, validation, call states, tags.
mod common;
use common::*;

fn token(sim: &Simulator) -> String {
    let resp = token_request(sim, CLIENT_BASIC);
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.json()["access_token"].as_str().unwrap().to_string()
}

#[test]
fn auth_basic_and_bearer() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let missing = send("GET", &call_url(&sim, ACCOUNT, &id), &[], "");
    assert_eq!(missing.status, 401);
    let err = missing.json();
    assert_eq!(err["type"], "authentication-error");
    assert!(err["id"].is_null() && err["description"].is_string());
    assert_eq!(get_call(&sim, &id, "Basic dXNlcjp3cm9uZw==").status, 401); // user:wrong
    assert_eq!(get_call(&sim, &id, "Basic !!!").status, 401);
    assert_eq!(get_call(&sim, &id, BASIC).status, 200);
    assert_eq!(get_call(&sim, &id, "basic dXNlcjpwYXNz").status, 200); // scheme is case-insensitive

    let t = token(&sim);
    assert_eq!(get_call(&sim, &id, &format!("Bearer {t}")).status, 200);
    let body = json!({"redirectUrl": format!("{}/sim/app/x", sim.url())});
    let headers = [
        ("Authorization", &*format!("Bearer {t}")),
        ("Content-Type", "application/json"),
    ];
    let resp = send(
        "POST",
        &call_url(&sim, ACCOUNT, &id),
        &headers,
        &body.to_string(),
    );
    assert_eq!(resp.status, 200);
    assert_eq!(get_call(&sim, &id, "Bearer not-issued").status, 401);

    sim.set_token_expires_in(0);
    let expired = token(&sim);
    let resp = get_call(&sim, &id, &format!("Bearer {expired}"));
    assert_eq!(resp.status, 401);
    assert_eq!(resp.json()["description"], "Access token expired");
    assert_eq!(
        get_call(&sim, &id, &format!("Bearer {t}")).status,
        200,
        "old token still valid"
    );
}

#[test]
fn token_endpoint() {
    let sim = start();
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let url = sim.token_url();
    let wrong = token_request(&sim, BASIC);
    assert_eq!(
        (wrong.status, wrong.json()),
        (401, json!({"error": "invalid_client"}))
    );
    let none = send("POST", &url, &[form], "grant_type=client_credentials");
    assert_eq!(none.status, 401);
    let grant = send(
        "POST",
        &url,
        &[("Authorization", CLIENT_BASIC), form],
        "grant_type=password",
    );
    assert_eq!(
        (grant.status, grant.json()),
        (400, json!({"error": "unsupported_grant_type"}))
    );
    let ct = ("Content-Type", "application/json");
    let bad_ct = send(
        "POST",
        &url,
        &[("Authorization", CLIENT_BASIC), ct],
        "grant_type=client_credentials",
    );
    assert_eq!(bad_ct.status, 400);
    assert_eq!(send("GET", &url, &[], "").header("allow"), Some("POST"));

    let resp = token_request(&sim, CLIENT_BASIC);
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(!body["access_token"].as_str().unwrap().is_empty());
    let tokens: std::collections::HashSet<String> = (0..20).map(|_| token(&sim)).collect();
    assert_eq!(tokens.len(), 20, "each token is distinct");

    // Runtime config via the control API.
    assert_eq!(
        post_json(
            &format!("{}/sim/config", sim.url()),
            &json!({"tokenExpiresIn": 60})
        )
        .status,
        200
    );
    let resp = token_request(&sim, CLIENT_BASIC);
    assert_eq!(resp.json()["expires_in"], 60);

    let logged: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/oauth2/token")
        .collect();
    assert_eq!(logged.len(), 27);
    assert_eq!(logged[0].status, 401);
    assert_eq!(logged[0].body, "grant_type=client_credentials");
}

#[test]
fn check_order_and_content_type() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let url = call_url(&sim, ACCOUNT, &id);
    let body = json!({"redirectUrl": format!("{}/sim/app/x", sim.url())}).to_string();
    let auth = ("Authorization", BASIC);
    // Auth comes before everything else.
    assert_eq!(
        send("POST", &url, &[("Content-Type", "text/plain")], "x").status,
        401
    );
    let plain = send("POST", &url, &[auth, ("Content-Type", "text/plain")], &body);
    assert_eq!(
        (plain.status, plain.json()["type"].clone()),
        (415, json!("unsupported-media-type"))
    );
    assert_eq!(
        send("POST", &url, &[auth], &body).status,
        415,
        "missing content type"
    );
    let charset = ("Content-Type", "Application/JSON; charset=utf-8");
    assert_eq!(send("POST", &url, &[auth, charset], &body).status, 200);
    // Media type and JSON-object checks come before the call lookup.
    let unknown = call_url(&sim, ACCOUNT, "c-unknown");
    assert_eq!(
        send(
            "POST",
            &unknown,
            &[auth, ("Content-Type", "text/xml")],
            &body
        )
        .status,
        415
    );
    for bad in ["", "not json", "[]", "\"x\"", "null"] {
        let resp = send(
            "POST",
            &url,
            &[auth, ("Content-Type", "application/json")],
            bad,
        );
        assert_eq!(resp.status, 400, "{bad:?}");
        assert_eq!(resp.json()["type"], "validation");
    }
    // Lookup comes before body validation.
    let resp = update(&sim, "c-unknown", &json!({"state": "bogus"}));
    assert_eq!(
        (resp.status, resp.json()["type"].clone()),
        (404, json!("not-found"))
    );
    let other = call_url(&sim, "1111111", &id);
    let resp = send(
        "POST",
        &other,
        &[auth, ("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(resp.status, 404, "call of another account");
    assert_eq!(get_call(&sim, "c-unknown", BASIC).status, 404);
}

#[test]
fn validation_rules() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let url = format!("{}/sim/app/x", sim.url());
    let long = "x".repeat(1025);
    let cases = [
        json!({}),
        json!({"state": "active"}),
        json!({"redirectUrl": ""}),
        json!({"state": "paused", "redirectUrl": url}),
        json!({"state": "Completed"}),
        json!({"state": "completed", "redirectUrl": url}),
        json!({"state": "completed", "tag": "t"}),
        json!({"redirectUrl": url, "redirectMethod": "PUT"}),
        json!({"redirectUrl": url, "redirectFallbackMethod": "DELETE"}),
        json!({"redirectUrl": url, "username": long}),
        json!({"redirectUrl": url, "password": long}),
        json!({"redirectUrl": url, "fallbackUsername": long}),
        json!({"redirectUrl": url, "fallbackPassword": long}),
        json!({"redirectUrl": url, "tag": "é".repeat(4097)}),
        json!({"redirectUrl": 5}),
        json!({"redirectUrl": url, "tag": true}),
        json!({"state": ["active"], "redirectUrl": url}),
    ];
    for body in cases {
        let resp = update(&sim, &id, &body);
        assert_eq!(resp.status, 400, "{body}");
        let err = resp.json();
        assert_eq!(err["type"], "validation", "{body}");
        assert!(!err["description"].as_str().unwrap().is_empty());
        assert!(err["id"].as_str().is_some_and(|s| !s.is_empty()));
    }
    assert_eq!(
        sim.call(&id).unwrap()["state"],
        "answered",
        "rejected updates change nothing"
    );
    let ok = [
        json!({"redirectUrl": url, "redirectMethod": "get"}),
        json!({"state": "active", "redirectUrl": url, "redirectMethod": "post", "redirectFallbackMethod": "GET"}),
        json!({"redirectUrl": url, "username": "u".repeat(1024), "tag": "é".repeat(4096)}),
        json!({"redirectUrl": url, "redirectMethod": null, "tag": null, "username": null}),
        // Unknown fields are ignored, as production does.
        json!({"redirectUrl": url, "unknownField": 1}),
    ];
    for body in ok {
        let resp = update(&sim, &id, &body);
        assert_eq!(resp.status, 200, "{body}: {}", resp.body);
        assert_eq!(resp.body, "");
        assert_eq!(resp.header("content-length"), Some("0"));
    }
}

#[test]
fn call_state_transitions() {
    let sim = start();
    let answered = sim.create_call(ACCOUNT, CallState::Answered);
    assert_eq!(
        update(&sim, &answered, &json!({"state": "completed"})).status,
        200
    );
    let c = sim.call(&answered).unwrap();
    assert_eq!(
        (c["state"].clone(), c["disconnectCause"].clone()),
        (json!("disconnected"), json!("hangup"))
    );
    assert!(c["endTime"].is_string());
    // Any update of a disconnected call is a 404.
    assert_eq!(
        update(&sim, &answered, &json!({"state": "completed"})).status,
        404
    );
    assert_eq!(
        redirect_to(&sim, &answered, "http://127.0.0.1:1/").status,
        404
    );

    let ringing = sim.create_call(ACCOUNT, CallState::Initiated);
    let resp = redirect_to(&sim, &ringing, &format!("{}/sim/app/x", sim.url()));
    assert_eq!(resp.status, 409);
    assert_eq!(resp.json()["type"], "conflict");
    assert_eq!(resp.json()["description"], "Call is not yet answered");
    assert_eq!(
        update(&sim, &ringing, &json!({"state": "completed"})).status,
        200
    );
    assert_eq!(sim.call(&ringing).unwrap()["disconnectCause"], "cancel");

    let ctl = format!("{}/sim/calls", sim.url());
    let inbound = post_json(&ctl, &json!({"state": "initiated", "direction": "inbound"})).json();
    let inbound = inbound["callId"].as_str().unwrap();
    assert_eq!(
        update(&sim, inbound, &json!({"state": "completed"})).status,
        200
    );
    assert_eq!(sim.call(inbound).unwrap()["disconnectCause"], "rejected");

    let later = sim.create_call(ACCOUNT, CallState::Initiated);
    assert!(sim.answer_call(&later));
    assert!(!sim.answer_call(&later));
    assert_eq!(
        redirect_to(&sim, &later, &format!("{}/sim/app/x", sim.url())).status,
        200
    );
}

#[test]
fn get_call_state_shape() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let resp = get_call(&sim, &id, BASIC);
    assert_eq!(resp.status, 200);
    assert!(resp
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let c = resp.json();
    let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected = [
        "accountId",
        "answerTime",
        "applicationId",
        "callId",
        "direction",
        "disconnectCause",
        "endTime",
        "enqueuedTime",
        "errorId",
        "errorMessage",
        "from",
        "identity",
        "lastUpdate",
        "parentCallId",
        "startTime",
        "state",
        "stirShaken",
        "to",
    ];
    assert_eq!(keys, expected);
    assert_eq!(c["callId"], id.as_str());
    assert_eq!(c["accountId"], ACCOUNT);
    assert_eq!(c["direction"], "outbound");
    assert_eq!(c["state"], "answered");
    assert!(
        c["parentCallId"].is_null() && c["endTime"].is_null() && c["disconnectCause"].is_null()
    );
    let t = c["answerTime"].as_str().unwrap();
    assert!(
        t.len() == 24 && t.ends_with('Z') && t.as_bytes()[10] == b'T',
        "{t}"
    );
}

#[test]
fn tags_persist_across_updates() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let url = format!("{}/sim/app/x", sim.url());
    let tag = |sim: &Simulator| sim.call(&id).unwrap()["tag"].clone();
    assert_eq!(tag(&sim), Value::Null);
    assert_eq!(
        update(&sim, &id, &json!({"redirectUrl": url, "tag": "first"})).status,
        200
    );
    assert_eq!(tag(&sim), "first");
    assert_eq!(update(&sim, &id, &json!({"redirectUrl": url})).status, 200);
    assert_eq!(tag(&sim), "first", "absent keeps the tag");
    assert_eq!(
        update(&sim, &id, &json!({"redirectUrl": url, "tag": null})).status,
        200
    );
    assert_eq!(tag(&sim), "first", "null keeps the tag");
    assert_eq!(
        update(&sim, &id, &json!({"redirectUrl": url, "tag": ""})).status,
        200
    );
    assert_eq!(tag(&sim), Value::Null, "empty clears it");
}

#[test]
fn ids_are_percent_decoded() {
    let sim = start();
    let weird = "c-a/b?c#d%e f+g";
    let ctl = format!("{}/sim/calls", sim.url());
    let account = "acc/1";
    assert_eq!(
        post_json(&ctl, &json!({"callId": weird, "accountId": account})).status,
        201
    );
    let url = call_url(&sim, account, weird);
    let headers = [
        ("Authorization", BASIC),
        ("Content-Type", "application/json"),
    ];
    let resp = send("POST", &url, &headers, r#"{"state":"completed"}"#);
    assert_eq!(resp.status, 200, "{url}");
    assert_eq!(sim.call(weird).unwrap()["state"], "disconnected");
    let logged = sim.requests().pop().unwrap();
    assert!(
        logged.path.contains("%2F") && logged.path.contains("%3F"),
        "raw path kept: {}",
        logged.path
    );
    let ctl_get = get(&format!("{}/sim/calls/{}", sim.url(), enc(weird)));
    assert_eq!(ctl_get.json()["callId"], weird);
}

#[test]
fn methods_and_unknown_paths() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    for method in ["PUT", "DELETE", "PATCH"] {
        let resp = send(
            method,
            &call_url(&sim, ACCOUNT, &id),
            &[("Authorization", BASIC)],
            "",
        );
        assert_eq!(resp.status, 405, "{method}");
        assert_eq!(resp.header("allow"), Some("GET, POST"));
    }
    let recordings = format!("/api/v2/accounts/9900000/calls/{id}/recordings");
    for path in [
        "/api/v2/accounts/9900000/conferences",
        "/api/v2/accounts/9900000/calls/",
        "/api/v2/nothing",
        "/",
        "/other",
        &recordings,
    ] {
        let url = format!("{}{path}", sim.url());
        let resp = send("GET", &url, &[("Authorization", BASIC)], "");
        assert_eq!(resp.status, 404, "{path}");
    }
}

#[test]
fn sdk_style_bodies_are_accepted() {
    let sim = start();
    // The official Python SDK always sends both methods, and null for the
    // fields set to None; production answers 200.
    let hang_ups = [
        json!({"state": "completed", "redirectMethod": "POST", "redirectFallbackMethod": "POST"}),
        json!({"state": "completed", "redirectMethod": "get", "redirectUrl": null, "tag": null}),
        json!({"state": "completed", "extra": {"nested": [1]}}),
    ];
    for body in hang_ups {
        let id = sim.create_call(ACCOUNT, CallState::Answered);
        let resp = update(&sim, &id, &body);
        assert_eq!((resp.status, resp.body.as_str()), (200, ""), "{body}");
        assert_eq!(sim.call(&id).unwrap()["disconnectCause"], "hangup");
    }
    // Still refused with completed: a redirect URL, a tag, a bad method.
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    for body in [
        json!({"state": "completed", "redirectUrl": "http://127.0.0.1:1/"}),
        json!({"state": "completed", "tag": "t"}),
        json!({"state": "completed", "redirectMethod": "PUT"}),
    ] {
        assert_eq!(update(&sim, &id, &body).status, 400, "{body}");
    }
    assert_eq!(sim.call(&id).unwrap()["state"], "answered");
}
