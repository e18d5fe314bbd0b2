//! listCalls against the simulator and raw loopback servers: every filter
//! on the wire, paging by `next_page_token`, the start-time filters, the
//! 32 MiB page cap, and `Link` headers the client cannot follow.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::{CallPage, CreateCallRequest, ListCallsQuery};
use bwvoice_sim::{Outbound, Route};
use common::*;
use std::time::Duration;

const TO: &str = "+15555550100";
const FROM: &str = "+15555550199";
const WAIT: Duration = Duration::from_secs(10);
/// The most of a page the client reads (`MAX_PAGE_BYTES` in
/// src/operation/calls.rs; the C header states it too).
const PAGE_CAP: usize = 32 * 1024 * 1024;

/// Places a call to `to` with createCall; returns its id.
fn place(sim: &Simulator, client: &Client, to: &str) -> String {
    let answer_url = format!("{}/sim/app/answer", sim.url());
    let request = CreateCallRequest::new(to, FROM, "app-1", answer_url);
    client
        .create_call(ACCOUNT, &request, &CallOptions::default())
        .unwrap()
        .call_id
}

fn list(client: &Client, query: &ListCallsQuery) -> Result<CallPage, Error> {
    client.list_calls(ACCOUNT, query, &CallOptions::default())
}

fn ids(page: &CallPage) -> Vec<String> {
    page.calls
        .iter()
        .map(|c| c.call_id.clone().expect("callId"))
        .collect()
}

/// The targets of the listCalls requests the simulator received.
fn list_requests(sim: &Simulator) -> Vec<String> {
    let prefix = format!("/api/v2/accounts/{ACCOUNT}/calls");
    sim.requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(&prefix))
        .map(|r| r.path)
        .collect()
}

#[test]
fn every_filter_on_the_wire() {
    let sim = sim();
    let client = client(basic(&sim));
    sim.set_outbound(Outbound::Busy);
    let busy = [place(&sim, &client, TO), place(&sim, &client, TO)];
    let elsewhere = place(&sim, &client, "+15555550111");
    for call in busy.iter().chain([&elsewhere]) {
        let view = sim.wait_call_state(call, CallState::Disconnected, WAIT);
        assert_eq!(view.unwrap()["disconnectCause"], "busy");
    }
    sim.set_outbound(Outbound::Answer);
    let answered = place(&sim, &client, TO);
    assert!(sim
        .wait_call_state(&answered, CallState::Answered, WAIT)
        .is_some());

    let query = ListCallsQuery {
        to: Some(TO.into()),
        from: Some(FROM.into()),
        min_start_time: Some("2000-01-01T00:00:00Z".into()),
        max_start_time: Some("2100-01-01T00:00:00.000+02:00".into()),
        disconnect_cause: Some("busy".into()),
        page_size: Some(1),
        page_token: None,
    };
    let first = list(&client, &query).unwrap();
    assert_eq!(ids(&first), [busy[0].clone()]);
    let token = first.next_page_token.clone().expect("a second page");
    let second = list(
        &client,
        &ListCallsQuery {
            page_token: Some(token.clone()),
            ..query.clone()
        },
    )
    .unwrap();
    assert_eq!(ids(&second), [busy[1].clone()]);
    assert_eq!(second.next_page_token, None);

    let base = format!(
        "/api/v2/accounts/{ACCOUNT}/calls?to=%2B15555550100&from=%2B15555550199\
         &minStartTime=2000-01-01T00%3A00%3A00Z&maxStartTime=2100-01-01T00%3A00%3A00.000%2B02%3A00\
         &disconnectCause=busy&pageSize=1"
    );
    assert_eq!(
        list_requests(&sim),
        [
            base.clone(),
            format!("{base}&pageToken={}", encoded(&token))
        ]
    );
    for request in sim.requests().iter().filter(|r| r.method == "GET") {
        assert_eq!(request.status, 200);
        assert_eq!(request.body, "");
        assert_eq!(logged_header(request, "content-length"), None);
        assert_eq!(logged_header(request, "content-type"), None);
        assert_eq!(logged_header(request, "accept"), Some("application/json"));
    }
}

