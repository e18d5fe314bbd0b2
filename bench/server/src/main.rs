//! The bench's loopback server: HTTP/1.1 with keep-alive, one thread per
//! connection, answering "Update active call" `200 OK` with an empty body,
//! "Get call state" with one fixed `callState` and "Create call" `201
//! Created` with one fixed `createCallResponse` (optionally after
//! `--delay-ms`). It checks that each request looks like one of the three
//! (POST to .../accounts/{a}/calls/{c} with a JSON content type and a body
//! naming the redirect URL or ending the call; a bodiless GET there; POST
//! to .../accounts/{a}/calls with a JSON body naming an application and the
//! URL; each with the expected Authorization) and counts the ones that do
//! not; `GET /__stats` reports the counts, so the bench can prove every
//! side sent the same thing.
//!
//! Usage: bwvoice-bench-server [--delay-ms N] [--port-file PATH]
//!        [--expect-auth VALUE] [--expect-body-contains TEXT] [--tls-ca PATH]
//! Binds 127.0.0.1 only, on a free port, written to --port-file (and stdout).
//! With --tls-ca it speaks HTTPS (rustls) with a certificate for 127.0.0.1
//! from a private CA made at startup, whose certificate it writes to PATH.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
/// A hang-up's body, accepted beside a redirect's.
const HANGUP: &[u8] = br#"{"state":"completed"}"#;
/// A typical answered call, as Bandwidth returns it.
const CALL_STATE: &str = r#"{"applicationId":"04e88489-df02-4e34-a0ee-27a91849555f","accountId":"9900000","callId":"c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85","parentCallId":null,"to":"+19195551234","from":"+19195554321","direction":"outbound","state":"answered","stirShaken":null,"identity":null,"enqueuedTime":"2022-06-16T13:15:07.160Z","startTime":"2022-06-16T13:15:07.160Z","answerTime":"2022-06-16T13:15:18.126Z","endTime":null,"disconnectCause":null,"errorMessage":null,"errorId":null,"lastUpdate":"2022-06-16T13:15:18.126Z"}"#;
/// A placed call, as Bandwidth answers "Create call" (the spec's example).
const CREATED_CALL: &str = r#"{"applicationId":"04e88489-df02-4e34-a0ee-27a91849555f","accountId":"9900000","callId":"c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85","to":"+19195551234","from":"+19195554321","enqueuedTime":"2022-06-16T13:15:07.160Z","callUrl":"https://voice.bandwidth.com/api/v2/accounts/9900000/calls/c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85","callTimeout":30,"callbackTimeout":15,"tag":null,"answerMethod":"POST","answerUrl":"https://app.example/next","answerFallbackMethod":"POST","answerFallbackUrl":null,"disconnectMethod":"POST","disconnectUrl":null,"username":null,"password":null,"fallbackUsername":null,"fallbackPassword":null,"priority":5}"#;
/// What a createCall body must name besides the expected text.
const CREATE_FIELD: &[u8] = br#""applicationId":"#;
const MAX_HEAD: usize = 64 * 1024;

struct Config {
    delay: Duration,
    expect_auth: Option<String>,
    expect_body: Option<String>,
}

#[derive(Default)]
struct Stats {
    requests: AtomicU64,
    bad: AtomicU64,
    connections: AtomicU64,
}

fn main() {
    let mut delay_ms = 0u64;
    let mut port_file = None;
    let mut expect_auth = None;
    let mut expect_body = None;
    let mut tls_ca = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--delay-ms" => delay_ms = value().parse().unwrap_or_else(|_| usage("bad --delay-ms")),
            "--port-file" => port_file = Some(value()),
            "--expect-auth" => expect_auth = Some(value()),
            "--expect-body-contains" => expect_body = Some(value()),
            "--tls-ca" => tls_ca = Some(value()),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    // Before the port file appears, so a reader of it finds the CA too.
    let tls = tls_ca.map(|path| Arc::new(tls_config(&path)));
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local addr").port();
    if let Some(path) = port_file {
        // Write then rename, so a reader never sees a partial file.
        let tmp = format!("{path}.tmp");
        std::fs::write(&tmp, format!("{port}\n")).expect("write port file");
        std::fs::rename(&tmp, &path).expect("rename port file");
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://127.0.0.1:{port}");
    let config = Arc::new(Config {
        delay: Duration::from_millis(delay_ms),
        expect_auth,
        expect_body,
    });
    let stats = Arc::new(Stats::default());
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (config, stats, tls) = (Arc::clone(&config), Arc::clone(&stats), tls.clone());
        stats.connections.fetch_add(1, Ordering::Relaxed);
        std::thread::Builder::new()
            // rustls needs more stack than the plain path.
            .stack_size(if tls.is_some() { 256 * 1024 } else { 64 * 1024 })
            .spawn(move || {
                if stream.set_nodelay(true).is_err() {
                    return;
                }
                let _ = match tls {
                    None => serve(stream, &config, &stats),
                    Some(tls) => match ServerConnection::new(tls) {
                        Ok(conn) => serve(StreamOwned::new(conn, stream), &config, &stats),
                        Err(_) => return,
                    },
                };
            })
            .expect("spawn connection thread");
    }
}

fn usage(why: &str) -> ! {
    eprintln!("bwvoice-bench-server: {why}");
    eprintln!("usage: bwvoice-bench-server [--delay-ms N] [--port-file PATH] [--expect-auth V] [--expect-body-contains T] [--tls-ca PATH]");
    std::process::exit(2);
}

