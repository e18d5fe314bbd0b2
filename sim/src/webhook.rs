//! Redirect callback delivery: primary URL, then fallback, loopback only.

use std::net::Ipv4Addr;

use serde_json::{json, Map, Value};

use crate::http::{base64_encode, percent_encode};
use crate::state::{now_rfc3339, Call, State, WebhookDelivery};

/// One delivery target (redirectUrl or redirectFallbackUrl).
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
    pub call_id: String,
    pub event: Map<String, Value>,
    /// Tried in order until one succeeds.
    pub attempts: Vec<Attempt>,
}

/// The spec's `redirectCallback` body for `call` as it is now.
pub fn redirect_event(call: &Call, base_url: &str) -> Map<String, Value> {
    let call_url = format!(
        "{base_url}/api/v2/accounts/{}/calls/{}",
        percent_encode(&call.account_id),
        percent_encode(&call.call_id)
    );
    let mut event = json!({
        "eventType": "redirect",
        "eventTime": now_rfc3339(),
        "accountId": call.account_id,
        "applicationId": call.application_id,
        "from": call.from,
        "to": call.to,
        "direction": call.direction,
        "callId": call.call_id,
        "callUrl": call_url,
        "startTime": call.start_time,
        "answerTime": call.answer_time,
    });
    if let Some(tag) = &call.tag {
        event["tag"] = json!(tag);
    }
    match event {
        Value::Object(map) => map,
        _ => unreachable!("json! object literal"),
    }
}

/// Runs on its own thread; ends the call with `callback-error` if every
/// attempt fails.
pub fn deliver(state: &State, job: Job) {
    let count = job.attempts.len();
    for (i, attempt) in job.attempts.iter().enumerate() {
        let delivery = send(state, &job, attempt);
        let ok = delivery.error.is_none();
        state.log_webhook(job.epoch, delivery, !ok && i + 1 == count);
        if ok {
            return;
        }
    }
}

fn send(state: &State, job: &Job, attempt: &Attempt) -> WebhookDelivery {
    let mut d = WebhookDelivery {
        url: attempt.url.clone(),
        method: attempt.method.clone(),
        headers: vec![("user-agent".into(), "BandwidthAPI/bwvoice-sim".into())],
        body: String::new(),
        query: String::new(),
        status: 0,
        error: None,
        is_fallback: attempt.is_fallback,
        call_id: job.call_id.clone(),
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
        .timeout_global(Some(state.cfg.webhook_timeout))
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
            // Drain the (BXML) answer; its content is not interpreted.
            let _ = resp.body_mut().read_to_string();
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
