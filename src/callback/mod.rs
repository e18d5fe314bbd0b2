//! Bandwidth's Voice callbacks (webhooks) as they reach an application:
//! [`parse_callback`] reads one from a POST's JSON body,
//! [`parse_callback_query`] from a GET's query string, and
//! [`check_callback_auth`] checks the caller's HTTP Basic credentials.
//!
//! Every event of the API reference is read, plus those Bandwidth documents
//! beyond it (media streams, real-time transcription); an event this
//! library does not know is kept with every field it does know, never an
//! error. Unknown fields are ignored. What is an error is a body that is
//! not what a callback can be: not JSON, not an object, a field of the
//! wrong type, a repeated key, a time that is not RFC 3339, more than
//! [`MAX_CALLBACK_BYTES`], or a NUL character in a string this library
//! keeps (C could not carry it whole).

mod auth;
mod event;
mod read;
mod tree;

pub(crate) use auth::check_bytes as check_callback_auth_bytes;
pub use auth::{challenge_header, check_callback_auth, CallbackAuth};
pub use event::CallbackEvent;

use crate::call_state::Timestamp;
use crate::error::Error;
use tree::Node;

/// Largest body or query string read: 64 KiB. Bandwidth's callbacks are a
/// few hundred bytes to a few kilobytes.
pub const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// One Voice callback. Every field is optional, as the events differ in
/// what they carry: `None` (or an empty list) means absent or `null`. Text
/// that Bandwidth documents as a set of values (`direction`, `cause`,
/// `status`, `fileFormat`, …) is kept as sent: new values may come at any
/// time. `from` and `to` are text, not numbers: `from` may be `Private`,
/// `Anonymous`, `Restricted`, `Unavailable` or a SIP URI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Callback {
    /// The event, from `eventType`; `Unknown` for one this library does not know.
    pub event: CallbackEvent,
    /// `eventType` as sent (always present: a callback without one is an error).
    pub event_type: String,
    /// When Bandwidth generated the event.
    pub event_time: Option<Timestamp>,
    /// The account of the call or conference.
    pub account_id: Option<String>,
    /// The Voice application of the call.
    pub application_id: Option<String>,
    /// The call's id (for conference events: the member's call).
    pub call_id: Option<String>,
    /// The call's URL in the Voice API.
    pub call_url: Option<String>,
    /// For the B-leg of a `<Transfer>`: the A-leg's call id.
    pub parent_call_id: Option<String>,
    /// The conference's id (conference events).
    pub conference_id: Option<String>,
    /// The conference's name, as `<Conference>` gave it.
    pub name: Option<String>,
    /// The caller: E.164, a SIP URI, or `Private`, `Anonymous`, `Restricted`, `Unavailable`.
    pub from: Option<String>,
    /// The called number or SIP URI.
    pub to: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// The call's or conference's tag.
    pub tag: Option<String>,
    /// When an outbound call was queued.
    pub enqueued_time: Option<Timestamp>,
    /// When the call started (recording events: when the recording started).
    pub start_time: Option<Timestamp>,
    /// When the call was answered.
    pub answer_time: Option<Timestamp>,
    /// When the call (or the recording) ended.
    pub end_time: Option<Timestamp>,
    /// `gather`: the digits collected (empty on a timeout).
    pub digits: Option<String>,
    /// `dtmf`: the digit pressed.
    pub digit: Option<String>,
    /// `gather`: the digit that ended it (empty when none did).
    pub terminating_digit: Option<String>,
    /// Why the call, leg or stream ended: `hangup`, `busy`, `timeout`, … or newer.
    pub cause: Option<String>,
    /// The explanation of an error.
    pub error_message: Option<String>,
    /// Bandwidth's id of that error.
    pub error_id: Option<String>,
    /// `disconnect`: the SIP status the SBC answered a rejected outbound INVITE with.
    pub sip_response_code: Option<u32>,
    /// Machine detection's result (`answer` in sync mode, `machineDetectionComplete`).
    pub machine_detection_result: Option<MachineDetectionResult>,
    /// The recording's id (recording and transcription events).
    pub recording_id: Option<String>,
    /// Where the recording can be downloaded.
    pub media_url: Option<String>,
    /// The recording's length, ISO 8601 (`PT13.67S`).
    pub duration: Option<String>,
    /// `wav` or `mp3`.
    pub file_format: Option<String>,
    /// The recording's number of channels.
    pub channels: Option<u32>,
    /// The recording's state: `complete`, `partial`, `error`, … or newer.
    pub status: Option<String>,
    /// `transcriptionAvailable`: the transcription; the real-time
    /// transcription events of the documentation's examples use this name too.
    pub transcription: Option<Transcription>,
    /// For the B-leg of a `<Transfer>`: its `from`.
    pub transfer_caller_id: Option<String>,
    /// For the B-leg of a `<Transfer>`: its `to`.
    pub transfer_to: Option<String>,
    /// `initiate`: the latest Diversion header's parameters (`origTo`,
    /// `reason`, `privacy`, `screen`, `counter`, `limit`, others), sorted by
    /// key; a number or boolean value is kept as its JSON text.
    pub diversion: Vec<(String, String)>,
    /// `initiate`: STIR/SHAKEN verification (`verstat`,
    /// `attestationIndicator`, `originatingId`, others), sorted by key.
    pub stir_shaken: Vec<(String, String)>,
    /// `initiate`: the INVITE's `User-To-User` header.
    pub uui: Option<String>,
    /// The SIP Call-ID of the call's dialog with Bandwidth's SBC.
    pub sip_call_id: Option<String>,
    /// `initiate`: the INVITE's `X-` headers (names in lower case), sorted by name.
    pub sip_headers: Vec<(String, String)>,
    /// Media stream events: the stream.
    pub media_stream: Option<MediaStream>,
    /// `mediaStreamRejected`: the stream already running under the same
    /// name (`originalMediaStream`, or `originalStreamInfo` as the
    /// documentation's table calls it).
    pub original_media_stream: Option<MediaStream>,
    /// Real-time transcription events: the transcription
    /// (`realTimeTranscription`, or `realtimeTranscription`).
    pub real_time_transcription: Option<Transcription>,
    /// `realTimeTranscriptionRejected`: the transcription already running
    /// under the same name.
    pub original_transcription: Option<Transcription>,
    /// `mediaStreamRejected`: why (`reason`, or `rejectReason` as the
    /// documentation's table calls it).
    pub reason: Option<String>,
}

