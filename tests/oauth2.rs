//! OAuth2 client credentials against the simulator's token endpoint: one
//! token per client under a thread storm, refresh before expiry, refresh
//! on a 401, and a clean, secret-free error for every token failure.

// As in the library: `Error` is returned by value on the failure path.
#![allow(clippy::result_large_err)]

mod common;

use common::*;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

fn token_fault(fault: Fault) -> Fault {
    Fault {
        match_id: Some("token".into()),
        ..fault
    }
}

/// A simulator whose token endpoint takes `delay` to answer the first
/// token request.
fn slow_first_token(delay: Duration) -> Simulator {
    let sim = sim();
    sim.add_fault(token_fault(Fault {
        delay,
        ..Fault::default()
    }));
    sim
}

/// The token values the simulator saw (without the `Bearer ` prefix).
fn tokens(sim: &Simulator) -> Vec<String> {
    authorizations(sim)
        .iter()
        .filter_map(|a| a.strip_prefix("Bearer "))
        .map(str::to_owned)
        .collect()
}

/// A new answered call whose first `times` requests the simulator refuses
/// with a 401, as when the token is revoked.
fn call_refused_401(sim: &Simulator, times: u32) -> String {
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(Fault {
        match_id: Some(call.clone()),
        status: Some(401),
        count: times,
        ..Fault::default()
    });
    call
}

#[test]
fn a_thread_storm_fetches_exactly_one_token() {
    const THREADS: usize = 64;
    const CALLS: usize = 50;
    let sim = sim();
    let client = client(oauth(&sim));
    let calls: Vec<Vec<String>> = (0..THREADS)
        .map(|_| {
            (0..CALLS)
                .map(|_| sim.create_call(ACCOUNT, CallState::Answered))
                .collect()
        })
        .collect();
    let start = Barrier::new(THREADS);
    thread::scope(|s| {
        for mine in &calls {
            let (client, start) = (&client, &start);
            s.spawn(move || {
                start.wait();
                for call in mine {
                    client.hangup_call(call).unwrap();
                }
            });
        }
    });
    assert_eq!(token_requests(&sim), 1);
    let requests = sim.requests();
    assert_eq!(requests.len(), 1 + THREADS * CALLS);
    assert!(requests.iter().all(|r| r.status == 200));
}

#[test]
fn short_lived_tokens_are_refreshed_halfway_one_at_a_time() {
    let sim = sim();
    // Tokens live 2 s, so the client refreshes them after 1 s.
    sim.set_token_expires_in(2);
    // A slow token endpoint widens the window in which a concurrent
    // refresh would show up as extra token requests.
    sim.add_fault(token_fault(Fault {
        delay: Duration::from_millis(200),
        count: 1000,
        ..Fault::default()
    }));
    let client = client(oauth(&sim));
    let started = Instant::now();
    let run_for = Duration::from_millis(3500);
    thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| {
                while started.elapsed() < run_for {
                    let call = sim.create_call(ACCOUNT, CallState::Answered);
                    client.hangup_call(&call).unwrap();
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let fetched = token_requests(&sim);
    // One fetch at the start, then one per second (each takes ~0.2 s). A
    // stampede would multiply this by up to 16.
    assert!(
        fetched >= 3,
        "only {fetched} token requests in {elapsed:.1} s"
    );
    assert!(
        fetched as f64 <= elapsed + 2.0,
        "{fetched} token requests in {elapsed:.1} s: concurrent refreshes?"
    );
    // Never used an expired token: no call was refused.
    assert!(sim.requests().iter().all(|r| r.status == 200));
}

#[test]
fn a_401_refreshes_the_token_once_and_retries() {
    let sim = sim();
    let call = call_refused_401(&sim, 1);
    // Not part of the retry policy: works with retries off.
    let config = ClientConfig {
        max_attempts: Some(1),
        ..oauth(&sim)
    };
    client(config).redirect_call(&call).unwrap();
    assert_eq!(token_requests(&sim), 2);
    assert_eq!(call_requests(&sim, &call), 2);
    let tokens = tokens(&sim);
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1], "the retry used a fresh token");
}

