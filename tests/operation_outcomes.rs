//! createCall, listCalls and the conference operations through the one
//! pipeline: every error status the simulator can be made to answer, mapped
//! and retried by each operation's repeat class; wrong credentials; resets;
//! and what an observer hears (events and counters) for each of them.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use bwvoice::{Event, EventHook, EventKind, ListCallsQuery, RetryReason};
use common::ops::{room, Op, Room};
use common::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// A fault on `op`'s route and method in `room`'s account only.
fn on(op: Op, room: &Room, fault: Fault) -> Fault {
    Fault {
        match_id: Some(room.account.clone()),
        route: Some(op.route()),
        method: Some(op.method().into()),
        ..fault
    }
}

/// Nothing the operation would have done happened: the conference still on
/// with no BXML, the member not muted, no webhook sent, and (for
/// createCall, whose faults leave listCalls alone) no call placed.
fn assert_nothing_applied(client: &Client, sim: &Simulator, op: Op, room: &Room, case: &str) {
    let view = sim.conference(&room.conference).unwrap();
    assert_eq!(view["completedTime"], Value::Null, "{case}");
    assert_eq!(view["bxml"], Value::Null, "{case}");
    assert_eq!(view["activeMembers"][0]["mute"], false, "{case}");
    if op == Op::CreateCall {
        let calls = client
            .list_calls(
                &room.account,
                &ListCallsQuery::default(),
                &CallOptions::default(),
            )
            .unwrap();
        assert_eq!(calls.calls.len(), 2, "{case}: a call was placed");
    }
    assert!(sim.webhooks().is_empty(), "{case}: {:?}", sim.webhooks());
}

/// Each error status, on each operation, three times in a row: the status
/// it maps to, the server's error fields, and as many attempts as the
/// operation's repeat class allows (3 by default).
#[test]
fn faulted_statuses_map_and_retry_by_repeat_class() {
    let sim = sim();
    let client = client(basic(&sim));
    let mut case_number = 0;
    for op in Op::ALL {
        for code in [400, 401, 403, 404, 409, 429, 500, 503] {
            case_number += 1;
            let room = room(&sim, &format!("98{case_number:05}"));
            let body = json!({
                "type": format!("type-{code}"),
                "description": format!("{} refused with {code}", op.name()),
                "id": format!("e-{code}"),
            });
            sim.add_fault(on(
                op,
                &room,
                Fault {
                    count: 3,
                    status: Some(code),
                    body: Some(body.to_string()),
                    headers: vec![("Retry-After".into(), "0".into())],
                    ..Fault::default()
                },
            ));
            let err = op.run(&client, &sim, &room).unwrap_err();
            let case = format!("{op:?} {code}: {err}");
            // 429 and 503 were not acted on, except that a 503 may come from
            // a proxy after the API placed the call.
            let retried = match code {
                429 => true,
                503 => op != Op::CreateCall,
                500 => op.idempotent(),
                _ => false,
            };
            let attempts = if retried { 3 } else { 1 };
            let maybe_applied = code == 500 || (code == 503 && op == Op::CreateCall);
            assert_eq!(
                (err.status, err.http_status, err.attempts, err.maybe_applied),
                (
                    Status::from_http(code).unwrap(),
                    code,
                    attempts,
                    maybe_applied
                ),
                "{case}"
            );
            assert_eq!(err.error_type, Some(format!("type-{code}")), "{case}");
            assert_eq!(err.description.as_deref(), body["description"].as_str());
            assert_eq!(err.error_id, Some(format!("e-{code}")), "{case}");
            assert!(err.message.starts_with(&format!("HTTP {code}: ")), "{case}");
            assert_eq!(err.message.contains("attempts: 3"), retried, "{case}");
            assert_eq!(op.sent(&sim, &room).len(), attempts as usize, "{case}");
            assert_nothing_applied(&client, &sim, op, &room, &case);
        }
    }
}

/// A connection reset after the request went out: the operations safe to
/// repeat try again and succeed; the others stop and say it may have been
/// applied.
#[test]
fn a_reset_is_retried_only_where_repeating_is_safe() {
    let sim = sim();
    let client = client(basic(&sim));
    for (n, op) in Op::ALL.into_iter().enumerate() {
        let room = room(&sim, &format!("97{n:05}"));
        let close = Fault {
            close: true,
            ..Fault::default()
        };
        sim.add_fault(on(op, &room, close));
        let outcome = op.run(&client, &sim, &room);
        let statuses: Vec<u16> = op.sent(&sim, &room).iter().map(|r| r.status).collect();
        if op.idempotent() {
            outcome.unwrap_or_else(|e| panic!("{op:?}: {e}"));
            assert_eq!(statuses.len(), 2, "{op:?}: {statuses:?}");
            assert_eq!(statuses[0], 0, "{op:?}");
        } else {
            let err = outcome.unwrap_err();
            assert_eq!(
                (err.status, err.attempts, err.maybe_applied),
                (Status::Connect, 1, true),
                "{op:?}: {err}"
            );
            assert_eq!(statuses, [0], "{op:?}");
            // The same client goes on.
            op.run(&client, &sim, &room)
                .unwrap_or_else(|e| panic!("{op:?} after the reset: {e}"));
        }
    }
}

