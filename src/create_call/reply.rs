//! The 201 answer to "Create call" (the spec's `createCallResponse`).

use crate::call_state::Timestamp;
use crate::error::Error;
use crate::json::{self, Object};
use serde::de::{Deserializer, Error as _, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The call Bandwidth queued, as the 201 answer describes it. The fields
/// the spec requires are `String`s; the methods are the server's text
/// (`GET`, `POST`, or a newer value), `None` when null or absent.
#[derive(Clone, Default, PartialEq)]
pub struct CreatedCall {
    /// The application handling the call.
    pub application_id: String,
    /// The account the call belongs to.
    pub account_id: String,
    /// The new call's id, for every later operation on it.
    pub call_id: String,
    /// The called number or SIP URI.
    pub to: String,
    /// The calling number.
    pub from: String,
    /// When the call entered the account's queue.
    pub enqueued_time: Option<Timestamp>,
    /// The URL that updates this call.
    pub call_url: String,
    /// Seconds the callee has to answer.
    pub call_timeout: Option<f64>,
    /// Seconds Bandwidth waits for each webhook answer.
    pub callback_timeout: Option<f64>,
    /// The call's tag.
    pub tag: Option<String>,
    /// How the answer URL is requested (required in the reply, but nullable).
    pub answer_method: Option<String>,
    /// Where the answer webhook goes.
    pub answer_url: String,
    /// How the answer fallback URL is requested.
    pub answer_fallback_method: Option<String>,
    /// Where the answer webhook goes when `answer_url` fails.
    pub answer_fallback_url: Option<String>,
    /// How the disconnect URL is requested (required in the reply, but nullable).
    pub disconnect_method: Option<String>,
    /// Where the disconnect webhook goes.
    pub disconnect_url: Option<String>,
    /// The webhook user name.
    pub username: Option<String>,
    /// The webhook password as the server shows it (masked, e.g. `*****`);
    /// never in `{:?}`.
    pub password: Option<String>,
    /// The fallback webhook user name.
    pub fallback_username: Option<String>,
    /// The fallback webhook password as the server shows it; never in `{:?}`.
    pub fallback_password: Option<String>,
    /// The call's place in the queue, 1 (first) to 5.
    pub priority: Option<u32>,
}

// Hand-written: a server that echoed a password must not put it in a log.
impl fmt::Debug for CreatedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |p: &Option<String>| p.as_ref().map(|_| crate::redact::REDACTED);
        f.debug_struct("CreatedCall")
            .field("application_id", &self.application_id)
            .field("account_id", &self.account_id)
            .field("call_id", &self.call_id)
            .field("to", &self.to)
            .field("from", &self.from)
            .field("enqueued_time", &self.enqueued_time)
            .field("call_url", &self.call_url)
            .field("call_timeout", &self.call_timeout)
            .field("callback_timeout", &self.callback_timeout)
            .field("tag", &self.tag)
            .field("answer_method", &self.answer_method)
            .field("answer_url", &self.answer_url)
            .field("answer_fallback_method", &self.answer_fallback_method)
            .field("answer_fallback_url", &self.answer_fallback_url)
            .field("disconnect_method", &self.disconnect_method)
            .field("disconnect_url", &self.disconnect_url)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("fallback_username", &self.fallback_username)
            .field("fallback_password", &hidden(&self.fallback_password))
            .field("priority", &self.priority)
            .finish()
    }
}

impl CreatedCall {
    /// Reads a 201 answer. Anything but a JSON object of the spec's shape
    /// (required fields present, types right, RFC 3339 time, no known key
    /// twice) is `Status::Protocol`, and the message names the field.
    pub(crate) fn parse(body: &[u8]) -> Result<CreatedCall, Error> {
        // serde would also take a JSON array for a map.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Err(malformed("the body is not a JSON object"));
        }
        match serde_json::from_slice::<Object<Typed>>(body) {
            Ok(Object(typed)) => typed.into_call(),
            // serde says only where it stopped; reading the members one by
            // one names the field (slower, so only for a bad answer).
            Err(_) => CreatedCall::from_members(body),
        }
    }

    fn from_members(body: &[u8]) -> Result<CreatedCall, Error> {
        let Members(mut fields) =
            serde_json::from_slice(body).map_err(|e| malformed(&e.to_string()))?;
        let mut take = |key: &str| (key.to_owned(), fields.remove(key));
        Ok(CreatedCall {
            application_id: required(take("applicationId"))?,
            account_id: required(take("accountId"))?,
            call_id: required(take("callId"))?,
            to: required(take("to"))?,
            from: required(take("from"))?,
            enqueued_time: text(take("enqueuedTime"))?
                .map(|t| timestamp("enqueuedTime", t))
                .transpose()?,
            call_url: required(take("callUrl"))?,
            call_timeout: number(take("callTimeout"))?,
            callback_timeout: number(take("callbackTimeout"))?,
            tag: text(take("tag"))?,
            answer_method: present(take("answerMethod"))?,
            answer_url: required(take("answerUrl"))?,
            answer_fallback_method: text(take("answerFallbackMethod"))?,
            answer_fallback_url: text(take("answerFallbackUrl"))?,
            disconnect_method: present(take("disconnectMethod"))?,
            disconnect_url: text(take("disconnectUrl"))?,
            username: text(take("username"))?,
            password: text(take("password"))?,
            fallback_username: text(take("fallbackUsername"))?,
            fallback_password: text(take("fallbackPassword"))?,
            priority: priority(take("priority"))?,
        })
    }
}

