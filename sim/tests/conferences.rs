//! Conferences: control-API creation, getConference, updateConference
//! (redirect, complete), updateConferenceBxml, the member routes, faults.
mod common;
use common::*;

fn ctl(sim: &Simulator, path: &str) -> String {
    format!("{}/sim/{path}", sim.url())
}

/// A conference of `n` new answered calls; returns (conference id, call ids).
fn conference(sim: &Simulator, name: &str, n: usize) -> (String, Vec<String>) {
    let calls: Vec<String> = (0..n)
        .map(|_| sim.create_call(ACCOUNT, CallState::Answered))
        .collect();
    let resp = post_json(
        &ctl(sim, "conferences"),
        &json!({"accountId": ACCOUNT, "name": name, "members": calls, "tag": "conf-tag"}),
    );
    assert_eq!(resp.status, 201, "{}", resp.body);
    (resp.json()["id"].as_str().unwrap().to_string(), calls)
}

const CONFERENCE: [&str; 8] = [
    "activeMembers",
    "completedTime",
    "conferenceEventMethod",
    "conferenceEventUrl",
    "createdTime",
    "id",
    "name",
    "tag",
];
const MEMBER: [&str; 6] = [
    "callId",
    "callIdsToCoach",
    "conferenceId",
    "hold",
    "memberUrl",
    "mute",
];