#[test]
fn wrong_credentials_are_unauthorized_for_every_operation() {
    let sim = sim();
    let client = client(ClientConfig {
        base_url: Some(sim.api_url()),
        ..ClientConfig::new(Auth::Basic {
            username: "user".into(),
            password: "wrong-Pw4".into(),
        })
    });
    let room = room(&sim, ACCOUNT);
    for op in Op::ALL {
        let before = op.sent(&sim, &room).len();
        let err = op.run(&client, &sim, &room).unwrap_err();
        assert_eq!(
            (err.status, err.http_status, err.attempts, err.maybe_applied),
            (Status::Unauthorized, 401, 1, false),
            "{op:?}: {err}"
        );
        assert_eq!(err.error_type.as_deref(), Some("authentication-error"));
        assert_eq!(err.error_id, None, "Bandwidth's 401 has a null id");
        assert_clean(&err, &["wrong-Pw4", "dXNlcjp3cm9uZy1QdzQ="]);
        assert_eq!(op.sent(&sim, &room).len(), before + 1, "{op:?}");
    }
    let conference = sim.conference(&room.conference).unwrap();
    assert_eq!(conference["completedTime"], Value::Null);
}

/// An event as recorded, owned.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    kind: EventKind,
    operation: &'static str,
    method: &'static str,
    url_template: &'static str,
    account_id: String,
    call_id: String,
    conference_id: String,
    http_status: u16,
    status: Option<Status>,
    retry_reason: Option<RetryReason>,
}

fn recorder() -> (EventHook, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let hook = EventHook(Arc::new(move |e: &Event| {
        sink.lock().unwrap().push(Seen {
            kind: e.kind,
            operation: e.operation,
            method: e.method,
            url_template: e.url_template,
            account_id: e.account_id.to_owned(),
            call_id: e.call_id.to_owned(),
            conference_id: e.conference_id.to_owned(),
            http_status: e.http_status,
            status: e.status,
            retry_reason: e.retry_reason,
        });
    }));
    (hook, seen)
}

/// Every event of an operation names it, its method and path template, and
/// the ids it acts on: the conference for conference operations, the
/// member's call for member operations, neither for createCall and
/// listCalls. The counters count them like any other operation.
#[test]
fn events_and_counters_name_each_operation() {
    let sim = sim();
    let (hook, seen) = recorder();
    let client = client(ClientConfig {
        on_event: Some(hook),
        ..basic(&sim)
    });
    for (n, op) in Op::ALL.into_iter().enumerate() {
        let room = room(&sim, &format!("96{n:05}"));
        seen.lock().unwrap().clear();
        op.run(&client, &sim, &room)
            .unwrap_or_else(|e| panic!("{op:?}: {e}"));
        let http_status = match op {
            Op::CreateCall => 201,
            Op::ListCalls | Op::GetConference | Op::GetMember => 200,
            _ => 204,
        };
        let expected = |kind| Seen {
            kind,
            operation: op.name(),
            method: op.method(),
            url_template: op.template(),
            account_id: room.account.clone(),
            call_id: op.call_id(&room),
            conference_id: op.conference_id(&room),
            http_status,
            status: None,
            retry_reason: None,
        };
        let events = seen.lock().unwrap().clone();
        assert_eq!(
            events,
            [
                expected(EventKind::AttemptEnd),
                expected(EventKind::CallEnd)
            ],
            "{op:?}"
        );
    }
    let stats = client.stats();
    assert_eq!((stats.calls, stats.attempts, stats.outcomes[0]), (8, 8, 8));
    assert_eq!(stats.connections_opened + stats.connections_reused, 8);
    assert_eq!(stats.retries.iter().sum::<u64>(), 0);

    // A retried end and a missing member count as such.
    let room = room(&sim, "9500000");
    seen.lock().unwrap().clear();
    let unavailable = Fault {
        status: Some(503),
        headers: vec![("Retry-After".into(), "0".into())],
        ..Fault::default()
    };
    sim.add_fault(on(Op::EndConference, &room, unavailable));
    Op::EndConference.run(&client, &sim, &room).unwrap();
    let events = seen.lock().unwrap().clone();
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::AttemptEnd,
            EventKind::RetryScheduled,
            EventKind::AttemptEnd,
            EventKind::CallEnd
        ]
    );
    assert!(events
        .iter()
        .all(|e| e.conference_id == room.conference && e.operation == "updateConference"));
    assert_eq!(
        (events[0].http_status, events[0].status),
        (503, Some(Status::Server))
    );
    assert_eq!(events[1].retry_reason, Some(RetryReason::Unavailable));
    let stranger = Room {
        members: ["c-stranger".into(), room.members[1].clone()],
        ..room.clone()
    };
    seen.lock().unwrap().clear();
    let err = Op::GetMember.run(&client, &sim, &stranger).unwrap_err();
    assert_eq!(err.status, Status::NotFound);
    let end = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (end.kind, end.call_id.as_str(), end.status),
        (EventKind::CallEnd, "c-stranger", Some(Status::NotFound))
    );
    let stats = client.stats();
    assert_eq!((stats.calls, stats.attempts), (10, 11));
    assert_eq!(stats.retries[RetryReason::Unavailable as usize], 1);
    assert_eq!(
        (stats.outcomes[0], stats.outcomes[Status::NotFound as usize]),
        (9, 1)
    );
}