/// The answer read straight into its fields (no key twice among them).
/// `Option<Option<_>>` tells a missing key (`None`) from a null
/// (`Some(None)`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Typed {
    #[serde(default, deserialize_with = "nullable")]
    application_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    account_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    call_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    to: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    from: Option<Option<String>>,
    enqueued_time: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    call_url: Option<Option<String>>,
    call_timeout: Option<f64>,
    callback_timeout: Option<f64>,
    tag: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    answer_method: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    answer_url: Option<Option<String>>,
    answer_fallback_method: Option<String>,
    answer_fallback_url: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    disconnect_method: Option<Option<String>>,
    disconnect_url: Option<String>,
    username: Option<String>,
    password: Option<String>,
    fallback_username: Option<String>,
    fallback_password: Option<String>,
    priority: Option<u32>,
}

/// A present key: its value, null included.
fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl Typed {
    fn into_call(self) -> Result<CreatedCall, Error> {
        let required = |key: &str, value: Option<Option<String>>| match value {
            None => Err(malformed(&format!("{key} is missing"))),
            Some(None) => Err(malformed(&format!("{key} is null"))),
            Some(Some(text)) => Ok(text),
        };
        let present = |key: &str, value: Option<Option<String>>| {
            value.ok_or_else(|| malformed(&format!("{key} is missing")))
        };
        Ok(CreatedCall {
            application_id: required("applicationId", self.application_id)?,
            account_id: required("accountId", self.account_id)?,
            call_id: required("callId", self.call_id)?,
            to: required("to", self.to)?,
            from: required("from", self.from)?,
            enqueued_time: self
                .enqueued_time
                .map(|t| timestamp("enqueuedTime", t))
                .transpose()?,
            call_url: required("callUrl", self.call_url)?,
            call_timeout: self.call_timeout,
            callback_timeout: self.callback_timeout,
            tag: self.tag,
            answer_method: present("answerMethod", self.answer_method)?,
            answer_url: required("answerUrl", self.answer_url)?,
            answer_fallback_method: self.answer_fallback_method,
            answer_fallback_url: self.answer_fallback_url,
            disconnect_method: present("disconnectMethod", self.disconnect_method)?,
            disconnect_url: self.disconnect_url,
            username: self.username,
            password: self.password,
            fallback_username: self.fallback_username,
            fallback_password: self.fallback_password,
            priority: self.priority,
        })
    }
}

/// A JSON object's members; a key that appears twice is an error (serde_json
/// would silently keep the last).
struct Members(BTreeMap<String, Value>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = BTreeMap::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    if members.contains_key(&key) {
                        return Err(A::Error::custom(format!("duplicate key {key:?}")));
                    }
                    members.insert(key, value);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

type Member = (String, Option<Value>);

/// A string that may be absent or null.
fn text((key, value): Member) -> Result<Option<String>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(malformed(&format!("{key} is not a string"))),
    }
}

/// A required, non-null string.
fn required((key, value): Member) -> Result<String, Error> {
    match value {
        None => Err(malformed(&format!("{key} is missing"))),
        Some(Value::Null) => Err(malformed(&format!("{key} is null"))),
        value => Ok(text((key, value))?.unwrap_or_default()),
    }
}

/// A required key whose value may be null.
fn present((key, value): Member) -> Result<Option<String>, Error> {
    if value.is_none() {
        return Err(malformed(&format!("{key} is missing")));
    }
    text((key, value))
}

fn number((key, value): Member) -> Result<Option<f64>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(malformed(&format!("{key} is not a number"))),
    }
}

fn priority((key, value): Member) -> Result<Option<u32>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64().map(u32::try_from) {
            Some(Ok(priority)) => Ok(Some(priority)),
            _ => Err(malformed(&format!(
                "{key} is not a whole number from 0 to 2^32-1"
            ))),
        },
        Some(_) => Err(malformed(&format!("{key} is not a number"))),
    }
}

fn timestamp(key: &str, text: String) -> Result<Timestamp, Error> {
    Timestamp::parse(key, text).map_err(|why| malformed(&why))
}

