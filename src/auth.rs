//! Credentials: HTTP Basic, or OAuth2 client credentials with a shared,
//! thread-safe token cache.

use crate::error::{Error, Status};
use crate::response::http_error;
use crate::transport::{Failure, Transport};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How the client proves who it is.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// Bandwidth "API user" credentials (retired by Bandwidth on 2026-12-02).
    Basic { username: String, password: String },
    /// OAuth2 client credentials; `token_url` `None` means Bandwidth's.
    OAuth2 {
        client_id: String,
        client_secret: String,
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

/// A cached bearer token and when to stop using it.
struct Token {
    header: String,
    refresh_at: Instant,
}

/// OAuth2 client-credentials token source, one per client.
pub struct TokenSource {
    token_url: String,
    basic: String,
    cache: Mutex<Option<Token>>,
}

impl TokenSource {
    pub fn new(token_url: String, basic: String) -> TokenSource {
        TokenSource {
            token_url,
            basic,
            cache: Mutex::new(None),
        }
    }

    /// A valid `Bearer …` header, fetching a token when the cached one is
    /// missing or close to expiry. The lock is held across the fetch on
    /// purpose: exactly one refresh runs and concurrent callers wait for it
    /// instead of stampeding the token endpoint.
    pub fn bearer(&self, transport: &Transport, timeout: Duration) -> Result<String, Failure> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(token) = cache.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.header.clone());
        }
        let token = self.fetch(transport, timeout)?;
        let header = token.header.clone();
        *cache = Some(token);
        Ok(header)
    }

    /// Forgets `header` after the API refused it, unless another thread
    /// already replaced it with a newer token.
    pub fn invalidate(&self, header: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.as_ref().is_some_and(|t| t.header == header) {
            *cache = None;
        }
    }

    fn fetch(&self, transport: &Transport, timeout: Duration) -> Result<Token, Failure> {
        let reply = transport.post(
            &self.token_url,
            &[
                ("Authorization", &self.basic),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            b"grant_type=client_credentials",
            timeout,
        )?;
        let refused = |mut error: Error| {
            error.message = format!("token request failed: {}", error.message);
            Failure {
                error,
                // The token endpoint is safe to ask again.
                reached_server: false,
            }
        };
        if !(200..300).contains(&reply.status) {
            let mut error = http_error(reply.status, reply.retry_after, reply.body.as_deref());
            if reply.status == 400 || reply.status == 401 {
                // OAuth2 reports bad client credentials as 400 or 401 with
                // {"error":"invalid_client"}.
                error.status = Status::Unauthorized;
                error.message = format!(
                    "HTTP {}: the token endpoint refused the client credentials{}",
                    reply.status,
                    oauth_error_code(reply.body.as_deref())
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default()
                );
            }
            return Err(refused(error));
        }
        let (access_token, expires_in) = parse_token_reply(reply.body.as_deref())
            .map_err(|why| refused(Error::new(Status::Protocol, why)))?;
        let lifetime = Duration::from_secs(expires_in);
        // Refresh ~60 s early, or halfway for short-lived tokens.
        let margin = Duration::from_secs(60).min(lifetime / 2);
        Ok(Token {
            header: format!("Bearer {access_token}"),
            refresh_at: Instant::now() + lifetime - margin,
        })
    }
}

/// `access_token` and `expires_in` from a token reply, or why not.
fn parse_token_reply(body: Option<&[u8]>) -> Result<(String, u64), String> {
    let value: serde_json::Value = body
        .and_then(|b| serde_json::from_slice(b).ok())
        .ok_or("the token endpoint answered 2xx without a JSON body")?;
    let token = value
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or("the token reply has no access_token")?;
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the token reply's access_token is not printable ASCII".into());
    }
    let expires_in = value
        .get("expires_in")
        .and_then(serde_json::Value::as_u64)
        .filter(|&s| s > 0)
        .ok_or("the token reply has no positive expires_in")?;
    Ok((token.to_owned(), expires_in))
}

fn oauth_error_code(body: Option<&[u8]>) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body?).ok()?;
    let code = value.get("error")?.as_str()?;
    code.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        .then(|| code.chars().take(64).collect())
}

/// Standard base64 with padding (RFC 4648), for the Basic header.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
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
