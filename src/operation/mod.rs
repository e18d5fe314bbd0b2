//! The Voice API's operations, each in one place: a small description of
//! what to send, how safe it is to repeat, and how to read its success,
//! followed by the [`Client`](crate::Client) method that runs it. One
//! pipeline (`Client::run`) sends them all; the C ABI builds the same
//! descriptions (`src/ffi/`). One file per path family: `call` (a live
//! call), `calls` (the account's calls: create, list), `conference`.

mod call;
mod calls;
mod conference;

pub use call::*;
pub use calls::*;
pub use conference::*;

use crate::error::{Error, Status};
use crate::response::MAX_BODY_BYTES;
use crate::transport::Reply;

const JSON: &str = "application/json; charset=utf-8";
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

/// What repeating an operation does, which decides when the retry policy
/// may send it again (see [`crate::retry::is_retryable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Repeating it changes nothing (reads, hang-ups, recording state, a
    /// member's mute): repeated after any transient failure.
    Idempotent,
    /// Repeating it acts again (a redirect fires the webhook again, new BXML
    /// restarts the script): repeated only when certainly not applied,
    /// unless the client opts in with `retry_non_idempotent`.
    NotIdempotent,
    /// Repeating it places a second phone call (createCall): repeated only
    /// when certainly not applied, whatever the client's settings.
    PlacesCall,
}

/// One validated operation, ready to send.
pub struct Operation<T> {
    /// The spec's operationId, e.g. `updateCall`.
    pub name: &'static str,
    pub method: Method,
    /// The path with placeholders, for events: `/accounts/{accountId}/calls/{callId}`.
    pub template: &'static str,
    pub account_id: String,
    /// The call it acts on (a conference member's call id); empty if none.
    pub call_id: String,
    /// The conference it acts on; empty if none.
    pub conference_id: String,
    pub url: String,
    pub body: Option<Body>,
    pub repeat: Repeat,
    /// Parts of the body an echoing server must not get into a message.
    pub secrets: Vec<String>,
    /// The most of an answer's body read; a list needs more than one call.
    pub max_body: u64,
    /// Reads a 2xx answer into the operation's value.
    pub read: fn(&Reply) -> Result<T, Error>,
}

impl<T> Operation<T> {
    /// An operation with no body, no secrets, the usual body cap, and no
    /// ids beyond the account: each description sets what it has.
    fn new(
        name: &'static str,
        method: Method,
        template: &'static str,
        account_id: &str,
        url: String,
        repeat: Repeat,
        read: fn(&Reply) -> Result<T, Error>,
    ) -> Operation<T> {
        Operation {
            name,
            method,
            template,
            account_id: account_id.to_owned(),
            call_id: String::new(),
            conference_id: String::new(),
            url,
            body: None,
            repeat,
            secrets: Vec::new(),
            max_body: MAX_BODY_BYTES,
            read,
        }
    }

    /// What the operation acts on, for the words of an HTTP error (a 404
    /// says which thing is unknown).
    pub fn subject(&self) -> &'static str {
        if self.template.contains("{memberId}") {
            "conference member"
        } else if self.template.contains("{conferenceId}") {
            "conference"
        } else if self.template.contains("{callId}") {
            "call"
        } else {
            "account"
        }
    }
}

fn json(text: String) -> Body {
    Body {
        bytes: text.into_bytes(),
        content_type: JSON,
    }
}

fn xml(document: &str) -> Body {
    Body {
        bytes: document.as_bytes().to_vec(),
        content_type: XML,
    }
}

/// A success whose body says nothing (200, 201 or 204).
fn ignore(_: &Reply) -> Result<(), Error> {
    Ok(())
}

/// The body of a 2xx answer that must have one; `hint` says what to do
/// when it was too large.
fn body<'r>(reply: &'r Reply, what: &str, max: u64, hint: &str) -> Result<&'r [u8], Error> {
    reply.body.as_deref().ok_or_else(|| {
        let size = if max >= 1 << 20 {
            format!("{} MiB", max >> 20)
        } else {
            format!("{} KiB", max >> 10)
        };
        Error::new(
            Status::Protocol,
            format!("malformed {what}: the body could not be read whole (cut short, or over {size}){hint}"),
        )
    })
}
