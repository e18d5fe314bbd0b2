//! The conference operations against the simulator: each on the wire (ids
//! encoded, bodies byte for byte), a conference through its life (members
//! muted, held and coaching, its BXML replaced, redirected, ended), and the
//! 404s of unknown, foreign and ended conferences.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::{
    Conference, ConferenceMember, ConferenceStatus, RedirectMethod, UpdateConferenceMemberRequest,
    UpdateConferenceRequest,
};
use common::ops::{room, Op, Room, CONF_DOC};
use common::*;
use serde_json::{json, Value};
use std::time::Duration;

const JSON_TYPE: &str = "application/json; charset=utf-8";
const XML_TYPE: &str = "application/xml; charset=utf-8";
const CONF_PASSWORD: &str = "conf-pw-Zx1";
/// base64("conf-user:conf-pw-Zx1"), the redirect's Basic credential.
const CONF_CREDENTIAL: &str = "Y29uZi11c2VyOmNvbmYtcHctWngx";
const WAIT: Duration = Duration::from_secs(10);

/// A member's `(mute, hold, call_ids_to_coach)`.
type MemberState = (bool, bool, Option<Vec<String>>);

fn get(client: &Client, room: &Room) -> Conference {
    client
        .get_conference(&room.account, &room.conference, &CallOptions::default())
        .unwrap()
}

fn member(client: &Client, room: &Room, member: &str) -> ConferenceMember {
    client
        .get_conference_member(
            &room.account,
            &room.conference,
            member,
            &CallOptions::default(),
        )
        .unwrap()
}

fn update_member(
    client: &Client,
    room: &Room,
    member: &str,
    update: &UpdateConferenceMemberRequest,
) -> Result<(), Error> {
    client.update_conference_member(
        &room.account,
        &room.conference,
        member,
        update,
        &CallOptions::default(),
    )
}

fn update(client: &Client, room: &Room, request: &UpdateConferenceRequest) -> Result<(), Error> {
    client.update_conference(
        &room.account,
        &room.conference,
        request,
        &CallOptions::default(),
    )
}

