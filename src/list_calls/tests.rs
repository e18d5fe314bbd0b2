use super::*;
use crate::error::Status;

fn field_of(query: &ListCallsQuery) -> &'static str {
    let err = query.validate().expect_err(&format!("{query:?}"));
    assert_eq!(err.status, Status::InvalidArgument);
    err.field.unwrap()
}

#[test]
fn query_strings() {
    assert_eq!(ListCallsQuery::default().to_query(), "");
    ListCallsQuery::default().validate().unwrap();
    let all = ListCallsQuery {
        to: Some("+19195551234".into()),
        from: Some("sip:a b&c=d#e%f@x.example".into()),
        min_start_time: Some("2022-06-21T19:13:21Z".into()),
        max_start_time: Some("2022-06-21T19:13:21+02:00".into()),
        disconnect_cause: Some("callback-error".into()),
        page_size: Some(MAX_PAGE_SIZE),
        page_token: Some("eyJ+/=".into()),
    };
    assert_eq!(
        all.to_query(),
        concat!(
            "?to=%2B19195551234&from=sip%3Aa%20b%26c%3Dd%23e%25f%40x.example",
            "&minStartTime=2022-06-21T19%3A13%3A21Z&maxStartTime=2022-06-21T19%3A13%3A21%2B02%3A00",
            "&disconnectCause=callback-error&pageSize=10000&pageToken=eyJ%2B%2F%3D"
        )
    );
    // The +02:00 time is earlier than the Z one.
    assert_eq!(field_of(&all), "min_start_time");
    let token_only = ListCallsQuery {
        page_token: Some("t é".into()),
        ..Default::default()
    };
    token_only.validate().unwrap();
    assert_eq!(token_only.to_query(), "?pageToken=t%20%C3%A9");
}

#[test]
fn query_rules() {
    let long = |n: usize| Some("x".repeat(n + 1));
    let cases = [
        (
            "to",
            ListCallsQuery {
                to: Some(String::new()),
                ..Default::default()
            },
        ),
        (
            "to",
            ListCallsQuery {
                to: Some("+1\n".into()),
                ..Default::default()
            },
        ),
        (
            "to",
            ListCallsQuery {
                to: Some("%2b19195551234".into()),
                ..Default::default()
            },
        ),
        (
            "from",
            ListCallsQuery {
                from: Some("%2B1919".into()),
                ..Default::default()
            },
        ),
        (
            "from",
            ListCallsQuery {
                from: long(MAX_FILTER_CHARS),
                ..Default::default()
            },
        ),
        (
            "disconnect_cause",
            ListCallsQuery {
                disconnect_cause: Some("a\tb".into()),
                ..Default::default()
            },
        ),
        (
            "disconnect_cause",
            ListCallsQuery {
                disconnect_cause: long(MAX_FILTER_CHARS),
                ..Default::default()
            },
        ),
        (
            "min_start_time",
            ListCallsQuery {
                min_start_time: Some("2022-06-21".into()),
                ..Default::default()
            },
        ),
        (
            "max_start_time",
            ListCallsQuery {
                max_start_time: Some("2022-06-21 19:13:21Z".into()),
                ..Default::default()
            },
        ),
        (
            "max_start_time",
            ListCallsQuery {
                max_start_time: Some("0000-01-01T00:00:00Z".into()),
                ..Default::default()
            },
        ),
        (
            "min_start_time",
            ListCallsQuery {
                min_start_time: Some("2022-06-21T19:13:22Z".into()),
                max_start_time: Some("2022-06-21T19:13:21.999Z".into()),
                ..Default::default()
            },
        ),
        (
            "page_size",
            ListCallsQuery {
                page_size: Some(0),
                ..Default::default()
            },
        ),
        (
            "page_size",
            ListCallsQuery {
                page_size: Some(MAX_PAGE_SIZE + 1),
                ..Default::default()
            },
        ),
        (
            "page_token",
            ListCallsQuery {
                page_token: Some(String::new()),
                ..Default::default()
            },
        ),
        (
            "page_token",
            ListCallsQuery {
                page_token: Some("a\u{7f}".into()),
                ..Default::default()
            },
        ),
        (
            "page_token",
            ListCallsQuery {
                page_token: long(MAX_PAGE_TOKEN_CHARS),
                ..Default::default()
            },
        ),
    ];
    for (field, query) in cases {
        assert_eq!(field_of(&query), field, "{query:?}");
    }
    // Limits are inclusive; equal times are a valid window.
    ListCallsQuery {
        to: Some("é".repeat(MAX_FILTER_CHARS)),
        min_start_time: Some("2022-06-21T19:13:21Z".into()),
        max_start_time: Some("2022-06-21T21:13:21+02:00".into()),
        page_size: Some(1),
        page_token: Some("x".repeat(MAX_PAGE_TOKEN_CHARS)),
        ..Default::default()
    }
    .validate()
    .unwrap();
}

const CALL: &str = r#"{"accountId":"9900000","callId":"c-1","state":"answered",
    "startTime":"2022-06-16T13:15:07.160Z","lastUpdate":"2022-06-16T13:15:18.314Z"}"#;

fn page(body: &str, link: Option<&str>) -> Result<CallPage, Error> {
    CallPage::parse(body.as_bytes(), link)
}

