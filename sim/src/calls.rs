//! createCall (`POST .../calls`): the checks production makes, the
//! createCallResponse, and the call it places, which then rings as the
//! simulator's `outbound` setting says (see `outbound`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::api::{authenticate, json_object, validation, Handled};
use crate::call::{Call, CallState};
use crate::fields::{Checked, Fields};
use crate::http::{Request, Response};
use crate::ids::new_call_id;
use crate::outbound;
use crate::state::State;
use crate::update_call::{MAX_CREDENTIAL_CHARS, MAX_TAG_CHARS};
use crate::webhook::{self, Attempt};

const MAX_URL_CHARS: usize = 2048;
const MAX_DISPLAY_NAME_CHARS: usize = 256;
const MAX_UUI_CHARS: usize = 350;
/// The only display names allowed when `privacy` is true.
const PRIVATE_NAMES: [&str; 4] = ["Restricted", "Anonymous", "Private", "Unavailable"];

/// `+` and 2 to 15 digits, the first not 0.
fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|digits| {
        (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// `sip:` or `sips:`, then `[user@]host` without spaces.
fn is_sip_uri(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("sip:")
        .or_else(|| lower.strip_prefix("sips:"))
    else {
        return false;
    };
    let (user, host) = rest.rsplit_once('@').unwrap_or(("x", rest));
    !user.is_empty() && !host.is_empty() && !rest.contains(char::is_whitespace)
}

/// Each comma-separated value ends with an `encoding` parameter of jwt,
/// base64 or hex (RFC 7433).
fn is_uui(s: &str) -> bool {
    s.split(',').all(|part| {
        let part = part.trim();
        part.rsplit_once(';').is_some_and(|(value, param)| {
            let encoding = param.trim().to_ascii_lowercase();
            !value.trim().is_empty()
                && matches!(
                    encoding.as_str(),
                    "encoding=jwt" | "encoding=base64" | "encoding=hex"
                )
        })
    })
}

/// The `machineDetection` object: checked, then not acted on (the
/// simulated callee never reaches a machine).
fn check_machine_detection(md: &Fields) -> Checked<()> {
    md.one_of("mode", &["sync", "async"])?;
    for field in [
        "detectionTimeout",
        "silenceTimeout",
        "speechThreshold",
        "speechEndThreshold",
        "machineSpeechEndThreshold",
    ] {
        md.number(field, 0.0, f64::MAX)?;
    }
    md.boolean("delayResult")?;
    for field in ["callbackUrl", "fallbackUrl"] {
        md.url(field, MAX_URL_CHARS)?;
    }
    for field in ["callbackMethod", "fallbackMethod"] {
        md.method(field)?;
    }
    for field in [
        "username",
        "password",
        "fallbackUsername",
        "fallbackPassword",
    ] {
        md.string(field, MAX_CREDENTIAL_CHARS)?;
    }
    Ok(())
}

/// A checked createCall body: the call to place and the echo for the 201.
struct Placed {
    call: Call,
    echo: Value,
}

fn check(f: &Fields, account_id: &str, base_url: &str) -> Checked<Placed> {
    let to = f.required("to", usize::MAX)?;
    if !is_e164(to) && !is_sip_uri(to) {
        return Err("Invalid to: must be an E164 telephone number or a SIP URI".into());
    }
    let from = f.required("from", usize::MAX)?;
    if !is_e164(from) {
        return Err("Invalid from: must be an E164 telephone number".into());
    }
    let privacy = f.boolean("privacy")?.unwrap_or(false);
    if let Some(name) = f.string("displayName", MAX_DISPLAY_NAME_CHARS)? {
        if name.contains(char::is_control) {
            return Err("Invalid displayName: must not contain control characters".into());
        }
        if privacy && !PRIVATE_NAMES.contains(&name) {
            return Err(format!(
                "Invalid displayName: must be one of {} when privacy is true",
                PRIVATE_NAMES.join(", ")
            ));
        }
    }
    if f.string("uui", MAX_UUI_CHARS)?.is_some_and(|u| !is_uui(u)) {
        return Err(
            "Invalid uui: each value must end with an encoding parameter of jwt, base64 or hex"
                .into(),
        );
    }
    let application_id = f.required("applicationId", usize::MAX)?;
    let answer_url = f
        .url("answerUrl", MAX_URL_CHARS)?
        .ok_or("answerUrl is required")?;
    let answer_method = f.method("answerMethod")?;
    let cred = |field| f.string(field, MAX_CREDENTIAL_CHARS);
    let (username, password) = (cred("username")?, cred("password")?);
    let answer_fallback_url = f.url("answerFallbackUrl", MAX_URL_CHARS)?;
    let answer_fallback_method = f.method("answerFallbackMethod")?;
    let (fallback_username, fallback_password) =
        (cred("fallbackUsername")?, cred("fallbackPassword")?);
    let disconnect_url = f.url("disconnectUrl", MAX_URL_CHARS)?;
    let disconnect_method = f.method("disconnectMethod")?;
    let call_timeout = f.number("callTimeout", 1.0, 300.0)?.cloned();
    let callback_timeout = f.number("callbackTimeout", 1.0, 25.0)?.cloned();
    if let Some(md) = f.object("machineDetection")? {
        check_machine_detection(&md)?;
    }
    let priority = f.integer("priority", 1, 5)?;
    let tag = f.string("tag", MAX_TAG_CHARS)?;

    let attempt =
        |url: &str, method: &str, user: Option<&str>, pass: Option<&str>, fallback| Attempt {
            url: url.to_string(),
            method: method.to_string(),
            username: user.map(str::to_string),
            password: pass.map(str::to_string),
            is_fallback: fallback,
        };
    let mut call = Call::new(account_id, new_call_id(), CallState::Initiated);
    call.to = to.to_string();
    call.from = from.to_string();
    call.application_id = application_id.to_string();
    call.tag = tag.filter(|t| !t.is_empty()).map(str::to_string);
    call.hooks.answer = std::iter::once(attempt(
        answer_url,
        &answer_method,
        username,
        password,
        false,
    ))
    .chain(answer_fallback_url.map(|url| {
        attempt(
            url,
            &answer_fallback_method,
            fallback_username,
            fallback_password,
            true,
        )
    }))
    .collect();
    call.hooks.disconnect =
        disconnect_url.map(|url| attempt(url, &disconnect_method, username, password, false));
    call.callback_timeout = callback_timeout
        .as_ref()
        .and_then(Value::as_f64)
        .map(Duration::from_secs_f64);
    // Production masks the passwords it echoes.
    let masked = |p: Option<&str>| p.map(|_| "*****");
    let echo = json!({
        "applicationId": application_id,
        "accountId": account_id,
        "callId": call.call_id,
        "to": to,
        "from": from,
        "enqueuedTime": call.start_time,
        "callUrl": webhook::call_url(base_url, account_id, &call.call_id),
        "callTimeout": call_timeout.unwrap_or(json!(30)),
        "callbackTimeout": callback_timeout.unwrap_or(json!(15)),
        "tag": tag,
        "answerMethod": answer_method,
        "answerUrl": answer_url,
        "answerFallbackMethod": answer_fallback_method,
        "answerFallbackUrl": answer_fallback_url,
        "disconnectMethod": disconnect_method,
        "disconnectUrl": disconnect_url,
        "username": username,
        "password": masked(password),
        "fallbackUsername": fallback_username,
        "fallbackPassword": masked(fallback_password),
        "priority": priority.unwrap_or(5),
    });
    Ok(Placed { call, echo })
}

/// `POST /accounts/{accountId}/calls`. Checks, in order: auth, JSON body,
/// fields; then 201 with Location, and the call rings once that is written.
pub fn create_call(state: &Arc<State>, req: &Request, account_id: &str) -> Handled {
    authenticate(state, req)?;
    let body = json_object(req)?;
    let placed = check(&Fields::new(&body), account_id, &state.base_url)
        .map_err(|text| validation(&text))?;
    let call_id = placed.call.call_id.clone();
    let mut inner = state.lock();
    let (epoch, outcome) = (inner.epoch, inner.outbound);
    inner.calls.insert(call_id.clone(), placed.call);
    drop(inner);
    let location = placed.echo["callUrl"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut resp = Response::json(201, &placed.echo).with_header("Location", &location);
    let state = Arc::clone(state);
    resp.after = Some(Box::new(move || {
        std::thread::spawn(move || outbound::ring(&state, epoch, &call_id, outcome));
    }));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_uris() {
        for ok in ["+15555551212", "+44207", "+123456789012345"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in [
            "15555551212",
            "+0555",
            "+1",
            "+1234567890123456",
            "+1 555",
            "+",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
        for ok in ["sip:user@server.example", "SIPS:a@b", "sip:host.example"] {
            assert!(is_sip_uri(ok), "{ok}");
        }
        for bad in [
            "sip:",
            "sip:@host",
            "sip:user@",
            "sip:a b@c",
            "tel:+1555",
            "user@host",
        ] {
            assert!(!is_sip_uri(bad), "{bad}");
        }
        assert!(is_uui("abc;encoding=jwt, aGVsbG8;encoding=base64"));
        assert!(is_uui("00ff;Encoding=HEX"));
        for bad in [
            "abc",
            "abc;encoding=gzip",
            ";encoding=jwt",
            "a;encoding=jwt,",
        ] {
            assert!(!is_uui(bad), "{bad}");
        }
    }
}