/// The member as the simulator shows it in its view of the conference.
fn sim_member(sim: &Simulator, room: &Room, id: &str) -> Value {
    let view = sim.conference(&room.conference).unwrap();
    view["activeMembers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["callId"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn each_operation_on_the_wire() {
    let sim = sim();
    let account = "99/00 #\u{e9}";
    let members = ["c/1?x#y%25 z+\u{263A}", "c-2 \u{e9}"];
    for id in members {
        let (code, body) = sim_post(&sim, "calls", &json!({"accountId": account, "callId": id}));
        assert_eq!(code, 201, "{body}");
    }
    let conference = sim
        .create_conference(account, "room-1", &members)
        .expect("conference");
    let room = Room {
        account: account.into(),
        conference: conference.clone(),
        members: members.map(str::to_owned),
    };
    let client = client(basic(&sim));
    let opts = CallOptions::default();

    let got = get(&client, &room);
    let coach = UpdateConferenceMemberRequest {
        mute: Some(true),
        hold: Some(false),
        call_ids_to_coach: Some(vec![members[1].into()]),
    };
    update_member(&client, &room, members[0], &coach).unwrap();
    let coaching = member(&client, &room, members[0]);
    client
        .update_conference_bxml(account, &conference, CONF_DOC, &opts)
        .unwrap();
    let (redirect_url, fallback_url) = (
        format!("{}/sim/app/conf", sim.url()),
        format!("{}/sim/app/conf-fallback", sim.url()),
    );
    let redirect = UpdateConferenceRequest {
        status: Some(ConferenceStatus::Active),
        redirect_url: Some(redirect_url.clone()),
        redirect_method: Some(RedirectMethod::Get),
        username: Some("conf-user".into()),
        password: Some(CONF_PASSWORD.into()),
        redirect_fallback_url: Some(fallback_url.clone()),
        redirect_fallback_method: Some(RedirectMethod::Post),
        fallback_username: Some("conf-fallback-user".into()),
        fallback_password: Some("conf-fallback-pw".into()),
    };
    update(&client, &room, &redirect).unwrap();
    update(&client, &room, &UpdateConferenceRequest::end()).unwrap();

    let base = format!(
        "/api/v2/accounts/99%2F00%20%23%C3%A9/conferences/{}",
        encoded(&conference)
    );
    let member_path = format!("{base}/members/c%2F1%3Fx%23y%2525%20z%2B%E2%98%BA");
    let bxml_path = format!("{base}/bxml");
    let redirect_body = format!(
        concat!(
            r#"{{"status":"active","redirectUrl":"{}","redirectMethod":"GET","#,
            r#""username":"conf-user","password":"conf-pw-Zx1","redirectFallbackUrl":"{}","#,
            r#""redirectFallbackMethod":"POST","fallbackUsername":"conf-fallback-user","#,
            r#""fallbackPassword":"conf-fallback-pw"}}"#
        ),
        redirect_url, fallback_url
    );
    let requests = sim.requests();
    let seen: Vec<(&str, &str, Option<&str>, &str, u16)> = requests
        .iter()
        .map(|r| {
            let content_type = logged_header(r, "content-type");
            (
                r.method.as_str(),
                r.path.as_str(),
                content_type,
                r.body.as_str(),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", base.as_str(), None, "", 200),
            (
                "PUT",
                member_path.as_str(),
                Some(JSON_TYPE),
                r#"{"mute":true,"hold":false,"callIdsToCoach":["c-2 é"]}"#,
                204
            ),
            ("GET", member_path.as_str(), None, "", 200),
            ("PUT", bxml_path.as_str(), Some(XML_TYPE), CONF_DOC, 204),
            (
                "POST",
                base.as_str(),
                Some(JSON_TYPE),
                redirect_body.as_str(),
                204
            ),
            (
                "POST",
                base.as_str(),
                Some(JSON_TYPE),
                r#"{"status":"completed"}"#,
                204
            ),
        ]
    );
    for r in &requests {
        let length = logged_header(r, "content-length");
        let expected = (r.method != "GET").then(|| r.body.len().to_string());
        assert_eq!(length, expected.as_deref(), "{r:?}");
        assert_eq!(
            logged_header(r, "authorization"),
            Some("Basic dXNlcjpwYXNz")
        );
    }

    // What the reads returned, against the simulator's own view.
    assert_eq!(got.id.as_deref(), Some(conference.as_str()));
    assert_eq!(got.name.as_deref(), Some("room-1"));
    let members_seen = got.active_members.expect("activeMembers");
    for (seen, id) in members_seen.iter().zip(members) {
        assert_eq!(
            seen,
            &ConferenceMember {
                call_id: Some(id.into()),
                conference_id: Some(conference.clone()),
                member_url: Some(format!("{}{}/members/{}", sim.url(), base, encoded(id))),
                mute: Some(false),
                hold: Some(false),
                call_ids_to_coach: None,
            }
        );
    }
    assert_eq!(members_seen.len(), 2);
    assert_eq!(
        (coaching.mute, coaching.hold, coaching.call_ids_to_coach),
        (Some(true), Some(false), Some(vec![members[1].to_owned()]))
    );
    let view = sim.conference(&conference).unwrap();
    assert_eq!(view["bxml"], CONF_DOC);

    // The redirect's event went to its URL, by GET, with its credentials.
    let hooks = sim.wait_webhooks(1, WAIT);
    let event = &hooks[0];
    assert_eq!(
        (
            event.event_type.as_str(),
            event.url.as_str(),
            event.method.as_str()
        ),
        ("conferenceRedirect", redirect_url.as_str(), "GET")
    );
    assert_eq!(event.conference_id.as_deref(), Some(conference.as_str()));
    assert!(!event.is_fallback && event.status == 200, "{event:?}");
    let authorization = event
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .map(|(_, v)| v.as_str());
    assert_eq!(
        authorization,
        Some(format!("Basic {CONF_CREDENTIAL}").as_str())
    );
}

#[test]
fn a_conference_through_its_life() {
    let sim = sim();
    let client = client(basic(&sim));
    let room = room(&sim, ACCOUNT);
    let [a, b] = room.members.clone();
    let view = sim.conference(&room.conference).unwrap();

    let fresh = get(&client, &room);
    let created = fresh.created_time.clone().expect("createdTime");
    assert_eq!(Some(created.text.as_str()), view["createdTime"].as_str());
    assert_eq!(fresh.completed_time, None);
    assert_eq!(fresh.conference_event_method.as_deref(), Some("POST"));
    assert_eq!((fresh.conference_event_url, fresh.tag), (None, None));
    let ids: Vec<_> = fresh
        .active_members
        .unwrap()
        .into_iter()
        .map(|m| m.call_id.unwrap())
        .collect();
    assert_eq!(ids, [a.clone(), b.clone()]);

    // Each change sets what it names and leaves the rest.
    let steps: [(UpdateConferenceMemberRequest, MemberState); 5] = [
        (
            UpdateConferenceMemberRequest {
                mute: Some(true),
                ..Default::default()
            },
            (true, false, None),
        ),
        (
            UpdateConferenceMemberRequest {
                hold: Some(true),
                ..Default::default()
            },
            (true, true, None),
        ),
        (
            UpdateConferenceMemberRequest {
                call_ids_to_coach: Some(vec![b.clone()]),
                ..Default::default()
            },
            (true, true, Some(vec![b.clone()])),
        ),
        (
            UpdateConferenceMemberRequest {
                call_ids_to_coach: Some(Vec::new()),
                ..Default::default()
            },
            (true, true, Some(Vec::new())),
        ),
        (
            UpdateConferenceMemberRequest {
                mute: Some(false),
                hold: Some(false),
                call_ids_to_coach: None,
            },
            (false, false, Some(Vec::new())),
        ),
    ];
    for (step, (mute, hold, coach)) in steps {
        update_member(&client, &room, &a, &step).unwrap();
        let seen = member(&client, &room, &a);
        assert_eq!(
            (seen.mute, seen.hold, seen.call_ids_to_coach.clone()),
            (Some(mute), Some(hold), coach.clone()),
            "{step:?}"
        );
        let in_sim = sim_member(&sim, &room, &a);
        assert_eq!(
            (&in_sim["mute"], &in_sim["hold"]),
            (&json!(mute), &json!(hold))
        );
        assert_eq!(in_sim["callIdsToCoach"], json!(coach), "{step:?}");
        // The other member is untouched.
        let other = member(&client, &room, &b);
        assert_eq!((other.mute, other.hold), (Some(false), Some(false)));
    }

    // The latest document is the conference's.
    let opts = CallOptions::default();
    let second = "<Bxml><PlayAudio>https://app.example/hold.wav</PlayAudio></Bxml>";
    for doc in [CONF_DOC, second] {
        client
            .update_conference_bxml(ACCOUNT, &room.conference, doc, &opts)
            .unwrap();
        assert_eq!(sim.conference(&room.conference).unwrap()["bxml"], doc);
    }

    let redirect_url = format!("{}/sim/app/conf", sim.url());
    update(
        &client,
        &room,
        &UpdateConferenceRequest::redirect(&redirect_url),
    )
    .unwrap();
    let hook = &sim.wait_webhooks(1, WAIT)[0];
    assert_eq!(
        (hook.event_type.as_str(), hook.method.as_str()),
        ("conferenceRedirect", "POST")
    );
    let event: Value = serde_json::from_str(&hook.body).unwrap();
    assert_eq!(
        (&event["conferenceId"], &event["name"]),
        (&json!(room.conference), &json!("room"))
    );

    // Ended: completedTime set, no members, the calls go on.
    update(&client, &room, &UpdateConferenceRequest::end()).unwrap();
    let ended = get(&client, &room);
    let completed = ended.completed_time.expect("completedTime");
    let view = sim.conference(&room.conference).unwrap();
    assert_eq!(
        Some(completed.text.as_str()),
        view["completedTime"].as_str()
    );
    assert!(completed.unix_ms >= created.unix_ms);
    assert_eq!(ended.active_members, Some(Vec::new()));
    for call in [&a, &b] {
        assert_eq!(sim.call(call).unwrap()["state"], "answered");
    }
    // Once ended it is gone for changes, like a hung-up call (ending it
    // again included); a member read finds no one.
    for op in [
        Op::EndConference,
        Op::RedirectConference,
        Op::ConferenceBxml,
        Op::MuteMember,
    ] {
        let err = op.run(&client, &sim, &room).unwrap_err();
        assert_eq!(
            (err.status, err.http_status, err.attempts),
            (Status::NotFound, 404, 1),
            "{op:?}: {err}"
        );
        assert_eq!(
            err.description.as_deref(),
            Some("The conference has already ended"),
            "{op:?}"
        );
    }
    let err = Op::GetMember.run(&client, &sim, &room).unwrap_err();
    assert_eq!(err.status, Status::NotFound, "{err}");
    assert_eq!(get(&client, &room).completed_time, Some(completed));
}

/// When the last member's call ends, so does the conference.
#[test]
fn the_last_member_hanging_up_ends_the_conference() {
    let sim = sim();
    let client = client(basic(&sim));
    let room = room(&sim, ACCOUNT);
    client.hangup_call(&room.members[0]).unwrap();
    let one_left = get(&client, &room);
    assert_eq!(one_left.completed_time, None);
    let left: Vec<_> = one_left
        .active_members
        .unwrap()
        .into_iter()
        .map(|m| m.call_id)
        .collect();
    assert_eq!(left, [Some(room.members[1].clone())]);
    client.hangup_call(&room.members[1]).unwrap();
    let ended = get(&client, &room);
    assert!(ended.completed_time.is_some(), "{ended:?}");
    assert_eq!(ended.active_members, Some(Vec::new()));
}

/// Unknown conferences and members, and another account's conference, are
/// 404 for every conference operation, never retried.
#[test]
fn unknown_or_foreign_conferences_and_members_are_not_found() {
    let sim = sim();
    let client = client(basic(&sim));
    let real = room(&sim, ACCOUNT);
    let unknown = Room {
        conference: "conf-unknown".into(),
        ..real.clone()
    };
    let foreign = Room {
        account: "9900001".into(),
        ..real.clone()
    };
    let stranger = Room {
        members: ["c-stranger".into(), real.members[1].clone()],
        ..real.clone()
    };
    let conference_ops = &Op::ALL[2..];
    let cases = conference_ops
        .iter()
        .flat_map(|op| [(op, &unknown, "conference"), (op, &foreign, "conference")])
        .chain(
            [Op::GetMember, Op::MuteMember]
                .iter()
                .map(|op| (op, &stranger, "conference member")),
        );
    for (op, room, what) in cases {
        let err = op.run(&client, &sim, room).unwrap_err();
        let case = format!("{op:?} on {room:?}: {err}");
        assert_eq!(
            (err.status, err.http_status, err.attempts, err.maybe_applied),
            (Status::NotFound, 404, 1, false),
            "{case}"
        );
        assert_eq!(err.error_type.as_deref(), Some("not-found"), "{case}");
        let description = format!("The requested {what} was not found");
        assert_eq!(
            err.description.as_deref(),
            Some(description.as_str()),
            "{case}"
        );
    }
    // The real conference is untouched.
    let conference = get(&client, &real);
    assert_eq!(conference.completed_time, None);
    assert_eq!(
        sim.conference(&real.conference).unwrap()["bxml"],
        Value::Null
    );
    assert_eq!(sim_member(&sim, &real, &real.members[0])["mute"], false);
}
