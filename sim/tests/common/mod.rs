//! Helpers shared by the integration tests: an HTTP client that never turns
//! statuses into errors, and a raw keep-alive client for wire-level checks.
#![allow(dead_code, unused_imports)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub use bwvoice_sim::{CallState, Config, Fault, Outbound, Route, Simulator};
pub use serde_json::{json, Value};

mod receiver;
pub use receiver::{Received, Receiver, ANSWER_BXML};

pub const ACCOUNT: &str = "9900000";
/// base64("user:pass"), the default account credentials.
pub const BASIC: &str = "Basic dXNlcjpwYXNz";
/// base64("client:secret"), the default OAuth2 client credentials.
pub const CLIENT_BASIC: &str = "Basic Y2xpZW50OnNlY3JldA==";
/// A wait that only matters if the simulator is broken.
pub const LONG: Duration = Duration::from_secs(20);

pub fn start() -> Simulator {
    Simulator::start(Config::default()).expect("start simulator")
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request; `headers` are (name, value) pairs.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let mut resp = if body.is_empty() {
        agent.run(req.body(()).unwrap())
    } else {
        agent.run(req.body(body.to_string()).unwrap())
    }
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    Resp {
        status: resp.status().as_u16(),
        headers,
        body: resp.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// The client-credentials token request, authenticated with `authorization`.
pub fn token_request(sim: &Simulator, authorization: &str) -> Resp {
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    send(
        "POST",
        &sim.token_url(),
        &[("Authorization", authorization), form],
        "grant_type=client_credentials",
    )
}

pub fn get(url: &str) -> Resp {
    send("GET", url, &[], "")
}

pub fn post_json(url: &str, body: &Value) -> Resp {
    send(
        "POST",
        url,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

/// The updateCall endpoint URL for `call_id` (percent-encoded).
pub fn call_url(sim: &Simulator, account: &str, call_id: &str) -> String {
    format!(
        "{}/accounts/{}/calls/{}",
        sim.api_url(),
        enc(account),
        enc(call_id)
    )
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// GET the call `call_id` (default account) with this `Authorization` value.
pub fn get_call(sim: &Simulator, call_id: &str, auth: &str) -> Resp {
    send(
        "GET",
        &call_url(sim, ACCOUNT, call_id),
        &[("Authorization", auth)],
        "",
    )
}

/// A request with Basic auth and, when `body` is not empty, a JSON body.
pub fn api(method: &str, url: &str, body: &str) -> Resp {
    let mut headers = vec![("Authorization", BASIC)];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    send(method, url, &headers, body)
}

/// `http://127.0.0.1:PORT/api/v2/accounts/{account}/calls`
pub fn calls_url(sim: &Simulator, account: &str) -> String {
    format!("{}/accounts/{}/calls", sim.api_url(), enc(account))
}

/// A `voiceApiError` body with the given status and type and a non-empty
/// description.
pub fn assert_error(resp: &Resp, status: u16, kind: &str) {
    assert_eq!(resp.status, status, "{}", resp.body);
    let err = resp.json();
    assert_eq!(err["type"], kind, "{}", resp.body);
    assert!(err["description"].as_str().is_some_and(|d| !d.is_empty()));
    // Like Bandwidth, only authentication errors have a null id.
    assert_eq!(
        err["id"].as_str().is_some_and(|id| !id.is_empty()),
        status != 401
    );
}

/// `.../accounts/{account}/conferences/{id}`
pub fn conf_url(sim: &Simulator, account: &str, id: &str) -> String {
    format!(
        "{}/accounts/{}/conferences/{}",
        sim.api_url(),
        enc(account),
        enc(id)
    )
}

/// `.../conferences/{id}/members/{member}` in the default account.
pub fn member_url(sim: &Simulator, id: &str, member: &str) -> String {
    format!("{}/members/{}", conf_url(sim, ACCOUNT, id), enc(member))
}

/// The object's keys, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort_unstable();
    keys
}

/// POST updateCall with Basic auth and a JSON body.
pub fn update(sim: &Simulator, call_id: &str, body: &Value) -> Resp {
    let headers = [
        ("Authorization", BASIC),
        ("Content-Type", "application/json"),
    ];
    send(
        "POST",
        &call_url(sim, ACCOUNT, call_id),
        &headers,
        &body.to_string(),
    )
}

pub fn redirect_to(sim: &Simulator, call_id: &str, url: &str) -> Resp {
    update(sim, call_id, &json!({ "redirectUrl": url }))
}

/// A raw keep-alive connection for wire-level tests.
pub struct Raw {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Raw {
    pub fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(LONG)).unwrap();
        Raw {
            reader: BufReader::new(stream.try_clone().unwrap()),
            stream,
        }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Reads one response, requiring a Content-Length header (none on 204).
    pub fn read_response(&mut self) -> Resp {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = line
            .split(' ')
            .nth(1)
            .unwrap_or_else(|| panic!("status line: {line:?}"));
        let status = status.parse().unwrap();
        let mut headers = Vec::new();
        loop {
            let mut l = String::new();
            self.reader.read_line(&mut l).unwrap();
            let l = l.trim_end();
            if l.is_empty() {
                break;
            }
            let (n, v) = l.split_once(':').unwrap();
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
        let mut resp = Resp {
            status,
            headers,
            body: String::new(),
        };
        if status == 204 {
            assert!(
                resp.header("content-length").is_none(),
                "204 with Content-Length"
            );
            return resp;
        }
        let len: usize = resp
            .header("content-length")
            .expect("Content-Length")
            .parse()
            .unwrap();
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).unwrap();
        resp.body = String::from_utf8(body).unwrap();
        resp
    }

    pub fn request(&mut self, bytes: &[u8]) -> Resp {
        self.write(bytes);
        self.read_response()
    }

    /// Reads an interim (1xx) response head, returned as text.
    pub fn read_interim(&mut self) -> String {
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            self.reader.read_line(&mut head).unwrap();
        }
        head
    }

    /// True if the server closed the connection (EOF or reset) with no more data.
    pub fn is_closed(&mut self) -> bool {
        let mut buf = [0; 1];
        matches!(self.reader.read(&mut buf), Ok(0) | Err(_))
    }
}
