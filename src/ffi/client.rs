//! `bw_client`: its configuration, creation and freeing, its counters, and
//! cancelling its asynchronous calls.

use super::boundary::{enum_error, ffi_status, ffi_value, opt_str, req_ref};
use super::error::{bw_error, bw_status};
use super::events::{self, bw_event_fn};
use super::growable;
use crate::auth::Auth;
use crate::client::{Client, ClientConfig};
use crate::error::{Error, Status};
use crate::events::RetryReason;
use crate::jobs::Pool;
use crate::transport::{ProxyConfig, TlsRoots};
use std::os::raw::{c_char, c_void};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// `bw_client_config.tls_roots`: Mozilla's root certificates, built into the library.
pub const BW_TLS_ROOTS_BUNDLED: i32 = 0;
/// `bw_client_config.tls_roots`: the operating system's trust store.
pub const BW_TLS_ROOTS_SYSTEM: i32 = 1;

/// Connect timeout used when `bw_client_config.connect_timeout_ms` is 0.
pub const BW_DEFAULT_CONNECT_TIMEOUT_MS: u32 = 5_000;
/// Time budget of one call used when `bw_client_config.timeout_ms` is 0.
pub const BW_DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Attempts per call used when `bw_client_config.max_attempts` is 0.
pub const BW_DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Asynchronous calls running at once when `bw_client_config.max_concurrency` is 0.
pub const BW_DEFAULT_MAX_CONCURRENCY: u32 = 64;
/// Asynchronous calls queued at most when `bw_client_config.max_queued` is 0.
pub const BW_DEFAULT_MAX_QUEUED: u32 = 10_000;
/// Retry budget capacity when `bw_client_config.retry_budget` is 0.
pub const BW_DEFAULT_RETRY_BUDGET: u32 = 500;
/// `bw_client_config.retry_budget`: no retry budget (retries limited only
/// by `max_attempts` and the time budget).
pub const BW_RETRY_BUDGET_OFF: u32 = u32::MAX;

/// Size of `bw_stats.outcomes`: room for every status, present and future.
pub const BW_STATS_OUTCOMES: usize = 32;

