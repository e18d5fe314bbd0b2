//! Webhook delivery (redirect, answer, disconnect, conferenceRedirect):
//! primary URL, then fallback, loopback only.

use std::net::Ipv4Addr;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::call::Call;
use crate::clock::now_rfc3339;
use crate::conference::Conference;
use crate::http::{base64_encode, percent_encode};
use crate::state::{State, WebhookDelivery};

/// The most of a receiver's answer that a delivery record keeps.
const MAX_RESPONSE: usize = 64 * 1024;

/// One delivery target (e.g. redirectUrl or redirectFallbackUrl).
#[derive(Debug, Clone)]
pub struct Attempt {
    pub url: String,
    /// "GET" or "POST".
    pub method: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub is_fallback: bool,
}

pub struct Job {
    pub epoch: u64,
    /// Empty for a conference event.
    pub call_id: String,
    pub conference_id: Option<String>,
    pub event: Map<String, Value>,
    /// Tried in order until one succeeds.
    pub attempts: Vec<Attempt>,
    /// Per-attempt timeout; `None`: the simulator's configured one.
    pub timeout: Option<Duration>,
}

impl Job {
    pub fn for_call(epoch: u64, call: &Call, event: Value, attempts: Vec<Attempt>) -> Job {
        Job {
            epoch,
            call_id: call.call_id.clone(),
            conference_id: None,
            event: into_map(event),
            attempts,
            timeout: call.callback_timeout,
        }
    }
}

fn into_map(event: Value) -> Map<String, Value> {
    match event {
        Value::Object(map) => map,
        _ => unreachable!("events are JSON objects"),
    }
}

/// The call's URL in the Voice API, as events and createCall show it.
pub fn call_url(base_url: &str, account_id: &str, call_id: &str) -> String {
    format!(
        "{base_url}/api/v2/accounts/{}/calls/{}",
        percent_encode(account_id),
        percent_encode(call_id)
    )
}

/// The fields every call event has, for `call` as it is now.
fn call_event(event_type: &str, call: &Call, base_url: &str) -> Value {
    let mut event = json!({
        "eventType": event_type,
        "eventTime": now_rfc3339(),
        "accountId": call.account_id,
        "applicationId": call.application_id,
        "from": call.from,
        "to": call.to,
        "direction": call.direction,
        "callId": call.call_id,
        "callUrl": call_url(base_url, &call.account_id, &call.call_id),
        "startTime": call.start_time,
        "answerTime": call.answer_time,
    });
    if let Some(tag) = &call.tag {
        event["tag"] = json!(tag);
    }
    event
}

/// The spec's `redirectCallback` body for `call` as it is now.
pub fn redirect_event(call: &Call, base_url: &str) -> Value {
    call_event("redirect", call, base_url)
}

/// The `answer` event to the answerUrl of a call placed with createCall,
/// once it is answered; `None` if it has none left to send.
pub fn answer_job(call: &mut Call, epoch: u64, base_url: &str) -> Option<Job> {
    let attempts = std::mem::take(&mut call.hooks.answer);
    if attempts.is_empty() {
        return None;
    }
    let mut event = call_event("answer", call, base_url);
    event["enqueuedTime"] = json!(call.start_time);
    Some(Job::for_call(epoch, call, event, attempts))
}

/// The `disconnect` event to the disconnectUrl of a call that just ended;
/// `None` if it has none (or it was sent already).
pub fn disconnect_job(call: &mut Call, epoch: u64, base_url: &str) -> Option<Job> {
    let attempt = call.hooks.disconnect.take()?;
    let mut event = call_event("disconnect", call, base_url);
    event["enqueuedTime"] = json!(call.start_time);
    event["endTime"] = json!(call.end_time);
    event["cause"] = json!(call.disconnect_cause);
    event["errorMessage"] = json!(call.error_message);
    event["errorId"] = json!(call.error_id);
    Some(Job::for_call(epoch, call, event, vec![attempt]))
}

/// The spec's `conferenceRedirectCallback` for updateConference.
pub fn conference_redirect_job(conf: &Conference, epoch: u64, attempts: Vec<Attempt>) -> Job {
    let mut event = json!({
        "eventType": "conferenceRedirect",
        "eventTime": now_rfc3339(),
        "conferenceId": conf.id,
        "name": conf.name,
    });
    if let Some(tag) = &conf.tag {
        event["tag"] = json!(tag);
    }
    Job {
        epoch,
        call_id: String::new(),
        conference_id: Some(conf.id.clone()),
        event: into_map(event),
        attempts,
        timeout: None,
    }
}

