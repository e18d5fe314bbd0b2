//! A webhook receiver on 127.0.0.1 for the tests: records each request and
//! answers it with a fixed status and body.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug)]
pub struct Received {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Lowercased names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub struct Receiver {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    rx: mpsc::Receiver<Received>,
}

/// What the receiver answers to every request: a BXML document.
pub const ANSWER_BXML: &str =
    "<Response><SpeakSentence>Hi from the receiver</SpeakSentence></Response>";

impl Receiver {
    /// Serves until the test process ends; each connection carries one
    /// request.
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let mut headers = Vec::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((n, v)) = h.split_once(':') {
                        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
                    }
                }
                let len = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ANSWER_BXML}",
                    ANSWER_BXML.len()
                );
                let _ = stream.write_all(reply.as_bytes());
                let received = Received {
                    method: method.to_string(),
                    target: target.to_string(),
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                if tx.send(received).is_err() {
                    return;
                }
            }
        });
        Receiver { url, rx }
    }

    /// The next request received; panics if none comes within 20 s.
    pub fn next(&self) -> Received {
        self.rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the receiver got no request")
    }

    /// Requests received so far, without waiting.
    pub fn pending(&self) -> Vec<Received> {
        self.rx.try_iter().collect()
    }
}
