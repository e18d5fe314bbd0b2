use super::*;
use crate::error::Status;

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.WyJoaSJd.-znkjYyCkgz4djmHUPSXl9YrJ6Nix_XvmlwKGFh5ERM";

fn minimal() -> CreateCallRequest {
    CreateCallRequest::new(
        "+19195551234",
        "+15555551212",
        "1234-qwer-5679-tyui",
        "https://app.example/answer",
    )
}

fn async_detection() -> MachineDetection {
    MachineDetection {
        callback_url: Some("https://app.example/amd".into()),
        ..MachineDetection::default()
    }
}

fn field_of(req: &CreateCallRequest) -> &'static str {
    let err = req.validate().unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(
        err.message.starts_with(err.field.unwrap()),
        "{}",
        err.message
    );
    err.field.unwrap()
}

#[test]
fn minimal_request_sends_the_four_required_fields() {
    let req = minimal();
    req.validate().unwrap();
    assert_eq!(
        req.to_json(),
        concat!(
            r#"{"to":"+19195551234","from":"+15555551212","applicationId":"1234-qwer-5679-tyui","#,
            r#""answerUrl":"https://app.example/answer"}"#
        )
    );
}

#[test]
fn every_field_serializes_under_its_spec_name() {
    let req = CreateCallRequest {
        to: "sip:user@server.example".into(),
        privacy: Some(true),
        display_name: Some("Anonymous".into()),
        uui: Some(format!(
            "{JWT};encoding=jwt,aGVsbG8gd29ybGQ;encoding=base64"
        )),
        answer_method: Some(RedirectMethod::Get),
        username: Some("u".into()),
        password: Some("p".into()),
        answer_fallback_url: Some("https://b.example/f".into()),
        answer_fallback_method: Some(RedirectMethod::Post),
        fallback_username: Some("fu".into()),
        fallback_password: Some("fp".into()),
        disconnect_url: Some("http://c.example/d".into()),
        disconnect_method: Some(RedirectMethod::Post),
        call_timeout: Some(30.5),
        callback_timeout: Some(15.0),
        machine_detection: Some(MachineDetection {
            mode: Some(MachineDetectionMode::Async),
            detection_timeout: Some(15.0),
            silence_timeout: Some(10.0),
            speech_threshold: Some(10.0),
            speech_end_threshold: Some(5.0),
            machine_speech_end_threshold: Some(5.0),
            delay_result: Some(false),
            callback_method: Some(RedirectMethod::Get),
            username: Some("mu".into()),
            password: Some("mp".into()),
            fallback_url: Some("https://m.example/f".into()),
            fallback_method: Some(RedirectMethod::Post),
            fallback_username: Some("mfu".into()),
            fallback_password: Some("mfp".into()),
            ..async_detection()
        }),
        priority: Some(1),
        tag: Some("t\"q".into()),
        ..minimal()
    };
    req.validate().unwrap();
    let expected = concat!(
        r#"{"to":"sip:user@server.example","from":"+15555551212","applicationId":"1234-qwer-5679-tyui","#,
        r#""answerUrl":"https://app.example/answer","privacy":true,"displayName":"Anonymous","#,
        r#""uui":"eyJhbGciOiJIUzI1NiJ9.WyJoaSJd.-znkjYyCkgz4djmHUPSXl9YrJ6Nix_XvmlwKGFh5ERM;encoding=jwt,"#,
        r#"aGVsbG8gd29ybGQ;encoding=base64","answerMethod":"GET","username":"u","password":"p","#,
        r#""answerFallbackUrl":"https://b.example/f","answerFallbackMethod":"POST","#,
        r#""fallbackUsername":"fu","fallbackPassword":"fp","disconnectUrl":"http://c.example/d","#,
        r#""disconnectMethod":"POST","callTimeout":30.5,"callbackTimeout":15,"#,
        r#""machineDetection":{"mode":"async","detectionTimeout":15,"silenceTimeout":10,"#,
        r#""speechThreshold":10,"speechEndThreshold":5,"machineSpeechEndThreshold":5,"#,
        r#""delayResult":false,"callbackUrl":"https://app.example/amd","callbackMethod":"GET","#,
        r#""username":"mu","password":"mp","fallbackUrl":"https://m.example/f","#,
        r#""fallbackMethod":"POST","fallbackUsername":"mfu","fallbackPassword":"mfp"},"#,
        r#""priority":1,"tag":"t\"q"}"#
    );
    assert_eq!(req.to_json(), expected);
}

/// Sets one text field of a request.
type Setter = fn(&mut CreateCallRequest, String);

