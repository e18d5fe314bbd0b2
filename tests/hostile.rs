//! Servers that misbehave on purpose (tests/common `HostileServer`): every
//! call must end with the right status within its time budget, and the same
//! client must work for the next call. Budgets are 1 s; "no hang" is
//! asserted with a generous bound so a loaded machine cannot fail it.
#![allow(clippy::result_large_err)] // `Error` by value, as in the library

mod common;

use common::*;
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(1);
/// Generous upper bound for "did not hang" (5x the budget).
const NO_HANG: Duration = Duration::from_secs(5);
/// Must never appear in an error (nor the server's token, "t0k3n").
const PASSWORD: &str = "pw-Hq7xR2";

fn config(server: &HostileServer, oauth2: bool) -> ClientConfig {
    let auth = if oauth2 {
        Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: SECRET.into(),
            token_url: Some(format!("{}/api/v1/oauth2/token", server.url)),
        }
    } else {
        Auth::Basic {
            username: "user".into(),
            password: PASSWORD.into(),
        }
    };
    ClientConfig {
        base_url: Some(format!("{}/api/v2", server.url)),
        connect_timeout: Some(BUDGET),
        timeout: Some(BUDGET),
        ..ClientConfig::new(auth)
    }
}

#[derive(Clone, Copy)]
enum Call {
    Redirect,
    Hangup,
    /// A redirect with OAuth2, so the first request goes to the token endpoint.
    OAuth2,
}

impl Call {
    /// Runs this call against a server that answers its first request with
    /// `first`, checks it ends within the bound, then checks the same
    /// client succeeds against the same (now well-behaved) server. Returns
    /// the first call's outcome.
    fn against(self, case: &str, first: Behaviour) -> Result<(), Error> {
        let server = HostileServer::start([first]);
        let client = client(config(&server, matches!(self, Call::OAuth2)));
        let run = || match self {
            Call::Hangup => client.hangup_call("c-1"),
            _ => client.redirect_call("c-1"),
        };
        let started = Instant::now();
        let outcome = run();
        let elapsed = started.elapsed();
        let status = outcome.as_ref().err().map_or("OK", |e| e.status.name());
        eprintln!("{case:<45} {status:<22} {elapsed:>8.2?}");
        assert!(elapsed < NO_HANG, "{case}: took {elapsed:?}");
        if let Err(e) = &outcome {
            assert!(!e.message.is_empty());
            assert_clean(e, &[PASSWORD, "t0k3n"]);
            // Each attempt is a request the server read (with OAuth2 the token
            // requests come on top), so `attempts` is never a guess.
            if !matches!(self, Call::OAuth2) {
                assert_eq!(
                    server.requests(),
                    e.attempts as usize,
                    "{case}: requests read"
                );
            }
        }
        run().unwrap_or_else(|e| panic!("{case}: the next call failed: {e}"));
        outcome
    }

    /// [`Call::against`], where the first call must fail.
    fn fails(self, case: &str, first: Behaviour) -> Error {
        self.against(case, first).expect_err(case)
    }
}

fn http(head: &str, body: &[u8]) -> Vec<u8> {
    [head.replace('\n', "\r\n").as_bytes(), b"\r\n", body].concat()
}

#[test]
fn stall_before_the_status_line_times_out() {
    let stall = || Behaviour::WriteThenStall(vec![]);
    let err = Call::Redirect.fails("stall before the status line", stall());
    assert_eq!((err.status, err.attempts), (Status::Timeout, 1));
    // A hang-up is retried after a timeout, but never past the budget.
    let err = Call::Hangup.fails("stall before the status line (hang-up)", stall());
    assert_eq!(err.status, Status::Timeout);
}

#[test]
fn stall_mid_headers_times_out() {
    let partial_head = Behaviour::WriteThenStall(b"HTTP/1.1 200 OK\r\nContent-Le".to_vec());
    let err = Call::Redirect.fails("stall mid-headers", partial_head);
    assert_eq!(err.status, Status::Timeout);
}

#[test]
fn one_byte_per_second_times_out() {
    let drip = Behaviour::Drip(OK_KEEP_ALIVE.to_vec());
    let err = Call::Redirect.fails("drip one byte per second", drip);
    assert_eq!(err.status, Status::Timeout);
}

