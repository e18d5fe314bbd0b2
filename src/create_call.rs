//! "Create call": the request (model, validation, JSON body); the 201
//! answer is in `reply`, the rules beyond ranges in `rules`.

mod reply;
mod rules;
#[cfg(test)]
mod tests;

pub use reply::CreatedCall;

use crate::error::Error;
use crate::request::{check_length, RedirectMethod, MAX_TAG_CHARS};
use rules::{
    check_credentials, check_display_name, check_identifier, check_range, check_to, check_uui,
    check_webhook_url, check_whole_seconds, is_e164,
};
use serde::{Serialize, Serializer};

/// Every parameter of "Create call". The four `String` fields are
/// required; an `Option` left `None` is not sent, and Bandwidth uses its
/// default.
///
/// ```
/// use bwvoice::{CreateCallRequest, MachineDetection, MachineDetectionMode};
///
/// let call = CreateCallRequest {
///     call_timeout: Some(45.0),
///     machine_detection: Some(MachineDetection {
///         mode: Some(MachineDetectionMode::Sync),
///         ..MachineDetection::default()
///     }),
///     ..CreateCallRequest::new("+19195551234", "+15555551212", "app-1", "https://app.example/answer")
/// };
/// assert!(call.validate().is_ok());
/// assert_eq!(
///     call.to_json(),
///     concat!(
///         r#"{"to":"+19195551234","from":"+15555551212","applicationId":"app-1","#,
///         r#""answerUrl":"https://app.example/answer","callTimeout":45,"#,
///         r#""machineDetection":{"mode":"sync"}}"#
///     )
/// );
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCallRequest {
    /// Whom to call: an E.164 number (`+15555551212`) or a SIP URI
    /// (`sip:user@host`, `sips:user@host`).
    pub to: String,
    /// A Bandwidth number on your account, in E.164, even with `privacy`.
    pub from: String,
    /// The Bandwidth application the `from` number belongs to.
    pub application_id: String,
    /// Absolute http(s) URL that receives the answer webhook and returns
    /// the call's first BXML; https when `username`/`password` are set.
    pub answer_url: String,
    /// Hides the calling number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy: Option<bool>,
    /// Caller name shown to the callee (at most 256 characters, no control
    /// characters); with `privacy`, one of `Restricted`, `Anonymous`,
    /// `Private`, `Unavailable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `User-To-User` headers for an INVITE to a SIP URI: comma-separated
    /// values, each ending with `;encoding=jwt`, `base64` or `hex`; at
    /// most 350 characters in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uui: Option<String>,
    /// How `answer_url` is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_method: Option<RedirectMethod>,
    /// Basic credentials Bandwidth sends with the call's webhooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password for `username`; never in a message or `{:?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Tried when `answer_url` fails; https when fallback credentials are set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_fallback_url: Option<String>,
    /// How the fallback URL is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_fallback_method: Option<RedirectMethod>,
    /// Basic credentials for `answer_fallback_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_username: Option<String>,
    /// The password for `fallback_username`; never in a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_password: Option<String>,
    /// Receives the disconnect webhook when the call ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_url: Option<String>,
    /// How `disconnect_url` is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_method: Option<RedirectMethod>,
    /// Seconds the callee has to answer once ringing, 1 to 300 (default 30).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub call_timeout: Option<f64>,
    /// Seconds Bandwidth waits for each webhook answer, 1 to 25 (default 15).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub callback_timeout: Option<f64>,
    /// Answering machine detection on the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_detection: Option<MachineDetection>,
    /// Place in your account's queue, 1 (first) to 5 (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Sent with every webhook of the call (at most 4096 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// How Bandwidth reports whether a human or a machine answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MachineDetectionMode {
    /// The answer webhook waits for the result and carries it.
    Sync,
    /// The result comes in a `machineDetectionComplete` webhook to
    /// `callback_url` (Bandwidth's default).
    Async,
}

