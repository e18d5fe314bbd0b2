//! A simulated call: its state, what the Voice API shows of it, and the
//! webhooks a call placed with createCall still has to send.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};

use crate::clock::now_rfc3339;
use crate::ids::uuid;
use crate::webhook::Attempt;

/// Lifecycle of a simulated call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Initiated,
    Answered,
    Disconnected,
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Initiated => "initiated",
            CallState::Answered => "answered",
            CallState::Disconnected => "disconnected",
        }
    }
}

/// State of a call's recording (the spec's `recordingStateEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingState {
    Recording,
    Paused,
}

impl RecordingState {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordingState::Recording => "recording",
            RecordingState::Paused => "paused",
        }
    }
}

/// The webhooks of a call placed with createCall that are still to be sent.
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    /// answerUrl, then answerFallbackUrl; emptied once the answer is sent.
    pub answer: Vec<Attempt>,
    /// disconnectUrl; taken when the call ends.
    pub disconnect: Option<Attempt>,
}

#[derive(Debug, Clone)]
pub struct Call {
    /// Creation order, for listCalls (oldest first) and its page tokens.
    pub seq: u64,
    pub account_id: String,
    pub call_id: String,
    pub application_id: String,
    pub from: String,
    pub to: String,
    pub direction: String,
    pub state: CallState,
    pub start_time: String,
    pub answer_time: Option<String>,
    pub end_time: Option<String>,
    pub disconnect_cause: Option<String>,
    pub error_message: Option<String>,
    pub error_id: Option<String>,
    pub last_update: String,
    pub tag: Option<String>,
    /// `None` when no recording is in progress.
    pub recording: Option<RecordingState>,
    /// The latest document sent with updateCallBxml.
    pub bxml: Option<String>,
    pub hooks: Hooks,
    /// createCall's `callbackTimeout`: the per-attempt timeout of this
    /// call's webhooks (`None`: the simulator's configured one).
    pub callback_timeout: Option<Duration>,
}

impl Call {
    pub fn new(account_id: &str, call_id: String, state: CallState) -> Call {
        let now = now_rfc3339();
        static NEXT_SEQ: AtomicU64 = AtomicU64::new(1);
        let mut call = Call {
            seq: NEXT_SEQ.fetch_add(1, Ordering::Relaxed),
            account_id: account_id.to_string(),
            call_id,
            application_id: "04e88489-df02-4e34-a0ee-27a91849555f".into(),
            from: "+19195551234".into(),
            to: "+19195554321".into(),
            direction: "outbound".into(),
            state: CallState::Initiated,
            start_time: now.clone(),
            answer_time: None,
            end_time: None,
            disconnect_cause: None,
            error_message: None,
            error_id: None,
            last_update: now,
            tag: None,
            recording: None,
            bxml: None,
            hooks: Hooks::default(),
            callback_timeout: None,
        };
        match state {
            CallState::Initiated => {}
            CallState::Answered => call.answer(),
            CallState::Disconnected => call.end("hangup", None),
        }
        call
    }

    pub fn answer(&mut self) {
        let now = now_rfc3339();
        self.state = CallState::Answered;
        self.answer_time = Some(now.clone());
        self.last_update = now;
    }

    /// Records that the call was modified (tag, recording, BXML).
    pub fn touch(&mut self) {
        self.last_update = now_rfc3339();
    }

    /// Starts a recording the way a `<StartRecording>` verb would.
    pub fn start_recording(&mut self) -> Result<(), &'static str> {
        if self.state != CallState::Answered {
            return Err("call is not in state 'answered'");
        }
        if self.recording.is_some() {
            return Err("call already has a recording");
        }
        self.recording = Some(RecordingState::Recording);
        self.touch();
        Ok(())
    }

    /// Hangs up; a recording in progress stops with the call.
    pub fn end(&mut self, cause: &str, error: Option<String>) {
        let now = now_rfc3339();
        self.state = CallState::Disconnected;
        self.recording = None;
        self.end_time = Some(now.clone());
        self.disconnect_cause = Some(cause.to_string());
        self.error_id = error.as_ref().map(|_| uuid());
        self.error_message = error;
        self.last_update = now;
    }

    /// The spec's `callState` shape (what `GET /api/v2/.../calls/{id}` returns).
    pub fn to_json(&self) -> Value {
        json!({
            "applicationId": self.application_id,
            "accountId": self.account_id,
            "callId": self.call_id,
            "parentCallId": null,
            "to": self.to,
            "from": self.from,
            "direction": self.direction,
            "state": self.state.as_str(),
            "stirShaken": null,
            "identity": null,
            "enqueuedTime": self.start_time,
            "startTime": self.start_time,
            "answerTime": self.answer_time,
            "endTime": self.end_time,
            "disconnectCause": self.disconnect_cause,
            "errorMessage": self.error_message,
            "errorId": self.error_id,
            "lastUpdate": self.last_update,
        })
    }

    /// The control view (`/sim/calls/{id}`, `Simulator::call`): `callState`
    /// plus what the Voice API does not show back.
    pub fn control_json(&self) -> Value {
        let mut v = self.to_json();
        v["tag"] = json!(self.tag);
        v["recording"] = json!(self.recording.map(RecordingState::as_str));
        v["bxml"] = json!(self.bxml);
        v
    }
}
