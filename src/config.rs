//! A client's configuration, the settings of one call, and the checks that
//! turn a [`ClientConfig`] into [`Settings`] with every default filled in.

use crate::auth::{basic_header, credential, Auth, Authorization, TokenSource};
use crate::budget;
use crate::bxml::UnknownVerbs;
use crate::endpoint::{check_service_url, server_of, Server, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL};
use crate::error::Error;
use crate::events::EventHook;
use crate::jobs::{PoolLimits, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_QUEUED, MAX_CONCURRENCY_LIMIT};
use crate::retry::DEFAULT_MAX_ATTEMPTS;
use crate::transport::{ProxyConfig, TlsRoots, TransportOptions};
use std::time::Duration;

/// Connect timeout when the configuration leaves it unset.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Total time budget of one call (all attempts and waits) when unset.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// `User-Agent` sent with every request (a suffix may follow).
pub const USER_AGENT: &str = concat!("bwvoice/", env!("CARGO_PKG_VERSION"));
const MAX_USER_AGENT_SUFFIX: usize = 128;
const MAX_BINDING: usize = 16;

/// Everything a [`crate::Client`] needs; `None` fields take the documented default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The credentials.
    pub auth: Auth,
    /// Voice API base, default `https://voice.bandwidth.com/api/v2`.
    pub base_url: Option<String>,
    /// Default 5 s.
    pub connect_timeout: Option<Duration>,
    /// Budget for a whole call including retries, default 30 s.
    pub timeout: Option<Duration>,
    /// Attempts per call, first included; default 3, `Some(1)` never retries.
    pub max_attempts: Option<u32>,
    /// Also retry a redirect or a BXML replacement (of a call or a
    /// conference) after a failure that may have reached the server
    /// (timeout, reset, 5xx other than 503). Off by default because a
    /// repeated redirect re-fires the customer's webhook and repeated BXML
    /// restarts the script. Never applies to `create_call`: a second one
    /// rings a second phone.
    pub retry_non_idempotent: bool,
    /// Let verbs this library does not know through the check of BXML
    /// sent with `update_call_bxml` / `update_conference_bxml` (verbs
    /// Bandwidth added after this version). Off by default, so a typo such
    /// as `<SpeakSentance>` fails before it reaches a live call.
    pub allow_unknown_bxml_verbs: bool,
    /// Which certificate authorities to trust (verification is always on).
    pub tls_roots: TlsRoots,
    /// Direct, an explicit proxy, or the environment's.
    pub proxy: ProxyConfig,
    /// Appended to the User-Agent as `bwvoice/x.y.z (suffix)`.
    pub user_agent_suffix: Option<String>,
    /// For language bindings: their name (`python`, `go`), first in the
    /// User-Agent comment: `bwvoice/x.y.z (binding; suffix)`.
    pub binding: Option<String>,
    /// Asynchronous calls running at once (each on a worker thread);
    /// default 64, at most 4096.
    pub max_concurrency: Option<u32>,
    /// Asynchronous calls waiting to run; a submit beyond it is
    /// `Status::Busy`. Default 10,000.
    pub max_queued: Option<u32>,
    /// Capacity of the retry budget: retries cost tokens, successes refund
    /// some, an empty budget means one attempt per call. Default
    /// [`crate::DEFAULT_RETRY_BUDGET`], [`crate::RETRY_BUDGET_OFF`] for none.
    pub retry_budget: Option<u32>,
    /// Told of every attempt, retry, token fetch and call end.
    pub on_event: Option<EventHook>,
}

impl ClientConfig {
    /// A configuration with these credentials and every default.
    pub fn new(auth: Auth) -> ClientConfig {
        ClientConfig {
            auth,
            base_url: None,
            connect_timeout: None,
            timeout: None,
            max_attempts: None,
            retry_non_idempotent: false,
            allow_unknown_bxml_verbs: false,
            tls_roots: TlsRoots::default(),
            proxy: ProxyConfig::default(),
            user_agent_suffix: None,
            binding: None,
            max_concurrency: None,
            max_queued: None,
            retry_budget: None,
            on_event: None,
        }
    }
}