/// Answering machine detection's result. `machineDetectionComplete` may
/// carry it as plain text (the documentation's example): that is `value`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MachineDetectionResult {
    /// `human`, `answering-machine`, `silence`, `timeout`, `error`, or newer.
    pub value: Option<String>,
    /// How long detection took, ISO 8601 (`PT4.9891287S`).
    pub duration: Option<String>,
}

/// A transcription: a recording's (`transcriptionAvailable`: `id`,
/// `status`, `url`, `completed_time`) or a real-time one (also `name`,
/// `tracks`, `destination`, `stabilized`, `start_time`, `duration`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transcription {
    /// Its id.
    pub id: Option<String>,
    /// The name `<StartTranscription>` gave it (default: its id).
    pub name: Option<String>,
    /// `available`, `error`, `timeout`, `failed`, … or newer.
    pub status: Option<String>,
    /// Where it can be downloaded.
    pub url: Option<String>,
    /// When it was ready.
    pub completed_time: Option<Timestamp>,
    /// When a real-time transcription started.
    pub start_time: Option<Timestamp>,
    /// How long a real-time transcription ran, ISO 8601.
    pub duration: Option<String>,
    /// Where a real-time transcription's updates are sent.
    pub destination: Option<String>,
    /// Whether updates are sent only once stable (`true`/`false`, as JSON
    /// or as text: the documentation's examples send text).
    pub stabilized: Option<bool>,
    /// The call's sides transcribed: `inbound`, `outbound`.
    pub tracks: Vec<String>,
}

/// A media stream (`<StartStream>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaStream {
    /// Its id.
    pub id: Option<String>,
    /// The name `<StartStream>` gave it (default: its id).
    pub name: Option<String>,
    /// Where the media goes (a `wss://` URL).
    pub destination: Option<String>,
    /// `WebSocket` (`type` in JSON).
    pub stream_type: Option<String>,
    /// When it started.
    pub start_time: Option<Timestamp>,
    /// How long it ran, ISO 8601 (`mediaStreamStopped`).
    pub duration: Option<String>,
    /// The call's sides streamed: `inbound`, `outbound`.
    pub tracks: Vec<String>,
}

/// Reads a callback from the JSON body of Bandwidth's POST.
///
/// ```
/// use bwvoice::{parse_callback, CallbackEvent};
///
/// let body = br##"{"eventType":"gather","callId":"c-1","digits":"42",
///                  "terminatingDigit":"#","eventTime":"2024-05-01T12:00:00.250Z"}"##;
/// let cb = parse_callback(body)?;
/// assert_eq!(cb.event, CallbackEvent::Gather);
/// assert_eq!(cb.digits.as_deref(), Some("42"));
/// assert_eq!(cb.event_time.unwrap().unix_ms, 1_714_564_800_250);
/// # Ok::<(), bwvoice::Error>(())
/// ```
///
/// Errors are `Status::InvalidArgument` naming the field (`Error::field`:
/// `body` for the body as a whole, else the field in snake case, e.g.
/// `event_time`, `transcription` for one of its fields).
pub fn parse_callback(body: &[u8]) -> Result<Callback, Error> {
    if body.len() > MAX_CALLBACK_BYTES {
        return Err(too_large("body", body.len()));
    }
    match tree::from_json(body)? {
        Node::Object(entries) => read::callback(&entries, read::Source::Body),
        _ => Err(Error::invalid("body", "callback body is not a JSON object")),
    }
}

/// Reads a callback from the query string of Bandwidth's GET (with or
/// without its leading `?`): the same fields, percent-decoded. Every value
/// is text there: numbers and booleans are read from it, and an empty
/// value of a field that is not text is taken as absent. Nested objects
/// are read from dotted names (`machineDetectionResult.value=human`,
/// `diversion.origTo=%2B15551234567`); a list (`tracks`) from
/// comma-separated text. Errors as [`parse_callback`]'s, `query` for the
/// query string as a whole.
pub fn parse_callback_query(query: &str) -> Result<Callback, Error> {
    if query.len() > MAX_CALLBACK_BYTES {
        return Err(too_large("query", query.len()));
    }
    read::callback(&tree::from_query(query)?, read::Source::Query)
}

/// The error for a body or query string over [`MAX_CALLBACK_BYTES`].
pub(crate) fn too_large(what: &'static str, len: usize) -> Error {
    Error::invalid(
        what,
        format!(
            "callback {what} is {len} bytes, over the {MAX_CALLBACK_BYTES} a callback may have"
        ),
    )
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;