#[test]
fn refused_text_values_name_their_field() {
    let long_url = format!("https://a.example/{}", "x".repeat(2048));
    #[rustfmt::skip]
    let cases: &[(&str, Setter, &[&str])] = &[
        ("to", |r, v| r.to = v, &[
            "", "19195551234", "+0123", "+1", "+1234567890123456", "+1 919", "+1919x",
            "sip:server.example", "sip:@server.example", "sip:user@", "sip:us er@host",
            "sip:user@host\r\n", "tel:+19195551234",
        ]),
        ("from", |r, v| r.from = v, &["sip:me@host", "Anonymous", ""]),
        ("application_id", |r, v| r.application_id = v, &["", "app\n1"]),
        ("answer_url", |r, v| r.answer_url = v, &[
            "", "/answer", "answer", "https:/answer", "https:///answer", "https://?x",
            "ftp://app.example/a", "javascript:alert(1)", "https://app.example/a b", &long_url,
        ]),
        ("display_name", |r, v| r.display_name = Some(v), &["Jane\nDoe", "\u{7f}"]),
        ("uui", |r, v| r.uui = Some(v), &[
            "", "aGk", "aGk;encoding=base32", "aGk;encoding=base64;purpose=x",
            "a*k;encoding=base64", "aGk=a;encoding=base64", "aGVsbA=;encoding=base64",
            "aGVsbA===;encoding=base64", "a;encoding=base64", "abc;encoding=hex",
            "0g;encoding=hex", ";encoding=hex", "a.b;encoding=jwt", "a.b.c.d;encoding=jwt",
            "a+b.c.d;encoding=jwt", ".b.c;encoding=jwt", "00;encoding=hex,",
            "00;encoding=hex, 11;encoding=hex", "00;bad;encoding=hex",
            "00;purpose=;encoding=hex", "00;encoding=hex;encoding=hex",
        ]),
        ("answer_fallback_url", |r, v| r.answer_fallback_url = Some(v), &["fallback", "sip:a@b"]),
        ("disconnect_url", |r, v| r.disconnect_url = Some(v), &["mailto:x@y", "/hangup", &long_url]),
    ];
    for (field, set, values) in cases {
        for value in *values {
            let mut req = minimal();
            set(&mut req, value.to_string());
            assert_eq!(field_of(&req), *field, "{value:?}");
        }
    }
}

