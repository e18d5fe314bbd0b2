//! Soak test (`make soak`): 100,000 mixed calls from 16 threads against the
//! simulator (run as a separate process, so only the library's memory is
//! measured). Every call must end with the status its kind implies; RSS
//! and open file descriptors must not grow between the end of a warm-up
//! and the end of the run.
//!
//! `BWVOICE_SIM=target/release/bwvoice-sim cargo run --release --example soak [CALLS] [THREADS]`

use bwvoice::{Auth, CallOptions, Client, ClientConfig, ModifyCallRequest, Status};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const ACCOUNT: &str = "9900000";
/// Calls per thread before the baseline RSS / fd reading.
const WARM_UP_SHARE: usize = 20; // 1/20 = 5 %
/// Allowed RSS growth after the warm-up: the larger of these two.
const RSS_SLACK_KIB: u64 = 10 * 1024;
const RSS_SLACK_PERCENT: u64 = 20;
const FD_SLACK: usize = 32;

/// One kind of call, its share in 50, and the outcome it must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A fresh call, redirected to a relative URL (the simulator then
    /// ends it with callback-error, without a network round trip).
    Redirect,
    /// A fresh call, hung up.
    Hangup,
    /// A hang-up of a call that never existed: 404.
    Unknown,
    /// Rejected before sending.
    Invalid,
    /// Wrong password: 401.
    Unauthorized,
    /// 429 on every attempt (Retry-After: 0).
    RateLimited,
    /// 503 once, retried, then 404.
    RetriedThenNotFound,
    /// 500 on a redirect: not retried.
    ServerError,
    /// A redirect of an unanswered call: 409.
    Conflict,
    Forbidden,
    /// 400 with an HTML body.
    BadRequest,
    /// The simulator drops the connection: a redirect is not retried.
    Dropped,
    /// 302: redirects are never followed.
    Protocol,
    /// The simulator answers after 300 ms; the call's budget is 50 ms.
    Timeout,
    /// A redirect to the simulator's webhook receiver (a real delivery).
    Webhook,
}

const MIX: [(Kind, usize); 15] = [
    (Kind::Redirect, 10),
    (Kind::Hangup, 9),
    (Kind::Unknown, 8),
    (Kind::Invalid, 6),
    (Kind::Unauthorized, 2),
    (Kind::RateLimited, 2),
    (Kind::RetriedThenNotFound, 2),
    (Kind::ServerError, 2),
    (Kind::Conflict, 2),
    (Kind::Dropped, 2),
    (Kind::Forbidden, 1),
    (Kind::BadRequest, 1),
    (Kind::Protocol, 1),
    (Kind::Timeout, 1),
    (Kind::Webhook, 1),
];

impl Kind {
    fn nth(i: usize) -> Kind {
        let mut slot = i % MIX.iter().map(|(_, n)| n).sum::<usize>();
        for (kind, n) in MIX {
            if slot < n {
                return kind;
            }
            slot -= n;
        }
        unreachable!("slot within the mix")
    }

    fn expected(self) -> Option<Status> {
        match self {
            Kind::Redirect | Kind::Hangup | Kind::Webhook => None,
            Kind::Unknown | Kind::RetriedThenNotFound => Some(Status::NotFound),
            Kind::Invalid => Some(Status::InvalidArgument),
            Kind::Unauthorized => Some(Status::Unauthorized),
            Kind::RateLimited => Some(Status::RateLimited),
            Kind::ServerError => Some(Status::Server),
            Kind::Conflict => Some(Status::Conflict),
            Kind::Forbidden => Some(Status::Forbidden),
            Kind::BadRequest => Some(Status::BadRequest),
            Kind::Dropped => Some(Status::Connect),
            Kind::Protocol => Some(Status::Protocol),
            Kind::Timeout => Some(Status::Timeout),
        }
    }
}

/// The simulator as a child process, killed when dropped.
struct Sim {
    child: Child,
    url: String,
    control: ureq::Agent,
}

impl Sim {
    fn start() -> Sim {
        let path =
            std::env::var("BWVOICE_SIM").unwrap_or_else(|_| "target/release/bwvoice-sim".into());
        // Short-lived tokens: the OAuth2 client refreshes about every second.
        let mut child = Command::new(&path)
            .args(["--port", "0", "--token-expires-in", "2"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the simulator {path}: {e}"));
        let mut banner = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut banner)
            .expect("simulator banner");
        let url = banner
            .trim()
            .strip_prefix("listening on ")
            .expect("banner")
            .to_owned();
        Sim {
            child,
            url,
            control: ureq::Agent::new_with_defaults(),
        }
    }

    fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let reply = self
            .control
            .post(format!("{}{path}", self.url))
            .content_type("application/json")
            .send(body.to_string())
            .and_then(|mut r| r.body_mut().read_to_string())
            .unwrap_or_else(|e| panic!("control request {path}: {e}"));
        serde_json::from_str(&reply).unwrap_or(serde_json::Value::Null)
    }