/// 25 matching calls among others, read 10 at a time by following
/// `next_page_token`: three pages, every call once, oldest first, each
/// request with the same filters.
#[test]
fn twenty_five_calls_in_pages_of_ten() {
    let sim = sim();
    sim.set_outbound(Outbound::Ring);
    let client = client(basic(&sim));
    let mut created = Vec::new();
    for i in 0..25 {
        created.push(place(&sim, &client, TO));
        if i % 5 == 0 {
            place(&sim, &client, "+15555550111");
            sim.create_call("1111111", CallState::Answered);
        }
    }
    let query = ListCallsQuery {
        to: Some(TO.into()),
        page_size: Some(10),
        ..ListCallsQuery::default()
    };
    let mut pages = Vec::new();
    let mut tokens = Vec::new();
    let mut token = None;
    loop {
        assert!(pages.len() < 10, "more pages than calls");
        let page = list(
            &client,
            &ListCallsQuery {
                page_token: token,
                ..query.clone()
            },
        )
        .unwrap();
        assert!(page.calls.iter().all(|c| c.to.as_deref() == Some(TO)));
        pages.push(ids(&page));
        token = page.next_page_token;
        match &token {
            Some(t) => tokens.push(t.clone()),
            None => break,
        }
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(
        pages.concat(),
        created,
        "oldest first, none missed, none twice"
    );

    let sent = list_requests(&sim);
    let filters = format!("/api/v2/accounts/{ACCOUNT}/calls?to=%2B15555550100&pageSize=10");
    assert_eq!(
        sent,
        [
            filters.clone(),
            format!("{filters}&pageToken={}", encoded(&tokens[0])),
            format!("{filters}&pageToken={}", encoded(&tokens[1])),
        ],
        "each page read once, with the filters kept"
    );
}

/// Six calls with distinct start times; the filters are inclusive.
#[test]
fn start_time_filters() {
    let sim = sim();
    let client = client(basic(&sim));
    let mut calls = Vec::new();
    for _ in 0..6 {
        next_millisecond();
        calls.push(sim.create_call(ACCOUNT, CallState::Answered));
    }
    let start = |i: usize| -> String {
        sim.call(&calls[i]).unwrap()["startTime"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let times: Vec<String> = (0..6).map(start).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    let between = |min: Option<&str>, max: Option<&str>| {
        let query = ListCallsQuery {
            min_start_time: min.map(str::to_owned),
            max_start_time: max.map(str::to_owned),
            ..ListCallsQuery::default()
        };
        let page = list(&client, &query).unwrap();
        assert_eq!(page.next_page_token, None);
        ids(&page)
    };
    assert_eq!(between(Some(&times[1]), Some(&times[4])), calls[1..=4]);
    assert_eq!(between(Some(&times[2]), None), calls[2..]);
    assert_eq!(between(None, Some(&times[3])), calls[..=3]);
    assert_eq!(between(Some(&times[5]), Some(&times[5])), calls[5..]);
    assert!(between(Some("2100-01-01T00:00:00Z"), None).is_empty());
    assert!(between(None, Some("2000-01-01T00:00:00Z")).is_empty());

    // A range the wrong way round is refused without a request.
    let before = sim.requests().len();
    let err = list(
        &client,
        &ListCallsQuery {
            min_start_time: Some(times[4].clone()),
            max_start_time: Some(times[1].clone()),
            ..ListCallsQuery::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        (err.status, err.field, err.attempts),
        (Status::InvalidArgument, Some("min_start_time"), 0)
    );
    assert_eq!(sim.requests().len(), before);
}

/// A page token the server never issued is its 400, not retried.
#[test]
fn a_page_token_the_server_did_not_issue_is_a_bad_request() {
    let sim = sim();
    let client = client(basic(&sim));
    for _ in 0..3 {
        sim.create_call("1111111", CallState::Answered);
    }
    let other = client
        .list_calls(
            "1111111",
            &ListCallsQuery {
                page_size: Some(1),
                ..ListCallsQuery::default()
            },
            &CallOptions::default(),
        )
        .unwrap();
    let foreign = other.next_page_token.expect("a next page");
    for token in ["forged-token", foreign.as_str()] {
        let query = ListCallsQuery {
            page_token: Some(token.into()),
            ..ListCallsQuery::default()
        };
        let err = list(&client, &query).unwrap_err();
        assert_eq!(
            (err.status, err.http_status, err.attempts, err.maybe_applied),
            (Status::BadRequest, 400, 1, false),
            "{token}: {err}"
        );
        assert_eq!(err.description.as_deref(), Some("Invalid pageToken"));
    }
}

/// An HTTP answer with this head (CRLFs added) and body.
fn http(head: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = head.replace('\n', "\r\n").into_bytes();
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON array of one call state padded to exactly `len` bytes.
fn page_of(len: usize) -> Vec<u8> {
    let (open, close) = (br#"[{"callId":"c-big","x":""#, br#""}]"#);
    let mut body = open.to_vec();
    body.resize(len - close.len(), b'a');
    body.extend_from_slice(close);
    body
}

/// A page of exactly the cap is read; one byte more is a protocol error,
/// with or without a Content-Length, and the client carries on.
#[test]
fn a_page_over_32_mib_is_a_protocol_error() {
    let small = http(
        "HTTP/1.1 200 OK\nContent-Length: 22\n",
        br#"[{"callId":"c-small"}]"#,
    );
    let exact = page_of(PAGE_CAP);
    let over = page_of(PAGE_CAP + 1);
    let server = HostileServer::start([
        Behaviour::Write(http(
            &format!("HTTP/1.1 200 OK\nContent-Length: {}\n", exact.len()),
            &exact,
        )),
        Behaviour::Write(http(
            &format!("HTTP/1.1 200 OK\nContent-Length: {}\n", over.len()),
            &over,
        )),
        Behaviour::Write(small.clone()),
        Behaviour::WriteThenClose(http("HTTP/1.1 200 OK\nConnection: close\n", &over)),
        Behaviour::Write(small),
    ]);
    let client = client(ClientConfig {
        timeout: Some(Duration::from_secs(60)),
        ..basic_at(format!("{}/api/v2", server.url))
    });
    let query = ListCallsQuery::default();
    let page = list(&client, &query).expect("a page of exactly the cap");
    assert_eq!(ids(&page), ["c-big"]);
    for case in ["with a Content-Length", "delimited by the close"] {
        let err = list(&client, &query).unwrap_err();
        assert_eq!(
            (err.status, err.http_status, err.attempts),
            (Status::Protocol, 200, 1),
            "{case}: {err}"
        );
        assert_eq!(
            err.message,
            "malformed listCalls answer: the body could not be read whole \
             (cut short, or over 32 MiB); ask for a smaller page_size",
            "{case}"
        );
        let page = list(&client, &query).expect("the client goes on");
        assert_eq!(ids(&page), ["c-small"], "{case}");
    }
    assert_eq!(server.requests(), 5, "nothing was repeated");
}

/// A `Link` whose next link carries no page token cannot be followed:
/// returning the page as the last would silently drop the rest.
#[test]
fn a_next_link_without_a_page_token_is_a_protocol_error() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    let client = client(basic(&sim));
    let calls_url = format!("{}/accounts/{ACCOUNT}/calls", sim.api_url());
    let link_fault = |link: String| Fault {
        route: Some(Route::Calls),
        method: Some("GET".into()),
        status: Some(200),
        body: Some(format!(r#"[{{"callId":"{call}"}}]"#)),
        headers: vec![("Link".into(), link)],
        ..Fault::default()
    };
    sim.add_fault(link_fault(format!(
        r#"<{calls_url}?pageSize=10>; rel="next""#
    )));
    let err = list(&client, &ListCallsQuery::default()).unwrap_err();
    assert_eq!(
        (err.status, err.http_status, err.attempts),
        (Status::Protocol, 200, 1),
        "{err}"
    );
    assert_eq!(
        err.message,
        "malformed Link header: the next link has no pageToken"
    );
    assert_eq!(list_requests(&sim).len(), 1, "not repeated");

    // Only a next link counts: a previous one, or none, ends the listing.
    for link in [
        format!(r#"<{calls_url}?pageToken=p1>; rel="prev""#),
        format!(
            r#"<{calls_url}?pageToken=p1>; rel="prev", <{calls_url}?pageSize=2&pageToken=n%2B2>; rel="next""#
        ),
    ] {
        sim.add_fault(link_fault(link.clone()));
        let page = list(&client, &ListCallsQuery::default()).unwrap();
        assert_eq!(ids(&page), std::slice::from_ref(&call), "{link}");
        let next = link.contains("next").then(|| "n+2".to_owned());
        assert_eq!(page.next_page_token, next, "{link}");
    }
    // Two Link header lines are one list: the next link may be on the second.
    let mut two_lines = link_fault(format!(r#"<{calls_url}?pageToken=p1>; rel="prev""#));
    two_lines.headers.push((
        "Link".into(),
        format!(r#"<{calls_url}?pageToken=n3>; rel="next""#),
    ));
    sim.add_fault(two_lines);
    let page = list(&client, &ListCallsQuery::default()).unwrap();
    assert_eq!(page.next_page_token.as_deref(), Some("n3"));

    let page = list(&client, &ListCallsQuery::default()).unwrap();
    assert_eq!((ids(&page), page.next_page_token), (vec![call], None));
}
