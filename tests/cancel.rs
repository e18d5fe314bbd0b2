//! Cancelling a call through the one pipeline (`Client::start` /
//! `Client::finish` with a `Cancel`), as the asynchronous forms do: a call
//! waiting to retry stops at once, and nothing more is sent.

mod common;

use bwvoice::jobs::Cancel;
use bwvoice::operation;
use common::*;
use std::thread;
use std::time::Duration;

#[test]
fn a_call_waiting_to_retry_stops_when_cancelled() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    // A 429 asking for a 25 s wait: without the cancel the call would sleep.
    sim.add_fault(Fault {
        status: Some(429),
        headers: vec![("Retry-After".into(), "25".into())],
        ..Fault::default()
    });
    let client = client(basic(&sim));
    let op = operation::get_call_state(client.base_url(), ACCOUNT, &call).unwrap();
    let started = client.start(op, &CallOptions::default()).unwrap();
    let cancel = Cancel::default();
    let err = thread::scope(|scope| {
        scope.spawn(|| {
            // Once the first attempt was answered 429, the call is waiting.
            let waiting = sim.wait_requests(Duration::from_secs(10), |log| {
                log.iter().any(|r| r.status == 429)
            });
            assert!(waiting, "the first attempt never arrived");
            cancel.set();
        });
        client.finish(started, &cancel).unwrap_err()
    });
    assert_eq!(err.status, Status::Cancelled, "{err}");
    assert_eq!((err.attempts, err.maybe_applied), (1, false), "{err}");
    assert!(err.message.contains("after 1 attempt"), "{}", err.message);
    assert_eq!(sim.requests().len(), 1, "nothing sent after the cancel");
}

#[test]
fn a_cancelled_call_sends_nothing() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    let client = client(basic(&sim));
    let op = operation::update_call_bxml(client.base_url(), ACCOUNT, &call, "<Bxml/>").unwrap();
    let started = client.start(op, &CallOptions::default()).unwrap();
    let cancel = Cancel::default();
    cancel.set();
    let err = client.finish(started, &cancel).unwrap_err();
    assert_eq!((err.status, err.attempts), (Status::Cancelled, 0), "{err}");
    assert!(sim.requests().is_empty());
}