fn malformed(why: &str) -> Error {
    json::malformed("create-call reply", why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

    /// The spec's example answer, field for field.
    const EXAMPLE: &str = r#"{
        "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
        "accountId": "9900000",
        "callId": "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
        "to": "+19195551234",
        "from": "+19195554312",
        "enqueuedTime": "2022-06-16T13:15:07.160Z",
        "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85",
        "callTimeout": 30,
        "callbackTimeout": 15,
        "tag": "My custom tag value",
        "answerMethod": "POST",
        "answerUrl": "https://myServer.example/bandwidth/webhooks/answer",
        "answerFallbackMethod": "POST",
        "answerFallbackUrl": "https://myServer.example/bandwidth/webhooks/answerFallback",
        "disconnectMethod": "POST",
        "disconnectUrl": "https://myServer.example/bandwidth/webhooks/disconnect",
        "username": "mySecretUsername",
        "password": "*****",
        "fallbackUsername": "mySecretUsername",
        "fallbackPassword": "*****",
        "priority": 5
    }"#;

    const MINIMAL: &str = r#"{"applicationId":"a","accountId":"9","callId":"c-1","to":"+1",
        "from":"+2","callUrl":"https://x/c-1","answerMethod":null,"answerUrl":"https://x/a",
        "disconnectMethod":"GET"}"#;

    fn parse(body: &str) -> Result<CreatedCall, Error> {
        CreatedCall::parse(body.as_bytes())
    }

    #[test]
    fn the_spec_example() {
        let call = parse(EXAMPLE).unwrap();
        assert_eq!(
            call.call_id,
            "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"
        );
        assert_eq!(call.account_id, "9900000");
        assert_eq!(call.from, "+19195554312");
        assert!(call
            .call_url
            .ends_with("/calls/c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"));
        let queued = call.enqueued_time.as_ref().unwrap();
        assert_eq!(queued.text, "2022-06-16T13:15:07.160Z");
        assert_eq!(queued.unix_ms, 1_655_385_307_160);
        assert_eq!(
            (call.call_timeout, call.callback_timeout),
            (Some(30.0), Some(15.0))
        );
        assert_eq!(call.answer_method.as_deref(), Some("POST"));
        assert_eq!(
            call.disconnect_url.as_deref(),
            Some("https://myServer.example/bandwidth/webhooks/disconnect")
        );
        assert_eq!(call.fallback_password.as_deref(), Some("*****"));
        assert_eq!(call.priority, Some(5));
        let shown = format!("{call:?}");
        assert!(
            !shown.contains("*****") && shown.contains("<redacted>"),
            "{shown}"
        );
    }

    #[test]
    fn optional_fields_absent_null_or_unknown() {
        let call = parse(MINIMAL).unwrap();
        assert_eq!(call.answer_method, None);
        assert_eq!(call.disconnect_method.as_deref(), Some("GET"));
        assert_eq!(
            (call.enqueued_time, call.priority, call.tag),
            (None, None, None)
        );
        let newer = MINIMAL.replace(
            r#""answerMethod":null"#,
            r#""answerMethod":"PATCH","newField":[1]"#,
        );
        assert_eq!(
            parse(&newer).unwrap().answer_method.as_deref(),
            Some("PATCH")
        );
        // Unknown keys are skipped unread, twice as well as once.
        let twice = MINIMAL.replace('}', r#","x":1,"x":2}"#);
        assert_eq!(parse(&twice).unwrap().call_id, "c-1");
        let nulls = MINIMAL.replace('}', r#","enqueuedTime":null,"priority":null,"tag":null}"#);
        assert_eq!(parse(&nulls).unwrap().priority, None);
    }

    #[test]
    fn malformed_replies_are_protocol_errors() {
        let without = |key: &str| {
            let mut object: serde_json::Map<String, Value> = serde_json::from_str(MINIMAL).unwrap();
            object.remove(key);
            Value::Object(object).to_string()
        };
        let with = |extra: &str| MINIMAL.replace('}', &format!(",{extra}}}"));
        for (body, why) in [
            (String::new(), "not a JSON object"),
            ("[]".into(), "not a JSON object"),
            (" <html>".into(), "not a JSON object"),
            (r#"{"callId":"a""#.into(), "EOF"),
            (without("callId"), "callId is missing"),
            (without("answerMethod"), "answerMethod is missing"),
            (without("disconnectMethod"), "disconnectMethod is missing"),
            (MINIMAL.replace(r#""c-1""#, "null"), "callId is null"),
            (MINIMAL.replace(r#""c-1""#, "5"), "callId is not a string"),
            (with(r#""callId":"c-2""#), "duplicate key \"callId\""),
            (
                with(r#""enqueuedTime":"yesterday""#),
                "enqueuedTime is not an RFC 3339",
            ),
            (
                with(r#""enqueuedTime":"0000-01-01T00:00:00Z""#),
                "enqueuedTime is outside",
            ),
            (with(r#""enqueuedTime":7"#), "enqueuedTime is not a string"),
            (with(r#""callTimeout":"30""#), "callTimeout is not a number"),
            (with(r#""priority":-1"#), "priority is not a whole number"),
            (with(r#""priority":1.5"#), "priority is not a whole number"),
            (with(r#""tag":{}"#), "tag is not a string"),
        ] {
            let err = parse(&body).unwrap_err();
            assert_eq!(err.status, Status::Protocol, "{body}");
            assert!(
                err.message.starts_with("malformed create-call reply: "),
                "{}",
                err.message
            );
            assert!(err.message.contains(why), "{body}: {}", err.message);
        }
    }
}
