//! A deliberately small HTTP/1.1 server: one thread per connection,
//! keep-alive, Content-Length or chunked request bodies, size caps.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

/// Request line plus headers; larger heads get 431.
pub const MAX_HEAD: u64 = 64 * 1024;
/// Request body cap; larger bodies get 413.
pub const MAX_BODY: usize = 1024 * 1024;

pub struct Request {
    pub method: String,
    /// Raw request target: path plus optional `?query`, still percent-encoded.
    pub target: String,
    /// Lowercased names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// Value of a query parameter, form-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        parse_form(self.query())
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// Work to run after the response has been written and flushed.
pub type After = Box<dyn FnOnce() + Send>;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub after: Option<After>,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            after: None,
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status).with_body("application/json", value.to_string())
    }

    pub fn with_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        self.headers
            .push(("Content-Type".into(), content_type.into()));
        self.body = body.into();
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub enum Reply {
    Send(Response),
    /// Close the connection without answering (simulated network failure).
    Close,
}

pub type Handler = Arc<dyn Fn(Request) -> Reply + Send + Sync>;

/// Accept loop plus the set of open connections, so shutdown can cut them.
#[derive(Default)]
pub struct Server {
    stopping: AtomicBool,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, TcpStream>>,
}

impl Server {
    pub fn accept_loop(self: &Arc<Self>, listener: TcpListener, handler: Handler) {
        for stream in listener.incoming() {
            if self.stopping.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let _ = stream.set_nodelay(true);
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            if let Ok(clone) = stream.try_clone() {
                lock(&self.conns).insert(id, clone);
            }
            let (server, handler) = (Arc::clone(self), Arc::clone(&handler));
            thread::spawn(move || {
                serve_connection(stream, &handler, &server.stopping);
                lock(&server.conns).remove(&id);
            });
        }
    }

    /// Stops accepting (waking `accept` with a dummy connection) and cuts
    /// every open connection so idle keep-alive threads exit too.
    pub fn stop(&self, addr: SocketAddr) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(addr);
        for conn in lock(&self.conns).values() {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn serve_connection(stream: TcpStream, handler: &Handler, stopping: &AtomicBool) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = BufWriter::new(stream);
    loop {
        let req = match read_request(&mut reader, &mut writer) {
            Ok(Some(req)) => req,
            Ok(None) | Err(ReadError::Io) => return,
            Err(ReadError::Bad(status, msg)) => {
                let resp = Response::new(status).with_body("text/plain", msg);
                let _ = write_response(&mut writer, resp, true);
                return;
            }
        };
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let close = !req.keep_alive;
        match handler(req) {
            Reply::Close => return,
            Reply::Send(resp) => {
                if write_response(&mut writer, resp, close).is_err() || close {
                    return;
                }
            }
        }
    }
}

enum ReadError {
    Io,
    Bad(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// Reads one line (with CRLF/LF stripped) of at most `*budget` bytes.
fn read_line(r: &mut impl BufRead, budget: &mut u64) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    let n = r.take(*budget).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    *budget -= n as u64;
    if line.last() != Some(&b'\n') {
        return Err(if *budget == 0 {
            ReadError::Bad(431, "request header too large")
        } else {
            ReadError::Io // EOF in the middle of a line
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// `Ok(None)` means the peer closed cleanly between requests.
fn read_request(
    r: &mut BufReader<TcpStream>,
    w: &mut BufWriter<TcpStream>,
) -> Result<Option<Request>, ReadError> {
    let mut budget = MAX_HEAD;
    let mut line = String::new();
    // Tolerate stray empty lines between requests (RFC 9112 §2.2).
    while line.is_empty() {
        match read_line(r, &mut budget)? {
            Some(l) => line = l,
            None => return Ok(None),
        }
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(ReadError::Bad(400, "malformed request line"));
    }
    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut budget)? else {
            return Err(ReadError::Io);
        };
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(ReadError::Bad(400, "malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
        keep_alive: true,
    };
    let connection = req.header("connection").unwrap_or("").to_ascii_lowercase();
    req.keep_alive = if version == "HTTP/1.0" {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let chunked = match req.header("transfer-encoding") {
        None => false,
        Some(te) if te.eq_ignore_ascii_case("chunked") => true,
        Some(_) => return Err(ReadError::Bad(501, "unsupported transfer-encoding")),
    };
    let length = if chunked {
        None
    } else {
        let mut lengths = req.headers.iter().filter(|(n, _)| n == "content-length");
        match (lengths.next(), lengths.next()) {
            (None, _) => Some(0),
            (Some((_, v)), None) => match v.parse::<usize>() {
                Ok(n) if n > MAX_BODY => return Err(ReadError::Bad(413, "request body too large")),
                Ok(n) => Some(n),
                Err(_) => return Err(ReadError::Bad(400, "invalid content-length")),
            },
            _ => return Err(ReadError::Bad(400, "multiple content-length headers")),
        }
    };
    let has_body = chunked || length.unwrap_or(0) > 0;
    let expects = req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"));
    if has_body && expects {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        w.flush()?;
    }
    req.body = match length {
        Some(n) => {
            let mut body = vec![0; n];
            r.read_exact(&mut body)?;
            body
        }
        None => read_chunked(r)?,
    };
    Ok(Some(req))
}

fn read_chunked(r: &mut impl BufRead) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let line = read_line(r, &mut budget)?.ok_or(ReadError::Io)?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| ReadError::Bad(400, "invalid chunk size"))?;
        if size == 0 {
            break;
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Bad(413, "request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        r.read_exact(&mut crlf)?;
    }
    // Trailer section, ignored.
    let mut budget = MAX_HEAD;
    while !read_line(r, &mut budget)?.ok_or(ReadError::Io)?.is_empty() {}
    Ok(body)
}

fn write_response(w: &mut BufWriter<TcpStream>, mut resp: Response, close: bool) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (name, value) in &resp.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if resp.status == 204 {
        // RFC 9110 §8.6: a 204 carries neither content nor Content-Length.
        resp.body.clear();
    } else {
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    w.write_all(&resp.body)?;
    w.flush()?;
    if let Some(after) = resp.after.take() {
        after();
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Percent-decodes `s` (`+` stays `+`; ids may legitimately contain it);
/// a malformed escape is kept as it is.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Everything except RFC 3986 unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Parses `application/x-www-form-urlencoded` pairs (also used for queries).
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec = |x: &str| percent_decode(&x.replace('+', " "));
            (dec(k), dec(v))
        })
        .collect()
}

pub fn base64_encode(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Decodes standard base64; `None` when it is not.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_roundtrip() {
        for s in ["", "f", "fo", "foo", "foob", "user:pass", "ü:€"] {
            let enc = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&enc).unwrap(), s.as_bytes(), "{enc}");
        }
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
    }

    #[test]
    fn percent_roundtrip() {
        let id = "c-a/b?c#d%e f+g";
        assert_eq!(percent_decode(&percent_encode(id)), id);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
