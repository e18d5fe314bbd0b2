//! Events, counters and the retry budget, against the simulator: what an
//! observer hears for each attempt, retry, token fetch and call end, that
//! the counters add up, that no event carries a secret, and that the budget
//! stops retries during an outage and lets them back after successes.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::{Event, EventHook, EventKind, RetryReason, RETRY_BUDGET_OFF};
use bwvoice_sim::Route;
use common::*;
use std::sync::{Arc, Mutex};
use std::thread;

/// An event as recorded: owned, and formatted for secret checks.
#[derive(Debug, Clone)]
struct Seen {
    kind: EventKind,
    operation: &'static str,
    attempt: u32,
    http_status: u16,
    status: Option<Status>,
    error_type: String,
    retry_reason: Option<RetryReason>,
    reused: bool,
    text: String,
}

fn recorder() -> (EventHook, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let hook = EventHook(Arc::new(move |e: &Event| {
        sink.lock().unwrap().push(Seen {
            kind: e.kind,
            operation: e.operation,
            attempt: e.attempt,
            http_status: e.http_status,
            status: e.status,
            error_type: e.error_type.clone(),
            retry_reason: e.retry_reason,
            reused: e.connection_reused,
            text: format!("{e:?}"),
        });
    }));
    (hook, seen)
}

fn unavailable(call: &str, count: u32) -> Fault {
    Fault {
        match_id: Some(call.to_owned()),
        count,
        status: Some(503),
        headers: vec![("Retry-After".into(), "0".into())],
        ..Fault::default()
    }
}

#[test]
fn a_503_then_200_is_two_attempts_one_retry_and_one_end() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(unavailable(&call, 1));
    let (hook, seen) = recorder();
    let client = client(ClientConfig {
        on_event: Some(hook),
        ..basic(&sim)
    });
    client
        .modify_call(ACCOUNT, &call, &redirect(), &CallOptions::default())
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    let kinds: Vec<EventKind> = seen.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::AttemptEnd,
            EventKind::RetryScheduled,
            EventKind::AttemptEnd,
            EventKind::CallEnd
        ]
    );
    let (first, retry, second, end) = (&seen[0], &seen[1], &seen[2], &seen[3]);
    assert_eq!(
        (
            first.attempt,
            first.http_status,
            first.status,
            first.error_type.as_str()
        ),
        (1, 503, Some(Status::Server), "503")
    );
    assert!(!first.reused, "the first attempt opened the connection");
    assert_eq!(retry.retry_reason, Some(RetryReason::Unavailable));
    assert_eq!(
        (second.attempt, second.http_status, second.status),
        (2, 200, None)
    );
    assert!(second.reused, "the retry reused the kept-alive connection");
    assert_eq!((end.status, end.operation), (None, "updateCall"));
    let stats = client.stats();
    assert_eq!((stats.calls, stats.attempts), (1, 2));
    assert_eq!(stats.retries[RetryReason::Unavailable as usize], 1);
    assert_eq!((stats.connections_opened, stats.connections_reused), (1, 1));
    assert_eq!(stats.outcomes[0], 1);
}

#[test]
fn a_refused_token_shows_the_fetches_and_never_a_secret() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    let (hook, seen) = recorder();
    let client = client(ClientConfig {
        on_event: Some(hook),
        ..oauth(&sim)
    });
    client
        .get_call_state(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    // The cached token is now refused once: a new one is fetched.
    sim.add_fault(Fault {
        route: Some(Route::Call),
        status: Some(401),
        ..Fault::default()
    });
    client
        .get_call_state(ACCOUNT, &call, &CallOptions::default())
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    let fetches = seen
        .iter()
        .filter(|e| e.kind == EventKind::TokenFetch)
        .count();
    assert_eq!(fetches, 2, "{seen:#?}");
    assert!(seen
        .iter()
        .any(|e| e.kind == EventKind::RetryScheduled
            && e.retry_reason == Some(RetryReason::StaleToken)));
    assert!(seen
        .iter()
        .filter(|e| e.kind == EventKind::TokenFetch)
        .all(|e| e.operation == "token" && e.status.is_none()));
    let tokens: Vec<String> = sim
        .requests()
        .iter()
        .filter_map(|r| {
            r.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .map(|(_, v)| v.clone())
        })
        .collect();
    assert!(!tokens.is_empty());
    for event in &seen {
        assert!(!event.text.contains(SECRET), "{}", event.text);
        for header in &tokens {
            let credential = header.split_once(' ').map_or(header.as_str(), |(_, c)| c);
            assert!(!event.text.contains(credential), "{}", event.text);
        }
    }
    assert_eq!(client.stats().token_fetches, 2);
}

