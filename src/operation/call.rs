//! The live-call operations: `/accounts/{accountId}/calls/{callId}...`.

use super::{ignore, json, xml, Method, Operation, Repeat};
use crate::bxml::{self, DocumentKind, UnknownVerbs};
use crate::call_state::CallState;
use crate::client::{CallOptions, Client};
use crate::endpoint::call_url;
use crate::error::Error;
use crate::request::ModifyCallRequest;
use crate::transport::Reply;

const CALL: &str = "/accounts/{accountId}/calls/{callId}";

/// The recording state `updateCallRecordingState` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordingState {
    /// Pause an active recording (e.g. while a caller reads a card number).
    Paused,
    /// Resume a paused recording.
    Recording,
}

impl RecordingState {
    fn as_str(self) -> &'static str {
        match self {
            RecordingState::Paused => "paused",
            RecordingState::Recording => "recording",
        }
    }
}

/// "Update active call": `POST …/calls/{callId}` with the JSON body.
pub fn update_call(
    base: &str,
    account_id: &str,
    call_id: &str,
    request: &ModifyCallRequest,
) -> Result<Operation<()>, Error> {
    let url = call_url(base, account_id, call_id)?;
    request.validate()?;
    let repeat = if request.is_hangup() {
        Repeat::Idempotent
    } else {
        Repeat::NotIdempotent
    };
    let mut op = Operation::new(
        "updateCall",
        Method::Post,
        CALL,
        account_id,
        url,
        repeat,
        ignore,
    );
    op.call_id = call_id.to_owned();
    op.body = Some(json(request.to_json()));
    // Webhook passwords travel in the body.
    op.secrets = [&request.password, &request.fallback_password]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    Ok(op)
}

impl Client {
    /// Updates a live call: redirect it to new BXML, change its tag, or end
    /// it ("Update active call"). A redirect is not repeated after a failure
    /// that may have been applied; a hang-up is.
    pub fn modify_call(
        &self,
        account_id: &str,
        call_id: &str,
        request: &ModifyCallRequest,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        self.run(
            update_call(self.base_url(), account_id, call_id, request)?,
            opts,
        )
    }
}

/// A hang-up: "Update active call" with exactly `{"state":"completed"}`.
pub fn hangup(base: &str, account_id: &str, call_id: &str) -> Result<Operation<()>, Error> {
    update_call(base, account_id, call_id, &ModifyCallRequest::hangup())
}

impl Client {
    /// Ends a call (cancels it if not yet answered): `{"state":"completed"}`.
    pub fn hangup(&self, account_id: &str, call_id: &str, opts: &CallOptions) -> Result<(), Error> {
        self.run(hangup(self.base_url(), account_id, call_id)?, opts)
    }
}

/// "Get call state": `GET …/calls/{callId}`.
pub fn get_call_state(
    base: &str,
    account_id: &str,
    call_id: &str,
) -> Result<Operation<CallState>, Error> {
    let url = call_url(base, account_id, call_id)?;
    let read = |reply: &Reply| CallState::from_reply(reply.body.as_deref());
    let mut op = Operation::new(
        "getCallState",
        Method::Get,
        CALL,
        account_id,
        url,
        Repeat::Idempotent,
        read,
    );
    op.call_id = call_id.to_owned();
    Ok(op)
}

impl Client {
    /// Reads a call's state ("Get call state"). Safe to repeat.
    ///
    /// ```no_run
    /// # fn show(client: &bwvoice::Client) -> Result<(), bwvoice::Error> {
    /// use bwvoice::CallOptions;
    /// use std::time::Duration;
    ///
    /// let state = client.get_call_state("9900000", "c-1234", &CallOptions::within(Duration::from_secs(2)))?;
    /// if state.state.as_deref() == Some("disconnected") {
    ///     println!("ended: {:?}", state.disconnect_cause);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_call_state(
        &self,
        account_id: &str,
        call_id: &str,
        opts: &CallOptions,
    ) -> Result<CallState, Error> {
        self.run(get_call_state(self.base_url(), account_id, call_id)?, opts)
    }
}

/// "Update call BXML": `PUT …/calls/{callId}/bxml` with the document,
/// which must pass [`bxml::check`] as a `<Bxml>` for a call.
pub fn update_call_bxml(
    base: &str,
    account_id: &str,
    call_id: &str,
    document: &str,
    unknown: UnknownVerbs,
) -> Result<Operation<()>, Error> {
    let url = call_url(base, account_id, call_id)? + "/bxml";
    bxml::check(document, DocumentKind::UpdateCall, unknown)?;
    let template = "/accounts/{accountId}/calls/{callId}/bxml";
    let mut op = Operation::new(
        "updateCallBxml",
        Method::Put,
        template,
        account_id,
        url,
        Repeat::NotIdempotent,
        ignore,
    );
    op.call_id = call_id.to_owned();
    op.body = Some(xml(document));
    Ok(op)
}