/// A private CA (its certificate written to `ca_path`) and a server
/// certificate it signed for 127.0.0.1.
fn tls_config(ca_path: &str) -> ServerConfig {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "bwvoice bench CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    std::fs::write(ca_path, ca.pem()).expect("write the CA certificate");
    let key = KeyPair::generate().expect("server key");
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .expect("server params")
        .signed_by(&key, &ca)
        .expect("server certificate");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server TLS config")
}

/// Serves one keep-alive connection until the client closes it.
fn serve(mut stream: impl Read + Write, config: &Config, stats: &Stats) -> io::Result<()> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut len = 0; // bytes in buf
    loop {
        // Read until the end of the head.
        let head_end = loop {
            if let Some(i) = find(&buf[..len], b"\r\n\r\n") {
                break i + 4;
            }
            if len == buf.len() {
                if buf.len() >= MAX_HEAD {
                    return Ok(());
                }
                buf.resize(buf.len() * 2, 0);
            }
            let n = stream.read(&mut buf[len..])?;
            if n == 0 {
                return Ok(());
            }
            len += n;
        };
        let (request, head_ok) = {
            let head = parse_head(std::str::from_utf8(&buf[..head_end]).unwrap_or(""));
            let ok = head_looks_right(&head, config);
            (
                Summary {
                    stats: head.method == "GET" && head.path == "/__stats",
                    get: head.method == "GET",
                    create: head.method == "POST" && target(head.path) == Target::Calls,
                    content_length: head.content_length,
                    close: head.close,
                },
                ok,
            )
        };
        // Read the body.
        let total = head_end + request.content_length;
        if buf.len() < total {
            buf.resize(total, 0);
        }
        while len < total {
            let n = stream.read(&mut buf[len..])?;
            if n == 0 {
                return Ok(());
            }
            len += n;
        }
        if request.stats {
            let body = format!(
                "{{\"requests\":{},\"bad\":{},\"connections\":{}}}",
                stats.requests.load(Ordering::Relaxed),
                stats.bad.load(Ordering::Relaxed),
                stats.connections.load(Ordering::Relaxed),
            );
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes())?;
        } else {
            let body = &buf[head_end..total];
            stats.requests.fetch_add(1, Ordering::Relaxed);
            let body_ok = if request.get {
                body.is_empty()
            } else if request.create {
                find(body, CREATE_FIELD).is_some() && expected_body(config, body)
            } else if body == HANGUP {
                true
            } else {
                expected_body(config, body)
            };
            if !(head_ok && body_ok) {
                stats.bad.fetch_add(1, Ordering::Relaxed);
            }
            if !config.delay.is_zero() {
                std::thread::sleep(config.delay);
            }
            if request.get {
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{CALL_STATE}",
                    CALL_STATE.len()
                );
                stream.write_all(reply.as_bytes())?;
            } else if request.create {
                let reply = format!(
                    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{CREATED_CALL}",
                    CREATED_CALL.len()
                );
                stream.write_all(reply.as_bytes())?;
            } else {
                stream.write_all(OK)?;
            }
        }
        let close = request.close;
        // Keep any pipelined bytes that followed this request.
        buf.copy_within(total..len, 0);
        len -= total;
        if close {
            return Ok(());
        }
    }
}

struct Summary {
    stats: bool,
    /// A "Get call state" request, answered with `CALL_STATE`.
    get: bool,
    /// A "Create call" request, answered with `CREATED_CALL`.
    create: bool,
    content_length: usize,
    close: bool,
}

struct Head<'a> {
    method: &'a str,
    path: &'a str,
    content_length: usize,
    content_type: &'a str,
    authorization: &'a str,
    close: bool,
}

fn parse_head(head: &str) -> Head<'_> {
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let mut out = Head {
        method: start.next().unwrap_or(""),
        path: start.next().unwrap_or(""),
        content_length: 0,
        content_type: "",
        authorization: "",
        close: false,
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            out.content_length = value.parse().unwrap_or(0);
        } else if name.eq_ignore_ascii_case("content-type") {
            out.content_type = value;
        } else if name.eq_ignore_ascii_case("authorization") {
            out.authorization = value;
        } else if name.eq_ignore_ascii_case("connection") {
            out.close = value.eq_ignore_ascii_case("close");
        }
    }
    out
}

/// What a request's path addresses.
#[derive(PartialEq)]
enum Target {
    /// `.../accounts/{a}/calls/{c}`: one call.
    Call,
    /// `.../accounts/{a}/calls`: the account's calls (createCall).
    Calls,
    Other,
}

fn target(path: &str) -> Target {
    let Some((account, tail)) = path
        .split_once("/accounts/")
        .and_then(|(_, rest)| rest.split_once("/calls"))
    else {
        return Target::Other;
    };
    if account.is_empty() || account.contains('/') {
        return Target::Other;
    }
    match tail.strip_prefix('/') {
        _ if tail.is_empty() => Target::Calls,
        Some(call) if !call.is_empty() && !call.contains('/') => Target::Call,
        _ => Target::Other,
    }
}

fn head_looks_right(request: &Head, config: &Config) -> bool {
    let auth_ok = config
        .expect_auth
        .as_deref()
        .is_none_or(|want| request.authorization == want);
    let json = request.content_type.starts_with("application/json");
    let shape_ok = match (request.method, target(request.path)) {
        ("POST", Target::Call | Target::Calls) => json,
        ("GET", Target::Call) => request.content_length == 0,
        _ => false,
    };
    shape_ok && auth_ok
}

/// The body names `--expect-body-contains`, when given.
fn expected_body(config: &Config, body: &[u8]) -> bool {
    config
        .expect_body
        .as_deref()
        .is_none_or(|want| find(body, want.as_bytes()).is_some())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
