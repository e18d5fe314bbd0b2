//! Helpers shared by the transport integration tests: the simulator, client
//! configurations pointing at it, and tiny raw HTTP servers on loopback.
#![allow(dead_code, unused_imports)]

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

pub mod ops;
pub mod wire;
pub use wire::*;

pub use bwvoice::{Auth, CallOptions, Client, ClientConfig, Error, ModifyCallRequest, Status};
pub use bwvoice_sim::{CallState, Config as SimConfig, Fault, Simulator};

pub const ACCOUNT: &str = "9900000";
/// The OAuth2 client secret the simulator accepts; must never appear in a message.
pub const SECRET: &str = "s3cr3t-Zq9";

pub fn sim() -> Simulator {
    Simulator::start(SimConfig {
        client_secret: SECRET.into(),
        ..SimConfig::default()
    })
    .expect("start simulator")
}

/// Basic credentials against the simulator.
pub fn basic(sim: &Simulator) -> ClientConfig {
    basic_at(sim.api_url())
}

/// Basic credentials against any base URL.
pub fn basic_at(base_url: String) -> ClientConfig {
    ClientConfig {
        base_url: Some(base_url),
        ..ClientConfig::new(Auth::Basic {
            username: "user".into(),
            password: "pass".into(),
        })
    }
}

/// OAuth2 client credentials against the simulator's token endpoint.
pub fn oauth(sim: &Simulator) -> ClientConfig {
    ClientConfig {
        base_url: Some(sim.api_url()),
        ..ClientConfig::new(Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: SECRET.into(),
            token_url: Some(sim.token_url()),
        })
    }
}

pub fn client(config: ClientConfig) -> Client {
    Client::new(config).expect("client")
}

/// The two calls most tests make, on [`ACCOUNT`] with the default options.
#[allow(clippy::result_large_err)] // `Error` by value, as in the library
pub trait DefaultCalls {
    /// Redirects `call_id` with [`redirect`].
    fn redirect_call(&self, call_id: &str) -> Result<(), Error>;
    /// Hangs up `call_id`.
    fn hangup_call(&self, call_id: &str) -> Result<(), Error>;
}

impl DefaultCalls for Client {
    fn redirect_call(&self, call_id: &str) -> Result<(), Error> {
        self.modify_call(ACCOUNT, call_id, &redirect(), &CallOptions::default())
    }

    fn hangup_call(&self, call_id: &str) -> Result<(), Error> {
        self.hangup(ACCOUNT, call_id, &CallOptions::default())
    }
}

/// A redirect whose callback the simulator cannot deliver (relative URL):
/// the call ends ("callback-error") soon after, so use it once per call.
pub fn redirect() -> ModifyCallRequest {
    ModifyCallRequest::redirect("/next")
}

/// A redirect to the simulator's own webhook receiver: the call stays up.
pub fn redirect_to_sim(sim: &Simulator) -> ModifyCallRequest {
    ModifyCallRequest::redirect(format!("{}/sim/app/next", sim.url()))
}

/// Requests the simulator received for the token endpoint.
pub fn token_requests(sim: &Simulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path == "/api/v1/oauth2/token")
        .count()
}

/// Requests the simulator received for call `call_id` (any account).
pub fn call_requests(sim: &Simulator, call_id: &str) -> usize {
    let suffix = format!("/calls/{call_id}");
    sim.requests()
        .iter()
        .filter(|r| r.path.ends_with(&suffix))
        .count()
}

/// Asserts that no credential, token or Authorization value leaked into `err`.
pub fn assert_clean(err: &Error, secrets: &[&str]) {
    let text = format!("{err} {err:?}");
    for secret in secrets.iter().chain(&[SECRET, "Bearer ", "Basic "]) {
        assert!(!text.contains(secret), "{secret:?} leaked: {text}");
    }
}

/// Every `Authorization` value the simulator received (to check that no
/// token or credential leaks into an error).
pub fn authorizations(sim: &Simulator) -> Vec<String> {
    sim.requests()
        .iter()
        .flat_map(|r| r.headers.iter())
        .filter(|(name, _)| name == "authorization")
        .map(|(_, value)| value.clone())
        .collect()
}

