//! Redirect callback delivery: POST/GET, auth, fallback, failures, loopback only.
mod common;
use common::*;
use std::net::TcpListener;
use std::time::Duration;

fn app_log(sim: &Simulator) -> Vec<Value> {
    get(&format!("{}/sim/app-log", sim.url()))
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn post_delivery_with_event_and_auth() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let url = format!("{}/sim/app/redirect", sim.url());
    let body = json!({"redirectUrl": url, "username": "hook", "password": "pw", "tag": "my tag"});
    assert_eq!(update(&sim, &id, &body).status, 200);
    let hooks = sim.wait_webhooks(1, LONG);
    assert_eq!(hooks.len(), 1);
    let d = &hooks[0];
    assert_eq!(
        (d.url.as_str(), d.method.as_str(), d.status),
        (url.as_str(), "POST", 200)
    );
    assert!(d.error.is_none() && !d.is_fallback && d.query.is_empty());
    assert_eq!(d.call_id, id);
    let auth = d
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap();
    assert_eq!(auth.1, "Basic aG9vazpwdw=="); // hook:pw
    let event: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(event["eventType"], "redirect");
    assert_eq!(event["callId"], id.as_str());
    assert_eq!(event["accountId"], ACCOUNT);
    assert_eq!(event["tag"], "my tag");
    assert_eq!(event["direction"], "outbound");
    assert_eq!(
        event["callUrl"],
        format!("{}/accounts/{ACCOUNT}/calls/{id}", sim.api_url())
    );
    for field in [
        "eventTime",
        "applicationId",
        "from",
        "to",
        "startTime",
        "answerTime",
    ] {
        assert!(event[field].is_string(), "{field}");
    }

    let received = app_log(&sim);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["method"], "POST");
    assert_eq!(received[0]["path"], "/sim/app/redirect");
    assert_eq!(
        received[0]["headers"]["authorization"],
        "Basic aG9vazpwdw=="
    );
    assert_eq!(received[0]["headers"]["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(received[0]["body"].as_str().unwrap()).unwrap(),
        event
    );

    // Without a tag the field is omitted; without credentials no auth header.
    let id2 = sim.create_call(ACCOUNT, CallState::Answered);
    assert_eq!(redirect_to(&sim, &id2, &url).status, 200);
    let d = &sim.wait_webhooks(2, LONG)[1];
    let event: Value = serde_json::from_str(&d.body).unwrap();
    assert!(event.get("tag").is_none());
    assert!(!d.headers.iter().any(|(n, _)| n == "authorization"));
}

#[test]
fn get_delivery_uses_query_parameters() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let url = format!("{}/sim/app/get?existing=1", sim.url());
    let body = json!({"redirectUrl": url, "redirectMethod": "get", "tag": "a b&c"});
    assert_eq!(update(&sim, &id, &body).status, 200);
    let d = sim.wait_webhooks(1, LONG).remove(0);
    assert_eq!(
        (d.method.as_str(), d.status, d.body.as_str()),
        ("GET", 200, "")
    );
    assert!(d.query.contains("eventType=redirect"), "{}", d.query);
    assert!(d.query.contains("tag=a%20b%26c"), "{}", d.query);
    let received = &app_log(&sim)[0];
    assert_eq!(received["method"], "GET");
    let query = received["query"].as_str().unwrap();
    assert!(query.starts_with("existing=1&") && query.contains(&format!("callId={}", enc(&id))));
}

#[test]
fn fallback_after_primary_failure() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let primary = format!("{}/sim/app/fail", sim.url());
    let fallback = format!("{}/sim/app/fallback", sim.url());
    let body = json!({
        "redirectUrl": primary, "username": "p", "password": "1",
        "redirectFallbackUrl": fallback, "redirectFallbackMethod": "GET",
        "fallbackUsername": "f", "fallbackPassword": "2",
    });
    assert_eq!(update(&sim, &id, &body).status, 200);
    let hooks = sim.wait_webhooks(2, LONG);
    assert_eq!(hooks.len(), 2);
    assert_eq!((hooks[0].status, hooks[0].is_fallback), (503, false));
    assert!(hooks[0].error.as_deref().unwrap().contains("503"));
    assert_eq!(
        (
            hooks[1].status,
            hooks[1].is_fallback,
            hooks[1].method.as_str()
        ),
        (200, true, "GET")
    );
    let auth = |i: usize| {
        hooks[i]
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(
        (auth(0), auth(1)),
        ("Basic cDox".to_string(), "Basic Zjoy".to_string())
    );
    assert_eq!(sim.call(&id).unwrap()["state"], "answered");

    // The control API view of the same log.
    let list = get(&format!("{}/sim/webhooks?wait=2", sim.url())).json();
    assert_eq!(list[1]["fallback"], true);
    assert_eq!(list[1]["callId"], id.as_str());
    assert_eq!(list[0]["headers"]["authorization"], "Basic cDox");
}