/// Runs on its own thread; ends the call with `callback-error` if every
/// attempt fails, and then sends its disconnect event, if it has one.
pub fn deliver(state: &State, job: Job) {
    let count = job.attempts.len();
    for (i, attempt) in job.attempts.iter().enumerate() {
        let delivery = send(state, &job, attempt);
        let ok = delivery.error.is_none();
        if let Some(disconnect) = state.log_webhook(job.epoch, delivery, !ok && i + 1 == count) {
            deliver(state, disconnect);
        }
        if ok {
            return;
        }
    }
}

fn send(state: &State, job: &Job, attempt: &Attempt) -> WebhookDelivery {
    let event_type = job.event.get("eventType").and_then(Value::as_str);
    let mut d = WebhookDelivery {
        event_type: event_type.unwrap_or_default().to_string(),
        url: attempt.url.clone(),
        method: attempt.method.clone(),
        headers: vec![("user-agent".into(), "BandwidthAPI/bwvoice-sim".into())],
        body: String::new(),
        query: String::new(),
        status: 0,
        error: None,
        is_fallback: attempt.is_fallback,
        call_id: job.call_id.clone(),
        conference_id: job.conference_id.clone(),
        response: String::new(),
    };
    if attempt.username.is_some() || attempt.password.is_some() {
        let creds = format!(
            "{}:{}",
            attempt.username.as_deref().unwrap_or(""),
            attempt.password.as_deref().unwrap_or("")
        );
        d.headers.push((
            "authorization".into(),
            format!("Basic {}", base64_encode(creds.as_bytes())),
        ));
    }
    if attempt.method == "GET" {
        d.query = query_string(&job.event);
    } else {
        d.headers
            .push(("content-type".into(), "application/json".into()));
        d.body = Value::Object(job.event.clone()).to_string();
    }
    if let Err(e) = check_loopback(&attempt.url) {
        d.error = Some(e);
        return d;
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(job.timeout.unwrap_or(state.cfg.webhook_timeout)))
        .http_status_as_error(false)
        .max_redirects(0) // a redirect could point off this machine
        .proxy(None)
        .build()
        .into();
    let result = if attempt.method == "GET" {
        let sep = if attempt.url.contains('?') { '&' } else { '?' };
        let mut req = agent.get(format!("{}{sep}{}", attempt.url, d.query));
        for (name, value) in &d.headers {
            req = req.header(name, value);
        }
        req.call()
    } else {
        let mut req = agent.post(&attempt.url);
        for (name, value) in &d.headers {
            req = req.header(name, value);
        }
        req.send(d.body.as_str())
    };
    match result {
        Ok(mut resp) => {
            d.status = resp.status().as_u16();
            // Keep the (BXML) answer for the log; it is not executed.
            let mut text = resp.body_mut().read_to_string().unwrap_or_default();
            if text.len() > MAX_RESPONSE {
                let mut end = MAX_RESPONSE;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
            }
            d.response = text;
            if !resp.status().is_success() {
                d.error = Some(format!("callback server answered HTTP {}", d.status));
            }
        }
        Err(e) => d.error = Some(e.to_string()),
    }
    d
}

/// GET callbacks carry the event fields as query parameters.
fn query_string(event: &Map<String, Value>) -> String {
    let mut parts = Vec::new();
    for (key, value) in event {
        let value = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        parts.push(format!(
            "{}={}",
            percent_encode(key),
            percent_encode(&value)
        ));
    }
    parts.join("&")
}

/// Never send traffic off this machine: only plain-http loopback targets.
fn check_loopback(url: &str) -> Result<(), String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("relative URL needs an application base URL".into());
    };
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(format!(
            "unsupported scheme '{scheme}': the simulator only delivers plain http"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    let loopback = !authority.contains(['@', '\\'])
        && (host.eq_ignore_ascii_case("localhost")
            || host == "::1"
            || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback()));
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "host '{host}' refused: the simulator only delivers to loopback (127.0.0.0/8, localhost, ::1)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_loopback;

    #[test]
    fn loopback_only() {
        for ok in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://[::1]:9/",
            "http://127.9.9.9",
        ] {
            assert!(check_loopback(ok).is_ok(), "{ok}");
        }
        for bad in [
            "/relative",
            "http://example.com/",
            "http://127.0.0.1@example.com/",
            "http://127.0.0.1.example.com/",
            "https://127.0.0.1/",
            "http://10.0.0.1/",
            "http://127.1/",
        ] {
            assert!(check_loopback(bad).is_err(), "{bad}");
        }
    }
}
