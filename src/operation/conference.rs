//! Conferences: `/accounts/{accountId}/conferences/{conferenceId}...`.

use super::{body, ignore, json, xml, Method, Operation, Repeat};
use crate::bxml::{self, DocumentKind, UnknownVerbs};
use crate::client::{CallOptions, Client};
use crate::conference::{
    Conference, ConferenceMember, UpdateConferenceMemberRequest, UpdateConferenceRequest,
};
use crate::endpoint::{conference_url, member_url};
use crate::error::Error;
use crate::response::MAX_BODY_BYTES;
use crate::transport::Reply;

const CONFERENCE: &str = "/accounts/{accountId}/conferences/{conferenceId}";
const MEMBER: &str = "/accounts/{accountId}/conferences/{conferenceId}/members/{memberId}";

/// An operation on the conference `conference_id`.
fn on_conference<T>(
    name: &'static str,
    method: Method,
    template: &'static str,
    (account_id, conference_id): (&str, &str),
    url: String,
    repeat: Repeat,
    read: fn(&Reply) -> Result<T, Error>,
) -> Operation<T> {
    let mut op = Operation::new(name, method, template, account_id, url, repeat, read);
    op.conference_id = conference_id.to_owned();
    op
}

/// "Get conference information": `GET …/conferences/{conferenceId}`.
pub fn get_conference(
    base: &str,
    account_id: &str,
    conference_id: &str,
) -> Result<Operation<Conference>, Error> {
    let url = conference_url(base, account_id, conference_id)?;
    let read = |reply: &Reply| Conference::parse(body(reply, "conference", MAX_BODY_BYTES, "")?);
    let ids = (account_id, conference_id);
    Ok(on_conference(
        "getConference",
        Method::Get,
        CONFERENCE,
        ids,
        url,
        Repeat::Idempotent,
        read,
    ))
}

impl Client {
    /// Reads a conference and its active members ("Get conference
    /// information"). Safe to repeat.
    pub fn get_conference(
        &self,
        account_id: &str,
        conference_id: &str,
        opts: &CallOptions,
    ) -> Result<Conference, Error> {
        self.run(
            get_conference(self.base_url(), account_id, conference_id)?,
            opts,
        )
    }
}

/// "Update conference": `POST …/conferences/{conferenceId}` with the JSON body.
pub fn update_conference(
    base: &str,
    account_id: &str,
    conference_id: &str,
    request: &UpdateConferenceRequest,
) -> Result<Operation<()>, Error> {
    let url = conference_url(base, account_id, conference_id)?;
    request.validate()?;
    // Ending a conference twice ends it once; a second redirect fires the
    // conferenceRedirect webhook again.
    let repeat = if request.is_end() {
        Repeat::Idempotent
    } else {
        Repeat::NotIdempotent
    };
    let ids = (account_id, conference_id);
    let mut op = on_conference(
        "updateConference",
        Method::Post,
        CONFERENCE,
        ids,
        url,
        repeat,
        ignore,
    );
    op.body = Some(json(request.to_json()));
    op.secrets = request.secrets();
    Ok(op)
}

impl Client {
    /// Redirects a conference to new BXML, or ends it ("Update
    /// conference"). Like a call's redirect, a redirect is not repeated
    /// after a failure that may have been applied (unless
    /// `retry_non_idempotent`); ending is.
    pub fn update_conference(
        &self,
        account_id: &str,
        conference_id: &str,
        request: &UpdateConferenceRequest,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        let op = update_conference(self.base_url(), account_id, conference_id, request)?;
        self.run(op, opts)
    }
}

/// "Update conference BXML": `PUT …/conferences/{conferenceId}/bxml`.
pub fn update_conference_bxml(
    base: &str,
    account_id: &str,
    conference_id: &str,
    document: &str,
    unknown: UnknownVerbs,
) -> Result<Operation<()>, Error> {
    let url = conference_url(base, account_id, conference_id)? + "/bxml";
    bxml::check(document, DocumentKind::UpdateConference, unknown)?;
    let template = "/accounts/{accountId}/conferences/{conferenceId}/bxml";
    let ids = (account_id, conference_id);
    let name = "updateConferenceBxml";
    let mut op = on_conference(
        name,
        Method::Put,
        template,
        ids,
        url,
        Repeat::NotIdempotent,
        ignore,
    );
    op.body = Some(xml(document));
    Ok(op)
}

impl Client {
    /// Replaces a conference's BXML with `document` ("Update conference
    /// BXML"), checked as for [`Client::update_call_bxml`]. Not repeated
    /// after a failure that may have been applied.
    pub fn update_conference_bxml(
        &self,
        account_id: &str,
        conference_id: &str,
        document: &str,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        let unknown = self.settings.unknown_bxml_verbs;
        let op = update_conference_bxml(
            self.base_url(),
            account_id,
            conference_id,
            document,
            unknown,
        )?;
        self.run(op, opts)
    }
}

