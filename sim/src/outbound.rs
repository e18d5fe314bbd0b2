//! What happens to an outbound call placed with createCall once it rings:
//! the simulator's `outbound` setting decides, so tests are deterministic.

use std::sync::Arc;

use serde::Deserialize;

use crate::call::CallState;
use crate::state::State;
use crate::webhook;

/// The callee's behaviour for calls placed from now on (`/sim/config`
/// `"outbound"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outbound {
    /// Answered at once: state `answered` and the answer event to answerUrl.
    #[default]
    Answer,
    /// Never answered: ends with `disconnectCause: "timeout"` (the
    /// callTimeout is not waited out) and the disconnect event.
    NoAnswer,
    /// Busy: ends with `disconnectCause: "busy"` and the disconnect event.
    Busy,
    /// Keeps ringing (`initiated`) until the control API answers it
    /// (`POST /sim/calls/{id}/answer`, which then sends the answer event) or
    /// updateCall cancels it.
    Ring,
}

impl Outbound {
    pub fn as_str(self) -> &'static str {
        match self {
            Outbound::Answer => "answer",
            Outbound::NoAnswer => "no-answer",
            Outbound::Busy => "busy",
            Outbound::Ring => "ring",
        }
    }
}

/// Runs on its own thread once the 201 is on the wire: settles the call as
/// `outcome` (the setting when it was placed) says and sends its webhooks.
/// A call hung up in between (by updateCall) or forgotten by a reset is
/// left alone.
pub fn ring(state: &State, epoch: u64, call_id: &str, outcome: Outbound) {
    let mut inner = state.lock();
    if inner.epoch != epoch {
        return;
    }
    let Some(call) = inner
        .calls
        .get_mut(call_id)
        .filter(|c| c.state == CallState::Initiated)
    else {
        return;
    };
    let job = match outcome {
        Outbound::Ring => None,
        Outbound::Answer => {
            call.answer();
            webhook::answer_job(call, epoch, &state.base_url)
        }
        Outbound::NoAnswer | Outbound::Busy => {
            let cause = if outcome == Outbound::Busy {
                "busy"
            } else {
                "timeout"
            };
            call.end(cause, None);
            webhook::disconnect_job(call, epoch, &state.base_url)
        }
    };
    drop(inner);
    state.notify();
    if let Some(job) = job {
        webhook::deliver(state, job);
    }
}

/// Answers a ringing call (the control API's answer); a call placed with
/// createCall then sends its answer event, on a thread of its own.
/// `Err` is why it cannot be answered.
pub fn answer(state: &Arc<State>, call_id: &str) -> Result<serde_json::Value, (u16, &'static str)> {
    let mut inner = state.lock();
    let epoch = inner.epoch;
    let call = inner.calls.get_mut(call_id).ok_or((404, "unknown call"))?;
    if call.state != CallState::Initiated {
        return Err((409, "call is not in state 'initiated'"));
    }
    call.answer();
    let view = call.control_json();
    let job = webhook::answer_job(call, epoch, &state.base_url);
    drop(inner);
    state.notify();
    if let Some(job) = job {
        let state = Arc::clone(state);
        std::thread::spawn(move || webhook::deliver(&state, job));
    }
    Ok(view)
}
