//! The live-call operations beside updateCall: replace the call's BXML
//! (updateCallBxml) and pause or resume its recording
//! (updateCallRecordingState). Checks run in the order the README lists.

use serde::Deserialize;
use serde_json::Value;

use crate::api::{authenticate, error, live_call, media_type_is, validation, Handled};
use crate::call::{CallState, RecordingState};
use crate::http::{Request, Response};
use crate::state::State;

fn unsupported(expected: &str) -> Response {
    error(
        415,
        "unsupported-media-type",
        &format!("Content-Type must be {expected}"),
    )
}

/// `Err` is the 400 description. Well-formed and rooted at `<Bxml>` is all
/// that is checked: verbs are not interpreted.
pub fn check_bxml(body: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(body).map_err(|_| "BXML must be UTF-8".to_string())?;
    // roxmltree refuses DTDs by default, so entity tricks cannot reach us.
    let doc = roxmltree::Document::parse(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => "BXML must not contain a DTD".to_string(),
        e => format!("BXML is not well-formed XML: {e}"),
    })?;
    let root = doc.root_element().tag_name();
    match (root.name(), root.namespace()) {
        ("Bxml", None) => Ok(text.to_string()),
        ("Bxml", Some(ns)) => Err(format!(
            "The root element <Bxml> must not be in a namespace ({ns})"
        )),
        (name, _) => Err(format!("The root element must be <Bxml>, got <{name}>")),
    }
}

pub fn update_bxml(state: &State, req: &Request, account_id: &str, call_id: &str) -> Handled {
    authenticate(state, req)?;
    if !media_type_is(req, "application/xml") && !media_type_is(req, "text/xml") {
        return Err(unsupported("application/xml"));
    }
    let bxml = check_bxml(&req.body).map_err(|text| validation(&text))?;
    let mut inner = state.lock();
    let call = live_call(&mut inner, account_id, call_id)?;
    if call.state == CallState::Initiated {
        return Err(error(409, "conflict", "Call is not yet answered"));
    }
    call.bxml = Some(bxml);
    call.touch();
    Ok(Response::new(204))
}

/// The spec's `updateCallRecording` body; other fields are ignored, as
/// production ignores them in updateCall's.
#[derive(Deserialize)]
struct UpdateRecording {
    state: String,
}

/// `Err` is the 400 description.
fn recording_state(body: Value) -> Result<RecordingState, String> {
    let body: UpdateRecording = serde_json::from_value(body).map_err(|e| e.to_string())?;
    match body.state.as_str() {
        "paused" => Ok(RecordingState::Paused),
        "recording" => Ok(RecordingState::Recording),
        other => Err(format!(
            "state must be 'paused' or 'recording', got '{other}'"
        )),
    }
}

pub fn update_recording(state: &State, req: &Request, account_id: &str, call_id: &str) -> Handled {
    authenticate(state, req)?;
    if !media_type_is(req, "application/json") {
        return Err(unsupported("application/json"));
    }
    let body = match serde_json::from_slice::<Value>(&req.body) {
        Ok(v) if v.is_object() => v,
        _ => return Err(validation("Request body must be a JSON object")),
    };
    let wanted = recording_state(body).map_err(|text| validation(&text))?;
    let mut inner = state.lock();
    let call = live_call(&mut inner, account_id, call_id)?;
    if call.recording.is_none() {
        return Err(validation("No recording is in progress on this call"));
    }
    // Same state again (e.g. pausing a paused recording) is accepted.
    call.recording = Some(wanted);
    call.touch();
    Ok(Response::new(200))
}