/// "Get conference member": `GET …/conferences/{conferenceId}/members/{memberId}`.
pub fn get_conference_member(
    base: &str,
    account_id: &str,
    conference_id: &str,
    member_id: &str,
) -> Result<Operation<ConferenceMember>, Error> {
    let url = member_url(base, account_id, conference_id, member_id)?;
    let read = |reply: &Reply| {
        ConferenceMember::parse(body(reply, "conference member", MAX_BODY_BYTES, "")?)
    };
    let ids = (account_id, conference_id);
    let mut op = on_conference(
        "getConferenceMember",
        Method::Get,
        MEMBER,
        ids,
        url,
        Repeat::Idempotent,
        read,
    );
    op.call_id = member_id.to_owned();
    Ok(op)
}

impl Client {
    /// Reads a conference member: mute, hold, the calls it coaches ("Get
    /// conference member"). A member's id is its call id. Safe to repeat.
    pub fn get_conference_member(
        &self,
        account_id: &str,
        conference_id: &str,
        member_id: &str,
        opts: &CallOptions,
    ) -> Result<ConferenceMember, Error> {
        let op = get_conference_member(self.base_url(), account_id, conference_id, member_id)?;
        self.run(op, opts)
    }
}

/// "Update conference member": `PUT …/members/{memberId}` with the JSON body.
pub fn update_conference_member(
    base: &str,
    account_id: &str,
    conference_id: &str,
    member_id: &str,
    request: &UpdateConferenceMemberRequest,
) -> Result<Operation<()>, Error> {
    let url = member_url(base, account_id, conference_id, member_id)?;
    request.validate()?;
    let ids = (account_id, conference_id);
    let name = "updateConferenceMember";
    // It sets states (muted, held, coaching these calls): a repeat sets the same.
    let mut op = on_conference(
        name,
        Method::Put,
        MEMBER,
        ids,
        url,
        Repeat::Idempotent,
        ignore,
    );
    op.call_id = member_id.to_owned();
    op.body = Some(json(request.to_json()));
    Ok(op)
}

impl Client {
    /// Mutes or unmutes, holds or resumes a conference member, or sets the
    /// calls it coaches ("Update conference member"). Safe to repeat: it
    /// sets states.
    pub fn update_conference_member(
        &self,
        account_id: &str,
        conference_id: &str,
        member_id: &str,
        request: &UpdateConferenceMemberRequest,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        let base = self.base_url();
        let op = update_conference_member(base, account_id, conference_id, member_id, request)?;
        self.run(op, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://h/api/v2";
    const CONF: &str = "https://h/api/v2/accounts/99/conferences/conf-1";

    #[test]
    fn each_operation_has_its_method_path_body_and_repeat_class() {
        let get = get_conference(BASE, "99", "conf-1").unwrap();
        assert_eq!(
            (
                get.method,
                get.url.as_str(),
                get.repeat,
                get.conference_id.as_str()
            ),
            (Method::Get, CONF, Repeat::Idempotent, "conf-1")
        );
        let redirect = UpdateConferenceRequest::redirect("https://a/conf");
        let update = update_conference(BASE, "99", "conf-1", &redirect).unwrap();
        assert_eq!(
            (update.method, update.url.as_str(), update.repeat),
            (Method::Post, CONF, Repeat::NotIdempotent)
        );
        assert_eq!(update.body.unwrap().bytes, redirect.to_json().into_bytes());
        let end = update_conference(BASE, "99", "conf-1", &UpdateConferenceRequest::end()).unwrap();
        assert_eq!(end.repeat, Repeat::Idempotent);

        let doc = "<Bxml><SpeakSentence>hi</SpeakSentence></Bxml>";
        let bxml = update_conference_bxml(BASE, "99", "conf-1", doc, UnknownVerbs::Refuse).unwrap();
        assert_eq!(
            (bxml.method, bxml.url, bxml.repeat),
            (Method::Put, format!("{CONF}/bxml"), Repeat::NotIdempotent)
        );

        let member = get_conference_member(BASE, "99", "conf-1", "c-2").unwrap();
        assert_eq!(
            (member.method, member.url, member.call_id.as_str()),
            (Method::Get, format!("{CONF}/members/c-2"), "c-2")
        );
        let mute = UpdateConferenceMemberRequest {
            mute: Some(true),
            ..UpdateConferenceMemberRequest::default()
        };
        let update = update_conference_member(BASE, "99", "conf-1", "c-2", &mute).unwrap();
        assert_eq!(
            (update.method, update.repeat),
            (Method::Put, Repeat::Idempotent)
        );
        assert_eq!(update.body.unwrap().bytes, br#"{"mute":true}"#);
    }

    #[test]
    fn ids_and_documents_are_checked_first() {
        let field = |r: Result<Operation<()>, Error>| r.err().unwrap().field;
        assert_eq!(
            field(update_conference_bxml(
                BASE,
                "99",
                "",
                "<Bxml/>",
                UnknownVerbs::Refuse
            )),
            Some("conference_id")
        );
        assert_eq!(
            field(update_conference_bxml(
                BASE,
                "99",
                "c",
                "<Response/>",
                UnknownVerbs::Refuse
            )),
            Some("bxml")
        );
        let mute = UpdateConferenceMemberRequest {
            mute: Some(false),
            ..UpdateConferenceMemberRequest::default()
        };
        assert_eq!(
            field(update_conference_member(BASE, "99", "c", "..", &mute)),
            Some("member_id")
        );
    }
}
