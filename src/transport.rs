//! One HTTP exchange over the client's shared ureq agent, with every
//! failure mapped to an [`Error`] and a note of whether the server may
//! have seen the request.

use crate::error::{Error, Status};
use crate::response::MAX_BODY_BYTES;
use crate::retry::parse_retry_after;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::Agent;

/// Which certificate authorities to trust. Verification is always on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyConfig {
    /// Connect directly, whatever the environment says.
    #[default]
    Direct,
    /// Through this proxy (`http://[user:pass@]host:port`).
    Url(String),
    /// From `HTTPS_PROXY`/`ALL_PROXY`/`HTTP_PROXY`, honouring `NO_PROXY`.
    FromEnvironment,
}

/// Connection-level settings shared by every request of a client.
pub struct TransportOptions<'a> {
    pub connect_timeout: Duration,
    pub tls_roots: &'a TlsRoots,
    pub proxy: &'a ProxyConfig,
    pub user_agent: &'a str,
}

/// A complete HTTP response.
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    /// The body, or `None` when it was larger than the cap or unreadable.
    pub body: Option<Vec<u8>>,
}

/// A request that produced no response.
pub struct Failure {
    pub error: Error,
    /// False only when the request certainly never reached the server.
    pub reached_server: bool,
}

/// The client's connection pool; cheap to share between threads.
pub struct Transport {
    agent: Agent,
}

impl Transport {
    pub fn new(opts: &TransportOptions) -> Result<Transport, Error> {
        let roots = match opts.tls_roots {
            TlsRoots::Bundled => RootCerts::WebPki,
            TlsRoots::System => RootCerts::PlatformVerifier,
            TlsRoots::PemFile(path) => RootCerts::from(load_pem_certificates(path)?),
        };
        let proxy = match opts.proxy {
            ProxyConfig::Direct => None,
            ProxyConfig::FromEnvironment => ureq::Proxy::try_from_env(),
            ProxyConfig::Url(url) => Some(ureq::Proxy::new(url).map_err(|_| {
                Error::invalid("proxy", "proxy is not a valid proxy URL (http://host:port)")
            })?),
        };
        // Pool sized for many threads sharing one client.
        let idle = 256;
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(proxy)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .timeout_connect(Some(opts.connect_timeout))
            .user_agent(opts.user_agent)
            .accept("application/json")
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            .build()
            .new_agent();
        Ok(Transport { agent })
    }

    /// POSTs `body` to `url`, giving up after `timeout` in total.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        timeout: Duration,
    ) -> Result<Reply, Failure> {
        let mut request = self.agent.post(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request
            .config()
            .timeout_global(Some(timeout))
            .build()
            .send(body)
            .map_err(failure)?;
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .ok();
        Ok(Reply {
            status: response.status().as_u16(),
            retry_after,
            body,
        })
    }
}

fn load_pem_certificates(path: &PathBuf) -> Result<Vec<Certificate<'static>>, Error> {
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

/// Maps a ureq error to our status, deciding conservatively whether the
/// request may have reached the server.
fn failure(err: ureq::Error) -> Failure {
    use ureq::Error as E;
    let (status, reached_server, message) = match err {
        E::Timeout(which) => {
            let before_connect = matches!(which, ureq::Timeout::Resolve | ureq::Timeout::Connect);
            (
                Status::Timeout,
                !before_connect,
                format!("timed out ({which})"),
            )
        }
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
        reached_server,
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
            reached_server: false,
        };
    }
    let (status, reached_server, what) = match e.kind() {
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
        reached_server,
    }
}