/// Client settings. Initialise it with `BW_CLIENT_CONFIG_INIT`, then set
/// what you need: a zero or NULL field means the documented default. The
/// library copies everything it needs; the struct and its strings may be
/// freed once `bw_client_new` returns.
///
/// Give exactly one kind of credentials: `username` + `password` (Basic) or
/// `client_id` + `client_secret` (OAuth2 client credentials).
#[repr(C)]
pub struct bw_client_config {
    /// `sizeof(bw_client_config)`, set by `BW_CLIENT_CONFIG_INIT`.
    pub struct_size: u32,
    /// Voice API base URL. NULL: `https://voice.bandwidth.com/api/v2`.
    /// Plain `http://` is accepted only for loopback hosts (local simulators).
    pub base_url: *const c_char,
    /// Basic auth user name (Bandwidth "API user").
    pub username: *const c_char,
    /// Basic auth password.
    pub password: *const c_char,
    /// OAuth2 client id.
    pub client_id: *const c_char,
    /// OAuth2 client secret.
    pub client_secret: *const c_char,
    /// OAuth2 token endpoint. NULL: `https://api.bandwidth.com/api/v1/oauth2/token`.
    pub token_url: *const c_char,
    /// Connect timeout in milliseconds (DNS, TCP, TLS). 0: `BW_DEFAULT_CONNECT_TIMEOUT_MS`.
    pub connect_timeout_ms: u32,
    /// Total time budget of one call in milliseconds, retries and waits
    /// included. 0: `BW_DEFAULT_TIMEOUT_MS`. Calls always end within it.
    pub timeout_ms: u32,
    /// Attempts per call, the first included. 0: `BW_DEFAULT_MAX_ATTEMPTS`.
    /// 1 disables retries.
    pub max_attempts: u32,
    /// Also retry a redirect or a BXML replacement (of a call or a
    /// conference) after a failure the server may have acted on (timeout,
    /// connection reset, 5xx other than 503). Off by default: a repeated
    /// redirect fires your webhook twice, repeated BXML restarts the
    /// script. Reads, hang-ups, recording changes and member updates are
    /// always retried; `bw_create_call` never is, whatever this says.
    pub retry_non_idempotent: bool,
    /// Which CAs to trust: `BW_TLS_ROOTS_BUNDLED` (0) or `BW_TLS_ROOTS_SYSTEM`.
    /// Certificate verification cannot be switched off.
    pub tls_roots: i32,
    /// Path of a PEM file whose CA certificates are trusted instead of `tls_roots`.
    pub ca_file: *const c_char,
    /// HTTP proxy URL, e.g. `http://user:pass@proxy.example:3128`; the
    /// library asks it to open a tunnel (`CONNECT`). NULL: none.
    pub proxy: *const c_char,
    /// Take the proxy from the environment when the client is created: the
    /// first valid one of `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` (or their
    /// lowercase forms), skipping hosts listed in `NO_PROXY`. Off by default:
    /// the environment is never used implicitly.
    pub proxy_from_env: bool,
    /// Appended to the User-Agent: `bwvoice/<version> (<suffix>)`. NULL: none.
    pub user_agent_suffix: *const c_char,
    // Layout 2 begins here: fields added in 0.2.0 for the asynchronous
    // calls. A program built with layout 1 gets their defaults.
    /// Asynchronous calls running at once, each on a library thread
    /// (started as needed). 0: `BW_DEFAULT_MAX_CONCURRENCY`; at most 4096.
    pub max_concurrency: u32,
    /// Asynchronous calls waiting for a free thread; a submit beyond it is
    /// `BW_ERR_BUSY`. 0: `BW_DEFAULT_MAX_QUEUED`.
    pub max_queued: u32,
    // Layout 3 begins here: fields added in 0.2.0 for observability, and the
    // bindings' name for the User-Agent.
    /// Capacity of the retry budget (see docs/retries.md): retries
    /// draw from it, successes refill it, and when it is empty calls are
    /// not retried. 0: `BW_DEFAULT_RETRY_BUDGET`; `BW_RETRY_BUDGET_OFF`:
    /// no budget.
    pub retry_budget: u32,
    /// Called for every attempt's end, retry scheduled or refused, token
    /// fetch and call end, on the thread making the call (a library thread
    /// for an asynchronous call). NULL: no events (the counters of
    /// `bw_client_stats` are kept either way).
    pub on_event: bw_event_fn,
    /// Passed to `on_event`.
    pub event_userdata: *mut c_void,
    /// Which events reach `on_event`: `1 << BW_EVENT_*` bits, e.g.
    /// `1 << BW_EVENT_RETRY_SCHEDULED | 1 << BW_EVENT_RETRY_DENIED` for a
    /// warnings-only log that costs nothing on calls that succeed at once.
    /// 0: every event.
    pub event_mask: u32,
    /// For language bindings: their name (`python`, `go`), which leads the
    /// User-Agent comment: `bwvoice/<version> (<binding>; <suffix>)`. Lower-case
    /// letters, digits, `+`, `-`, `.`; at most 16. NULL: none (a C program).
    pub binding: *const c_char,
    /// Let BXML verbs this library does not know through the check
    /// `bw_update_call_bxml` and `bw_update_conference_bxml` make (verbs
    /// Bandwidth added after this version); known verbs are checked either
    /// way. Off by default, so a typo such as `<SpeakSentance>` fails
    /// before it reaches a live call.
    pub allow_unknown_bxml_verbs: bool,
}

/// A client's counters, written by `bw_client_stats` into memory the caller
/// owns. Initialise it with `BW_STATS_INIT`; the library writes no more
/// than `struct_size` bytes.
#[repr(C)]
pub struct bw_stats {
    /// `sizeof(bw_stats)`, set by `BW_STATS_INIT`.
    pub struct_size: u32,
    /// Calls ended (blocking and asynchronous).
    pub calls: u64,
    /// HTTP attempts to the Voice API.
    pub attempts: u64,
    /// Retries scheduled, in total and by reason.
    pub retries: u64,
    pub retries_rate_limited: u64,
    pub retries_unavailable: u64,
    pub retries_server_error: u64,
    pub retries_timeout: u64,
    pub retries_connect: u64,
    pub retries_stale_token: u64,
    /// Retries refused because the retry budget was empty.
    pub retries_denied: u64,
    /// Tokens left in the retry budget; -1 when it is off.
    pub retry_budget_tokens: i64,
    /// OAuth2 token requests.
    pub token_fetches: u64,
    /// Attempts that opened a connection, and that reused a pooled one.
    pub connections_opened: u64,
    pub connections_reused: u64,
    /// Asynchronous calls waiting, and running, right now.
    pub jobs_queued: u64,
    pub jobs_running: u64,
    /// Calls ended by status: `outcomes[BW_OK]` succeeded,
    /// `outcomes[BW_ERR_NOT_FOUND]` ended with a 404, and so on.
    pub outcomes: [u64; BW_STATS_OUTCOMES],
}

/// An opaque Voice API client. Thread-safe: any number of threads may call
/// its operations on one client at once; they share its
/// connection pool and OAuth2 token. Free it with `bw_free` once every
/// call on it has returned.
pub struct bw_client {
    pub(crate) client: Arc<Client>,
    /// Started by the first asynchronous call, so a client used only
    /// synchronously has no threads.
    pool: OnceLock<Pool>,
}