#[test]
fn created_and_read() {
    let sim = start();
    let (id, calls) = conference(&sim, "my-conf_1.0", 2);
    assert!(id.starts_with("conf-") && id.len() > 40, "{id}");
    let resp = api("GET", &conf_url(&sim, ACCOUNT, &id), "");
    assert_eq!(resp.status, 200);
    let c = resp.json();
    assert_eq!(keys(&c), CONFERENCE);
    assert_eq!(
        (&c["id"], &c["name"], &c["tag"], &c["conferenceEventMethod"]),
        (
            &json!(id),
            &json!("my-conf_1.0"),
            &json!("conf-tag"),
            &json!("POST")
        )
    );
    assert!(c["completedTime"].is_null() && c["conferenceEventUrl"].is_null());
    assert!(c["createdTime"]
        .as_str()
        .is_some_and(|t| t.len() == 24 && t.ends_with('Z')));
    let members = c["activeMembers"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    for (m, call) in members.iter().zip(&calls) {
        assert_eq!(keys(m), MEMBER);
        assert_eq!(
            (&m["callId"], &m["conferenceId"]),
            (&json!(call), &json!(id))
        );
        assert_eq!(
            (&m["mute"], &m["hold"], &m["callIdsToCoach"]),
            (&json!(false), &json!(false), &Value::Null)
        );
        assert_eq!(m["memberUrl"], member_url(&sim, &id, call));
        // memberUrl is the member's own route.
        let own = api("GET", m["memberUrl"].as_str().unwrap(), "");
        assert_eq!((own.status, own.json()), (200, m.clone()));
    }
    // The control view adds accountId and bxml.
    let view = get(&ctl(&sim, &format!("conferences/{id}"))).json();
    assert_eq!(
        (&view["accountId"], &view["bxml"]),
        (&json!(ACCOUNT), &Value::Null)
    );
    assert_eq!(
        sim.conference(&id).unwrap()["activeMembers"],
        c["activeMembers"]
    );

    assert_error(
        &api("GET", &conf_url(&sim, ACCOUNT, "conf-nope"), ""),
        404,
        "not-found",
    );
    assert_error(
        &api("GET", &conf_url(&sim, "1111111", &id), ""),
        404,
        "not-found",
    );
    assert_error(
        &api("GET", &member_url(&sim, &id, "c-nope"), ""),
        404,
        "not-found",
    );
    let anon = send("GET", &conf_url(&sim, ACCOUNT, &id), &[], "");
    assert_error(&anon, 401, "authentication-error");
}

#[test]
fn control_api_rules() {
    let sim = start();
    let a = sim.create_call(ACCOUNT, CallState::Answered);
    let b = sim.create_call(ACCOUNT, CallState::Answered);
    let ringing = sim.create_call(ACCOUNT, CallState::Initiated);
    let elsewhere = sim.create_call("1111111", CallState::Answered);
    let many: Vec<String> = (0..21)
        .map(|_| sim.create_call(ACCOUNT, CallState::Answered))
        .collect();
    let create = |body: Value| post_json(&ctl(&sim, "conferences"), &body).status;
    for (body, status) in [
        (json!({"name": "c", "members": [a, a]}), 400),
        (json!({"name": "c", "members": []}), 400),
        (json!({"name": "c", "members": many}), 400),
        (json!({"name": "x".repeat(101), "members": [a]}), 400),
        (json!({"name": "bad name!", "members": [a]}), 400),
        (json!({"name": "", "members": [a]}), 400),
        (json!({"members": [a]}), 400),
        (
            json!({"name": "c", "members": [a], "conferenceEventMethod": "PUT"}),
            400,
        ),
        (json!({"name": "c", "members": [a], "bogus": 1}), 400),
        (json!({"name": "c", "members": ["c-nope"]}), 404),
        (json!({"name": "c", "members": [elsewhere]}), 404),
        (json!({"name": "c", "members": [ringing]}), 409),
    ] {
        assert_eq!(create(body.clone()), status, "{body}");
    }
    assert_eq!(
        create(json!({"name": "x".repeat(100), "members": many[..20]})),
        201
    );
    let full = json!({"name": "c", "members": [a], "conferenceEventUrl": "http://127.0.0.1:9/ev",
                      "conferenceEventMethod": "get"});
    let resp = post_json(&ctl(&sim, "conferences"), &full);
    assert_eq!(resp.status, 201);
    assert_eq!(resp.json()["conferenceEventMethod"], "GET");
    assert_eq!(resp.json()["conferenceEventUrl"], "http://127.0.0.1:9/ev");
    assert_eq!(
        create(json!({"name": "c", "members": [b]})),
        409,
        "name in use"
    );
    assert_eq!(
        create(json!({"name": "d", "members": [b, a]})),
        409,
        "a is in c"
    );
    assert!(sim.create_conference(ACCOUNT, "d", &[&b]).is_ok());
    assert!(sim.create_conference(ACCOUNT, "e", &[&ringing]).is_err());
    assert_eq!(get(&ctl(&sim, "conferences/conf-nope")).status, 404);
    assert_eq!(get(&ctl(&sim, "conferences")).status, 405);
    assert_eq!(
        send("POST", &ctl(&sim, "conferences/x"), &[], "").status,
        405
    );
}

#[test]
fn members_mute_hold_and_coach() {
    let sim = start();
    let (id, calls) = conference(&sim, "room", 3);
    let url = member_url(&sim, &id, &calls[0]);
    let member = || api("GET", &url, "").json();
    for (body, mute, hold, coach) in [
        (json!({"mute": true}), true, false, Value::Null),
        (json!({"hold": true}), true, true, Value::Null),
        (
            json!({"callIdsToCoach": [calls[1]]}),
            true,
            true,
            json!([calls[1]]),
        ),
        (json!({}), true, true, json!([calls[1]])),
        (
            json!({"mute": null, "callIdsToCoach": null, "other": 1}),
            true,
            true,
            json!([calls[1]]),
        ),
        (
            json!({"mute": false, "hold": false, "callIdsToCoach": []}),
            false,
            false,
            json!([]),
        ),
    ] {
        let resp = api("PUT", &url, &body.to_string());
        assert_eq!((resp.status, resp.body.as_str()), (204, ""), "{body}");
        let m = member();
        assert_eq!(
            (&m["mute"], &m["hold"], &m["callIdsToCoach"]),
            (&json!(mute), &json!(hold), &coach),
            "{body}"
        );
    }
    let other = api("GET", &member_url(&sim, &id, &calls[1]), "").json();
    assert_eq!(
        (&other["mute"], &other["hold"]),
        (&json!(false), &json!(false))
    );
    for bad in [
        r#"{"mute":"yes"}"#,
        r#"{"hold":1}"#,
        r#"{"callIdsToCoach":"c-1"}"#,
        r#"{"callIdsToCoach":[1]}"#,
        "[]",
        "x",
    ] {
        assert_error(&api("PUT", &url, bad), 400, "validation");
    }
    let xml = [
        ("Authorization", BASIC),
        ("Content-Type", "application/xml"),
    ];
    assert_error(
        &send("PUT", &url, &xml, "{}"),
        415,
        "unsupported-media-type",
    );
    assert_error(
        &api("PUT", &member_url(&sim, &id, "c-nope"), "{}"),
        404,
        "not-found",
    );
    let resp = api("POST", &url, "{}");
    assert_eq!((resp.status, resp.header("allow")), (405, Some("GET, PUT")));

    // A member whose call ends leaves; the last one leaving ends it.
    assert_eq!(
        update(&sim, &calls[0], &json!({"state": "completed"})).status,
        200
    );
    assert_error(&api("GET", &url, ""), 404, "not-found");
    for call in &calls[1..] {
        assert_eq!(
            update(&sim, call, &json!({"state": "completed"})).status,
            200
        );
    }
    let c = api("GET", &conf_url(&sim, ACCOUNT, &id), "").json();
    assert_eq!(c["activeMembers"], json!([]));
    assert!(c["completedTime"].is_string());
}

#[test]
fn redirect_and_complete() {
    let sim = start();
    let hooks = Receiver::start();
    let (id, calls) = conference(&sim, "standup", 2);
    let url = conf_url(&sim, ACCOUNT, &id);
    for bad in [
        json!({}),
        json!({"status": "active"}),
        json!({"status": "paused", "redirectUrl": hooks.url}),
        json!({"status": "Completed"}),
        json!({"status": "completed", "redirectUrl": hooks.url}),
        json!({"status": "completed", "redirectFallbackUrl": hooks.url}),
        json!({"redirectUrl": hooks.url, "redirectMethod": "PUT"}),
        json!({"redirectUrl": 5}),
        json!({"redirectUrl": hooks.url, "username": "u".repeat(1025)}),
    ] {
        assert_error(&api("POST", &url, &bad.to_string()), 400, "validation");
    }
    let text = [("Authorization", BASIC), ("Content-Type", "text/plain")];
    assert_error(
        &send("POST", &url, &text, "{}"),
        415,
        "unsupported-media-type",
    );
    assert_error(
        &api("POST", &conf_url(&sim, ACCOUNT, "conf-nope"), "{}"),
        404,
        "not-found",
    );

    let body = json!({"redirectUrl": format!("{}/conf", hooks.url), "username": "u", "password": "p",
                      "redirectMethod": "POST", "status": null, "extra": true});
    let resp = api("POST", &url, &body.to_string());
    assert_eq!((resp.status, resp.body.as_str()), (204, ""));
    let got = hooks.next();
    assert_eq!(
        (got.method.as_str(), got.target.as_str()),
        ("POST", "/conf")
    );
    assert_eq!(got.header("authorization"), Some("Basic dTpw")); // u:p
    let event = got.json();
    assert_eq!(
        keys(&event),
        ["conferenceId", "eventTime", "eventType", "name", "tag"]
    );
    assert_eq!(
        (
            &event["eventType"],
            &event["conferenceId"],
            &event["name"],
            &event["tag"]
        ),
        (
            &json!("conferenceRedirect"),
            &json!(id),
            &json!("standup"),
            &json!("conf-tag")
        )
    );
    let d = &sim.wait_webhooks(1, LONG)[0];
    assert_eq!(
        (d.conference_id.as_deref(), d.call_id.as_str()),
        (Some(id.as_str()), "")
    );
    let log = get(&ctl(&sim, "webhooks")).json();
    assert_eq!(
        (&log[0]["conferenceId"], &log[0]["callId"]),
        (&json!(id), &Value::Null)
    );

    // BXML for the conference: the call BXML route's checks.
    let bxml_url = format!("{url}/bxml");
    let xml = [
        ("Authorization", BASIC),
        ("Content-Type", "application/xml"),
    ];
    let doc = "<Bxml><StopRecording/></Bxml>";
    let resp = send("PUT", &bxml_url, &xml, doc);
    assert_eq!((resp.status, resp.body.as_str()), (204, ""));
    assert_eq!(sim.conference(&id).unwrap()["bxml"], doc);
    assert_error(
        &send("PUT", &bxml_url, &xml, "<Response/>"),
        400,
        "validation",
    );
    assert_error(
        &send("PUT", &bxml_url, &text, doc),
        415,
        "unsupported-media-type",
    );
    let nope = format!("{}/bxml", conf_url(&sim, ACCOUNT, "conf-nope"));
    assert_error(&send("PUT", &nope, &xml, doc), 404, "not-found");
    assert_eq!(api("GET", &bxml_url, "").header("allow"), Some("PUT"));

    // The SDK ends a conference with both methods set; production accepts it.
    let done =
        json!({"status": "completed", "redirectMethod": "POST", "redirectFallbackMethod": "POST"});
    assert_eq!(api("POST", &url, &done.to_string()).status, 204);
    let c = api("GET", &url, "").json();
    assert!(c["completedTime"].is_string());
    assert_eq!(c["activeMembers"], json!([]));
    assert_eq!(
        sim.call(&calls[0]).unwrap()["state"],
        "answered",
        "calls go on"
    );
    // Ended: gone for changes (404), still readable.
    assert_error(&api("POST", &url, &done.to_string()), 404, "not-found");
    assert_error(&send("PUT", &bxml_url, &xml, doc), 404, "not-found");
    assert_error(
        &api("GET", &member_url(&sim, &id, &calls[0]), ""),
        404,
        "not-found",
    );
    assert_error(
        &api("PUT", &member_url(&sim, &id, &calls[0]), "{}"),
        404,
        "not-found",
    );
    // Its calls may join a new conference of the same name.
    assert!(sim
        .create_conference(ACCOUNT, "standup", &[&calls[0]])
        .is_ok());
}
