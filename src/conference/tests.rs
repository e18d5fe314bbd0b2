use super::*;
use crate::error::Status;

fn field_of(result: Result<(), Error>) -> &'static str {
    let err = result.unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    err.field.unwrap()
}

#[test]
fn end_is_exactly_status_completed() {
    let req = UpdateConferenceRequest::end();
    req.validate().unwrap();
    assert!(req.is_end());
    assert_eq!(req.to_json(), r#"{"status":"completed"}"#);
    assert!(!UpdateConferenceRequest::redirect("/x").is_end());
}

#[test]
fn every_field_serializes_under_its_spec_name() {
    let req = UpdateConferenceRequest {
        status: Some(ConferenceStatus::Active),
        redirect_url: Some("https://a.example/r".into()),
        redirect_method: Some(RedirectMethod::Get),
        username: Some("u".into()),
        password: Some("p\"w".into()),
        redirect_fallback_url: Some("https://b.example/f".into()),
        redirect_fallback_method: Some(RedirectMethod::Post),
        fallback_username: Some("fu".into()),
        fallback_password: Some("fp".into()),
    };
    req.validate().unwrap();
    assert_eq!(
        req.to_json(),
        concat!(
            r#"{"status":"active","redirectUrl":"https://a.example/r","redirectMethod":"GET","#,
            r#""username":"u","password":"p\"w","redirectFallbackUrl":"https://b.example/f","#,
            r#""redirectFallbackMethod":"POST","fallbackUsername":"fu","fallbackPassword":"fp"}"#
        )
    );
    assert_eq!(req.secrets(), ["p\"w", "fp"]);
    assert!(UpdateConferenceRequest::end().secrets().is_empty());
}

#[test]
fn minimal_redirect_sends_only_the_url() {
    let req = UpdateConferenceRequest::redirect("/conf/next");
    req.validate().unwrap();
    assert_eq!(req.to_json(), r#"{"redirectUrl":"/conf/next"}"#);
}

#[test]
fn conference_rules() {
    let end = UpdateConferenceRequest::end;
    let long = || Some("x".repeat(MAX_CREDENTIAL_CHARS + 1));
    let cases: Vec<(&str, UpdateConferenceRequest)> = vec![
        ("redirect_url", UpdateConferenceRequest::default()),
        (
            "redirect_url",
            UpdateConferenceRequest {
                status: Some(ConferenceStatus::Active),
                ..Default::default()
            },
        ),
        (
            "redirect_url",
            UpdateConferenceRequest {
                redirect_url: Some("https://a.example".into()),
                ..end()
            },
        ),
        (
            "redirect_method",
            UpdateConferenceRequest {
                redirect_method: Some(RedirectMethod::Post),
                ..end()
            },
        ),
        (
            "redirect_fallback_url",
            UpdateConferenceRequest {
                redirect_fallback_url: Some("https://b.example".into()),
                ..end()
            },
        ),
        (
            "redirect_fallback_method",
            UpdateConferenceRequest {
                redirect_fallback_method: Some(RedirectMethod::Get),
                ..end()
            },
        ),
        ("redirect_url", UpdateConferenceRequest::redirect("")),
        (
            "redirect_url",
            UpdateConferenceRequest::redirect("ftp://a.example"),
        ),
        (
            "redirect_url",
            UpdateConferenceRequest::redirect("https://a.example/x y"),
        ),
        (
            "redirect_fallback_url",
            UpdateConferenceRequest {
                redirect_fallback_url: Some("javascript:alert(1)".into()),
                ..UpdateConferenceRequest::redirect("/ok")
            },
        ),
        (
            "username",
            UpdateConferenceRequest {
                username: long(),
                ..end()
            },
        ),
        (
            "password",
            UpdateConferenceRequest {
                password: long(),
                ..end()
            },
        ),
        (
            "fallback_username",
            UpdateConferenceRequest {
                fallback_username: long(),
                ..UpdateConferenceRequest::redirect("/ok")
            },
        ),
        (
            "fallback_password",
            UpdateConferenceRequest {
                fallback_password: long(),
                ..UpdateConferenceRequest::redirect("/ok")
            },
        ),
    ];
    for (field, req) in cases {
        assert_eq!(field_of(req.validate()), field, "{req:?}");
    }
    // Credentials are allowed with an end (Bandwidth's own example sends
    // them), and a credential of 1024 characters is not too long.
    UpdateConferenceRequest {
        username: Some("u".into()),
        password: Some("ü".repeat(MAX_CREDENTIAL_CHARS)),
        ..end()
    }
    .validate()
    .unwrap();
}

#[test]
fn messages_name_status_and_never_a_password() {
    let err = UpdateConferenceRequest {
        redirect_url: Some("/x".into()),
        ..UpdateConferenceRequest::end()
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        err.message,
        "redirect_url is not allowed when status is completed"
    );
    let secret = "s3cret".repeat(200);
    let err = UpdateConferenceRequest {
        password: Some(secret.clone()),
        ..UpdateConferenceRequest::redirect("/x")
    }
    .validate()
    .unwrap_err();
    assert!(!err.message.contains("s3cret"), "{}", err.message);
}

#[test]
fn debug_hides_webhook_passwords() {
    let req = UpdateConferenceRequest {
        username: Some("hook-user".into()),
        password: Some("hook-pw-1".into()),
        fallback_password: Some("hook-pw-2".into()),
        ..UpdateConferenceRequest::redirect("/next")
    };
    let shown = format!("{req:?}");
    assert!(shown.contains("hook-user") && shown.contains("<redacted>"));
    assert!(!shown.contains("hook-pw"), "{shown}");
}

#[test]
fn member_bodies() {
    let ids = |ids: &[&str]| Some(ids.iter().map(|s| s.to_string()).collect());
    for (req, json) in [
        (
            UpdateConferenceMemberRequest {
                mute: Some(true),
                ..Default::default()
            },
            r#"{"mute":true}"#,
        ),
        (
            UpdateConferenceMemberRequest {
                hold: Some(false),
                ..Default::default()
            },
            r#"{"hold":false}"#,
        ),
        (
            UpdateConferenceMemberRequest {
                call_ids_to_coach: Some(Vec::new()),
                ..Default::default()
            },
            r#"{"callIdsToCoach":[]}"#,
        ),
        (
            UpdateConferenceMemberRequest {
                mute: Some(false),
                hold: Some(true),
                call_ids_to_coach: ids(&["c-1", "c-2\"x"]),
            },
            r#"{"mute":false,"hold":true,"callIdsToCoach":["c-1","c-2\"x"]}"#,
        ),
    ] {
        req.validate().unwrap();
        assert_eq!(req.to_json(), json);
    }
}

#[test]
fn member_rules() {
    let coach = |ids: Vec<String>| UpdateConferenceMemberRequest {
        call_ids_to_coach: Some(ids),
        ..Default::default()
    };
    let err = UpdateConferenceMemberRequest::default()
        .validate()
        .unwrap_err();
    assert_eq!(err.field, Some("req"));
    assert!(err.message.contains("nothing to change"), "{}", err.message);

    let full = vec!["c-x".to_string(); MAX_COACHED_CALLS];
    coach(full.clone()).validate().unwrap();
    let mut over = full;
    over.push("c-y".into());
    for (ids, why) in [
        (over, "has 21 call ids"),
        (
            vec!["c-1".into(), String::new()],
            "call_ids_to_coach[1] is empty",
        ),
        (
            vec!["c-1\r\nX: y".into()],
            "call_ids_to_coach[0] contains control characters",
        ),
    ] {
        let err = coach(ids).validate().unwrap_err();
        assert_eq!(err.field, Some("call_ids_to_coach"));
        assert!(err.message.contains(why), "{}", err.message);
    }
}

/// A `conference` with the spec's example values and one member of the
/// spec's `conferenceMember` example.
const CONFERENCE: &str = r#"{
    "id": "conf-fe23a767-a75a5b77-20c5-4cca-b581-cbbf0776eca9",
    "name": "my-conference-name",
    "createdTime": "2022-06-17T22:19:40.375Z",
    "completedTime": null,
    "conferenceEventUrl": "https://myServer.example/bandwidth/webhooks/conferenceEvent",
    "conferenceEventMethod": "POST",
    "tag": "my custom tag",
    "activeMembers": [{
        "callId": "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
        "conferenceId": "conf-fe23a767-a75a5b77-20c5-4cca-b581-cbbf0776eca9",
        "memberUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/conferences/conf-fe23a767-a75a5b77-20c5-4cca-b581-cbbf0776eca9/members/c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
        "mute": false,
        "hold": true,
        "callIdsToCoach": ["c-25ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"]
    }]
}"#;

#[test]
fn the_spec_shaped_conference() {
    let conf = Conference::parse(CONFERENCE.as_bytes()).unwrap();
    assert_eq!(
        conf.id.as_deref(),
        Some("conf-fe23a767-a75a5b77-20c5-4cca-b581-cbbf0776eca9")
    );
    assert_eq!(conf.name.as_deref(), Some("my-conference-name"));
    let created = conf.created_time.unwrap();
    assert_eq!(created.text, "2022-06-17T22:19:40.375Z");
    assert_eq!(created.unix_ms, 1_655_504_380_375);
    assert_eq!(conf.completed_time, None);
    assert_eq!(conf.conference_event_method.as_deref(), Some("POST"));
    assert_eq!(conf.tag.as_deref(), Some("my custom tag"));
    let members = conf.active_members.unwrap();
    assert_eq!(members.len(), 1);
    let member = &members[0];
    assert_eq!(
        member.call_id.as_deref(),
        Some("c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85")
    );
    assert!(member
        .member_url
        .as_ref()
        .unwrap()
        .ends_with("/members/c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"));
    assert_eq!((member.mute, member.hold), (Some(false), Some(true)));
    assert_eq!(
        member.call_ids_to_coach.as_deref(),
        Some(&["c-25ac29a2-1331029c-2cb0-4a07-b215-b22865662d85".to_string()][..])
    );
}

#[test]
fn empty_null_and_unknown_values() {
    assert_eq!(Conference::parse(b"{}").unwrap(), Conference::default());
    let nulls = br#"{"completedTime":null,"conferenceEventUrl":null,"tag":null,"activeMembers":null,"newField":{"x":[1]}}"#;
    assert_eq!(Conference::parse(nulls).unwrap(), Conference::default());
    let none = Conference::parse(br#"{"activeMembers":[]}"#).unwrap();
    assert_eq!(none.active_members, Some(Vec::new()));
    let member =
        ConferenceMember::parse(br#" {"callIdsToCoach":null,"mute":true,"extra":1} "#).unwrap();
    assert_eq!(
        member,
        ConferenceMember {
            mute: Some(true),
            ..Default::default()
        }
    );
}

#[test]
fn malformed_conferences_are_protocol_errors() {
    for (body, why) in [
        ("", "EOF"),
        ("<html>", "expected value"),
        ("[]", "expected a JSON object"),
        (r#"[{"id":"c"}]"#, "expected a JSON object"),
        (r#"["conf-1","name"]"#, "expected a JSON object"),
        (r#"{"id":5}"#, "invalid type"),
        (r#"{"id":"a","id":"b"}"#, "duplicate field `id`"),
        (r#"{"id":"a"} x"#, "trailing characters"),
        (
            r#"{"createdTime":"yesterday"}"#,
            "createdTime is not an RFC 3339 date-time",
        ),
        (
            r#"{"completedTime":"2022-06-17 22:20:00"}"#,
            "completedTime is not an RFC 3339 date-time",
        ),
        (r#"{"activeMembers":{}}"#, "invalid type: map"),
        (r#"{"activeMembers":[["c-1"]]}"#, "expected a JSON object"),
        (r#"{"activeMembers":[null]}"#, "expected a JSON object"),
        (r#"{"activeMembers":[{"mute":"no"}]}"#, "invalid type"),
        (
            r#"{"activeMembers":[{"hold":true,"hold":false}]}"#,
            "duplicate field `hold`",
        ),
        (
            r#"{"activeMembers":[{"callIdsToCoach":"c-1"}]}"#,
            "invalid type",
        ),
    ] {
        let err = Conference::parse(body.as_bytes()).unwrap_err();
        assert_eq!(err.status, Status::Protocol, "{body}");
        assert!(
            err.message.starts_with("malformed conference: ") && err.message.contains(why),
            "{body}: {}",
            err.message
        );
    }
}

#[test]
fn malformed_members_are_protocol_errors() {
    for (body, why) in [
        ("[]", "expected a JSON object"),
        (r#"{"callId":["c"]}"#, "invalid type"),
        (r#"{"mute":1}"#, "invalid type"),
        (r#"{"callIdsToCoach":[1]}"#, "invalid type"),
        (r#"{"callId":"a","callId":"a"}"#, "duplicate field `callId`"),
    ] {
        let err = ConferenceMember::parse(body.as_bytes()).unwrap_err();
        assert_eq!(err.status, Status::Protocol, "{body}");
        assert!(
            err.message.starts_with("malformed conference member: ") && err.message.contains(why),
            "{body}: {}",
            err.message
        );
    }
}
