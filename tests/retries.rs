//! The retry policy against real servers on loopback: the simulator with
//! injected faults, and raw TCP servers for keep-alive behaviour.

mod common;

use common::*;
use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

/// A new answered call whose requests meet `fault` (as many times as its
/// `count` says).
fn faulty_call(sim: &Simulator, fault: Fault) -> String {
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    sim.add_fault(Fault {
        match_id: Some(call.clone()),
        ..fault
    });
    call
}

fn status(code: u16) -> Fault {
    Fault {
        status: Some(code),
        ..Fault::default()
    }
}

fn retry_after(code: u16, value: &str) -> Fault {
    Fault {
        headers: vec![("Retry-After".into(), value.into())],
        ..status(code)
    }
}

#[test]
fn rate_limited_then_ok_waits_for_retry_after() {
    let sim = sim();
    let call = faulty_call(&sim, retry_after(429, "1"));
    let client = client(basic(&sim));
    let started = Instant::now();
    client.redirect_call(&call).unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(call_requests(&sim, &call), 2);
}

#[test]
fn rate_limited_with_an_http_date_is_honoured() {
    let sim = sim();
    // A date in the past means "now": retried at once.
    let past = "Sun, 06 Nov 1994 08:49:37 GMT";
    let call = faulty_call(&sim, retry_after(429, past));
    let client = client(basic(&sim));
    client.redirect_call(&call).unwrap();
    assert_eq!(call_requests(&sim, &call), 2);
}

/// One fault on the first attempt, then a healthy server: each row says
/// whether the call is retried (a redirect only when the server certainly
/// did nothing, or when the client opts in; a hang-up always) and what the
/// caller sees.
#[test]
fn one_fault_is_retried_only_where_repeating_is_safe() {
    struct Case {
        what: &'static str,
        fault: Fault,
        hangup: bool,
        retry_non_idempotent: bool,
        /// `Some((status, http_status))`: the call fails after one attempt.
        fails: Option<(Status, u16)>,
        requests: usize,
    }
    let close = || Fault {
        close: true,
        ..Fault::default()
    };
    let case = |what, fault, hangup, fails, requests| Case {
        what,
        fault,
        hangup,
        retry_non_idempotent: false,
        fails,
        requests,
    };
    let cases = [
        case(
            "503, redirect: retried (nothing was done)",
            status(503),
            false,
            None,
            2,
        ),
        case(
            "500, redirect: not retried",
            status(500),
            false,
            Some((Status::Server, 500)),
            1,
        ),
        case("500, hang-up: retried", status(500), true, None, 2),
        Case {
            retry_non_idempotent: true,
            ..case(
                "500, redirect, retry_non_idempotent: retried",
                status(500),
                false,
                None,
                2,
            )
        },
        case(
            "dropped, redirect: not retried",
            close(),
            false,
            Some((Status::Connect, 0)),
            1,
        ),
        case("dropped, hang-up: retried", close(), true, None, 2),
    ];
    let sim = sim();
    for c in cases {
        let call = faulty_call(&sim, c.fault);
        let client = client(ClientConfig {
            retry_non_idempotent: c.retry_non_idempotent,
            ..basic(&sim)
        });
        let result = match c.hangup {
            true => client.hangup_call(&call),
            false => client.redirect_call(&call),
        };
        match (c.fails, result) {
            (None, Ok(())) => {}
            (Some((status, http)), Err(err)) => assert_eq!(
                (err.status, err.http_status, err.attempts),
                (status, http, 1),
                "{}",
                c.what
            ),
            (want, got) => panic!("{}: wanted failure {want:?}, got {got:?}", c.what),
        }
        assert_eq!(call_requests(&sim, &call), c.requests, "{}", c.what);
    }
}

#[test]
fn exhausted_retries_report_the_last_error_and_the_attempts() {
    let sim = sim();
    let always_503 = Fault {
        count: 10,
        ..status(503)
    };
    let call = faulty_call(&sim, always_503);
    let err = client(basic(&sim)).redirect_call(&call).unwrap_err();
    assert_eq!(
        (err.status, err.http_status, err.attempts),
        (Status::Server, 503, 3)
    );
    assert!(err.message.contains("attempts: 3"), "{}", err.message);
    assert_eq!(call_requests(&sim, &call), 3);

    // max_attempts is honoured both ways.
    let config = ClientConfig {
        max_attempts: Some(5),
        ..basic(&sim)
    };
    let err = client(config).hangup_call(&call).unwrap_err();
    assert_eq!(err.attempts, 5);
    assert_eq!(call_requests(&sim, &call), 8);
}

#[test]
fn retry_after_beyond_the_time_budget_returns_at_once() {
    let sim = sim();
    let call = faulty_call(&sim, retry_after(429, "10"));
    let config = ClientConfig {
        timeout: Some(Duration::from_secs(2)),
        ..basic(&sim)
    };
    let started = Instant::now();
    let err = client(config).redirect_call(&call).unwrap_err();
    // Generous bound: the point is "no 10 s sleep", not a precise time.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.status, Status::RateLimited);
    assert_eq!(err.retry_after, Some(Duration::from_secs(10)));
    assert_eq!(err.attempts, 1);
    assert!(err.message.contains("time budget"), "{}", err.message);
    assert_eq!(call_requests(&sim, &call), 1);
}

