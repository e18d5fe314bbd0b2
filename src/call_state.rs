//! A call's state as "Get call state" reports it (the spec's `callState`).

use crate::error::Error;
use crate::json::{malformed, parse_time, Object};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A point in time from the server: its RFC 3339 text, and the same
/// instant in milliseconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// As the server sent it, e.g. `2026-12-01T22:16:48.123Z`.
    pub text: String,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub unix_ms: i64,
}

/// Everything "Get call state" returns. Every field is optional (the spec
/// requires none, and marks most nullable): `None` means absent or null.
/// `state`, `direction` and `disconnect_cause` are carried as the server's
/// text: Bandwidth may add values, and an unknown one is not an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallState {
    /// The Bandwidth application handling the call.
    pub application_id: Option<String>,
    /// The account the call belongs to.
    pub account_id: Option<String>,
    /// The call's id.
    pub call_id: Option<String>,
    /// The A-leg's call id when this call is the B-leg of a `<Transfer>`.
    pub parent_call_id: Option<String>,
    /// The called number (E.164) or SIP URI.
    pub to: Option<String>,
    /// The calling number (E.164) or SIP URI.
    pub from: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// `queued`, `initiated`, `answered`, `disconnected`, or a newer value.
    pub state: Option<String>,
    /// STIR/SHAKEN verification (`verstat`, `attestationIndicator`,
    /// `originatingId`, …), sorted by key. A value that is not a string
    /// is kept as its JSON text.
    pub stir_shaken: Vec<(String, String)>,
    /// The inbound INVITE's `Identity` header.
    pub identity: Option<String>,
    /// When an outbound call was queued.
    pub enqueued_time: Option<Timestamp>,
    /// When the call was created.
    pub start_time: Option<Timestamp>,
    /// When the call was answered.
    pub answer_time: Option<Timestamp>,
    /// When the call ended.
    pub end_time: Option<Timestamp>,
    /// `hangup`, `busy`, `timeout`, `cancel`, …, or a newer value.
    pub disconnect_cause: Option<String>,
    /// Why the call failed, when it did.
    pub error_message: Option<String>,
    /// Bandwidth's id of that failure.
    pub error_id: Option<String>,
    /// When any of this last changed.
    pub last_update: Option<Timestamp>,
}

/// A `callState` as JSON, read only through [`CallStateObject`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reply {
    application_id: Option<String>,
    account_id: Option<String>,
    call_id: Option<String>,
    parent_call_id: Option<String>,
    to: Option<String>,
    from: Option<String>,
    direction: Option<String>,
    state: Option<String>,
    stir_shaken: Option<Map<String, Value>>,
    identity: Option<String>,
    enqueued_time: Option<String>,
    start_time: Option<String>,
    answer_time: Option<String>,
    end_time: Option<String>,
    disconnect_cause: Option<String>,
    error_message: Option<String>,
    error_id: Option<String>,
    last_update: Option<String>,
}

impl CallState {
    /// Reads a 200 answer. Anything but a JSON object of the spec's shape
    /// (with RFC 3339 times) is `Status::Protocol`: half a state is never
    /// returned as if it were all of it.
    pub(crate) fn from_reply(body: Option<&[u8]>) -> Result<CallState, Error> {
        let malformed = |why: &str| malformed("call state", why);
        let body = body.ok_or_else(|| {
            malformed("the body could not be read whole (cut short, or over 64 KiB)")
        })?;
        // `Object` refuses the rest too; this says it plainly.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Err(malformed("the body is not a JSON object"));
        }
        let object: CallStateObject =
            serde_json::from_slice(body).map_err(|e| malformed(&e.to_string()))?;
        object.into_state().map_err(|why| malformed(&why))
    }
}

/// One `callState` JSON object: the whole of a "Get call state" reply, or
/// one element of a "Get calls" reply. Both are read by the same rules:
/// unknown keys are ignored; a duplicated or mistyped one, a time that is
/// not RFC 3339, or anything but an object makes it malformed.
#[derive(Deserialize)]
pub(crate) struct CallStateObject(Object<Reply>);

impl CallStateObject {
    /// The state, or why the object is malformed.
    pub(crate) fn into_state(self) -> Result<CallState, String> {
        let CallStateObject(Object(reply)) = self;
        let time = |field: &str, text: Option<String>| {
            text.map(|t| Timestamp::parse(field, t)).transpose()
        };
        Ok(CallState {
            application_id: reply.application_id,
            account_id: reply.account_id,
            call_id: reply.call_id,
            parent_call_id: reply.parent_call_id,
            to: reply.to,
            from: reply.from,
            direction: reply.direction,
            state: reply.state,
            stir_shaken: reply
                .stir_shaken
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| match value {
                    Value::String(text) => (key, text),
                    other => (key, other.to_string()),
                })
                .collect(),
            identity: reply.identity,
            enqueued_time: time("enqueuedTime", reply.enqueued_time)?,
            start_time: time("startTime", reply.start_time)?,
            answer_time: time("answerTime", reply.answer_time)?,
            end_time: time("endTime", reply.end_time)?,
            disconnect_cause: reply.disconnect_cause,
            error_message: reply.error_message,
            error_id: reply.error_id,
            last_update: time("lastUpdate", reply.last_update)?,
        })
    }
}

