//! The simulated Bandwidth endpoints under `/api`: routing, auth, faults,
//! getCallState and the OAuth2 token endpoint, and what the operations
//! share. The operations are in `calls` (createCall), `list_calls`,
//! `update_call`, `live` (call BXML, recording) and `conferences`.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::call::{Call, CallState};
use crate::http::{base64_decode, parse_form, percent_decode, Reply, Request, Response};
use crate::ids::uuid;
use crate::state::{Fault, Inner, LoggedRequest, Route, State, Target};
use crate::{calls, conferences, list_calls, live, update_call};

pub const ACCOUNTS_PREFIX: &str = "/api/v2/accounts/";
pub const TOKEN_PATH: &str = "/api/v1/oauth2/token";

/// Handles one `/api` request: logs it, applies faults, then routes.
pub fn handle(state: &Arc<State>, req: Request) -> Reply {
    let handle = state.log_request(LoggedRequest {
        method: req.method.clone(),
        path: req.target.clone(),
        headers: req.headers.clone(),
        body: String::from_utf8_lossy(&req.body).into_owned(),
        status: 0,
    });
    let reply = route(state, &req);
    let status = match &reply {
        Reply::Send(resp) => resp.status,
        Reply::Close => 0,
    };
    // Set before the response is written so clients never observe status 0.
    state.set_status(handle, status);
    reply
}

/// Which operation's path `path` is, with its decoded ids.
fn target(path: &str) -> Target {
    if path == TOKEN_PATH {
        return Target::Token;
    }
    let Some(rest) = path.strip_prefix(ACCOUNTS_PREFIX) else {
        return Target::Other;
    };
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Target::Other;
    }
    let (route, ids) = match segs[..] {
        [_, "calls"] => (Route::Calls, &[][..]),
        [_, "calls", ref id @ ..] => match id {
            [_] => (Route::Call, id),
            [c, "bxml"] => (Route::Bxml, std::slice::from_ref(c)),
            [c, "recording"] => (Route::Recording, std::slice::from_ref(c)),
            _ => return Target::Other,
        },
        [_, "conferences", ref id @ ..] => match id {
            [_] => (Route::Conference, id),
            [c, "bxml"] => (Route::ConferenceBxml, std::slice::from_ref(c)),
            [c, "members", m] => (Route::Member, &[*c, *m][..]),
            _ => return Target::Other,
        },
        _ => return Target::Other,
    };
    Target::Api {
        route,
        account_id: percent_decode(segs[0]),
        ids: ids.iter().map(|s| percent_decode(s)).collect(),
    }
}

/// Dispatches a Voice API request by route and method; other methods get
/// 405 with `Allow`, before auth.
fn dispatch(state: &Arc<State>, req: &Request, route: Route, a: &str, ids: &[String]) -> Handled {
    let id = |i: usize| ids.get(i).map_or("", String::as_str);
    let (c, m) = (id(0), id(1));
    match (route, req.method.as_str()) {
        (Route::Calls, "POST") => calls::create_call(state, req, a),
        (Route::Calls, "GET") => list_calls::list_calls(state, req, a),
        (Route::Call, "POST") => Ok(update_call::update_call(state, req, a, c)),
        (Route::Call, "GET") => Ok(get_call(state, req, a, c)),
        (Route::Bxml, "PUT") => live::update_bxml(state, req, a, c),
        (Route::Recording, "PUT") => live::update_recording(state, req, a, c),
        (Route::Conference, "GET") => conferences::get_conference(state, req, a, c),
        (Route::Conference, "POST") => conferences::update_conference(state, req, a, c),
        (Route::ConferenceBxml, "PUT") => conferences::update_conference_bxml(state, req, a, c),
        (Route::Member, "GET") => conferences::get_member(state, req, a, c, m),
        (Route::Member, "PUT") => conferences::update_member(state, req, a, c, m),
        (Route::Calls | Route::Call | Route::Conference, _) => Err(not_allowed("GET, POST")),
        (Route::Member, _) => Err(not_allowed("GET, PUT")),
        (Route::Bxml | Route::Recording | Route::ConferenceBxml, _) => Err(not_allowed("PUT")),
    }
}

fn route(state: &Arc<State>, req: &Request) -> Reply {
    let target = target(req.path());
    if let Some(fault) = state.take_fault(&req.method, &target) {
        if let Some(reply) = apply_fault(state, fault) {
            return reply;
        }
    }
    let resp = match (&target, req.method.as_str()) {
        (Target::Token, "POST") => token(state, req),
        (Target::Token, _) => not_allowed("POST"),
        (
            Target::Api {
                route,
                account_id,
                ids,
            },
            _,
        ) => dispatch(state, req, *route, account_id, ids).unwrap_or_else(|r| r),
        (Target::Other, _) => error(404, "not-found", "The requested resource was not found"),
    };
    Reply::Send(resp)
}

/// `None` means "pure delay": continue with normal handling.
fn apply_fault(state: &State, fault: Fault) -> Option<Reply> {
    if fault.close {
        return Some(Reply::Close);
    }
    if !fault.delay.is_zero() && !state.sleep(fault.delay) {
        return Some(Reply::Close);
    }
    let status = fault.status?;
    let body = fault.body.unwrap_or_else(|| default_error_body(status));
    let content_type = fault.content_type.as_deref().unwrap_or("application/json");
    let mut resp = Response::new(status).with_body(content_type, body);
    resp.headers.extend(fault.headers);
    Some(Reply::Send(resp))
}

