//! Reading what reached the simulator, and its unauthenticated control API.

use super::Simulator;
use bwvoice_sim::LoggedRequest;
use std::io::{Read, Write};
use std::net::TcpStream;

/// RFC 3986 unreserved characters stay, every other byte is `%XX`: how the
/// client must encode an id as one path segment or a query value.
pub fn encoded(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The header `name` (lowercase) of a logged request.
pub fn logged_header<'a>(request: &'a LoggedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// `POST /sim/{path}` on the control API with a JSON body; the status code
/// and the body of the answer.
pub fn sim_post(sim: &Simulator, path: &str, body: &serde_json::Value) -> (u16, String) {
    let body = body.to_string();
    let mut conn = TcpStream::connect(sim.addr()).unwrap();
    write!(
        conn,
        "POST /sim/{path} HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    let code = reply[9..12].parse().unwrap();
    let body = reply
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (code, body)
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Returns once the wall clock has moved past the millisecond it read
/// first (a bounded spin of at most a second), so that the next call the
/// simulator stores gets a later start time than the previous one.
pub fn next_millisecond() {
    let start = now_ms();
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while now_ms() <= start {
        assert!(
            std::time::Instant::now() < give_up,
            "the clock stands still"
        );
        std::hint::spin_loop();
    }
}
