//! A simulated conference: its members (calls), what the Voice API shows of
//! it, and how the control API creates one. A conference ends when it is
//! set `completed` or when its last member's call ends, as in production.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::call::{Call, CallState};
use crate::clock::now_rfc3339;
use crate::http::percent_encode;
use crate::ids::new_conference_id;
use crate::state::Inner;

/// Bandwidth's limits: at most 20 calls in a conference; names of at most
/// 100 letters, digits, `-`, `_` and `.`.
pub const MAX_MEMBERS: usize = 20;
pub const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Clone)]
pub struct Member {
    pub call_id: String,
    pub mute: bool,
    pub hold: bool,
    /// `None` until set (the API shows `null`).
    pub call_ids_to_coach: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Conference {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub created_time: String,
    pub completed_time: Option<String>,
    pub event_url: Option<String>,
    pub event_method: String,
    pub tag: Option<String>,
    /// Active members, in joining order; emptied when the conference ends.
    pub members: Vec<Member>,
    /// The latest document sent with updateConferenceBxml.
    pub bxml: Option<String>,
}

impl Conference {
    pub fn is_active(&self) -> bool {
        self.completed_time.is_none()
    }

    /// Ends it and ejects every member (their calls go on).
    pub fn complete(&mut self) {
        if self.is_active() {
            self.completed_time = Some(now_rfc3339());
            self.members.clear();
        }
    }

    /// Drops members whose call has ended; the last one leaving ends it.
    pub fn refresh(&mut self, calls: &HashMap<String, Call>) {
        let before = self.members.len();
        self.members.retain(|m| {
            calls
                .get(&m.call_id)
                .is_some_and(|c| c.state != CallState::Disconnected)
        });
        if before > 0 && self.members.is_empty() {
            self.complete();
        }
    }

    fn url(&self, base_url: &str) -> String {
        format!(
            "{base_url}/api/v2/accounts/{}/conferences/{}",
            percent_encode(&self.account_id),
            percent_encode(&self.id)
        )
    }

    /// The spec's `conferenceMember`.
    pub fn member_json(&self, m: &Member, base_url: &str) -> Value {
        json!({
            "callId": m.call_id,
            "conferenceId": self.id,
            "memberUrl": format!("{}/members/{}", self.url(base_url), percent_encode(&m.call_id)),
            "mute": m.mute,
            "hold": m.hold,
            "callIdsToCoach": m.call_ids_to_coach,
        })
    }

    /// The spec's `conference` (what getConference returns).
    pub fn to_json(&self, base_url: &str) -> Value {
        let members: Vec<Value> = self
            .members
            .iter()
            .map(|m| self.member_json(m, base_url))
            .collect();
        json!({
            "id": self.id,
            "name": self.name,
            "createdTime": self.created_time,
            "completedTime": self.completed_time,
            "conferenceEventUrl": self.event_url,
            "conferenceEventMethod": self.event_method,
            "tag": self.tag,
            "activeMembers": members,
        })
    }

    /// The control view: `conference` plus `accountId` and the latest `bxml`.
    pub fn control_json(&self, base_url: &str) -> Value {
        let mut v = self.to_json(base_url);
        v["accountId"] = json!(self.account_id);
        v["bxml"] = json!(self.bxml);
        v
    }
}

/// `POST /sim/conferences` fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewConference {
    pub account_id: Option<String>,
    pub name: String,
    pub members: Vec<String>,
    pub tag: Option<String>,
    pub conference_event_url: Option<String>,
    pub conference_event_method: Option<String>,
}

/// Creates the conference in `inner`; `Err` is (status, why) for the
/// control API: 400 bad fields, 404 unknown call, 409 call not answered or
/// already in a conference, or an active conference of that name exists.
pub fn create(inner: &mut Inner, spec: NewConference) -> Result<&Conference, (u16, String)> {
    let bad = |text: &str| Err((400, text.to_string()));
    let account_id = spec.account_id.unwrap_or_else(|| "9900000".into());
    let name_ok = spec
        .name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if spec.name.is_empty() || spec.name.len() > MAX_NAME_CHARS || !name_ok {
        return bad("name must be 1 to 100 letters, digits, '-', '_' or '.'");
    }
    if spec.members.is_empty() || spec.members.len() > MAX_MEMBERS {
        return bad("members must list 1 to 20 call ids");
    }
    let method = match spec.conference_event_method.as_deref() {
        None => "POST".to_string(),
        Some(m) if m.eq_ignore_ascii_case("GET") || m.eq_ignore_ascii_case("POST") => {
            m.to_ascii_uppercase()
        }
        Some(_) => return bad("conferenceEventMethod must be GET or POST"),
    };
    for conf in inner.conferences.values_mut() {
        conf.refresh(&inner.calls);
    }
    let active = || inner.conferences.values().filter(|c| c.is_active());
    if active().any(|c| c.account_id == account_id && c.name == spec.name) {
        return Err((409, format!("conference '{}' is already active", spec.name)));
    }
    for (i, id) in spec.members.iter().enumerate() {
        if spec.members[..i].contains(id) {
            return Err((400, format!("call {id} is listed twice")));
        }
        match inner.calls.get(id) {
            Some(c) if c.account_id == account_id => {
                if c.state != CallState::Answered {
                    return Err((409, format!("call {id} is not answered")));
                }
            }
            _ => return Err((404, format!("unknown call {id} in account {account_id}"))),
        }
        if active().any(|c| c.members.iter().any(|m| m.call_id == *id)) {
            return Err((409, format!("call {id} is already in a conference")));
        }
    }
    let conf = Conference {
        id: new_conference_id(),
        account_id,
        name: spec.name,
        created_time: now_rfc3339(),
        completed_time: None,
        event_url: spec.conference_event_url,
        event_method: method,
        tag: spec.tag,
        members: spec
            .members
            .into_iter()
            .map(|call_id| Member {
                call_id,
                mute: false,
                hold: false,
                call_ids_to_coach: None,
            })
            .collect(),
        bxml: None,
    };
    let id = conf.id.clone();
    Ok(inner.conferences.entry(id).or_insert(conf))
}
