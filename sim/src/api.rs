//! The simulated Bandwidth endpoints under `/api`: routing, auth, faults,
//! updateCall, getCallState and the OAuth2 token endpoint. The other
//! live-call operations are in `live`.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{base64_decode, parse_form, percent_decode, Reply, Request, Response};
use crate::live;
use crate::state::{uuid, Call, CallState, Fault, Inner, LoggedRequest, Route, State, Target};
use crate::webhook::{self, Attempt, Job};

pub const CALL_PREFIX: &str = "/api/v2/accounts/";
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

fn target(path: &str) -> Target {
    if path == TOKEN_PATH {
        return Target::Token;
    }
    let segs: Vec<&str> = path
        .strip_prefix(CALL_PREFIX)
        .unwrap_or("")
        .split('/')
        .collect();
    let [account, "calls", call, ref rest @ ..] = segs[..] else {
        return Target::Other;
    };
    let route = match rest {
        _ if account.is_empty() || call.is_empty() => return Target::Other,
        [] => Route::Call,
        ["bxml"] => Route::Bxml,
        ["recording"] => Route::Recording,
        _ => return Target::Other,
    };
    Target::Call {
        account_id: percent_decode(account),
        call_id: percent_decode(call),
        route,
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
            Target::Call {
                account_id: a,
                call_id: c,
                route,
            },
            method,
        ) => match (route, method) {
            (Route::Call, "POST") => update_call(state, req, a, c),
            (Route::Call, "GET") => get_call(state, req, a, c),
            (Route::Call, _) => not_allowed("GET, POST"),
            (Route::Bxml, "PUT") => live::update_bxml(state, req, a, c).unwrap_or_else(|r| r),
            (Route::Recording, "PUT") => {
                live::update_recording(state, req, a, c).unwrap_or_else(|r| r)
            }
            (Route::Bxml | Route::Recording, _) => not_allowed("PUT"),
        },
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

/// The `updateCall` body; nullable fields treat `null` like absent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
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
            for (name, present) in [
                ("redirectUrl", u.redirect_url.is_some()),
                ("redirectMethod", u.redirect_method.is_some()),
                ("tag", u.tag.is_some()),
            ] {
                if present {
                    return Err(format!("{name} is not allowed when state is 'completed'"));
                }
            }
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

fn update_call(state: &Arc<State>, req: &Request, account_id: &str, call_id: &str) -> Response {
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
            return Response::new(200);
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
    let job = Job {
        epoch,
        call_id: call.call_id.clone(),
        event: webhook::redirect_event(call, &state.base_url),
        attempts,
    };
    drop(inner);
    let state = Arc::clone(state);
    // Delivered only after the 200 is on the wire, like Bandwidth.
    let mut resp = Response::new(200);
    resp.after = Some(Box::new(move || {
        std::thread::spawn(move || webhook::deliver(&state, job));
    }));
    resp
}