impl Timestamp {
    /// The server's `field`, or why it is not a usable time.
    pub(crate) fn parse(field: &str, text: String) -> Result<Timestamp, String> {
        let instant = parse_time(&text).map_err(|why| format!("{field} {why}"))?;
        let unix_ms = (instant.unix_timestamp_nanos().div_euclid(1_000_000)) as i64;
        Ok(Timestamp { text, unix_ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

    /// The spec's example values for every `callState` field (the Python
    /// binding's tests start from the same file).
    const SPEC_EXAMPLE: &str = include_str!("../tests/data/call_state_example.json");

    fn parse(body: &str) -> Result<CallState, Error> {
        CallState::from_reply(Some(body.as_bytes()))
    }

    #[test]
    fn the_spec_example() {
        let state = parse(SPEC_EXAMPLE).unwrap();
        assert_eq!(state.account_id.as_deref(), Some("9900000"));
        assert_eq!(state.from.as_deref(), Some("+19195554321"));
        assert_eq!(state.state.as_deref(), Some("disconnected"));
        assert_eq!(state.disconnect_cause.as_deref(), Some("hangup"));
        assert_eq!(state.error_message, None);
        assert_eq!(
            state.stir_shaken,
            [
                ("attestationIndicator".into(), "A".into()),
                ("originatingId".into(), "abc123".into()),
                ("verstat".into(), "TN-Validation-Passed".into()),
            ]
        );
        let answer = state.answer_time.unwrap();
        assert_eq!(answer.text, "2022-06-16T13:15:18.126Z");
        assert_eq!(answer.unix_ms, 1_655_385_318_126);
        assert_eq!(state.last_update.unwrap().unix_ms, 1_655_385_318_314);
    }

    #[test]
    fn null_absent_and_unknown_values() {
        let nulls = r#"{"parentCallId":null,"stirShaken":null,"identity":null,"enqueuedTime":null,
            "startTime":null,"answerTime":null,"endTime":null,"disconnectCause":null,
            "errorMessage":null,"errorId":null}"#;
        assert_eq!(parse(nulls).unwrap(), CallState::default());
        assert_eq!(parse("{}").unwrap(), CallState::default());
        let newer = r#"{"state":"transferring","direction":"sideways","disconnectCause":"solar-flare",
            "stirShaken":{"n":5,"b":true},"brandNewField":[1,2]}"#;
        let state = parse(newer).unwrap();
        assert_eq!(state.state.as_deref(), Some("transferring"));
        assert_eq!(state.direction.as_deref(), Some("sideways"));
        assert_eq!(state.disconnect_cause.as_deref(), Some("solar-flare"));
        assert_eq!(
            state.stir_shaken,
            [("b".into(), "true".into()), ("n".into(), "5".into())]
        );
    }

    #[test]
    fn times_with_offsets_and_before_the_epoch() {
        let state = parse(
            r#"{"startTime":"2022-06-16T15:15:07.1+02:00","endTime":"1969-12-31T23:59:59.999Z"}"#,
        )
        .unwrap();
        assert_eq!(state.start_time.unwrap().unix_ms, 1_655_385_307_100);
        assert_eq!(state.end_time.unwrap().unix_ms, -1);
    }

    #[test]
    fn malformed_replies_are_protocol_errors() {
        for (body, why) in [
            ("", "not a JSON object"),
            ("<html>", "not a JSON object"),
            ("[]", "not a JSON object"),
            (r#"{"state":"a""#, "EOF"),
            (r#"{"state":5}"#, "invalid type"),
            (r#"{"state":"a","state":"b"}"#, "duplicate field"),
            (
                r#"{"answerTime":"yesterday"}"#,
                "answerTime is not an RFC 3339 date-time",
            ),
            (
                r#"{"lastUpdate":"2022-06-16 13:15:18"}"#,
                "lastUpdate is not",
            ),
        ] {
            let err = parse(body).unwrap_err();
            assert_eq!(err.status, Status::Protocol, "{body}");
            assert!(err.message.contains(why), "{body}: {}", err.message);
        }
        let err = CallState::from_reply(None).unwrap_err();
        assert!(err.message.contains("over 64 KiB"), "{}", err.message);
    }
}