#[test]
fn reset_mid_body_keeps_the_status() {
    let head = "HTTP/1.1 404 Not Found\nContent-Type: application/json\nContent-Length: 100\n";
    let reset = Behaviour::WriteThenReset(http(head, b"{\"type\":\"not-"));
    let err = Call::Redirect.fails("reset mid-body (404)", reset);
    assert_eq!((err.status, err.http_status), (Status::NotFound, 404));
    assert!(err.message.contains("body unreadable"), "{}", err.message);
}

/// A server that reads the whole request, then resets the connection
/// (it may have acted on it): a redirect is never sent again.
#[test]
fn a_redirect_read_then_reset_is_sent_exactly_once() {
    // On a fresh connection.
    let server = HostileServer::start([Behaviour::WriteThenReset(vec![])]);
    let fresh = client(config(&server, false));
    let err = fresh.redirect_call("c-1").unwrap_err();
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::Connect, 1, true)
    );
    assert_eq!(server.requests(), 1, "the server read the redirect once");
    drop(server);

    // On a reused keep-alive connection.
    let server = HostileServer::start([Behaviour::Normal, Behaviour::WriteThenReset(vec![])]);
    let reused = client(config(&server, false));
    reused.redirect_call("c-1").unwrap();
    let err = reused.redirect_call("c-1").unwrap_err();
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::Connect, 1, true)
    );
    assert_eq!(server.requests(), 2, "one request per call");
    // The client still works.
    reused.redirect_call("c-1").unwrap();
}

/// A hang-up is harmless to repeat: after the same reset it is retried,
/// and every request counts as an attempt.
#[test]
fn a_hangup_read_then_reset_is_retried_and_counted() {
    let server = HostileServer::start([
        Behaviour::WriteThenReset(vec![]),
        Behaviour::Write(http("HTTP/1.1 404 Not Found\nContent-Length: 0\n", b"")),
    ]);
    let client = client(config(&server, false));
    let err = client.hangup_call("c-1").unwrap_err();
    // The 404 may well be the first attempt's doing: it says so.
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::NotFound, 2, true)
    );
    assert_eq!(server.requests(), 2);
}

/// The keep-alive race, made deterministic: the server closes a pooled
/// connection while it is idle; the next redirect goes out on a new one.
#[test]
fn an_idle_connection_closed_by_the_server_never_fails_a_call() {
    let server = HostileServer::start([Behaviour::WriteThenClose(OK_KEEP_ALIVE.to_vec())]);
    let client = client(config(&server, false));
    for round in 1..=3 {
        client.redirect_call("c-1").unwrap();
        // Closed after the first answer; later answers keep it open.
        if round == 1 {
            server.wait_closed(1);
        }
    }
    assert_eq!(server.requests(), 3);
}

#[test]
fn close_without_an_answer_is_a_connect_error() {
    let close = Behaviour::WriteThenClose(vec![]);
    let err = Call::Redirect.fails("close without an answer", close);
    assert_eq!(
        (err.status, err.attempts, err.maybe_applied),
        (Status::Connect, 1, true)
    );
}

#[test]
fn garbage_status_line_is_a_protocol_error() {
    for (case, garbage) in [
        ("garbage status line", &b"SSH-2.0-OpenSSH_9.6\r\n\r\n"[..]),
        ("status code out of range", b"HTTP/1.1 2000 OK\r\n\r\n"),
        ("binary status line", b"\x00\xff\x16\x03\x01\r\n\r\n"),
    ] {
        let err = Call::Redirect.fails(case, Behaviour::WriteThenClose(garbage.to_vec()));
        assert_eq!(err.status, Status::Protocol, "{case}: {err}");
    }
}

#[test]
fn a_100_kib_header_is_a_protocol_error() {
    let big = format!(
        "HTTP/1.1 200 OK\nX-Big: {}\nContent-Length: 0\n",
        "a".repeat(100 * 1024)
    );
    let err = Call::Redirect.fails("100 KiB header", Behaviour::Write(http(&big, b"")));
    assert_eq!(err.status, Status::Protocol);
}

