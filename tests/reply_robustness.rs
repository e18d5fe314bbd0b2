//! Damaged answers to the operations that read one (createCall, listCalls,
//! getConference, getConferenceMember): a real answer from the simulator,
//! cut short at many places and with bytes replaced by JSON's own
//! characters (a fixed-seed generator, so every run is the same). Each
//! must be read, or refused as `Status::Protocol` after exactly one
//! request with a clean message: never a panic, never a repeat.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use common::ops::{room, Op};
use common::*;

/// Characters that change what JSON means.
const SIGNIFICANT: &[u8] = b"{}[]\":,\\0-9.etnfu ";

/// Prefixes of `valid` at about 40 places, then 80 copies with one to three
/// bytes replaced.
fn variants(valid: &str) -> Vec<String> {
    let bytes = valid.as_bytes();
    let mut out: Vec<String> = (0..bytes.len())
        .step_by((bytes.len() / 40).max(1))
        .map(|cut| String::from_utf8_lossy(&bytes[..cut]).into_owned())
        .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |below: usize| {
        // Knuth's MMIX LCG; the high bits are the good ones.
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % below
    };
    for _ in 0..80 {
        let mut damaged = bytes.to_vec();
        for _ in 0..=next(3) {
            let at = next(damaged.len());
            damaged[at] = SIGNIFICANT[next(SIGNIFICANT.len())];
        }
        out.push(String::from_utf8_lossy(&damaged).into_owned());
    }
    out
}

#[test]
fn damaged_answers_are_read_or_refused_cleanly() {
    let sim = sim();
    let client = client(basic(&sim));
    for op in [
        Op::CreateCall,
        Op::ListCalls,
        Op::GetConference,
        Op::GetMember,
    ] {
        let room = room(&sim, ACCOUNT);
        op.run(&client, &sim, &room).unwrap();
        let valid = last_answer_body(&sim, op, &room);
        let (bodies, mut refused) = (variants(&valid), 0);
        for body in &bodies {
            sim.add_fault(Fault {
                match_id: Some(room.account.clone()),
                route: Some(op.route()),
                method: Some(op.method().into()),
                status: Some(if op == Op::CreateCall { 201 } else { 200 }),
                body: Some(body.to_owned()),
                ..Fault::default()
            });
            let before = op.sent(&sim, &room).len();
            let outcome = op.run(&client, &sim, &room);
            assert_eq!(op.sent(&sim, &room).len(), before + 1, "{op:?}: {body}");
            let Err(err) = outcome else { continue };
            refused += 1;
            assert_eq!(
                (err.status, err.attempts),
                (Status::Protocol, 1),
                "{op:?}: {body}: {err}"
            );
            assert!(
                err.message.starts_with("malformed "),
                "{op:?}: {}",
                err.message
            );
            assert!(!err.message.chars().any(char::is_control), "{err:?}");
            assert!(err.message.len() < 600, "{}", err.message);
            // A 2xx was answered: the server acted (for createCall: a call
            // may exist though its answer could not be read).
            assert!(err.maybe_applied, "{op:?}: {err}");
        }
        // Most damage breaks the answer; some (a letter in a text) does not.
        assert!(
            refused > 40 && refused < bodies.len(),
            "{op:?}: {refused} of {} refused",
            bodies.len()
        );
        sim.reset();
    }
}

/// A valid answer to `op` for `room`, shaped as the simulator answers it:
/// built from its control views (which add `accountId` and `bxml` to a
/// conference), or for createCall written out (the request log keeps
/// requests, not answers).
fn last_answer_body(sim: &Simulator, op: Op, room: &common::ops::Room) -> String {
    match op {
        Op::CreateCall => serde_json::json!({
            "applicationId": "app-1", "accountId": room.account, "callId": "c-1",
            "to": "+15555550100", "from": "+15555550199",
            "enqueuedTime": "2022-06-16T13:15:07.160Z",
            "callUrl": format!("{}/accounts/{}/calls/c-1", sim.api_url(), room.account),
            "callTimeout": 30, "callbackTimeout": 15, "tag": null,
            "answerMethod": "POST", "answerUrl": format!("{}/sim/app/answer", sim.url()),
            "answerFallbackMethod": "POST", "answerFallbackUrl": null,
            "disconnectMethod": "POST", "disconnectUrl": null,
            "username": null, "password": null, "fallbackUsername": null,
            "fallbackPassword": null, "priority": 5,
        })
        .to_string(),
        Op::ListCalls => {
            let calls: Vec<_> = room.members.iter().map(|c| sim.call(c).unwrap()).collect();
            serde_json::Value::Array(calls).to_string()
        }
        Op::GetConference => {
            let mut view = sim.conference(&room.conference).unwrap();
            let object = view.as_object_mut().unwrap();
            object.remove("accountId");
            object.remove("bxml");
            view.to_string()
        }
        _ => sim.conference(&room.conference).unwrap()["activeMembers"][0].to_string(),
    }
}
