//! Local simulator of Bandwidth's Voice API: create and list calls, update a
//! call, replace its BXML, pause/resume its recording, call state,
//! conferences and their members, and the OAuth2 token endpoint. It really
//! delivers webhooks (answer, disconnect, redirect, conferenceRedirect; to
//! loopback only) and can inject faults.
//!
//! ```no_run
//! let sim = bwvoice_sim::Simulator::start(bwvoice_sim::Config::default()).unwrap();
//! let call_id = sim.create_call("9900000", bwvoice_sim::CallState::Answered);
//! println!("POST {}/accounts/9900000/calls/{call_id}", sim.api_url());
//! ```

mod api;
mod call;
mod calls;
mod clock;
mod conference;
mod conferences;
mod control;
mod fields;
mod http;
mod ids;
mod list_calls;
mod live;
mod outbound;
mod state;
mod update_call;
mod webhook;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use call::Call;
pub use call::CallState;
use conference::NewConference;
use http::{Reply, Request, Response, Server};
use ids::new_call_id;
pub use outbound::Outbound;
use state::State;
pub use state::{Fault, LoggedRequest, Route, WebhookDelivery};
pub use update_call::{MAX_CREDENTIAL_CHARS, MAX_TAG_CHARS};

#[derive(Debug, Clone)]
pub struct Config {
    /// 0 picks a free port.
    pub port: u16,
    pub username: String,
    pub password: String,
    pub client_id: String,
    pub client_secret: String,
    /// Lifetime of issued OAuth2 tokens, in seconds.
    pub token_expires_in: u64,
    /// Per-attempt timeout for Redirect callback delivery.
    pub webhook_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            username: "user".into(),
            password: "pass".into(),
            client_id: "client".into(),
            client_secret: "secret".into(),
            token_expires_in: 3600,
            webhook_timeout: Duration::from_secs(15),
        }
    }
}

/// A running simulator; dropping it stops the server.
pub struct Simulator {
    addr: SocketAddr,
    state: Arc<State>,
    server: Arc<Server>,
    verbose: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

/// Connections the kernel may queue before `accept`. std's 128 overflows
/// when a burst of webhooks to the simulator's own app meets a busy
/// accept thread, and the kernel then resets connections; the kernel caps
/// this at `net.core.somaxconn`.
const LISTEN_BACKLOG: i32 = 4096;

fn listen(port: u16) -> io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // As std does, so a restarted simulator can take its port at once.
    socket.set_reuse_address(true)?;
    socket.bind(&SocketAddr::from(([127, 0, 0, 1], port)).into())?;
    socket.listen(LISTEN_BACKLOG)?;
    Ok(socket.into())
}

