//! bwvoice: Bandwidth's Voice API — place calls and list them, control a
//! live call (redirect it to new BXML, hang it up, read its state, replace
//! its BXML inline, pause and resume its recording), and run conferences
//! (redirect or end one, mute, hold or coach its members) — with
//! validation, timeouts, retries that never place a call twice, and a
//! thread-safe OAuth2 token cache. On the other side, it reads the
//! callbacks Bandwidth sends ([`parse_callback`], [`parse_callback_query`])
//! and checks who sent them ([`check_callback_auth`]).
//!
//! This crate is the core of `libbwvoice` (the C ABI in `include/bwvoice.h`,
//! which the Python and Go bindings wrap); from Rust, use [`Client`]:
//!
//! ```no_run
//! use bwvoice::{Auth, CallOptions, Client, ClientConfig, ModifyCallRequest, Status};
//!
//! let client = Client::new(ClientConfig::new(Auth::OAuth2 {
//!     client_id: "my-client".into(),
//!     client_secret: "my-secret".into(),
//!     token_url: None,
//! }))?;
//! let next = ModifyCallRequest {
//!     tag: Some("step-2".into()),
//!     ..ModifyCallRequest::redirect("https://app.example/next")
//! };
//! match client.modify_call("9900000", "c-1234", &next, &CallOptions::default()) {
//!     Err(e) if e.status == Status::NotFound => println!("the call has already ended"),
//!     result => result?,
//! }
//! client.hangup("9900000", "c-1234", &CallOptions::default())?;
//! # Ok::<(), bwvoice::Error>(())
//! ```
//!
//! Every operation validates its arguments first (an invalid one sends
//! nothing and names the field in [`Error::field`]), then sends with the
//! client's retry policy within one time budget. A [`Client`] is meant to be
//! shared between threads.

#![deny(unsafe_code)]
// The `fuzzing` feature makes internal items reachable; only the API needs docs.
#![cfg_attr(not(feature = "fuzzing"), warn(missing_docs))]
// Errors carry the server's detail by value; they are built only on the
// failure path, next to a network round trip, so their size does not matter.
#![allow(clippy::result_large_err)]

mod attempt;
mod auth;
mod budget;
pub mod bxml;
mod call_state;
mod callback;
mod cancel;
mod client;
mod coalescing;
mod conference;
mod config;
mod create_call;
mod endpoint;
mod error;
mod events;
#[allow(unsafe_code)]
mod ffi;
mod jobs;
mod json;
mod list_calls;
mod operation;
mod redact;
mod request;
mod resolver;
mod response;
mod retry;
mod run;
mod transport;
mod version;

pub use auth::Auth;
pub use budget::{DEFAULT_CAPACITY as DEFAULT_RETRY_BUDGET, OFF as RETRY_BUDGET_OFF};
pub use bxml::{escape as xml_escape, MAX_BXML_BYTES};
pub use call_state::{CallState, Timestamp};
pub use callback::{
    challenge_header, check_callback_auth, parse_callback, parse_callback_query, Callback,
    CallbackAuth, CallbackEvent, MachineDetectionResult, MediaStream, Transcription,
    MAX_CALLBACK_BYTES,
};
pub use client::{
    CallOptions, Client, ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT,
};
pub use conference::{
    Conference, ConferenceMember, ConferenceStatus, UpdateConferenceMemberRequest,
    UpdateConferenceRequest, MAX_COACHED_CALLS,
};
pub use create_call::{CreateCallRequest, CreatedCall, MachineDetection, MachineDetectionMode};
pub use endpoint::{DEFAULT_BASE_URL, DEFAULT_TOKEN_URL};
pub use error::{Error, Status};
pub use events::{Event, EventHook, EventKind, RetryReason, Stats};
pub use list_calls::{
    CallPage, ListCallsQuery, MAX_FILTER_CHARS, MAX_PAGE_SIZE, MAX_PAGE_TOKEN_CHARS,
};
pub use operation::RecordingState;
pub use request::{
    ModifyCallRequest, RedirectMethod, RequestedState, MAX_CREDENTIAL_CHARS, MAX_TAG_CHARS,
};
pub use retry::DEFAULT_MAX_ATTEMPTS;
pub use transport::{ProxyConfig, TlsRoots};

/// The internal entry points the fuzz harness (`fuzz/src/lib.rs`) drives
/// without a network. Not part of the API: only with the `fuzzing` feature.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::auth::{oauth_error_code, parse_token_reply, refresh_after};
    pub use crate::ffi::fuzzing::*;
    pub use crate::operation::{update_call, Repeat};
    pub use crate::response::{http_error, parse_error_body, MAX_FIELD_CHARS};
    pub use crate::retry::{parse_retry_after, MAX_RETRY_AFTER};
}
