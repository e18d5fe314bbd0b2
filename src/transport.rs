//! One HTTP exchange over the client's shared ureq agent, with every
//! failure mapped to an [`Error`] and a note of whether the request may
//! have been sent.

use crate::coalescing::{self, Coalescing, Written};
use crate::error::{Error, Status};
use crate::operation::Method;
use crate::resolver::CachingResolver;
use crate::retry::parse_retry_after;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::transport::{Connector, DefaultConnector};
use ureq::Agent;

/// Which certificate authorities to trust. Verification is always on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsRoots {
    /// Mozilla's root store, compiled in (same everywhere, no system dependency).
    #[default]
    Bundled,
    /// The operating system's trust store.
    System,
    /// Only the CA certificates in this PEM file (e.g. a private CA).
    PemFile(PathBuf),
}

/// How to reach the network.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyConfig {
    /// Connect directly, whatever the environment says.
    #[default]
    Direct,
    /// Through this HTTP proxy (`http://[user:pass@]host:port`), which is
    /// asked to open a tunnel (`CONNECT`) to the Voice API.
    Url(String),
    /// From the environment when the client is created: the first valid
    /// one of `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` (or their lowercase
    /// forms), skipping hosts listed in `NO_PROXY`; direct if none is set.
    FromEnvironment,
}

// Hand-written so that proxy credentials never reach a log through `{:?}`.
impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyConfig::Direct => f.write_str("Direct"),
            ProxyConfig::FromEnvironment => f.write_str("FromEnvironment"),
            ProxyConfig::Url(url) => {
                // Keep the scheme and host, hide `user:pass@`.
                let shown = match url.rsplit_once('@') {
                    Some((userinfo, host)) => {
                        let scheme = userinfo.split_once("://").map_or("", |(s, _)| s);
                        let sep = if scheme.is_empty() { "" } else { "://" };
                        format!("{scheme}{sep}<redacted>@{host}")
                    }
                    None => url.clone(),
                };
                f.debug_tuple("Url").field(&shown).finish()
            }
        }
    }
}

/// How long an idle pooled connection is kept.
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);

/// Connection-level settings shared by every request of a client.
pub struct TransportOptions {
    pub connect_timeout: Duration,
    pub tls_roots: TlsRoots,
    pub proxy: ProxyConfig,
    pub user_agent: String,
}

/// One HTTP request.
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a [u8]>,
    /// The most of the response body read; a larger one reads as `None`.
    pub max_body: u64,
}

/// A complete HTTP response.
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    /// The body, or `None` when it was larger than the cap or unreadable.
    pub body: Option<Vec<u8>>,
    /// The `Link` header (RFC 8288), which carries the next page of a list.
    pub link: Option<String>,
}

/// A request that produced no response.
#[derive(Clone)]
pub struct Failure {
    pub error: Error,
    /// False only when the request certainly never reached the server
    /// (see [`crate::retry::is_retryable`]).
    pub sent: bool,
}

/// The client's connection pool; cheap to share between threads.
pub struct Transport {
    agent: Agent,
    connect_timeout: Duration,
}

impl Transport {
    pub fn new(opts: &TransportOptions) -> Result<Transport, Error> {
        let roots = match &opts.tls_roots {
            TlsRoots::Bundled => RootCerts::WebPki,
            TlsRoots::System => RootCerts::PlatformVerifier,
            TlsRoots::PemFile(path) => RootCerts::from(load_pem_certificates(path)?),
        };
        let proxy = match &opts.proxy {
            ProxyConfig::Direct => None,
            ProxyConfig::FromEnvironment => ureq::Proxy::try_from_env(),
            ProxyConfig::Url(url) => Some(ureq::Proxy::new(url).map_err(|_| {
                Error::invalid("proxy", "proxy is not a valid proxy URL (http://host:port)")
            })?),
        };
        // Pool sized for many threads sharing one client.
        let idle = 256;
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(proxy)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .timeout_connect(Some(opts.connect_timeout))
            .user_agent(&opts.user_agent)
            .accept("application/json")
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            // The keep-alive race: a server closing an idle connection
            // just as it is reused. ureq probes a pooled connection before
            // reuse; retiring it after 15 s idle as well keeps clear of the
            // 60 s and longer idle timeouts of common load balancers.
            .max_idle_age(MAX_IDLE_AGE)
            .build();
        let agent = Agent::with_parts(
            config,
            DefaultConnector::new().chain(Coalescing),
            CachingResolver::default(),
        );
        Ok(Transport {
            agent,
            connect_timeout: opts.connect_timeout,
        })
    }

    /// Whether the calling thread's last [`Transport::send`] opened a new
    /// connection rather than reusing a pooled one.
    pub fn opened_connection() -> bool {
        coalescing::opened_connection()
    }

    /// Sends one request, giving up at `deadline`. Nothing is ever re-sent
    /// here: every request is one attempt of the retry policy.
    pub fn send(&self, request: &Request, deadline: Instant) -> Result<Reply, Failure> {
        coalescing::start_request();
        let left = deadline.saturating_duration_since(Instant::now());
        let result = self.exchange(request, left);
        let mut response = result.map_err(|e| self.failure(e, left))?;
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        // Several Link headers are one list (RFC 9110 field lines).
        let links: Vec<&str> = (response.headers().get_all("link").iter())
            .filter_map(|v| v.to_str().ok())
            .collect();
        let link = (!links.is_empty()).then(|| links.join(", "));
        // Read (capped) even on success: a drained connection can go back
        // to the pool. A body cut short still leaves the status usable.
        let body = response
            .body_mut()
            .with_config()
            .limit(request.max_body)
            .read_to_vec()
            .ok();
        Ok(Reply {
            status: response.status().as_u16(),
            retry_after,
            body,
            link,
        })
    }

