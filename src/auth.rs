//! Credentials: HTTP Basic, or OAuth2 client credentials with a shared,
//! thread-safe token cache.

use crate::endpoint::{server_of, Server};
use crate::error::{Error, Status};
use crate::operation::Method;
use crate::response::{http_error, MAX_BODY_BYTES};
use crate::transport::{Failure, Request, Transport};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How the client proves who it is.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// Bandwidth "API user" credentials (retired by Bandwidth on 2026-12-02).
    Basic {
        /// The API user's name.
        username: String,
        /// The API user's password.
        password: String,
    },
    /// OAuth2 client credentials; `token_url` `None` means Bandwidth's.
    OAuth2 {
        /// The OAuth2 client id.
        client_id: String,
        /// The OAuth2 client secret; never in a message or an event.
        client_secret: String,
        /// The token endpoint, default [`crate::DEFAULT_TOKEN_URL`].
        token_url: Option<String>,
    },
}

// Hand-written so that secrets never reach a log through `{:?}`.
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Basic { username, .. } => write!(f, "Basic({username:?}, <redacted>)"),
            Auth::OAuth2 { client_id, .. } => write!(f, "OAuth2({client_id:?}, <redacted>)"),
        }
    }
}

/// The `Authorization` value for Basic credentials, after checking them.
pub fn basic_header(
    user_field: &'static str,
    username: &str,
    secret_field: &'static str,
    password: &str,
) -> Result<String, Error> {
    if username.is_empty() {
        return Err(Error::invalid(user_field, format!("{user_field} is empty")));
    }
    if username.contains(':') {
        return Err(Error::invalid(
            user_field,
            format!("{user_field} must not contain ':' (HTTP Basic)"),
        ));
    }
    for (field, value) in [(user_field, username), (secret_field, password)] {
        if value.chars().any(char::is_control) {
            return Err(Error::invalid(
                field,
                format!("{field} contains control characters"),
            ));
        }
    }
    Ok(format!(
        "Basic {}",
        base64(format!("{username}:{password}").as_bytes())
    ))
}

/// How each request is authorized: one Basic header, or OAuth2 bearer tokens.
pub enum Authorization {
    Basic(String),
    // Boxed: the token cache is large next to a header string.
    OAuth2(Box<TokenSource>),
}

/// The credential of an `Authorization` value (`Basic abc` -> `abc`).
pub fn credential(authorization: &str) -> &str {
    authorization
        .split_once(' ')
        .map_or(authorization, |(_, credential)| credential)
}

/// A cached bearer token and when to replace it.
#[derive(Clone)]
struct Token {
    header: String,
    refresh_at: Instant,
    /// Until then the token still works, while a refresh is under way.
    expires_at: Instant,
}

/// Longest token lifetime believed; a larger `expires_in` (or a hostile
/// one that would overflow `Instant`) only means an earlier refresh.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The cache behind [`TokenSource`]'s mutex.
#[derive(Default)]
struct Cache {
    token: Option<Token>,
    /// One thread is fetching a token; the others wait on `TokenSource::done`.
    refreshing: bool,
    /// Counts finished refreshes, so that a thread that waited for one can
    /// tell it ended without a token…
    refreshes: u64,
    /// …and report why, instead of asking a failing endpoint again at once.
    last_failure: Option<Failure>,
}

/// OAuth2 client-credentials token source, one per client.
///
/// At most one token request is in flight: the first thread that needs a
/// token fetches it *without* holding the lock; the others wait on a
/// condition variable, each no longer than its own deadline (a slow token
/// endpoint must not hold a caller past its total timeout).
pub struct TokenSource {
    token_url: String,
    /// The token endpoint, for events.
    pub server: Server,
    basic: String,
    /// Scrubbed from the token endpoint's error text.
    secrets: Vec<String>,
    cache: Mutex<Cache>,
    done: Condvar,
}