/// One change to a valid request, and the field its error must name.
type Case = (fn(&mut CreateCallRequest), &'static str);

/// Sets a user name and a password; "" leaves one unset.
fn pair(user: &mut Option<String>, password: &mut Option<String>, values: (&str, &str)) {
    let set = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
    (*user, *password) = (set(values.0), set(values.1));
}

#[test]
fn every_other_rule_names_its_field() {
    fn md(req: &mut CreateCallRequest) -> &mut MachineDetection {
        req.machine_detection.get_or_insert_with(async_detection)
    }
    fn sync(req: &mut CreateCallRequest) -> &mut MachineDetection {
        req.machine_detection.insert(MachineDetection {
            mode: Some(MachineDetectionMode::Sync),
            ..MachineDetection::default()
        })
    }
    fn webhook(req: &mut CreateCallRequest, values: (&str, &str)) {
        pair(&mut req.username, &mut req.password, values);
    }
    fn fallback(req: &mut CreateCallRequest, values: (&str, &str)) {
        pair(
            &mut req.fallback_username,
            &mut req.fallback_password,
            values,
        );
    }
    #[rustfmt::skip]
    let cases: &[Case] = &[
        (|r| r.display_name = Some("a".repeat(257)), "display_name"),
        (|r| (r.privacy, r.display_name) = (Some(true), Some("John Doe".into())), "display_name"),
        (|r| (r.privacy, r.display_name) = (Some(true), Some("anonymous".into())), "display_name"),
        (|r| r.uui = Some(format!("{};encoding=hex", "00".repeat(169))), "uui"),
        (|r| { r.answer_url = "http://app.example/a".into(); webhook(r, ("u", "p")) }, "answer_url"),
        (|r| { r.answer_url = "http://app.example/a".into(); webhook(r, ("", "p")) }, "answer_url"),
        (|r| webhook(r, ("", "p")), "username"),
        (|r| webhook(r, ("u", "")), "password"),
        (|r| r.username = Some("x".repeat(1025)), "username"),
        (|r| webhook(r, ("u", &"x".repeat(1025))), "password"),
        (|r| { r.answer_fallback_url = Some("http://b.example".into()); fallback(r, ("u", "p")) }, "answer_fallback_url"),
        (|r| fallback(r, ("", "p")), "fallback_username"),
        (|r| fallback(r, ("u", "")), "fallback_password"),
        (|r| fallback(r, ("u", &"x".repeat(1025))), "fallback_password"),
        (|r| r.call_timeout = Some(0.5), "call_timeout"),
        (|r| r.call_timeout = Some(300.5), "call_timeout"),
        (|r| r.call_timeout = Some(f64::NAN), "call_timeout"),
        (|r| r.call_timeout = Some(f64::INFINITY), "call_timeout"),
        (|r| r.callback_timeout = Some(25.01), "callback_timeout"),
        (|r| r.callback_timeout = Some(-1.0), "callback_timeout"),
        (|r| r.callback_timeout = Some(f64::NEG_INFINITY), "callback_timeout"),
        (|r| md(r).detection_timeout = Some(15.5), "machine_detection.detection_timeout"),
        (|r| md(r).silence_timeout = Some(0.0), "machine_detection.silence_timeout"),
        (|r| md(r).speech_threshold = Some(f64::NAN), "machine_detection.speech_threshold"),
        (|r| md(r).speech_end_threshold = Some(-5.0), "machine_detection.speech_end_threshold"),
        (|r| md(r).machine_speech_end_threshold = Some(f64::INFINITY), "machine_detection.machine_speech_end_threshold"),
        (|r| md(r).callback_url = None, "machine_detection.callback_url"),
        (|r| { md(r).mode = Some(MachineDetectionMode::Async); md(r).callback_url = None }, "machine_detection.callback_url"),
        (|r| md(r).callback_url = Some("/amd".into()), "machine_detection.callback_url"),
        (|r| md(r).password = Some("p".into()), "machine_detection.username"),
        (|r| md(r).username = Some("u".into()), "machine_detection.password"),
        (|r| md(r).fallback_url = Some("ftp://m.example".into()), "machine_detection.fallback_url"),
        (|r| md(r).fallback_password = Some("p".into()), "machine_detection.fallback_username"),
        (|r| md(r).fallback_username = Some("x".repeat(1025)), "machine_detection.fallback_username"),
        (|r| sync(r).callback_url = Some("https://a.example".into()), "machine_detection.callback_url"),
        (|r| sync(r).callback_method = Some(RedirectMethod::Post), "machine_detection.callback_method"),
        (|r| sync(r).username = Some("u".into()), "machine_detection.username"),
        (|r| sync(r).password = Some("p".into()), "machine_detection.password"),
        (|r| sync(r).fallback_url = Some("https://a.example".into()), "machine_detection.fallback_url"),
        (|r| sync(r).fallback_method = Some(RedirectMethod::Get), "machine_detection.fallback_method"),
        (|r| sync(r).fallback_username = Some("u".into()), "machine_detection.fallback_username"),
        (|r| sync(r).fallback_password = Some("p".into()), "machine_detection.fallback_password"),
        (|r| sync(r).silence_timeout = Some(2.5), "machine_detection.silence_timeout"),
        (|r| r.priority = Some(0), "priority"),
        (|r| r.priority = Some(6), "priority"),
        (|r| r.tag = Some("t".repeat(4097)), "tag"),
    ];
    for (index, (change, field)) in cases.iter().enumerate() {
        let mut req = minimal();
        change(&mut req);
        assert_eq!(field_of(&req), *field, "case {index}: {req:?}");
    }
}

#[test]
fn the_first_failure_in_field_order_is_reported() {
    let req = CreateCallRequest {
        tag: Some("t".repeat(4097)),
        priority: Some(9),
        call_timeout: Some(0.0),
        ..CreateCallRequest::new("", "", "", "")
    };
    assert_eq!(field_of(&req), "to");
    let req = CreateCallRequest {
        to: "+12".into(),
        ..req
    };
    assert_eq!(field_of(&req), "from");
}

#[test]
fn values_on_and_inside_the_limits_pass() {
    let accepted: &[fn(&mut CreateCallRequest)] = &[
        |r| r.call_timeout = Some(300.0),
        |r| r.call_timeout = Some(1.0),
        |r| r.call_timeout = Some(1.5),
        |r| r.callback_timeout = Some(25.0),
        |r| r.callback_timeout = Some(1.0),
        |r| r.priority = Some(1),
        |r| r.priority = Some(5),
        |r| r.to = "+12".into(),
        |r| r.to = "+123456789012345".into(),
        |r| r.to = "SIPS:alice@host.example:5061;transport=tls".into(),
        |r| r.display_name = Some("é".repeat(256)),
        |r| r.display_name = Some(String::new()),
        |r| {
            r.privacy = Some(true);
            r.display_name = Some("Unavailable".into())
        },
        |r| {
            r.privacy = Some(false);
            r.display_name = Some("John Doe".into())
        },
        |r| r.uui = Some(format!("{JWT};encoding=JWT")),
        |r| r.uui = Some("eyJhIjoxfQ.e30.;encoding=jwt".into()),
        |r| r.uui = Some("aGVsbG8=;purpose=isdn-uui;content=isdn-uui;encoding=base64".into()),
        |r| r.uui = Some("AbCd09;ENCODING=hex,aGk;encoding=base64".into()),
        |r| {
            r.answer_url = "HTTPS://app.example".into();
            r.username = Some("u".into());
            r.password = Some(String::new())
        },
        // The fallback credentials only constrain the fallback URL.
        |r| {
            r.answer_url = "http://app.example/a".into();
            r.fallback_username = Some("u".into());
            r.fallback_password = Some("p".into())
        },
        |r| r.answer_url = format!("https://a.example/{}", "x".repeat(2048 - 18)),
        |r| r.tag = Some("é".repeat(4096)),
        |r| r.tag = Some(String::new()),
        |r| {
            r.machine_detection = Some(MachineDetection {
                mode: Some(MachineDetectionMode::Sync),
                detection_timeout: Some(1.0),
                delay_result: Some(true),
                ..MachineDetection::default()
            })
        },
        // Bandwidth documents no https rule for machine detection credentials.
        |r| {
            r.machine_detection = Some(MachineDetection {
                username: Some("u".into()),
                password: Some("p".into()),
                ..async_detection()
            })
        },
    ];
    for (index, change) in accepted.iter().enumerate() {
        let mut req = minimal();
        change(&mut req);
        assert_eq!(
            req.validate().map_err(|e| e.message),
            Ok(()),
            "case {index}"
        );
    }
}

#[test]
fn boundaries_by_one() {
    let with = |change: &dyn Fn(&mut CreateCallRequest)| {
        let mut req = minimal();
        change(&mut req);
        req.validate().map_err(|e| e.field.unwrap())
    };
    assert_eq!(with(&|r| r.call_timeout = Some(300.0)), Ok(()));
    assert_eq!(with(&|r| r.call_timeout = Some(300.5)), Err("call_timeout"));
    assert_eq!(with(&|r| r.call_timeout = Some(1.0)), Ok(()));
    assert_eq!(with(&|r| r.call_timeout = Some(0.5)), Err("call_timeout"));
    assert_eq!(with(&|r| r.display_name = Some("d".repeat(256))), Ok(()));
    assert_eq!(
        with(&|r| r.display_name = Some("d".repeat(257))),
        Err("display_name")
    );
    // 334 base64 characters (a valid length) + ";encoding=base64" = 350.
    let uui = |data: usize| format!("{};encoding=base64", "A".repeat(data));
    assert_eq!(uui(334).len(), 350);
    assert_eq!(with(&|r| r.uui = Some(uui(334))), Ok(()));
    assert_eq!(with(&|r| r.uui = Some(uui(335))), Err("uui"));
    let err = minimal_with_uui(uui(335)).validate().unwrap_err();
    assert!(err.message.contains("350"), "{}", err.message);
}

fn minimal_with_uui(uui: String) -> CreateCallRequest {
    CreateCallRequest {
        uui: Some(uui),
        ..minimal()
    }
}

#[test]
fn secrets_are_every_password_set() {
    assert!(minimal().secrets().is_empty());
    let req = CreateCallRequest {
        username: Some("user-1".into()),
        password: Some("pw-1".into()),
        fallback_username: Some("user-2".into()),
        fallback_password: Some("pw-2".into()),
        machine_detection: Some(MachineDetection {
            username: Some("user-3".into()),
            password: Some("pw-3".into()),
            fallback_username: Some("user-4".into()),
            fallback_password: Some("pw-4".into()),
            ..async_detection()
        }),
        ..minimal()
    };
    assert_eq!(req.secrets(), ["pw-1", "pw-2", "pw-3", "pw-4"]);
    let only_detection = CreateCallRequest {
        machine_detection: Some(MachineDetection {
            password: Some("pw-3".into()),
            fallback_password: Some(String::new()),
            ..async_detection()
        }),
        ..minimal()
    };
    assert_eq!(only_detection.secrets(), ["pw-3"]);
}

#[test]
fn passwords_stay_out_of_debug_and_errors() {
    let req = CreateCallRequest {
        answer_url: "http://app.example/a".into(),
        username: Some("hook-user".into()),
        password: Some("hook-pw-1".into()),
        fallback_password: Some("hook-pw-2".into()),
        machine_detection: Some(MachineDetection {
            password: Some("hook-pw-3".into()),
            fallback_password: Some("hook-pw-4".into()),
            ..async_detection()
        }),
        ..minimal()
    };
    let shown = format!("{req:?}");
    assert!(
        shown.contains("hook-user") && shown.contains("<redacted>"),
        "{shown}"
    );
    assert!(!shown.contains("hook-pw"), "{shown}");
    let err = req.validate().unwrap_err();
    assert_eq!(err.field, Some("answer_url"));
    assert!(!err.message.contains("hook-pw"), "{}", err.message);
    let long = CreateCallRequest {
        username: Some("u".into()),
        password: Some("secret-".repeat(200)),
        ..minimal()
    };
    assert!(!long.validate().unwrap_err().message.contains("secret-"));
}
