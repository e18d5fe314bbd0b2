//! The conference operations: getConference, updateConference,
//! updateConferenceBxml, getConferenceMember, updateConferenceMember.
//! Checks run in the order of the call routes: auth, media type, body
//! shape, lookup (404), field rules (400).
//!
//! An ended conference is answered 404, not 409, when it is to be changed:
//! the spec lists no 409 for any conference operation, and production
//! treats an ended conference like a hung-up call, as gone for changes
//! (getConference still shows it, with `completedTime`).

use std::sync::Arc;

use crate::api::{authenticate, error, json_object, media_type_is, validation, Handled};
use crate::conference::{Conference, Member};
use crate::fields::{Checked, Fields};
use crate::http::{Request, Response};
use crate::live::check_bxml;
use crate::state::{Inner, State};
use crate::update_call::MAX_CREDENTIAL_CHARS;
use crate::webhook::{self, Attempt};

fn not_found(what: &str) -> Response {
    error(
        404,
        "not-found",
        &format!("The requested {what} was not found"),
    )
}

/// The conference if it is in this account (refreshed: members whose call
/// ended are gone), else the 404.
fn find<'a>(
    inner: &'a mut Inner,
    account_id: &str,
    id: &str,
) -> Result<&'a mut Conference, Response> {
    let Inner {
        conferences, calls, ..
    } = inner;
    let conf = conferences
        .get_mut(id)
        .filter(|c| c.account_id == account_id)
        .ok_or_else(|| not_found("conference"))?;
    conf.refresh(calls);
    Ok(conf)
}

/// As `find`, and not yet ended.
fn find_active<'a>(
    inner: &'a mut Inner,
    account_id: &str,
    id: &str,
) -> Result<&'a mut Conference, Response> {
    let conf = find(inner, account_id, id)?;
    if !conf.is_active() {
        return Err(error(404, "not-found", "The conference has already ended"));
    }
    Ok(conf)
}

fn find_member<'a>(conf: &'a mut Conference, member_id: &str) -> Result<&'a mut Member, Response> {
    conf.members
        .iter_mut()
        .find(|m| m.call_id == member_id)
        .ok_or_else(|| not_found("conference member"))
}

pub fn get_conference(state: &State, req: &Request, account_id: &str, id: &str) -> Handled {
    authenticate(state, req)?;
    let mut inner = state.lock();
    let conf = find(&mut inner, account_id, id)?;
    Ok(Response::json(200, &conf.to_json(&state.base_url)))
}

enum ConferenceUpdate {
    Complete,
    /// Primary attempt, then the optional fallback.
    Redirect(Vec<Attempt>),
}

fn check_update(f: &Fields) -> Checked<ConferenceUpdate> {
    let status = f.one_of("status", &["active", "completed"])?;
    let cred = |field| f.string(field, MAX_CREDENTIAL_CHARS);
    let (username, password) = (cred("username")?, cred("password")?);
    let (fallback_username, fallback_password) =
        (cred("fallbackUsername")?, cred("fallbackPassword")?);
    let method = f.method("redirectMethod")?;
    let fallback_method = f.method("redirectFallbackMethod")?;
    let url = f.string("redirectUrl", usize::MAX)?;
    let fallback_url = f.string("redirectFallbackUrl", usize::MAX)?;
    if status == Some("completed") {
        // The docs' prose forbids the redirect methods here too, but the
        // official SDKs always send both (POST by default) and production
        // accepts them; only the URLs are refused.
        for (name, present) in [
            ("redirectUrl", url.is_some()),
            ("redirectFallbackUrl", fallback_url.is_some()),
        ] {
            if present {
                return Err(format!("{name} is not allowed when status is 'completed'"));
            }
        }
        return Ok(ConferenceUpdate::Complete);
    }
    let url = url
        .filter(|u| !u.is_empty())
        .ok_or("redirectUrl is required when status is 'active'")?;
    let primary = Attempt {
        url: url.to_string(),
        method,
        username: username.map(str::to_string),
        password: password.map(str::to_string),
        is_fallback: false,
    };
    let fallback = fallback_url.filter(|u| !u.is_empty()).map(|url| Attempt {
        url: url.to_string(),
        method: fallback_method,
        username: fallback_username.map(str::to_string),
        password: fallback_password.map(str::to_string),
        is_fallback: true,
    });
    Ok(ConferenceUpdate::Redirect(
        std::iter::once(primary).chain(fallback).collect(),
    ))
}

/// `POST .../conferences/{id}`: ends the conference, or sends the
/// conferenceRedirect event (after the 204 is written, like Bandwidth).
pub fn update_conference(state: &Arc<State>, req: &Request, account_id: &str, id: &str) -> Handled {
    authenticate(state, req)?;
    let body = json_object(req)?;
    let update = check_update(&Fields::new(&body));
    let mut inner = state.lock();
    let epoch = inner.epoch;
    let conf = find_active(&mut inner, account_id, id)?;
    let attempts = match update.map_err(|text| validation(&text))? {
        ConferenceUpdate::Complete => {
            conf.complete();
            return Ok(Response::new(204));
        }
        ConferenceUpdate::Redirect(attempts) => attempts,
    };
    let job = webhook::conference_redirect_job(conf, epoch, attempts);
    drop(inner);
    let state = Arc::clone(state);
    let mut resp = Response::new(204);
    resp.after = Some(Box::new(move || {
        std::thread::spawn(move || webhook::deliver(&state, job));
    }));
    Ok(resp)
}

/// `PUT .../conferences/{id}/bxml`: the call BXML route's checks; the
/// document is stored, not executed.
pub fn update_conference_bxml(state: &State, req: &Request, account_id: &str, id: &str) -> Handled {
    authenticate(state, req)?;
    if !media_type_is(req, "application/xml") && !media_type_is(req, "text/xml") {
        let text = "Content-Type must be application/xml";
        return Err(error(415, "unsupported-media-type", text));
    }
    let bxml = check_bxml(&req.body).map_err(|text| validation(&text))?;
    let mut inner = state.lock();
    find_active(&mut inner, account_id, id)?.bxml = Some(bxml);
    Ok(Response::new(204))
}

pub fn get_member(
    state: &State,
    req: &Request,
    account_id: &str,
    id: &str,
    member_id: &str,
) -> Handled {
    authenticate(state, req)?;
    let mut inner = state.lock();
    let conf = find(&mut inner, account_id, id)?;
    let member = find_member(conf, member_id)?.clone();
    Ok(Response::json(
        200,
        &conf.member_json(&member, &state.base_url),
    ))
}

/// `PUT .../conferences/{id}/members/{memberId}`: each of `mute`, `hold`,
/// `callIdsToCoach` changes the member when present, and nothing otherwise.
pub fn update_member(
    state: &State,
    req: &Request,
    account_id: &str,
    id: &str,
    member_id: &str,
) -> Handled {
    authenticate(state, req)?;
    let body = json_object(req)?;
    let f = Fields::new(&body);
    let update = (|| {
        Ok((
            f.boolean("mute")?,
            f.boolean("hold")?,
            f.strings("callIdsToCoach")?,
        ))
    })();
    let mut inner = state.lock();
    let conf = find_active(&mut inner, account_id, id)?;
    let member = find_member(conf, member_id)?;
    let (mute, hold, coach): (_, _, _) = update.map_err(|text: String| validation(&text))?;
    if let Some(mute) = mute {
        member.mute = mute;
    }
    if let Some(hold) = hold {
        member.hold = hold;
    }
    if coach.is_some() {
        member.call_ids_to_coach = coach;
    }
    Ok(Response::new(204))
}