impl TokenSource {
    pub fn new(token_url: String, basic: String, secrets: Vec<String>) -> TokenSource {
        TokenSource {
            server: server_of(&token_url),
            token_url,
            basic,
            secrets,
            cache: Mutex::default(),
            done: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Cache> {
        // The cache stays consistent even if a holder panicked.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A valid `Bearer …` header, fetching a token when the cached one is
    /// missing or due for refresh. Gives up at `deadline`. `on_fetch` hears
    /// of each token request this call makes: its duration and its error.
    pub fn bearer(
        &self,
        transport: &Transport,
        deadline: Instant,
        on_fetch: &dyn Fn(Duration, Option<&Error>),
    ) -> Result<String, Failure> {
        let mut cache = self.lock();
        let arrived_during = cache.refreshing.then_some(cache.refreshes);
        loop {
            let now = Instant::now();
            if let Some(token) = cache.token.as_ref().filter(|t| now < t.refresh_at) {
                return Ok(token.header.clone());
            }
            if !cache.refreshing {
                // The refresh this thread waited for failed: share its error,
                // unless it was the fetching call's own budget that ran out.
                // A waiter with time left then fetches with its own.
                if arrived_during.is_some_and(|n| n != cache.refreshes) {
                    if let Some(failure) = cache
                        .last_failure
                        .as_ref()
                        .filter(|f| f.error.status != Status::Timeout)
                    {
                        return Err(failure.clone());
                    }
                }
                break;
            }
            // Another thread refreshes early: the current token still works.
            if let Some(token) = cache.token.as_ref().filter(|t| now < t.expires_at) {
                return Ok(token.header.clone());
            }
            let remaining = deadline.saturating_duration_since(now);
            if remaining.is_zero() {
                return Err(Failure {
                    error: Error::new(
                        Status::Timeout,
                        "timed out waiting for the OAuth2 token request of another call",
                    ),
                    sent: false,
                });
            }
            cache = self
                .done
                .wait_timeout(cache, remaining)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        cache.refreshing = true;
        cache.last_failure = None;
        // A refresh ahead of expiry that fails falls back on this token.
        let current = cache
            .token
            .as_ref()
            .filter(|t| Instant::now() < t.expires_at)
            .map(|t| t.header.clone());
        drop(cache);

        // Clears `refreshing` and wakes the waiters even if `fetch` panics.
        let finish = RefreshDone(self);
        let began = Instant::now();
        let result = self.fetch(transport, deadline);
        on_fetch(began.elapsed(), result.as_ref().err().map(|f| &f.error));
        let mut cache = self.lock();
        match &result {
            Ok(token) => cache.token = Some(token.clone()),
            Err(failure) => cache.last_failure = Some(failure.clone()),
        }
        drop(cache);
        drop(finish);
        match (result, current) {
            (Ok(token), _) => Ok(token.header),
            (Err(_), Some(current)) => Ok(current),
            (Err(failure), None) => Err(failure),
        }
    }

    /// Forgets `header` after the API refused it, unless another thread
    /// already replaced it with a newer token.
    pub fn invalidate(&self, header: &str) {
        let mut cache = self.lock();
        if cache.token.as_ref().is_some_and(|t| t.header == header) {
            cache.token = None;
        }
    }

    fn fetch(&self, transport: &Transport, deadline: Instant) -> Result<Token, Failure> {
        let refused = |mut error: Error| {
            error.message = format!("token request failed: {}", error.message);
            Failure {
                error,
                // The call-control request was not sent.
                sent: false,
            }
        };
        let sent_at = Instant::now();
        if deadline <= sent_at {
            return Err(refused(Error::new(
                Status::Timeout,
                "the call's time budget ran out before the token request",
            )));
        }
        let reply = transport
            .send(
                &Request {
                    method: Method::Post,
                    url: &self.token_url,
                    headers: &[
                        ("Authorization", &self.basic),
                        ("Content-Type", "application/x-www-form-urlencoded"),
                    ],
                    body: Some(b"grant_type=client_credentials"),
                    max_body: MAX_BODY_BYTES,
                },
                deadline,
            )
            .map_err(|failure| refused(failure.error))?;
        if !(200..300).contains(&reply.status) {
            let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
            let mut error = http_error(
                reply.status,
                reply.retry_after,
                reply.body.as_deref(),
                &secrets,
                "token endpoint",
            );
            if reply.status == 400 || reply.status == 401 {
                // OAuth2 reports bad client credentials as 400 or 401 with
                // {"error":"invalid_client"}; that code becomes error_type.
                error.status = Status::Unauthorized;
                error.error_type = oauth_error_code(reply.body.as_deref());
                error.message = format!(
                    "HTTP {}: the token endpoint refused the client credentials{}",
                    reply.status,
                    error
                        .error_type
                        .as_ref()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default()
                );
            }
            return Err(refused(error));
        }
        let (access_token, expires_in) = parse_token_reply(reply.body.as_deref())
            .map_err(|why| refused(Error::new(Status::Protocol, why)))?;
        Ok(Token {
            header: format!("Bearer {access_token}"),
            // The lifetime started when the server issued the token, so
            // count from when the request was sent, not from the reply.
            refresh_at: sent_at + refresh_after(expires_in),
            expires_at: sent_at + Duration::from_secs(expires_in).min(MAX_TOKEN_LIFETIME),
        })
    }
}

/// Ends a refresh: clears the flag and wakes every waiting thread.
struct RefreshDone<'a>(&'a TokenSource);

impl Drop for RefreshDone<'_> {
    fn drop(&mut self) {
        let mut cache = self.0.lock();
        cache.refreshing = false;
        cache.refreshes += 1;
        drop(cache);
        self.0.done.notify_all();
    }
}

/// How long a token that `expires_in` seconds is used: until ~60 s before
/// it expires, or half its lifetime for short-lived tokens.
pub fn refresh_after(expires_in: u64) -> Duration {
    let lifetime = Duration::from_secs(expires_in).min(MAX_TOKEN_LIFETIME);
    lifetime - Duration::from_secs(60).min(lifetime / 2)
}

/// `access_token` and `expires_in` from a token reply, or why not.
/// `why` is static text: a token reply holds a secret, so none of it may
/// reach an error message.
pub fn parse_token_reply(body: Option<&[u8]>) -> Result<(String, u64), &'static str> {
    let value: serde_json::Value = body
        .and_then(|b| serde_json::from_slice(b).ok())
        .ok_or("the token endpoint answered 2xx without a JSON body")?;
    let token = value
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or("the token reply has no access_token")?;
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the token reply's access_token is not printable ASCII");
    }
    let expires_in = value
        .get("expires_in")
        .and_then(serde_json::Value::as_u64)
        .filter(|&s| s > 0)
        .ok_or("the token reply has no positive expires_in")?;
    Ok((token.to_owned(), expires_in))
}

