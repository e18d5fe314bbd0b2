//! Control API (/sim/...) and fault injection.
mod common;
use common::*;
use std::time::Duration;

fn ctl(sim: &Simulator, path: &str) -> String {
    format!("{}/sim/{path}", sim.url())
}

#[test]
fn create_answer_and_get_calls() {
    let sim = start();
    let created = post_json(&ctl(&sim, "calls"), &json!({}));
    assert_eq!(created.status, 201);
    let c = created.json();
    let id = c["callId"].as_str().unwrap();
    assert!(id.starts_with("c-") && id.len() > 20, "{id}");
    assert_eq!(
        (c["accountId"].clone(), c["state"].clone()),
        (json!("9900000"), json!("answered"))
    );
    assert!(c["tag"].is_null());
    // An empty body also works.
    assert_eq!(send("POST", &ctl(&sim, "calls"), &[], "").status, 201);

    let custom = json!({"accountId": "42", "state": "initiated", "from": "+15550001111", "to": "+15550002222",
                        "direction": "inbound", "applicationId": "app-1", "callId": "c-mine"});
    let c = post_json(&ctl(&sim, "calls"), &custom).json();
    for key in [
        "accountId",
        "from",
        "to",
        "direction",
        "applicationId",
        "callId",
    ] {
        assert_eq!(c[key], custom[key], "{key}");
    }
    assert_eq!(c["state"], "initiated");
    assert!(c["answerTime"].is_null());
    assert_eq!(
        post_json(&ctl(&sim, "calls"), &json!({"callId": "c-mine"})).status,
        409
    );
    assert_eq!(
        post_json(&ctl(&sim, "calls"), &json!({"state": "ringing"})).status,
        400
    );
    assert_eq!(
        post_json(&ctl(&sim, "calls"), &json!({"bogus": 1})).status,
        400
    );

    let answered = post_json(&ctl(&sim, "calls/c-mine/answer"), &json!({}));
    assert_eq!(answered.status, 200);
    assert_eq!(answered.json()["state"], "answered");
    assert_eq!(
        post_json(&ctl(&sim, "calls/c-mine/answer"), &json!({})).status,
        409
    );
    assert_eq!(
        post_json(&ctl(&sim, "calls/c-nope/answer"), &json!({})).status,
        404
    );
    assert!(get(&ctl(&sim, "calls/c-mine")).json()["answerTime"].is_string());
    assert_eq!(get(&ctl(&sim, "calls/c-nope")).status, 404);
    assert_eq!(get(&ctl(&sim, "calls")).status, 405);
    assert_eq!(get(&ctl(&sim, "nothing")).status, 404);
}

#[test]
fn request_log_and_filter() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let body = json!({"state": "completed"});
    assert_eq!(update(&sim, &id, &body).status, 200);
    assert_eq!(
        send("GET", &format!("{}/api/v2/other", sim.url()), &[], "").status,
        404
    );
    get(&ctl(&sim, "requests")); // control requests are not logged
    let all = get(&ctl(&sim, "requests")).json();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let r = &all[0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["path"], format!("/api/v2/accounts/{ACCOUNT}/calls/{id}"));
    assert_eq!(r["headers"]["authorization"], BASIC);
    assert_eq!(r["headers"]["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(r["body"].as_str().unwrap()).unwrap(),
        body
    );
    assert_eq!(r["status"], 200);
    let filtered = get(&ctl(&sim, "requests?path_contains=other")).json();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_eq!(filtered[0]["status"], 404);
    let rust_side = sim.requests();
    assert_eq!(
        rust_side[0]
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap()
            .1,
        BASIC
    );
}

