//! Conferences: the "Update conference" and "Update conference member"
//! requests (models, validation, JSON bodies) and the `conference` and
//! `conferenceMember` replies.

use crate::call_state::Timestamp;
use crate::error::Error;
use crate::json::{malformed, Object};
use crate::request::{check_length, check_url, RedirectMethod, MAX_CREDENTIAL_CHARS};
use serde::{Deserialize, Serialize};

/// Most calls a conference holds at once (Bandwidth's `<Conference>` verb),
/// and so most calls one member can be asked to coach.
pub const MAX_COACHED_CALLS: usize = 20;

/// The conference status to request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ConferenceStatus {
    /// Keep the conference going (used with a redirect).
    Active,
    /// End the conference and remove every member; each call goes on with
    /// its BXML after `<Conference>`.
    Completed,
}

/// Every parameter of "Update conference". `None` means "not set, not sent".
///
/// The spec's `updateConference` has no `tag`: a conference's tag is the
/// one set by the `<Conference>` verb of the call that created it.
///
/// ```
/// use bwvoice::{RedirectMethod, UpdateConferenceRequest};
///
/// let next = UpdateConferenceRequest {
///     redirect_method: Some(RedirectMethod::Get),
///     ..UpdateConferenceRequest::redirect("https://app.example/conf-next")
/// };
/// assert!(next.validate().is_ok());
/// assert_eq!(
///     next.to_json(),
///     r#"{"redirectUrl":"https://app.example/conf-next","redirectMethod":"GET"}"#
/// );
/// assert_eq!(UpdateConferenceRequest::end().to_json(), r#"{"status":"completed"}"#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateConferenceRequest {
    /// `Completed` ends the conference; `Active` keeps it (with a redirect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ConferenceStatus>,
    /// Where Bandwidth sends the `conferenceRedirect` event, whose answer is
    /// the conference's new BXML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// How that URL is requested, default POST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_method: Option<RedirectMethod>,
    /// Basic credentials Bandwidth sends to `redirect_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password for `username`; never in a message or `{:?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Tried when `redirect_url` fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_fallback_url: Option<String>,
    /// How the fallback URL is requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_fallback_method: Option<RedirectMethod>,
    /// Basic credentials for the fallback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_username: Option<String>,
    /// The password for `fallback_username`; never in a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_password: Option<String>,
}

// Hand-written so that webhook passwords never reach a log through `{:?}`.
impl std::fmt::Debug for UpdateConferenceRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |p: &Option<String>| p.as_ref().map(|_| crate::redact::REDACTED);
        f.debug_struct("UpdateConferenceRequest")
            .field("status", &self.status)
            .field("redirect_url", &self.redirect_url)
            .field("redirect_method", &self.redirect_method)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("redirect_fallback_url", &self.redirect_fallback_url)
            .field("redirect_fallback_method", &self.redirect_fallback_method)
            .field("fallback_username", &self.fallback_username)
            .field("fallback_password", &hidden(&self.fallback_password))
            .finish()
    }
}

impl UpdateConferenceRequest {
    /// A redirect: Bandwidth asks `url` for BXML to run in the conference.
    pub fn redirect(url: impl Into<String>) -> UpdateConferenceRequest {
        UpdateConferenceRequest {
            redirect_url: Some(url.into()),
            ..UpdateConferenceRequest::default()
        }
    }

    /// Ends the conference: exactly `{"status":"completed"}` on the wire.
    pub fn end() -> UpdateConferenceRequest {
        UpdateConferenceRequest {
            status: Some(ConferenceStatus::Completed),
            ..UpdateConferenceRequest::default()
        }
    }

    /// True when this request ends the conference; repeating it is harmless.
    pub fn is_end(&self) -> bool {
        self.status == Some(ConferenceStatus::Completed)
    }

