//! What every JSON reply reader shares: objects that must be objects, RFC
//! 3339 times, and the `Status::Protocol` error for a malformed reply.

use crate::error::{Error, Status};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// A `T` that arrived as a JSON object. serde's derive also takes a JSON
/// array for a struct (its fields in order), which no reply ever is.
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OnlyMaps<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OnlyMaps<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(OnlyMaps(PhantomData))
            .map(Object)
    }
}

/// Reads an RFC 3339 date-time, refusing what no call or conference can
/// have: years 0000 and (with an offset) past 9999 in UTC, which many date
/// types (Python's among them) cannot hold. The error says why, after the
/// field's name.
pub(crate) fn parse_time(text: &str) -> Result<OffsetDateTime, &'static str> {
    let instant =
        OffsetDateTime::parse(text, &Rfc3339).map_err(|_| "is not an RFC 3339 date-time")?;
    let in_utc = instant.checked_to_offset(UtcOffset::UTC);
    if !in_utc.is_some_and(|t| (1..=9999).contains(&t.year())) {
        return Err("is outside the years 1-9999 (UTC)");
    }
    Ok(instant)
}

/// The error for a 2xx reply that is not what the spec says: `what` names
/// the reply (`call state`, `conference`, …), `why` the problem, cut to 200
/// characters and without control characters, as it reaches logs.
pub(crate) fn malformed(what: &str, why: &str) -> Error {
    let shown: String = why
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Error::new(Status::Protocol, format!("malformed {what}: {shown}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Pair {
        a: Option<u8>,
        b: Option<u8>,
    }

    #[test]
    fn objects_only() {
        let read = |body: &str| serde_json::from_str::<Object<Pair>>(body).map(|o| o.0);
        let pair = read(r#"{"b":2,"a":1}"#).unwrap();
        assert_eq!((pair.a, pair.b), (Some(1), Some(2)));
        for (body, why) in [
            ("[1,2]", "expected a JSON object"),
            ("null", "expected a JSON object"),
            ("\"x\"", "expected a JSON object"),
            (r#"{"a":1,"a":2}"#, "duplicate field `a`"),
            (r#"{"a":"1"}"#, "invalid type"),
        ] {
            let err = read(body).unwrap_err().to_string();
            assert!(err.contains(why), "{body}: {err}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("2022-06-16T13:15:18.126Z")
                .unwrap()
                .unix_timestamp(),
            1_655_385_318
        );
        assert_eq!(
            parse_time("2022-06-16").unwrap_err(),
            "is not an RFC 3339 date-time"
        );
        assert_eq!(
            parse_time("0000-01-01T00:00:00Z").unwrap_err(),
            "is outside the years 1-9999 (UTC)"
        );
        assert_eq!(
            parse_time("9999-12-31T23:00:00-05:00").unwrap_err(),
            "is outside the years 1-9999 (UTC)"
        );
    }

    #[test]
    fn malformed_messages_are_short_and_on_one_line() {
        let err = malformed("conference", &format!("a\r\nb{}", "x".repeat(500)));
        assert_eq!(err.status, Status::Protocol);
        assert!(err.message.starts_with("malformed conference: a  bxx"));
        assert_eq!(
            err.message.chars().count(),
            "malformed conference: ".len() + 200
        );
    }
}
