//! bwvoice: Bandwidth Voice API live-call control — redirect a call to new
//! BXML, hang it up, read its state, replace its BXML inline, pause and
//! resume its recording — with validation, timeouts, retries and a
//! thread-safe OAuth2 token cache. The safe Rust API lives here; the C ABI
//! (`include/bwvoice.h`) is in [`ffi`].

#![deny(unsafe_code)]
// Errors carry the server's detail by value; they are built only on the
// failure path, next to a network round trip, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod budget;
pub mod bxml;
pub mod call_state;
pub mod client;
mod coalescing;
pub mod endpoint;
pub mod error;
pub mod events;
pub mod jobs;
pub mod operation;
mod redact;
pub mod request;
mod resolver;
pub mod response;
pub mod retry;
pub mod transport;
pub mod version;

#[allow(unsafe_code)]
pub mod ffi;

pub use auth::Auth;
pub use call_state::{CallState, Timestamp};
pub use client::{CallOptions, Client, ClientConfig};
pub use error::{Error, Status};
pub use events::{Event, EventHook, EventKind, RetryReason, Stats};
pub use operation::RecordingState;
pub use request::{ModifyCallRequest, RedirectMethod, RequestedState};
pub use transport::{ProxyConfig, TlsRoots};