/// Waits until the simulator has received `n` token requests; panics after 20 s.
pub fn wait_for_token_requests(sim: &Simulator, n: usize) {
    let arrived = sim.wait_requests(std::time::Duration::from_secs(20), |reqs| {
        reqs.iter()
            .filter(|r| r.path == "/api/v1/oauth2/token")
            .count()
            >= n
    });
    assert!(arrived, "timed out waiting for {n} token request(s)");
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
}

/// One request as a raw server read it.
pub struct RawRequest {
    /// The request line and header lines, without CRLF.
    pub head: Vec<String>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Reads one HTTP/1.1 request (Content-Length bodies only); `None` at a
/// clean end of stream before a request starts.
pub fn read_request(reader: &mut impl BufRead) -> io::Result<Option<RawRequest>> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let mut request = RawRequest {
        head,
        body: Vec::new(),
    };
    let len: usize = request
        .header("content-length")
        .map_or(0, |v| v.parse().expect("content-length"));
    request.body.resize(len, 0);
    reader.read_exact(&mut request.body)?;
    Ok(Some(request))
}

/// An empty `200 OK` that keeps the connection open (HTTP/1.1 default).
pub const OK_KEEP_ALIVE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

/// A CONNECT proxy on 127.0.0.1 (what ureq speaks to an `http://` proxy for
/// every target): checks `Proxy-Authorization` when `auth` is set, counts
/// tunnels, then splices bytes both ways.
pub struct TunnelProxy {
    pub url: String,
    /// Every CONNECT request line received.
    pub connects: Arc<std::sync::Mutex<Vec<String>>>,
    pub tunnels: Arc<AtomicUsize>,
}

impl TunnelProxy {
    pub fn start(auth: Option<&'static str>) -> TunnelProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connects = Arc::new(std::sync::Mutex::new(Vec::new()));
        let tunnels = Arc::new(AtomicUsize::new(0));
        let (c, t) = (Arc::clone(&connects), Arc::clone(&tunnels));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (c, t) = (Arc::clone(&c), Arc::clone(&t));
                thread::spawn(move || {
                    let _ = tunnel(stream, auth, &c, &t);
                });
            }
        });
        TunnelProxy {
            url,
            connects,
            tunnels,
        }
    }
}

fn tunnel(
    client: TcpStream,
    auth: Option<&str>,
    connects: &std::sync::Mutex<Vec<String>>,
    tunnels: &AtomicUsize,
) -> io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    let line = request.head[0].clone();
    connects.lock().unwrap().push(line.clone());
    let mut client_w = client.try_clone()?;
    if let Some(want) = auth {
        if request.header("proxy-authorization") != Some(want) {
            client_w.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
            )?;
            return Ok(());
        }
    }
    let target = match line.split(' ').collect::<Vec<_>>()[..] {
        ["CONNECT", target, _] => target.to_owned(),
        _ => {
            client_w.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")?;
            return Ok(());
        }
    };
    let upstream = TcpStream::connect(target)?;
    tunnels.fetch_add(1, Ordering::SeqCst);
    client_w.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (mut up_r, mut up_w) = (upstream.try_clone()?, upstream);
    // Bytes the client sent right after CONNECT may already sit in `reader`.
    let back = thread::spawn(move || {
        let _ = io::copy(&mut up_r, &mut client_w);
        let _ = client_w.shutdown(std::net::Shutdown::Write);
    });
    let _ = io::copy(&mut reader, &mut up_w);
    let _ = up_w.shutdown(std::net::Shutdown::Write);
    let _ = back.join();
    Ok(())
}

/// What a [`HostileServer`] does with one request.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// An empty 200 (or, for the token endpoint, a token) with keep-alive.
    Normal,
    /// Write these bytes and go on serving the connection.
    Write(Vec<u8>),
    /// Write these bytes, then never send anything again.
    WriteThenStall(Vec<u8>),
    /// Write these bytes one per second.
    Drip(Vec<u8>),
    /// Write these bytes, then reset the connection (TCP RST).
    WriteThenReset(Vec<u8>),
    /// Write these bytes, then close the connection (FIN).
    WriteThenClose(Vec<u8>),
}

