//! `/sim/...`: the unauthenticated control API for tests and demos, plus the
//! built-in BXML app that can receive webhooks.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::call::{Call, CallState};
use crate::conference::{self, NewConference};
use crate::http::{percent_decode, Request, Response};
use crate::ids::new_call_id;
use crate::outbound::{self, Outbound};
use crate::state::{Fault, Route, State};

/// Upper bound for `GET /sim/webhooks?wait=N`.
const MAX_WAIT: Duration = Duration::from_secs(10);

const BXML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>Hello from the bwvoice simulator. Your call was redirected.</SpeakSentence></Response>"#;

pub fn handle(state: &Arc<State>, req: &Request) -> Response {
    let path = req.path();
    if let Some(rest) = path.strip_prefix("/sim/app/") {
        return app(state, req, rest);
    }
    let segs: Vec<&str> = path.trim_start_matches("/sim/").split('/').collect();
    let method = req.method.as_str();
    let result = match (method, segs.as_slice()) {
        ("POST", ["calls"]) => create_call(state, req),
        ("POST", ["calls", id, "answer"]) => answer_call(state, &percent_decode(id)),
        ("POST", ["calls", id, "recording"]) => start_recording(state, &percent_decode(id)),
        ("GET", ["calls", id]) => get_call(state, req, &percent_decode(id)),
        ("POST", ["conferences"]) => create_conference(state, req),
        ("GET", ["conferences", id]) => get_conference(state, &percent_decode(id)),
        ("GET", ["requests"]) => Ok(requests(state, req)),
        ("GET", ["webhooks"]) => Ok(webhooks(state, req)),
        ("GET", ["app-log"]) => Ok(Response::json(
            200,
            &Value::Array(state.lock().app_log.clone()),
        )),
        ("POST", ["reset"]) => {
            state.reset();
            Ok(ok())
        }
        ("POST", ["config"]) => set_config(state, req),
        ("POST", ["faults"]) => add_fault(state, req),
        (
            _,
            ["calls" | "conferences"]
            | ["calls", _, "answer" | "recording"]
            | ["reset" | "config" | "faults"],
        ) => Err(problem(405, "use POST").with_header("Allow", "POST")),
        (_, ["calls" | "conferences", _] | ["requests" | "webhooks" | "app-log"]) => {
            Err(problem(405, "use GET").with_header("Allow", "GET"))
        }
        _ => Err(problem(404, "unknown control route")),
    };
    result.unwrap_or_else(|resp| resp)
}

fn ok() -> Response {
    Response::json(200, &json!({"ok": true}))
}

fn problem(status: u16, text: &str) -> Response {
    Response::json(status, &json!({ "error": text }))
}