#[test]
fn every_attempt_failing_ends_the_call() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    }; // dropped: connections are refused
    let body = json!({
        "redirectUrl": format!("http://{closed}/hook"),
        "redirectFallbackUrl": format!("{}/sim/app/fail-too", sim.url()),
    });
    assert_eq!(update(&sim, &id, &body).status, 200);
    let hooks = sim.wait_webhooks(2, LONG);
    assert_eq!((hooks[0].status, hooks[1].status), (0, 503));
    assert!(hooks[0].error.is_some());
    let c = sim.call(&id).unwrap();
    assert_eq!(
        (c["state"].clone(), c["disconnectCause"].clone()),
        (json!("disconnected"), json!("callback-error"))
    );
    assert!(c["errorMessage"].is_string() && c["errorId"].is_string());
}

#[test]
fn timeout_falls_back() {
    let cfg = Config {
        webhook_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let sim = Simulator::start(cfg).unwrap();
    // Never accepted: the request is sent into the backlog and never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let body = json!({
        "redirectUrl": format!("http://{}/slow", silent.local_addr().unwrap()),
        "redirectFallbackUrl": format!("{}/sim/app/fallback", sim.url()),
    });
    assert_eq!(update(&sim, &id, &body).status, 200);
    let hooks = sim.wait_webhooks(2, LONG);
    assert_eq!(hooks.len(), 2);
    assert_eq!(hooks[0].status, 0);
    assert!(hooks[0].error.is_some());
    assert_eq!((hooks[1].status, hooks[1].is_fallback), (200, true));
    assert_eq!(sim.call(&id).unwrap()["state"], "answered");
}

#[test]
fn only_loopback_and_absolute_urls() {
    let sim = start();
    let cases = [
        ("http://example.com/hook", "loopback"),
        ("http://192.0.2.1/hook", "loopback"),
        ("http://127.0.0.1@example.com/hook", "loopback"),
        ("/relative/hook", "relative URL"),
    ];
    for (i, (url, why)) in cases.iter().enumerate() {
        let id = sim.create_call(ACCOUNT, CallState::Answered);
        assert_eq!(redirect_to(&sim, &id, url).status, 200);
        let d = sim.wait_webhooks(i + 1, LONG).remove(i);
        assert_eq!(d.status, 0);
        assert!(
            d.error.as_deref().unwrap().contains(why),
            "{url}: {:?}",
            d.error
        );
        assert_eq!(sim.call(&id).unwrap()["disconnectCause"], "callback-error");
    }
}

#[test]
fn http_long_poll_waits_for_delivery() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let poll = {
        let url = format!("{}/sim/webhooks?wait=1", sim.url());
        std::thread::spawn(move || get(&url).json())
    };
    assert_eq!(
        redirect_to(&sim, &id, &format!("{}/sim/app/x", sim.url())).status,
        200
    );
    let list = poll.join().unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["status"], 200);
    // wait=0 answers immediately with what is there.
    assert_eq!(
        get(&format!("{}/sim/webhooks", sim.url()))
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bxml_app_routes() {
    let sim = start();
    let ok = send(
        "POST",
        &format!("{}/sim/app/anything/here", sim.url()),
        &[("Authorization", "Basic eDp5")],
        "{}",
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("content-type"), Some("application/xml"));
    assert!(ok
        .body
        .starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>"#));
    assert_eq!(
        get(&format!("{}/sim/app/failing?x=1", sim.url())).status,
        503
    );
    let log = app_log(&sim);
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["headers"]["authorization"], "Basic eDp5");
    assert_eq!(
        (log[1]["path"].clone(), log[1]["query"].clone()),
        (json!("/sim/app/failing"), json!("x=1"))
    );
}