impl Simulator {
    /// Binds `127.0.0.1:cfg.port` and starts serving on a background thread.
    pub fn start(cfg: Config) -> io::Result<Simulator> {
        let listener = listen(cfg.port)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(cfg, format!("http://{addr}")));
        let server = Arc::new(Server::default());
        let verbose = Arc::new(AtomicBool::new(false));
        let handler: http::Handler = {
            let (state, verbose) = (Arc::clone(&state), Arc::clone(&verbose));
            Arc::new(move |req| route(&state, &verbose, req))
        };
        let accept_thread = {
            let server = Arc::clone(&server);
            thread::Builder::new()
                .name("bwvoice-sim-accept".into())
                .spawn(move || server.accept_loop(listener, handler))?
        };
        Ok(Simulator {
            addr,
            state,
            server,
            verbose,
            accept_thread: Some(accept_thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Voice API base URL for clients: `http://127.0.0.1:PORT/api/v2`.
    pub fn api_url(&self) -> String {
        format!("{}/api/v2", self.url())
    }

    /// OAuth2 token endpoint: `http://127.0.0.1:PORT/api/v1/oauth2/token`.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.url(), api::TOKEN_PATH)
    }

    /// Creates a call with default numbers; `Disconnected` creates an ended call.
    pub fn create_call(&self, account_id: &str, state: CallState) -> String {
        let call = Call::new(account_id, new_call_id(), state);
        let id = call.call_id.clone();
        self.state.lock().calls.insert(id.clone(), call);
        id
    }

    /// Answers an initiated call (a call placed with createCall then sends
    /// its answer event); false if unknown or not initiated.
    pub fn answer_call(&self, call_id: &str) -> bool {
        outbound::answer(&self.state, call_id).is_ok()
    }

    /// What happens to calls placed with createCall from now on.
    pub fn set_outbound(&self, outbound: Outbound) {
        self.state.lock().outbound = outbound;
    }

    /// Waits until the call is in `state` or `timeout` passes; returns its
    /// control view either way (`None`: unknown call).
    pub fn wait_call_state(
        &self,
        call_id: &str,
        state: CallState,
        timeout: Duration,
    ) -> Option<serde_json::Value> {
        self.state.wait_call(call_id, timeout, |c| c.state == state)
    }

    /// Puts answered calls of the account into a new conference, as the
    /// control API's `POST /sim/conferences` does; returns its id, or why not.
    pub fn create_conference(
        &self,
        account_id: &str,
        name: &str,
        members: &[&str],
    ) -> Result<String, String> {
        let spec = NewConference {
            account_id: Some(account_id.to_string()),
            name: name.to_string(),
            members: members.iter().map(|m| m.to_string()).collect(),
            tag: None,
            conference_event_url: None,
            conference_event_method: None,
        };
        let mut inner = self.state.lock();
        conference::create(&mut inner, spec)
            .map(|c| c.id.clone())
            .map_err(|(_, text)| text)
    }

    /// The control view of a conference: `conference` plus `accountId` and
    /// its latest `bxml`.
    pub fn conference(&self, id: &str) -> Option<serde_json::Value> {
        let mut inner = self.state.lock();
        let state::Inner {
            conferences, calls, ..
        } = &mut *inner;
        let conf = conferences.get_mut(id)?;
        conf.refresh(calls);
        Some(conf.control_json(&self.state.base_url))
    }

    /// Starts a recording on an answered call; false if the call is unknown,
    /// not answered, or already has one.
    pub fn start_recording(&self, call_id: &str) -> bool {
        let mut inner = self.state.lock();
        inner
            .calls
            .get_mut(call_id)
            .is_some_and(|call| call.start_recording().is_ok())
    }

    /// The control view: the call's `callState` JSON plus its current `tag`,
    /// `recording` (`"recording"`, `"paused"` or null) and latest `bxml`.
    pub fn call(&self, call_id: &str) -> Option<serde_json::Value> {
        self.state.lock().calls.get(call_id).map(Call::control_json)
    }

    /// Every request to `/api/...`, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.lock().requests.clone()
    }

    pub fn webhooks(&self) -> Vec<WebhookDelivery> {
        self.state.lock().webhooks.clone()
    }

    /// Waits until at least `n` deliveries are logged or `timeout` passes.
    pub fn wait_webhooks(&self, n: usize, timeout: Duration) -> Vec<WebhookDelivery> {
        self.state.wait_webhooks(n, timeout)
    }

    /// Blocks until `done` holds for the request log (true), or `timeout`
    /// passes (false). Requests are logged as they arrive, before any fault
    /// delay, so a test can wait for a request the simulator is holding.
    pub fn wait_requests(
        &self,
        timeout: Duration,
        done: impl Fn(&[LoggedRequest]) -> bool,
    ) -> bool {
        self.state.wait_requests(timeout, done)
    }

    pub fn add_fault(&self, fault: Fault) {
        self.state.add_fault(fault);
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_token_expires_in(&self, secs: u64) {
        self.state.lock().token_expires_in = secs;
    }

    /// Clears calls, conferences, logs, faults and tokens; restores the
    /// start-up config.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Logs one line per request to stderr.
    pub fn set_verbose(&self, on: bool) {
        self.verbose.store(on, Ordering::Relaxed);
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // Cut connections first so a request woken from a fault delay by
        // `shutdown` cannot answer on its way out.
        self.server.stop(self.addr);
        self.state.shutdown();
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
    }
}

fn route(state: &Arc<State>, verbose: &AtomicBool, req: Request) -> Reply {
    let line = verbose
        .load(Ordering::Relaxed)
        .then(|| format!("{} {}", req.method, req.target));
    let path = req.path();
    let reply = if path.starts_with("/api/") {
        api::handle(state, req)
    } else if path.starts_with("/sim/") {
        Reply::Send(control::handle(state, &req))
    } else {
        Reply::Send(api::error(
            404,
            "not-found",
            "The requested resource was not found",
        ))
    };
    if let Some(line) = line {
        let status = match &reply {
            Reply::Send(Response { status, .. }) => *status,
            Reply::Close => 0,
        };
        eprintln!("{line} -> {status}");
    }
    reply
}