#[test]
fn reset_clears_everything() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    assert_eq!(
        redirect_to(&sim, &id, &format!("{}/sim/app/x", sim.url())).status,
        200
    );
    sim.wait_webhooks(1, LONG);
    assert_eq!(
        post_json(&ctl(&sim, "config"), &json!({"tokenExpiresIn": 5})).status,
        200
    );
    assert_eq!(
        post_json(&ctl(&sim, "faults"), &json!({"status": 500, "count": 10})).status,
        201
    );
    assert_eq!(post_json(&ctl(&sim, "reset"), &json!({})).status, 200);
    assert!(sim.call(&id).is_none());
    assert!(sim.requests().is_empty() && sim.webhooks().is_empty());
    assert_eq!(get(&ctl(&sim, "app-log")).json(), json!([]));
    let t = token_request(&sim, CLIENT_BASIC);
    assert_eq!(t.status, 200, "faults were cleared");
    assert_eq!(t.json()["expires_in"], 3600, "config restored");
    let token = t.json()["access_token"].as_str().unwrap().to_string();
    sim.reset();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let resp = send(
        "GET",
        &call_url(&sim, ACCOUNT, &id),
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    );
    assert_eq!(resp.status, 401, "issued tokens are forgotten");
}

#[test]
fn fault_status_default_bodies_and_before_auth() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    for (status, kind) in [
        (429, "rate-limit"),
        (503, "service-unavailable"),
        (500, "internal-server-error"),
    ] {
        let f = json!({"status": status, "headers": {"Retry-After": "1"}});
        assert_eq!(post_json(&ctl(&sim, "faults"), &f).status, 201);
        // No credentials at all: faults apply before auth.
        let resp = send("GET", &call_url(&sim, ACCOUNT, &id), &[], "");
        assert_eq!(resp.status, status);
        assert_eq!(resp.header("retry-after"), Some("1"));
        assert_eq!(resp.header("content-type"), Some("application/json"));
        assert_eq!(resp.json()["type"], kind);
        assert!(resp.json()["id"].is_string());
    }
    assert_eq!(get_call(&sim, &id, BASIC).status, 200, "faults are used up");
    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 503, 500, 200]);
}

#[test]
fn fault_custom_body_match_count_and_order() {
    let sim = start();
    let a = sim.create_call(ACCOUNT, CallState::Answered);
    let b = sim.create_call("1234", CallState::Answered);
    let html = json!({"match": b, "status": 502, "body": "<html>bad gateway</html>", "contentType": "text/html", "count": 2});
    assert_eq!(post_json(&ctl(&sim, "faults"), &html).status, 201);
    let resp = get_call(&sim, &a, BASIC);
    assert_eq!(resp.status, 200, "other call not matched");
    let b_url = call_url(&sim, "1234", &b);
    for _ in 0..2 {
        let resp = send("GET", &b_url, &[("Authorization", BASIC)], "");
        assert_eq!(
            (resp.status, resp.body.as_str()),
            (502, "<html>bad gateway</html>")
        );
        assert_eq!(resp.header("content-type"), Some("text/html"));
    }
    assert_eq!(
        send("GET", &b_url, &[("Authorization", BASIC)], "").status,
        200
    );

    // Match by account id and by "token"; faults are consumed in order added.
    sim.add_fault(Fault {
        match_id: Some("1234".into()),
        status: Some(500),
        ..Fault::default()
    });
    sim.add_fault(Fault {
        status: Some(503),
        ..Fault::default()
    });
    sim.add_fault(Fault {
        match_id: Some("token".into()),
        status: Some(429),
        ..Fault::default()
    });
    assert_eq!(
        get_call(&sim, &a, BASIC).status,
        503,
        "first matching fault for this request"
    );
    let t = token_request(&sim, CLIENT_BASIC);
    assert_eq!(t.status, 429);
    assert_eq!(
        send("GET", &b_url, &[("Authorization", BASIC)], "").status,
        500
    );
    assert_eq!(
        send("GET", &b_url, &[("Authorization", BASIC)], "").status,
        200
    );
    assert_eq!(
        post_json(&ctl(&sim, "faults"), &json!({"status": 42})).status,
        400
    );
    assert_eq!(
        post_json(&ctl(&sim, "faults"), &json!({"sttus": 500})).status,
        400
    );
}

