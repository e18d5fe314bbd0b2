//! What the client puts on the socket.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

/// The request head and body go out in one write, as libcurl and Go's
/// net/http send them: a server that reads once gets all of it (on
/// loopback, one write arrives as one segment).
#[test]
fn a_request_arrives_in_one_piece() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = vec![0; 64 * 1024];
        let n = conn.read(&mut buf).unwrap();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    let mut config = basic_at(format!("http://127.0.0.1:{port}/api/v2"));
    config.max_attempts = Some(1);
    client(config)
        .modify_call(ACCOUNT, "c-1", &redirect(), &CallOptions::default())
        .unwrap();
    let first_read = server.join().unwrap();
    let body = redirect().to_json();
    assert!(
        first_read.ends_with(&format!("\r\n\r\n{body}")),
        "first read: {first_read:?}"
    );
    assert!(first_read.contains(&format!("content-length: {}\r\n", body.len())));
}

/// The simulator states Bandwidth's field limits on its own; they must be
/// the library's, and a request at every limit must pass both.
#[test]
fn the_longest_fields_the_library_allows_the_server_accepts() {
    use bwvoice::{MAX_CREDENTIAL_CHARS, MAX_TAG_CHARS};
    assert_eq!(
        (MAX_TAG_CHARS, MAX_CREDENTIAL_CHARS),
        (
            bwvoice_sim::MAX_TAG_CHARS,
            bwvoice_sim::MAX_CREDENTIAL_CHARS
        )
    );
    let sim = sim();
    let call = sim.create_call(ACCOUNT, CallState::Answered);
    // Two-byte characters: the limits count characters, not bytes.
    let longest = ModifyCallRequest {
        tag: Some("é".repeat(MAX_TAG_CHARS)),
        username: Some("é".repeat(MAX_CREDENTIAL_CHARS)),
        password: Some("é".repeat(MAX_CREDENTIAL_CHARS)),
        ..redirect_to_sim(&sim)
    };
    client(basic(&sim))
        .modify_call(ACCOUNT, &call, &longest, &CallOptions::default())
        .unwrap();
    let too_long = ModifyCallRequest {
        tag: Some("é".repeat(MAX_TAG_CHARS + 1)),
        ..longest
    };
    let err = client(basic(&sim))
        .modify_call(ACCOUNT, &call, &too_long, &CallOptions::default())
        .unwrap_err();
    assert_eq!(
        (err.status, err.field),
        (Status::InvalidArgument, Some("tag"))
    );
    assert_eq!(sim.requests().len(), 1, "nothing sent for the long tag");
}