/// Answering machine detection settings. Bandwidth processes decimal
/// values incorrectly, so every number must be a whole number of seconds.
/// In async mode (the default) `callback_url` is required; in sync mode
/// none of the webhook fields may be set.
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineDetection {
    /// Sync or async (Bandwidth's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<MachineDetectionMode>,
    /// Seconds before giving up with a `timeout` result (default 15).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub detection_timeout: Option<f64>,
    /// Seconds without speech before a `silence` result (default 10).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub silence_timeout: Option<f64>,
    /// Speech at least this long (seconds) counts as a machine (default 10).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub speech_threshold: Option<f64>,
    /// Seconds of silence that end the callee's speech (default 5).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub speech_end_threshold: Option<f64>,
    /// Seconds of silence that end a machine's message (default:
    /// `speech_end_threshold`).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    pub machine_speech_end_threshold: Option<f64>,
    /// Holds an `answering-machine` result until the message ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_result: Option<bool>,
    /// Absolute http(s) URL of the `machineDetectionComplete` webhook
    /// (async mode only, and required there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// How `callback_url` is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_method: Option<RedirectMethod>,
    /// Basic credentials for `callback_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password for `username`; never in a message or `{:?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Tried when `callback_url` fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_url: Option<String>,
    /// How `fallback_url` is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_method: Option<RedirectMethod>,
    /// Basic credentials for `fallback_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_username: Option<String>,
    /// The password for `fallback_username`; never in a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_password: Option<String>,
}

fn hidden(password: &Option<String>) -> Option<&'static str> {
    password.as_ref().map(|_| crate::redact::REDACTED)
}

// Hand-written so that webhook passwords never reach a log through `{:?}`.
impl std::fmt::Debug for CreateCallRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateCallRequest")
            .field("to", &self.to)
            .field("from", &self.from)
            .field("application_id", &self.application_id)
            .field("answer_url", &self.answer_url)
            .field("privacy", &self.privacy)
            .field("display_name", &self.display_name)
            .field("uui", &self.uui)
            .field("answer_method", &self.answer_method)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("answer_fallback_url", &self.answer_fallback_url)
            .field("answer_fallback_method", &self.answer_fallback_method)
            .field("fallback_username", &self.fallback_username)
            .field("fallback_password", &hidden(&self.fallback_password))
            .field("disconnect_url", &self.disconnect_url)
            .field("disconnect_method", &self.disconnect_method)
            .field("call_timeout", &self.call_timeout)
            .field("callback_timeout", &self.callback_timeout)
            .field("machine_detection", &self.machine_detection)
            .field("priority", &self.priority)
            .field("tag", &self.tag)
            .finish()
    }
}

impl std::fmt::Debug for MachineDetection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MachineDetection")
            .field("mode", &self.mode)
            .field("detection_timeout", &self.detection_timeout)
            .field("silence_timeout", &self.silence_timeout)
            .field("speech_threshold", &self.speech_threshold)
            .field("speech_end_threshold", &self.speech_end_threshold)
            .field(
                "machine_speech_end_threshold",
                &self.machine_speech_end_threshold,
            )
            .field("delay_result", &self.delay_result)
            .field("callback_url", &self.callback_url)
            .field("callback_method", &self.callback_method)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("fallback_url", &self.fallback_url)
            .field("fallback_method", &self.fallback_method)
            .field("fallback_username", &self.fallback_username)
            .field("fallback_password", &hidden(&self.fallback_password))
            .finish()
    }
}

impl CreateCallRequest {
    /// A call from `from` to `to` whose first BXML comes from `answer_url`;
    /// every optional field unset.
    pub fn new(
        to: impl Into<String>,
        from: impl Into<String>,
        application_id: impl Into<String>,
        answer_url: impl Into<String>,
    ) -> CreateCallRequest {
        CreateCallRequest {
            to: to.into(),
            from: from.into(),
            application_id: application_id.into(),
            answer_url: answer_url.into(),
            ..CreateCallRequest::default()
        }
    }

    /// Checks every rule Bandwidth documents, field by field in declaration
    /// order, so a bad request is never sent. The error names the first
    /// offending field (`machine_detection.silence_timeout` for a nested one).
    pub fn validate(&self) -> Result<(), Error> {
        check_to(&self.to)?;
        if !is_e164(&self.from) {
            return Err(Error::invalid(
                "from",
                "from must be an E.164 number (+ and 2 to 15 digits, the first not 0), even with privacy",
            ));
        }
        check_identifier("application_id", &self.application_id)?;
        let credentials = self.username.is_some() || self.password.is_some();
        check_webhook_url(
            "answer_url",
            &self.answer_url,
            credentials.then_some("username, password"),
        )?;
        if let Some(name) = &self.display_name {
            check_display_name(name, self.privacy == Some(true))?;
        }
        if let Some(uui) = &self.uui {
            check_uui(uui)?;
        }
        check_credentials(("username", &self.username), ("password", &self.password))?;
        let fallback_credentials =
            self.fallback_username.is_some() || self.fallback_password.is_some();
        if let Some(url) = &self.answer_fallback_url {
            check_webhook_url(
                "answer_fallback_url",
                url,
                fallback_credentials.then_some("fallback_username, fallback_password"),
            )?;
        }
        check_credentials(
            ("fallback_username", &self.fallback_username),
            ("fallback_password", &self.fallback_password),
        )?;
        if let Some(url) = &self.disconnect_url {
            check_webhook_url("disconnect_url", url, None)?;
        }
        if let Some(seconds) = self.call_timeout {
            check_range("call_timeout", seconds, 300.0)?;
        }
        if let Some(seconds) = self.callback_timeout {
            check_range("callback_timeout", seconds, 25.0)?;
        }
        if let Some(detection) = &self.machine_detection {
            detection.check()?;
        }
        if let Some(priority) = self.priority {
            if !(1..=5).contains(&priority) {
                return Err(Error::invalid("priority", "priority must be 1 to 5"));
            }
        }
        if let Some(tag) = &self.tag {
            check_length("tag", tag, MAX_TAG_CHARS)?;
        }
        Ok(())
    }