#[test]
fn fault_close_drops_connection() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(Fault {
        close: true,
        ..Fault::default()
    });
    let mut raw = Raw::connect(sim.addr());
    let path = format!("/api/v2/accounts/{ACCOUNT}/calls/{id}");
    raw.write(
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {BASIC}\r\n\r\n").as_bytes(),
    );
    assert!(raw.is_closed());
    assert_eq!(sim.requests()[0].status, 0);
    let mut raw = Raw::connect(sim.addr());
    let resp = raw.request(
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {BASIC}\r\n\r\n").as_bytes(),
    );
    assert_eq!(resp.status, 200);
}

#[test]
fn pure_delay_continues_normally() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let f = json!({"match": id, "delayMs": 50});
    assert_eq!(post_json(&ctl(&sim, "faults"), &f).status, 201);
    assert_eq!(
        update(&sim, &id, &json!({"state": "completed"})).status,
        200
    );
    assert_eq!(sim.call(&id).unwrap()["state"], "disconnected");
    sim.add_fault(Fault {
        delay: Duration::from_millis(20),
        status: Some(504),
        ..Fault::default()
    });
    assert_eq!(get_call(&sim, &id, BASIC).status, 504);
    // Success statuses get an empty default body.
    sim.add_fault(Fault {
        status: Some(200),
        ..Fault::default()
    });
    let fake = update(&sim, "c-does-not-exist", &json!({}));
    assert_eq!((fake.status, fake.body.as_str()), (200, ""));
}

#[test]
fn long_delay_blocks_nobody_and_ends_on_drop() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let slow_id = sim.create_call(ACCOUNT, CallState::Answered);
    let delay = Duration::from_secs(600);
    sim.add_fault(Fault {
        match_id: Some(slow_id.clone()),
        delay,
        ..Fault::default()
    });
    let mut slow = Raw::connect(sim.addr());
    let path = format!("/api/v2/accounts/{ACCOUNT}/calls/{slow_id}");
    slow.write(
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {BASIC}\r\n\r\n").as_bytes(),
    );
    // Wait until the delayed request has arrived.
    while sim.requests().is_empty() {
        std::thread::yield_now();
    }
    assert_eq!(
        get_call(&sim, &id, BASIC).status,
        200,
        "other connections are served"
    );
    assert_eq!(get(&format!("{}/sim/calls/{}", sim.url(), id)).status, 200);
    drop(sim);
    assert!(
        slow.is_closed(),
        "dropping the simulator ends the delay and the connection"
    );
}

#[test]
fn config_outbound_and_waiting_for_a_state() {
    let sim = start();
    let config = ctl(&sim, "config");
    let resp = post_json(&config, &json!({}));
    assert_eq!(
        resp.json(),
        json!({"ok": true, "tokenExpiresIn": 3600, "outbound": "answer"})
    );
    for outbound in ["no-answer", "busy", "ring", "answer"] {
        let resp = post_json(&config, &json!({ "outbound": outbound }));
        assert_eq!(resp.json()["outbound"], outbound);
    }
    for bad in [json!({"outbound": "Busy"}), json!({"outbound": 1})] {
        assert_eq!(post_json(&config, &bad).status, 400, "{bad}");
    }

    let id = sim.create_call(ACCOUNT, CallState::Initiated);
    let url = ctl(&sim, &format!("calls/{id}?wait=answered"));
    let waiter = std::thread::spawn(move || get(&url).json());
    assert!(sim.answer_call(&id));
    assert_eq!(waiter.join().unwrap()["state"], "answered");
    assert_eq!(
        get(&ctl(&sim, &format!("calls/{id}?wait=bogus"))).status,
        400
    );
    assert_eq!(get(&ctl(&sim, "calls/c-nope?wait=answered")).status, 404);
    let now = get(&ctl(&sim, &format!("calls/{id}?wait=answered")));
    assert_eq!(now.json()["state"], "answered", "already there: no wait");
}