#[test]
fn a_second_401_is_reported() {
    let sim = sim();
    let call = call_refused_401(&sim, 2);
    let err = client(oauth(&sim)).redirect_call(&call).unwrap_err();
    assert_eq!(
        (err.status, err.http_status, err.attempts),
        (Status::Unauthorized, 401, 2)
    );
    assert_eq!(token_requests(&sim), 2);
    assert_eq!(call_requests(&sim, &call), 2);
    let tokens = tokens(&sim);
    assert_clean(&err, &tokens.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn every_token_failure_is_a_clean_error() {
    let html = Fault {
        status: Some(200),
        body: Some("<html><body>Sign in to the proxy</body></html>".into()),
        content_type: Some("text/html".into()),
        ..Fault::default()
    };
    let no_token = Fault {
        status: Some(200),
        body: Some(r#"{"token_type":"Bearer","expires_in":3600}"#.into()),
        ..Fault::default()
    };
    let invalid_client = Fault {
        status: Some(401),
        body: Some(r#"{"error":"invalid_client"}"#.into()),
        ..Fault::default()
    };
    let slow = Fault {
        delay: Duration::from_secs(30),
        ..Fault::default()
    };
    let dropped = Fault {
        close: true,
        ..Fault::default()
    };
    let cases = [
        ("invalid_client", invalid_client, Status::Unauthorized, 401),
        (
            "500",
            Fault {
                status: Some(500),
                ..Fault::default()
            },
            Status::Server,
            500,
        ),
        ("HTML 200", html, Status::Protocol, 0),
        ("no access_token", no_token, Status::Protocol, 0),
        ("too slow", slow, Status::Timeout, 0),
        ("dropped", dropped, Status::Connect, 0),
    ];
    for (what, fault, status, http_status) in cases {
        let sim = sim();
        let call = sim.create_call(ACCOUNT, CallState::Answered);
        sim.add_fault(token_fault(fault));
        let config = ClientConfig {
            max_attempts: Some(1),
            timeout: Some(Duration::from_millis(500)),
            ..oauth(&sim)
        };
        let started = Instant::now();
        let err = client(config).redirect_call(&call).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{what}");
        assert_eq!(
            (err.status, err.http_status),
            (status, http_status),
            "{what}: {err}"
        );
        assert!(
            err.message.starts_with("token request failed"),
            "{what}: {err}"
        );
        assert_clean(&err, &[]);
        assert_eq!(
            call_requests(&sim, &call),
            0,
            "{what}: nothing sent to the API"
        );
    }
}

#[test]
fn a_wrong_client_secret_is_unauthorized_and_not_echoed() {
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    let config = ClientConfig {
        auth: Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: "wrong-Kx7".into(),
            token_url: Some(sim.token_url()),
        },
        ..oauth(&sim)
    };
    let err = client(config).hangup_call(&call).unwrap_err();
    assert_eq!((err.status, err.http_status), (Status::Unauthorized, 401));
    assert!(err.message.contains("invalid_client"), "{err}");
    assert_eq!(err.error_type.as_deref(), Some("invalid_client"));
    assert_clean(&err, &["wrong-Kx7"]);
    // Credentials were refused: not retried.
    assert_eq!(token_requests(&sim), 1);
}

#[test]
fn a_failing_token_endpoint_is_retried_even_for_a_redirect() {
    // The redirect itself was never sent, so repeating is safe.
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(token_fault(Fault {
        status: Some(500),
        ..Fault::default()
    }));
    client(oauth(&sim)).redirect_call(&call).unwrap();
    assert_eq!(token_requests(&sim), 2);
    assert_eq!(call_requests(&sim, &call), 1);
}

#[test]
fn waiting_for_another_threads_refresh_respects_the_own_time_budget() {
    let sim = slow_first_token(Duration::from_secs(3));
    let client = client(oauth(&sim));
    let (a, b) = (
        sim.create_call(ACCOUNT, CallState::Answered),
        sim.create_call(ACCOUNT, CallState::Answered),
    );
    thread::scope(|s| {
        let slow = s.spawn(|| client.hangup_call(&a));
        wait_for_token_requests(&sim, 1);
        let started = Instant::now();
        let err = client
            .modify_call(
                ACCOUNT,
                &b,
                &ModifyCallRequest::hangup(),
                &CallOptions::within(Duration::from_millis(300)),
            )
            .unwrap_err();
        // Bounded by its own 300 ms, not by the other call's 3 s fetch.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(err.status, Status::Timeout, "{err}");
        slow.join().unwrap().unwrap();
    });
    assert_eq!(token_requests(&sim), 1, "the waiter did not fetch its own");
}

#[test]
fn threads_waiting_for_a_failed_refresh_share_its_error() {
    let sim = sim();
    sim.add_fault(token_fault(Fault {
        delay: Duration::from_secs(2),
        status: Some(401),
        body: Some(r#"{"error":"invalid_client"}"#.into()),
        ..Fault::default()
    }));
    let client = client(oauth(&sim));
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    thread::scope(|s| {
        let first = s.spawn(|| client.hangup_call(&call));
        wait_for_token_requests(&sim, 1);
        // Starts waiting well within the 2 s the failing request takes.
        let err = client.hangup_call(&call).unwrap_err();
        assert_eq!(err.status, Status::Unauthorized, "{err}");
        assert_eq!(
            first.join().unwrap().unwrap_err().status,
            Status::Unauthorized
        );
    });
    // The failure was not followed by a second request from the waiter.
    assert_eq!(token_requests(&sim), 1);
    // The next call tries again (the fault is used up) and succeeds.
    client.hangup_call(&call).unwrap();
    assert_eq!(token_requests(&sim), 2);
}

/// A call with a short budget starts the token fetch and gives up; calls
/// with time left that were waiting for the same fetch must not inherit
/// its timeout: one of them fetches again, and all of them succeed.
#[test]
fn a_short_budget_fetcher_does_not_fail_the_waiters() {
    let sim = slow_first_token(Duration::from_secs(3));
    let client = client(ClientConfig {
        max_attempts: Some(1),
        ..oauth(&sim)
    });
    let calls: Vec<String> = (0..8)
        .map(|_| sim.create_call(ACCOUNT, CallState::Answered))
        .collect();
    thread::scope(|s| {
        let short = s.spawn(|| {
            client.modify_call(
                ACCOUNT,
                &calls[0],
                &ModifyCallRequest::hangup(),
                &CallOptions::within(Duration::from_secs(1)),
            )
        });
        wait_for_token_requests(&sim, 1);
        let waiters: Vec<_> = calls
            .iter()
            .map(|call| s.spawn(|| client.hangup_call(call)))
            .collect();
        let err = short.join().unwrap().unwrap_err();
        assert_eq!(err.status, Status::Timeout, "{err}");
        for waiter in waiters {
            waiter.join().unwrap().unwrap();
        }
    });
    // The slow fetch, then one more by a waiter: no herd.
    assert_eq!(token_requests(&sim), 2);
}
