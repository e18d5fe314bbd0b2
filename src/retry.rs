//! When to try again, and how long to wait first.

use crate::error::{Error, Status};
use crate::operation::Repeat;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

/// Attempts per call (first try included) when the configuration says 0.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The longest `Retry-After` honoured; a server asking for more gets this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(2);

/// Whether a failed attempt may be repeated.
///
/// Only transient failures are (429, 5xx, connect errors, timeouts), and
/// of those only the ones the server certainly did not apply (see
/// [`maybe_applied`]), unless repeating changes nothing: a hang-up or a
/// read is repeated after anything transient. A redirect that may have been
/// applied is repeated only when the client opted in (`opt_in`, its
/// `retry_non_idempotent`): repeating it fires the customer's webhook
/// twice. A createCall that may have been applied never is, whatever the
/// settings: repeating it rings a second phone.
pub fn is_retryable(err: &Error, sent: bool, repeat: Repeat, opt_in: bool) -> bool {
    let transient = matches!(
        err.status,
        Status::RateLimited | Status::Server | Status::Connect | Status::Timeout
    );
    transient
        && (!maybe_applied(err, sent, repeat)
            || repeat == Repeat::Idempotent
            || (repeat == Repeat::NotIdempotent && opt_in))
}

/// Whether a failed attempt may have been applied on the server: it was
/// sent and the answer does not rule it out. A 4xx (429 included) says the
/// request was not applied, and so does a 503, except for a createCall:
/// a proxy in front of the API may answer 503 after the request reached it,
/// and there a wrong guess places a second call. Anything else after the
/// request went out (a 5xx, a 3xx, a timeout, a reset, a malformed answer)
/// leaves it open.
pub fn maybe_applied(err: &Error, sent: bool, repeat: Repeat) -> bool {
    sent && match err.http_status {
        400..=499 => false,
        503 => repeat == Repeat::PlacesCall,
        _ => true,
    }
}

/// Exponential backoff with jitter before attempt `retry` (1 = first retry):
/// 100 ms, 200 ms, 400 ms… capped at 2 s, each scaled by a random 50–100 %
/// so clients that failed together do not retry together.
pub fn backoff(retry: u32) -> Duration {
    let exp = BACKOFF_BASE.saturating_mul(1 << retry.saturating_sub(1).min(16));
    let full = exp.min(BACKOFF_CAP);
    let jitter = RandomState::new().build_hasher().finish() % 1000; // 0..999
    full / 2 + full / 2 * (jitter as u32) / 1000
}

/// Parses `Retry-After`: delay-seconds or an HTTP date, capped at
/// [`MAX_RETRY_AFTER`]. A date in the past means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let delay = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when = httpdate::parse_http_date(value).ok()?;
        when.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("120", now), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:42 GMT", now),
            Some(Duration::from_secs(5))
        );
        // Obsolete RFC 850 and asctime forms are valid HTTP dates too.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:39 1994", now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for junk in ["", "-1", "1.5", "soon", "99999999999999999999999"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        for retry in 1..10 {
            let full = (BACKOFF_BASE * (1 << (retry - 1))).min(BACKOFF_CAP);
            let d = backoff(retry);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
        }
    }

    #[test]
    fn each_repeat_class_is_retried_only_when_allowed() {
        use Repeat::{Idempotent, NotIdempotent, PlacesCall};
        let http = |status, code| Error {
            http_status: code,
            ..Error::new(status, "x")
        };
        let rate = http(Status::RateLimited, 429);
        let unavailable = http(Status::Server, 503);
        let internal = http(Status::Server, 500);
        let refused = Error::new(Status::Connect, "refused");
        let timeout = Error::new(Status::Timeout, "t");
        let not_found = http(Status::NotFound, 404);
        let redirect = |e, sent| is_retryable(e, sent, NotIdempotent, false);
        assert!(redirect(&rate, true));
        assert!(redirect(&unavailable, true));
        assert!(redirect(&refused, false));
        assert!(!redirect(&refused, true));
        // A connect timeout, or a 5xx from the token endpoint: the
        // redirect itself was never sent.
        assert!(redirect(&timeout, false));
        assert!(redirect(&internal, false));
        assert!(!redirect(&internal, true));
        assert!(!redirect(&timeout, true));
        for class in [Idempotent, NotIdempotent] {
            assert!(is_retryable(&internal, true, class, true));
            assert!(is_retryable(&timeout, true, class, true));
            assert!(!is_retryable(&not_found, true, class, true));
        }
        assert!(is_retryable(&internal, true, Idempotent, false));
        // A createCall: only when certainly not placed, opt-in or not.
        for opt_in in [false, true] {
            let create = |e, sent| is_retryable(e, sent, PlacesCall, opt_in);
            assert!(create(&rate, true));
            assert!(create(&refused, false));
            assert!(create(&internal, false));
            assert!(!create(&unavailable, true));
            assert!(!create(&internal, true));
            assert!(!create(&timeout, true));
            assert!(!create(&refused, true));
        }
        // Of the same failures, those that may have been applied:
        for class in [Idempotent, NotIdempotent, PlacesCall] {
            assert!(!maybe_applied(&rate, true, class));
            assert!(!maybe_applied(&not_found, true, class));
            assert!(!maybe_applied(&refused, false, class));
            assert!(!maybe_applied(&internal, false, class));
            assert!(maybe_applied(&internal, true, class));
            assert!(maybe_applied(&timeout, true, class));
        }
        assert!(!maybe_applied(&unavailable, true, NotIdempotent));
        assert!(maybe_applied(&unavailable, true, PlacesCall));
    }
}
