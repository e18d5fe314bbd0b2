//! Turning an HTTP error response into an [`Error`].

use crate::error::{Error, Status};
use crate::redact::scrub;
use std::time::Duration;

/// Most of a response body ever read. Bandwidth's error bodies are tiny; a
/// proxy's HTML page or a hostile server must not make us buffer megabytes.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;
/// Longest server-supplied text (type, description, id) kept in an error.
pub const MAX_FIELD_CHARS: usize = 1024;

/// Builds the error for a non-2xx response to a request about `subject`
/// (`call`, `conference`, `account`, …: what a 404 or 409 is about).
/// `body` is `None` when the body could not be read (too large, connection
/// dropped). The server's text is scrubbed of `secrets` (and of any
/// `Authorization` value) first.
pub fn http_error(
    code: u16,
    retry_after: Option<Duration>,
    body: Option<&[u8]>,
    secrets: &[&str],
    subject: &str,
) -> Error {
    let status = Status::from_http(code).unwrap_or(Status::Protocol);
    let mut err = Error::new(status, String::new());
    err.http_status = code;
    err.retry_after = retry_after;
    let parsed = body.and_then(parse_error_body);
    if let Some(ApiError {
        error_type,
        description,
        id,
    }) = parsed
    {
        let clean = |text: Option<String>| text.map(|t| scrub(&t, secrets));
        err.error_type = clean(error_type);
        err.description = clean(description);
        err.error_id = clean(id);
    }
    err.message = describe(code, &err, body, subject);
    err
}

/// The parts of Bandwidth's `{"type","description","id"}` error body.
#[derive(Debug, PartialEq, Eq)]
pub struct ApiError {
    pub error_type: Option<String>,
    pub description: Option<String>,
    pub id: Option<String>,
}

/// Reads Bandwidth's error body; `None` for anything else (HTML, empty,
/// JSON of another shape). An `id` of null or "" counts as absent.
pub fn parse_error_body(body: &[u8]) -> Option<ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let text = |key: &str| {
        object
            .get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(MAX_FIELD_CHARS).collect::<String>())
    };
    let parsed = ApiError {
        error_type: text("type"),
        description: text("description"),
        id: text("id"),
    };
    (parsed.error_type.is_some() || parsed.description.is_some()).then_some(parsed)
}

fn describe(code: u16, err: &Error, body: Option<&[u8]>, subject: &str) -> String {
    let what = match err.status {
        Status::Unauthorized => "the credentials were refused".to_owned(),
        Status::Forbidden if subject == "account" => {
            "the credentials may not act on this account".to_owned()
        }
        Status::Forbidden => format!("the credentials may not act on this account or {subject}"),
        Status::NotFound if subject == "account" => "the account is unknown".to_owned(),
        Status::NotFound => format!("the {subject} is unknown or has already ended"),
        Status::Conflict => format!("the {subject} cannot be modified in its current state"),
        Status::RateLimited => "too many requests".to_owned(),
        Status::BadRequest => "the request was rejected".to_owned(),
        Status::Server => "Bandwidth reported a server error".to_owned(),
        _ => "unexpected response".to_owned(),
    };
    let mut msg = format!("HTTP {code}: {what}");
    match (&err.error_type, &err.description) {
        (Some(t), Some(d)) => msg.push_str(&format!(" ({t}: {d})")),
        (Some(t), None) => msg.push_str(&format!(" ({t})")),
        (None, Some(d)) => msg.push_str(&format!(" ({d})")),
        (None, None) => match body {
            None => msg.push_str(" (body unreadable or too large)"),
            Some([]) => {}
            Some(b) => msg.push_str(&format!(" (non-JSON body, {} bytes)", b.len())),
        },
    }
    if let Some(delay) = err.retry_after {
        msg.push_str(&format!("; retry after {} ms", delay.as_millis()));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table() {
        for (code, status) in [
            (400, Status::BadRequest),
            (401, Status::Unauthorized),
            (403, Status::Forbidden),
            (404, Status::NotFound),
            (405, Status::BadRequest),
            (409, Status::Conflict),
            (415, Status::BadRequest),
            (422, Status::BadRequest),
            (429, Status::RateLimited),
            (500, Status::Server),
            (502, Status::Server),
            (503, Status::Server),
            (504, Status::Server),
            (302, Status::Protocol),
            (600, Status::Protocol),
        ] {
            let err = http_error(code, None, Some(b""), &[], "call");
            assert_eq!(err.status, status, "{code}");
            assert_eq!(err.http_status, code);
        }
    }

    #[test]
    fn bandwidth_body_fields() {
        let body = br#"{"type":"validation","description":"Invalid redirectUrl","id":"e-1"}"#;
        let err = http_error(400, None, Some(body), &[], "call");
        assert_eq!(err.error_type.as_deref(), Some("validation"));
        assert_eq!(err.description.as_deref(), Some("Invalid redirectUrl"));
        assert_eq!(err.error_id.as_deref(), Some("e-1"));
        assert_eq!(
            err.message,
            "HTTP 400: the request was rejected (validation: Invalid redirectUrl)"
        );
        for id in [r#""id":null"#, r#""id":"""#, r#""id":7"#] {
            let body = format!(r#"{{"type":"not-found","description":"gone",{id}}}"#);
            let err = http_error(404, None, Some(body.as_bytes()), &[], "call");
            assert_eq!(err.error_id, None, "{id}");
            assert_eq!(err.error_type.as_deref(), Some("not-found"));
        }
    }

    #[test]
    fn other_bodies_still_give_a_clean_error() {
        let html = http_error(
            502,
            None,
            Some(b"<html><body>Bad gateway</body></html>"),
            &[],
            "call",
        );
        assert_eq!(html.status, Status::Server);
        assert_eq!(html.error_type, None);
        assert!(
            html.message.contains("non-JSON body, 37 bytes"),
            "{}",
            html.message
        );
        assert!(!html.message.contains("<html>"));
        assert_eq!(
            http_error(500, None, None, &[], "call").message,
            "HTTP 500: Bandwidth reported a server error (body unreadable or too large)"
        );
        assert_eq!(
            http_error(404, None, Some(b""), &[], "call").message,
            "HTTP 404: the call is unknown or has already ended"
        );
        assert_eq!(parse_error_body(b"[1,2]"), None);
        assert_eq!(parse_error_body(br#"{"error":"x"}"#), None);
        let long = format!(r#"{{"type":"t","description":"{}"}}"#, "d".repeat(5000));
        let err = http_error(400, None, Some(long.as_bytes()), &[], "call");
        assert_eq!(err.description.unwrap().len(), MAX_FIELD_CHARS);
    }

    #[test]
    fn the_words_name_what_the_request_was_about() {
        let message = |code, subject| http_error(code, None, Some(b""), &[], subject).message;
        assert_eq!(
            message(404, "conference"),
            "HTTP 404: the conference is unknown or has already ended"
        );
        assert_eq!(message(404, "account"), "HTTP 404: the account is unknown");
        assert_eq!(
            message(403, "account"),
            "HTTP 403: the credentials may not act on this account"
        );
        assert_eq!(
            message(409, "conference member"),
            "HTTP 409: the conference member cannot be modified in its current state"
        );
    }

    #[test]
    fn retry_after_is_reported() {
        let err = http_error(429, Some(Duration::from_secs(2)), Some(b"{}"), &[], "call");
        assert_eq!(err.status, Status::RateLimited);
        assert_eq!(err.retry_after, Some(Duration::from_secs(2)));
        assert!(
            err.message.ends_with("retry after 2000 ms"),
            "{}",
            err.message
        );
    }
}