    /// Checks every rule Bandwidth documents, so a bad request is never sent.
    pub fn validate(&self) -> Result<(), Error> {
        if self.is_end() {
            for (field, set) in [
                ("redirect_url", self.redirect_url.is_some()),
                ("redirect_method", self.redirect_method.is_some()),
                (
                    "redirect_fallback_url",
                    self.redirect_fallback_url.is_some(),
                ),
                (
                    "redirect_fallback_method",
                    self.redirect_fallback_method.is_some(),
                ),
            ] {
                if set {
                    return Err(Error::invalid(
                        field,
                        format!("{field} is not allowed when status is completed"),
                    ));
                }
            }
        } else if self.redirect_url.is_none() {
            return Err(Error::invalid(
                "redirect_url",
                "redirect_url is required unless status is completed",
            ));
        }
        for (field, url) in [
            ("redirect_url", &self.redirect_url),
            ("redirect_fallback_url", &self.redirect_fallback_url),
        ] {
            if let Some(url) = url {
                check_url(field, url)?;
            }
        }
        for (field, value) in [
            ("username", &self.username),
            ("password", &self.password),
            ("fallback_username", &self.fallback_username),
            ("fallback_password", &self.fallback_password),
        ] {
            if let Some(value) = value {
                check_length(field, value, MAX_CREDENTIAL_CHARS)?;
            }
        }
        Ok(())
    }

    /// The JSON body: only the fields that are set, in the spec's names.
    pub fn to_json(&self) -> String {
        // Serializing plain strings and enums into a String cannot fail.
        serde_json::to_string(self).expect("request serializes")
    }

    /// The webhook passwords the body carries, which an echoing server
    /// must not get into a message.
    pub(crate) fn secrets(&self) -> Vec<String> {
        [&self.password, &self.fallback_password]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// Every parameter of "Update conference member"; `None` leaves that
/// setting as it is.
///
/// ```
/// use bwvoice::UpdateConferenceMemberRequest;
///
/// let unmute = UpdateConferenceMemberRequest {
///     mute: Some(false),
///     ..Default::default()
/// };
/// assert!(unmute.validate().is_ok());
/// assert_eq!(unmute.to_json(), r#"{"mute":false}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateConferenceMemberRequest {
    /// Muted members still hear the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mute: Option<bool>,
    /// Members on hold neither hear nor are heard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<bool>,
    /// Replaces the calls this member coaches (they hear the coach, the
    /// rest of the conference does not); an empty list coaches none. It
    /// does not bring those calls into the conference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_ids_to_coach: Option<Vec<String>>,
}

impl UpdateConferenceMemberRequest {
    /// Refuses a request that changes nothing (Bandwidth would accept it
    /// and do nothing, which is never what the caller meant), and checks
    /// the coached call ids.
    pub fn validate(&self) -> Result<(), Error> {
        if self.mute.is_none() && self.hold.is_none() && self.call_ids_to_coach.is_none() {
            return Err(Error::invalid(
                "req",
                "nothing to change: set mute, hold or call_ids_to_coach",
            ));
        }
        let Some(ids) = &self.call_ids_to_coach else {
            return Ok(());
        };
        const FIELD: &str = "call_ids_to_coach";
        if ids.len() > MAX_COACHED_CALLS {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "{FIELD} has {} call ids; a conference holds at most {MAX_COACHED_CALLS} calls",
                    ids.len()
                ),
            ));
        }
        for (index, id) in ids.iter().enumerate() {
            if id.is_empty() {
                return Err(Error::invalid(FIELD, format!("{FIELD}[{index}] is empty")));
            }
            if id.chars().any(char::is_control) {
                return Err(Error::invalid(
                    FIELD,
                    format!("{FIELD}[{index}] contains control characters"),
                ));
            }
        }
        Ok(())
    }

    /// The JSON body: only the fields that are set, in the spec's names.
    pub fn to_json(&self) -> String {
        // Serializing booleans and strings into a String cannot fail.
        serde_json::to_string(self).expect("request serializes")
    }
}