    fn create_call(&self, state: &str) -> String {
        let call = self.post(
            "/sim/calls",
            serde_json::json!({"accountId": ACCOUNT, "state": state}),
        );
        call["callId"].as_str().expect("callId").to_owned()
    }

    fn fault(&self, call_id: &str, fault: serde_json::Value) {
        let mut fault = fault;
        fault["match"] = call_id.into();
        self.post("/sim/faults", fault);
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Clients {
    basic: Client,
    oauth2: Client,
    wrong: Client,
}

fn clients(sim: &Sim) -> Clients {
    let config = |auth| ClientConfig {
        base_url: Some(format!("{}/api/v2", sim.url)),
        connect_timeout: Some(Duration::from_secs(5)),
        timeout: Some(Duration::from_secs(10)),
        ..ClientConfig::new(auth)
    };
    let basic = |password: &str| Auth::Basic {
        username: "user".into(),
        password: password.into(),
    };
    Clients {
        basic: Client::new(config(basic("pass"))).expect("client"),
        oauth2: Client::new(config(Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: "secret".into(),
            token_url: Some(format!("{}/api/v1/oauth2/token", sim.url)),
        }))
        .expect("client"),
        wrong: Client::new(config(basic("wrong"))).expect("client"),
    }
}

/// Makes call `i` of thread `t`; returns its kind and whether it ended as
/// expected (with the unexpected outcome, if not).
fn one_call(sim: &Sim, clients: &Clients, t: usize, i: usize) -> (Kind, Option<String>) {
    // Offset per thread, so that the threads are not all doing the same kind at once.
    let kind = Kind::nth(i + 7 * t);
    let client = if t.is_multiple_of(2) {
        &clients.basic
    } else {
        &clients.oauth2
    };
    let unknown = format!("soak-{t}-{i}");
    let relative = ModifyCallRequest {
        tag: Some(format!("t{t}-{i}")),
        ..ModifyCallRequest::redirect("/next")
    };
    let status = |code: u16| serde_json::json!({"status": code});
    let result = match kind {
        Kind::Redirect => client.modify_call(
            ACCOUNT,
            &sim.create_call("answered"),
            &relative,
            &CallOptions::default(),
        ),
        Kind::Hangup => client.hangup(
            ACCOUNT,
            &sim.create_call("answered"),
            &CallOptions::default(),
        ),
        Kind::Unknown => client.hangup(ACCOUNT, &unknown, &CallOptions::default()),
        Kind::Invalid => {
            let mut bad = ModifyCallRequest::redirect("/next");
            match i % 4 {
                0 => bad.tag = Some("x".repeat(4097)),
                1 => bad.redirect_url = Some("ftp://example.com".into()),
                2 => bad.state = Some(bwvoice::RequestedState::Completed),
                _ => {
                    return (
                        kind,
                        check(kind, client.hangup(ACCOUNT, "", &CallOptions::default())),
                    )
                }
            }
            client.modify_call(ACCOUNT, &unknown, &bad, &CallOptions::default())
        }
        Kind::Unauthorized => clients
            .wrong
            .hangup(ACCOUNT, &unknown, &CallOptions::default()),
        Kind::RateLimited => {
            let fault =
                serde_json::json!({"status": 429, "count": 3, "headers": {"Retry-After": "0"}});
            sim.fault(&unknown, fault);
            client.modify_call(ACCOUNT, &unknown, &relative, &CallOptions::default())
        }
        Kind::RetriedThenNotFound => {
            sim.fault(&unknown, status(503));
            client.hangup(ACCOUNT, &unknown, &CallOptions::default())
        }
        Kind::ServerError => {
            sim.fault(&unknown, status(500));
            client.modify_call(ACCOUNT, &unknown, &relative, &CallOptions::default())
        }
        Kind::Conflict => client.modify_call(
            ACCOUNT,
            &sim.create_call("initiated"),
            &relative,
            &CallOptions::default(),
        ),
        Kind::Forbidden => {
            sim.fault(&unknown, status(403));
            client.hangup(ACCOUNT, &unknown, &CallOptions::default())
        }
        Kind::BadRequest => {
            let fault = serde_json::json!({"status": 400, "body": "<html>no</html>", "contentType": "text/html"});
            sim.fault(&unknown, fault);
            client.hangup(ACCOUNT, &unknown, &CallOptions::default())
        }
        Kind::Dropped => {
            sim.fault(&unknown, serde_json::json!({"close": true}));
            client.modify_call(ACCOUNT, &unknown, &relative, &CallOptions::default())
        }
        Kind::Protocol => {
            sim.fault(&unknown, status(302));
            client.hangup(ACCOUNT, &unknown, &CallOptions::default())
        }
        Kind::Timeout => {
            sim.fault(&unknown, serde_json::json!({"delayMs": 300}));
            client.modify_call(
                ACCOUNT,
                &unknown,
                &relative,
                &CallOptions::within(Duration::from_millis(50)),
            )
        }
        Kind::Webhook => {
            let to_sim = ModifyCallRequest::redirect(format!("{}/sim/app/soak", sim.url));
            client.modify_call(
                ACCOUNT,
                &sim.create_call("answered"),
                &to_sim,
                &CallOptions::default(),
            )
        }
    };
    (kind, check(kind, result))
}

fn check(kind: Kind, result: Result<(), bwvoice::Error>) -> Option<String> {
    let got = result.as_ref().err().map(|e| e.status);
    (got != kind.expected())
        .then(|| format!("{kind:?}: expected {:?}, got {result:?}", kind.expected()))
}

/// (VmRSS in KiB, open file descriptors) of this process.
fn usage() -> (u64, usize) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    let fds = std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count();
    (rss, fds)
}

