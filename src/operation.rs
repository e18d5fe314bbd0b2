//! The Voice API's live-call operations, each in one place: a small
//! description of what to send, whether it is idempotent, and how to read
//! its success, followed by the [`Client`] method that runs it. One
//! pipeline (`Client::run`) sends them all; the C ABI builds the same
//! descriptions (`src/ffi/call.rs`).

use crate::bxml;
use crate::call_state::CallState;
use crate::client::{CallOptions, Client};
use crate::endpoint::call_url;
use crate::error::Error;
use crate::request::ModifyCallRequest;

const JSON: &str = "application/json; charset=utf-8";
const CALL: &str = "/accounts/{accountId}/calls/{callId}";
const XML: &str = "application/xml; charset=utf-8";

/// The HTTP methods the operations use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// A request body and its media type.
pub struct Body {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// One validated operation, ready to send.
pub struct Operation<T> {
    /// The spec's operationId, e.g. `updateCall`.
    pub name: &'static str,
    pub method: Method,
    /// The path with placeholders, for events: `/accounts/{accountId}/calls/{callId}`.
    pub template: &'static str,
    pub account_id: String,
    pub call_id: String,
    pub url: String,
    pub body: Option<Body>,
    /// Repeating it changes nothing (reads, hang-ups, recording state), so
    /// it may be repeated after a failure that may have been applied (see
    /// [`crate::retry::is_retryable`]). Not so for a redirect (it fires the
    /// webhook again) or new BXML (it restarts the script): those are
    /// repeated only when certainly not applied, unless the client opts in.
    pub idempotent: bool,
    /// Parts of the body an echoing server must not get into a message.
    pub secrets: Vec<String>,
    /// Reads a 2xx answer's body (`None`: too large or unreadable).
    pub read: fn(Option<&[u8]>) -> Result<T, Error>,
}

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
    Ok(Operation {
        name: "updateCall",
        method: Method::Post,
        template: CALL,
        account_id: account_id.to_owned(),
        call_id: call_id.to_owned(),
        url,
        body: Some(json(request.to_json())),
        idempotent: request.is_hangup(),
        // Webhook passwords travel in the body.
        secrets: [&request.password, &request.fallback_password]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        read: ignore,
    })
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
    Ok(Operation {
        name: "getCallState",
        method: Method::Get,
        url: call_url(base, account_id, call_id)?,
        template: CALL,
        account_id: account_id.to_owned(),
        call_id: call_id.to_owned(),
        body: None,
        idempotent: true,
        secrets: Vec::new(),
        read: CallState::from_reply,
    })
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
/// which must be well-formed with a `<Bxml>` root.
pub fn update_call_bxml(
    base: &str,
    account_id: &str,
    call_id: &str,
    document: &str,
) -> Result<Operation<()>, Error> {
    let url = call_url(base, account_id, call_id)? + "/bxml";
    bxml::check(document)?;
    Ok(Operation {
        name: "updateCallBxml",
        method: Method::Put,
        template: "/accounts/{accountId}/calls/{callId}/bxml",
        account_id: account_id.to_owned(),
        call_id: call_id.to_owned(),
        url,
        body: Some(Body {
            bytes: document.as_bytes().to_vec(),
            content_type: XML,
        }),
        idempotent: false,
        secrets: Vec::new(),
        read: ignore,
    })
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
            update_call_bxml(self.base_url(), account_id, call_id, document)?,
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
    Ok(Operation {
        name: "updateCallRecordingState",
        method: Method::Put,
        url: call_url(base, account_id, call_id)? + "/recording",
        template: "/accounts/{accountId}/calls/{callId}/recording",
        account_id: account_id.to_owned(),
        call_id: call_id.to_owned(),
        body: Some(json(format!(r#"{{"state":"{}"}}"#, state.as_str()))),
        idempotent: true,
        secrets: Vec::new(),
        read: ignore,
    })
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

fn json(text: String) -> Body {
    Body {
        bytes: text.into_bytes(),
        content_type: JSON,
    }
}

/// A success whose body says nothing (200 or 204).
fn ignore(_: Option<&[u8]>) -> Result<(), Error> {
    Ok(())
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
            (redirect.method, redirect.url.as_str(), redirect.idempotent),
            (
                Method::Post,
                "https://h/api/v2/accounts/99/calls/c-1",
                false
            )
        );
        let hangup = hangup(BASE, "99", "c-1").unwrap();
        assert!(hangup.idempotent);
        assert_eq!(hangup.body.unwrap().bytes, br#"{"state":"completed"}"#);

        let state = get_call_state(BASE, "99", "c-1").unwrap();
        assert_eq!((state.method, state.idempotent), (Method::Get, true));
        assert!(state.body.is_none());

        let doc = "<Bxml><Hangup/></Bxml>";
        let bxml = update_call_bxml(BASE, "99", "c/1", doc).unwrap();
        assert_eq!(
            (bxml.method, bxml.url.as_str(), bxml.idempotent),
            (
                Method::Put,
                "https://h/api/v2/accounts/99/calls/c%2F1/bxml",
                false
            )
        );
        let body = bxml.body.unwrap();
        assert_eq!(
            (body.bytes.as_slice(), body.content_type),
            (doc.as_bytes(), XML)
        );

        let paused = update_call_recording(BASE, "99", "c-1", RecordingState::Paused).unwrap();
        assert_eq!(
            (paused.method, paused.url.as_str(), paused.idempotent),
            (
                Method::Put,
                "https://h/api/v2/accounts/99/calls/c-1/recording",
                true
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
        let err = update_call_bxml(BASE, "99", "..", "not xml").err().unwrap();
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