#[test]
fn a_10_mib_body_is_not_buffered() {
    let body = vec![b'x'; 10 << 20];
    let head = format!("HTTP/1.1 500 Oops\nContent-Length: {}\n", body.len());
    let reply = Behaviour::Write(http(&head, &body));
    let err = Call::Redirect.fails("10 MiB body (500)", reply);
    assert_eq!((err.status, err.http_status), (Status::Server, 500));
    assert!(err.message.contains("too large"), "{}", err.message);
    // A success with a huge body is still a success (the body is ignored).
    let head = format!("HTTP/1.1 200 OK\nContent-Length: {}\n", body.len());
    let reply = Behaviour::Write(http(&head, &body));
    Call::Redirect.against("10 MiB body (200)", reply).unwrap();
}

#[test]
fn content_length_shorter_than_the_body() {
    // The 30 extra bytes stay on the keep-alive connection; the next call
    // (on the same client and server) must not read them as its answer.
    let body = br#"{"type":"not-found","description":"the call is gone"}"#;
    let head = "HTTP/1.1 404 Not Found\nContent-Type: application/json\nContent-Length: 20\n";
    let reply = Behaviour::Write(http(head, body));
    let err = Call::Redirect.fails("Content-Length shorter than the body", reply);
    assert_eq!((err.status, err.http_status), (Status::NotFound, 404));
}

#[test]
fn content_length_longer_than_the_body() {
    let reply = http("HTTP/1.1 500 Oops\nContent-Length: 100\n", b"short");
    for (case, behaviour) in [
        (
            "Content-Length longer, then close",
            Behaviour::WriteThenClose(reply.clone()),
        ),
        // The server keeps the connection open: the body never completes.
        ("Content-Length longer, kept open", Behaviour::Write(reply)),
    ] {
        let err = Call::Redirect.fails(case, behaviour);
        assert_eq!(
            (err.status, err.http_status),
            (Status::Server, 500),
            "{case}"
        );
        assert!(
            err.message.contains("body unreadable"),
            "{case}: {}",
            err.message
        );
    }
}

#[test]
fn hostile_token_endpoint() {
    let stall = Behaviour::WriteThenStall(vec![]);
    let err = Call::OAuth2.fails("token endpoint stalls", stall);
    assert_eq!(err.status, Status::Timeout);
    let garbage = Behaviour::WriteThenClose(b"garbage\r\n\r\n".to_vec());
    let err = Call::OAuth2.fails("token endpoint sends garbage", garbage);
    assert_eq!(err.status, Status::Protocol);
    let token = br#"{"access_token":"a\r\nX-Evil: 1","expires_in":60}"#;
    let head = format!("HTTP/1.1 200 OK\nContent-Length: {}\n", token.len());
    let reply = Behaviour::Write(http(&head, token));
    let err = Call::OAuth2.fails("token with CR/LF", reply);
    assert_eq!(err.status, Status::Protocol);
}

/// A server that echoes the request's credentials in its error body: no
/// error field or message may carry them, nor server control characters.
#[test]
fn echoed_credentials_never_reach_the_error() {
    // base64("user:pw-Hq7xR2"), the Basic token the server saw.
    let token = "dXNlcjpwdy1IcTd4UjI=".to_owned();
    for code in ["400 Bad Request", "401 Unauthorized"] {
        let body = format!(
            r#"{{"type":"echo\r\nX-Forged: 1","description":"got Authorization: Basic {token} and password={PASSWORD}","id":"{token}"}}"#
        );
        let head = format!(
            "HTTP/1.1 {code}\nContent-Type: application/json\nContent-Length: {}\n",
            body.len()
        );
        let server = HostileServer::start([Behaviour::Write(http(&head, body.as_bytes()))]);
        let err = client(config(&server, false))
            .redirect_call("c-1")
            .unwrap_err();
        let everything = format!("{err:?} {err}");
        for secret in [PASSWORD, token.as_str()] {
            assert!(!everything.contains(secret), "{code}: {everything}");
        }
        let description = err.description.as_deref().unwrap();
        assert!(
            description.contains("Authorization: Basic <redacted>"),
            "{description}"
        );
        assert_eq!(err.error_type.as_deref(), Some("echo  X-Forged: 1"));
    }
}