impl bw_client {
    pub fn new(client: Client) -> bw_client {
        bw_client {
            client: Arc::new(client),
            pool: OnceLock::new(),
        }
    }

    pub(crate) fn pool(&self) -> &Pool {
        self.pool.get_or_init(|| self.client.new_pool())
    }
}

/// Creates a client from `cfg`. On success writes the new client to `*out`
/// (left untouched on failure). Free it with `bw_free`.
///
/// Fails with `BW_ERR_INVALID_ARGUMENT` for a NULL `cfg`/`out`, a
/// `cfg.struct_size` this library does not know (`BW_CLIENT_CONFIG_INIT`
/// sets it), fields of a newer header that this library lacks, missing or
/// mixed credentials, invalid URLs (including plain `http://` to a
/// non-loopback host), an unreadable `ca_file` or an invalid proxy.
///
/// # Safety
/// `cfg` is NULL or a `bw_client_config` of at least `cfg->struct_size`
/// bytes whose strings are NULL or NUL-terminated; `out` is NULL or
/// writable; `err` is NULL or a `bw_error` of at least `err->struct_size`
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn bw_client_new(
    cfg: *const bw_client_config,
    out: *mut *mut bw_client,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let cfg = unsafe { growable::read(cfg) }?;
        if out.is_null() {
            return Err(Error::invalid("out", "out is NULL"));
        }
        // SAFETY: caller contract above.
        let config = unsafe { client_config(&cfg) }?;
        let client = Box::new(bw_client::new(Client::new(config)?));
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { out.write(Box::into_raw(client)) };
        Ok(())
    })
}

/// Frees a client made by `bw_client_new`. NULL is a no-op. Call it only
/// after every blocking call on the client has returned, and only once.
///
/// Asynchronous calls still pending: queued ones complete with
/// `BW_ERR_CANCELLED` (never sent), running ones finish within their
/// budgets, their callbacks run, and then `bw_free` returns. Called from
/// inside a completion callback it cannot wait for that callback: it
/// cancels what is queued and returns at once, and the client's memory is
/// released when the last running call has completed. Either way the
/// pointer is invalid as soon as `bw_free` is called.
///
/// # Safety
/// `client` is NULL or a pointer returned by `bw_client_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bw_free(client: *mut bw_client) {
    ffi_value!((), {
        if !client.is_null() {
            // SAFETY: made by `Box::into_raw` in `bw_client_new`, freed once.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Cancels asynchronous call `job_id`. Queued: it is never sent and its
/// callback runs with `BW_ERR_CANCELLED`. Already running: best effort — no
/// further attempt starts and no retry wait continues, but a request already
/// sent runs to its answer and may take effect (the callback then reports
/// that answer, or `BW_ERR_CANCELLED` with `maybe_applied` set). Either way
/// the callback still runs exactly once. `BW_ERR_NOT_FOUND`: no such call is
/// pending (it has completed, or never existed).
///
/// # Safety
/// `client` is NULL or a live client; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_cancel(
    client: *const bw_client,
    job_id: u64,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let client = unsafe { req_ref(client, "client") }?;
        let pending = client.pool.get().is_some_and(|pool| pool.cancel(job_id));
        if pending {
            Ok(())
        } else {
            Err(Error::new(
                Status::NotFound,
                format!("job {job_id} is not pending: it has completed, or never existed"),
            ))
        }
    })
}

/// Copies the client's counters into `*out` (initialise it with
/// `BW_STATS_INIT`). Cheap (atomic reads), from any thread, at any time;
/// the counters only grow, so two snapshots subtract into a rate.
///
/// # Safety
/// `client` is NULL or a live client; `out` is NULL or a `bw_stats` of at
/// least `out->struct_size` bytes; `err` as for `bw_hangup`.
#[no_mangle]
pub unsafe extern "C" fn bw_client_stats(
    client: *const bw_client,
    out: *mut bw_stats,
    err: *mut bw_error,
) -> bw_status {
    ffi_status!(err, {
        // SAFETY: caller contract above.
        let client = unsafe { req_ref(client, "client") }?;
        let s = client.client.stats();
        let (queued, running) = client.pool.get().map_or((0, 0), Pool::pending);
        let by = |reason: RetryReason| s.retries[reason as usize];
        let mut outcomes = [0; BW_STATS_OUTCOMES];
        outcomes[..s.outcomes.len()].copy_from_slice(&s.outcomes);
        let stats = bw_stats {
            struct_size: std::mem::size_of::<bw_stats>() as u32,
            calls: s.calls,
            attempts: s.attempts,
            retries: s.retries.iter().sum(),
            retries_rate_limited: by(RetryReason::RateLimited),
            retries_unavailable: by(RetryReason::Unavailable),
            retries_server_error: by(RetryReason::ServerError),
            retries_timeout: by(RetryReason::Timeout),
            retries_connect: by(RetryReason::Connect),
            retries_stale_token: by(RetryReason::StaleToken),
            retries_denied: s.retries_denied,
            retry_budget_tokens: s.retry_budget_tokens.map_or(-1, i64::from),
            token_fetches: s.token_fetches,
            connections_opened: s.connections_opened,
            connections_reused: s.connections_reused,
            jobs_queued: queued as u64,
            jobs_running: running as u64,
            outcomes,
        };
        // SAFETY: caller contract above.
        unsafe { growable::write(out, &stats) }
    })
}