#[test]
fn counters_add_up_over_sixteen_threads() {
    let sim = sim();
    let client = client(basic(&sim));
    let (ok, missing, retried) = (48, 16, 16);
    let mut calls = Vec::new();
    for i in 0..ok + retried {
        let call = sim.create_call(ACCOUNT, CallState::Answered);
        if i >= ok {
            sim.add_fault(unavailable(&call, 1));
        }
        calls.push(call);
    }
    calls.extend((0..missing).map(|i| format!("c-missing-{i}")));
    thread::scope(|scope| {
        for chunk in calls.chunks(calls.len() / 16) {
            let client = &client;
            scope.spawn(move || {
                for call in chunk {
                    let _ = client.hangup(ACCOUNT, call, &CallOptions::default());
                }
            });
        }
    });
    let stats = client.stats();
    let total = (ok + missing + retried) as u64;
    assert_eq!(stats.calls, total);
    assert_eq!(stats.attempts, total + retried as u64);
    assert_eq!(
        stats.retries[RetryReason::Unavailable as usize],
        retried as u64
    );
    assert_eq!(stats.retries.iter().sum::<u64>(), retried as u64);
    assert_eq!(stats.outcomes[0], (ok + retried) as u64);
    assert_eq!(stats.outcomes[Status::NotFound as usize], missing as u64);
    assert_eq!(stats.outcomes.iter().sum::<u64>(), total);
    assert_eq!(
        stats.connections_opened + stats.connections_reused,
        stats.attempts
    );
    assert_eq!(stats.retries_denied, 0);
}

#[test]
fn an_outage_drains_the_retry_budget_and_successes_refill_it() {
    let sim = sim();
    // Room for 4 retries (5 tokens each) and then none.
    let (hook, seen) = recorder();
    let client = client(ClientConfig {
        retry_budget: Some(20),
        max_attempts: Some(3),
        on_event: Some(hook),
        ..basic(&sim)
    });
    let down = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(unavailable(&down, 1000));
    let state = |client: &Client| client.get_call_state(ACCOUNT, &down, &CallOptions::default());
    for _ in 0..2 {
        let err = state(&client).unwrap_err();
        assert_eq!(err.attempts, 3, "{err}");
    }
    let err = state(&client).unwrap_err();
    assert_eq!(err.attempts, 1, "the budget is empty: one attempt");
    assert!(
        err.message.contains("retry budget is exhausted"),
        "{}",
        err.message
    );
    assert_eq!(client.stats().retries_denied, 1);
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .any(|e| e.kind == EventKind::RetryDenied));
    // A retry costs 5 tokens and a success refunds 1 (README, "Retry
    // budget."): five successes pay for one retry again.
    let up = sim.create_call(ACCOUNT, CallState::Answered);
    for _ in 0..5 {
        client
            .get_call_state(ACCOUNT, &up, &CallOptions::default())
            .unwrap();
    }
    assert_eq!(state(&client).unwrap_err().attempts, 2);
    assert_eq!(state(&client).unwrap_err().attempts, 1);
}

#[test]
fn with_the_budget_off_every_call_retries() {
    let sim = sim();
    let client = client(ClientConfig {
        retry_budget: Some(RETRY_BUDGET_OFF),
        max_attempts: Some(2),
        ..basic(&sim)
    });
    let down = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(unavailable(&down, 1000));
    for _ in 0..150 {
        let err = client
            .get_call_state(ACCOUNT, &down, &CallOptions::default())
            .unwrap_err();
        assert_eq!(err.attempts, 2);
    }
    assert_eq!(client.stats().retries_denied, 0);
    let zero = Client::new(ClientConfig {
        retry_budget: Some(0),
        ..basic(&sim)
    });
    assert_eq!(zero.err().unwrap().field, Some("retry_budget"));
}