/// Settings of one call; the default takes the client's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// At most this long for this call, every attempt and wait included;
    /// the client's `timeout` still applies when it is shorter (so a
    /// caller's deadline passes straight through). Zero is invalid.
    pub timeout: Option<Duration>,
}

impl CallOptions {
    /// A call that ends within `timeout` (or the client's, if shorter).
    pub fn within(timeout: Duration) -> CallOptions {
        CallOptions {
            timeout: Some(timeout),
        }
    }
}

/// A [`ClientConfig`] checked, with every default filled in.
pub struct Settings {
    pub base_url: String,
    /// The Voice API's, for events.
    pub api_server: Server,
    pub credentials: Credentials,
    pub timeout: Duration,
    pub max_attempts: u32,
    pub retry_non_idempotent: bool,
    pub unknown_bxml_verbs: UnknownVerbs,
    pub pool_limits: PoolLimits,
    /// The retry budget's capacity; `None` when it is off.
    pub retry_budget: Option<u32>,
    pub on_event: Option<EventHook>,
}

/// Checked credentials: how each request is authorized, and what of them
/// could appear in an echoed request, for scrubbing server text (see `redact`).
pub struct Credentials {
    pub authorization: Authorization,
    pub secrets: Vec<String>,
}

impl Settings {
    /// Checks `config`, field by field: an invalid setting is
    /// `Status::InvalidArgument` naming it in [`Error::field`]. The
    /// transport's options come apart: they are needed once, to build it.
    pub fn check(config: ClientConfig) -> Result<(Settings, TransportOptions), Error> {
        let base_url = check_service_url(
            "base_url",
            config.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
        )?;
        let credentials = Credentials::check(&config.auth)?;
        let user_agent = user_agent(
            config.binding.as_deref(),
            config.user_agent_suffix.as_deref(),
        )?;
        let connect_timeout = positive(
            "connect_timeout_ms",
            config.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let timeout = positive("timeout_ms", config.timeout, DEFAULT_TIMEOUT)?;
        let max_attempts = match config.max_attempts {
            Some(0) => return Err(Error::invalid("max_attempts", "max_attempts is zero")),
            Some(n) => n,
            None => DEFAULT_MAX_ATTEMPTS,
        };
        let pool_limits = pool_limits(config.max_concurrency, config.max_queued)?;
        let retry_budget = retry_budget(config.retry_budget)?;
        let connection = TransportOptions {
            connect_timeout,
            tls_roots: config.tls_roots,
            proxy: config.proxy,
            user_agent,
        };
        let settings = Settings {
            api_server: server_of(&base_url),
            base_url,
            credentials,
            timeout,
            max_attempts,
            retry_non_idempotent: config.retry_non_idempotent,
            unknown_bxml_verbs: if config.allow_unknown_bxml_verbs {
                UnknownVerbs::Allow
            } else {
                UnknownVerbs::Refuse
            },
            pool_limits,
            retry_budget,
            on_event: config.on_event,
        };
        Ok((settings, connection))
    }
}

impl Credentials {
    fn check(auth: &Auth) -> Result<Credentials, Error> {
        Ok(match auth {
            Auth::Basic { username, password } => {
                let header = basic_header("username", username, "password", password)?;
                Credentials {
                    secrets: vec![password.clone(), credential(&header).to_owned()],
                    authorization: Authorization::Basic(header),
                }
            }
            Auth::OAuth2 {
                client_id,
                client_secret,
                token_url,
            } => {
                if client_secret.is_empty() {
                    return Err(Error::invalid("client_secret", "client_secret is empty"));
                }
                let basic = basic_header("client_id", client_id, "client_secret", client_secret)?;
                let secrets = vec![client_secret.clone(), credential(&basic).to_owned()];
                let token_url = check_service_url(
                    "token_url",
                    token_url.as_deref().unwrap_or(DEFAULT_TOKEN_URL),
                )?;
                let tokens = TokenSource::new(token_url, basic, secrets.clone());
                Credentials {
                    authorization: Authorization::OAuth2(Box::new(tokens)),
                    secrets,
                }
            }
        })
    }
}

/// `value`, which must not be zero, or `default`.
fn positive(
    field: &'static str,
    value: Option<Duration>,
    default: Duration,
) -> Result<Duration, Error> {
    match value {
        Some(d) if d.is_zero() => Err(Error::invalid(field, format!("{field} is zero"))),
        Some(d) => Ok(d),
        None => Ok(default),
    }
}

fn pool_limits(max_concurrency: Option<u32>, max_queued: Option<u32>) -> Result<PoolLimits, Error> {
    let max_concurrency = match max_concurrency {
        Some(n) if n == 0 || n > MAX_CONCURRENCY_LIMIT => {
            return Err(Error::invalid(
                "max_concurrency",
                format!("max_concurrency must be 1-{MAX_CONCURRENCY_LIMIT}"),
            ))
        }
        Some(n) => n,
        None => DEFAULT_MAX_CONCURRENCY,
    };
    let max_queued = match max_queued {
        Some(0) => return Err(Error::invalid("max_queued", "max_queued is zero")),
        Some(n) => n,
        None => DEFAULT_MAX_QUEUED,
    };
    Ok(PoolLimits {
        max_concurrency,
        max_queued,
    })
}

/// The retry budget's capacity, `None` when it is off.
fn retry_budget(capacity: Option<u32>) -> Result<Option<u32>, Error> {
    match capacity {
        Some(0) => Err(Error::invalid("retry_budget", "retry_budget is zero")),
        Some(budget::OFF) => Ok(None),
        Some(capacity) => Ok(Some(capacity)),
        None => Ok(Some(budget::DEFAULT_CAPACITY)),
    }
}

/// `bwvoice/x.y.z`, then `(binding; suffix)` with whichever of the two is set.
fn user_agent(binding: Option<&str>, suffix: Option<&str>) -> Result<String, Error> {
    if let Some(name) = binding {
        let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b);
        if name.is_empty() || name.len() > MAX_BINDING || !name.bytes().all(allowed) {
            return Err(Error::invalid(
                "binding",
                "binding must be 1-16 lower-case letters, digits, '+', '-' or '.'",
            ));
        }
    }
    if let Some(suffix) = suffix {
        let printable = suffix.bytes().all(|b| (b' '..=b'~').contains(&b));
        if suffix.is_empty() || !printable || suffix.len() > MAX_USER_AGENT_SUFFIX {
            return Err(Error::invalid(
                "user_agent_suffix",
                "user_agent_suffix must be 1-128 printable ASCII characters",
            ));
        }
    }
    let comment: Vec<&str> = [binding, suffix].into_iter().flatten().collect();
    Ok(if comment.is_empty() {
        USER_AGENT.to_owned()
    } else {
        format!("{USER_AGENT} ({})", comment.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_names_the_binding_then_the_suffix() {
        let v = USER_AGENT;
        for (binding, suffix, want) in [
            (None, None, v.to_owned()),
            (Some("go"), None, format!("{v} (go)")),
            (None, Some("app/1.2"), format!("{v} (app/1.2)")),
            (
                Some("python"),
                Some("app/1.2"),
                format!("{v} (python; app/1.2)"),
            ),
        ] {
            assert_eq!(user_agent(binding, suffix).unwrap(), want);
        }
        for (binding, suffix, field) in [
            (Some(""), None, "binding"),
            (Some("Python"), None, "binding"),
            (Some("a; b"), None, "binding"),
            (Some("x".repeat(17).as_str()), None, "binding"),
            (None, Some(""), "user_agent_suffix"),
            (Some("go"), Some("x\r\nX-Evil: 1"), "user_agent_suffix"),
            (None, Some("x".repeat(129).as_str()), "user_agent_suffix"),
        ] {
            let err = user_agent(binding, suffix).unwrap_err();
            assert_eq!(err.field, Some(field), "{binding:?} {suffix:?}");
        }
    }
}