/// # Safety
/// Strings in `cfg` are NULL or NUL-terminated.
unsafe fn client_config(cfg: &bw_client_config) -> Result<ClientConfig, Error> {
    // SAFETY: forwarded from the caller, one string at a time.
    let s = |ptr, field| unsafe { opt_str(ptr, field) };
    let owned = |v: Option<&str>| v.map(str::to_owned);
    let basic = (s(cfg.username, "username")?, s(cfg.password, "password")?);
    let oauth = (
        s(cfg.client_id, "client_id")?,
        s(cfg.client_secret, "client_secret")?,
    );
    let auth = match (basic, oauth) {
        ((Some(username), Some(password)), (None, None)) => Auth::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        },
        ((None, None), (Some(client_id), Some(client_secret))) => Auth::OAuth2 {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            token_url: owned(s(cfg.token_url, "token_url")?),
        },
        ((None, None), (None, None)) => {
            return Err(Error::invalid(
                "username",
                "no credentials: set username+password or client_id+client_secret",
            ))
        }
        ((Some(_), None), _) => return Err(Error::invalid("password", "password is NULL")),
        ((None, Some(_)), _) => return Err(Error::invalid("username", "username is NULL")),
        (_, (Some(_), None)) => {
            return Err(Error::invalid("client_secret", "client_secret is NULL"))
        }
        (_, (None, Some(_))) => return Err(Error::invalid("client_id", "client_id is NULL")),
        _ => {
            return Err(Error::invalid(
                "client_id",
                "give either username+password or client_id+client_secret, not both",
            ))
        }
    };
    let tls_roots = match (cfg.tls_roots, s(cfg.ca_file, "ca_file")?) {
        (BW_TLS_ROOTS_BUNDLED, None) => TlsRoots::Bundled,
        (BW_TLS_ROOTS_SYSTEM, None) => TlsRoots::System,
        (BW_TLS_ROOTS_BUNDLED, Some(path)) => TlsRoots::PemFile(path.into()),
        (BW_TLS_ROOTS_SYSTEM, Some(_)) => {
            return Err(Error::invalid(
                "ca_file",
                "ca_file replaces the trust store: leave tls_roots at BW_TLS_ROOTS_BUNDLED",
            ))
        }
        (other, _) => return Err(enum_error("tls_roots", other)),
    };
    let proxy = match (s(cfg.proxy, "proxy")?, cfg.proxy_from_env) {
        (None, false) => ProxyConfig::Direct,
        (None, true) => ProxyConfig::FromEnvironment,
        (Some(url), false) => ProxyConfig::Url(url.to_owned()),
        (Some(_), true) => {
            return Err(Error::invalid(
                "proxy",
                "set proxy or proxy_from_env, not both",
            ))
        }
    };
    let millis = |ms: u32| (ms != 0).then(|| Duration::from_millis(ms.into()));
    Ok(ClientConfig {
        auth,
        base_url: owned(s(cfg.base_url, "base_url")?),
        connect_timeout: millis(cfg.connect_timeout_ms),
        timeout: millis(cfg.timeout_ms),
        max_attempts: (cfg.max_attempts != 0).then_some(cfg.max_attempts),
        retry_non_idempotent: cfg.retry_non_idempotent,
        allow_unknown_bxml_verbs: cfg.allow_unknown_bxml_verbs,
        tls_roots,
        proxy,
        user_agent_suffix: owned(s(cfg.user_agent_suffix, "user_agent_suffix")?),
        binding: owned(s(cfg.binding, "binding")?),
        max_concurrency: (cfg.max_concurrency != 0).then_some(cfg.max_concurrency),
        max_queued: (cfg.max_queued != 0).then_some(cfg.max_queued),
        retry_budget: (cfg.retry_budget != 0).then_some(cfg.retry_budget),
        on_event: events::hook(cfg.on_event, cfg.event_userdata, cfg.event_mask),
    })
}