/// Longest a hostile server ever waits; dropping it ends every wait at once.
const STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// A loopback HTTP server that misbehaves on purpose: the n-th request
/// (across connections) gets the n-th [`Behaviour`] of its script, later
/// ones [`Behaviour::Normal`]. Dropping it stops it: stalls end, every
/// connection is shut down, the accept thread exits.
pub struct HostileServer {
    pub url: String,
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    script: std::sync::Mutex<std::collections::VecDeque<Behaviour>>,
    stopped: std::sync::Mutex<bool>,
    stop: std::sync::Condvar,
    /// Open connections by number, so that dropping the server can cut
    /// them; a handler removes its own entry when it ends (the socket only
    /// closes, or resets, once this clone is gone too).
    connections: std::sync::Mutex<std::collections::HashMap<usize, TcpStream>>,
    /// Requests read in full, and connections whose handler has ended.
    requests: AtomicUsize,
    closed: std::sync::Mutex<usize>,
    closed_changed: std::sync::Condvar,
}

impl Shared {
    /// Waits up to `max` (bounded by [`STALL_LIMIT`]); true once stopped.
    fn wait(&self, max: std::time::Duration) -> bool {
        let stopped = self.stopped.lock().unwrap();
        let (stopped, _) = self
            .stop
            .wait_timeout_while(stopped, max.min(STALL_LIMIT), |s| !*s)
            .unwrap();
        *stopped
    }
}

impl HostileServer {
    pub fn start(script: impl IntoIterator<Item = Behaviour>) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind hostile server");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            script: std::sync::Mutex::new(script.into_iter().collect()),
            ..Shared::default()
        });
        let s = Arc::clone(&shared);
        thread::spawn(move || {
            for (id, stream) in listener.incoming().flatten().enumerate() {
                if *s.stopped.lock().unwrap() {
                    break;
                }
                let clone = stream.try_clone().unwrap();
                s.connections.lock().unwrap().insert(id, clone);
                let s = Arc::clone(&s);
                thread::spawn(move || {
                    let _ = serve_hostile(stream, &s);
                    s.connections.lock().unwrap().remove(&id);
                    *s.closed.lock().unwrap() += 1;
                    s.closed_changed.notify_all();
                });
            }
        });
        HostileServer {
            url: format!("http://{addr}"),
            addr,
            shared,
        }
    }
}

impl HostileServer {
    /// Requests the server has read in full: what it may have acted on.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Blocks until `n` connections have been closed by the server.
    pub fn wait_closed(&self, n: usize) {
        let closed = self.shared.closed.lock().unwrap();
        let (closed, _) = self
            .shared
            .closed_changed
            .wait_timeout_while(closed, STALL_LIMIT, |c| *c < n)
            .unwrap();
        assert!(
            *closed >= n,
            "the server closed {} connections, not {n}",
            *closed
        );
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        *self.shared.stopped.lock().unwrap() = true;
        self.shared.stop.notify_all();
        for (_, conn) in self.shared.connections.lock().unwrap().drain() {
            let _ = conn.shutdown(std::net::Shutdown::Both);
        }
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_hostile(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    // Bounded even if the client neither reads nor closes.
    stream.set_read_timeout(Some(STALL_LIMIT))?;
    stream.set_write_timeout(Some(std::time::Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    while let Some(request) = read_request(&mut reader)? {
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let behaviour = shared.script.lock().unwrap().pop_front();
        match behaviour.unwrap_or(Behaviour::Normal) {
            Behaviour::Normal if request.head[0].contains("/oauth2/token") => {
                let token = br#"{"access_token":"t0k3n","expires_in":3600}"#;
                write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    token.len()
                )?;
                out.write_all(token)?;
            }
            Behaviour::Normal => out.write_all(OK_KEEP_ALIVE)?,
            Behaviour::Write(bytes) => out.write_all(&bytes)?,
            Behaviour::WriteThenStall(bytes) => {
                out.write_all(&bytes)?;
                shared.wait(STALL_LIMIT);
                return Ok(());
            }
            Behaviour::Drip(bytes) => {
                for byte in bytes {
                    out.write_all(&[byte])?;
                    if shared.wait(std::time::Duration::from_secs(1)) {
                        return Ok(());
                    }
                }
            }
            Behaviour::WriteThenReset(bytes) => {
                out.write_all(&bytes)?;
                // Linger 0: closing sends RST instead of FIN.
                socket2::SockRef::from(&out).set_linger(Some(std::time::Duration::ZERO))?;
                return Ok(());
            }
            Behaviour::WriteThenClose(bytes) => {
                out.write_all(&bytes)?;
                return Ok(());
            }
        }
    }
    Ok(())
}
