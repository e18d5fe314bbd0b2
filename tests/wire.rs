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