#[test]
fn retry_after_is_capped_at_30_seconds() {
    let sim = sim();
    // One attempt: the cap shows in the error, with no 30 s wait.
    let config = ClientConfig {
        max_attempts: Some(1),
        ..basic(&sim)
    };
    let call = faulty_call(&sim, retry_after(503, "3600"));
    let err = client(config).hangup_call(&call).unwrap_err();
    assert_eq!(err.retry_after, Some(Duration::from_secs(30)));
}

#[test]
fn connection_refused_is_retried_even_for_a_redirect() {
    let config = basic_at(format!("http://127.0.0.1:{}/api/v2", closed_port()));
    let err = client(config).redirect_call("c-1").unwrap_err();
    assert_eq!(
        (err.status, err.http_status, err.attempts),
        (Status::Connect, 0, 3)
    );
}

#[test]
fn a_slow_server_times_out_without_retrying_a_redirect() {
    let sim = sim();
    let slow = Fault {
        delay: Duration::from_secs(30),
        ..Fault::default()
    };
    let call = faulty_call(&sim, slow);
    let config = ClientConfig {
        timeout: Some(Duration::from_millis(500)),
        ..basic(&sim)
    };
    let started = Instant::now();
    let err = client(config).redirect_call(&call).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!((err.status, err.attempts), (Status::Timeout, 1));
    assert_eq!(call_requests(&sim, &call), 1);
}

/// A keep-alive server that answers one request per connection, then
/// closes it (as a server does when its idle timeout fires) and reports
/// each close on `closed`. Returns its base URL.
fn one_request_per_connection_server(closed: mpsc::Sender<()>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v2", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if let Ok(Some(_)) = read_request(&mut reader) {
                stream.write_all(OK_KEEP_ALIVE).unwrap();
            }
            drop((reader, stream));
            if closed.send(()).is_err() {
                return;
            }
        }
    });
    url
}

#[test]
fn a_pooled_connection_the_server_closed_is_not_used() {
    let (closed_tx, closed) = mpsc::channel();
    let config = ClientConfig {
        max_attempts: Some(1),
        ..basic_at(one_request_per_connection_server(closed_tx))
    };
    let client = client(config);
    for _ in 0..20 {
        // The server closed the previous (pooled) connection before this
        // call starts; with retries off, the call must still succeed.
        client.redirect_call("c-1").unwrap();
        closed.recv().unwrap();
    }
}

/// A server that serves connections one at a time. On each, if `answer`,
/// it answers one request with keep-alive; then it waits until (another)
/// request starts arriving and closes without reading it, so TCP resets
/// the connection ("data lost"), as when a server's idle timeout fires
/// just as the client reuses the connection.
struct ResettingServer {
    url: String,
    /// Requests read and answered.
    read: Arc<AtomicUsize>,
    /// Connections accepted.
    conns: Arc<AtomicUsize>,
}

impl ResettingServer {
    fn start(answer: bool) -> ResettingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/api/v2", listener.local_addr().unwrap());
        let (read, conns) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (r, c) = (Arc::clone(&read), Arc::clone(&conns));
        thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                c.fetch_add(1, Ordering::SeqCst);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if answer {
                    if let Ok(Some(_)) = read_request(&mut reader) {
                        r.fetch_add(1, Ordering::SeqCst);
                        stream.write_all(OK_KEEP_ALIVE).unwrap();
                    }
                }
                // Blocks until bytes arrive (or the client closes); then the
                // stream is dropped with them unread.
                let _ = stream.peek(&mut [0]);
            }
        });
        ResettingServer { url, read, conns }
    }

    /// A client of this server with three attempts per call.
    fn client(&self) -> Client {
        client(ClientConfig {
            max_attempts: Some(3),
            ..basic_at(self.url.clone())
        })
    }

    fn requests_answered(&self) -> usize {
        self.read.load(Ordering::SeqCst)
    }

    fn connections(&self) -> usize {
        self.conns.load(Ordering::SeqCst)
    }
}

#[test]
fn a_reset_after_sending_is_not_resent_for_a_redirect() {
    // Connection 0 answers the first call, then resets when the second
    // call reuses it. The client cannot tell an unread request from one
    // the server acted on, so the redirect is not sent again.
    let server = ResettingServer::start(true);
    let client = server.client();
    client.redirect_call("c-1").unwrap();
    let err = client.redirect_call("c-1").unwrap_err();
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::Connect, 1, true),
        "{err}"
    );
    assert_eq!(server.connections(), 1, "connections");
    // The client goes on, on a new connection.
    client.hangup_call("c-1").unwrap();
    assert_eq!(server.requests_answered(), 2, "requests answered");
    assert_eq!(server.connections(), 2, "connections");
}

#[test]
fn a_server_that_always_resets_gets_each_attempt_once() {
    let server = ResettingServer::start(false);
    let client = server.client();
    let err = client.redirect_call("c-1").unwrap_err();
    assert_eq!((err.status, err.attempts), (Status::Connect, 1), "{err}");
    assert_eq!(server.connections(), 1, "no resend");
    let err = client.hangup_call("c-1").unwrap_err();
    assert_eq!((err.status, err.attempts), (Status::Connect, 3), "{err}");
    assert_eq!(server.connections(), 4, "one connection per attempt");
    assert_eq!(server.requests_answered(), 0);
}