pub fn oauth_error_code(body: Option<&[u8]>) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body?).ok()?;
    let code = value.get("error")?.as_str()?;
    code.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        .then(|| code.chars().take(64).collect())
}

/// Standard base64 with padding (RFC 4648), for the Basic header.
fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn basic_header_checks_credentials() {
        assert_eq!(
            basic_header("username", "Aladdin", "password", "open sesame").unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        let field = |u: &str, p: &str| {
            basic_header("username", u, "password", p)
                .unwrap_err()
                .field
        };
        assert_eq!(field("", "p"), Some("username"));
        assert_eq!(field("a:b", "p"), Some("username"));
        assert_eq!(field("u\r\n", "p"), Some("username"));
        assert_eq!(field("u", "p\nX-Evil: 1"), Some("password"));
    }

    #[test]
    fn token_replies() {
        let ok = br#"{"access_token":"abc.def","token_type":"Bearer","expires_in":3600}"#;
        assert_eq!(
            parse_token_reply(Some(ok)).unwrap(),
            ("abc.def".into(), 3600)
        );
        for bad in [
            &b"<html>"[..],
            br#"{"token_type":"Bearer","expires_in":3600}"#,
            br#"{"access_token":"","expires_in":3600}"#,
            br#"{"access_token":"a b","expires_in":3600}"#,
            br#"{"access_token":"a","expires_in":"3600"}"#,
            br#"{"access_token":"a","expires_in":0}"#,
        ] {
            let why = parse_token_reply(Some(bad)).unwrap_err();
            assert!(!why.contains("abc"), "{why}");
        }
        assert!(parse_token_reply(None).is_err());
    }

    #[test]
    fn tokens_are_refreshed_before_they_expire() {
        let secs = |s| Duration::from_secs(s);
        assert_eq!(refresh_after(3600), secs(3540));
        assert_eq!(refresh_after(120), secs(60));
        assert_eq!(refresh_after(100), secs(50));
        assert_eq!(refresh_after(2), secs(1));
        assert_eq!(refresh_after(1), Duration::from_millis(500));
        assert_eq!(refresh_after(u64::MAX), MAX_TOKEN_LIFETIME - secs(60));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let auth = Auth::OAuth2 {
            client_id: "id".into(),
            client_secret: "s3cret".into(),
            token_url: None,
        };
        assert!(!format!("{auth:?}").contains("s3cret"));
        let auth = Auth::Basic {
            username: "u".into(),
            password: "pw9".into(),
        };
        assert!(!format!("{auth:?}").contains("pw9"));
    }
}
