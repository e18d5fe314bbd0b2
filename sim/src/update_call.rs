//! updateCall (`POST .../calls/{callId}`): redirect (the Redirect event is
//! delivered after the 200) or hang up.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::api::{authenticate, error, live_call, media_type_is};
use crate::call::CallState;
use crate::http::{Request, Response};
use crate::state::State;
use crate::webhook::{self, Attempt, Job};

/// The `updateCall` body; nullable fields treat `null` like absent (the
/// official SDKs send `null` for fields set to None). Unknown fields are
/// ignored, as production does (the SDKs pass extra properties through).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateCall {
    state: Option<String>,
    redirect_url: Option<String>,
    redirect_method: Option<String>,
    username: Option<String>,
    password: Option<String>,
    redirect_fallback_url: Option<String>,
    redirect_fallback_method: Option<String>,
    fallback_username: Option<String>,
    fallback_password: Option<String>,
    tag: Option<String>,
}

enum Update {
    Hangup,
    /// Primary attempt, then the optional fallback.
    Redirect {
        attempts: Vec<Attempt>,
        tag: Option<String>,
    },
}

/// Bandwidth's longest `tag`, in characters. The simulator states the
/// server's rules itself rather than borrowing the client's (a wrong limit
/// in the library must not be mirrored here); tests/wire.rs checks the two agree.
pub const MAX_TAG_CHARS: usize = 4096;
/// Bandwidth's longest webhook username or password, in characters.
pub const MAX_CREDENTIAL_CHARS: usize = 1024;

/// Checks the body against Bandwidth's rules; `Err` is the 400 description.
fn validate(body: Value) -> Result<Update, String> {
    let u: UpdateCall = serde_json::from_value(body).map_err(|e| e.to_string())?;
    for (name, value, max) in [
        ("username", &u.username, MAX_CREDENTIAL_CHARS),
        ("password", &u.password, MAX_CREDENTIAL_CHARS),
        (
            "fallbackUsername",
            &u.fallback_username,
            MAX_CREDENTIAL_CHARS,
        ),
        (
            "fallbackPassword",
            &u.fallback_password,
            MAX_CREDENTIAL_CHARS,
        ),
        ("tag", &u.tag, MAX_TAG_CHARS),
    ] {
        if value.as_ref().is_some_and(|v| v.chars().count() > max) {
            return Err(format!("{name} must be at most {max} characters"));
        }
    }
    // Methods are case-insensitive, like Bandwidth; normalised to upper case.
    let method = |name: &str, m: &Option<String>| match m.as_deref().map(str::to_ascii_uppercase) {
        None => Ok("POST".to_string()),
        Some(m) if m == "GET" || m == "POST" => Ok(m),
        Some(m) => Err(format!("{name} must be GET or POST, got '{m}'")),
    };
    match u.state.as_deref() {
        Some("completed") => {
            // The docs' prose forbids redirectMethod here, but the official
            // SDKs always send it and redirectFallbackMethod (POST by default)
            // and production accepts and ignores them.
            for (name, present) in [
                ("redirectUrl", u.redirect_url.is_some()),
                ("tag", u.tag.is_some()),
            ] {
                if present {
                    return Err(format!("{name} is not allowed when state is 'completed'"));
                }
            }
            method("redirectMethod", &u.redirect_method)?;
            method("redirectFallbackMethod", &u.redirect_fallback_method)?;
            Ok(Update::Hangup)
        }
        None | Some("active") => {
            let url = u.redirect_url.filter(|s| !s.is_empty());
            let url = url.ok_or("redirectUrl is required when state is 'active'")?;
            let primary = Attempt {
                url,
                method: method("redirectMethod", &u.redirect_method)?,
                username: u.username,
                password: u.password,
                is_fallback: false,
            };
            let fallback_method = method("redirectFallbackMethod", &u.redirect_fallback_method)?;
            let fallback = u
                .redirect_fallback_url
                .filter(|s| !s.is_empty())
                .map(|url| Attempt {
                    url,
                    method: fallback_method,
                    username: u.fallback_username,
                    password: u.fallback_password,
                    is_fallback: true,
                });
            let attempts = std::iter::once(primary).chain(fallback).collect();
            Ok(Update::Redirect {
                attempts,
                tag: u.tag,
            })
        }
        Some(other) => Err(format!(
            "state must be 'active' or 'completed', got '{other}'"
        )),
    }
}

pub fn update_call(state: &Arc<State>, req: &Request, account_id: &str, call_id: &str) -> Response {
    if let Err(resp) = authenticate(state, req) {
        return resp;
    }
    if !media_type_is(req, "application/json") {
        let text = "Content-Type must be application/json";
        return error(415, "unsupported-media-type", text);
    }
    let body = match serde_json::from_slice::<Value>(&req.body) {
        Ok(v) if v.is_object() => v,
        _ => return error(400, "validation", "Request body must be a JSON object"),
    };
    let update = validate(body);
    let mut inner = state.lock();
    let epoch = inner.epoch;
    let call = match live_call(&mut inner, account_id, call_id) {
        Ok(call) => call,
        Err(resp) => return resp,
    };
    let (attempts, tag) = match update {
        Err(text) => return error(400, "validation", &text),
        Ok(Update::Hangup) => {
            // Bandwidth: hang up if answered, cancel an unanswered outbound
            // call, reject an unanswered inbound one.
            let cause = match (call.state, call.direction.as_str()) {
                (CallState::Answered, _) => "hangup",
                (_, "inbound") => "rejected",
                _ => "cancel",
            };
            call.end(cause, None);
            let disconnect = webhook::disconnect_job(call, epoch, &state.base_url);
            drop(inner);
            state.notify();
            let mut resp = Response::new(200);
            if let Some(job) = disconnect {
                let state = Arc::clone(state);
                resp.after = Some(Box::new(move || {
                    std::thread::spawn(move || webhook::deliver(&state, job));
                }));
            }
            return resp;
        }
        Ok(Update::Redirect { attempts, tag }) => (attempts, tag),
    };
    if call.state == CallState::Initiated {
        return error(409, "conflict", "Call is not yet answered");
    }
    match tag {
        Some(t) if t.is_empty() => call.tag = None,
        Some(t) => call.tag = Some(t),
        None => {}
    }
    call.touch();
    let event = webhook::redirect_event(call, &state.base_url);
    let job = Job::for_call(epoch, call, event, attempts);
    drop(inner);
    let state = Arc::clone(state);
    // Delivered only after the 200 is on the wire, like Bandwidth.
    let mut resp = Response::new(200);
    resp.after = Some(Box::new(move || {
        std::thread::spawn(move || webhook::deliver(&state, job));
    }));
    resp
}