    /// Maps a ureq error to our status. Whether the request may have
    /// reached the server is decided conservatively, except that a request
    /// of which no byte was written certainly did not (e.g. a pooled
    /// connection the server had reset just as it was reused): the retry
    /// policy may then resend even a redirect.
    fn failure(&self, err: ureq::Error, left: Duration) -> Failure {
        let mut failure = match err {
            ureq::Error::Timeout(which) => self.timeout(which, left),
            other => failure(other),
        };
        if coalescing::written() == Written::Nothing {
            failure.sent = false;
        }
        failure
    }

    /// A timeout, saying which limit ran out and where; `left` is what the
    /// attempt had when it began.
    fn timeout(&self, which: ureq::Timeout, left: Duration) -> Failure {
        let message = match (which, coalescing::written()) {
            (ureq::Timeout::Resolve | ureq::Timeout::Connect, _) => format!(
                "the {} connect timeout ran out connecting to the server",
                human(self.connect_timeout)
            ),
            (_, written) => format!(
                "the call's time budget ran out {} ({} were left for this attempt)",
                if written == Written::All {
                    "waiting for the response"
                } else {
                    "connecting or sending the request"
                },
                human(left)
            ),
        };
        Failure {
            error: Error::new(Status::Timeout, message),
            sent: true,
        }
    }

    /// Makes `request` with ureq, allowing it `left` in all.
    fn exchange(
        &self,
        request: &Request,
        left: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let &Request {
            method,
            url,
            headers,
            body,
            ..
        } = request;
        let timeout = Some(left);
        // ureq types a request by whether it has a body, so GET takes its
        // own path.
        fn with<B>(
            mut request: ureq::RequestBuilder<B>,
            headers: &[(&str, &str)],
        ) -> ureq::RequestBuilder<B> {
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request
        }
        let body = body.unwrap_or_default();
        match method {
            Method::Get => with(self.agent.get(url), headers)
                .config()
                .timeout_global(timeout)
                .build()
                .call(),
            Method::Post | Method::Put => {
                let request = if method == Method::Post {
                    self.agent.post(url)
                } else {
                    self.agent.put(url)
                };
                with(request, headers)
                    .config()
                    .timeout_global(timeout)
                    .build()
                    .send(body)
            }
        }
    }
}

/// `1.5 s`, `300 ms`.
fn human(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{} s", (d.as_millis() as f64 / 100.0).round() / 10.0)
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn load_pem_certificates(path: &Path) -> Result<Vec<Certificate<'static>>, Error> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::invalid(
            "ca_file",
            format!("cannot read ca_file {}: {e}", path.display()),
        )
    })?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::invalid(
            "ca_file",
            format!("ca_file {} holds no PEM certificate", path.display()),
        ));
    }
    Ok(certs)
}

/// Maps a ureq error other than a timeout to our status, deciding
/// conservatively whether the request may have reached the server.
fn failure(err: ureq::Error) -> Failure {
    use ureq::Error as E;
    let (status, sent, message) = match err {
        E::HostNotFound => (Status::Connect, false, "could not resolve the host".into()),
        E::ConnectionFailed => (Status::Connect, false, "could not connect".into()),
        E::ConnectProxyFailed(why) => (
            Status::Connect,
            false,
            format!("the proxy refused the tunnel: {why}"),
        ),
        E::Io(e) => return io_failure(e),
        E::Tls(why) => (Status::Tls, false, format!("TLS failure: {why}")),
        E::Rustls(e) => (Status::Tls, false, format!("TLS failure: {e}")),
        E::Pem(_) => (Status::Tls, false, "TLS failure: bad PEM data".into()),
        E::Protocol(e) => (Status::Protocol, true, format!("malformed response: {e}")),
        E::LargeResponseHeader(size, limit) => (
            Status::Protocol,
            true,
            format!("response headers too large ({size} > {limit} bytes)"),
        ),
        E::BodyExceedsLimit(_) | E::BodyStalled => {
            (Status::Protocol, true, "malformed response body".into())
        }
        other => (
            Status::Internal,
            false,
            format!("HTTP client error: {other}"),
        ),
    };
    Failure {
        error: Error::new(status, message),
        sent,
    }
}

fn io_failure(e: io::Error) -> Failure {
    use io::ErrorKind as K;
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return Failure {
            error: Error::new(Status::Tls, format!("TLS failure: {tls}")),
            sent: false,
        };
    }
    let (status, sent, what) = match e.kind() {
        K::ConnectionRefused => (Status::Connect, false, "connection refused"),
        K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable => {
            (Status::Connect, false, "host unreachable")
        }
        K::TimedOut | K::WouldBlock => (Status::Timeout, true, "timed out"),
        K::InvalidData => (Status::Protocol, true, "malformed response"),
        _ => (
            Status::Connect,
            true,
            "connection closed before a complete response",
        ),
    };
    Failure {
        error: Error::new(status, format!("{what} ({e})")),
        sent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human(Duration::from_secs(30)), "30 s");
        assert_eq!(human(Duration::from_millis(300)), "300 ms");
    }

    #[test]
    fn debug_never_shows_proxy_credentials() {
        for (url, shown) in [
            (
                "http://u:pw9@proxy:3128",
                r#"Url("http://<redacted>@proxy:3128")"#,
            ),
            ("u:pw9@proxy:3128", r#"Url("<redacted>@proxy:3128")"#),
            ("http://proxy:3128", r#"Url("http://proxy:3128")"#),
        ] {
            assert_eq!(format!("{:?}", ProxyConfig::Url(url.into())), shown);
        }
    }
}