/// A conference, as "Get conference" reports it (the spec's `conference`).
/// Every field is optional: `None` means absent or null. Method and URL
/// are the server's text, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conference {
    /// Bandwidth's id of the conference.
    pub id: Option<String>,
    /// The name the application gave it in `<Conference>`.
    pub name: Option<String>,
    /// When it was created.
    pub created_time: Option<Timestamp>,
    /// When it ended.
    pub completed_time: Option<Timestamp>,
    /// Where its events go.
    pub conference_event_url: Option<String>,
    /// `GET` or `POST`.
    pub conference_event_method: Option<String>,
    /// Sent with its events; set by the call that created it.
    pub tag: Option<String>,
    /// The members in it now (absent from "Get conferences" answers).
    pub active_members: Option<Vec<ConferenceMember>>,
}

/// One call in a conference (the spec's `conferenceMember`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConferenceMember {
    /// The member's call id, which is also its member id in paths.
    pub call_id: Option<String>,
    /// The conference it is in.
    pub conference_id: Option<String>,
    /// This member's own URL, for "Get/Update conference member".
    pub member_url: Option<String>,
    /// Whether it is muted.
    pub mute: Option<bool>,
    /// Whether it is on hold.
    pub hold: Option<bool>,
    /// The calls it coaches.
    pub call_ids_to_coach: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConferenceReply {
    id: Option<String>,
    name: Option<String>,
    created_time: Option<String>,
    completed_time: Option<String>,
    conference_event_url: Option<String>,
    conference_event_method: Option<String>,
    tag: Option<String>,
    active_members: Option<Vec<Object<MemberReply>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberReply {
    call_id: Option<String>,
    conference_id: Option<String>,
    member_url: Option<String>,
    mute: Option<bool>,
    hold: Option<bool>,
    call_ids_to_coach: Option<Vec<String>>,
}

impl From<MemberReply> for ConferenceMember {
    fn from(reply: MemberReply) -> ConferenceMember {
        ConferenceMember {
            call_id: reply.call_id,
            conference_id: reply.conference_id,
            member_url: reply.member_url,
            mute: reply.mute,
            hold: reply.hold,
            call_ids_to_coach: reply.call_ids_to_coach,
        }
    }
}

impl Conference {
    /// Reads a 200 answer: a JSON object of the spec's shape, its members
    /// objects too, its times RFC 3339; anything else is `Status::Protocol`.
    /// Unknown keys are ignored; duplicated or mistyped ones are not.
    pub(crate) fn parse(body: &[u8]) -> Result<Conference, Error> {
        let malformed = |why: &str| malformed("conference", why);
        let Object(reply): Object<ConferenceReply> =
            serde_json::from_slice(body).map_err(|e| malformed(&e.to_string()))?;
        let time = |field: &str, text: Option<String>| {
            text.map(|t| Timestamp::parse(field, t))
                .transpose()
                .map_err(|why| malformed(&why))
        };
        Ok(Conference {
            id: reply.id,
            name: reply.name,
            created_time: time("createdTime", reply.created_time)?,
            completed_time: time("completedTime", reply.completed_time)?,
            conference_event_url: reply.conference_event_url,
            conference_event_method: reply.conference_event_method,
            tag: reply.tag,
            active_members: reply
                .active_members
                .map(|members| members.into_iter().map(|m| m.0.into()).collect()),
        })
    }
}

impl ConferenceMember {
    /// Reads a 200 answer of "Get conference member", by the same rules.
    pub(crate) fn parse(body: &[u8]) -> Result<ConferenceMember, Error> {
        let Object(reply): Object<MemberReply> = serde_json::from_slice(body)
            .map_err(|e| malformed("conference member", &e.to_string()))?;
        Ok(reply.into())
    }
}

// The tests are a file of their own to keep this one short.
#[cfg(test)]
mod tests;