/// Parses a JSON body strictly; an empty body counts as `{}`.
fn body<T: DeserializeOwned>(req: &Request) -> Result<T, Response> {
    let raw: &[u8] = if req.body.is_empty() {
        b"{}"
    } else {
        &req.body
    };
    serde_json::from_slice(raw).map_err(|e| problem(400, &e.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewCall {
    account_id: Option<String>,
    state: Option<String>,
    from: Option<String>,
    to: Option<String>,
    direction: Option<String>,
    application_id: Option<String>,
    call_id: Option<String>,
    /// Start a recording right away (answered calls only).
    #[serde(default)]
    recording: bool,
}

fn create_call(state: &State, req: &Request) -> Result<Response, Response> {
    let b: NewCall = body(req)?;
    let initial = match b.state.as_deref() {
        None | Some("answered") => CallState::Answered,
        Some("initiated") => CallState::Initiated,
        Some(_) => return Err(problem(400, "state must be 'answered' or 'initiated'")),
    };
    if !matches!(b.direction.as_deref(), None | Some("inbound" | "outbound")) {
        return Err(problem(400, "direction must be 'inbound' or 'outbound'"));
    }
    let call_id = b.call_id.unwrap_or_else(new_call_id);
    let mut call = Call::new(
        b.account_id.as_deref().unwrap_or("9900000"),
        call_id,
        initial,
    );
    for (field, value) in [
        (&mut call.from, b.from),
        (&mut call.to, b.to),
        (&mut call.direction, b.direction),
        (&mut call.application_id, b.application_id),
    ] {
        if let Some(v) = value {
            *field = v;
        }
    }
    if b.recording {
        call.start_recording()
            .map_err(|_| problem(400, "recording requires an answered call"))?;
    }
    let mut inner = state.lock();
    if inner.calls.contains_key(&call.call_id) {
        return Err(problem(409, "a call with this callId already exists"));
    }
    let json = call.control_json();
    inner.calls.insert(call.call_id.clone(), call);
    Ok(Response::json(201, &json))
}

/// Answers a ringing call; one placed with createCall sends its answer event.
fn answer_call(state: &Arc<State>, id: &str) -> Result<Response, Response> {
    match outbound::answer(state, id) {
        Ok(view) => Ok(Response::json(200, &view)),
        Err((status, text)) => Err(problem(status, text)),
    }
}

fn start_recording(state: &State, id: &str) -> Result<Response, Response> {
    let mut inner = state.lock();
    let call = inner
        .calls
        .get_mut(id)
        .ok_or_else(|| problem(404, "unknown call"))?;
    call.start_recording().map_err(|text| problem(409, text))?;
    Ok(Response::json(200, &call.control_json()))
}

/// `?wait=answered` (or another state): first wait, at most MAX_WAIT, until
/// the call is in that state; the view is answered either way.
fn get_call(state: &State, req: &Request, id: &str) -> Result<Response, Response> {
    let wanted = req.query_param("wait");
    let states = ["initiated", "answered", "disconnected"];
    if wanted.as_deref().is_some_and(|w| !states.contains(&w)) {
        return Err(problem(
            400,
            "wait must be initiated, answered or disconnected",
        ));
    }
    let view = state.wait_call(id, MAX_WAIT, |call| {
        wanted.as_deref().is_none_or(|w| call.state.as_str() == w)
    });
    let view = view.ok_or_else(|| problem(404, "unknown call"))?;
    Ok(Response::json(200, &view))
}

fn create_conference(state: &State, req: &Request) -> Result<Response, Response> {
    let spec: NewConference = body(req)?;
    let mut inner = state.lock();
    let conf =
        conference::create(&mut inner, spec).map_err(|(status, text)| problem(status, &text))?;
    Ok(Response::json(201, &conf.control_json(&state.base_url)))
}

fn get_conference(state: &State, id: &str) -> Result<Response, Response> {
    let mut inner = state.lock();
    let crate::state::Inner {
        conferences, calls, ..
    } = &mut *inner;
    let conf = conferences
        .get_mut(id)
        .ok_or_else(|| problem(404, "unknown conference"))?;
    conf.refresh(calls);
    Ok(Response::json(200, &conf.control_json(&state.base_url)))
}

/// Headers as a JSON object; repeated names are joined with ", ".
pub fn headers_json(headers: &[(String, String)]) -> Value {
    let mut map = Map::new();
    for (name, value) in headers {
        let joined = match map.get(name).and_then(Value::as_str) {
            Some(prev) => format!("{prev}, {value}"),
            None => value.clone(),
        };
        map.insert(name.clone(), Value::String(joined));
    }
    Value::Object(map)
}

fn requests(state: &State, req: &Request) -> Response {
    let filter = req.query_param("path_contains").unwrap_or_default();
    // `wait=N`: first wait (at most MAX_WAIT) until N matching requests arrived.
    let wait: usize = req
        .query_param("wait")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    state.wait_requests(MAX_WAIT, |log| {
        log.iter().filter(|r| r.path.contains(&filter)).count() >= wait
    });
    let list: Vec<Value> = state
        .lock()
        .requests
        .iter()
        .filter(|r| r.path.contains(&filter))
        .map(|r| {
            json!({"method": r.method, "path": r.path, "headers": headers_json(&r.headers),
                   "body": r.body, "status": r.status})
        })
        .collect();
    Response::json(200, &Value::Array(list))
}

fn webhooks(state: &State, req: &Request) -> Response {
    let wait = req
        .query_param("wait")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let list: Vec<Value> = state
        .wait_webhooks(wait, MAX_WAIT)
        .iter()
        .map(|d| {
            let call_id = Some(&d.call_id).filter(|id| !id.is_empty());
            json!({"eventType": d.event_type, "url": d.url, "method": d.method,
                   "headers": headers_json(&d.headers), "body": d.body, "query": d.query,
                   "status": d.status, "error": d.error, "fallback": d.is_fallback,
                   "callId": call_id, "conferenceId": d.conference_id, "response": d.response})
        })
        .collect();
    Response::json(200, &Value::Array(list))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConfigBody {
    token_expires_in: Option<u64>,
    outbound: Option<Outbound>,
}

/// Settings from now on; the answer is the settings in force.
fn set_config(state: &State, req: &Request) -> Result<Response, Response> {
    let b: ConfigBody = body(req)?;
    let mut inner = state.lock();
    if let Some(secs) = b.token_expires_in {
        inner.token_expires_in = secs;
    }
    if let Some(outbound) = b.outbound {
        inner.outbound = outbound;
    }
    let settings = json!({
        "ok": true,
        "tokenExpiresIn": inner.token_expires_in,
        "outbound": inner.outbound.as_str(),
    });
    Ok(Response::json(200, &settings))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultBody {
    #[serde(rename = "match")]
    match_id: Option<String>,
    method: Option<String>,
    route: Option<Route>,
    count: Option<u32>,
    status: Option<u16>,
    #[serde(default)]
    headers: Map<String, Value>,
    body: Option<String>,
    content_type: Option<String>,
    delay_ms: Option<u64>,
    #[serde(default)]
    close: bool,
}

fn add_fault(state: &State, req: &Request) -> Result<Response, Response> {
    let b: FaultBody = body(req)?;
    if b.status.is_some_and(|s| !(200..=599).contains(&s)) {
        return Err(problem(400, "status must be between 200 and 599"));
    }
    if b.method
        .as_ref()
        .is_some_and(|m| m.is_empty() || !m.bytes().all(|c| c.is_ascii_alphabetic()))
    {
        return Err(problem(400, "method must be an HTTP method such as PUT"));
    }
    let mut headers = Vec::new();
    for (name, value) in b.headers {
        let Value::String(value) = value else {
            return Err(problem(400, "header values must be strings"));
        };
        headers.push((name, value));
    }
    state.add_fault(Fault {
        match_id: b.match_id,
        method: b.method,
        route: b.route,
        count: b.count.unwrap_or(1),
        status: b.status,
        headers,
        body: b.body,
        content_type: b.content_type,
        delay: Duration::from_millis(b.delay_ms.unwrap_or(0)),
        close: b.close,
    });
    Ok(Response::json(201, &json!({"ok": true})))
}

/// The built-in webhook receiver: records the request, answers BXML, or 503
/// for `/sim/app/fail...` to stand in for a primary URL that is down.
fn app(state: &State, req: &Request, rest: &str) -> Response {
    state.lock().app_log.push(json!({
        "method": req.method,
        "path": req.path(),
        "query": req.query(),
        "headers": headers_json(&req.headers),
        "body": String::from_utf8_lossy(&req.body),
    }));
    if rest.starts_with("fail") {
        return Response::new(503).with_body("text/plain", "simulated callback server outage");
    }
    Response::new(200).with_body("application/xml", BXML)
}