impl Client {
    /// Replaces a live call's BXML with `document` ("Update call BXML"),
    /// which must be well-formed XML with a `<Bxml>` root of at most
    /// [`crate::MAX_BXML_BYTES`]. Like a redirect, not repeated after a
    /// failure that may have been applied: a second one restarts the script.
    pub fn update_call_bxml(
        &self,
        account_id: &str,
        call_id: &str,
        document: &str,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        self.run(
            update_call_bxml(
                self.base_url(),
                account_id,
                call_id,
                document,
                self.settings.unknown_bxml_verbs,
            )?,
            opts,
        )
    }
}

/// "Update recording": `PUT …/calls/{callId}/recording`, `{"state":…}`.
pub fn update_call_recording(
    base: &str,
    account_id: &str,
    call_id: &str,
    state: RecordingState,
) -> Result<Operation<()>, Error> {
    let url = call_url(base, account_id, call_id)? + "/recording";
    let template = "/accounts/{accountId}/calls/{callId}/recording";
    let name = "updateCallRecordingState";
    let mut op = Operation::new(
        name,
        Method::Put,
        template,
        account_id,
        url,
        Repeat::Idempotent,
        ignore,
    );
    op.call_id = call_id.to_owned();
    op.body = Some(json(format!(r#"{{"state":"{}"}}"#, state.as_str())));
    Ok(op)
}

impl Client {
    /// Pauses or resumes a call's recording ("Update recording"). Safe to repeat.
    pub fn update_call_recording(
        &self,
        account_id: &str,
        call_id: &str,
        state: RecordingState,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        self.run(
            update_call_recording(self.base_url(), account_id, call_id, state)?,
            opts,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://h/api/v2";

    #[test]
    fn each_operation_has_its_method_path_body_and_idempotency() {
        let redirect = update_call(
            BASE,
            "99",
            "c-1",
            &ModifyCallRequest::redirect("https://a/b"),
        )
        .unwrap();
        assert_eq!(
            (redirect.method, redirect.url.as_str(), redirect.repeat),
            (
                Method::Post,
                "https://h/api/v2/accounts/99/calls/c-1",
                Repeat::NotIdempotent
            )
        );
        let hangup = hangup(BASE, "99", "c-1").unwrap();
        assert_eq!(hangup.repeat, Repeat::Idempotent);
        assert_eq!(hangup.body.unwrap().bytes, br#"{"state":"completed"}"#);

        let state = get_call_state(BASE, "99", "c-1").unwrap();
        assert_eq!(
            (state.method, state.repeat),
            (Method::Get, Repeat::Idempotent)
        );
        assert!(state.body.is_none());

        let doc = "<Bxml><Hangup/></Bxml>";
        let bxml = update_call_bxml(BASE, "99", "c/1", doc, UnknownVerbs::Refuse).unwrap();
        assert_eq!(
            (bxml.method, bxml.url.as_str(), bxml.repeat),
            (
                Method::Put,
                "https://h/api/v2/accounts/99/calls/c%2F1/bxml",
                Repeat::NotIdempotent
            )
        );
        let body = bxml.body.unwrap();
        assert_eq!(
            (body.bytes.as_slice(), body.content_type),
            (doc.as_bytes(), "application/xml; charset=utf-8")
        );

        let paused = update_call_recording(BASE, "99", "c-1", RecordingState::Paused).unwrap();
        assert_eq!(
            (paused.method, paused.url.as_str(), paused.repeat),
            (
                Method::Put,
                "https://h/api/v2/accounts/99/calls/c-1/recording",
                Repeat::Idempotent
            )
        );
        assert_eq!(paused.body.unwrap().bytes, br#"{"state":"paused"}"#);
        let resumed = update_call_recording(BASE, "99", "c-1", RecordingState::Recording).unwrap();
        assert_eq!(resumed.body.unwrap().bytes, br#"{"state":"recording"}"#);
    }

    #[test]
    fn ids_are_checked_before_anything_else() {
        assert_eq!(
            get_call_state(BASE, "", "c").err().unwrap().field,
            Some("account_id")
        );
        let err = update_call_bxml(BASE, "99", "..", "not xml", UnknownVerbs::Refuse)
            .err()
            .unwrap();
        assert_eq!(err.field, Some("call_id"));
    }

    #[test]
    fn webhook_passwords_are_secrets() {
        let mut req = ModifyCallRequest::redirect("https://a/b");
        req.password = Some("pw1".into());
        req.fallback_password = Some("pw2".into());
        let op = update_call(BASE, "99", "c", &req).unwrap();
        assert_eq!(op.secrets, ["pw1", "pw2"]);
    }
}
