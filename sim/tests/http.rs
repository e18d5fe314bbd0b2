//! Wire-level behaviour of the hand-rolled HTTP/1.1 server, and the binary.
mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn get_call_request(id: &str, extra: &str) -> String {
    format!("GET /api/v2/accounts/{ACCOUNT}/calls/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: {BASIC}\r\n{extra}\r\n")
}

#[test]
fn thousands_of_keep_alive_requests() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let mut raw = Raw::connect(sim.addr());
    let url = format!("{}/sim/app/x", sim.url());
    let body = json!({"redirectUrl": url, "tag": "t"}).to_string();
    for i in 0..3000 {
        let resp = if i % 2 == 0 {
            raw.request(get_call_request(&id, "").as_bytes())
        } else {
            let req = format!(
                "POST /api/v2/accounts/{ACCOUNT}/calls/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: {BASIC}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            raw.request(req.as_bytes())
        };
        assert_eq!(resp.status, 200, "request {i}");
        assert!(resp.header("connection").is_none());
    }
    assert_eq!(sim.requests().len(), 3000);
    assert_eq!(sim.wait_webhooks(1500, LONG).len(), 1500);
}

#[test]
fn connection_close_and_http10() {
    let sim = start();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let mut raw = Raw::connect(sim.addr());
    let resp = raw.request(get_call_request(&id, "Connection: close\r\n").as_bytes());
    assert_eq!(
        (resp.status, resp.header("connection")),
        (200, Some("close"))
    );
    assert!(raw.is_closed());

    let mut raw = Raw::connect(sim.addr());
    let req = format!(
        "GET /api/v2/accounts/{ACCOUNT}/calls/{id} HTTP/1.0\r\nAuthorization: {BASIC}\r\n\r\n"
    );
    assert_eq!(raw.request(req.as_bytes()).status, 200);
    assert!(raw.is_closed(), "HTTP/1.0 without keep-alive closes");
}

#[test]
fn size_limits_and_malformed_requests() {
    let sim = start();
    let mut raw = Raw::connect(sim.addr());
    let huge = format!(
        "GET /sim/calls/x HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    assert_eq!(raw.request(huge.as_bytes()).status, 431);
    assert!(raw.is_closed());

    let mut raw = Raw::connect(sim.addr());
    let req = "POST /sim/calls HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n";
    assert_eq!(raw.request(req.as_bytes()).status, 413);

    for bad in [
        "NONSENSE\r\n\r\n",
        "GET /x HTTP/1.1\r\nno colon here\r\n\r\n",
        "GET /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    ] {
        let mut raw = Raw::connect(sim.addr());
        assert_eq!(raw.request(bad.as_bytes()).status, 400, "{bad:?}");
    }
}

#[test]
fn chunked_bodies_and_expect_continue() {
    let sim = start();
    let mut raw = Raw::connect(sim.addr());
    let body = r#"{"callId":"c-chunked"}"#;
    let (a, b) = body.split_at(10);
    let req = format!(
        "POST /sim/calls HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x};ext=1\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    let resp = raw.request(req.as_bytes());
    assert_eq!(
        (resp.status, resp.json()["callId"].clone()),
        (201, json!("c-chunked"))
    );

    let body = r#"{"callId":"c-expect"}"#;
    let head = format!(
        "POST /sim/calls HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    raw.write(head.as_bytes());
    let interim = raw.read_interim();
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");
    let resp = raw.request(body.as_bytes());
    assert_eq!(resp.status, 201);
    assert!(sim.call("c-expect").is_some());
}

#[test]
fn drop_stops_the_server() {
    let sim = start();
    let addr = sim.addr();
    let id = sim.create_call(ACCOUNT, CallState::Answered);
    let mut idle = Raw::connect(addr);
    assert_eq!(
        idle.request(get_call_request(&id, "").as_bytes()).status,
        200
    );
    drop(sim);
    assert!(idle.is_closed(), "idle keep-alive connections are cut");
    assert!(TcpStream::connect(addr).is_err(), "listener is closed");
}

#[test]
fn binary_prints_listening_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bwvoice-sim"))
        .args([
            "--port",
            "0",
            "--username",
            "u2",
            "--password",
            "p2",
            "--webhook-timeout-ms",
            "500",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let created = post_json(&format!("{url}/sim/calls"), &json!({})).json();
    let path = format!(
        "{url}/api/v2/accounts/{ACCOUNT}/calls/{}",
        created["callId"].as_str().unwrap()
    );
    assert_eq!(
        send("GET", &path, &[("Authorization", "Basic dTI6cDI=")], "").status,
        200
    ); // u2:p2
    assert_eq!(
        send("GET", &path, &[("Authorization", BASIC)], "").status,
        401
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let bad = Command::new(env!("CARGO_BIN_EXE_bwvoice-sim"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
}