#[test]
fn pages_of_calls() {
    let body = format!(
        "[{CALL}, {}]",
        include_str!("../../tests/data/call_state_example.json")
    );
    let read = page(&body, None).unwrap();
    assert_eq!(read.next_page_token, None);
    assert_eq!(read.calls.len(), 2);
    assert_eq!(read.calls[0].call_id.as_deref(), Some("c-1"));
    assert_eq!(
        read.calls[0].start_time.as_ref().unwrap().unix_ms,
        1_655_385_307_160
    );
    // Each element is exactly what "Get call state" would make of it.
    let example = include_str!("../../tests/data/call_state_example.json");
    assert_eq!(
        read.calls[1],
        CallState::from_reply(Some(example.as_bytes())).unwrap()
    );
    assert_eq!(page(" [ ] ", None).unwrap(), CallPage::default());
}

#[test]
fn malformed_pages_are_protocol_errors() {
    for (body, why) in [
        ("", "not a JSON array"),
        (CALL, "not a JSON array"),
        ("<html>", "not a JSON array"),
        ("[", "EOF"),
        ("[1]", "expected a JSON object"),
        ("[null]", "expected a JSON object"),
        (r#"[["c-1","9900000"]]"#, "expected a JSON object"),
        (r#"[{"state":5}]"#, "invalid type"),
        (
            r#"[{},{"callId":"a","callId":"b"}]"#,
            "duplicate field `callId`",
        ),
        (r#"[{}] {}"#, "trailing characters"),
        (
            r#"[{},{"answerTime":"yesterday"}]"#,
            "item 1: answerTime is not an RFC 3339 date-time",
        ),
    ] {
        let err = page(body, None).unwrap_err();
        assert_eq!(err.status, Status::Protocol, "{body}");
        assert!(
            err.message.starts_with("malformed call list: ") && err.message.contains(why),
            "{body}: {}",
            err.message
        );
    }
}

fn next(link: &str) -> Result<Option<String>, Error> {
    page("[]", Some(link)).map(|p| p.next_page_token)
}

#[test]
fn next_links() {
    let base = "https://voice.bandwidth.com/api/v2/accounts/9900000/calls";
    for (link, token) in [
        (format!("<{base}?pageToken=abc>; rel=\"next\""), Some("abc")),
        (
            format!("<{base}?pageSize=2&pageToken=abc>; rel=next"),
            Some("abc"),
        ),
        (
            format!("<{base}?pageToken=a%2Bb%2F%3D%3D>;REL=\"NEXT\""),
            Some("a+b/=="),
        ),
        (format!("<{base}?pageToken=a+b>; rel=\"next\""), Some("a+b")),
        (
            format!("<{base}?pageToken=p>; rel=\"prev\", <{base}?pageToken=n>; rel=\"next\""),
            Some("n"),
        ),
        (
            format!("<{base}?pageToken=n&x=1#f>; rel=\"next last\""),
            Some("n"),
        ),
        (
            format!("<{base}?pageToken=n>; title=\"a, b; rel=prev\"; Rel=\"last  next\""),
            Some("n"),
        ),
        (
            format!("<{base}?pageToken=n>; rel=next; rel=prev"),
            Some("n"),
        ),
        (format!("<{base}?page%54oken=n>; rel=next"), Some("n")),
        (
            format!("<{base}?a=1,2;3>; rel=\"prev\",<{base}?pageToken=n>;rel=next"),
            Some("n"),
        ),
        (
            "</calls?pageToken=rel>; rel=\"next\"".to_string(),
            Some("rel"),
        ),
        (format!("<{base}?pageToken=p>; rel=\"prev first\""), None),
        (format!("<{base}?pageToken=p>; rel=\"nextpage\""), None),
        (format!("<{base}?pageToken=p>; rel=prev; rel=next"), None),
        (format!("<{base}?pageToken=p>"), None),
        (String::new(), None),
        (" , ".to_string(), None),
    ] {
        assert_eq!(next(&link).unwrap().as_deref(), token, "{link}");
    }
}

#[test]
fn bad_next_links_are_protocol_errors() {
    for (link, why) in [
        (
            "<https://h/calls>; rel=\"next\"",
            "the next link has no pageToken",
        ),
        ("<https://h/calls?pagetoken=x>; rel=next", "no pageToken"),
        ("<https://h/calls#?pageToken=x>; rel=next", "no pageToken"),
        (
            "<https://h/calls?pageToken=>; rel=next",
            "pageToken is unusable: page_token is empty",
        ),
        (
            "<https://h/calls?pageToken=%0Ax>; rel=next",
            "control characters",
        ),
        ("<https://h/calls?pageToken=%FF>; rel=next", "not UTF-8"),
        (
            "https://h/calls?pageToken=x; rel=next",
            "does not start with <URI>",
        ),
        (
            "<https://h/calls?pageToken=x; rel=next",
            "does not start with <URI>",
        ),
        ("<https://h/c?pageToken=x>; rel=\"next", "not closed"),
        ("<https://h/c?pageToken=x>; =next", "no name"),
        ("<https://h/c?pageToken=x> rel=next", "neither , nor ;"),
    ] {
        let err = next(link).unwrap_err();
        assert_eq!(err.status, Status::Protocol, "{link}");
        assert!(
            err.message.starts_with("malformed Link header: ") && err.message.contains(why),
            "{link}: {}",
            err.message
        );
    }
}