#[derive(Default)]
struct Tally {
    kinds: BTreeMap<Kind, usize>,
    unexpected: Vec<String>,
}

/// Runs calls `range` on each of `threads` threads at once.
fn run(
    sim: &Sim,
    clients: &Clients,
    threads: usize,
    range: std::ops::Range<usize>,
    tally: &Mutex<Tally>,
) {
    std::thread::scope(|scope| {
        for t in 0..threads {
            let range = range.clone();
            scope.spawn(move || {
                let mut local = Tally::default();
                for i in range {
                    let (kind, unexpected) = one_call(sim, clients, t, i);
                    *local.kinds.entry(kind).or_default() += 1;
                    local.unexpected.extend(unexpected);
                }
                let mut tally = tally.lock().unwrap();
                for (kind, n) in local.kinds {
                    *tally.kinds.entry(kind).or_default() += n;
                }
                tally.unexpected.extend(local.unexpected);
            });
        }
    });
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"));
    let calls = args.next().unwrap_or(100_000);
    let threads = args.next().unwrap_or(16);
    let per_thread = calls / threads;
    let warm_up = per_thread / WARM_UP_SHARE;

    let sim = Sim::start();
    let clients = clients(&sim);
    let tally = Mutex::new(Tally::default());
    let (rss_start, fds_start) = usage();
    let started = Instant::now();
    run(&sim, &clients, threads, 0..warm_up, &tally);
    let (rss_warm, fds_warm) = usage();
    run(&sim, &clients, threads, warm_up..per_thread, &tally);
    let elapsed = started.elapsed();
    let (rss_end, fds_end) = usage();

    let tally = tally.into_inner().unwrap();
    let total = per_thread * threads;
    println!(
        "{total} calls from {threads} threads in {:.1} s: {:.0} calls/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    for (kind, n) in &tally.kinds {
        println!(
            "  {kind:?}: {n} (expected {:?})",
            kind.expected().map_or("OK", Status::name)
        );
    }
    println!("RSS: start {rss_start} KiB, after warm-up {rss_warm} KiB, end {rss_end} KiB");
    println!("fds: start {fds_start}, after warm-up {fds_warm}, end {fds_end}");

    let rss_limit = rss_warm + RSS_SLACK_KIB.max(rss_warm * RSS_SLACK_PERCENT / 100);
    let mut failures = tally.unexpected.clone();
    if rss_end > rss_limit {
        failures.push(format!(
            "RSS grew from {rss_warm} to {rss_end} KiB (limit {rss_limit})"
        ));
    }
    if fds_end > fds_warm + FD_SLACK {
        failures.push(format!("fds grew from {fds_warm} to {fds_end}"));
    }
    if failures.is_empty() {
        println!("soak: PASS");
    } else {
        for f in failures.iter().take(20) {
            println!("FAIL: {f}");
        }
        println!("soak: FAIL ({} problems)", failures.len());
        drop(sim);
        std::process::exit(1);
    }
}