/// Bandwidth-style error body for a faulted status; empty below 400.
fn default_error_body(status: u16) -> String {
    let (kind, text) = match status {
        100..=399 => return String::new(),
        400 => ("validation", "Invalid request"),
        401 => ("authentication-error", "Authentication failed"),
        403 => (
            "authorization-error",
            "Access to this resource is forbidden",
        ),
        404 => ("not-found", "The requested resource was not found"),
        409 => ("conflict", "Conflict with the current state of the call"),
        429 => ("rate-limit", "Too many requests"),
        500 => ("internal-server-error", "Internal server error"),
        502 => ("bad-gateway", "Bad gateway"),
        503 => ("service-unavailable", "Service unavailable"),
        504 => ("gateway-timeout", "Gateway timeout"),
        _ => ("error", "Simulated error"),
    };
    json!({"type": kind, "description": text, "id": uuid()}).to_string()
}

/// A `voiceApiError` body with a fresh error id.
pub fn error(status: u16, kind: &str, description: &str) -> Response {
    let id = if status == 401 {
        Value::Null
    } else {
        json!(uuid())
    };
    Response::json(
        status,
        &json!({"type": kind, "description": description, "id": id}),
    )
}

/// `Err` is an error response, as `Ok` is the success.
pub type Handled = Result<Response, Response>;

pub fn validation(text: &str) -> Response {
    error(400, "validation", text)
}

/// The body of a JSON operation: 415 unless `application/json`, 400 unless
/// a JSON object.
pub fn json_object(req: &Request) -> Result<Map<String, Value>, Response> {
    if !media_type_is(req, "application/json") {
        let text = "Content-Type must be application/json";
        return Err(error(415, "unsupported-media-type", text));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(validation("Request body must be a JSON object")),
    }
}

fn not_allowed(allow: &str) -> Response {
    error(405, "method-not-allowed", "Method not allowed").with_header("Allow", allow)
}

/// Parses `Authorization: <scheme> <value>` into (lowercased scheme, value).
fn authorization(req: &Request) -> Option<(String, &str)> {
    let (scheme, value) = req.header("authorization")?.split_once(' ')?;
    Some((scheme.to_ascii_lowercase(), value.trim()))
}

fn basic_credentials(req: &Request) -> Option<(String, String)> {
    match authorization(req)? {
        (scheme, value) if scheme == "basic" => {
            let decoded = String::from_utf8(base64_decode(value)?).ok()?;
            let (user, pass) = decoded.split_once(':')?;
            Some((user.to_string(), pass.to_string()))
        }
        _ => None,
    }
}

/// Basic with the configured account credentials, or an issued Bearer token.
pub fn authenticate(state: &State, req: &Request) -> Result<(), Response> {
    let fail = |text: &str| Err(error(401, "authentication-error", text));
    match authorization(req) {
        None => fail("Missing credentials: an Authorization header is required"),
        Some((scheme, token)) if scheme == "bearer" => match state.check_token(token) {
            Ok(()) => Ok(()),
            Err(text) => fail(text),
        },
        Some(_) => match basic_credentials(req) {
            Some((u, p)) if u == state.cfg.username && p == state.cfg.password => Ok(()),
            _ => fail("Invalid username or password"),
        },
    }
}

pub fn media_type_is(req: &Request, expected: &str) -> bool {
    let ct = req.header("content-type").unwrap_or("");
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case(expected)
}

fn token(state: &State, req: &Request) -> Response {
    let oauth_error = |status, code: &str| Response::json(status, &json!({ "error": code }));
    match basic_credentials(req) {
        Some((id, secret)) if id == state.cfg.client_id && secret == state.cfg.client_secret => {}
        _ => return oauth_error(401, "invalid_client"),
    }
    if !media_type_is(req, "application/x-www-form-urlencoded") {
        return oauth_error(400, "invalid_request");
    }
    let form = parse_form(&String::from_utf8_lossy(&req.body));
    match form.iter().find(|(k, _)| k == "grant_type") {
        Some((_, grant)) if grant == "client_credentials" => {}
        Some(_) => return oauth_error(400, "unsupported_grant_type"),
        None => return oauth_error(400, "invalid_request"),
    }
    let (token, expires_in) = state.issue_token();
    let body = json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in});
    Response::json(200, &body).with_header("Cache-Control", "no-store")
}

fn get_call(state: &State, req: &Request, account_id: &str, call_id: &str) -> Response {
    if let Err(resp) = authenticate(state, req) {
        return resp;
    }
    let inner = state.lock();
    match inner
        .calls
        .get(call_id)
        .filter(|c| c.account_id == account_id)
    {
        Some(call) => Response::json(200, &call.to_json()),
        None => call_not_found(),
    }
}

fn call_not_found() -> Response {
    error(404, "not-found", "The requested call was not found")
}

/// The call if it exists in this account and has not ended, else the 404.
pub fn live_call<'a>(
    inner: &'a mut Inner,
    account_id: &str,
    call_id: &str,
) -> Result<&'a mut Call, Response> {
    let call = inner
        .calls
        .get_mut(call_id)
        .filter(|c| c.account_id == account_id);
    match call {
        None => Err(call_not_found()),
        Some(c) if c.state == CallState::Disconnected => {
            Err(error(404, "not-found", "The call has already ended"))
        }
        Some(c) => Ok(c),
    }
}