    /// The JSON body: only the fields that are set, in the spec's names.
    /// Whole numbers are written without a fraction (`30`, not `30.0`).
    pub fn to_json(&self) -> String {
        // Serializing strings, numbers and enums into a String cannot fail.
        serde_json::to_string(self).expect("request serializes")
    }

    /// Every password in the request (machine detection's included), to
    /// scrub from any text the server echoes back.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let detection = self.machine_detection.as_ref();
        [
            self.password.as_ref(),
            self.fallback_password.as_ref(),
            detection.and_then(|d| d.password.as_ref()),
            detection.and_then(|d| d.fallback_password.as_ref()),
        ]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect()
    }
}

impl MachineDetection {
    fn check(&self) -> Result<(), Error> {
        for (field, value) in [
            (
                "machine_detection.detection_timeout",
                self.detection_timeout,
            ),
            ("machine_detection.silence_timeout", self.silence_timeout),
            ("machine_detection.speech_threshold", self.speech_threshold),
            (
                "machine_detection.speech_end_threshold",
                self.speech_end_threshold,
            ),
            (
                "machine_detection.machine_speech_end_threshold",
                self.machine_speech_end_threshold,
            ),
        ] {
            if let Some(seconds) = value {
                check_whole_seconds(field, seconds)?;
            }
        }
        if self.mode == Some(MachineDetectionMode::Sync) {
            // The sync result rides on the answer webhook: these would be ignored.
            for (field, set) in [
                (
                    "machine_detection.callback_url",
                    self.callback_url.is_some(),
                ),
                (
                    "machine_detection.callback_method",
                    self.callback_method.is_some(),
                ),
                ("machine_detection.username", self.username.is_some()),
                ("machine_detection.password", self.password.is_some()),
                (
                    "machine_detection.fallback_url",
                    self.fallback_url.is_some(),
                ),
                (
                    "machine_detection.fallback_method",
                    self.fallback_method.is_some(),
                ),
                (
                    "machine_detection.fallback_username",
                    self.fallback_username.is_some(),
                ),
                (
                    "machine_detection.fallback_password",
                    self.fallback_password.is_some(),
                ),
            ] {
                if set {
                    return Err(Error::invalid(
                        field,
                        format!("{field} is only for async mode; in sync mode the answer webhook carries the result"),
                    ));
                }
            }
            return Ok(());
        }
        let Some(url) = &self.callback_url else {
            return Err(Error::invalid(
                "machine_detection.callback_url",
                "machine_detection.callback_url is required in async mode (the default mode)",
            ));
        };
        check_webhook_url("machine_detection.callback_url", url, None)?;
        check_credentials(
            ("machine_detection.username", &self.username),
            ("machine_detection.password", &self.password),
        )?;
        if let Some(url) = &self.fallback_url {
            check_webhook_url("machine_detection.fallback_url", url, None)?;
        }
        check_credentials(
            (
                "machine_detection.fallback_username",
                &self.fallback_username,
            ),
            (
                "machine_detection.fallback_password",
                &self.fallback_password,
            ),
        )
    }
}

/// Writes a whole number of seconds as a JSON integer (`30`, as the spec's
/// examples do) and any other value as a decimal.
fn seconds<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match *value {
        // Below 2^53 every whole f64 is an exact i64.
        Some(v) if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 => {
            serializer.serialize_i64(v as i64)
        }
        Some(v) => serializer.serialize_f64(v),
        None => serializer.serialize_none(),
    }
}
